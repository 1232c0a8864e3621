"""Where mining goes on in each log file, so that every request counts once and cron can mine as often
as it likes.

A log file is known by a fingerprint of its first bytes (of its content, for a gzip file), so a log
renamed by rotation (runtime.log -> runtime.log.1 -> runtime.log.2.gz) is still known; a file whose
start changed, or that is now shorter than where reading stopped (truncated), is read from its start.
What is not a regular file (standard input, a pipe, ``/dev/stdin``, ``<(cat log)``) is read once, as
it comes, and leaves no record.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, replace
from datetime import datetime, timezone

from ..catalog.model import Catalog, FileRecord
from ..log.reader import open_reader
from ..log.sources import FileIdentity, LogReader, Source, file_identity

# How many log files a catalog remembers where it stopped reading (the most recently mined).
MAX_REMEMBERED_FILES = 64


@dataclass
class Resume:
    """A reader of one source, placed where the catalog last stopped reading it; ``record`` is what
    to remember once read (None for a source read as a stream), ``replaces`` the fingerprint the file
    was known by (shorter while the file was under 1 KiB)."""

    reader: LogReader
    record: FileRecord | None = None
    replaces: str | None = None


def regular_file(source: Source) -> bool:
    """Whether a source is a path to a regular file (which can be fingerprinted, resumed, split)."""
    if not isinstance(source, (str, os.PathLike)) or os.fspath(source) == "-":
        return False
    try:
        return stat.S_ISREG(os.stat(os.fspath(source)).st_mode)
    except OSError:
        return True  # missing or unreadable: opening it says why


def resume(catalog: Catalog, source: Source, **options: int) -> Resume:
    """A reader for ``source`` that starts where the catalog last stopped reading that file."""
    if not regular_file(source):
        return Resume(open_reader(source, **options))
    identity = file_identity(source)
    path = os.fspath(source)  # type: ignore[arg-type]
    for known in catalog.files:
        if not identity.same_start(path, known.fingerprint, known.fingerprint_length):
            continue
        if not identity.compressed and known.offset > identity.size:
            break  # truncated: read it all again
        reader = open_reader(source, start=known.offset, start_line=known.line, **options)
        return Resume(reader, _record(path, identity, known), known.fingerprint)
    return Resume(open_reader(source, **options), _record(path, identity, None), identity.fingerprint)


def _record(path: str, identity: FileIdentity, known: FileRecord | None) -> FileRecord:
    base = (
        known
        if known is not None
        else FileRecord(path, identity.fingerprint, identity.fingerprint_length, 0, 1)
    )
    return replace(
        base,
        path=path,
        fingerprint=identity.fingerprint,
        fingerprint_length=identity.fingerprint_length,
        size=identity.size,
        compressed=identity.compressed,
    )


def remember(catalog: Catalog, resumed: Resume, offset: int, line: int) -> None:
    """Store where reading stopped, in place of the older record of the same file.

    Records of other files stay, even one that was at the same path: after a rotation it is the file
    now called runtime.log.1, which may still be mined.
    """
    record = resumed.record
    if record is None:
        return
    replaced = {resumed.replaces, record.fingerprint}
    updated = replace(record, offset=offset, line=line, last_mined=now())
    kept = [known for known in catalog.files if known.fingerprint not in replaced]
    kept.append(updated)
    kept.sort(key=lambda known: known.last_mined or "", reverse=True)
    catalog.files[:] = kept[:MAX_REMEMBERED_FILES]


def now() -> str:
    """This moment in UTC, as the catalog writes it."""
    return datetime.now(timezone.utc).isoformat(timespec="seconds")
