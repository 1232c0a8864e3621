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
import re
import zlib
from collections import Counter
from collections.abc import Callable, Sequence
from itertools import compress, repeat
from operator import le, not_

from .secrets import AUTH_SCHEMES, CARD_SHAPES, MARK_PARTS, MARKS

EXAMPLE_LENGTH = 60
ELLIPSIS = "…"


def shorten(value: str, length: int = EXAMPLE_LENGTH) -> str:
    """``value`` cut to ``length`` characters, the last one an ellipsis, when it is longer."""
    return value if len(value) <= length else value[: length - 1] + ELLIPSIS


def example_order(value: str) -> tuple[int, str]:
    """Examples are the values with the smallest (CRC-32, value): a fair, order-free sample."""
    return zlib.crc32(value.encode("utf-8", "surrogatepass")), value


def _crcs(values: Sequence[str]) -> list[int]:
    try:
        return list(map(zlib.crc32, map(str.encode, values)))
    except UnicodeEncodeError:  # a lone surrogate (from a record made by hand): as example_order has it
        return list(map(zlib.crc32, map(str.encode, values, repeat("utf-8"), repeat("surrogatepass"))))


def smallest_examples(examples: list[str], candidates: Sequence[str], size: int) -> list[str]:
    """The ``size`` values with the smallest (CRC-32, value) among ``examples`` (already such a list)
    and ``candidates`` (distinct or not), in that order."""
    if size <= 0:
        return []
    if not candidates:
        return examples[:size]
    crcs = _crcs(candidates)
    known = [example_order(example) for example in examples]
    # Only a candidate whose CRC is at most the size-th smallest of the distinct CRCs seen so far
    # can be kept (as many values have a CRC at most that).
    sample = sorted({*(crc for crc, _ in known), *crcs[: 4 * size]})
    if len(sample) >= size:
        threshold = sample[size - 1]
        kept = compress(zip(crcs, candidates, strict=True), map(le, crcs, repeat(threshold)))
    else:
        kept = zip(crcs, candidates, strict=True)
    return [value for _, value in heapq.nsmallest(size, set(known).union(kept))]


def withheld(values: Sequence[str], is_secret: Callable[[str], bool]) -> list[bool]:
    """Which values look like credentials (``is_secret``, a ``secrets.SecretValues``). Its prefilter
    is run on all the values at once, in C (``_suspects``); only the values it lets through are
    looked at closely."""
    flags = [False] * len(values)
    if not values:
        return flags
    if max(map(len, values)) > _JOINED:  # a huge value is looked at as it is, not copied
        large = [index for index, value in enumerate(values) if len(value) > _JOINED]
        for index in large:
            flags[index] = is_secret(values[index])
        rest = [index for index, value in enumerate(values) if len(value) <= _JOINED]
        for index, flag in zip(rest, withheld([values[index] for index in rest], is_secret), strict=True):
            flags[index] = flag
        return flags
    for index in _suspects(values):
        flags[index] = is_secret(values[index])
    return flags


def _suspects(values: Sequence[str]) -> set[int]:
    """The values (by index) in which the prefilter of ``SecretValues`` may find something: one of
    its marks, an authentication scheme, a card's digits (a superset of what it lets through).

    The values are joined one a line and scanned a few times in C: ``bytes.find`` for the marks, for
    the schemes in a lower-cased copy, and for a card's digits in a copy where every digit reads 0,
    a space or hyphen -, and any other byte x; the mark pattern's parts. What those scans cannot see
    makes a value a suspect by itself: a newline of its own, a digit other than 0-9, or a letter that
    matches a scheme's only when case is ignored (ſ, K, ı, İ).
    """
    several = list(compress(range(len(values)), map(operator.contains, values, repeat("\n"))))
    suspects = set(several)
    if several:
        values = list(values)
        for index in several:
            values[index] = ""  # one line per value, so that a line number is a value's index
    text = "\n".join(values)
    data = text.encode("utf-8", "surrogatepass")
    found: list[int] = []  # where marks, schemes and digits start, in ``data``
    for mark in _MARKS:
        _find_all(data, mark, found)
    lowered = data.lower()
    for scheme in _SCHEMES:
        _find_all(lowered, scheme, found)
    shapes = data.translate(_DIGIT_SHAPES)
    for digits in _CARD_SHAPES:
        _find_all(shapes, digits, found)
    suspects.update(_lines(data, found))
    marked = [match.start() for pattern in MARK_PARTS for match in pattern.finditer(text)]
    suspects.update(_lines(text, marked))
    if not data.isascii():
        rare = _lines(data, [match.start() for match in _RARE_BYTES.finditer(data)])
        suspects.update(index for index in rare if _RARE.search(values[index]))
    return suspects


def _find_all(data: bytes, word: bytes, found: list[int]) -> None:
    """Add where ``word`` starts in ``data``, every time."""
    at = data.find(word)
    while at >= 0:
        found.append(at)
        at = data.find(word, at + 1)


def _lines(text: str | bytes, positions: list[int]) -> list[int]:
    """The line (from 0) of each position in ``text``."""
    newline = "\n" if isinstance(text, str) else b"\n"
    lines, line, previous = [], 0, 0
    for position in sorted(positions):
        line += text.count(newline, previous, position)
        previous = position
        lines.append(line)
    return lines


_MARKS = tuple(mark.encode() for mark in MARKS)
_SCHEMES = tuple(scheme.encode() for scheme in AUTH_SCHEMES)
# Every ASCII digit read as 0, a space or a hyphen as -, any other byte as x (see ``CARD_SHAPES``).
_DIGIT_SHAPES = bytes(
    ord("0") if chr(byte).isdigit() and byte < 128 else ord("-") if chr(byte) in " -" else ord("x")
    for byte in range(256)
)
_CARD_SHAPES = tuple(shape.encode() for shape in CARD_SHAPES)
# A decimal digit other than 0-9, or a letter that matches an ASCII one when case is ignored; and
# the first bytes of their UTF-8 (the smallest of them is U+0130; the first such digit is U+0660).
_RARE = re.compile(r"[\u0130\u0131\u017f\u212a]|[^\D0-9]")
_RARE_BYTES = re.compile(rb"[\xc4\xc5\xd9-\xf4]")
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
