"""From a log source to what was read in it: per chunk, its REQUEST entries, and notes on what was not.

A chunk is split once at its headers (the grammar's header terminals, in bytes): other entries are
only counted by kind and never decoded. Each request then takes one of two roads:
- the fast road, when its header time surely names a moment, its path names a method, and its dump
  is what the grammar's FLAT_DUMP terminal takes whole: its top-level elements are cut out with
  string operations on many dumps at once and vouched for as the terminal's own element pattern
  takes them (``FlatRequests``);
- the LALR parser, in its turn, for everything else: dumps nested deeper, objects, broken dumps,
  impossible times, paths that name no method (``ParsedRequest``, or a note).
A malformed entry is skipped with a note naming its file and line, never quoting it (a broken line
may hold a password), and reading goes on at the next header. The reader only reads: mining counts
what it yields (``mining.tally``), ``records`` makes Request records of it.
"""

from __future__ import annotations

import operator
import re
import zlib
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from itertools import accumulate, chain, compress, repeat
from typing import Any

from .header import (
    _SURE_TIME,
    all_surely_possible,
    method_or_reason,
    parse_timestamp,
    request_fields,
    split_request_header,
)
from .header import component_name as clean_component
from .patterns import shared_patterns
from .sources import CHUNK_SIZE, Chunk, LogReader, Source

# How many skipped entries a report lists one by one; the rest are only counted.
MAX_LISTED_SKIPS = 1000


@dataclass(frozen=True, slots=True)
class Skipped:
    """An entry that was not read: where it starts and why."""

    source: str
    line: int
    reason: str
    # The line where the entry stopped making sense, when it is not the entry's first line.
    bad_line: int | None = None

    def __str__(self) -> str:
        where = f" (at line {self.bad_line})" if self.bad_line and self.bad_line != self.line else ""
        return f"{self.source}:{self.line}: {self.reason}{where}"


@dataclass
class ParseReport:
    """What reading saw: entries by kind, requests read, entries skipped, dumps cut off at the end."""

    requests: int = 0
    entries: Counter = field(default_factory=Counter)
    skipped: list[Skipped] = field(default_factory=list)
    skip_reasons: Counter = field(default_factory=Counter)
    cut_off: list[Skipped] = field(default_factory=list)
    bytes_read: int = 0

    @property
    def skipped_count(self) -> int:
        """Entries skipped as malformed, including those not listed one by one."""
        return sum(self.skip_reasons.values())

    def skip(self, entry: Skipped) -> None:
        """Record a skipped entry, listing it while the list is short."""
        self.skip_reasons[entry.reason] += 1
        if len(self.skipped) < MAX_LISTED_SKIPS:
            self.skipped.append(entry)


@dataclass(slots=True)
class FlatRequests:
    """Requests of a chunk read on the fast road, in log order: parallel lists, one item a request.

    ``keys`` and ``texts`` hold each dump's top-level elements in order, vouched for by the FLAT_DUMP
    terminal's element pattern: the key (``name``), and the value's text without the element's last
    newline (``Acme``, ``line 1\nline 2``, or a nested block from its ``Array`` line to its `)`
    line and that line's newline, see ``print_r.element_value``). ``dumps`` are the dumps as the log
    holds them, from ``Array`` to their ``)`` line; ``order`` places each request among the chunk's
    requests.
    """

    stamps: list[str]
    components: list[str]
    numbers: list[str]
    paths: list[str]
    methods: list[str]
    dumps: list[str]
    keys: list[list[str]]
    texts: list[list[str]]
    order: list[int]
    lines: list[int] | None = None
    # The hashes of large dumps' print_r text, by position, when read from their bytes.
    hashes: dict[int, int] = field(default_factory=dict)


@dataclass(slots=True)
class ParsedRequest:
    """A request read by the LALR parser: its header's fields, its arguments, where it stands."""

    stamp: str
    time: datetime
    component: str
    number: int
    path: str
    method: str
    params: dict | list
    line: int
    order: int


@dataclass(slots=True)
class ChunkRead:
    """The requests of one chunk: those on the fast road, and those the parser read."""

    flat: FlatRequests | None
    parsed: list[ParsedRequest]

    @property
    def requests(self) -> int:
        """How many requests were read."""
        return (len(self.flat.stamps) if self.flat is not None else 0) + len(self.parsed)


_HEADER_PATTERN: re.Pattern[bytes] | None = None


def header_pattern() -> re.Pattern[bytes]:
    """The grammar's header start (``[dd-Mon-yyyy hh:mm:ss+zzzz] [``), compiled for bytes: a match at a
    line start is a header, where chunks may be cut."""
    global _HEADER_PATTERN
    if _HEADER_PATTERN is None:
        _HEADER_PATTERN = re.compile(shared_patterns().header_start_regex.encode())
    return _HEADER_PATTERN


def open_reader(source: Source, *, chunk_size: int = CHUNK_SIZE, **window: int | None) -> LogReader:
    """A reader of one source that cuts chunks where the grammar says entries begin.

    ``window`` is passed on to LogReader: ``start``, ``start_line``, ``end``, ``max_entry``.
    """
    return LogReader(source, header_pattern(), chunk_size, **window)  # type: ignore[arg-type]


class SourceReader:
    """What one source holds, chunk by chunk (iterate it for ``ChunkRead``s); once read,
    ``resume_offset`` and ``resume_line`` say where a later run goes on: after the last complete
    entry, or at the start of an entry that was cut off by the end of the log (so that it is read
    whole next time, and counted once)."""

    def __init__(
        self,
        reader: LogReader,
        report: ParseReport,
        on_open: Callable[[int | None], None] | None = None,
        *,
        lines: bool = False,
    ) -> None:
        self.reader, self.report, self._on_open = reader, report, on_open
        self.resume_offset, self.resume_line = reader.start, reader.start_line
        self._lines = lines

    def __iter__(self) -> Iterator[ChunkRead]:
        reader, report = self.reader, self.report
        chunks = _Chunks(reader.name, report, self._lines)
        for chunk in reader.chunks(self._on_open):
            self._note_oversized()
            read = chunks.read(chunk)
            report.bytes_read = reader.bytes_read
            yield read
            del read  # a huge entry's text is not held while the next chunk is read
        self._note_oversized()
        chunks.finish(reader.dropped_tail)
        if chunks.cut_off_at_end:
            self.resume_offset, self.resume_line = reader.last_entry_offset, reader.last_entry_line
        else:
            self.resume_offset, self.resume_line = reader.complete_offset, reader.complete_line

    def _note_oversized(self) -> None:
        for line, size in self.reader.oversized():
            reason = f"entry of {size} bytes or more, larger than max_entry_bytes ({self.reader.max_entry})"
            self.report.skip(Skipped(self.reader.name, line, reason))


def read_text(text: str, report: ParseReport, name: str = "<text>", *, lines: bool = False) -> ChunkRead:
    """What a log held in a string holds (its last line, if incomplete, is noted and not read)."""
    end = text.rfind("\n") + 1
    text, tail = text[:end], text[end:]
    chunks = _Chunks(name, report, lines)
    read = chunks.read(Chunk("\n" + text, 1, True, text.count("\n")))
    chunks.finish(tail)
    return read


class _Scan:
    """The grammar's header terminals, compiled to split a chunk at its headers (in bytes or text).

    A header is what matches the grammar's header start after a newline; it is a REQUEST when the
    REQUEST_HEADER terminal matches there. The split keeps, per header: its start, the rest of a
    REQUEST header line, the kind word of another entry in the usual shape (`] SQL:`), or an empty
    group for another shape; the text after it (which begins with that line's newline) follows.
    """

    def __init__(self, header_start: str, request: str, encode: Callable[[str], Any]) -> None:
        # The entry kind of another entry's header: the word between the first `] ` and the next
        # `:`, when it is all capital letters (see ``_kind``), else `?`.
        kind = r"(?:(?:[^\]\n]|\](?! ))*\] ([^\n:]*)(:)?)?"
        self.other_kinds = re.compile(encode(f"\n(?!{request}){header_start}{kind}"))
        request_rest = request[len(header_start) :].removesuffix("\n")
        self.split = re.compile(encode(f"\n({header_start})(?:({request_rest})|[^\\]\\n]*\\] ([A-Z]+):|())"))


@lru_cache(maxsize=2)
def _scan(kind: type) -> _Scan:
    patterns = shared_patterns()
    encode = (lambda text: text.encode()) if kind is bytes else (lambda text: text)
    return _Scan(patterns.header_start_regex, patterns.request_regex, encode)


def _kind(word: bytes | str, colon: bytes | str | None) -> str:
    """An entry kind (``SQL``, ``NOTICE``...) from the word before a header's colon, or ``?``."""
    if isinstance(word, bytes):
        word = word.decode("utf-8", "replace")
    return word if colon and word.isalpha() and word.isupper() else "?"


# What a FLAT_DUMP adds around its elements, and to each element around its key and value lines.
_DUMP_HEAD = "Array\n(\n"
# Where an element's key ends and its value begins: the first arrow of its line.
ARROW = "] => "
# A line with a second arrow (in its value).
_TWO_ARROWS = re.compile(r"\] => [^\n]*\] => ")
_KEY_PARTS = len("    [") + len("] => ")
_KEY_LINE = "\n    ["
_EMPTY_DUMPS = ("Array\n(\n)\n", "Array\n(\n)")
_SURE = re.compile(_SURE_TIME)
# A dump larger than this is read with as few copies as can be: its elements are found by the
# element pattern in place, and its bytes are let go of once decoded.
LARGE_DUMP = 1 << 20


class _Methods(dict):
    """Request path -> method name ("" for a path that names none), worked out once per path."""

    def __missing__(self, path: str) -> str:
        name = method_or_reason(path)[0] or ""
        if len(self) > 50_000:
            self.clear()
        self[path] = name
        return name


class _Components(dict):
    def __missing__(self, component: str) -> str:
        name = clean_component(component)
        if len(self) > 10_000:
            self.clear()
        self[component] = name
        return name


class _Chunks:
    """Reads the chunks of one source in turn (see the module docstring)."""

    def __init__(self, name: str, report: ParseReport, lines: bool) -> None:
        self.name = name
        self.report = report
        self.want_lines = lines
        self.cut_off_at_end = False
        self.last_line = 1
        self._methods = _Methods()
        self._components = _Components()

    def finish(self, tail: bytes | str) -> None:
        """Note an incomplete last line, unless it belongs to an entry already noted cut off."""
        if tail.strip() and not self.cut_off_at_end:
            self.report.cut_off.append(Skipped(self.name, self.last_line, "incomplete last line"))

    def read(self, chunk: Chunk) -> ChunkRead:
        """The requests of one chunk (its other entries counted by kind)."""
        self.last_line = chunk.first_line + chunk.lines
        if not chunk.data or len(chunk.data) <= 1:
            chunk.data = None
            return ChunkRead(None, [])
        split = _Split(chunk, self.report.entries)
        read = self._requests(split, chunk.last)
        self.report.requests += read.requests
        self.report.entries["REQUEST"] += read.requests
        return read

    def _requests(self, split: _Split, last: bool) -> ChunkRead:
        heads = split.heads
        if not heads:
            return ChunkRead(None, [])
        joined = split.newline.join(heads)
        crlf = split.cr in joined and any(map(operator.methodcaller("endswith", split.cr), heads))
        header_text = split.decode(joined) + "\n"
        del joined
        if crlf:  # a request written with CRLF among LF ones: its CRs go (not those inside values)
            header_text = header_text.replace("\r\n", "\n")
        fields = request_fields().findall(header_text)
        if len(fields) != len(heads):  # pragma: no cover - the split found them with this terminal
            raise AssertionError("REQUEST headers do not match the REQUEST_HEADER terminal")
        dumps, hashes = split.dumps()
        if crlf:
            for index in compress(range(len(heads)), map(operator.methodcaller("endswith", split.cr), heads)):
                hashes.pop(index, None)
                dump = dumps[index].replace("\r\n", "\n")
                # The CR of its last line, whose newline went with the split.
                dumps[index] = dump[:-1] if dump.endswith("\r") else dump
        stamps = list(map(operator.itemgetter(1), fields))
        paths = list(map(operator.itemgetter(4), fields))
        methods = list(map(self._methods.__getitem__, paths))
        if all_surely_possible(stamps):
            sure = [True] * len(stamps)
        else:
            sure = list(map(bool, map(_SURE.fullmatch, stamps)))
        dumps, keys, texts, flat = _vouch(dumps)
        fast = list(map(all, zip(sure, map(bool, methods), flat, strict=True)))
        count = len(fast)
        flat_requests = None
        if any(fast):
            order = list(compress(range(count), fast))
            lines = split.lines_of(order) if self.want_lines else None
            flat_requests = FlatRequests(
                stamps=list(compress(stamps, fast)),
                components=list(
                    map(self._components.__getitem__, compress(map(operator.itemgetter(2), fields), fast))
                ),
                numbers=list(compress(map(operator.itemgetter(3), fields), fast)),
                paths=list(compress(paths, fast)),
                methods=list(compress(methods, fast)),
                dumps=list(compress(dumps, fast)),
                keys=list(compress(keys, fast)),
                texts=list(compress(texts, fast)),
                order=order,
                lines=lines,
                hashes={position: hashes[index] for position, index in enumerate(order) if index in hashes},
            )
        parsed: list[ParsedRequest] = []
        if count - sum(fast):
            slow = [index for index in range(count) if not fast[index]]
            parsed = self._parse_apart(split, slow, fields, dumps, last)
        return ChunkRead(flat_requests, parsed)

    def _parse_apart(
        self, split: _Split, slow: list[int], fields: list[tuple], dumps: list[str], last: bool
    ) -> list[ParsedRequest]:
        """Read requests with the LALR parser, runs of neighbouring ones as one text."""
        parsed: list[ParsedRequest] = []
        runs: list[list[int]] = []
        for index in slow:
            if runs and runs[-1][-1] == index - 1:
                runs[-1].append(index)
            else:
                runs.append([index])
        count = len(fields)
        for run in runs:
            texts = [
                fields[index][0] if split.bare[index] else f"{fields[index][0]}\n{dumps[index]}"
                for index in run
            ]
            text = "\n".join(texts) + "\n"
            # Each text is followed by a newline in the joined text, as in the log.
            lines = _RunLines(split.lines_of(run), [text.count("\n") + 1 for text in texts])
            # Another request after the run: a dump ending early was broken off by it (at its line).
            following = split.line_of(run[-1] + 1) if run[-1] < count - 1 else None
            cut_off_possible = last and split.reaches_end and run[-1] == count - 1
            parsed += _Parse(self, text, lines, run, cut_off_possible, following).requests
        return parsed


class _Split:
    """A chunk split once at its headers: the REQUEST entries' header lines and the text after each
    (still bytes for a chunk read from a file), the other entries counted by kind into ``entries``,
    and where each request stands (line numbers are worked out only when asked for)."""

    def __init__(self, chunk: Chunk, entries: Counter) -> None:
        data = chunk.data
        chunk.data = None  # from here on, the split below holds the only copy
        scan = _scan(type(data))
        self.newline, self.cr = (b"\n", b"\r") if isinstance(data, bytes) else ("\n", "\r")
        self.first_line = chunk.first_line
        # The chunk starts with a newline, so that its first header is split at like every other:
        # [text before the first header, then per header: its start, the rest of a REQUEST header
        # line, the kind word of another entry, an odd shape, the text after it]
        parts = scan.split.split(data)
        odd = parts[4::5]
        if odd.count(None) < len(odd):  # a header of another shape: read every kind exactly
            for (word, colon), count in Counter(scan.other_kinds.findall(data)).items():
                entries[_kind(word, colon)] += count
        else:
            kinds = Counter(parts[3::5])
            kinds.pop(None, None)  # the REQUEST headers
            for word, count in kinds.items():
                entries[_kind(word, ":")] += count
        del data
        if len(parts) > 1 and parts[-1].endswith(self.newline):
            parts[-1] = parts[-1][:-1]  # each text lost its newline to the next header but the last
        rests = parts[2::5]
        is_request = list(map(operator.is_not, rests, repeat(None)))
        self.heads = list(map(operator.add, compress(parts[1::5], is_request), compress(rests, is_request)))
        # The text after each header line: empty when the next header follows at once (the split
        # took the header line's own newline), else that newline and the lines up to the next one.
        self.texts = list(compress(parts[5::5], is_request))
        self.bare = list(map(operator.not_, self.texts))
        self.reaches_end = bool(is_request) and is_request[-1]
        self._parts = parts
        self._is_request = is_request
        self._lines: list[int] | None = None
        self._large = max(map(len, self.texts), default=0) > LARGE_DUMP

    def decode(self, data: bytes | str) -> str:
        return str(data, "utf-8", "replace") if isinstance(data, bytes) else data

    def dumps(self) -> tuple[list[str], dict[int, int]]:
        """Each request's dump (its text less the header line's newline it begins with), decoded; and
        for the large ones, the hash of their print_r text (``exemplars.text_hash``), taken from the
        bytes. The bytes are let go of: a huge entry is not held twice."""
        texts, self.texts = self.texts, []
        if self._large:
            self.line_of(0)  # counted now, so that the chunk's bytes can go
            self._parts = []
        if not texts or not isinstance(texts[0], bytes):
            return [text[1:] for text in texts], {}
        hashes: dict[int, int] = {}
        decoded: dict[int, str] = {}
        large = [index for index, text in enumerate(texts) if len(text) > LARGE_DUMP] if self._large else []
        for index in large:
            text, texts[index] = texts[index], b"\n"
            view = memoryview(text)[1:]
            try:
                dump = str(view, "utf-8")
            except UnicodeDecodeError:
                dump = str(view, "utf-8", "replace")
            else:
                if text.endswith(b")\n") or text.endswith(b")"):  # closed, no stray lines after it
                    hashes[index] = (
                        zlib.crc32(b"\n", zlib.crc32(view)) if text.endswith(b")") else zlib.crc32(view)
                    )
            del text, view
            decoded[index] = dump
        views = map(operator.getitem, map(memoryview, texts), repeat(slice(1, None)))
        dumps = list(map(str, views, repeat("utf-8"), repeat("replace")))
        for index, dump in decoded.items():
            dumps[index] = dump
        return dumps, hashes

    def line_of(self, index: int) -> int:
        """The log's line number of the ``index``-th request's header."""
        if self._lines is None:
            # Header i (from 0) stands after the lines of the text before the first header, the
            # texts of the headers before it, and one line per header before it (header lines
            # hold no newline: the split took each one's, and its text begins with the next).
            parts, newline = self._parts, self.newline
            counts = list(map(operator.methodcaller("count", newline), parts[5::5]))
            first = self.first_line + parts[0].count(newline)
            before = accumulate([first, *map(operator.add, counts, repeat(1))])
            self._lines = list(compress(before, self._is_request))
        return self._lines[index]

    def lines_of(self, indexes: list[int]) -> list[int]:
        """The log's line numbers of the headers of the requests at ``indexes``."""
        self.line_of(0)
        assert self._lines is not None
        return list(map(self._lines.__getitem__, indexes))


class _RunLines:
    """Maps line numbers of a text of neighbouring requests, joined, to the log's."""

    def __init__(self, firsts: list[int], counts: list[int]) -> None:
        self._firsts = firsts
        self._joined = list(accumulate([1, *counts[:-1]]))

    def index(self, joined_line: int) -> int:
        """Which request of the text the line belongs to."""
        return max(bisect_right(self._joined, joined_line) - 1, 0)

    def original(self, joined_line: int) -> int:
        """The log's line number of a line of the text."""
        index = self.index(joined_line)
        return self._firsts[index] + joined_line - self._joined[index]


class _Parse:
    """The LALR parser over one text of requests, skipping malformed entries with notes."""

    def __init__(
        self,
        chunks: _Chunks,
        text: str,
        lines: _RunLines,
        run: list[int],
        cut_off_possible: bool,
        following: int | None,
    ) -> None:
        from .grammar import shared_parser  # built on first use: most logs never need it

        self.chunks, self.lines, self.run = chunks, lines, run
        self.requests: list[ParsedRequest] = []
        parser = shared_parser()
        offset = 0
        while text:
            parsed = parser.read(text)
            for header, line, params in parsed.entries:
                self._request(header, offset + line, params)
            if parsed.error is None:
                break
            resume = self._recover(
                parsed.error, parsed.entry_start, text, offset, cut_off_possible, following
            )
            offset += text.count("\n", 0, resume)
            text = text[resume:]

    def _request(self, header: str, line: int, params: dict | list) -> None:
        chunks = self.chunks
        here = self.lines.original(line)
        stamp, component, number, path = split_request_header(header)
        try:
            time = parse_timestamp(stamp)
        except (KeyError, ValueError):  # the grammar's digits, but no clock shows them (day 99)
            chunks.report.skip(Skipped(chunks.name, here, "impossible time in the REQUEST header"))
            return
        method, reason = method_or_reason(path)
        if reason is not None:
            chunks.report.skip(Skipped(chunks.name, here, reason))
            return
        order = self.run[self.lines.index(line)]
        component = chunks._components[component]
        self.requests.append(
            ParsedRequest(stamp, time, component, number, path, method or "", params, here, order)
        )

    def _recover(
        self, error: Any, entry: Any, text: str, offset: int, cut_off: bool, following: int | None
    ) -> int:
        """Note the broken entry and return where parsing resumes: the next header after it."""
        from lark.exceptions import UnexpectedToken

        chunks, original = self.chunks, self.lines.original
        entry_line = original(offset + (entry.line if entry is not None else 1))
        at_end = isinstance(error, UnexpectedToken) and error.token.type == "$END"
        if at_end and cut_off:
            chunks.report.cut_off.append(Skipped(chunks.name, entry_line, "print_r dump cut off at the end"))
            chunks.cut_off_at_end = True
            return len(text)
        if at_end and following is not None:
            # Where the next request's header stands: the parser would have stopped at it.
            bad_line = following
            if "TYPE" in error.expected:
                reason = "no print_r dump after the REQUEST header"
            else:
                reason = "print_r dump broken off by the next entry"
            chunks.report.skip(Skipped(chunks.name, entry_line, reason, bad_line))
            return len(text)
        bad_line = original(offset + _error_line(error))
        reason = "print_r dump broken off by the next entry" if at_end else _reason(error)
        chunks.report.skip(Skipped(chunks.name, entry_line, reason, bad_line))
        position = _error_position(error, text)
        patterns = shared_patterns()
        header = patterns.next_header(text, position)
        if entry is not None and header <= entry.start_pos:
            header = patterns.next_header(text, entry.start_pos + 1)
        return header if header >= 0 else len(text)


def _vouch(dumps: list[str]) -> tuple[list[str], list[list[str]], list[list[str]], list[bool]]:
    """The dumps without stray lines after them; each dump's top-level elements, as keys and value
    texts (see ``FlatRequests``); and which dumps are what the FLAT_DUMP terminal takes whole (their
    elements are cut as it cuts them, each key once).

    A dump whose every element is one line (``    [key] => value``, one arrow each: counted in C) is
    cut with string operations on all such dumps at once: joined, its line starts and arrows
    replaced by one separator, split. Any other dump is cut into pieces at every line that begins
    with ``    [`` (no line inside an element begins so: nested lines stand further right), and a
    piece is one element exactly when the element pattern takes ``    [`` + piece + newline whole (a
    piece of one line: when it holds an arrow; each distinct piece of several lines is matched). A
    dump that neither can vouch for is searched with the element pattern itself; what that does not
    cover whole goes to the parser.
    """
    count = len(dumps)
    closed_with_newline = list(map(str.endswith, dumps, repeat("\n)\n")))
    closed = list(map(operator.or_, closed_with_newline, map(str.endswith, dumps, repeat("\n)"))))
    dumps = _stray_lines_cut(dumps, closed_with_newline, closed)
    large = [index for index, dump in enumerate(dumps) if len(dump) > LARGE_DUMP]
    if large:  # searched in place, below: no piece is cut out of them
        dumps, kept = dumps.copy(), dumps
        for index in large:
            dumps[index] = ""
            closed_with_newline[index] = closed[index] = False
    filled = list(map(operator.and_, closed, map(str.startswith, dumps, repeat(_DUMP_HEAD + "    ["))))
    flat = list(map(operator.contains, repeat(_EMPTY_DUMPS), dumps))
    keys: list[list[str]] = [[] for _ in range(count)]
    texts: list[list[str]] = [[] for _ in range(count)]
    shaped = list(compress(range(count), filled))
    ends = map(operator.sub, repeat(-len("\n)")), compress(closed_with_newline, filled))
    inner = list(
        map(str.__getitem__, compress(dumps, filled), map(slice, repeat(len(_DUMP_HEAD + "    [")), ends))
    )
    starts = list(map(str.count, inner, repeat(_KEY_LINE)))
    simple = list(map(operator.eq, map(str.count, inner, repeat("\n")), starts))
    by_lines = list(compress(shaped, simple))
    if by_lines:
        elements = list(map(operator.add, compress(starts, simple), repeat(1)))
        rest = _cut_lines(list(compress(inner, simple)), by_lines, elements, keys, texts)
    else:
        rest = set()
    for index in by_lines:
        flat[index] = index not in rest
    pieced = list(map(operator.not_, simple))
    if rest:
        pieced = list(map(operator.or_, pieced, map(rest.__contains__, shaped)))
    if any(pieced):
        _cut_pieces(list(compress(inner, pieced)), list(compress(shaped, pieced)), keys, texts, flat)
    # A key written twice (not from PHP: a damaged log) is read by the parser, which keeps one.
    twice = map(operator.ne, map(len, map(set, keys)), map(len, keys))
    for index in compress(range(count), twice):
        flat[index] = False
    if large:
        dumps = kept
    for index in compress(range(count), map(operator.not_, flat)):
        found = _searched(dumps[index])
        if found is not None:
            keys[index] = [key for key, _ in found]
            texts[index] = [text for _, text in found]
            flat[index] = True
    return dumps, keys, texts, flat


def _cut_lines(
    inner: list[str], where: list[int], elements: list[int], keys: list[list[str]], texts: list[list[str]]
) -> set[int]:
    """Cut dumps whose every element is one line (``inner``: each dump's text after its first
    ``    [``, up to its last element's end; ``where``: their positions; ``elements``: how many each
    holds) into ``keys`` and ``texts``, all at once. Returns the positions of the dumps it could not
    cut so, for an arrow missing from a line or one more in a line (in a value), or a NUL character.

    The dumps are joined as one more element line each (every newline of the text then begins a
    key line), and each key line's start is made an arrow: split at the arrows, the text is key,
    value, key, value... (an arrow has no part that is also its start, so no new one straddles a
    replaced line start)."""
    joined = _KEY_LINE.join(inner)
    rest: set[int] = set()
    if "\x00" in joined:
        rest.update(compress(where, map(operator.contains, inner, repeat("\x00"))))
    if joined.count(ARROW) != sum(elements) or _TWO_ARROWS.search(joined):
        arrows = map(str.count, inner, repeat(ARROW))
        rest.update(compress(where, map(operator.ne, arrows, elements)))
        starts = list(
            accumulate(map(operator.add, map(str.count, inner, repeat("\n")), repeat(1)), initial=0)
        )
        lines = (joined.count("\n", 0, match.start()) for match in _TWO_ARROWS.finditer(joined))
        rest.update(where[bisect_right(starts, line) - 1] for line in lines)
    if rest:
        kept = list(map(operator.not_, map(rest.__contains__, where)))
        inner, where, elements = (
            list(compress(inner, kept)),
            list(compress(where, kept)),
            list(compress(elements, kept)),
        )
        joined = _KEY_LINE.join(inner)
    parts = joined.replace(_KEY_LINE, ARROW).split(ARROW)
    stops = list(accumulate(elements))
    bounds = list(map(slice, [0, *stops[:-1]], stops))
    all_keys, all_texts = parts[0::2], parts[1::2]
    for index, cut in zip(where, map(all_keys.__getitem__, bounds), strict=True):
        keys[index] = cut
    for index, cut in zip(where, map(all_texts.__getitem__, bounds), strict=True):
        texts[index] = cut
    return rest


def _cut_pieces(
    inner: list[str], where: list[int], keys: list[list[str]], texts: list[list[str]], flat: list[bool]
) -> None:
    """Cut dumps (``inner``, at positions ``where``) into pieces at their lines that begin with
    ``    [``, and those that are elements into ``keys`` and ``texts``; mark them ``flat``."""
    pieces = list(map(str.split, inner, repeat(_KEY_LINE)))
    every = list(chain.from_iterable(pieces))
    cut = list(map(str.partition, every, repeat(ARROW)))
    whole = list(map(operator.truth, map(operator.itemgetter(1), cut)))
    every_whole = all(whole)
    several = dict.fromkeys(compress(every, map(operator.contains, every, repeat("\n"))))
    if several:
        pattern = shared_patterns().top_element
        broken = {piece for piece in several if pattern.fullmatch(f"    [{piece}\n") is None}
        if broken:
            whole = list(map(operator.and_, whole, map(operator.not_, map(broken.__contains__, every))))
            every_whole = False
    stops = list(accumulate(map(len, pieces)))
    bounds = list(map(slice, [0, *stops[:-1]], stops))
    all_keys = list(map(operator.itemgetter(0), cut))
    all_texts = list(map(operator.itemgetter(2), cut))
    if not every_whole:  # only the dumps whose every piece is an element
        kept = list(map(all, map(whole.__getitem__, bounds)))
        where, bounds = list(compress(where, kept)), list(compress(bounds, kept))
    for index, cut in zip(where, map(all_keys.__getitem__, bounds), strict=True):
        keys[index] = cut
    for index, cut in zip(where, map(all_texts.__getitem__, bounds), strict=True):
        texts[index] = cut
    for index in where:
        flat[index] = True


def _searched(dump: str) -> list[tuple[str, str]] | None:
    """The elements of a dump found by the element pattern, as (key, value text), when they cover
    it from `Array` to its `)` line with each key once; else None."""
    closed_with_newline = dump.endswith("\n)\n")
    if not (dump.startswith(_DUMP_HEAD) and (closed_with_newline or dump.endswith("\n)"))):
        return None
    found = [match.span(1) + match.span(2) for match in shared_patterns().top_element.finditer(dump)]
    covered = sum(end - start for start, end, _, _ in found) + sum(end - start for _, _, start, end in found)
    if covered + len(found) * _KEY_PARTS + len(_DUMP_HEAD) + 1 + closed_with_newline != len(dump):
        return None
    # The value's text without the element's own newline: each value copied once, the dump not.
    elements = [(dump[key:key_end], dump[start : end - 1]) for key, key_end, start, end in found]
    if len({key for key, _ in elements}) != len(elements):
        return None
    return elements


def _stray_lines_cut(dumps: list[str], closed_with_newline: list[bool], closed: list[bool]) -> list[str]:
    """``dumps``, but without the lines after a dump's `)` line (a PHP notice written without a
    header): the FLAT_DUMP terminal takes the dump, and the lines are noise, as Lark's lexer reads
    them. ``closed_with_newline`` and ``closed`` say which dumps end with their `)` line (with its
    newline, or either way); they are set for the dumps cut so.

    The dump ends where the terminal's elements end, not at the first `)` line: a value of several
    lines may hold one (``[0] => \n)`` in a nested block)."""
    unclosed = list(compress(range(len(dumps)), map(operator.not_, closed)))
    if not unclosed:
        return dumps
    dumps = dumps.copy()
    for index in unclosed:
        end = _dump_end(dumps[index])
        if end >= 0:
            dumps[index] = dumps[index][:end]
            closed_with_newline[index] = closed[index] = True
    return dumps


def _dump_end(dump: str) -> int:
    """Where the FLAT_DUMP terminal that ``dump`` begins with ends (after its `)` line and that
    line's newline), or -1 when the terminal does not take its beginning."""
    if not dump.startswith(_DUMP_HEAD):
        return -1
    element, position = shared_patterns().top_element, len(_DUMP_HEAD)
    while (match := element.match(dump, position)) is not None and match.end() > position:
        position = match.end()
    return position + 2 if dump.startswith(")\n", position) else -1


def _error_line(error: Any) -> int:
    from lark.exceptions import UnexpectedToken

    line = getattr(error, "line", None)
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return error.token.line or 1
    return line if isinstance(line, int) and line > 0 else 1


def _error_position(error: Any, text: str) -> int:
    from lark.exceptions import UnexpectedCharacters, UnexpectedToken

    if isinstance(error, UnexpectedToken):
        if error.token.type == "$END":
            return len(text)
        return error.token.start_pos or 0
    if isinstance(error, UnexpectedCharacters):
        return error.pos_in_stream
    return len(text)


def _reason(error: Any) -> str:
    """Why an entry was skipped, in words; never a quote of the entry, which may hold a secret."""
    from lark.exceptions import UnexpectedToken

    if isinstance(error, UnexpectedToken):
        kind = error.token.type
        if "TYPE" in error.expected:
            return "no print_r dump after the REQUEST header"
        if kind in ("REQUEST_HEADER", "ENTRY", "FLAT_REQUESTS"):
            return "print_r dump broken off by the next entry"
    return "a line does not fit the print_r dump"
