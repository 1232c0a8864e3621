"""Mining from cron: only what was appended is read, across appends, rotations and truncations.

Every scenario ends with the same check: the catalog equals the catalog of mining everything once.
"""

from __future__ import annotations

import gzip
import os
import re

import pytest

import logminer
from tests.helpers import FIXTURE

ENTRY_START = re.compile(rb"^\[\d\d-[A-Z][a-z]{2}-\d{4} ", re.MULTILINE)


def entries() -> list[bytes]:
    """The fixture's entries, each from its header to the next."""
    data = FIXTURE.read_bytes()
    starts = [match.start() for match in ENTRY_START.finditer(data)]
    return [data[start:end] for start, end in zip(starts, [*starts[1:], len(data)], strict=True)]


ENTRIES = entries()
WHOLE = b"".join(ENTRIES)


def mine(catalog_path, *logs) -> logminer.MineResult:
    """One cron run."""
    return logminer.mine_into([str(log) for log in logs], catalog_path)


def methods(catalog_path) -> dict:
    """What the catalog knows of methods, for comparing with mining everything once."""
    return logminer.load_catalog(catalog_path).to_dict()["methods"]


@pytest.fixture(scope="module")
def once(tmp_path_factory) -> dict:
    """The catalog of the whole fixture, mined in one go."""
    path = tmp_path_factory.mktemp("once") / "catalog.json"
    mine(path, FIXTURE)
    return methods(path)


def test_mining_the_same_log_again_reads_nothing(tmp_path, once):
    """Nothing new, nothing counted twice."""
    catalog = tmp_path / "catalog.json"
    log = tmp_path / "runtime.log"
    log.write_bytes(WHOLE)
    assert mine(catalog, log).requests == 276
    assert mine(catalog, log).requests == 0
    assert methods(catalog) == once


def test_appended_entries_are_read_and_only_they(tmp_path, once):
    """The log grows between runs; each run reads what was appended."""
    catalog, log = tmp_path / "catalog.json", tmp_path / "runtime.log"
    thirds = [ENTRIES[: len(ENTRIES) // 3], ENTRIES[len(ENTRIES) // 3 : 2 * len(ENTRIES) // 3]]
    thirds.append(ENTRIES[2 * len(ENTRIES) // 3 :])
    log.write_bytes(b"")
    total = 0
    for part in thirds:
        with log.open("ab") as stream:
            stream.write(b"".join(part))
        result = mine(catalog, log)
        assert result.report.bytes_read == len(b"".join(part))  # only what was appended is read
        total += result.requests
    assert total == 276
    assert methods(catalog) == once


@pytest.mark.parametrize("cut", [7, 60, 133, 301, 555])
def test_an_entry_cut_off_mid_write_is_read_whole_next_time(tmp_path, once, cut):
    """A run that finds the last dump half written does not count it; the next reads it whole."""
    catalog, log = tmp_path / "catalog.json", tmp_path / "runtime.log"
    position = len(WHOLE) * cut // 1000
    log.write_bytes(WHOLE[:position])
    first = mine(catalog, log)
    with log.open("ab") as stream:
        stream.write(WHOLE[position:])
    second = mine(catalog, log)
    assert first.requests + second.requests == 276
    assert methods(catalog) == once


def test_rotation_reads_the_rest_of_the_old_file_and_all_of_the_new(tmp_path, once):
    """runtime.log -> runtime.log.1 (with a tail written before rotation), a new runtime.log."""
    catalog, log, rotated = tmp_path / "catalog.json", tmp_path / "runtime.log", tmp_path / "runtime.log.1"
    half = len(ENTRIES) // 2
    log.write_bytes(b"".join(ENTRIES[: half - 10]))
    mine(catalog, log)
    with log.open("ab") as stream:  # written after the run, before rotation
        stream.write(b"".join(ENTRIES[half - 10 : half]))
    os.rename(log, rotated)
    log.write_bytes(b"".join(ENTRIES[half:]))
    mine(catalog, log, rotated)  # the new file first: order must not matter
    assert methods(catalog) == once
    assert mine(catalog, log, rotated).requests == 0


def test_a_gzipped_sibling_is_not_counted_again(tmp_path, once):
    """runtime.log.1 compressed to runtime.log.2.gz is recognised by its content."""
    catalog, rotated = tmp_path / "catalog.json", tmp_path / "runtime.log.1"
    rotated.write_bytes(WHOLE)
    mine(catalog, rotated)
    gz = tmp_path / "runtime.log.2.gz"
    gz.write_bytes(gzip.compress(WHOLE))
    rotated.unlink()
    assert mine(catalog, gz).requests == 0
    assert methods(catalog) == once


def test_a_gzipped_sibling_with_a_tail_gives_only_the_tail(tmp_path, once):
    """A log mined half-way, then rotated and compressed: the compressed file gives the rest."""
    catalog, log = tmp_path / "catalog.json", tmp_path / "runtime.log"
    log.write_bytes(b"".join(ENTRIES[:100]))
    mine(catalog, log)
    gz = tmp_path / "runtime.log.1.gz"
    gz.write_bytes(gzip.compress(WHOLE))
    log.unlink()
    mine(catalog, gz)
    assert methods(catalog) == once


def test_a_truncated_log_is_read_from_its_start(tmp_path):
    """copytruncate: the file shrinks and starts again; its new content is all read."""
    catalog, log = tmp_path / "catalog.json", tmp_path / "runtime.log"
    log.write_bytes(WHOLE)
    mine(catalog, log)
    log.write_bytes(b"".join(ENTRIES[:50]))  # same start, shorter than where reading stopped
    result = mine(catalog, log)
    assert result.requests == sum(1 for entry in ENTRIES[:50] if b"] REQUEST: /" in entry.split(b"\n")[0])


def test_a_replaced_log_is_read_from_its_start(tmp_path, once):
    """Same path, other content (a new file after rotation): read whole."""
    catalog, log = tmp_path / "catalog.json", tmp_path / "runtime.log"
    log.write_bytes(b"".join(ENTRIES[:100]))
    mine(catalog, log)
    log.unlink()
    log.write_bytes(b"".join(ENTRIES[100:]))
    mine(catalog, log)
    assert methods(catalog) == once


def test_line_numbers_continue_after_a_resume(tmp_path):
    """A malformed entry in the appended part is named by its line in the whole file."""
    catalog, log = tmp_path / "catalog.json", tmp_path / "runtime.log"
    log.write_bytes(WHOLE)
    mine(catalog, log)
    lines = WHOLE.count(b"\n")
    with log.open("ab") as stream:
        stream.write(b"[20-Jan-2012 17:32:02+0200] [webAdmin/#2] REQUEST: /clients/list\ngarbage\n")
        stream.write(ENTRIES[1])
    result = mine(catalog, log)
    assert [entry.line for entry in result.report.skipped] == [lines + 1]


def test_fresh_ignores_where_reading_stopped(tmp_path, once):
    """--fresh: a new catalog, every log read from its start."""
    catalog, log = tmp_path / "catalog.json", tmp_path / "runtime.log"
    log.write_bytes(WHOLE)
    mine(catalog, log)
    assert logminer.mine_into([str(log)], catalog, fresh=True).requests == 276
    assert methods(catalog) == once


def test_a_read_error_midway_keeps_what_was_counted_and_does_not_count_it_again(tmp_path, monkeypatch):
    """A log that fails to read part-way: what was read counts once, the next run reads the rest."""
    catalog, log, whole = tmp_path / "catalog.json", tmp_path / "runtime.log", tmp_path / "whole.json"
    log.write_bytes(WHOLE * 40)  # 3.4 MB: several reads of 1 MB
    mine(whole, log)
    from logminer.log import sources as _sources

    real_read, calls = _sources._read_block, {"n": 0}

    def failing_read(stream, size):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(5, "Input/output error")
        return real_read(stream, size)

    monkeypatch.setattr(_sources, "_read_block", failing_read)
    first = logminer.mine_into([str(log)], catalog)
    monkeypatch.setattr(_sources, "_read_block", real_read)
    assert first.failures and "Input/output error" in first.failures[0]
    assert 0 < first.requests < 276 * 40
    second = mine(catalog, log)
    assert first.requests + second.requests == 276 * 40
    assert methods(catalog) == methods(whole)
