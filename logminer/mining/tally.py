"""Counting what the reader read, in bulk, and handing the counts to a catalog (``Catalog.count``).

What a catalog holds of a method's arguments depends only on how often each top-level element
(``[key] => value``, its value's further lines or nested block included) occurs in its calls: no two
elements of one call share a key, and nothing the catalog keeps depends on order. So the tally
counts, per method, each element's text (a "piece", see ``reader.FlatRequests``) with C-level
counting, and only when the counts are handed over does it group the distinct elements by argument
and give each argument its values all at once. Requests the parser read are counted by their paths.

Exemplars are chosen as the catalog chooses them (``catalog.exemplars``), from the requests with the
most arguments: per method, the best few of each chunk are kept until the counts are handed over.
The catalog is the same as counting the records one by one (tests compare the two).
"""

from __future__ import annotations

import itertools
import operator
from collections import Counter
from itertools import chain, compress, groupby, repeat
from operator import itemgetter
from typing import Any

from ..catalog.exemplars import MASK, Exemplar, best, exemplar, kept_params, text_hash
from ..catalog.model import Calls, Catalog, Observed
from ..catalog.paths import TRANSPORT_KEYS, CallPaths, call_paths
from ..catalog.samples import EXAMPLE_LENGTH
from ..log.header import day, parse_timestamp
from ..log.print_r import dump_value, element_value, print_r
from ..log.reader import ChunkRead, FlatRequests, ParsedRequest

try:  # the C helper behind Counter.update(iterable), without its Python-level checks
    from collections import _count_elements  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - every CPython has it; other Pythons may not

    def _count_elements(mapping: dict, iterable: Any) -> None:
        get = mapping.get
        for element in iterable:
            mapping[element] = get(element, 0) + 1


# Hand the counts to the catalog once this many distinct elements are held, or this much text was
# counted (the elements keep their text until then).
FLUSH_ELEMENTS = 100_000
FLUSH_CHARACTERS = 64 << 20

# A string value longer than this is cut short before an exemplar is made of it.
_HUGE = 1 << 16
# A top-level element whose value is a nested block (the grammar reads one wherever one can open).
_NESTED = "Array\n        (\n"
_MONTH_AND_YEAR = itemgetter(slice(3, 11))
_OFFSET = itemgetter(slice(20, 25))
_DATE = itemgetter(slice(0, 11))


def _in_order(stamps: list[str]) -> bool:
    """Whether header times never go back: in one month and one UTC offset, the text of
    ``dd-Mon-yyyy hh:mm:ss+zzzz`` sorts as the time does (checked without a Python loop)."""
    return (
        len(set(map(_MONTH_AND_YEAR, stamps))) == 1
        and len(set(map(_OFFSET, stamps))) == 1
        and stamps == sorted(stamps)
    )


class Tally:
    """Calls, days, times, elements and exemplar candidates of requests, counted until ``flush_into``
    a catalog. The catalog's secret names and values mask exemplars; it says how many to keep."""

    def __init__(self, catalog: Catalog) -> None:
        self._catalog = catalog
        self._is_secret = catalog.is_secret
        self._is_secret_value = catalog.is_secret_value
        self._size = catalog.settings.max_exemplars
        self._calls: Counter = Counter()  # (method, component) -> calls
        self._days: Counter = Counter()  # (method, `dd-Mon-yyyy`) -> calls
        self._stamps: dict[tuple[str, str], None] = {}  # (method, header time): the first and last
        self._pieces: dict[str, dict[str, int]] = {}  # method -> {piece: count}
        self._elements: dict[str, tuple[str, str]] = {}  # piece -> (key, value lines)
        self._parsed: dict[str, Calls] = {}  # method -> what the parser's requests showed
        self._exemplars: dict[str, list[Exemplar]] = {}
        self._characters = 0

    @property
    def full(self) -> bool:
        """Whether the counts should be handed to the catalog now, to keep memory flat."""
        return len(self._elements) >= FLUSH_ELEMENTS or self._characters >= FLUSH_CHARACTERS

    def add(self, read: ChunkRead) -> None:
        """Count the requests of one chunk."""
        if read.flat is not None:
            self._add_flat(read.flat)
        for request in read.parsed:
            if request.method:
                self._add_parsed(request)

    # -- the fast road ---------------------------------------------------------------------------

    def _add_flat(self, flat: FlatRequests) -> None:
        methods, stamps = flat.methods, flat.stamps
        self._characters += sum(map(len, flat.dumps))
        _count_elements(self._calls, zip(methods, flat.components, strict=True))
        _count_elements(self._days, zip(methods, map(_DATE, stamps), strict=True))
        if _in_order(stamps):
            # Each method's earliest time is its first here and its latest its last: keep those.
            self._stamps.update(
                dict.fromkeys(dict(zip(reversed(methods), reversed(stamps), strict=True)).items())
            )
            self._stamps.update(dict.fromkeys(dict(zip(methods, stamps, strict=True)).items()))
        else:
            self._stamps.update(dict.fromkeys(zip(methods, stamps, strict=True)))
        self._elements.update(flat.elements)
        by_method: dict[str, list[int]] = {}
        for index, name in enumerate(methods):
            group = by_method.get(name)
            if group is None:
                by_method[name] = [index]
            else:
                group.append(index)
        pieces = flat.pieces
        for name, indexes in by_method.items():
            counts = self._pieces.get(name)
            if counts is None:
                counts = self._pieces[name] = {}
            _count_elements(counts, chain.from_iterable(map(pieces.__getitem__, indexes)))
        if self._size > 0:
            self._flat_exemplars(flat, by_method)

    def _flat_exemplars(self, flat: FlatRequests, by_method: dict[str, list[int]]) -> None:
        """Per method, the best exemplars so far (see ``catalog.exemplars``): requests are ranked by
        (most kept arguments, CRC-32 of the dump less its transport keys), and only those that can
        beat the current best are made into exemplars."""
        pieces, dumps, elements = flat.pieces, flat.dumps, flat.elements
        counts = list(map(len, pieces))
        texts: list[str] = dumps
        carrying = list(map(_carries_transport, dumps))
        if any(carrying):
            counts, texts = counts.copy(), dumps.copy()
            for index in compress(range(len(dumps)), carrying):
                kept = [
                    elements[piece] for piece in pieces[index] if elements[piece][0] not in TRANSPORT_KEYS
                ]
                counts[index] = len(kept)
                texts[index] = (
                    "Array\n(\n" + "".join(f"    [{key}] => {lines}" for key, lines in kept) + ")\n"
                )
        hashes = [flat.hashes.get(index) if not carrying[index] else None for index in range(len(dumps))]
        for index in [index for index, known in enumerate(hashes) if known is None]:
            hashes[index] = text_hash(_canonical_dump(texts[index]))
        size = self._size
        for name, indexes in by_method.items():
            known = self._exemplars.get(name, [])
            worst = (-known[-1].arguments, known[-1].hash) if len(known) == size else None
            sizes = map(operator.neg, map(counts.__getitem__, indexes))
            ranked = sorted(zip(sizes, map(hashes.__getitem__, indexes), indexes, strict=True))
            candidates: list[Exemplar] = []
            contents: set[str] = set()
            hashed: set[int] = set()
            for position, entry in enumerate(ranked):
                if worst is not None and entry[:2] > worst:
                    break  # it, and every one after it, ranks below all the exemplars kept
                if entry[1] in hashed:
                    continue  # the same text as one taken: the same exemplar
                hashed.add(entry[1])
                candidate = self._flat_exemplar(flat, _earliest(flat, ranked, position), entry[1])
                candidates.append(candidate)
                contents.add(candidate.content)
                if len(contents) == size:
                    break  # every one after it ranks below these
            if candidates:
                self._exemplars[name] = best([*known, *candidates], size)

    def _flat_exemplar(self, flat: FlatRequests, index: int, digest: int) -> Exemplar:
        elements = map(flat.elements.__getitem__, flat.pieces[index])
        params = dump_value(map(self._cut_short, elements))
        moment = parse_timestamp(flat.stamps[index])
        return exemplar(kept_params(params), moment, self._is_secret, digest, self._is_secret_value)

    def _cut_short(self, element: tuple[str, str]) -> tuple[str, str]:
        """An element with a huge string value cut to what an exemplar keeps of it (or to the mask,
        when it holds a credential), so that making an exemplar does not copy the value."""
        key, lines = element
        if len(lines) <= _HUGE or lines.startswith(_NESTED):
            return element
        if self._is_secret(key) or self._is_secret_value(lines):
            return key, MASK + "\n"
        return key, lines[: EXAMPLE_LENGTH + 1] + "\n"  # shortened by the exemplar, and so marked

    # -- the parser's road -----------------------------------------------------------------------

    def _add_parsed(self, request: ParsedRequest) -> None:
        name = request.method
        calls = self._parsed.get(name)
        if calls is None:
            calls = self._parsed[name] = Calls()
        calls.calls += 1
        calls.components[request.component] = calls.components.get(request.component, 0) + 1
        key = day(request.stamp)
        calls.days[key] = calls.days.get(key, 0) + 1
        moment = request.time
        if calls.first is None or moment < calls.first:
            calls.first = moment
        if calls.last is None or moment > calls.last:
            calls.last = moment
        _observe_paths(calls.arguments, call_paths(request.params), 1)
        self._characters += 256
        if self._size > 0:
            kept = kept_params(request.params)
            known = self._exemplars.get(name, [])
            if len(known) == self._size and len(kept) < known[-1].arguments:
                return  # fewer arguments than every exemplar so far: it cannot be one
            digest = text_hash(print_r(kept))
            if len(known) == self._size and (-len(kept), digest) > (-known[-1].arguments, known[-1].hash):
                return
            candidate = exemplar(kept, moment, self._is_secret, digest, self._is_secret_value)
            self._exemplars[name] = best([*known, candidate], self._size)

    # -- handing over ----------------------------------------------------------------------------

    def flush_into(self, catalog: Catalog) -> list[tuple[str, str]]:
        """Add what was counted to ``catalog`` and start counting afresh; returns the arguments this
        made, as (method, bracket path)."""
        batch: dict[str, Calls] = self._parsed
        for (name, component), count in self._calls.items():
            calls = batch.get(name)
            if calls is None:
                calls = batch[name] = Calls()
            calls.calls += count
            calls.components[component] = calls.components.get(component, 0) + count
        for (name, date), count in self._days.items():
            key = day(date)
            days = batch[name].days
            days[key] = days.get(key, 0) + count
        for name, stamp in self._stamps:
            moment = parse_timestamp(stamp)
            calls = batch[name]
            if calls.first is None or moment < calls.first:
                calls.first = moment
            if calls.last is None or moment > calls.last:
                calls.last = moment
        elements = self._elements
        for name, counts in self._pieces.items():
            _observe_pieces(batch[name].arguments, counts, elements)
        for name, chosen in self._exemplars.items():
            batch[name].exemplars = chosen
        made = catalog.count(batch)
        self.__init__(self._catalog)  # type: ignore[misc]
        return made


def _earliest(flat: FlatRequests, ranked: list[tuple[int, int, int]], position: int) -> int:
    """Of the requests ranked alike with the one at ``position`` (the same text: they follow each
    other), the one made first: its time is the exemplar's."""
    rank = ranked[position][:2]
    same = [entry[2] for entry in itertools.takewhile(lambda entry: entry[:2] == rank, ranked[position:])]
    return min(same, key=lambda index: parse_timestamp(flat.stamps[index]))


def _carries_transport(dump: str) -> bool:
    return "\n    [auth] => " in dump or "\n    [SID] => " in dump or "\n    [__api] => " in dump


def _canonical_dump(dump: str) -> str:
    """A dump's print_r text: from `Array` to its `)` line and that line's newline (the split may
    have taken it, or left the blank line after it)."""
    return dump if dump.endswith(")\n") else dump + "\n"


def _observe_paths(arguments: dict[str, Observed], paths: CallPaths, weight: int) -> None:
    """Add what ``weight`` calls carrying these paths showed."""
    for path in paths.present:
        seen = arguments.get(path)
        if seen is None:
            seen = arguments[path] = Observed()
        seen.present += weight
    for path in paths.arrays:
        arguments[path].arrays += weight
    for path, value in paths.leaves:
        arguments[path].add(
            [value if isinstance(value, str) else str(value)], None if weight == 1 else [weight]
        )


def _observe_pieces(arguments: dict[str, Observed], counts: dict[str, int], elements: dict) -> None:
    """Add what a method's counted pieces showed: per top-level key, its calls and all its values
    at once; nested blocks read into their paths."""
    pieces = list(counts)
    weights = list(counts.values())
    found = list(map(elements.__getitem__, pieces))
    keys = list(map(itemgetter(0), found))
    lines = list(map(itemgetter(1), found))
    for key, group in groupby(sorted(range(len(keys)), key=keys.__getitem__), key=keys.__getitem__):
        if key in TRANSPORT_KEYS:
            continue
        indexes = list(group)
        values = list(map(lines.__getitem__, indexes))
        counted = list(map(weights.__getitem__, indexes))
        nested = list(map(str.startswith, values, repeat(_NESTED)))
        if any(nested):
            for index in compress(range(len(indexes)), nested):
                paths = CallPaths()
                paths.add(key, element_value(values[index]))
                _observe_paths(arguments, paths, counted[index])
            keep = list(map(operator.not_, nested))
            values, counted = list(compress(values, keep)), list(compress(counted, keep))
            if not values:
                continue
        seen = arguments.get(key)
        if seen is None:
            seen = arguments[key] = Observed()
        seen.present += sum(counted)
        strings = list(map(itemgetter(slice(None, -1)), values))
        seen.add(strings, None if len(counted) == sum(counted) else counted)
