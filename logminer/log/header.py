"""A REQUEST header's fields, as the log writes them: ``[20-Jan-2012 17:32:06+0200] [webAdmin/#260808]
REQUEST: /companies/add``: its time (and the day it names), its component, its number, and the method
its path stands for.

The fields are groups cut into the grammar's REQUEST_HEADER terminal (``patterns``); the time's
layout (``dd-Mon-yyyy hh:mm:ss+zzzz``) is known here and nowhere else.
"""

from __future__ import annotations

import operator
import re
import sys
from datetime import datetime, timedelta, timezone
from functools import lru_cache
from itertools import repeat

from .patterns import shared_patterns

_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_MONTHS = {name: number for number, name in enumerate(_MONTH_NAMES, 1)}

# A header time that surely names a moment (the grammar only promises digits): a day the month has
# (29 February aside), hours, minutes and seconds in range, a year from 1, an offset under 24 hours.
_SURE_TIME = (
    r"(?:(?:0[1-9]|1\d|2[0-8])-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"|(?:29|30)-(?:Jan|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|31-(?:Jan|Mar|May|Jul|Aug|Oct|Dec))"
    r"-(?!0000)\d{4} (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d[+-](?:(?:[01]\d|2[0-2])\d\d|23[0-5]\d)"
)
# Header times (all of one length) written one after another, every one of them sure.
_ALL_SURE = re.compile(f"(?:{_SURE_TIME})*+" if sys.version_info >= (3, 11) else f"(?:{_SURE_TIME})*")


def all_surely_possible(stamps: list[str]) -> bool:
    """Whether every header time surely names a moment (one regex match for them all; a time this
    says no to may still be possible: 29 February, see ``parse_timestamp``)."""
    return _ALL_SURE.fullmatch("".join(stamps)) is not None


_FIELDS: re.Pattern[str] | None = None


def request_fields() -> re.Pattern[str]:
    """The REQUEST header line with groups: (line, time, component, number, path), then its newline."""
    global _FIELDS
    if _FIELDS is None:
        _FIELDS = re.compile(shared_patterns().request_fields_regex)
    return _FIELDS


def split_request_header(line: str) -> tuple[str, str, int, str]:
    """``[time] [component/#n] REQUEST: path`` (a header line, its newline optional) -> its time,
    component, number and path."""
    match = request_fields().match(line if line.endswith("\n") else line + "\n")
    if match is None:
        raise ValueError("not a REQUEST header line")
    _, stamp, component, number, path = match.groups()
    return stamp, component, int(number), path


@lru_cache(maxsize=4096)
def _minute(text: str) -> datetime:
    """``20-Jan-2012 17:32+0200`` (a header time without its seconds) as an aware datetime."""
    offset = int(text[18:20]) * 60 + int(text[20:22])
    if text[17] == "-":
        offset = -offset
    return datetime(
        int(text[7:11]),
        _MONTHS[text[3:6]],
        int(text[0:2]),
        int(text[12:14]),
        int(text[15:17]),
        tzinfo=_timezone(offset),
    )


@lru_cache(maxsize=256)
def _timezone(minutes: int) -> timezone:
    return timezone(timedelta(minutes=minutes))


def parse_timestamp(text: str) -> datetime:
    """``20-Jan-2012 17:32:06+0200`` as an aware datetime; KeyError or ValueError when it names no
    moment (day 99, month Mbr)."""
    seconds = int(text[18:20])
    if seconds > 59:
        raise ValueError("second must be in 0..59")
    return _minute(text[:17] + text[20:]).replace(second=seconds)


# A time's seconds, added to its minute's datetime (which has none).
_SECONDS = tuple(timedelta(seconds=second) for second in range(60))


def sure_timestamps(stamps: list[str]) -> list[datetime]:
    """``parse_timestamp`` of header times that surely name a moment (``_SURE_TIME``), in bulk:
    each minute's datetime is made once (``_minute``) and the seconds are added to it."""
    minutes = map(
        operator.add,
        map(operator.getitem, stamps, repeat(slice(0, 17))),
        map(operator.getitem, stamps, repeat(slice(20, None))),
    )
    seconds = map(_SECONDS.__getitem__, map(int, map(operator.getitem, stamps, repeat(slice(18, 20)))))
    return list(map(operator.add, map(_minute, minutes), seconds))


@lru_cache(maxsize=4096)
def day(stamp: str) -> str:
    """The day a header time names, in the log's own calendar: ``20-Jan-2012 ...`` -> ``2012-01-20``."""
    return f"{stamp[7:11]}-{_MONTHS[stamp[3:6]]:02d}-{stamp[0:2]}"


def method_name(path: str) -> str | None:
    """The method a REQUEST path stands for (``/companies/add`` -> ``companies.add``), or None when
    the path cannot name one (see ``method_or_reason``)."""
    return method_or_reason(path)[0]


@lru_cache(maxsize=8192)
def method_or_reason(path: str) -> tuple[str | None, str | None]:
    """(method name, None), or (None, why the path names no method): a path that holds what looks
    like a token or credential never becomes a method name."""
    from ..catalog.secrets import method_from_path

    return method_from_path(path)


@lru_cache(maxsize=1024)
def component_name(component: str) -> str:
    """The header's component (``webAdmin``), with anything that is not a name cut off."""
    from ..catalog.secrets import component_name as clean

    return clean(component)
