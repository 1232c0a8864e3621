"""The catalog file: one JSON document, found in one place, written atomically, locked while mining."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import replace
from pathlib import Path

from .._errors import CatalogError, Error, UsageError
from .model import FORMAT_NAME, SCHEMA_VERSION, Catalog, Methods, Settings, apply_settings, with_secret_words

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
        raw = path.read_bytes()
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
    if raw.startswith(_HEAD):
        return _from_lines(raw, path, lazy)
    try:
        data = json.loads(raw)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CatalogError(
            f"{path}: is not a readable catalog (broken JSON at line {getattr(error, 'lineno', '?')}); "
            "it was left as it is. Mine into a new file with --catalog, or delete it to start over."
        ) from None
    return _from_document(data, path, lazy)


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


def _from_lines(raw: bytes, path: Path, lazy: bool) -> Catalog:
    """A catalog file in the form save_catalog writes; every part but the methods is checked now,
    each method when it is first used (see ``Methods``)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise CatalogError(
            f"{path}: is not a readable catalog (not UTF-8 at byte {error.start}); it was left as it is."
        ) from None
    lines = text.split("\n")
    data: dict[str, object] = {"format": FORMAT_NAME, "schema_version": SCHEMA_VERSION}
    entries: dict[str, tuple[str, int, int]] = {}
    try:
        number = 1
        while not lines[number].startswith('"methods": {'):
            key, value = _entry(lines[number], number)
            if key not in _PARTS:
                raise ValueError(f"line {number + 1}: unknown part {key!r}")
            data[key] = json.loads(value)
            number += 1
        if lines[number] != '"methods": {':
            raise ValueError(f"line {number + 1}: methods do not start a line of their own")
        number += 1
        while lines[number] != "}}":
            line = lines[number]
            name, start = _key(line, number)
            stop = len(line) - 1 if line.endswith(",") else len(line)
            if not (line.startswith("{", start) and line.endswith("}", 0, stop)):
                raise ValueError(f"line {number + 1}: the entry of {name} is cut off")
            entries[name] = (line, start, stop)
            number += 1
        if any(line.strip() for line in lines[number + 1 :]):
            raise ValueError(f"line {number + 2}: text after the end of the catalog")
        catalog = Catalog.from_dict({**data, "methods": {}}, lazy=lazy)
    except IndexError:
        raise CatalogError(f"{path}: catalog is cut off (truncated); it was left as it is.") from None
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise CatalogError(f"{path}: catalog content is damaged ({error}); it was left as it is.") from None
    catalog.methods = Methods.from_lines(entries, lazy=lazy)
    return catalog


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


def catalog_lines(catalog: Catalog) -> list[str]:
    """The catalog as its file holds it (see ``_HEAD``), line by line, newlines included: parts and
    methods one a line, methods by name; a method never used since it was read is written as it was
    read (its very line)."""
    dumps = json.dumps
    lines = [_HEAD.decode()]
    parts = {
        "settings": catalog.settings.to_dict(),
        "sources": catalog.sources,
        "files": [record.to_dict() for record in catalog.files],
    }
    if catalog.dropped_methods:
        parts["dropped_methods"] = catalog.dropped_methods
    lines += [f"{dumps(key)}: {dumps(value, ensure_ascii=False)},\n" for key, value in parts.items()]
    lines.append('"methods": {\n')
    methods = catalog.methods
    names = sorted(methods)
    last = len(names) - 1
    for index, name in enumerate(names):
        line = methods.unread(name)
        if line is None:
            line = f"{dumps(name, ensure_ascii=False)}: {dumps(methods[name].to_dict(), ensure_ascii=False)}"
        elif line.endswith(","):
            line = line[:-1]
        lines += [line, ",\n" if index < last else "\n"]
    lines.append("}}\n")
    return lines


def save_catalog(catalog: Catalog, path: str | os.PathLike | None = None) -> Path:
    """Write a catalog atomically: to a temporary file beside it, synced, then renamed over it.

    A crash or a full disk leaves the old file whole; the new one appears only complete.
    """
    path = Path(path) if path is not None else default_catalog_path()
    return write_atomically(path, catalog_lines(catalog), CatalogError, "the old catalog is unchanged")


def write_atomically(
    path: str | os.PathLike,
    text: str | Iterable[str],
    error: type[Error] = UsageError,
    unchanged: str = "nothing was changed",
) -> Path:
    """Write ``text`` (UTF-8) to ``path`` so that readers see the old file or the new one, never half:
    a temporary file beside it, synced, then renamed over it (and the folder synced).

    A failure raises ``error`` with a sentence ending in ``unchanged``; no temporary file is left.
    """
    path = Path(path)
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
        os.chmod(temporary, path.stat().st_mode & 0o777 if path.exists() else 0o644)
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
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_path = path.with_name(path.name + ".lock")
    with open(lock_path, "a+b") as lock:
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
