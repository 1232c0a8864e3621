"""Files logminer writes hold customer data, and the paths it is given may not be what they seem:
modes, links, pipes and folders where a catalog should be, and `logminer status`.
"""

from __future__ import annotations

import json
import os
import stat

import pytest
from click.testing import CliRunner

import logminer
from logminer.cli import main
from tests.helpers import FIXTURE


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def umask_027():
    old = os.umask(0o027)
    yield
    os.umask(old)


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_catalog_is_made_readable_by_its_owner_only_and_exports_follow_the_umask(tmp_path, umask_027):
    catalog = tmp_path / "catalog.json"
    assert run("mine", "-q", "--catalog", str(catalog), str(FIXTURE)).exit_code == 0
    assert mode(catalog) == 0o600 and mode(str(catalog) + ".lock") == 0o600
    merged = tmp_path / "all.json"
    assert run("merge", str(catalog), "-o", str(merged)).exit_code == 0
    assert mode(merged) == 0o600
    export = tmp_path / "api.md"
    assert run("export", "--format", "markdown", "-o", str(export), "--catalog", str(catalog)).exit_code == 0
    assert mode(export) == 0o640  # 0666 less the umask 027
    # A catalog that exists keeps the mode its owner gave it.
    os.chmod(catalog, 0o640)
    assert run("mine", "-q", "--fresh", "--catalog", str(catalog), str(FIXTURE)).exit_code == 0
    assert mode(catalog) == 0o640


def test_a_catalog_that_is_a_link_is_written_through(tmp_path):
    target, link = tmp_path / "real.json", tmp_path / "link.json"
    assert run("mine", "-q", "--catalog", str(target), str(FIXTURE)).exit_code == 0
    link.symlink_to(target)
    assert run("mine", "-q", "--fresh", "--catalog", str(link), str(FIXTURE)).exit_code == 0
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert logminer.load_catalog(link).methods.keys() == logminer.load_catalog(target).methods.keys()


def test_a_lock_path_that_is_a_link_is_not_followed(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me")
    catalog = tmp_path / "catalog.json"
    (tmp_path / "catalog.json.lock").symlink_to(victim)
    result = run("mine", "-q", "--catalog", str(catalog), str(FIXTURE))
    assert result.exit_code != 0 and "symbolic link" in result.output
    assert victim.read_text() == "keep me" and not catalog.exists()


def test_a_pipe_where_the_catalog_should_be_is_an_error_not_a_hang(tmp_path):
    pipe = tmp_path / "catalog.json"
    os.mkfifo(pipe)
    for args in (["methods"], ["show", "clients.add"], ["status"]):
        result = run(*args, "--catalog", str(pipe))
        assert result.exit_code == 2 and "not a regular file" in result.output, args
        assert "Traceback" not in result.output


def test_showing_the_settings_of_a_missing_catalog_makes_nothing(tmp_path):
    catalog = tmp_path / "not" / "yet" / "catalog.json"
    result = run("settings", "--catalog", str(catalog))
    assert result.exit_code == 0 and "secret_words" in result.output
    assert not (tmp_path / "not").exists()
    # Changing one makes the catalog, holding only its settings, ready for the first mine.
    assert run("settings", "--secret", "voucher", "--catalog", str(catalog)).exit_code == 0
    assert "voucher" in logminer.load_catalog(catalog).settings.secret_words


def test_status_says_what_the_catalog_holds_and_how_far_each_log_was_read(tmp_path):
    catalog, log = tmp_path / "catalog.json", tmp_path / "runtime.log"
    log.write_bytes(FIXTURE.read_bytes())
    assert run("mine", "-q", "--catalog", str(catalog), str(log)).exit_code == 0
    with open(log, "ab") as stream:
        stream.write(b"[14-Mar-2024 10:00:00+0200] [webAdmin/#9] REQUEST: /clients/list\nArray\n(\n)\n")
    state = json.loads(run("status", "--catalog", str(catalog), "--format", "json").output)
    assert (state["methods"], state["calls"], state["schema_version"]) == (43, 276, 2)
    [record] = state["files"]
    assert record["read_to"] == len(FIXTURE.read_bytes()) and record["size_now"] > record["read_to"]
    table = run("status", "--catalog", str(catalog)).output
    assert "43" in table and "new" in table and str(log) in table
    missing = run("status", "--catalog", str(tmp_path / "none.json"))
    assert missing.exit_code == 0 and "No catalog" in missing.output
