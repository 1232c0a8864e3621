"""Log sources: plain files, gzip files and standard input, read in chunks of whole entries.

A chunk ends just before a header line, so each chunk is itself a valid runtime log and the grammar
can be run on it alone; memory stays flat however large the log is.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import sys
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import BinaryIO, Union

from ._errors import SourceError

DEFAULT_LOG = "/opt/jerasoft/vcs-data/log/runtime.log"
CHUNK_SIZE = 1 << 20
_GZIP_MAGIC = b"\x1f\x8b"

Source = Union[str, os.PathLike, BinaryIO]  # noqa: UP007 - a runtime alias, Python 3.10 needs Union


@dataclass(frozen=True, slots=True)
class Chunk:
    """Whole entries of a log: their text, the line number of their first line, and whether
    the chunk is the last one of its source (so that an open dump at its end is cut off)."""

    text: str
    first_line: int
    last: bool
    end_offset: int


class LogReader:
    """Opens one source and yields it as chunks of whole entries.

    ``header`` is the compiled bytes pattern of a header line, taken from the grammar so that the
    format is defined in one place.
    """

    def __init__(self, source: Source, header: re.Pattern[bytes], chunk_size: int = CHUNK_SIZE):
        self.source = source
        self.name = source_name(source)
        self._header = header
        self._chunk_size = chunk_size
        self.size: int | None = None
        self.bytes_read = 0
        self.dropped_tail = b""

    def chunks(self, on_open: Callable[[int | None], None] | None = None) -> Iterator[Chunk]:
        """Yield the log as chunks; the incomplete last line of a log being written is held back.

        ``on_open`` learns the source's size (None when unknown) once it is open.
        """
        with self._open() as stream:
            if on_open is not None:
                on_open(self.size)
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
        path = os.fspath(source)
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
            self.size = os.fstat(raw.fileno()).st_size
            yield _maybe_gunzip(raw)

    def _chunks(self, stream: BinaryIO) -> Iterator[Chunk]:
        crlf: bool | None = None
        line = 1
        offset = 0
        pending = b""
        while True:
            try:
                block = stream.read(self._chunk_size)
            except (OSError, EOFError, zlib.error) as error:
                raise SourceError(
                    f"{self.name}: cannot be read past byte {offset + len(pending)} "
                    f"({error}); it may be a damaged gzip file."
                ) from None
            self.bytes_read = _position(stream, self.bytes_read + len(block))
            buffer = pending + block if pending else block
            if crlf is None and b"\n" in buffer:
                crlf = buffer[: buffer.index(b"\n") + 1].endswith(b"\r\n")
            if not block:
                end = buffer.rfind(b"\n") + 1
                self.dropped_tail = buffer[end:]
                if end:
                    yield self._chunk(buffer[:end], line, crlf, True, offset + end)
                else:
                    yield Chunk("", line, True, offset)
                return
            cut = self._last_boundary(buffer)
            if cut <= 0:
                pending = buffer
                continue
            head, pending = buffer[:cut], buffer[cut:]
            yield self._chunk(head, line, crlf, False, offset + cut)
            line += head.count(b"\n")
            offset += cut

    def _chunk(self, data: bytes, line: int, crlf: bool | None, last: bool, end: int) -> Chunk:
        if crlf:
            data = data.replace(b"\r\n", b"\n")
        return Chunk(data.decode("utf-8", "replace"), line, last, end)

    def _last_boundary(self, buffer: bytes) -> int:
        """Offset of the last header line that starts after a newline in ``buffer``, or 0."""
        end = len(buffer)
        while True:
            newline = buffer.rfind(b"\n[", 0, end)
            if newline < 0:
                return 0
            if self._header.match(buffer, newline + 1):
                return newline + 1
            end = newline


def _maybe_gunzip(stream: BinaryIO) -> BinaryIO:
    """Wrap ``stream`` in a gzip reader when it starts with gzip's magic bytes."""
    if not hasattr(stream, "peek"):
        stream = io.BufferedReader(stream)  # type: ignore[arg-type]
    if stream.peek(2)[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    return stream


def _position(stream: BinaryIO, fallback: int) -> int:
    """Bytes consumed from the underlying file (compressed bytes for gzip), for progress bars."""
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
