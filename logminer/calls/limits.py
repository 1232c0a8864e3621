"""The numbers a user gives for calls and downloads, checked once: seconds and byte counts.

A module of its own, without httpx, so that the command line can check its options without loading it.
"""

from __future__ import annotations

import math
import re

from .._errors import UsageError


def seconds(value: float, what: str = "timeout") -> float:
    """``value`` when it is a number of seconds above zero (not NaN, not infinite); ``UsageError`` else."""
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if not number or not math.isfinite(value) or value <= 0:
        raise UsageError(f"The {what} must be a number of seconds above 0, not {value!r}.")
    return float(value)


def byte_count(value: int, what: str) -> int:
    """``value`` when it is a whole number of bytes above zero; ``UsageError`` else."""
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise UsageError(f"The {what} must be a whole number of bytes above 0, not {value!r}.")
    return value


def parse_size(text: str) -> int:
    """A byte count as a person writes it: ``2000000``, ``500K``, ``64MB``, ``2G`` (powers of 1024)."""
    match = re.fullmatch(r"\s*(\d+)\s*([kmgt]?)(?:i?b)?\s*", text, re.IGNORECASE)
    if not match:
        raise UsageError(f"{text!r} is not a size: give bytes, or a number with K, M or G (e.g. 500M).")
    number, unit = int(match.group(1)), match.group(2).lower()
    return byte_count(number * 1024 ** " kmgt".index(unit or " "), "size")
