"""What kind of value an argument holds, guessed from the text the billing was sent.

Every leaf of a web request is a string; these names say what the string looks like. One regex
classifies a value (its named group is the kind), so that many values can be classified in one pass
of C code (``count_kinds``) and one value exactly the same way (``infer_type``).
"""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from itertools import compress, repeat
from operator import attrgetter, eq

# Most specific first; a value gets the first kind it fits. ``array`` is a container.
KINDS = ("empty", "bool", "int", "decimal", "date", "datetime", "email", "ip", "string", "array")

# Kinds a value of another kind can stand in for, when checking a value against what was observed:
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

_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# Each alternative is whole (``\Z``) but the last, which takes any value: `match` always succeeds and
# its ``lastgroup`` is the kind. ``ip6`` only marks a value that may be an IPv6 address (hex digits,
# colons, dots, a scope): the ipaddress module decides (``_is_ipv6``).
_CLASSIFY = re.compile(
    r"(?P<empty>\Z)"
    # Only a value that starts with a digit or a minus can be a number, a date or an IPv4 address.
    r"|(?=[-0-9])(?:(?P<bool>[01]\Z)"
    r"|(?P<int>-?(?:0|[1-9][0-9]{0,18})\Z)"
    r"|(?P<decimal>-?[0-9]+\.[0-9]+\Z)"
    r"|(?P<date>[0-9]{4}-[0-9]{2}-[0-9]{2}\Z)"
    r"|(?P<datetime>[0-9]{4}-[0-9]{2}-[0-9]{2}[ T][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?"
    r"(?:Z|[+-][0-9]{2}(?::?[0-9]{2})?)?\Z)"
    rf"|(?P<ip>{_OCTET}(?:\.{_OCTET}){{3}}\Z))"
    r"|(?P<email>[^@\s:/]+@[^@\s]+\.[A-Za-z]{2,}\Z)"
    r"|(?P<ip6>[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*(?:%[0-9A-Za-z_.-]+)?\Z)"
    r"|(?P<string>)"
)
_KIND = attrgetter("lastgroup")


@lru_cache(maxsize=4096)
def _is_ipv6(value: str) -> bool:
    try:
        ipaddress.IPv6Address(value)
    except ValueError:
        return False
    return True


def infer_type(value: object) -> str:
    """The kind of one value: empty, bool, int, decimal, date, datetime, email, ip or string;
    ``array`` for a container (a dict or list)."""
    if isinstance(value, str):
        kind = _CLASSIFY.match(value).lastgroup  # type: ignore[union-attr]
        if kind == "ip6":
            return "ip" if _is_ipv6(value) else "string"
        return kind  # type: ignore[return-value]
    if isinstance(value, (dict, list)):
        return "array"
    if value is None or value is False:
        return "empty"
    if value is True:
        return "bool"
    if isinstance(value, int):
        return "bool" if value in (0, 1) else "int"
    if isinstance(value, float):
        return "decimal"
    return "string"


def value_kinds(values: Sequence[str]) -> list[str]:
    """What ``infer_type`` says of each value (strings), in one pass of C code but for the rare
    values that may be IPv6 addresses."""
    kinds = list(map(_KIND, map(_CLASSIFY.match, values)))
    if "ip6" in kinds:
        for index in compress(range(len(kinds)), map(eq, kinds, repeat("ip6"))):
            kinds[index] = "ip" if _is_ipv6(values[index]) else "string"
    return kinds  # type: ignore[return-value]


def count_kinds(kinds: Sequence[str], weights: Sequence[int] | None = None) -> dict[str, int]:
    """How many values are of each kind (``value_kinds``), each counted ``weights[i]`` times (once
    when no weights are given)."""
    if weights is None:
        return dict(Counter(kinds))
    counts: dict[str, int] = {}
    for kind, weight in zip(kinds, weights, strict=True):
        counts[kind] = counts.get(kind, 0) + weight
    return counts


def fits(kind: str, observed: dict[str, int] | list[str]) -> bool:
    """Whether a value of kind ``kind`` fits arguments observed with these kinds."""
    if kind in observed:
        return True
    return any(wider in observed for wider in WIDER.get(kind, ()))
