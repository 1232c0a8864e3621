"""The catalog file: versioned, written atomically, never overwritten when it cannot be read."""

from __future__ import annotations

import json
import os

import pytest

import logminer
from logminer import Catalog, CatalogError, load_catalog, save_catalog
from tests.helpers import FIXTURE


def test_the_document_is_versioned(tmp_path, sample_catalog):
    """One JSON document with its format name and schema version."""
    path = save_catalog(sample_catalog, tmp_path / "c.json")
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["format"] == "logminer-catalog"
    assert document["schema_version"] == 2
    assert load_catalog(path).to_dict() == sample_catalog.to_dict()


def test_a_failed_write_leaves_the_old_catalog(tmp_path, monkeypatch, sample_catalog):
    """If the rename never happens (crash, full disk), the old file is whole and no temp file is left."""
    path = save_catalog(Catalog(), tmp_path / "c.json")
    before = path.read_bytes()

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(CatalogError, match="disk is full"):
        save_catalog(sample_catalog, path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"format": "logminer-catalog", "schema_version": 1, "methods": {', "broken JSON"),
        ('{"hello": 1}', "not a logminer catalog"),
        (
            "[2024-03-11 10:00:00 +0200] webAdmin.INFO REQUEST: /admin/clients/list\nArray\n(\n)\n",
            r"not a logminer catalog \(not JSON; it looks like a runtime log: give it to `logminer mine`\)",
        ),
        ('{"format": "logminer-catalog", "schema_version": 99, "methods": {}}', "newer logminer"),
        ('{"format": "logminer-catalog", "schema_version": 1, "methods": {"a": {}}}', "damaged"),
    ],
)
def test_unreadable_catalogs_are_errors_and_left_alone(tmp_path, content, message):
    """Corrupt, foreign or newer catalogs: a clear error, and mining refuses to overwrite them."""
    path = tmp_path / "c.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(CatalogError, match=message):
        load_catalog(path)
    with pytest.raises(CatalogError):
        logminer.mine_into(FIXTURE, path)
    assert path.read_text(encoding="utf-8") == content


def test_the_default_location_follows_the_environment(tmp_path, monkeypatch):
    """LOGMINER_CATALOG first, then XDG_DATA_HOME."""
    monkeypatch.setenv("LOGMINER_CATALOG", str(tmp_path / "x.json"))
    assert logminer.default_catalog_path() == tmp_path / "x.json"
    monkeypatch.delenv("LOGMINER_CATALOG")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert logminer.default_catalog_path() == tmp_path / "logminer" / "catalog.json"


def test_a_second_miner_fails_clearly_when_told_not_to_wait(tmp_path):
    """The lock: with wait=False a second holder gets a clear error instead of losing counts."""
    path = tmp_path / "c.json"
    with (
        logminer.catalog_lock(path),
        pytest.raises(CatalogError, match="another logminer"),
        logminer.catalog_lock(path, wait=False),
    ):
        pass


def test_temporaries_left_by_a_killed_writer_are_cleaned_up(tmp_path):
    """A writer killed mid-save leaves its temporary file; the next locked run removes it once stale."""
    path = tmp_path / "c.json"
    stale, fresh = tmp_path / ".c.json.abc.tmp", tmp_path / ".c.json.def.tmp"
    stale.write_text("half a catalog")
    fresh.write_text("being written right now")
    old = stale.stat().st_mtime - 3600
    os.utime(stale, (old, old))
    with logminer.catalog_lock(path):
        pass
    assert not stale.exists() and fresh.exists()


def test_methods_counts_arguments_without_reading_them_and_agrees_with_reading_them(tmp_path, sample_catalog):
    """`methods` on a lazily read catalog counts arguments and required ones from the file's data;
    the rows are those of the catalog read whole, and a damaged entry is still an error."""
    path = save_catalog(sample_catalog, tmp_path / "c.json")
    lazy = load_catalog(path, lazy=True)
    assert logminer.list_methods(lazy) == logminer.list_methods(load_catalog(path))
    assert all(method._arguments is None for method in lazy.methods.values())  # none was made
    text = path.read_text(encoding="utf-8").replace('"seen": 16,', '"seen": "lots",', 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match="damaged"):
        logminer.list_methods(load_catalog(path, lazy=True))
