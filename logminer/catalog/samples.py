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
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import accumulate, compress, repeat
from operator import le, not_

from .secrets import PREFILTER_PATTERNS

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


def withheld(values: Sequence[str], is_secret: Callable[[str], bool]) -> list[bool]:
    """Which values look like credentials (``is_secret``, a ``secrets.SecretValues``). The values
    are joined into one text and searched for the prefilter's marks in C, a scan each; only the
    values a mark falls in (or a match runs across) are looked at closely."""
    flags = [False] * len(values)
    if not values:
        return flags
    joined = "\x00".join(values)
    starts = list(accumulate(map(len, values), lambda total, length: total + length + 1, initial=0))
    candidates: set[int] = set()
    for pattern in PREFILTER_PATTERNS:
        for match in pattern.finditer(joined):
            first = bisect_right(starts, match.start()) - 1
            last = bisect_right(starts, max(match.end() - 1, match.start())) - 1
            candidates.update(range(first, last + 1))
    for index in candidates:
        flags[index] = is_secret(values[index])
    return flags


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
    values: Sequence[str], weights: Sequence[int] | None, is_secret: Callable[[str], bool]
) -> tuple[list[str], list[int] | None, int]:
    """The values that may be shown (shortened, credentials left out: ``is_secret``), their weights,
    and how many values were withheld as credentials (counted by weight)."""
    flags = withheld(values, is_secret)
    withheld_count = 0
    if any(flags):
        withheld_count = sum(compress(weights, flags)) if weights is not None else sum(flags)
        keep = list(map(not_, flags))
        values = list(compress(values, keep))
        weights = list(compress(weights, keep)) if weights is not None else None
    if values and max(map(len, values)) > EXAMPLE_LENGTH:
        values = [shorten(value) for value in values]
    return list(values), weights, withheld_count
