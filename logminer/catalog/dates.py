"""Times as the catalog writes them, and calls counted per day.

Days are the log's own: a request logged at ``11-Mar-2024 23:30:00+0200`` was made on 2024-03-11,
whatever the reader's time zone. A catalog that spans years keeps days for the recent past only:
days in the last ``DAY_MONTHS`` months of a method's calls (counted from its latest day) stay days;
earlier ones are summed into their month (``2023-04``). The boundary is a month's first day and only
moves forward, so folding is the same whatever order calls were counted or catalogs merged in.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

DAY_MONTHS = 13


def iso(moment: datetime | None) -> str | None:
    """A time as ISO 8601 with its offset (None stays None)."""
    return moment.isoformat() if moment is not None else None


def from_iso(text: Any) -> datetime | None:
    """The time an ISO 8601 text names (None stays None); ValueError when it names none."""
    if text is None:
        return None
    if not isinstance(text, str):
        raise ValueError("a time is not text")
    return datetime.fromisoformat(text)


def _month_index(key: str) -> int:
    return int(key[:4]) * 12 + int(key[5:7]) - 1


def folded(days: Mapping[str, int]) -> dict[str, int]:
    """Calls per day (``YYYY-MM-DD``) and per month (``YYYY-MM``), days older than ``DAY_MONTHS``
    months before the latest day summed into their months; sorted by key."""
    latest = max((key for key in days if len(key) == 10), default=None)
    if latest is None:
        return dict(sorted(days.items()))
    first_kept = _month_index(latest) - (DAY_MONTHS - 1)
    result: dict[str, int] = {}
    for key, count in days.items():
        if len(key) == 10 and _month_index(key) < first_kept:
            key = key[:7]
        result[key] = result.get(key, 0) + count
    return dict(sorted(result.items()))


def add_days(days: dict[str, int], more: Mapping[str, int]) -> dict[str, int]:
    """``days`` with the counts of ``more`` added, folded (see ``folded``)."""
    merged = dict(days)
    for key, count in more.items():
        merged[key] = merged.get(key, 0) + count
    return folded(merged)


def check_days(data: Any, what: str) -> dict[str, int]:
    """Calls per day as read from a catalog file; ValueError names what is wrong."""
    if not isinstance(data, dict):
        raise ValueError(f"{what} is not an object of counts")
    for key, count in data.items():
        if not (isinstance(key, str) and len(key) in (7, 10) and key[4] == "-"):
            raise ValueError(f"{what} has a key that is no day or month")
        if not isinstance(count, int) or isinstance(count, bool) or count < 0:
            raise ValueError(f"{what} is not an object of counts")
    return dict(data)
