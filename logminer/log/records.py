"""Request records: every request of a log as one object (``logminer.parse``), for scripts that read
the log themselves. Built on what the reader reads; mining counts the same without building them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import repeat

from .header import sure_timestamps
from .print_r import flat_value
from .reader import ChunkRead, ParseReport, SourceReader, open_reader, read_text
from .sources import CHUNK_SIZE, Source, source_list


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
    report = report if report is not None else ParseReport()
    for source in source_list(sources):
        reader = open_reader(source, chunk_size=chunk_size)
        for read in SourceReader(reader, report, on_open, lines=True):
            yield from records(read, reader.name)


def parse_text(text: str, report: ParseReport | None = None, name: str = "<text>") -> list[Request]:
    """The requests of a log held in a string."""
    report = report if report is not None else ParseReport()
    return records(read_text(text, report, name, lines=True), name)


def records(read: ChunkRead, source: str) -> list[Request]:
    """The requests of one chunk as records, in log order."""
    flat = read.flat
    fast: list[Request] = []
    if flat is not None:
        times = _times(flat.stamps)
        fast = list(
            map(
                Request,
                map(times.__getitem__, flat.stamps),
                flat.components,
                map(int, flat.numbers),
                flat.paths,
                flat.methods,
                map(flat_value, flat.keys, flat.texts),
                repeat(source),
                flat.lines or repeat(0),
            )
        )
        if not read.parsed:  # the fast road's requests alone are in log order already
            return fast
    made: list[tuple[int, Request]] = list(zip(flat.order, fast, strict=True)) if flat is not None else []
    for parsed in read.parsed:
        record = Request(
            parsed.time,
            parsed.component,
            parsed.number,
            parsed.path,
            parsed.method,
            parsed.params,
            source,
            parsed.line,
        )
        made.append((parsed.order, record))
    made.sort(key=lambda pair: pair[0])
    return [record for _, record in made]


def _times(stamps: list[str]) -> dict[str, datetime]:
    """Each distinct header time of ``stamps`` (the fast road's: each surely names a moment) as a
    datetime (many requests share a second)."""
    distinct = list(set(stamps))
    return dict(zip(distinct, sure_timestamps(distinct), strict=True))
