"""The catalog file under stress: two miners at once, a writer killed mid-write, damaged files, a full
disk. The file is always the old catalog or the new one, and a file that cannot be read is never
overwritten. (tests/test_store.py has the basic cases; these extend them.)
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import logminer
from logminer import CatalogError
from logminer.cli import main
from tests.helpers import FIXTURE

FIXTURE_REQUESTS = 276


def total_calls(path: Path) -> int:
    return sum(method.calls for method in logminer.load_catalog(path).methods.values())


# -- two miners at once -------------------------------------------------------------------------


def test_two_miners_at_once_lose_no_count(tmp_path):
    """Two `logminer mine -` at once on one catalog: the lock serialises them; both runs count.

    Standard input, because a file is read only once (mining is incremental).
    """
    log = tmp_path / "runtime.log"
    log.write_bytes(FIXTURE.read_bytes() * 25)  # 2 MB, so that the two runs overlap
    catalog = tmp_path / "c.json"
    command = [sys.executable, "-m", "logminer", "mine", "-q", "--catalog", str(catalog), "-"]
    with open(log, "rb") as first_input, open(log, "rb") as second_input:
        first = subprocess.Popen(command, stdin=first_input, stderr=subprocess.PIPE)
        second = subprocess.Popen(command, stdin=second_input, stderr=subprocess.PIPE)
        assert first.wait(60) == 0, first.stderr.read()
        assert second.wait(60) == 0, second.stderr.read()
    first.stderr.close()
    second.stderr.close()
    assert total_calls(catalog) == 2 * 25 * FIXTURE_REQUESTS
    assert logminer.load_catalog(catalog).sources["<stdin>"]["requests"] == 2 * 25 * FIXTURE_REQUESTS


# -- a writer killed at any moment ----------------------------------------------------------------

WRITER = textwrap.dedent(
    """
    import sys, logminer
    path, size = sys.argv[1], int(sys.argv[2])

    def catalog(tag):
        argument = {"seen": 3, "types": {"int": 3}, "examples": ["23", "100"], "values": {"23": 2, "100": 1}}
        methods = {
            f"module{number}.{tag}": {
                "calls": 3, "first_seen": "2024-03-11T08:21:33+02:00", "last_seen": "2024-03-14T09:40:46",
                "components": {"webAdmin": 3}, "arguments": {f"arg_{a}": argument for a in range(10)},
            }
            for number in range(size)
        }
        document = {"format": "logminer-catalog", "schema_version": 1, "methods": methods}
        return logminer.Catalog.from_dict(document)

    versions = [catalog("a"), catalog("b")]
    print("ready", flush=True)
    while True:
        for version in versions:
            logminer.save_catalog(version, path)
            print("saved", flush=True)
    """
)
METHODS = 2000  # a 4 MB catalog: each save takes a few tenths of a second


def test_a_writer_killed_at_random_moments_leaves_a_whole_catalog(tmp_path):
    """SIGKILL a process that saves big catalogs over and over: the file is always one whole version."""
    path = tmp_path / "c.json"
    logminer.save_catalog(logminer.Catalog(), path)  # the "old" catalog: no methods
    rng = random.Random(6)
    seen = set()
    for kill in range(6):
        writer = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(path), str(METHODS)], stdout=subprocess.PIPE, text=True
        )
        try:
            assert writer.stdout.readline() == "ready\n"
            if kill % 2:  # every other kill falls after a whole save, however slow the machine
                assert writer.stdout.readline() == "saved\n"
            time.sleep(rng.uniform(0.0, 0.8))
        finally:
            writer.send_signal(signal.SIGKILL)
            writer.wait()
            writer.stdout.close()
        methods = logminer.load_catalog(path).methods
        tags = frozenset(name.rsplit(".", 1)[1] for name in methods)
        assert (len(methods), tags) in {
            (0, frozenset()),
            (METHODS, frozenset({"a"})),
            (METHODS, frozenset({"b"})),
        }
        seen.add(tags)
    # A killed writer leaves its temporary file behind (nothing can remove it), but never in place of the
    # catalog; the next save goes to a new temporary name.
    leftovers = [p.name for p in tmp_path.iterdir() if p.name != "c.json"]
    assert all(name.startswith(".c.json.") and name.endswith(".tmp") for name in leftovers)
    assert seen - {frozenset()}, "no kill fell after a save finished: the test proved little"


def test_a_miner_killed_at_random_moments_leaves_a_whole_catalog(tmp_path):
    """SIGKILL `logminer mine -` itself: the catalog then holds the counts of 0 or 1 more whole runs."""
    log = tmp_path / "runtime.log"
    log.write_bytes(FIXTURE.read_bytes() * 20)
    catalog = tmp_path / "c.json"
    command = [sys.executable, "-m", "logminer", "mine", "-q", "--catalog", str(catalog), "-"]
    with open(log, "rb") as stdin:
        subprocess.run(command, stdin=stdin, check=True)
    runs = 1
    rng = random.Random(7)
    for _ in range(4):
        with open(log, "rb") as stdin:
            miner = subprocess.Popen(command, stdin=stdin)
            time.sleep(rng.uniform(0.2, 0.9))
            miner.send_signal(signal.SIGKILL)
            finished = miner.wait() == 0
        calls = total_calls(catalog)
        assert calls in (runs * 20 * FIXTURE_REQUESTS, (runs + 1) * 20 * FIXTURE_REQUESTS)
        runs = calls // (20 * FIXTURE_REQUESTS)
        assert not finished or calls == runs * 20 * FIXTURE_REQUESTS


# -- damaged catalogs -----------------------------------------------------------------------------


def real_catalog_text(tmp_path) -> str:
    catalog = logminer.Catalog()
    logminer.mine(FIXTURE, catalog)
    return logminer.save_catalog(catalog, tmp_path / "real.json").read_text(encoding="utf-8")


DAMAGED = {
    "empty file": "",
    "only whitespace": "\n\n",
    "binary noise": "\x00\x01\x02\udcff",
    "a JSON list": "[1, 2, 3]",
    "a JSON string": '"logminer-catalog"',
    "schema version as text": '{"format": "logminer-catalog", "schema_version": "1", "methods": {}}',
    "schema version 3": '{"format": "logminer-catalog", "schema_version": 3, "methods": {}}',
    "methods as a list": '{"format": "logminer-catalog", "schema_version": 1, "methods": []}',
    "settings as a list": (
        '{"format": "logminer-catalog", "schema_version": 1, "settings": [], "methods": {}}'
    ),
    "a cap that is no number": (
        '{"format": "logminer-catalog", "schema_version": 1, "settings": {"max_arguments": "lots"}, '
        '"methods": {}}'
    ),
}


def write_damaged(path: Path, text: str) -> bytes:
    data = text.encode("utf-8", "surrogateescape")
    path.write_bytes(data)
    return data


@pytest.mark.parametrize("case", list(DAMAGED))
def test_damaged_catalogs_are_one_line_errors_and_never_overwritten(tmp_path, case):
    """Every command that reads the catalog says what is wrong in one line and leaves the file alone."""
    path = tmp_path / "c.json"
    data = write_damaged(path, DAMAGED[case])
    runner = CliRunner()
    for command in (["mine", str(FIXTURE)], ["mine", "--secret", "iban", str(FIXTURE)], ["methods"]):
        result = runner.invoke(main, [*command, "--catalog", str(path)])
        assert result.exit_code == 2, (command, result.output)
        assert result.stderr.startswith(f"logminer: {path}: ")
        assert result.stderr.count("\n") == 1 and "Traceback" not in result.output
        assert path.read_bytes() == data
    assert sorted(p.name for p in tmp_path.iterdir()) == ["c.json", "c.json.lock"]


def test_a_catalog_truncated_anywhere_is_an_error_and_never_overwritten(tmp_path):
    """A real catalog cut at 40 random places: each a clear error; mining refuses to replace it."""
    text = real_catalog_text(tmp_path)
    path = tmp_path / "c.json"
    rng = random.Random(3)
    for cut in sorted(rng.sample(range(len(text) - 2), 40)):
        data = write_damaged(path, text[:cut])
        with pytest.raises(
            CatalogError, match=r"is not a readable catalog|not a logminer catalog|cut off|damaged"
        ) as caught:
            logminer.load_catalog(path)
        assert "\n" not in str(caught.value)
        with pytest.raises(CatalogError):
            logminer.mine_into(FIXTURE, path)
        assert path.read_bytes() == data


def method_of(document: dict) -> dict:
    return document["methods"]["clients.editForm"]


def argument_of(document: dict) -> dict:
    return method_of(document)["arguments"]["id_clients"]


# Hand-edited or damaged catalogs whose JSON is fine but whose content is not.
BAD_CONTENT = {
    "a count that is text": lambda d: method_of(d).update(calls="many"),
    "seen that is text": lambda d: argument_of(d).update(seen="x"),
    "types as a list": lambda d: argument_of(d).update(types=["int"]),
    "examples as a number": lambda d: argument_of(d).update(examples=5),
    "components as a list": lambda d: method_of(d).update(components=["x"]),
    "a date that is no date": lambda d: method_of(d).update(first_seen="yesterday"),
    "arguments as a list": lambda d: method_of(d).update(arguments=[]),
    "a method that is null": lambda d: d["methods"].update({"clients.editForm": None}),
}
# These once loaded without error and then crashed mining with TypeError, AttributeError or KeyError.
BAD_CONTENT.update(
    {
        "a type count that is text": lambda d: argument_of(d).update(types={"int": "x"}),
        "a value count that is text": lambda d: argument_of(d).update(values={"188": "x"}),
        "values as a list": lambda d: argument_of(d).update(values=[1]),
        "examples that are numbers": lambda d: argument_of(d).update(examples=[5, 6]),
        "a component count that is text": lambda d: method_of(d).update(components={"webAdmin": "x"}),
        "a file record without fingerprint": lambda d: d.update(files=[{"x": 1}]),
        "a file offset that is text": lambda d: [f.update(offset="x") for f in d["files"]],
    }
)


@pytest.mark.parametrize("damage", list(BAD_CONTENT.values()), ids=list(BAD_CONTENT))
def test_a_catalog_with_damaged_content_is_an_error_and_never_overwritten(tmp_path, damage):
    """Valid JSON, wrong content: mining a new log into it is a CatalogError; the file stays as it was."""
    document = json.loads(real_catalog_text(tmp_path))
    damage(document)
    path = tmp_path / "c.json"
    data = write_damaged(path, json.dumps(document))
    log = tmp_path / "new.log"
    log.write_text(
        "[11-Mar-2024 08:21:33+0200] [webAdmin/#2] REQUEST: /clients/editForm\nArray\n(\n"
        "    [id_clients] => 188\n)\n\n"
    )
    with pytest.raises(CatalogError, match=r"damaged|not a logminer catalog"):
        logminer.mine_into([log, FIXTURE], path)
    assert path.read_bytes() == data


def test_a_directory_where_the_catalog_should_be(tmp_path):
    (tmp_path / "c.json").mkdir()
    result = CliRunner().invoke(main, ["mine", "--catalog", str(tmp_path / "c.json"), str(FIXTURE)])
    assert result.exit_code == 2  # click's own check of --catalog
    assert "is a directory" in result.stderr and "Traceback" not in result.output
    with pytest.raises(CatalogError, match="is a directory, not a catalog file"):
        logminer.mine_into(FIXTURE, tmp_path / "c.json")


# -- a full disk ----------------------------------------------------------------------------------


@pytest.fixture
def tiny_disk(tmp_path):
    """A 256 KB tmpfs (as root where mount works), removed afterwards."""
    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tiny tmpfs needs root; the simulated full disk below covers this")
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mountpoint)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({mounted.stderr.decode().strip()}); the simulated case runs")
    try:
        yield mountpoint
    finally:
        subprocess.run(["umount", str(mountpoint)], check=True)


def test_a_full_disk_leaves_the_old_catalog(tiny_disk):
    """A catalog that fits, then one that does not: the save fails clearly, the old file is whole."""
    path = tiny_disk / "c.json"
    small = logminer.Catalog()
    logminer.mine(FIXTURE, small)
    logminer.save_catalog(small, path)
    before = path.read_bytes()
    big = logminer.Catalog()
    body = "".join(f"    [argument_number_{number}] => value {number}\n" for number in range(1999))
    for module in range(8):
        text = f"[11-Mar-2024 08:11:56+0200] [jsonrpc/#1] REQUEST: /m{module}/add\nArray\n(\n{body})\n\n"
        big.add_all(logminer.parse_text(text))
    with pytest.raises(CatalogError, match="could not be written \\(the disk is full\\); the old catalog"):
        logminer.save_catalog(big, path)
    assert path.read_bytes() == before
    assert [p.name for p in tiny_disk.iterdir()] == ["c.json"]
    result = CliRunner().invoke(main, ["mine", "--catalog", str(path), str(FIXTURE)])
    assert result.exit_code == 0  # the small catalog still fits twice over
    log = tiny_disk.parent / "big.log"
    log.write_text(
        "".join(
            f"[11-Mar-2024 08:11:56+0200] [jsonrpc/#1] REQUEST: /m{module}/add\nArray\n(\n{body})\n\n"
            for module in range(8)
        )
    )
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["mine", "--catalog", str(path), str(log)])
    assert result.exit_code == 2
    assert (
        result.stderr
        == f"logminer: {path}: could not be written (the disk is full); the old catalog is unchanged.\n"
    )
    assert path.read_bytes() == before


def test_a_full_disk_while_writing_leaves_the_old_catalog_simulated(tmp_path, monkeypatch):
    """Without root: the write itself (not the rename, see test_store) fails with ENOSPC."""
    import errno

    path = tmp_path / "c.json"
    catalog = logminer.Catalog()
    logminer.mine(FIXTURE, catalog)
    logminer.save_catalog(catalog, path)
    before = path.read_bytes()

    def no_space(descriptor):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", no_space)
    with pytest.raises(CatalogError, match="the disk is full"):
        logminer.save_catalog(logminer.Catalog(), path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["c.json"]
