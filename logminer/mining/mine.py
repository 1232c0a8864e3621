"""Mining: read logs into a catalog, store it, and say what changed."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .._errors import SourceError
from ..catalog.model import SCHEMA_VERSION, Catalog, apply_settings, with_secret_words
from ..catalog.store import catalog_lock, default_catalog_path, load_catalog, save_catalog
from ..log.reader import ParseReport, SourceReader
from ..log.sources import Source, source_list, source_name
from .resume import now, remember, resume
from .tally import Tally

# Called with (source name, bytes read so far, size of the source or None).
Progress = Callable[[str, int, "int | None"], None]


@dataclass
class MineResult:
    """What one mining run did: what it read, what was new, which secret names it redacted."""

    report: ParseReport
    requests: int = 0
    new_methods: list[str] = field(default_factory=list)
    new_arguments: list[str] = field(default_factory=list)
    redacted: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    methods: int = 0
    arguments: int | None = 0
    dropped_methods: int = 0
    # The schema version of the catalog file before this run, when this run upgraded it.
    upgraded_from: int | None = None
    catalog_path: Path | None = None

    def summary(self, max_listed: int = 10) -> str:
        """A few lines for a person: what was read, what is new, what was skipped and why."""
        report = self.report
        noise = sum(count for kind, count in report.entries.items() if kind != "REQUEST")
        lines = [
            f"Read {self.requests} requests ({noise} other entries, {_megabytes(report.bytes_read)}).",
            f"Catalog: {self.methods} methods{_arguments(self.arguments)}; new this run: "
            f"{len(self.new_methods)} methods, {len(self.new_arguments)} arguments.",
        ]
        if self.new_methods:
            lines.append("New methods: " + _listing(self.new_methods, max_listed))
        if self.redacted:
            lines.append("Redacted (presence and type only): " + _listing(self.redacted, max_listed))
        if report.skipped_count:
            entries = "entry" if report.skipped_count == 1 else "entries"
            lines.append(f"Skipped {report.skipped_count} malformed {entries}:")
            lines.extend(f"  {count} x {reason}" for reason, count in report.skip_reasons.most_common())
            lines.extend(f"  {entry}" for entry in report.skipped[:max_listed])
            if report.skipped_count > max_listed:
                lines.append(f"  ... and {report.skipped_count - max_listed} more")
        for entry in report.cut_off:
            lines.append(f"Not counted: {entry} (the log may still be being written).")
        if self.upgraded_from is not None:
            lines.append(
                f"Upgraded the catalog from schema version {self.upgraded_from} to {SCHEMA_VERSION}: calls "
                "per day, example calls and the presence of arrays are counted from now on; `mine --fresh` "
                "counts them for the logs still at hand."
            )
        if self.catalog_path is not None:
            lines.append(f"Catalog written to {self.catalog_path}")
        elif self.failures:
            lines.append("No catalog written: no log could be read.")
        return "\n".join(lines)


def _arguments(count: int | None) -> str:
    return "" if count is None else f", {count} arguments"


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{count} bytes"


def _listing(names: Sequence[str], limit: int) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


def mine(
    sources: Source | Iterable[Source],
    catalog: Catalog,
    *,
    progress: Progress | None = None,
    jobs: int = 1,
) -> MineResult:
    """Add the requests of one or more logs to ``catalog`` (in place) and report what was new.

    With ``jobs`` above 1, a large plain log file is split at entry boundaries and mined in that
    many processes; the catalog is the same as with one.

    A log that cannot be read is listed in ``failures`` and the others are still mined.
    """
    with _fewer_collections():
        return _mine(source_list(sources), catalog, progress, jobs)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Run the cyclic garbage collector less often while mining (restored afterwards).

    Mining allocates millions of short-lived containers and no cycles; the collector's default
    threshold makes it scan them over and over (about 5% of the time, measured).
    """
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], 50_000), *old[1:])
    try:
        yield
    finally:
        gc.set_threshold(*old)


def count_source(
    reader: SourceReader, catalog: Catalog, on_chunk: Callable[[], None] | None = None
) -> list[tuple[str, str]]:
    """Count every request one source holds into ``catalog``, in bulk (see ``tally``). What was read
    stays counted when reading fails part-way. Returns the arguments made, as (method, path)."""
    tally = Tally(catalog)
    made: list[tuple[str, str]] = []
    try:
        for read in reader:
            tally.add(read)
            del read  # a huge entry's text is not held while the next chunk is read
            if tally.full:
                made += tally.flush_into(catalog)
            if on_chunk is not None:
                on_chunk()
    finally:
        made += tally.flush_into(catalog)
    return made


def _mine(sources: list[Source], catalog: Catalog, progress: Progress | None, jobs: int) -> MineResult:
    # What the summary says is new is told without reading the methods mining does not touch.
    names_before = set(catalog.methods)
    made: list[tuple[str, str]] = []
    report = ParseReport()
    result = MineResult(report)
    total_bytes = 0
    for source in sources:
        start_requests = report.requests
        report.bytes_read = 0
        name = source_name(source)
        resumed = None
        try:
            resumed = resume(catalog, source, max_entry=catalog.settings.max_entry_bytes)
            reader = resumed.reader
            if jobs > 1 and resumed.record is not None and _workers().splittable(reader):
                announce = _announce(progress, name)
                if announce is not None:
                    announce(os.path.getsize(reader.name) - reader.start)
                before = {name: set(method.arguments) for name, method in catalog.methods.items()}
                where = _workers().mine_parallel(reader, catalog, report, jobs, _advance(progress, name))
                made += [
                    (method, path)
                    for method in catalog.methods
                    for path in catalog.methods[method].arguments
                    if path not in before.get(method, ())
                ]
            else:
                source_reader = SourceReader(reader, report, _announce(progress, name))
                made += count_source(source_reader, catalog, _after_chunk(progress, name, report))
                where = source_reader.resume_offset, source_reader.resume_line
        except SourceError as error:
            result.failures.append(str(error))
            if resumed is not None and resumed.reader.done_offset > resumed.reader.start:
                # What was counted stays counted; the next run goes on from there, not from the start.
                remember(catalog, resumed, resumed.reader.done_offset, resumed.reader.done_line)
            continue
        finally:
            total_bytes += report.bytes_read
        remember(catalog, resumed, *where)
        stats = catalog.sources.setdefault(name, {"requests": 0, "bytes": 0})
        stats["requests"] = stats.get("requests", 0) + report.requests - start_requests
        stats["bytes"] = stats.get("bytes", 0) + report.bytes_read
        stats["last_mined"] = now()
    report.bytes_read = total_bytes
    result.requests = report.requests
    methods = catalog.methods
    result.new_methods = sorted(set(methods) - names_before)
    kept = [
        (method, path) for method, path in made if method in methods and path in methods[method].arguments
    ]
    result.new_arguments = sorted({f"{method}:{path}" for method, path in kept})
    touched = sorted(
        {method for method, _ in kept} | {name for name in methods if methods.unread(name) is None}
    )
    for name in touched:
        result.redacted.extend(f"{name}:{arg.name}" for arg in methods[name].arguments.values() if arg.secret)
    # The total of arguments is known without reading every method only when all were read.
    result.arguments = (
        sum(len(methods[name].arguments) for name in methods) if len(touched) == len(methods) else None
    )
    result.methods = len(methods)
    result.dropped_methods = catalog.dropped_methods
    return result


def _workers() -> Any:
    """The worker processes' module, imported only when there are several workers (it brings in
    multiprocessing, which a run with one worker does not need)."""
    from . import workers

    return workers


def _after_chunk(progress: Progress | None, name: str, report: ParseReport) -> Callable[[], None] | None:
    if progress is None:
        return None
    return lambda: progress(name, report.bytes_read, None)


def _advance(progress: Progress | None, name: str) -> Callable[[int], None] | None:
    if progress is None:
        return None
    return lambda done: progress(name, done, None)


def _announce(progress: Progress | None, name: str) -> Callable[[int | None], None] | None:
    if progress is None:
        return None
    return lambda size: progress(name, 0, size)


def mine_into(
    sources: Source | Iterable[Source],
    catalog_path: str | os.PathLike | None = None,
    *,
    fresh: bool = False,
    secret_words: Iterable[str] = (),
    progress: Progress | None = None,
    jobs: int = 1,
) -> MineResult:
    """Mine logs into the catalog file (default location unless given) and save it atomically.

    The catalog is locked meanwhile, so two miners never lose each other's counts. ``fresh``
    starts counting afresh, keeping the catalog's settings; ``secret_words`` are added to them.
    A file that is not a catalog is refused (``CatalogError``), never replaced. When no log could
    be read, the catalog file is left as it was (none is made where there was none).
    """
    path = Path(catalog_path) if catalog_path is not None else default_catalog_path()
    with catalog_lock(path):
        catalog = load_catalog(path, missing_ok=True)
        if fresh:
            catalog = Catalog(settings=catalog.settings)
        catalog = apply_settings(catalog, with_secret_words(catalog.settings, secret_words))
        sources = source_list(sources)
        result = mine(sources, catalog, progress=progress, jobs=jobs)
        nothing_read = bool(sources) and len(result.failures) == len(sources) and not result.requests
        if not nothing_read:
            result.catalog_path = save_catalog(catalog, path)
            if catalog.read_version < SCHEMA_VERSION:
                result.upgraded_from = catalog.read_version
    return result
