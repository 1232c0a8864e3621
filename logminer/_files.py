"""Writing an output file whole or not at all: a temporary file beside it, synced, renamed over it."""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

from ._errors import UsageError


def write_text_atomically(path: str | os.PathLike, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` so that readers see the old file or the new one, never half.

    Raises ``UsageError`` with a sentence when the file cannot be written; no temporary file is left.
    """
    path = Path(path)
    directory = path.parent
    temporary = None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())
        mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
        os.chmod(temporary, mode)
        os.replace(temporary, path)
        temporary = None
    except OSError as error:
        reason = "the disk is full" if error.errno == errno.ENOSPC else error.strerror
        raise UsageError(f"{path}: could not be written ({reason}); nothing was changed.") from None
    finally:
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return path
