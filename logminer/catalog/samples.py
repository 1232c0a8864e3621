"""The few values an argument keeps to show: examples, and its values while they are few.

Both must not depend on the order requests are read or catalogs merged in:
- examples are the distinct values with the smallest (CRC-32, value), shortened first;
- values are every distinct value with its count while there are at most ``max_values`` of them,
  then none (``None``).
A value that looks like a credential (``secrets.secret_value``) is neither: it is only counted as
withheld. The work is done for many values at once, in C code where the standard library allows.
"""

from __future__ import annotations

import heapq
import operator
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from itertools import accumulate, compress, repeat
from operator import le, not_

from .secrets import AUTH_SCHEMES, CARD_DIGITS, PREFILTER_PATTERNS

EXAMPLE_LENGTH = 60
ELLIPSIS = "…"


def shorten(value: str, length: int = EXAMPLE_LENGTH) -> str:
    """``value`` cut to ``length`` characters, the last one an ellipsis, when it is longer."""
    return value if len(value) <= length else value[: length - 1] + ELLIPSIS


def example_order(value: str) -> tuple[int, str]:
    """Examples are the values with the smallest (CRC-32, value): a fair, order-free sample."""
    return zlib.crc32(value.encode("utf-8", "surrogatepass")), value


def _crcs(values: Sequence[str]) -> list[int]:
    return list(map(zlib.crc32, map(str.encode, values, repeat("utf-8"), repeat("surrogatepass"))))


def smallest_examples(examples: list[str], candidates: Sequence[str], size: int) -> list[str]:
    """The ``size`` values with the smallest (CRC-32, value) among ``examples`` (already such a list)
    and ``candidates`` (distinct or not), in that order."""
    if size <= 0:
        return []
    if not candidates:
        return examples[:size]
    candidates = list(dict.fromkeys(candidates))
    crcs = _crcs(candidates)
    known = [example_order(example) for example in examples]
    # Only a candidate whose CRC is at most the size-th smallest of distinct values seen so far
    # can be kept.
    sample = sorted({*(crc for crc, _ in known), *crcs[: 4 * size]})
    if len(sample) >= size:
        threshold = sample[size - 1]
        kept = compress(zip(crcs, candidates, strict=True), map(le, crcs, repeat(threshold)))
    else:
        kept = zip(crcs, candidates, strict=True)
    return [value for _, value in heapq.nsmallest(size, set(known).union(kept))]


def withheld(
    values: Sequence[str], is_secret: Callable[[str], bool], kinds: Sequence[str] | None = None
) -> list[bool]:
    """Which values look like credentials (``is_secret``, a ``secrets.SecretValues``). Its prefilter
    is run on all the values at once, in C: they are joined into one text, searched for its marks
    and for its authentication schemes (a scan each), and their digits are counted; only the values
    a mark or a scheme falls in, or with enough digits for a card number, are looked at closely."""
    flags = [False] * len(values)
    if not values:
        return flags
    if max(map(len, values)) > _JOINED:  # a huge value is looked at as it is, not copied
        large = [index for index, value in enumerate(values) if len(value) > _JOINED]
        for index in large:
            flags[index] = is_secret(values[index])
        rest = [index for index, value in enumerate(values) if len(value) <= _JOINED]
        shorter = [values[index] for index in rest]
        kinds_of = [kinds[index] for index in rest] if kinds is not None else None
        for index, flag in zip(rest, withheld(shorter, is_secret, kinds_of), strict=True):
            flags[index] = flag
        return flags
    # Joined by newlines, which no mark's pattern runs across (a value may hold some itself).
    joined = "\n".join(values)
    starts = list(accumulate(map(len, values), lambda total, length: total + length + 1, initial=0))
    positions: list[tuple[int, int]] = []
    for pattern in PREFILTER_PATTERNS:
        positions += [match.span() for match in pattern.finditer(joined)]
    lowered = joined.lower()
    for scheme in AUTH_SCHEMES:
        found = lowered.find(scheme)
        while found >= 0:
            positions.append((found, found + len(scheme) + 1))
            found = lowered.find(scheme, found + 1)
    candidates: set[int] = set()
    for start, end in positions:
        first = bisect_right(starts, start) - 1
        candidates.update(range(first, bisect_right(starts, max(end - 1, start))))
    # A card number is in a value of 13 digits or more, an int, a string or an e-mail address (a
    # date, a time or an amount never holds one: the detector wants no digit or point beside it).
    enough = map(operator.ge, _digits(joined, values), repeat(CARD_DIGITS))
    if kinds is not None:
        enough = map(operator.and_, enough, map(_CARD_KINDS.__contains__, kinds))
    candidates.update(compress(range(len(values)), enough))
    for index in candidates:
        flags[index] = is_secret(values[index])
    return flags


def _digits(joined: str, values: Sequence[str]) -> Iterable[int]:
    """How many digits each value holds, counted in C: the values' joined text as bytes, every byte
    but the digits and the newlines between values deleted (a table lookup each), split at those."""
    if joined.count("\n") != len(values) - 1:  # some value holds a newline of its own
        return map(operator.sub, map(len, values), map(len, map(str.translate, values, repeat(_NO_DIGITS))))
    kept = joined.encode("utf-8", "surrogatepass").translate(None, _NOT_DIGITS)
    return map(len, kept.split(b"\n"))


_CARD_KINDS = frozenset({"int", "string", "email"})
_NO_DIGITS = str.maketrans("", "", "0123456789")
_NOT_DIGITS = bytes(byte for byte in range(256) if not (48 <= byte <= 57 or byte == 10))
# Values longer than this are looked at one by one rather than joined with the others.
_JOINED = 1 << 16


def count_values(
    counted: dict[str, int] | None,
    values: Sequence[str],
    weights: Sequence[int] | None,
    max_values: int,
) -> dict[str, int] | None:
    """``counted`` (the values so far, or None once there were too many) with ``values`` added,
    each ``weights[i]`` times; None once there are more than ``max_values`` distinct ones."""
    if counted is None:
        return None
    if weights is None:
        counts = Counter(values)
    else:
        counts = Counter()
        for value, weight in zip(values, weights, strict=True):
            counts[value] += weight
    if len(counts) > max_values:
        return None
    for value, count in counts.items():
        counted[value] = counted.get(value, 0) + count
    return None if len(counted) > max_values else counted


def kept_values(
    values: Sequence[str],
    weights: Sequence[int] | None,
    is_secret: Callable[[str], bool],
    kinds: Sequence[str] | None = None,
) -> tuple[list[str], list[int] | None, int]:
    """The values that may be shown (shortened, credentials left out: ``is_secret``), their weights,
    and how many values were withheld as credentials (counted by weight). ``kinds`` (each value's
    kind, ``kinds.value_kinds``) spares looking for card numbers in dates and amounts."""
    flags = withheld(values, is_secret, kinds)
    withheld_count = 0
    if any(flags):
        withheld_count = sum(compress(weights, flags)) if weights is not None else sum(flags)
        keep = list(map(not_, flags))
        values = list(compress(values, keep))
        weights = list(compress(weights, keep)) if weights is not None else None
    if values and max(map(len, values)) > EXAMPLE_LENGTH:
        values = [shorten(value) for value in values]
    return list(values), weights, withheld_count
