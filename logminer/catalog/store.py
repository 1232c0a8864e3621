"""The catalog file: one JSON document, found in one place, written atomically, locked while mining."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import stat
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

from .._errors import CatalogError, Error, UsageError
from .dates import iso
from .model import (
    FORMAT_NAME,
    SCHEMA_VERSION,
    Catalog,
    Methods,
    Settings,
    apply_settings,
    merge,
    with_secret_words,
)

ENV_CATALOG = "LOGMINER_CATALOG"


def default_catalog_path() -> Path:
    """``$LOGMINER_CATALOG``, else ``$XDG_DATA_HOME/logminer/catalog.json`` (``~/.local/share``)."""
    explicit = os.environ.get(ENV_CATALOG)
    if explicit:
        return Path(explicit).expanduser()
    data_home = os.environ.get("XDG_DATA_HOME") or os.path.join(os.path.expanduser("~"), ".local", "share")
    return Path(data_home) / "logminer" / "catalog.json"


def load_catalog(
    path: str | os.PathLike | None = None, *, missing_ok: bool = False, lazy: bool = False
) -> Catalog:
    """Read a catalog file. A missing file is an error unless ``missing_ok`` (then: empty catalog).

    Everything is checked, and a damaged catalog is a CatalogError. ``lazy`` (for commands that
    only read a method or two) leaves each method's arguments unread until first used; damage in
    them is then a CatalogError at that moment.
    """
    path = Path(path) if path is not None else default_catalog_path()
    try:
        # Opened without waiting (a pipe would hang the read) and checked to be a regular file.
        with open(path, "rb", opener=_nonblocking) as stream:
            if not stat.S_ISREG(os.fstat(stream.fileno()).st_mode):
                raise CatalogError(f"{path}: is not a regular file (a pipe, a device?), not a catalog.")
            raw = stream.read(len(_HEAD))
            if raw == _HEAD:
                # Line by line, so that the file is never held twice (whole, then as lines).
                lines = [raw.rstrip(b"\n"), *(line.removesuffix(b"\n") for line in stream)]
            else:
                raw += stream.read()
    except FileNotFoundError:
        if missing_ok:
            return Catalog()
        raise CatalogError(
            f"{path}: no catalog here yet. Run `logminer mine LOG` first, or point --catalog "
            f"(or {ENV_CATALOG}) at an existing catalog."
        ) from None
    except IsADirectoryError:
        raise CatalogError(f"{path}: is a directory, not a catalog file.") from None
    except OSError as error:
        raise CatalogError(f"{path}: cannot be read ({error.strerror}).") from None
    if raw == _HEAD:
        return _from_lines(lines, path, lazy)
    try:
        data = json.loads(raw)
    except RecursionError:
        raise CatalogError(
            f"{path}: is not a readable catalog (nested too deep); it was left as it is."
        ) from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CatalogError(_not_json(path, raw, getattr(error, "lineno", "?"))) from None
    return _from_document(data, path, lazy)


def _not_json(path: Path, raw: bytes, line: object) -> str:
    """Why ``raw`` is no catalog: a damaged one (it may be started over), or another kind of file
    (which nothing advises to delete)."""
    start = raw[:4096].lstrip()
    if start.startswith(b"{") and FORMAT_NAME.encode() in start:
        return (
            f"{path}: is a damaged catalog (broken JSON at line {line}); it was left as it is. Mine "
            "into a new file with --catalog, or delete it to start over."
        )
    looks = (
        "; it looks like a runtime log: give it to `logminer mine`" if b"REQUEST:" in raw[: 1 << 20] else ""
    )
    return f"{path}: is not a logminer catalog (not JSON{looks}); it was left as it is."


def _nonblocking(path: str, flags: int) -> int:
    return os.open(path, flags | os.O_NONBLOCK)


def _from_document(data: object, path: Path, lazy: bool) -> Catalog:
    if not isinstance(data, dict) or data.get("format") != FORMAT_NAME:
        raise CatalogError(f"{path}: is a JSON file, but not a logminer catalog; it was left as it is.")
    version = data.get("schema_version")
    if not isinstance(version, int) or version > SCHEMA_VERSION:
        raise CatalogError(
            f"{path}: was written by a newer logminer (catalog schema {version}, this one reads up to "
            f"{SCHEMA_VERSION}); upgrade logminer. The file was left as it is."
        )
    try:
        return Catalog.from_dict(data, lazy=lazy)
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CatalogError(f"{path}: catalog content is damaged ({error}); it was left as it is.") from None


# The file as save_catalog writes it: one JSON document, one line per part and one per method, so
# that a diff shows which methods changed, a command that reads one method finds its line, and
# mining writes the methods it did not touch back as they were, without reading them.
_HEAD = b'{"format": "logminer-catalog", "schema_version": 2,\n'
_PARTS = ("settings", "sources", "files", "dropped_methods")
_KEY = json.JSONDecoder()


def _from_lines(lines: list[bytes], path: Path, lazy: bool) -> Catalog:
    """A catalog file in the form save_catalog writes; every part but the methods is checked now,
    each method when it is first used (see ``Methods``). Method lines stay bytes, as read: a command
    that looks at one method of thousands decodes one."""
    data: dict[str, object] = {"format": FORMAT_NAME, "schema_version": SCHEMA_VERSION}
    entries: dict[str, tuple[bytes, int, int]] = {}
    try:
        number = 1
        while not lines[number].startswith(b'"methods": {'):
            key, value = _entry(_text(lines[number], number), number)
            if key not in _PARTS:
                raise ValueError(f"line {number + 1}: unknown part {key!r}")
            data[key] = json.loads(value)
            number += 1
        if lines[number] != b'"methods": {':
            raise ValueError(f"line {number + 1}: methods do not start a line of their own")
        number += 1
        while lines[number] != b"}}":
            line = lines[number]
            text = _text(line, number)
            name, start = _key(text, number)
            start = len(text[:start].encode("utf-8"))  # the name may hold non-ASCII letters
            stop = len(line) - 1 if line.endswith(b",") else len(line)
            if not (line.startswith(b"{", start) and line.endswith(b"}", 0, stop)):
                raise ValueError(f"line {number + 1}: the entry of {name} is cut off")
            entries[name] = (line, start, stop)
            number += 1
        if any(line.strip() for line in lines[number + 1 :]):
            raise ValueError(f"line {number + 2}: text after the end of the catalog")
        catalog = Catalog.from_dict({**data, "methods": {}}, lazy=lazy)
    except IndexError:
        raise CatalogError(f"{path}: catalog is cut off (truncated); it was left as it is.") from None
    except RecursionError:
        raise CatalogError(
            f"{path}: catalog content is damaged (nested too deep); it was left as it is."
        ) from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CatalogError(f"{path}: catalog content is damaged ({error}); it was left as it is.") from None
    catalog.methods = Methods.from_lines(entries, lazy=lazy)
    return catalog


def _text(line: bytes, number: int) -> str:
    try:
        return line.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"line {number + 1} is not UTF-8 (at byte {error.start})") from None


def _key(line: str, number: int) -> tuple[str, int]:
    """``"key": VALUE`` (a comma after it or not) -> (key, where VALUE starts)."""
    key, end = _KEY.raw_decode(line)
    if not isinstance(key, str) or line[end : end + 2] != ": ":
        raise ValueError(f'line {number + 1} is not a "name": value line')
    return key, end + 2


def _entry(line: str, number: int) -> tuple[str, str]:
    """``"key": VALUE`` or ``"key": VALUE,`` -> (key, VALUE's JSON text)."""
    key, start = _key(line, number)
    return key, line[start:-1] if line.endswith(",") else line[start:]


def catalog_lines(catalog: Catalog) -> Iterator[str]:
    """The catalog as its file holds it (see ``_HEAD``), line by line, newlines included: parts and
    methods one a line, methods by name; a method never used since it was read is written as it was
    read (its very line). Made as they are written, so that no more than a line is held at once."""
    dumps = json.dumps
    yield _HEAD.decode()
    parts = {
        "settings": catalog.settings.to_dict(),
        "sources": catalog.sources,
        "files": [record.to_dict() for record in catalog.files],
    }
    if catalog.dropped_methods:
        parts["dropped_methods"] = catalog.dropped_methods
    for key, value in parts.items():
        yield f"{dumps(key)}: {dumps(value, ensure_ascii=False)},\n"
    yield '"methods": {\n'
    methods = catalog.methods
    names = sorted(methods)
    last = len(names) - 1
    for index, name in enumerate(names):
        line = methods.unread(name)
        if line is None:
            line = f"{dumps(name, ensure_ascii=False)}: {dumps(methods[name].to_dict(), ensure_ascii=False)}"
        elif line.endswith(","):
            line = line[:-1]
        yield line + (",\n" if index < last else "\n")
    yield "}}\n"


def save_catalog(catalog: Catalog, path: str | os.PathLike | None = None) -> Path:
    """Write a catalog atomically: to a temporary file beside it, synced, then renamed over it.

    A crash or a full disk leaves the old file whole; the new one appears only complete.
    """
    path = Path(path) if path is not None else default_catalog_path()
    lines = catalog_lines(catalog)
    return write_atomically(path, lines, CatalogError, "the old catalog is unchanged", mode=CATALOG_MODE)


def write_atomically(
    path: str | os.PathLike,
    text: str | Iterable[str],
    error: type[Error] = UsageError,
    unchanged: str = "nothing was changed",
    *,
    mode: int = 0o666,
) -> Path:
    """Write ``text`` (UTF-8) to ``path`` so that readers see the old file or the new one, never half:
    a temporary file beside it, synced, then renamed over it (and the folder synced).

    A new file gets ``mode`` less the user's umask; a file that exists keeps its own. A symbolic
    link is written through (its target is replaced, the link stays), as editors do. A failure
    raises ``error`` with a sentence ending in ``unchanged``; no temporary file is left.
    """
    path = Path(path)
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    if path.exists() and not path.is_file():
        raise error(f"{path}: is not a regular file (a folder, a pipe?); {unchanged}.")
    directory = path.parent
    handle, temporary = None, None
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as stream:
            handle = None
            if isinstance(text, str):
                stream.write(text)
            else:
                stream.writelines(text)
            stream.flush()
            os.fsync(stream.fileno())
        os.chmod(temporary, path.stat().st_mode & 0o7777 if path.exists() else mode & ~_umask())
        os.replace(temporary, path)
        temporary = None
        _sync_directory(directory)
    except OSError as failure:
        reason = "the disk is full" if failure.errno == errno.ENOSPC else failure.strerror
        raise error(f"{path}: could not be written ({reason}); {unchanged}.") from None
    finally:
        if handle is not None:
            os.close(handle)
        if temporary is not None:
            with contextlib.suppress(OSError):
                os.unlink(temporary)
    return path


# A catalog holds customer data (names, e-mail addresses, numbers): only its owner reads it.
CATALOG_MODE = 0o600


def _umask() -> int:
    """The process's umask (read by setting it, and set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _sync_directory(directory: Path) -> None:
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


@contextlib.contextmanager
def catalog_lock(path: str | os.PathLike | None = None, *, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on a catalog (``<catalog>.lock`` beside it) for a read-modify-write.

    A second miner waits for the first (or, with ``wait=False``, fails at once), so no count is lost.
    """
    import fcntl

    path = Path(path) if path is not None else default_catalog_path()
    if path.is_symlink():
        path = Path(os.path.realpath(path))  # the lock is the target's, as the write is
    lock_path = path.with_name(path.name + ".lock")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        raise CatalogError(f"{path.parent}: is not a folder; nothing was changed.") from None
    except OSError as error:
        raise CatalogError(
            f"{path.parent}: cannot be made ({error.strerror}); nothing was changed."
        ) from None
    try:
        # O_NOFOLLOW: a lock path that is a symbolic link is refused, never followed to a file
        # someone else chose.
        handle = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, CATALOG_MODE)
    except OSError as error:
        reason = "it is a symbolic link" if error.errno == errno.ELOOP else error.strerror
        raise CatalogError(f"{lock_path}: cannot lock the catalog ({reason}); nothing was changed.") from None
    with os.fdopen(handle, "r+b") as lock:
        flags = fcntl.LOCK_EX if wait else fcntl.LOCK_EX | fcntl.LOCK_NB
        try:
            fcntl.flock(lock.fileno(), flags)
        except BlockingIOError:
            raise CatalogError(
                f"{path}: another logminer is mining into this catalog; try again when it is done."
            ) from None
        _remove_stale_temporaries(path)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


# A temporary file this old is left from a writer that was killed, not one still writing.
_STALE_SECONDS = 600


def _remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files of ``path`` left by writers that were killed mid-save."""
    now = time.time()
    for leftover in path.parent.glob(f".{path.name}.*.tmp"):
        with contextlib.suppress(OSError):
            if now - leftover.stat().st_mtime > _STALE_SECONDS:
                leftover.unlink()


def change_settings(
    catalog_path: str | os.PathLike | None = None,
    *,
    secret_words: Iterable[str] = (),
    no_secret_words: Iterable[str] = (),
    **limits: int | None,
) -> Settings:
    """Change a catalog file's settings and return them: add ``secret_words``, remove
    ``no_secret_words``, set limits (``max_examples``, ``max_values``, ``max_arguments``,
    ``max_methods``, ``max_exemplars``, ``max_entry_bytes``). What the catalog holds is brought in line
    (see ``apply_settings``); a missing catalog is made, holding only its settings. With nothing to
    change, only reads them (a missing catalog has the default settings, and nothing is made).
    """
    path = Path(catalog_path) if catalog_path is not None else default_catalog_path()
    changes = {name: value for name, value in limits.items() if value is not None}
    unknown = set(changes) - set(Settings.LIMITS)
    if unknown:
        raise UsageError(f"No such setting: {', '.join(sorted(unknown))}.")
    secret_words, no_secret_words = list(secret_words), list(no_secret_words)
    if not (changes or secret_words or no_secret_words):
        return load_catalog(path, missing_ok=True, lazy=True).settings
    with catalog_lock(path):
        catalog = load_catalog(path, missing_ok=True)
        settings = replace(with_secret_words(catalog.settings, secret_words, no_secret_words), **changes)
        updated = apply_settings(catalog, settings)
        if updated is not catalog or not path.exists():
            save_catalog(updated, path)
    return updated.settings


def catalog_status(path: str | os.PathLike | None = None) -> dict[str, Any]:
    """What a catalog file is and holds (what ``logminer status`` prints): its path, size and schema
    version, its methods, arguments and calls, each log file mined with how far it was read (and how
    much of it there is now) and when, the sources, and the settings. A missing catalog says so."""
    path = Path(path) if path is not None else default_catalog_path()
    if not path.exists():
        return {"catalog": str(path), "exists": False, "settings": Settings().to_dict()}
    catalog = load_catalog(path, lazy=True)
    methods = [catalog.methods[name] for name in sorted(catalog.methods)]
    files = []
    for record in catalog.files:
        try:
            now = os.stat(record.path).st_size if record.path else None
        except OSError:
            now = None
        files.append(
            {
                "path": record.path,
                "read_to": record.offset,
                "line": record.line,
                "size_then": record.size,
                "size_now": now,
                "compressed": record.compressed,
                "last_mined": record.last_mined,
            }
        )
    seen = [method.first_seen for method in methods if method.first_seen] + [
        method.last_seen for method in methods if method.last_seen
    ]
    return {
        "catalog": str(path),
        "exists": True,
        "bytes": path.stat().st_size,
        "schema_version": catalog.read_version,
        "methods": len(methods),
        "arguments": sum(len(method.arguments) for method in methods),
        "calls": sum(method.calls for method in methods),
        "first_seen": iso(min(seen)) if seen else None,
        "last_seen": iso(max(seen)) if seen else None,
        "dropped_methods": catalog.dropped_methods,
        "files": files,
        "sources": catalog.sources,
        "settings": catalog.settings.to_dict(),
    }


def merge_into(paths: Iterable[str | os.PathLike], output: str | os.PathLike) -> Catalog:
    """Merge catalog files into ``output`` (which may be one of them) and return the merged catalog.

    ``output``'s lock is held meanwhile, so a ``mine`` into it waits for the merge (and the merge for
    a running ``mine``): no count is lost to an overwrite. The file is replaced in one step.
    """
    with catalog_lock(output):
        merged = merge(*(load_catalog(path) for path in paths))
        save_catalog(merged, output)
    return merged
