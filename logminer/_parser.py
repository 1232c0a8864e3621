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

from lark import Token
from lark.exceptions import UnexpectedCharacters, UnexpectedInput, UnexpectedToken

from ._grammar import header_kind, parse_timestamp, shared_parser, split_request_header
from ._sources import CHUNK_SIZE, Chunk, LogReader, Source

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
        reader, report = self.reader, self.report
        collector = _Collector(reader.name, report)
        for chunk in reader.chunks(self._on_open):
            collector.run(chunk)
            report.bytes_read = reader.bytes_read
            yield from collector.requests
            collector.requests.clear()
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
    collector.run(Chunk(text, 1, True))
    collector.finish(tail)
    return collector.requests


_HEADER_PATTERN: re.Pattern[bytes] | None = None


def header_pattern() -> re.Pattern[bytes]:
    """The ENTRY terminal of the grammar, compiled for bytes: a match at a line start is a header,
    where chunks may be cut."""
    global _HEADER_PATTERN
    if _HEADER_PATTERN is None:
        _HEADER_PATTERN = re.compile(shared_parser().header_regex.encode())
    return _HEADER_PATTERN


class _Collector:
    """Turns the grammar's finished entries into Request records for one source.

    Only REQUEST entries reach the LALR parser: the grammar's own ENTRY and REQUEST_HEADER
    terminals find the entries of a chunk and tell requests from the rest, which is only counted.
    Consecutive requests are parsed as one text; ``_LineMap`` takes its line numbers back to the log.
    """

    def __init__(self, name: str, report: ParseReport) -> None:
        self.name = name
        self.report = report
        self.requests: list[Request] = []
        self.last_line = 1
        self._lines = _LineMap()
        self._line_offset = 0
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
        parser = shared_parser()
        parser.on_request = self._request
        text, reaches_end = self._requests_only(chunk)
        self._line_offset = 0
        already = len(self.requests)
        try:
            while text:
                try:
                    parser.parse(text)
                    break
                except UnexpectedInput as error:
                    cut_off = chunk.last and reaches_end
                    resume = self._recover(error, parser.indenter.entry_start, text, cut_off)
                self._line_offset += text.count("\n", 0, resume)
                text = text[resume:]
        finally:
            self.last_line = chunk.first_line + chunk.text.count("\n")
            read = len(self.requests) - already
            self.report.requests += read
            self.report.entries["REQUEST"] += read

    def _requests_only(self, chunk: Chunk) -> tuple[str, bool]:
        """The chunk's REQUEST entries as one text, and whether the last of them ends the chunk."""
        parser = shared_parser()
        text = chunk.text
        entries = self.report.entries
        # Requests are what lies between the other entries (from the first header on).
        runs: list[tuple[int, int]] = []
        position = parser.next_header(text, 0)
        if position < 0:
            return "", False
        for match in parser.other_entries(text):
            start, end = match.span()
            entries[header_kind(text[start : text.find("\n", start)])] += 1
            if start > position:
                runs.append((position, start))
            position = end
        if position < len(text):
            runs.append((position, len(text)))
        lines = self._lines = _LineMap()
        line, position = chunk.first_line, 0
        for start, end in runs:
            line += text.count("\n", position, start)
            lines.add(line)
            run_lines = text.count("\n", start, end)
            lines.extend(run_lines)
            line += run_lines
            position = end
        if len(runs) == 1 and runs[0] == (0, len(text)):
            joined = text  # requests only: no copy (a huge entry is not copied again)
        else:
            joined = "".join(text[start:end] for start, end in runs)
        # A request written with CRLF that can be read starts `...\r\nArray\r\n`; CRs inside values
        # (a browser's textarea) are common and must not cost a pass over every chunk.
        if "\r\nArray\r\n" in joined:
            joined = _crlf_entries_to_lf(joined)
        return joined, bool(runs) and position == len(text)

    def _recover(self, error: UnexpectedInput, entry: Token | None, text: str, cut_off: bool) -> int:
        """Note the broken entry and return where parsing resumes: the next header after it."""
        original = self._lines.original
        entry_line = original(self._line_offset + (entry.line if entry is not None else 1))
        at_end = isinstance(error, UnexpectedToken) and error.token.type == "$END"
        if at_end and cut_off:
            self.report.cut_off.append(Skipped(self.name, entry_line, "print_r dump cut off at the end"))
            self.cut_off_at_end = True
            return len(text)
        bad_line = original(self._line_offset + _error_line(error))
        reason = "print_r dump broken off by the next entry" if at_end else _reason(error)
        self.report.skip(Skipped(self.name, entry_line, reason, bad_line))
        position = _error_position(error, text)
        header = shared_parser().next_header(text, position)
        if entry is not None and header <= entry.start_pos:
            header = shared_parser().next_header(text, entry.start_pos + 1)
        return header if header >= 0 else len(text)


def _crlf_entries_to_lf(text: str) -> str:
    """Requests written with CRLF inside a log of LF lines (a CRLF log is converted whole when read):
    an entry whose header line ends with CRLF has its CRLF turned into LF; others keep their CRs,
    which then belong to values (a browser's textarea sends CRLF)."""
    starts = [match.start() for match in shared_parser().request_lines(text)]
    ends = [*starts[1:], len(text)]
    pieces, position = [], 0
    for start, end in zip(starts, ends, strict=True):
        if text.startswith("\r\n", text.index("\n", start) - 1):
            pieces += [text[position:start], text[start:end].replace("\r\n", "\n")]
            position = end
    return "".join([*pieces, text[position:]]) if pieces else text


class _LineMap:
    """Maps line numbers of the requests-only text back to line numbers of the log."""

    def __init__(self) -> None:
        self._joined: list[int] = []  # first line of each run of requests in the joined text
        self._original: list[int] = []  # the same line in the log
        self._next = 1

    def add(self, original_line: int) -> None:
        """A run of consecutive requests starts here, at this line of the log."""
        self._joined.append(self._next)
        self._original.append(original_line)

    def extend(self, lines: int) -> None:
        """The current run goes on for this many more lines."""
        self._next += lines

    def original(self, joined_line: int) -> int:
        """The log's line number of a line of the joined text."""
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
