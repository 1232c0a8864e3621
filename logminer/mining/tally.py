"""Counting requests in bulk: how mining feeds the catalog without building every request.

What a catalog holds of a method's arguments depends only on how many times each top-level element
(``[key] => value``, with its value's further lines or nested block) occurs in its calls, and on
the order in which its argument names first appear: no two elements of one call share an argument
name, and the catalog's samples do not depend on order (see ``_catalog``). So for a run of flat
requests, the grammar's FLAT_REQUESTS token, a Tally counts the elements of each method with
C-level counting, and builds a value only once per distinct element, when the counts are handed to
the catalog. Requests the grammar parses line by line are kept whole and counted in their place
among the others.

Most requests never meet a regex element by element. Their dumps are cut into elements with a
plain string split at each line that starts with a top-level key (``_pieces``); such a piece of
text is checked against the grammar's element pattern only the first time it is seen, and counted
as text until then. Whatever the checks do not vouch for is counted the longer way.

The catalog is the same as counting request by request (tests compare the two).
"""

from __future__ import annotations

import operator
import re
import sys
from collections import Counter
from collections.abc import Callable
from datetime import datetime
from itertools import accumulate, chain, compress, filterfalse, repeat
from operator import itemgetter
from typing import Any

from ..catalog.model import Catalog
from ..log.parser import method_name
from ..log.patterns import parse_timestamp, shared_patterns
from ..log.print_r import element_value

try:  # the C helper behind Counter.update(iterable), without its Python-level checks
    from collections import _count_elements  # type: ignore[attr-defined]
except ImportError:  # pragma: no cover - every CPython has it; other Pythons may not

    def _count_elements(mapping: dict, iterable: Any) -> None:
        get = mapping.get
        for element in iterable:
            mapping[element] = get(element, 0) + 1


# A REQUEST header line (the grammar's REQUEST_HEADER terminal) with its time, component and path;
# after a newline, where a split cuts a run of requests.
_REQUEST = re.compile(shared_patterns().request_fields_regex)
_NEXT_REQUEST = re.compile("\n" + shared_patterns().request_fields_regex)
# What a FLAT_DUMP adds around its elements, and to each element around its key and value lines.
_DUMP_HEAD = "Array\n(\n"
_KEY_PARTS = len("    [") + len("] => ")
# Where a top-level element starts: a line beginning with its key's bracket.
_KEY_LINE = "\n    ["
# A dump with no elements, closed with or without the newline that a split at the next header took.
_EMPTY_DUMPS = ("Array\n(\n)\n", "Array\n(\n)")


# A header time that surely names a moment (the grammar only promises digits): a day the month has
# (29 February aside), hours, minutes and seconds in range, a year from 1, an offset under 24 hours.
_SURE_TIME = (
    r"(?:(?:0[1-9]|1\d|2[0-8])-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"|(?:29|30)-(?:Jan|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)|31-(?:Jan|Mar|May|Jul|Aug|Oct|Dec))"
    r"-(?!0000)\d{4} (?:[01]\d|2[0-3]):[0-5]\d:[0-5]\d[+-](?:(?:[01]\d|2[0-2])\d\d|23[0-5]\d)"
)
# Header times (all of one length) written one after another, every one of them sure.
_ALL_SURE = re.compile(f"(?:{_SURE_TIME})*+" if sys.version_info >= (3, 11) else f"(?:{_SURE_TIME})*")


def _all_sure(stamps: list[str]) -> bool:
    """Whether every header time surely names a moment (one regex match for them all)."""
    return _ALL_SURE.fullmatch("".join(stamps)) is not None


# A text longer than this is counted in place, without cutting it into a copy per request (memory
# stays within about twice a huge entry's size).
_SPLIT_LIMIT = 8 << 20

# Hand the counts to the catalog once this many distinct elements are held, or this much text was
# counted (the elements keep their text until then).
FLUSH_ELEMENTS = 100_000
FLUSH_CHARACTERS = 64 << 20


def _all_flat(dumps: list[str], found: list[dict[str, str]]) -> bool:
    """Whether every dump is flat (see ``_flat_dumps``), from totals: the elements of a dump never
    reach past it, so when all dumps together are covered, each one is."""
    count = len(dumps)
    if sum(map(str.startswith, dumps, repeat(_DUMP_HEAD))) != count:
        return False
    closed_with_newline = sum(map(str.endswith, dumps, repeat("\n)\n")))
    if closed_with_newline + sum(map(str.endswith, dumps, repeat("\n)"))) != count:
        return False
    covered = sum(map(len, chain.from_iterable(chain.from_iterable(map(dict.items, found)))))
    elements = sum(map(len, found))
    around = count * (len(_DUMP_HEAD) + 1) + closed_with_newline
    return sum(map(len, dumps)) == covered + elements * _KEY_PARTS + around


def _stray_lines_cut(dumps: list[str]) -> list[str]:
    """``dumps``, but without the lines after a dump's `)` line (a PHP notice written without a
    header): the FLAT_DUMP terminal takes the dump, and the lines are noise, as Lark's lexer
    reads them."""
    with_newline, without = map(str.endswith, dumps, repeat("\n)\n")), map(str.endswith, dumps, repeat("\n)"))
    unclosed = list(compress(range(len(dumps)), map(operator.not_, map(operator.or_, with_newline, without))))
    if not unclosed:
        return dumps
    dumps = dumps.copy()
    for index in unclosed:
        dump = dumps[index]
        close = dump.find("\n)\n")
        if close >= 0:
            dumps[index] = dump[: close + 3]
    return dumps


def _pieces(dumps: list[str]) -> list[list[str]] | None:
    """Each dump cut into its top-level elements, each as the text after its `    [`, or None
    when a dump does not have the shape this needs: `Array`, `(`, lines, `)` (``Tally._new_pieces``
    checks that each piece is an element).

    The cut is a string split at every line that begins with `    [`. A piece is one element
    exactly when the grammar's element pattern takes `    [` + piece + newline whole; no line
    inside such a piece begins with `    [` (nested lines are further in), so then the dump holds
    these elements and nothing else.
    """
    count = len(dumps)
    filled = list(map(str.startswith, dumps, repeat(_DUMP_HEAD + "    [")))
    empty = count - sum(filled)
    if empty and sum(map(operator.contains, repeat(_EMPTY_DUMPS), dumps)) != empty:
        return None
    closed_with_newline = list(map(str.endswith, dumps, repeat("\n)\n")))
    if sum(closed_with_newline) + sum(map(str.endswith, dumps, repeat("\n)"))) != count:
        return None
    # From the first key to the end of the last element's last line.
    ends = map(operator.sub, repeat(-len("\n)")), closed_with_newline)
    inner = map(str.__getitem__, dumps, map(slice, repeat(len(_DUMP_HEAD + "    [")), ends))
    pieces = list(map(str.split, inner, repeat(_KEY_LINE)))
    if empty:
        for index in compress(range(count), map(operator.not_, filled)):
            pieces[index] = []
    return pieces


def _flat_dumps(dumps: list[str], found: list[dict[str, str]]) -> list[bool]:
    """Which dumps are what the FLAT_DUMP terminal matches: `Array`, `(`, then elements found by
    its element pattern covering every character up to the closing `)` line (whose newline the
    split may have taken). The pattern's matches cannot overlap, so equal lengths mean no gap. A
    key written twice (not from PHP, a damaged log) leaves a gap: such a dump is read apart."""
    closed_with_newline = list(map(str.endswith, dumps, repeat("\n)\n")))
    closed = map(operator.or_, closed_with_newline, map(str.endswith, dumps, repeat("\n)")))
    opened = map(str.startswith, dumps, repeat(_DUMP_HEAD))
    covered = map(sum, map(map, repeat(len), map(chain.from_iterable, map(dict.items, found))))
    with_keys = map(operator.add, covered, map(operator.mul, map(len, found), repeat(_KEY_PARTS)))
    around = map(operator.add, repeat(len(_DUMP_HEAD) + 1), closed_with_newline)
    whole = map(operator.eq, map(len, dumps), map(operator.add, with_keys, around))
    return list(map(operator.and_, map(operator.and_, opened, closed), whole))


_MONTH_AND_YEAR = itemgetter(slice(3, 11))
_OFFSET = itemgetter(slice(20, 25))


def _in_order(stamps: list[str]) -> bool:
    """Whether header times never go back: in one month and one UTC offset, the text of
    ``dd-Mon-yyyy hh:mm:ss+zzzz`` sorts as the time does (checked without a Python loop)."""
    return (
        len(set(map(_MONTH_AND_YEAR, stamps))) == 1
        and len(set(map(_OFFSET, stamps))) == 1
        and stamps == sorted(stamps)
    )


def _first_entry(entry: bytes, alone: bool, last: bool) -> tuple[bytes, str]:
    """The header line and the dump of the request a chunk starts with, as ``add_requests`` cuts
    them from the joined text (where the entry ends with a newline, unless ``alone``: the whole
    chunk, as it stands)."""
    text = entry if alone else entry + b"\n"
    head, _, after = text.partition(b"\n")
    dump = after[:-1] if not last or text.endswith(b"\n\n") else after
    return head, str(dump, "utf-8", "replace")


class _MethodNames(dict):
    """Request path -> method name, worked out once per path."""

    def __missing__(self, path: str) -> str:
        name = self[path] = method_name(path)
        return name


class Tally:
    """Calls, times and top-level elements of requests, counted until ``flush_into`` a catalog.

    Calls and times are keyed by the request's path, elements by its method, each in the order
    first seen; paths become method names when the counts are handed over.
    """

    def __init__(self) -> None:
        self.requests = 0
        self._calls: Counter = Counter()  # (path, component) -> calls
        self._stamps: dict[tuple[str, str], None] = {}  # (path, header time), in log order
        # method -> {element: count}, in the order first seen. An element is a piece (the text
        # of a checked element after its `    [`, see _pieces), a (key, value lines) pair, or
        # the number of a request parsed line by line, whose params are in _whole.
        self._elements: dict[str, dict[Any, int]] = {}
        self._pieces: dict[str, tuple[str, str]] = {}  # checked piece -> (key, value lines)
        self._pairs = 0  # (key, value lines) elements counted: at most this many distinct
        self._whole: dict[int, Any] = {}
        self._names = _MethodNames()
        self._characters = 0
        self._times: dict[str, datetime | None] = {}  # header time -> its moment (None: impossible)
        self._minutes: dict[str, int] = {}  # header time without its seconds -> POSIX time

    @property
    def full(self) -> bool:
        """Whether the counts should be handed to the catalog now, to keep memory flat."""
        held = len(self._pieces) + self._pairs + len(self._whole)
        return held >= FLUSH_ELEMENTS or self._characters >= FLUSH_CHARACTERS

    def _moment(self, stamp: str) -> datetime | None:
        """The moment of a header time, or None when it names none (day 99)."""
        moment = self._times.get(stamp, False)
        if moment is False:
            try:
                moment = parse_timestamp(stamp)
            except (KeyError, ValueError):
                moment = None
            if len(self._times) > 10_000:
                self._times.clear()
            self._times[stamp] = moment
        return moment  # type: ignore[return-value]

    def _instant(self, stamp: str) -> int:
        """A header time (a possible one) as POSIX seconds, to compare times fast."""
        key = stamp[:17] + stamp[20:]
        minute = self._minutes.get(key)
        if minute is None:
            if len(self._minutes) > 10_000:
                self._minutes.clear()
            minute = self._minutes[key] = int(parse_timestamp(stamp[:18] + "00" + stamp[20:]).timestamp())
        return minute + int(stamp[18:20])

    def add_requests(self, text: str, read_apart: Callable[[int, int], None]) -> int:
        """Count the requests of ``text`` (requests only, a few MB at most) and return how many.

        A request is counted here when its dump is what the grammar's FLAT_DUMP terminal takes:
        the elements found by the terminal's own element pattern cover the dump from its
        ``Array`` and ``(`` to its ``)`` (lengths are added up in C code, no Python loop per
        request). Any other request, or one whose header time is impossible, is handed to
        ``read_apart(start, end)`` in its turn, to be read line by line.
        """
        first = _REQUEST.match(text)
        if first is None:  # pragma: no cover - requests-only text starts with a REQUEST header
            read_apart(0, len(text))
            return 0
        self._characters += len(text)
        # The last dump's blank line, if any, dropped so that every dump ends at its `)` line.
        rest = text[first.end() : len(text) - 1 if text.endswith("\n\n") else len(text)]
        parts = _NEXT_REQUEST.split(rest)  # [dump, header, time, component, path, dump, ...]
        headers, stamps = [first.group(1), *parts[1::5]], [first.group(2), *parts[2::5]]
        components, paths, dumps = [first.group(3), *parts[3::5]], [first.group(4), *parts[4::5]], parts[0::5]
        sure = _all_sure(stamps)
        if sure and self._count_pieces(paths, components, stamps, dumps):
            return len(paths)
        # A dict per dump, as the parser builds one: a key written twice is there once.
        found = list(map(dict, map(shared_patterns().top_element.findall, dumps)))
        if sure and _all_flat(dumps, found):
            self._count_flat(paths, components, stamps, found)
            return len(paths)
        flat = _flat_dumps(dumps, found)
        for index in compress(range(len(flat)), map(operator.not_, flat)):
            # Stray lines after the dump's `)` (a PHP notice written without a header): the
            # terminal takes the dump, and the lines are noise, as Lark's lexer reads them.
            dump = dumps[index]
            close = dump.find("\n)\n")
            if close >= 0 and close + 3 < len(dump):
                dump = dumps[index] = dump[: close + 3]
                found[index] = dict(shared_patterns().top_element.findall(dump))
                flat[index] = _flat_dumps([dump], [found[index]])[0]
        if not sure:
            flat = list(map(operator.and_, flat, map(self._possible, stamps)))
        # Entry i starts at starts[i]: its header, its dump and the newline the split took.
        sizes = map(len, parts[0::5])  # (dumps before any stray lines were cut off)
        starts = [0, *accumulate(map(operator.add, map(len, headers), sizes))]
        starts = list(map(operator.add, starts, range(len(starts))))
        counted, done = 0, 0
        for index in compress(range(len(flat)), map(operator.not_, flat)):
            self._count_flat(paths[done:index], components[done:index], stamps[done:index], found[done:index])
            counted += index - done
            read_apart(starts[index], min(starts[index + 1], len(text)))
            done = index + 1
        self._count_flat(paths[done:], components[done:], stamps[done:], found[done:])
        return counted + len(paths) - done

    def add_split(self, requests: Any) -> int | None:
        """Count the requests of a chunk as its split at headers cut them (``_parser``'s
        _SplitRequests, in bytes) and return how many; or count nothing and return None, for
        the requests to be counted from their text (``add_requests``).

        Each request is cut into its header line and its dump as ``add_requests`` cuts the
        text, without a regex pass over every request: the header lines are matched all at once,
        and each dump is decoded alone (it is whole lines, so it decodes as within the text).
        """
        heads = list(map(operator.add, requests.starts, requests.rests))
        # A text begins with its header line's newline and lost its own last one to the split.
        # In the joined text every request ends with a newline again: the last one's dump keeps
        # it unless it closed with a blank line (which the split took as that newline).
        texts = requests.texts
        if texts and texts[-1] and not texts[-1].endswith(b"\n"):
            texts = [*texts[:-1], texts[-1] + b"\n"]
        views = map(operator.getitem, map(memoryview, texts), repeat(slice(1, None)))
        dumps = list(map(str, views, repeat("utf-8"), repeat("replace")))
        if requests.first is not None:
            head, dump = _first_entry(requests.first, requests.alone, requests.alone or not texts)
            heads.insert(0, head)
            dumps.insert(0, dump)
        if not dumps:
            return 0
        if any(map(bytes.endswith, heads, repeat(b"\r"))):
            return None  # a request written with CRLF: the text road reads those (see _parser)
        lines = str(b"\n".join(heads), "utf-8", "replace") + "\n"
        fields = _REQUEST.findall(lines)
        # The split found these lines with the same REQUEST_HEADER terminal: each one matches.
        matched = sum(map(len, map(itemgetter(0), fields)))
        if len(fields) != len(dumps) or matched != len(lines):  # pragma: no cover
            return None
        stamps = list(map(itemgetter(1), fields))
        if not _all_sure(stamps):
            return None
        paths, components = list(map(itemgetter(3), fields)), list(map(itemgetter(2), fields))
        if not self._count_pieces(paths, components, stamps, dumps):
            return None
        self._characters += len(lines) + sum(map(len, dumps))
        return len(paths)

    def _count_pieces(
        self, paths: list[str], components: list[str], stamps: list[str], dumps: list[str]
    ) -> bool:
        """Count requests (whose times are possible) by the pieces of their dumps, when every
        dump is flat; else count nothing and return False.

        Pieces not seen before are checked, all at once (see ``_new_pieces``). Then no dump may
        have a key twice: the parser keeps such a key once, and so must the count.
        """
        per_dump = _pieces(_stray_lines_cut(dumps))
        if per_dump is None:
            return False
        known = self._pieces
        new = dict.fromkeys(filterfalse(known.__contains__, chain.from_iterable(per_dump)))
        if not self._new_pieces(new):
            return False
        keys = list(map(itemgetter(0), map(known.__getitem__, chain.from_iterable(per_dump))))
        stops = list(accumulate(map(len, per_dump)))
        each_dump = map(keys.__getitem__, map(slice, [0, *stops[:-1]], stops))
        if sum(map(len, map(set, each_dump))) != len(keys):
            return False
        self._count_calls(paths, components, stamps)
        # Each method's pieces, in log order, counted in one go.
        by_method: dict[str, list[list[str]]] = {}
        for name, pieces in zip(map(self._names.__getitem__, paths), per_dump, strict=True):
            group = by_method.get(name)
            if group is None:
                by_method[name] = [pieces]
            else:
                group.append(pieces)
        elements = self._elements
        for name, group in by_method.items():
            counts = elements.get(name)
            if counts is None:
                counts = elements[name] = {}
            _count_elements(counts, chain.from_iterable(group))
        return True

    def _new_pieces(self, new: dict[str, None]) -> bool:
        """Check pieces not seen before and remember each one's key and value lines; False when
        any is not one whole element (then none is remembered).

        The pieces are searched as one text, each after its `    [` and ending its line. An
        element ends at the end of a line and the next line begins with `    [`, so the elements
        found, one per piece and covering the text, are the pieces' own, in turn.
        """
        if not new:
            return True
        pieces = list(new)
        text = "    [" + "\n    [".join(pieces) + "\n"
        found = shared_patterns().top_element.findall(text)
        if len(found) != len(pieces):
            return False
        if sum(map(len, chain.from_iterable(found))) + len(found) * _KEY_PARTS != len(text):
            return False
        self._pieces.update(zip(pieces, found, strict=True))
        return True

    def _possible(self, stamp: str) -> bool:
        return self._moment(stamp) is not None

    def _count_flat(self, paths: list[str], components: list[str], stamps: list[str], found: list) -> None:
        """Count requests whose dumps are flat, from their fields and their elements (a dict per
        dump)."""
        if not paths:
            return
        self._count_calls(paths, components, stamps)
        elements = self._elements
        for name, dump in zip(map(self._names.__getitem__, paths), found, strict=True):
            counts = elements.get(name)
            if counts is None:
                counts = elements[name] = {}
            _count_elements(counts, dump.items())
            self._pairs += len(dump)

    def _count_calls(self, paths: list[str], components: list[str], stamps: list[str]) -> None:
        """Count the calls of requests, and their times."""
        _count_elements(self._calls, zip(paths, components, strict=True))
        if _in_order(stamps):
            # Each path's earliest time is its first here and its latest its last: keep only those.
            firsts = dict(zip(reversed(paths), reversed(stamps), strict=True))
            self._stamps.update(dict.fromkeys(firsts.items()))
            self._stamps.update(dict.fromkeys(dict(zip(paths, stamps, strict=True)).items()))
        else:
            self._stamps.update(dict.fromkeys(zip(paths, stamps, strict=True)))
        self.requests += len(paths)

    def add_run(self, text: str, start: int, end: int) -> tuple[int, int]:
        """Count the FLAT_REQUESTS run ``text[start:end]`` in place (for a huge run: nothing of it
        is copied but its elements); returns how many requests were counted and where counting
        stopped: at ``end``, or before a request whose header time is impossible (to be read
        line by line, and skipped with a note)."""
        first = _REQUEST.match(text, start, end)
        if first is None:  # pragma: no cover - the grammar's token starts with a REQUEST header
            return 0, start
        matches = [first, *_NEXT_REQUEST.finditer(text, first.end(), end)]
        stamps = [match.group(2) for match in matches]
        if not _all_sure(stamps):
            possible = list(map(self._possible, stamps))
            if not all(possible):
                index = possible.index(False)
                if index == 0:
                    return 0, start
                end = matches[index].start() + 1
                del matches[index:], stamps[index:]
        components = [match.group(3) for match in matches]
        paths = [match.group(4) for match in matches]
        starts = [match.end() for match in matches]
        stops = [match.start() for match in matches[1:]] + [end]
        found = list(map(dict, map(shared_patterns().top_element.findall, repeat(text), starts, stops)))
        self._count_flat(paths, components, stamps, found)
        self._characters += end - start
        return len(paths), end

    def add_request(self, stamp: str, component: str, path: str, params: Any) -> None:
        """Count one request whose params were built whole (by the line-by-line grammar)."""
        self._calls[path, component] += 1
        self._stamps[path, stamp] = None
        number = len(self._whole)
        self._whole[number] = params
        name = self._names[path]
        counts = self._elements.get(name)
        if counts is None:
            counts = self._elements[name] = {}
        counts[number] = 1
        self.requests += 1

    def flush_into(self, catalog: Catalog) -> None:
        """Add what was counted to ``catalog`` and start counting afresh."""
        methods = catalog.methods
        names = self._names
        for (path, component), count in self._calls.items():
            name = names[path]
            if name:
                catalog.count_call(name, component, None, count)
        # The earliest and latest time of each method; the first seen of equal ones, as when
        # requests are counted one by one.
        earliest: dict[str, tuple[int, str]] = {}
        latest: dict[str, tuple[int, str]] = {}
        instant = self._instant
        for path, stamp in self._stamps:
            name = names[path]
            when = instant(stamp)
            known = earliest.get(name)
            if known is None:
                earliest[name] = latest[name] = (when, stamp)
            elif when < known[0]:
                earliest[name] = (when, stamp)
            elif when > latest[name][0]:
                latest[name] = (when, stamp)
        for name, (_, stamp) in earliest.items():
            if name:
                catalog.saw_call(methods[name], parse_timestamp(stamp))
                catalog.saw_call(methods[name], parse_timestamp(latest[name][1]))
        whole, pieces = self._whole, self._pieces
        for name, elements in self._elements.items():
            if not name:
                continue
            method = methods[name]
            for element, count in elements.items():
                kind = element.__class__
                if kind is int:
                    catalog.add_params(method, whole[element])
                    continue
                key, lines = pieces[element] if kind is str else element
                value = element_value(lines)
                argument = method.arguments.get(key)
                if argument is None or value.__class__ is not str:
                    catalog.add_element(method, key, value, count)
                else:
                    argument.seen += count
                    catalog._count(argument, value, count)
        self._calls, self._stamps, self._elements, self._whole = Counter(), {}, {}, {}
        self._pieces, self._pairs, self._names = {}, 0, _MethodNames()
        self._characters = 0
