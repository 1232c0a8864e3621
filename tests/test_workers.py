"""Mining on several cores gives the same catalog, notes and resume point as one worker."""

from __future__ import annotations

import pytest

import logminer
from logminer.log.reader import header_pattern
from logminer.mining import workers as _workers
from tests.helpers import generate_log as _generator

BROKEN = b"[20-Jan-2012 17:32:02+0200] [webAdmin/#2] REQUEST: /clients/list\ngarbage\n"


@pytest.fixture(scope="module")
def log(tmp_path_factory):
    """A 3 MB dense generated log with two malformed entries and a dump cut off at the end."""
    data = _generator().generate(3 << 20, "dense", 7)
    data = data if isinstance(data, bytes) else data.encode("utf-8")
    middle = data.index(b"\n[", len(data) // 2) + 1
    data = BROKEN + data[:middle] + BROKEN + data[middle:]
    data += b"[20-Jan-2012 17:32:03+0200] [webAdmin/#3] REQUEST: /clients/add\nArray\n(\n    [name] => x\n"
    path = tmp_path_factory.mktemp("workers") / "runtime.log"
    path.write_bytes(data)
    return path


@pytest.fixture
def small_parts(monkeypatch):
    """Let a 3 MB log be split: parts of at least 256 KB."""
    monkeypatch.setattr(_workers, "MIN_PART", 256 << 10)


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_several_workers_give_the_same_catalog_and_notes(log, small_parts, jobs):
    """Catalog, counts, skipped entries (with their lines) and cut-off entries all match one worker."""
    one, many = logminer.Catalog(), logminer.Catalog()
    alone = logminer.mine(log, one)
    shared = logminer.mine(log, many, jobs=jobs)
    assert many.to_dict()["methods"] == one.to_dict()["methods"]
    assert shared.requests == alone.requests > 5000
    assert [(s.line, s.reason, s.bad_line) for s in shared.report.skipped] == [
        (s.line, s.reason, s.bad_line) for s in alone.report.skipped
    ]
    assert len(alone.report.skipped) == 2
    assert [(c.line, c.reason) for c in shared.report.cut_off] == [
        (c.line, c.reason) for c in alone.report.cut_off
    ]
    assert shared.report.entries == alone.report.entries
    assert shared.report.bytes_read == alone.report.bytes_read == log.stat().st_size


def test_workers_resume_where_one_worker_would(log, small_parts, tmp_path):
    """The catalog file remembers the same offset and line either way."""
    one, many = tmp_path / "one.json", tmp_path / "many.json"
    logminer.mine_into([str(log)], one)
    logminer.mine_into([str(log)], many, jobs=3)
    assert logminer.load_catalog(many).files[0].offset == logminer.load_catalog(one).files[0].offset
    assert logminer.load_catalog(many).files[0].line == logminer.load_catalog(one).files[0].line


def test_split_points_are_entry_starts(log):
    """Every part begins at a header line."""
    data = log.read_bytes()
    points = _workers.split_points(str(log), 0, len(data), 4, header_pattern())
    assert len(points) == 4 and points[0] == 0
    for point in points[1:]:
        assert data[point - 1 : point + 1] == b"\n[" and b"] [" in data[point : point + 40]
