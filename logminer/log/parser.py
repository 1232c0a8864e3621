"""From log sources to Request records: runs the grammar over chunks and recovers from bad entries.

A malformed entry is skipped with a note naming its file and line, and parsing goes on at the next
header. The note never quotes the entry: a broken line may hold a password.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import chain, compress, repeat
from typing import Any

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from .grammar import shared_parser
from .patterns import parse_timestamp, possessive, shared_patterns, split_request_header
from .sources import CHUNK_SIZE, Chunk, LogReader, Source

# How many skipped entries a report lists one by one; the rest are only counted.
MAX_LISTED_SKIPS = 1000


@dataclass(slots=True)
class Request:
    """One web request from the log: when, which component, which method, with what arguments."""

    time: datetime
    component: str
    number: int
    path: str
    method: str
    params: dict | list
    source: str
    line: int


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
    """What parsing saw: entries by kind, requests read, entries skipped, dumps cut off at the end."""

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


def method_name(path: str) -> str:
    """``/companies/add`` -> ``companies.add``; deeper paths join every segment; no query string."""
    name = _METHOD_NAMES.get(path)
    if name is None:
        if len(_METHOD_NAMES) > 10_000:
            _METHOD_NAMES.clear()
        name = _METHOD_NAMES[path] = _method_name(path)
    return name


_METHOD_NAMES: dict[str, str] = {}


def _method_name(path: str) -> str:
    for mark in "?#":
        cut = path.find(mark)
        if cut >= 0:
            path = path[:cut]
    return ".".join(segment for segment in path.split("/") if segment)


def parse(
    sources: Source | Iterable[Source],
    report: ParseReport | None = None,
    *,
    chunk_size: int = CHUNK_SIZE,
    on_open: Callable[[int | None], None] | None = None,
) -> Iterator[Request]:
    """Yield the requests of one or more runtime logs, in order.

    A source is a path (plain or gzip), ``"-"`` for standard input, or a binary file object.
    Pass a ``ParseReport`` to learn what was skipped and why; ``on_open`` is called with each
    source's size in bytes (None when unknown) once it is open.
    """
    if isinstance(sources, (str, bytes)) or hasattr(sources, "read") or hasattr(sources, "__fspath__"):
        sources = [sources]  # type: ignore[list-item]
    report = report if report is not None else ParseReport()
    for source in sources:  # type: ignore[union-attr]
        yield from SourceParser(open_reader(source, chunk_size=chunk_size), report, on_open)


def open_reader(source: Source, *, chunk_size: int = CHUNK_SIZE, **window: int | None) -> LogReader:
    """A reader of one source that cuts chunks where the grammar says entries begin.

    ``window`` is passed on to LogReader: ``start``, ``start_line``, ``end``.
    """
    return LogReader(source, header_pattern(), chunk_size, **window)  # type: ignore[arg-type]


class SourceParser:
    """The requests of one source, in order; once read, ``resume_offset`` and ``resume_line`` say
    where a later run goes on: after the last complete entry, or at the start of an entry that was
    cut off by the end of the log (so that it is read whole next time, and counted once)."""

    def __init__(
        self, reader: LogReader, report: ParseReport, on_open: Callable[[int | None], None] | None = None
    ) -> None:
        self.reader, self.report, self._on_open = reader, report, on_open
        self.resume_offset, self.resume_line = reader.start, reader.start_line

    def __iter__(self) -> Iterator[Request]:
        collector = _Collector(self.reader.name, self.report)
        for _ in self._chunks(collector):
            yield from collector.requests
            collector.requests.clear()

    def count_into(self, catalog: Any, on_chunk: Callable[[], None] | None = None) -> None:
        """Count every request into ``catalog`` in bulk (see ``_tally``), without Request records.

        What was read stays counted when reading fails part-way.
        """
        from ..mining.tally import Tally

        tally = Tally()
        collector = _Collector(self.reader.name, self.report, tally)
        try:
            for _ in self._chunks(collector):
                if tally.full:
                    tally.flush_into(catalog)
                if on_chunk is not None:
                    on_chunk()
        finally:
            tally.flush_into(catalog)

    def _chunks(self, collector: _Collector) -> Iterator[None]:
        reader, report = self.reader, self.report
        for chunk in reader.chunks(self._on_open):
            collector.run(chunk)
            report.bytes_read = reader.bytes_read
            yield
        collector.finish(reader.dropped_tail)
        if collector.cut_off_at_end:
            self.resume_offset, self.resume_line = reader.last_entry_offset, reader.last_entry_line
        else:
            self.resume_offset, self.resume_line = reader.complete_offset, reader.complete_line


def parse_text(text: str, report: ParseReport | None = None, name: str = "<text>") -> list[Request]:
    """The requests of a log held in a string."""
    report = report if report is not None else ParseReport()
    end = text.rfind("\n") + 1
    text, tail = text[:end], text[end:]
    collector = _Collector(name, report)
    collector.run(Chunk(text, 1, True, text.count("\n")))
    collector.finish(tail)
    return collector.requests


_HEADER_PATTERN: re.Pattern[bytes] | None = None


def header_pattern() -> re.Pattern[bytes]:
    """The grammar's header start (``[dd-Mon-yyyy hh:mm:ss+zzzz] [``), compiled for bytes: a match at a
    line start is a header, where chunks may be cut."""
    global _HEADER_PATTERN
    if _HEADER_PATTERN is None:
        _HEADER_PATTERN = re.compile(shared_patterns().header_start_regex.encode())
    return _HEADER_PATTERN


class _Scan:
    """The grammar's header terminals, compiled to find a chunk's entries (in bytes or in text).

    A header is what matches the grammar's header start at a line start; it is a REQUEST when the
    REQUEST_HEADER terminal matches there. Searches begin with the newline before a header, which
    lets the regex engine skip ahead fast; a header at the very start is looked at on its own.
    """

    def __init__(self, header_start: str, request: str, encode: Callable[[str], Any]) -> None:
        # The entry kind of another entry's header: the word between the first `] ` and the next
        # `:`, when it is all capital letters (see ``_kind``), else `?`. The usual shape, `] SQL:`,
        # is read fast; when any header has another shape, all are read again the exact way.
        kind = r"(?:(?:[^\]\n]|\](?! ))*\] ([^\n:]*)(:)?)?"
        self.header = re.compile(encode(header_start))
        self.request = re.compile(encode(request))
        self.next_request = re.compile(encode("\n" + request))
        self.next_other = re.compile(encode(f"\n(?!{request}){header_start}"))
        self.other_kind = re.compile(encode(f"(?!{request}){header_start}{kind}"))
        self.other_kinds = re.compile(encode(f"\n(?!{request}){header_start}{kind}"))
        # Every header after a newline, split on: its start, then the rest of a REQUEST header
        # line, or the kind of another entry in the usual shape, or (an empty group) another shape.
        # (Without its newline, which goes with the text after it: a header may follow at once.)
        request_rest = request[len(header_start) :].removesuffix("\n")
        self.split = re.compile(encode(f"\n({header_start})(?:({request_rest})|[^\\]\\n]*\\] ([A-Z]+):|())"))


_SCANS: dict[type, _Scan] = {}


def _scan(kind: type) -> _Scan:
    scan = _SCANS.get(kind)
    if scan is None:
        patterns = shared_patterns()
        encode = (lambda text: text.encode()) if kind is bytes else (lambda text: text)
        scan = _SCANS[kind] = _Scan(patterns.header_start_regex, patterns.request_regex, encode)
    return scan


def _kind(word: bytes | str, colon: bytes | str | None) -> str:
    """An entry kind (``SQL``, ``NOTICE``...) from the word before a header's colon, or ``?``."""
    if isinstance(word, bytes):
        word = word.decode("utf-8", "replace")
    return word if colon and word.isalpha() and word.isupper() else "?"


@dataclass(slots=True)
class _SplitRequests:
    """The REQUEST entries of a chunk as its split at headers cut them: ``first``, the entry the
    chunk starts with (if it starts with one; without its last newline, or, when ``alone``, the
    whole chunk), then per other request its header's start, the rest of its header line and the
    lines after that line (which begin with that line's newline and lost their own last newline
    to the split)."""

    data: bytes | str
    first: bytes | str | None
    starts: list
    rests: list
    texts: list
    alone: bool

    def text(self) -> bytes | str:
        """The requests joined, each ending with its newline (as they stand in the log, less
        what stands between them)."""
        empty, newline = self.data[:0], self.data[-1:]
        if self.alone:
            return self.data if self.first is not None else empty
        pieces = [self.first, newline] if self.first is not None else []
        pieces += chain.from_iterable(zip(self.starts, self.rests, self.texts, repeat(newline)))
        return empty.join(pieces)


class _Collector:
    """Turns the grammar's finished entries into Request records (or tally counts) for one source.

    Only REQUEST entries are decoded and parsed: the grammar's header terminals find the entries of
    a chunk in its bytes and tell requests from the rest, which is only counted by kind.
    Consecutive requests are parsed as one text; ``_LineMap`` takes its line numbers back to the log.
    With a tally, runs of requests that the grammar's FLAT_REQUESTS terminal takes whole are counted
    in bulk, and only the other requests go through the LALR parser, one entry at a time.
    """

    def __init__(self, name: str, report: ParseReport, tally: Any = None) -> None:
        self.name = name
        self.report = report
        self.tally = tally
        self.requests: list[Request] = []
        self.last_line = 1
        self._lines = _LineMap()
        self._line_offset = 0
        self._read = 0
        self.cut_off_at_end = False

    def finish(self, tail: bytes | str) -> None:
        """Report an incomplete last line, unless it belongs to an entry already reported cut off."""
        if tail.strip() and not self.cut_off_at_end:
            self.report.cut_off.append(Skipped(self.name, self.last_line, "incomplete last line"))

    def _request(self, header: str, line: int, params: dict | list) -> None:
        stamp, component, number, path = split_request_header(header)
        try:
            time = parse_timestamp(stamp)
        except (KeyError, ValueError):  # the grammar's digits, but no clock shows them (day 99)
            here = self._lines.original(self._line_offset + line)
            self.report.skip(Skipped(self.name, here, "impossible time in the REQUEST header"))
            return
        self._read += 1
        if self.tally is not None:
            self.tally.add_request(stamp, component, path, params)
            return
        self.requests.append(
            Request(
                time,
                component,
                number,
                path,
                method_name(path),
                params,
                self.name,
                self._lines.original(self._line_offset + line),
            )
        )

    def run(self, chunk: Chunk) -> None:
        """Parse the requests of one chunk, skipping malformed ones, and count its other entries."""
        self._read = 0
        try:
            text, reaches_end = self._requests_only(chunk)
            if text is None:  # counted in bulk from the chunk's split (see _requests_only)
                return
            cut_off_possible = chunk.last and reaches_end
            if self.tally is None:
                self._parse(text, 0, cut_off_possible)
            else:
                self._count(text, cut_off_possible)
        finally:
            self._lines = _LineMap()  # lets go of the chunk's bytes
            self.last_line = chunk.first_line + chunk.lines
            self.report.requests += self._read
            self.report.entries["REQUEST"] += self._read

    def _count(self, text: str, cut_off_possible: bool) -> None:
        """Count the requests of ``text``: those whose dump is what the grammar's FLAT_DUMP
        terminal takes in the tally, in bulk (as Lark's lexer would take them: FLAT_REQUESTS is
        the terminal tried first where an entry starts); each other request is parsed on its own,
        in its turn."""
        from ..mining import tally as _tally

        if len(text) > _tally._SPLIT_LIMIT:
            self._count_in_place(text, cut_off_possible)
            return
        lines = [0, 0]  # lines before the last request read apart, and where that one starts

        def read_apart(start: int, end: int) -> None:
            lines[0] += text.count("\n", lines[1], start)
            lines[1] = start
            length = len(text)
            self._parse(text[start:end], lines[0], cut_off_possible and end == length, end < length)

        counted = self.tally.add_requests(text, read_apart)  # (read_apart counts its own)
        self._read += counted

    def _count_in_place(self, text: str, cut_off_possible: bool) -> None:
        """``_count`` for a large text (a huge entry): runs the FLAT_REQUESTS terminal takes whole
        are counted where they stand, without a copy."""
        tally, flat, scan = self.tally, _flat_requests(), _scan(str)
        position, length = 0, len(text)
        line_offset, counted_to = 0, 0
        while position < length:
            match = flat.match(text, position)
            if match is not None:
                requests, reached = tally.add_run(text, position, match.end())
                self._read += requests
                position = reached
                if reached == match.end():
                    continue
                # Stopped before a request whose header time is impossible: read it line by line.
            following = scan.next_request.search(text, position)
            end = following.start() + 1 if following is not None else length
            line_offset += text.count("\n", counted_to, position)
            counted_to = position
            self._parse(text[position:end], line_offset, cut_off_possible and end == length, end < length)
            position = end

    def _parse(self, text: str, line_offset: int, cut_off_possible: bool, followed: bool = False) -> None:
        """Parse ``text`` (requests only) with the LALR parser, skipping malformed entries.

        ``followed``: another request follows ``text`` (which was cut from a longer text), so that
        an entry ending early is noted as it would be were that request's header there.
        """
        if not text:
            return
        parser = shared_parser()  # built on first use: mining most logs never needs it
        parser.on_request = self._request
        self._line_offset = line_offset
        while text:
            try:
                parser.parse(text)
                break
            except UnexpectedInput as error:
                resume = self._recover(error, parser.indenter.entry_start, text, cut_off_possible, followed)
            self._line_offset += text.count("\n", 0, resume)
            text = text[resume:]

    def _requests_only(self, chunk: Chunk) -> tuple[str | None, bool]:
        """The chunk's REQUEST entries as one text, and whether the last of them ends the chunk.

        Other entries are counted by kind from their headers, and never decoded. With a tally,
        the requests are first offered to it as the split cut them (header lines and dumps
        apart): when it counts them all so, there is no text (None).
        """
        data = chunk.data
        chunk.data = None  # from here on, the only copy is the one decoded below
        if not data:
            return "", False
        if len(data) > _LAZY_LINES_LIMIT:
            joined, reaches_end = self._requests_in_place(data, chunk.first_line)
        else:
            requests, reaches_end = self._requests_split(data, chunk.first_line)
            if self.tally is not None and isinstance(data, bytes) and self._count_split(requests):
                return None, reaches_end
            joined = requests.text()
        del data
        if isinstance(joined, bytes):
            joined = str(joined, "utf-8", "replace")
        # A request written with CRLF that can be read starts `...\r\nArray\r\n`; CRs inside values
        # (a browser's textarea) are common and must not cost a pass over every chunk.
        if "\r\nArray\r\n" in joined:
            joined = _crlf_entries_to_lf(joined)
        return joined, reaches_end

    def _count_split(self, requests: _SplitRequests) -> bool:
        """Count the requests of a chunk in bulk as its split cut them, when the tally can count
        them all so; else count nothing."""
        counted = self.tally.add_split(requests)
        if counted is None:
            return False
        self._read += counted
        return True

    def _requests_split(self, data: bytes | str, first_line: int) -> tuple[_SplitRequests, bool]:
        """Kinds and requests from one split of the chunk at its headers (no Python loop over
        entries); line numbers are worked out later, if a note needs them."""
        scan = _scan(type(data))
        entries = self.report.entries
        # [text before the first header after a newline, then per header: its start, the rest of
        # a REQUEST header line, the kind word of another (before its colon), an odd shape; the
        # text after]
        parts = scan.split.split(data)
        odd = parts[4::5]
        if odd.count(None) < len(odd):  # a header of another shape: read them all exactly
            for (word, colon), count in Counter(scan.other_kinds.findall(data)).items():
                entries[_kind(word, colon)] += count
        else:
            kinds = Counter(parts[3::5])
            kinds.pop(None, None)  # the REQUEST headers
            for word, count in kinds.items():
                entries[_kind(word, ":")] += count
        newline = data[-1:]
        first = None
        if scan.header.match(data):  # the chunk starts with a header (it does, but for the first)
            if scan.request.match(data):
                first = parts[0]
            else:
                other = scan.other_kind.match(data)
                entries[_kind(*other.groups())] += 1  # type: ignore[union-attr]
        self._lines = _LineMap(data, first_line)
        if len(parts) == 1:
            return _SplitRequests(data, first, [], [], [], True), first is not None
        if parts[-1].endswith(newline):
            parts[-1] = parts[-1][:-1]  # each text lost its newline to the next header but the last
        rests = parts[2::5]
        starts, texts = list(compress(parts[1::5], rests)), list(compress(parts[5::5], rests))
        requests = _SplitRequests(data, first, starts, list(compress(rests, rests)), texts, False)
        return requests, parts[-4] is not None

    def _requests_in_place(self, data: bytes | str, first_line: int) -> tuple[bytes | str, bool]:
        """Kinds and requests of a large chunk, found in place: a chunk that is one huge request is
        not copied (its memory stays within about twice its size)."""
        scan = _scan(type(data))
        entries = self.report.entries
        first = scan.other_kind.match(data)
        if first is not None:
            entries[_kind(*first.groups())] += 1
        for (word, colon), count in Counter(scan.other_kinds.findall(data)).items():
            entries[_kind(word, colon)] += count
        runs = _request_runs(data)
        self._lines = _LineMap(data, first_line, runs)
        self._lines.build()  # now, so that the chunk's bytes are not held while its text is read
        reaches_end = bool(runs) and runs[-1][1] == len(data)
        if len(runs) == 1 and runs[0] == (0, len(data)):
            return data, reaches_end  # requests only: no copy
        view = memoryview(data) if isinstance(data, bytes) else data  # slices of a view copy nothing
        return data[:0].join([view[start:end] for start, end in runs]), reaches_end

    def _recover(
        self, error: UnexpectedInput, entry: Token | None, text: str, cut_off: bool, followed: bool = False
    ) -> int:
        """Note the broken entry and return where parsing resumes: the next header after it."""
        original = self._lines.original
        entry_line = original(self._line_offset + (entry.line if entry is not None else 1))
        at_end = isinstance(error, UnexpectedToken) and error.token.type == "$END"
        if at_end and cut_off:
            self.report.cut_off.append(Skipped(self.name, entry_line, "print_r dump cut off at the end"))
            self.cut_off_at_end = True
            return len(text)
        if at_end and followed:
            # Where the next request's header stands: the parser would have stopped at it.
            bad_line = original(self._line_offset + text.count("\n") + 1)
            if "TYPE" in error.expected:  # type: ignore[attr-defined]
                reason = "no print_r dump after the REQUEST header"
            else:
                reason = "print_r dump broken off by the next entry"
            self.report.skip(Skipped(self.name, entry_line, reason, bad_line))
            return len(text)
        bad_line = original(self._line_offset + _error_line(error))
        reason = "print_r dump broken off by the next entry" if at_end else _reason(error)
        self.report.skip(Skipped(self.name, entry_line, reason, bad_line))
        position = _error_position(error, text)
        header = shared_patterns().next_header(text, position)
        if entry is not None and header <= entry.start_pos:
            header = shared_patterns().next_header(text, entry.start_pos + 1)
        return header if header >= 0 else len(text)


_FLAT_REQUESTS: re.Pattern[str] | None = None


def _flat_requests() -> re.Pattern[str]:
    """The grammar's FLAT_REQUESTS terminal, compiled as Lark's lexer compiles it."""
    global _FLAT_REQUESTS
    if _FLAT_REQUESTS is None:
        _FLAT_REQUESTS = re.compile(possessive(shared_patterns().terminal_regex("FLAT_REQUESTS")))
    return _FLAT_REQUESTS


def _crlf_entries_to_lf(text: str) -> str:
    """Requests written with CRLF inside a log of LF lines (a CRLF log is converted whole when read):
    an entry whose header line ends with CRLF has its CRLF turned into LF; others keep their CRs,
    which then belong to values (a browser's textarea sends CRLF)."""
    starts = [match.start() for match in shared_patterns().request_lines(text)]
    ends = [*starts[1:], len(text)]
    pieces, position = [], 0
    for start, end in zip(starts, ends, strict=True):
        if text.startswith("\r\n", text.index("\n", start) - 1):
            pieces += [text[position:start], text[start:end].replace("\r\n", "\n")]
            position = end
    return "".join([*pieces, text[position:]]) if pieces else text


def _request_runs(data: bytes | str) -> list[tuple[int, int]]:
    """Where the runs of consecutive requests are: what lies between the other entries, from the
    first header on."""
    scan = _scan(type(data))
    runs: list[tuple[int, int]] = []
    length = len(data)
    if scan.request.match(data):
        position = 0
    else:
        found = scan.next_request.search(data)
        position = found.start() + 1 if found is not None else length
    while position < length:
        other = scan.next_other.search(data, position)
        end = other.start() + 1 if other is not None else length
        runs.append((position, end))
        found = scan.next_request.search(data, end - 1) if end < length else None
        position = found.start() + 1 if found is not None else length
    return runs


# A chunk larger than this is read in place, its line numbers counted at once rather than when
# first needed.
_LAZY_LINES_LIMIT = 8 << 20


class _LineMap:
    """Maps line numbers of the requests-only text back to line numbers of the log.

    Counting the lines of a chunk costs a pass over it, and line numbers are needed only for notes
    (and Request records): the map is built on first use, from the chunk's bytes and its runs of
    requests.
    """

    def __init__(
        self, data: bytes | str = b"", first_line: int = 1, runs: list[tuple[int, int]] | None = None
    ) -> None:
        self._data: bytes | str | None = data
        self._first_line = first_line
        self._runs = runs
        self._joined: list[int] = []  # first line of each run of requests in the joined text
        self._original: list[int] = []  # the same line in the log

    def build(self) -> None:
        """Count the lines (once), and let go of the chunk."""
        data = self._data
        if data is None:
            return
        newline = b"\n" if isinstance(data, bytes) else "\n"
        line, position, joined = self._first_line, 0, 1
        runs = self._runs if self._runs is not None else _request_runs(data)
        for start, end in runs:
            line += data.count(newline, position, start)
            self._joined.append(joined)
            self._original.append(line)
            run_lines = data.count(newline, start, end)
            joined += run_lines
            line += run_lines
            position = end
        self._data = None

    def original(self, joined_line: int) -> int:
        """The log's line number of a line of the joined text."""
        self.build()
        index = bisect_right(self._joined, joined_line) - 1
        if index < 0:
            return joined_line
        return self._original[index] + joined_line - self._joined[index]


def _error_line(error: UnexpectedInput) -> int:
    line = getattr(error, "line", None)
    if isinstance(error, UnexpectedToken) and error.token.type == "$END":
        return error.token.line or 1
    return line if isinstance(line, int) and line > 0 else 1


def _error_position(error: UnexpectedInput, text: str) -> int:
    if isinstance(error, UnexpectedToken):
        if error.token.type == "$END":
            return len(text)
        return error.token.start_pos or 0
    if isinstance(error, UnexpectedCharacters):
        return error.pos_in_stream
    return len(text)


def _reason(error: UnexpectedInput) -> str:
    """Why an entry was skipped, in words; never a quote of the entry, which may hold a secret."""
    if isinstance(error, UnexpectedToken):
        kind = error.token.type
        if "TYPE" in error.expected:
            return "no print_r dump after the REQUEST header"
        if kind in ("REQUEST_HEADER", "ENTRY", "FLAT_REQUESTS"):
            return "print_r dump broken off by the next entry"
    return "a line does not fit the print_r dump"
