"""Mining: read logs into a catalog, store it, and say what changed."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .._errors import SourceError
from ..catalog.model import Catalog, Settings, apply_settings
from ..catalog.store import catalog_lock, default_catalog_path, load_catalog, save_catalog
from ..log.parser import ParseReport, SourceParser, open_reader
from ..log.sources import FileIdentity, LogReader, Source, file_identity, source_name

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
    arguments: int = 0
    catalog_path: Path | None = None

    def summary(self, max_listed: int = 10) -> str:
        """A few lines for a person: what was read, what is new, what was skipped and why."""
        report = self.report
        noise = sum(count for kind, count in report.entries.items() if kind != "REQUEST")
        lines = [
            f"Read {self.requests} requests ({noise} other entries, {_megabytes(report.bytes_read)}).",
            f"Catalog: {self.methods} methods, {self.arguments} arguments; new this run: "
            f"{len(self.new_methods)} methods, {len(self.new_arguments)} arguments.",
        ]
        if self.new_methods:
            lines.append("New methods: " + _listing(self.new_methods, max_listed))
        if self.redacted:
            lines.append("Redacted (presence and type only): " + _listing(self.redacted, max_listed))
        if report.skipped_count:
            lines.append(f"Skipped {report.skipped_count} malformed entries:")
            lines.extend(f"  {count} x {reason}" for reason, count in report.skip_reasons.most_common())
            lines.extend(f"  {entry}" for entry in report.skipped[:max_listed])
            if report.skipped_count > max_listed:
                lines.append(f"  ... and {report.skipped_count - max_listed} more")
        for entry in report.cut_off:
            lines.append(f"Not counted: {entry} (the log may still be being written).")
        if self.catalog_path is not None:
            lines.append(f"Catalog written to {self.catalog_path}")
        elif self.failures:
            lines.append("No catalog written: no log could be read.")
        return "\n".join(lines)


def _megabytes(count: int) -> str:
    return f"{count / 1e6:.1f} MB" if count >= 100_000 else f"{count} bytes"


def _listing(names: Sequence[str], limit: int) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (+{len(names) - limit} more)" if len(names) > limit else "")


def _as_list(sources: Source | Iterable[Source]) -> list[Source]:
    if isinstance(sources, (str, bytes)) or hasattr(sources, "read") or hasattr(sources, "__fspath__"):
        return [sources]  # type: ignore[list-item]
    return list(sources)  # type: ignore[arg-type]


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
        return _mine(_as_list(sources), catalog, progress, jobs)


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


def _mine(sources: list[Source], catalog: Catalog, progress: Progress | None, jobs: int) -> MineResult:
    before = {name: set(method.arguments) for name, method in catalog.methods.items()}
    report = ParseReport()
    result = MineResult(report)
    total_bytes = 0
    for source in sources:
        start_requests = report.requests
        report.bytes_read = 0
        name = source_name(source)
        reader: LogReader | None = None
        record: dict[str, Any] | None = None
        try:
            reader, record = _reader(catalog, source)
            if jobs > 1 and _workers().splittable(reader):
                announce = _announce(progress, name)
                if announce is not None:
                    announce(os.path.getsize(reader.name) - reader.start)
                resume = _workers().mine_parallel(reader, catalog, report, jobs, _advance(progress, name))
            else:
                parser = SourceParser(reader, report, _announce(progress, name))
                parser.count_into(catalog, _after_chunk(progress, name, report))
                resume = parser.resume_offset, parser.resume_line
        except SourceError as error:
            result.failures.append(str(error))
            if record is not None and reader is not None and reader.done_offset > reader.start:
                # What was counted stays counted; the next run goes on from there, not from the start.
                _remember(catalog, record, (reader.done_offset, reader.done_line))
            continue
        finally:
            total_bytes += report.bytes_read
        if record is not None:
            _remember(catalog, record, resume)
        stats = catalog.sources.setdefault(name, {"requests": 0, "bytes": 0})
        stats["requests"] = stats.get("requests", 0) + report.requests - start_requests
        stats["bytes"] = stats.get("bytes", 0) + report.bytes_read
        stats["last_mined"] = _now()
    report.bytes_read = total_bytes
    result.requests = report.requests
    for name, method in sorted(catalog.methods.items()):
        known = before.get(name)
        if known is None:
            result.new_methods.append(name)
            known = set()
        result.new_arguments.extend(f"{name}:{arg}" for arg in sorted(method.arguments) if arg not in known)
        result.redacted.extend(f"{name}:{arg.name}" for arg in method.arguments.values() if arg.secret)
        result.arguments += len(method.arguments)
    result.methods = len(catalog.methods)
    return result


def _workers() -> Any:
    """The worker processes' module, imported only when there are several workers (it brings in
    multiprocessing, which a run with one worker does not need)."""
    from . import workers as _workers

    return _workers


# How many log files a catalog remembers where it stopped reading (the most recently mined).
MAX_REMEMBERED_FILES = 64


def _reader(catalog: Catalog, source: Source) -> tuple[LogReader, dict[str, Any] | None]:
    """A reader for ``source`` that starts where the catalog last stopped reading that file.

    The file is recognised by a fingerprint of its first bytes, so a log renamed by rotation
    (runtime.log -> runtime.log.1 -> runtime.log.2.gz) is still known; a file whose start changed,
    or that is now shorter than where reading stopped (truncated), is read from its start.
    Returns the reader and the record to update after reading (None for stdin and streams).
    """
    if not isinstance(source, (str, os.PathLike)) or os.fspath(source) == "-":
        return open_reader(source), None
    identity = file_identity(source)
    for record in catalog.files:
        if not identity.same_start(source, record["fingerprint"], record["fingerprint_length"]):
            continue
        compressed = record.get("compressed", False) or _is_gzip(source)
        if not compressed and record["offset"] > identity.size:
            break  # truncated: read it all again
        reader = open_reader(source, start=record["offset"], start_line=record["line"])
        return reader, _identity_record(source, identity, record)
    return open_reader(source), _identity_record(source, identity, None)


def _identity_record(source: Source, identity: FileIdentity, known: dict[str, Any] | None) -> dict[str, Any]:
    record = dict(known) if known is not None else {}
    # The fingerprint this file was known by (shorter while the file was under 1 KiB), to replace.
    record["_replaces"] = known["fingerprint"] if known is not None else identity.fingerprint
    record.update(
        path=os.fspath(source),  # type: ignore[arg-type]
        device=identity.device,
        inode=identity.inode,
        size=identity.size,
        fingerprint=identity.fingerprint,
        fingerprint_length=identity.fingerprint_length,
        compressed=_is_gzip(source),
    )
    return record


def _remember(catalog: Catalog, record: dict[str, Any], resume: tuple[int, int]) -> None:
    """Store where reading stopped, in place of the older record of the same file.

    Records of other files stay, even one that was at the same path: after a rotation it is the
    file now called runtime.log.1, which may still be mined.
    """
    replaced = {record.pop("_replaces"), record["fingerprint"]}
    record.update(offset=resume[0], line=resume[1], last_mined=_now())
    kept = [known for known in catalog.files if known["fingerprint"] not in replaced]
    kept.append(record)
    kept.sort(key=lambda known: known.get("last_mined", ""), reverse=True)
    catalog.files[:] = kept[:MAX_REMEMBERED_FILES]


def _is_gzip(source: Source) -> bool:
    with open(os.fspath(source), "rb") as raw:  # type: ignore[arg-type]
        return raw.read(2) == b"\x1f\x8b"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


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
    starts from an empty catalog; ``secret_words`` are added to the catalog's secret words.
    When no log could be read and there was no catalog yet, none is written.
    """
    path = Path(catalog_path) if catalog_path is not None else default_catalog_path()
    with catalog_lock(path):
        catalog = Catalog() if fresh else load_catalog(path, missing_ok=True)
        catalog = _with_more_secret_words(catalog, secret_words)
        sources = _as_list(sources)
        result = mine(sources, catalog, progress=progress, jobs=jobs)
        nothing_read = bool(sources) and len(result.failures) == len(sources) and not result.requests
        if not nothing_read or path.exists():
            result.catalog_path = save_catalog(catalog, path)
    return result


def _with_more_secret_words(catalog: Catalog, secret_words: Iterable[str]) -> Catalog:
    extra = {word.strip().lower() for word in secret_words if word.strip()}
    extra -= set(catalog.settings.secret_words)
    if not extra:
        return catalog
    words = tuple(sorted({*catalog.settings.secret_words, *extra}))
    return apply_settings(catalog, replace(catalog.settings, secret_words=words))


def change_settings(
    catalog_path: str | os.PathLike | None = None,
    *,
    secret_words: Iterable[str] = (),
    **limits: int,
) -> Settings:
    """Change a catalog file's settings and return them: add ``secret_words``; set ``max_examples``,
    ``max_values`` or ``max_arguments``. What the catalog already holds is brought in line
    (see ``apply_settings``). With nothing to change, only reads them.
    """
    path = Path(catalog_path) if catalog_path is not None else default_catalog_path()
    with catalog_lock(path):
        catalog = load_catalog(path)
        updated = _with_more_secret_words(catalog, secret_words)
        changes = {name: value for name, value in limits.items() if value is not None}
        if changes:
            updated = apply_settings(updated, replace(updated.settings, **changes))
        if updated is not catalog:
            save_catalog(updated, path)
    return updated.settings
