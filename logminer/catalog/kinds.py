"""What kind of value an argument holds, guessed from the text the billing was sent.

Every leaf of a web request is a string; these names say what the string looks like.
"""

from __future__ import annotations

import ipaddress
import re

# Most specific first; a value gets the first type it fits.
TYPES = ("empty", "bool", "int", "decimal", "date", "datetime", "email", "ip", "string", "array")

# Types a value of another type can stand in for, when checking a value against what was observed:
# a 0/1 flag is also an int, an int also a decimal.
WIDER = {
    "bool": ("int", "decimal", "string"),
    "int": ("decimal", "string"),
    "decimal": ("string",),
    "date": ("string",),
    "datetime": ("string",),
    "email": ("string",),
    "ip": ("string",),
    "empty": ("string",),
}

_INT = re.compile(r"-?(?:0|[1-9]\d{0,18})\Z")
_DECIMAL = re.compile(r"-?\d+\.\d+\Z")
_DATE = re.compile(r"\d{4}-\d\d-\d\d\Z")
_DATETIME = re.compile(r"\d{4}-\d\d-\d\d[ T]\d\d:\d\d(?::\d\d(?:\.\d+)?)?(?:Z|[+-]\d\d(?::?\d\d)?)?\Z")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}\Z")
_IP_CHARS = re.compile(r"[0-9A-Fa-f:.]{2,45}\Z")

# Answers already given, by value (values repeat a lot in a log).
KNOWN_TYPES: dict[str, str] = {}
KNOWN_TYPES_LIMIT = 50_000


def infer_type(value: object) -> str:
    """The type name of one leaf value: empty, bool, int, decimal, date, datetime, email, ip, string.

    Containers are ``array``. Values repeat a lot in a log, so answers are cached.
    """
    if not isinstance(value, str):
        return "array" if isinstance(value, (dict, list)) else _scalar_type(value)
    kind = KNOWN_TYPES.get(value)
    if kind is None:
        kind = _string_type(value)
        if len(KNOWN_TYPES) >= KNOWN_TYPES_LIMIT:
            KNOWN_TYPES.clear()
        if len(value) <= 64:
            KNOWN_TYPES[value] = kind
    return kind


def _scalar_type(value: object) -> str:
    if value is None or value is False:
        return "empty"
    if value is True:
        return "bool"
    if isinstance(value, int):
        return "bool" if value in (0, 1) else "int"
    if isinstance(value, float):
        return "decimal"
    return "string"


def _string_type(value: str) -> str:
    if not value:
        return "empty"
    if value == "0" or value == "1":
        return "bool"
    first = value[0]
    if first.isdigit() or first == "-":
        if _INT.match(value):
            return "int"
        if _DECIMAL.match(value):
            return "decimal"
        if _DATE.match(value):
            return "date"
        if _DATETIME.match(value):
            return "datetime"
    if "@" in value and _EMAIL.match(value):
        return "email"
    if _IP_CHARS.match(value) and ("." in value or ":" in value):
        try:
            ipaddress.ip_address(value)
            return "ip"
        except ValueError:
            pass
    return "string"


def fits(kind: str, observed: dict[str, int] | list[str]) -> bool:
    """Whether a value of type ``kind`` fits arguments observed with these types."""
    if kind in observed:
        return True
    return any(wider in observed for wider in WIDER.get(kind, ()))
