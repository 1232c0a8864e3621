"""Counting what the reader read, in bulk, and handing the counts to a catalog (``Catalog.count``).

What a catalog holds of a method's arguments depends only on the values each argument path had in
its calls, and on how many calls carried it: nothing it keeps depends on order. So the tally keeps,
per method, the top-level elements of its calls (keys and value texts, as the reader cut them), and
only when the counts are handed over does it group them by argument and give each argument its values
all at once, with C-level counting: an argument whose values repeat is counted by distinct value, one
whose values rarely repeat value by value (which is cheaper then). Nested blocks are read into their
paths once per skeleton (``nested.Shapes``), and the blocks of one skeleton are added together.
Requests the parser read are counted by their paths.

Exemplars are chosen as the catalog chooses them (``catalog.exemplars``), from the requests with the
most arguments: per method, the best few of each chunk are kept until the counts are handed over.
The catalog is the same as counting the records one by one (tests compare the two).
"""

from __future__ import annotations

import itertools
import operator
import zlib
from bisect import bisect_right
from collections import Counter
from itertools import chain, compress, repeat
from operator import itemgetter
from typing import Any

from ..catalog.exemplars import MASK, Exemplar, best, exemplar, kept_params, text_hash
from ..catalog.model import Calls, Catalog, Observed
from ..catalog.paths import TRANSPORT_KEYS, CallPaths, call_paths
from ..catalog.samples import EXAMPLE_LENGTH
from ..log.header import day, parse_timestamp
from ..log.print_r import NESTED, dump_value, element_value, print_r
from ..log.reader import ChunkRead, FlatRequests, ParsedRequest
from .nested import Shape, Shapes

try:  # the C helper behind Counter.update(iterable), without its Python-level checks
    from collections import _count_elements  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - every CPython has it; other Pythons may not

    def _count_elements(mapping: dict, iterable: Any) -> None:
        get = mapping.get
        for element in iterable:
            mapping[element] = get(element, 0) + 1


# Hand the counts to the catalog once this many elements are held, or this much text was counted
# (the elements keep their text until then).
FLUSH_ELEMENTS = 100_000
FLUSH_CHARACTERS = 64 << 20
# An argument whose values were at most this share distinct is counted by distinct value.
REPEATING = 0.7

# A string value longer than this is cut short before an exemplar is made of it.
_HUGE = 1 << 16
# More arguments than a request can have (``Settings.max_entry_bytes`` bounds them), and a CRC-32.
_MANY = 1 << 40
_HASH = (1 << 32) - 1
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
        # (method, argument) -> whether its values repeat: counted by distinct value (kept across
        # hand-overs; learned the first time, from the share of distinct values)
        self._repeating: dict[tuple[str, str], bool] = {}
        self._shapes = Shapes()  # nested blocks' paths, by skeleton (kept across hand-overs)
        self._start()

    def _start(self) -> None:
        self._calls: Counter = Counter()  # (method, component) -> calls
        self._days: Counter = Counter()  # (method, `dd-Mon-yyyy`) -> calls
        self._stamps: dict[tuple[str, str], None] = {}  # (method, header time): the first and last
        self._keys: dict[str, list[str]] = {}  # method -> its calls' top-level keys, in turn
        self._texts: dict[str, list[str]] = {}  # method -> their value texts
        self._parsed: dict[str, Calls] = {}  # method -> what the parser's requests showed
        self._exemplars: dict[str, list[Exemplar]] = {}
        self._elements = 0
        self._characters = 0

    @property
    def full(self) -> bool:
        """Whether the counts should be handed to the catalog now, to keep memory flat."""
        return self._elements >= FLUSH_ELEMENTS or self._characters >= FLUSH_CHARACTERS

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
        by_method: dict[str, list[int]] = {}
        for index, name in enumerate(methods):
            group = by_method.get(name)
            if group is None:
                by_method[name] = [index]
            else:
                group.append(index)
        keys, texts = flat.keys, flat.texts
        for name, indexes in by_method.items():
            held = self._keys.get(name)
            if held is None:
                held = self._keys[name] = []
                self._texts[name] = []
            held += chain.from_iterable(map(keys.__getitem__, indexes))
            self._texts[name] += chain.from_iterable(map(texts.__getitem__, indexes))
        self._elements += sum(map(len, keys))
        if self._size > 0:
            self._flat_exemplars(flat, by_method)

    def _flat_exemplars(self, flat: FlatRequests, by_method: dict[str, list[int]]) -> None:
        """Per method, the best exemplars so far (see ``catalog.exemplars``): requests are ranked by
        (most kept arguments, CRC-32 of the dump less its transport keys); only those with as many
        arguments as the worst exemplar kept are hashed, and only those that rank above it are made
        into exemplars."""
        counts = list(map(len, flat.keys))
        carrying = list(map(operator.not_, map(TRANSPORT_KEYS.isdisjoint, flat.keys)))
        for index in compress(range(len(counts)), carrying):  # each key once in a dump
            counts[index] -= len(TRANSPORT_KEYS.intersection(flat.keys[index]))
        size = self._size
        for name, indexes in by_method.items():
            known = self._exemplars.get(name, [])
            worst = None
            if len(known) == size:
                worst = _rank(known[-1].arguments, known[-1].hash)
                enough = map(operator.ge, map(counts.__getitem__, indexes), repeat(known[-1].arguments))
                indexes = list(compress(indexes, enough))
                if not indexes:
                    continue
            ranks = map(_rank, map(counts.__getitem__, indexes), self._hashes(flat, indexes, carrying))
            ranked = sorted(zip(ranks, indexes, strict=True))
            if worst is not None:
                ranked = ranked[: bisect_right(ranked, (worst, len(counts)))]
            candidates: list[Exemplar] = []
            contents: set[str] = set()
            # Requests ranked alike have the same text: one exemplar, made when the first of them was.
            for rank, alike in itertools.groupby(ranked, key=itemgetter(0)):
                if _outranked(rank, contents, known, size):
                    break  # and so is every one after it
                index = min(map(itemgetter(1), alike), key=lambda index: parse_timestamp(flat.stamps[index]))
                candidate = self._flat_exemplar(flat, index, rank & _HASH)
                candidates.append(candidate)
                contents.add(candidate.content)
            if candidates:
                self._exemplars[name] = best([*known, *candidates], size)

    def _hashes(self, flat: FlatRequests, indexes: list[int], carrying: list[bool]) -> list[int]:
        """The CRC-32 of each request's print_r text less its transport keys: the one known from its
        bytes (a large dump's), or its dump's (``_dump_hashes``)."""
        if not flat.hashes:
            return _dump_hashes(flat, indexes, carrying)
        hashes = [flat.hashes.get(index) if not carrying[index] else None for index in indexes]
        rest = [position for position, digest in enumerate(hashes) if digest is None]
        made = _dump_hashes(flat, list(map(indexes.__getitem__, rest)), carrying)
        for position, digest in zip(rest, made, strict=True):
            hashes[position] = digest
        return hashes  # type: ignore[return-value]

    def _flat_exemplar(self, flat: FlatRequests, index: int, digest: int) -> Exemplar:
        elements = zip(
            flat.keys[index], map(self._cut_short, flat.keys[index], flat.texts[index]), strict=True
        )
        params = dump_value(elements)
        moment = parse_timestamp(flat.stamps[index])
        return exemplar(kept_params(params), moment, self._is_secret, digest, self._is_secret_value)

    def _cut_short(self, key: str, text: str) -> str:
        """A huge string value cut to what an exemplar keeps of it (or to the mask, when it holds a
        credential), so that making an exemplar does not copy the value."""
        if len(text) <= _HUGE or text.startswith(NESTED):
            return text
        if self._is_secret(key) or self._is_secret_value(text):
            return MASK
        return text[: EXAMPLE_LENGTH + 1]  # shortened by the exemplar, and so marked

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
        for name, keys in self._keys.items():
            self._observe(name, batch[name].arguments, keys, self._texts[name])
        for name, chosen in self._exemplars.items():
            batch[name].exemplars = chosen
        made = catalog.count(batch)
        self._start()
        return made

    def _observe(
        self, method: str, arguments: dict[str, Observed], keys: list[str], texts: list[str]
    ) -> None:
        """Add what a method's top-level elements showed: per key, its calls and its values; per path
        below a key (a nested block's), its calls, its arrays and its values. Transport keys are
        left out (after grouping: they are few)."""
        present = Counter(keys)  # each key once a call
        scalars: dict[str, list[str]] = {}  # key -> its values that are no nested block
        blocks: Counter = Counter()  # (key, nested block) -> calls
        for key, values in _grouped(keys, texts).items():
            if key in TRANSPORT_KEYS:
                del present[key]
                continue
            if any(map(str.startswith, values, repeat(NESTED))):
                nested = list(map(str.startswith, values, repeat(NESTED)))
                _count_elements(blocks, zip(repeat(key), compress(values, nested)))
                values = list(compress(values, map(operator.not_, nested)))
            if values:
                scalars[key] = values
        arrays: dict[str, int] = {}
        leaves: dict[str, tuple[list[str], list[int]]] = {}
        if blocks:
            self._observe_blocks(arguments, present, arrays, leaves, blocks)
        for path in sorted(present.keys() | arrays.keys()):  # made in one order, whatever the hashes
            if path not in arguments:
                arguments[path] = Observed()
        for path, count in present.items():
            arguments[path].present += count
        for path, count in arrays.items():
            arguments[path].arrays += count
        for key, values in scalars.items():
            self._add_values(arguments[key], (method, key), values, None)
        for path, (values, weights) in leaves.items():
            self._add_values(
                arguments[path], (method, path), values, None if len(weights) == sum(weights) else weights
            )

    def _observe_blocks(
        self,
        arguments: dict[str, Observed],
        present: Counter,
        arrays: dict[str, int],
        leaves: dict[str, tuple[list[str], list[int]]],
        blocks: Counter,
    ) -> None:
        """Add what the calls whose elements held these nested blocks ((key, text) -> calls)
        showed: each path below a key once a call, each path that holds an array once a call, and
        the leaf values with their calls (in ``leaves``, by path). Blocks of one shape are added
        together: their values column by column."""
        by_shape: dict[Shape, tuple[list[list[str]], list[int]]] = {}
        for (key, text), count in blocks.items():
            read = self._shapes.read(key, text)
            if read is None:  # a key twice in a block (a damaged log): read as the parser reads it
                _observe_damaged(arguments, arrays, key, text, count)
                continue
            shape, values = read
            rows = by_shape.get(shape)
            if rows is None:
                by_shape[shape] = ([values], [count])
            else:
                rows[0].append(values)
                rows[1].append(count)
        for shape, (rows, counts) in by_shape.items():
            calls = sum(counts)
            for path in shape.arrays:
                arrays[path] = arrays.get(path, 0) + calls
            for path in shape.present:
                present[path] += calls
            columns = list(zip(*rows, strict=True))
            for path, positions in shape.columns.items():
                held = leaves.get(path)
                if held is None:
                    held = leaves[path] = ([], [])
                for position in positions:
                    held[0].extend(columns[position])
                    held[1].extend(counts)

    def _add_values(
        self, observed: Observed, name: tuple[str, str], values: list[str], weights: list[int] | None
    ) -> None:
        """Add an argument's values (each ``weights[i]`` times, or once): by distinct value when its
        values repeat (learned the first time, and again while they do)."""
        if not self._repeating.get(name, True):
            observed.add(values, weights)
            return
        if weights is None:
            counts = Counter(values)
        else:
            counts = {}
            for value, weight in zip(values, weights, strict=True):
                counts[value] = counts.get(value, 0) + weight
        self._repeating[name] = len(counts) <= REPEATING * len(values)
        if len(counts) == len(values):
            observed.add(values, weights)
        else:
            observed.add(list(counts), list(counts.values()))


def _dump_hashes(flat: FlatRequests, indexes: list[int], carrying: list[bool]) -> list[int]:
    """The CRC-32 of each request's dump (less its transport lines), as ``exemplars.text_hash`` has
    it: from `Array` to its `)` line and that line's newline (which the split may have taken)."""
    dumps = list(map(flat.dumps.__getitem__, indexes))
    for position in compress(range(len(indexes)), map(carrying.__getitem__, indexes)):
        index = indexes[position]
        for key, text in zip(flat.keys[index], flat.texts[index], strict=True):
            if key in TRANSPORT_KEYS:
                dumps[position] = dumps[position].replace(f"    [{key}] => {text}\n", "", 1)
    try:
        hashes = list(map(zlib.crc32, map(str.encode, dumps)))
    except UnicodeEncodeError:  # a lone surrogate: as text_hash has it
        hashes = list(map(text_hash, dumps))
    cut = map(operator.not_, map(str.endswith, dumps, repeat(")\n")))
    for position in compress(range(len(indexes)), cut):
        hashes[position] = zlib.crc32(b"\n", hashes[position])
    return hashes


def _outranked(rank: int, contents: set[str], known: list[Exemplar], size: int) -> bool:
    """Whether a request of this rank can be no exemplar: ``size`` distinct contents (those of the
    candidates made, which rank above it, and of the exemplars kept that do) each have a request
    that ranks above it. A request of one of those contents ranks below that one, and so is not
    the one its content keeps; a request of another content has ``size`` better ones before it."""
    if len(contents) >= size:
        return True
    above = [exemplar.content for exemplar in known if _rank(exemplar.arguments, exemplar.hash) < rank]
    return len(contents.union(above)) >= size


def _rank(arguments: int, digest: int) -> int:
    """An exemplar's rank as one number, smaller first: most arguments, then the smallest hash."""
    return (_MANY - arguments) << 32 | digest


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


def _grouped(keys: list[str], items: Any) -> dict[str, list]:
    """``items`` grouped by their ``keys``, each group in order."""
    groups: dict[str, list] = {}
    get = groups.get
    for key, item in zip(keys, items, strict=False):
        group = get(key)
        if group is None:
            groups[key] = [item]
        else:
            group.append(item)
    return groups


def _observe_damaged(
    arguments: dict[str, Observed], arrays: dict[str, int], key: str, text: str, count: int
) -> None:
    """Add what ``count`` calls whose element ``key`` held this nested block, which holds a key
    twice (a damaged log), showed: read as the parser reads it."""
    paths = CallPaths()
    paths.add(key, element_value(text))
    del paths.present[key], paths.arrays[key]  # the key itself is counted with the others
    _observe_paths(arguments, paths, count)
    arrays[key] = arrays.get(key, 0) + count
