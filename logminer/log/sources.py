"""Log sources: plain files, gzip files and standard input, read in chunks of whole entries.

A chunk ends just before a header line, so each chunk is itself a valid runtime log and the grammar
can be run on it alone; memory stays flat however large the log is.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Union

from .._errors import SourceError

DEFAULT_LOG = "/opt/jerasoft/vcs-data/log/runtime.log"
CHUNK_SIZE = 1 << 20
# The largest log entry read (a setting of the catalog, ``max_entry_bytes``): larger ones are skipped.
DEFAULT_MAX_ENTRY = 32 << 20
_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"

Source = Union[str, os.PathLike, BinaryIO]  # noqa: UP007 - a runtime alias, Python 3.10 needs Union


@dataclass(slots=True)
class Chunk:
    """Whole entries of a log: their bytes (not yet decoded: most of a noisy log is only counted)
    after one newline (so that every header, the first too, follows a newline), the line number of
    their first line, whether the chunk is the last one of its source (so that an open dump at its
    end is cut off), and how many lines it holds.

    ``data`` may also be text (a log held in a string). Whoever reads the chunk sets ``data`` to
    None once it holds the bytes itself, so that a huge entry is not held twice.
    """

    data: bytes | str | None
    first_line: int
    last: bool
    lines: int


@dataclass(frozen=True, slots=True)
class FileIdentity:
    """What tells one log file from another across rotations: a fingerprint of its first bytes (of
    its content, for a gzip file); and its size, and whether it is gzip."""

    size: int
    fingerprint: str
    fingerprint_length: int
    compressed: bool

    def same_start(self, path: str | os.PathLike, fingerprint: str, length: int) -> bool:
        """Whether this file begins with the ``length`` bytes whose fingerprint is given."""
        if length == self.fingerprint_length:
            return fingerprint == self.fingerprint
        return length < self.fingerprint_length and fingerprint == _fingerprint(path, length)[0]


FINGERPRINT_LENGTH = 1024


def file_identity(path: str | os.PathLike) -> FileIdentity:
    """The identity of a log file; raises SourceError when it cannot be read."""
    with _open_path(os.fspath(path)) as (raw, stream):
        size = os.fstat(raw.fileno()).st_size
        head = _read_exactly(stream, FINGERPRINT_LENGTH, os.fspath(path))
        compressed = stream is not raw
    return FileIdentity(size, _hash(head), len(head), compressed)


def _fingerprint(path: str | os.PathLike, length: int) -> tuple[str, int]:
    with _open_path(os.fspath(path)) as (_, stream):
        head = _read_exactly(stream, length, os.fspath(path))
    return _hash(head), len(head)


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:32]


def _read_exactly(stream: BinaryIO, count: int, name: str) -> bytes:
    parts, left = [], count
    try:
        while left > 0:
            part = stream.read(left)
            if not part:
                break
            parts.append(part)
            left -= len(part)
    except (OSError, EOFError, zlib.error) as error:
        raise SourceError(f"{name}: cannot be read ({error}); it may be a damaged gzip file.") from None
    return b"".join(parts)


@contextmanager
def _open_path(path: str) -> Iterator[tuple[BinaryIO, BinaryIO]]:
    """Open a log file (raw file, and the stream to read: gunzipped when it is gzip)."""
    if os.path.isdir(path):
        raise SourceError(f"{path}: is a directory, not a log file.")
    try:
        raw = open(path, "rb")  # noqa: SIM115 - closed below, after the gzip reader over it
    except FileNotFoundError:
        raise SourceError(f"{path}: no such file.") from None
    except PermissionError:
        raise SourceError(f"{path}: permission denied (run as a user who may read it).") from None
    except OSError as error:
        raise SourceError(f"{path}: cannot be opened ({error.strerror}).") from None
    with raw:
        yield raw, _maybe_gunzip(raw)


class LogReader:
    """Opens one source and yields it as chunks of whole entries.

    ``header`` is the compiled bytes pattern of a header line, taken from the grammar so that the
    format is defined in one place. ``start`` (a byte offset of the content, at an entry boundary)
    and ``start_line`` resume a file where an earlier run stopped; ``end`` stops at an offset (an
    entry boundary) so that workers can share a file. After reading, ``complete_offset`` is the
    offset after the last complete line and ``last_entry_offset`` where the last entry began; while
    reading, ``done_offset`` is the end of the last chunk handed out.
    """

    def __init__(
        self,
        source: Source,
        header: re.Pattern[bytes],
        chunk_size: int = CHUNK_SIZE,
        *,
        start: int = 0,
        start_line: int = 1,
        end: int | None = None,
        max_entry: int = DEFAULT_MAX_ENTRY,
    ):
        self.source = source
        self.name = source_name(source)
        self._header = header
        self._chunk_size = chunk_size
        self.start, self.start_line, self.end = start, start_line, end
        self.size: int | None = None
        self.bytes_read = 0
        self._base = 0
        self.dropped_tail = b""
        self.complete_offset = start
        self.complete_line = start_line
        self.last_entry_offset = start
        self.last_entry_line = start_line
        self.done_offset, self.done_line = start, start_line
        self.max_entry = max_entry
        # Entries larger than max_entry that were skipped: (line, bytes), taken by ``oversized``.
        self._oversized: list[tuple[int, int]] = []

    def chunks(self, on_open: Callable[[int | None], None] | None = None) -> Iterator[Chunk]:
        """Yield the log as chunks; the incomplete last line of a log being written is held back.

        ``on_open`` learns the source's size (None when unknown) once it is open.
        """
        with self._open() as stream:
            self._skip(stream)
            # Bytes are counted from here: a resumed file (or a worker's part) counts what it reads.
            self._base = _position(stream, 0)
            if on_open is not None:
                on_open(None if self.size is None else max(self.size - self._base, 0))
            yield from self._chunks(stream)

    @contextmanager
    def _open(self) -> Iterator[BinaryIO]:
        source = self.source
        if not isinstance(source, (str, os.PathLike)):
            yield _maybe_gunzip(source)  # the caller's stream: used, never closed
            return
        if os.fspath(source) == "-":
            yield _maybe_gunzip(sys.stdin.buffer)
            return
        with _open_path(os.fspath(source)) as (raw, stream):
            self.size = os.fstat(raw.fileno()).st_size
            yield stream

    def _skip(self, stream: BinaryIO) -> None:
        """Move to ``start``: a seek in a plain file, reading past it in a gzip stream."""
        if not self.start:
            return
        if isinstance(stream, gzip.GzipFile):
            left = self.start
            while left > 0:
                skipped = stream.read(min(left, self._chunk_size))
                if not skipped:
                    break
                left -= len(skipped)
        else:
            stream.seek(self.start)

    def oversized(self) -> list[tuple[int, int]]:
        """The entries skipped for being larger than ``max_entry`` since last asked: (line, bytes)."""
        taken, self._oversized = self._oversized, []
        return taken

    def _chunks(self, stream: BinaryIO) -> Iterator[Chunk]:
        crlf: bool | None = None
        line, offset = self.start_line, self.start
        # Bytes read since the last cut, none of them holding a boundary, and how many.
        pending: list[bytes | bytearray] = []
        held = 0
        previous_ends_line = True
        # A resumed file or a worker's part starts at an entry; a whole log must show a header.
        found = self.start > 0 or self.end is not None
        skipping = False  # within an entry larger than max_entry: up to the next header
        while True:
            size = self._chunk_size
            if self.end is not None:
                size = min(size, self.end - offset - held)
            try:
                block = _read_block(stream, size) if size > 0 else b""
            except (OSError, EOFError, zlib.error) as error:
                raise SourceError(
                    f"{self.name}: cannot be read past byte {offset + held} "
                    f"({error}); it may be a damaged gzip file."
                ) from None
            position = _position(stream, self._base + self.bytes_read + len(block))
            self.bytes_read = position - self._base
            if offset == 0 and not pending:
                if block.startswith(_BOM):
                    block, offset = block[len(_BOM) :], len(_BOM)  # a UTF-8 byte order mark is no text
                elif not found and _utf16(block):
                    raise SourceError(
                        f"{self.name}: is written in UTF-16, not UTF-8 as the runtime log is; convert it "
                        "first (iconv -f UTF-16 -t UTF-8 FILE > FILE.utf8)."
                    )
            if crlf is None and b"\n" in block:
                first = b"".join([*pending, block[: block.index(b"\n") + 1]])
                crlf = first.endswith(b"\r\n")
            if not block:
                no_header = not found and self._last_boundary(b"".join(pending), True) < 0
                if no_header and any(part.strip() for part in pending):
                    raise SourceError(self._not_a_log(offset + held))
                yield self._last_chunk(pending, line, offset, crlf)
                return
            if skipping:
                first_header = self._first_boundary(block, previous_ends_line)
                if first_header < 0:
                    line += block.count(b"\n")
                    offset += len(block)
                    previous_ends_line = block.endswith(b"\n")
                    continue
                line += block.count(b"\n", 0, first_header)
                offset += first_header
                block = block[first_header:]
                skipping, previous_ends_line = False, True
                self.done_offset, self.done_line = offset, line
            cut = self._last_boundary(block, previous_ends_line)
            previous_ends_line = block.endswith(b"\n")
            if cut < 0:
                if held + len(block) > self.max_entry:
                    if not found:
                        raise SourceError(self._not_a_log(offset + held + len(block)))
                    # One entry larger than max_entry: noted and skipped, up to the next header.
                    self._oversized.append((line, held + len(block)))
                    line += sum(part.count(b"\n") for part in pending) + block.count(b"\n")
                    offset += held + len(block)
                    pending, held, skipping = [], 0, True
                    continue
                held += len(block)
                if pending and isinstance(pending[0], bytearray):
                    pending[0] += block
                else:
                    pending.append(block)
                    if len(pending) > 2:
                        # An entry larger than a few blocks grows in one buffer: a list of blocks
                        # freed after the join would stay in the heap, doubling the peak memory.
                        pending = [bytearray().join(pending)]
                continue
            found = True
            # Joined from views: a huge entry is copied once here, not once more for a slice.
            head = b"".join([b"\n", *pending, memoryview(block)[:cut]])
            pending = [block[cut:]] if cut < len(block) else []
            held = len(block) - cut
            if len(head) > 1:
                size = len(head) - 1
                chunk = self._chunk(head, line, crlf, False)
                del head  # the chunk holds the only reference
                line += chunk.lines
                offset += size
                # Its requests are all handed on before the next read: should that read fail,
                # reading can resume here without counting anything twice.
                self.done_offset, self.done_line = offset, line
                yield chunk

    def _last_chunk(self, pending: list[bytes], line: int, offset: int, crlf: bool | None) -> Chunk:
        # The content, after the newline every chunk starts with (positions below count it).
        buffer = b"".join([b"\n", *pending])
        pending.clear()
        end = buffer.rfind(b"\n") + 1
        self.dropped_tail = buffer[end:]
        last_entry = max(self._last_boundary(buffer, False, end), 1)
        self.complete_offset, self.complete_line = offset + end - 1, line + buffer.count(b"\n", 1, end)
        self.last_entry_offset = offset + last_entry - 1
        self.last_entry_line = line + buffer.count(b"\n", 1, last_entry)
        # A part that stops at an entry boundary (``end``) has nothing cut off at its end.
        data = buffer if end == len(buffer) else buffer[:end]
        del buffer
        return self._chunk(data, line, crlf, self.end is None)

    def _chunk(self, data: bytes, line: int, crlf: bool | None, last: bool) -> Chunk:
        lines = data.count(b"\n") - 1
        if crlf:
            data = data.replace(b"\r\n", b"\n")
        return Chunk(data, line, last, lines)

    def _not_a_log(self, searched: int) -> str:
        return (
            f"{self.name}: is not a runtime log: no entry header in its first {_size(searched)} (an "
            "entry starts with a line like `[20-Jan-2012 17:32:06+0200] [webAdmin/#260808] REQUEST: "
            "/companies/add`)."
        )

    def _first_boundary(self, block: bytes, previous_ends_line: bool) -> int:
        """Offset in ``block`` of the first header line that starts a line, or -1."""
        if previous_ends_line and block[:1] == b"[" and self._header.match(block, 0):
            return 0
        newline = block.find(b"\n[")
        while newline >= 0:
            if self._header.match(block, newline + 1):
                return newline + 1
            newline = block.find(b"\n[", newline + 1)
        return -1

    def _last_boundary(self, block: bytes, previous_ends_line: bool, end: int | None = None) -> int:
        """Offset in ``block[:end]`` of the last header line that starts a line, or -1.

        A header at the very start of the block counts when the bytes before it ended a line.
        """
        end = len(block) if end is None else end
        while True:
            newline = block.rfind(b"\n[", 0, end)
            if newline < 0:
                if previous_ends_line and block[:1] == b"[" and self._header.match(block, 0):
                    return 0
                return -1
            if self._header.match(block, newline + 1):
                return newline + 1
            end = newline


def _utf16(block: bytes) -> bool:
    """Whether a log's first bytes look like UTF-16: its byte order mark, or ASCII text with a NUL
    after (or before) every character."""
    if block.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True
    head = block[:64]
    if len(head) < 8:
        return False
    even, odd = head[0::2], head[1::2]
    return (odd.count(0) == len(odd) and even.count(0) == 0) or (
        even.count(0) == len(even) and odd.count(0) == 0
    )


def _size(count: int) -> str:
    return f"{count / (1 << 20):.0f} MB" if count >= 1 << 20 else f"{count} bytes"


def _read_block(stream: BinaryIO, size: int) -> bytes:
    """One read of a log (a seam where tests make reads fail)."""
    return stream.read(size)


def is_gzip_file(path: str | os.PathLike) -> bool:
    """Whether a file starts with gzip's magic bytes."""
    with open(os.fspath(path), "rb") as raw:
        return raw.read(len(_GZIP_MAGIC)) == _GZIP_MAGIC


def _maybe_gunzip(stream: BinaryIO) -> BinaryIO:
    """Wrap ``stream`` in a gzip reader when it starts with gzip's magic bytes."""
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[arg-type]
    if stream.peek(2)[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    return stream


def _position(stream: BinaryIO, fallback: int) -> int:
    """Where the underlying file is read to (in compressed bytes for gzip); ``fallback`` when the
    stream cannot tell (standard input)."""
    raw = getattr(stream, "fileobj", None) or stream
    try:
        return raw.tell()
    except (OSError, AttributeError, ValueError):
        return fallback


def source_name(source: Source) -> str:
    """How a source is named in messages and in the catalog: its path, <stdin> or the stream's name."""
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        return "<stdin>" if name == "-" else str(name)
    return str(getattr(source, "name", "<stream>"))


def source_list(sources: Source | Iterable[Source]) -> list[Source]:
    """One source (a path, ``-``, a binary stream) or several, as a list."""
    if isinstance(sources, (str, bytes)) or hasattr(sources, "read") or hasattr(sources, "__fspath__"):
        return [sources]  # type: ignore[list-item]
    return list(sources)  # type: ignore[arg-type]
