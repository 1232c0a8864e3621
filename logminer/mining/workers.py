"""Mining one large log on every core: split it at entry boundaries, mine the parts in worker
processes, merge their catalogs.

Merging is associative and commutative and equals mining the whole (tests show it), so the
catalog is the same whatever the number of workers. Line numbers in notes are the file's own.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..catalog.model import Catalog, Settings, merge
from ..log.patterns import shared_patterns
from ..log.reader import ParseReport, Skipped, SourceReader, header_pattern, open_reader
from ..log.sources import LogReader, is_gzip_file

# A part smaller than this is not worth a process of its own.
MIN_PART = 4 << 20
# How far past a split point to look for the next entry before giving up on that point.
_SEARCH_LIMIT = 64 << 20
_WINDOW = 1 << 18


def splittable(reader: LogReader) -> bool:
    """Whether a source can be shared between workers: a plain file, large enough."""
    source = reader.source
    if not isinstance(source, (str, os.PathLike)) or os.fspath(source) == "-":
        return False
    path = os.fspath(source)
    return not is_gzip_file(path) and os.path.getsize(path) - reader.start >= 2 * MIN_PART


def split_points(path: str, start: int, end: int, parts: int, header: re.Pattern[bytes]) -> list[int]:
    """Offsets where parts begin: ``start``, then the first entry at or after each even share."""
    points = [start]
    for index in range(1, parts):
        target = start + (end - start) * index // parts
        boundary = _next_entry(path, max(target, points[-1] + 1), end, header)
        if boundary is not None and boundary < end:
            points.append(boundary)
    return points


def _next_entry(path: str, position: int, end: int, header: re.Pattern[bytes]) -> int | None:
    """Offset of the first header line that starts after ``position`` (after a newline)."""
    with open(path, "rb") as raw:
        raw.seek(position - 1)
        searched = 0
        carry = b""
        base = position - 1
        while searched < _SEARCH_LIMIT and base + len(carry) < end:
            block = raw.read(_WINDOW)
            if not block:
                return None
            data = carry + block
            at = data.find(b"\n[")
            while at >= 0:
                if header.match(data, at + 1):
                    return base + at + 1
                at = data.find(b"\n[", at + 1)
            # Keep the tail: a header line may straddle two windows.
            keep = min(len(data), 4096)
            base += len(data) - keep
            carry = data[-keep:]
            searched += len(block)
    return None


@dataclass
class _Part:
    path: str
    start: int
    end: int | None  # None: to the end of the file (the last part)
    settings: dict[str, Any]


def _mine_part(part: _Part) -> dict[str, Any]:
    """In a worker: the catalog and report of one part, line numbers counted from the part's start."""
    gc.set_threshold(max(gc.get_threshold()[0], 50_000))
    from .mine import count_source

    catalog = Catalog(settings=Settings.from_dict(part.settings))
    report = ParseReport()
    reader = open_reader(
        part.path, start=part.start, start_line=1, end=part.end, max_entry=catalog.settings.max_entry_bytes
    )
    parser = SourceReader(reader, report)
    count_source(parser, catalog)
    return {
        "catalog": catalog.to_dict(),
        "requests": report.requests,
        "entries": dict(report.entries),
        "skipped": [(entry.line, entry.reason, entry.bad_line) for entry in report.skipped],
        "skip_reasons": dict(report.skip_reasons),
        "cut_off": [(entry.line, entry.reason, entry.bad_line) for entry in report.cut_off],
        "bytes": report.bytes_read,
        "lines": reader.complete_line - 1,
        "resume": (parser.resume_offset, parser.resume_line),
    }


def mine_parallel(
    reader: LogReader,
    catalog: Catalog,
    report: ParseReport,
    jobs: int,
    progress: Callable[[int], None] | None = None,
) -> tuple[int, int]:
    """Mine a large plain log file in ``jobs`` processes into ``catalog`` (in place); fill ``report``.

    Returns where a later run resumes (offset, line), as SourceReader says after one worker.
    """
    path = os.fspath(reader.source)  # type: ignore[arg-type]
    size = os.path.getsize(path)
    parts = max(1, min(jobs, (size - reader.start) // MIN_PART))
    points = split_points(path, reader.start, size, parts, header_pattern())
    settings = catalog.settings.to_dict()
    tasks = [
        _Part(path, start, end, settings) for start, end in zip(points, [*points[1:], None], strict=True)
    ]
    shared_patterns()  # made once here, inherited by the forked workers
    context = multiprocessing.get_context(
        "fork" if "fork" in multiprocessing.get_all_start_methods() else None
    )
    results = []
    with context.Pool(len(tasks)) as pool:
        done = 0
        for result in pool.imap(_mine_part, tasks):
            results.append(result)
            done += result["bytes"]
            if progress is not None:
                progress(done)
    merged = merge(catalog, *(Catalog.from_dict(result["catalog"]) for result in results))
    catalog.methods, catalog.dropped_methods = merged.methods, merged.dropped_methods
    line = reader.start_line
    for index, result in enumerate(results):
        _add_report(report, result, reader.name, line, last=index == len(results) - 1)
        if index < len(results) - 1:
            line += result["lines"]
    report.bytes_read = sum(result["bytes"] for result in results)
    offset, resume_line = results[-1]["resume"]
    return offset, line + resume_line - 1


def _add_report(report: ParseReport, result: dict[str, Any], name: str, first_line: int, last: bool) -> None:
    """Fold a worker's report into ``report``, its line numbers moved to the file's."""

    def moved(line: int | None) -> int | None:
        return None if line is None else first_line + line - 1

    report.requests += result["requests"]
    report.entries.update(result["entries"])
    for line, reason, bad_line in result["skipped"]:
        report.skip(Skipped(name, moved(line), reason, moved(bad_line)))  # type: ignore[arg-type]
    # report.skip counted the listed ones; add those the worker only counted.
    for reason, count in result["skip_reasons"].items():
        listed = sum(1 for _, listed_reason, _ in result["skipped"] if listed_reason == reason)
        report.skip_reasons[reason] += count - listed
    if last:
        for line, reason, bad_line in result["cut_off"]:
            report.cut_off.append(Skipped(name, moved(line), reason, moved(bad_line)))  # type: ignore[arg-type]
