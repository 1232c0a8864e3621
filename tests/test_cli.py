"""The explorer commands through click's CliRunner, with the JSON contracts the README documents."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner

from logminer.cli import main
from tests.helpers import FIXTURE


@pytest.fixture
def catalog_path(tmp_path):
    """A catalog file mined from the bundled sample through the CLI."""
    path = tmp_path / "catalog.json"
    result = CliRunner().invoke(main, ["mine", str(FIXTURE), "--catalog", str(path)])
    assert result.exit_code == 0, result.output
    return path


def run(*args: str, catalog=None, env=None):
    """Invoke the CLI; --catalog is added when given."""
    extra = ["--catalog", str(catalog)] if catalog is not None else []
    return CliRunner().invoke(main, [*args, *extra], env=env)


def test_mine_prints_a_summary(tmp_path):
    """The summary: requests, methods, arguments, what is new, what was redacted (by name only)."""
    path = tmp_path / "catalog.json"
    result = run("mine", str(FIXTURE), catalog=path)
    assert result.exit_code == 0
    assert "Read 276 requests" in result.output
    assert "new this run: 43 methods" in result.output
    assert "clients.add:cp_password" in result.output
    assert "SECRET-" not in result.output
    again = run("mine", str(FIXTURE), catalog=path)
    assert "Read 0 requests" in again.output
    assert "new this run: 0 methods, 0 arguments" in again.output


def test_mining_again_reads_only_what_is_new_and_fresh_starts_over(catalog_path, tmp_path):
    """The same log again adds nothing; another log adds its calls; --fresh drops what was there."""
    run("mine", str(FIXTURE), catalog=catalog_path)
    again = json.loads(run("show", "clients.add", "--format", "json", catalog=catalog_path).output)
    assert again["calls"] == 16
    other_host = tmp_path / "other-host.log"
    other_host.write_bytes(b"stray first line from another host\n" + FIXTURE.read_bytes())
    run("mine", str(other_host), catalog=catalog_path)
    doubled = json.loads(run("show", "clients.add", "--format", "json", catalog=catalog_path).output)
    assert doubled["calls"] == 32
    run("mine", "--fresh", str(FIXTURE), catalog=catalog_path)
    fresh = json.loads(run("show", "clients.add", "--format", "json", catalog=catalog_path).output)
    assert fresh["calls"] == 16


def test_methods_table_json_and_csv(catalog_path):
    """`methods`: one row per method; JSON rows have at least method and calls."""
    table = run("methods", catalog=catalog_path)
    assert table.exit_code == 0
    assert "clients.add" in table.output and "last_seen" in table.output
    rows = json.loads(run("methods", "--format", "json", catalog=catalog_path).output)
    assert len(rows) == 43
    clients_add = rows[[r["method"] for r in rows].index("clients.add")]
    assert clients_add.items() >= {"method": "clients.add", "calls": 16}.items()
    parsed = list(csv.DictReader(io.StringIO(run("methods", "--format", "csv", catalog=catalog_path).output)))
    assert len(parsed) == 43 and parsed[0]["method"] == rows[0]["method"]


def test_methods_pattern_is_a_substring_or_a_glob(catalog_path):
    """`methods clients.*` and `methods fields` both filter."""
    glob = json.loads(run("methods", "clients.*", "--format", "json", catalog=catalog_path).output)
    assert glob and all(row["method"].startswith("clients.") for row in glob)
    sub = json.loads(run("methods", "fields", "--format", "json", catalog=catalog_path).output)
    assert {row["method"] for row in sub} == {"clients.fieldsList", "clients.fieldsUpdate"}


def test_show_json_contract(catalog_path):
    """`show --format json`: method, calls, params[name, seen, required, types, examples]."""
    result = run("show", "clients.add", "--format", "json", catalog=catalog_path)
    detail = json.loads(result.output)
    assert detail["method"] == "clients.add" and detail["calls"] == 16
    first = detail["params"][0]
    assert {"name", "seen", "required", "types", "examples"} <= set(first)
    assert first["required"] is True


def test_show_table(catalog_path):
    """The table names each argument with required or its share, types and examples."""
    result = run("show", "clients.add", catalog=catalog_path)
    assert result.exit_code == 0
    assert "id_currencies" in result.output and "required" in result.output
    assert "cp_password" in result.output and "(secret: not kept)" in result.output
    assert "SECRET-" not in result.output


def test_show_unknown_method_suggests_and_fails(catalog_path):
    """A misspelled method: "did you mean", non-zero exit, no traceback."""
    result = run("show", "clients.ad", catalog=catalog_path)
    assert result.exit_code != 0
    assert "Did you mean 'clients.add'" in result.output
    assert "Traceback" not in result.output


def test_search_finds_who_takes_an_argument(catalog_path):
    """`search id_currencies`: the methods that take it."""
    rows = json.loads(run("search", "id_currencies", "--format", "json", catalog=catalog_path).output)
    methods = {row["method"] for row in rows if row["argument"] == "id_currencies"}
    assert {"clients.add", "currencies.add"} & methods
    assert all(row["argument"] == "id_currencies" for row in rows)


def test_the_catalog_location_comes_from_the_environment(tmp_path, catalog_path):
    """LOGMINER_CATALOG points every command at one file."""
    result = run("methods", "--format", "json", env={"LOGMINER_CATALOG": str(catalog_path)})
    assert result.exit_code == 0 and len(json.loads(result.output)) == 43


def test_no_catalog_yet_is_a_clear_message(tmp_path):
    """Before any mining: a one-line hint, exit 2."""
    result = run("methods", catalog=tmp_path / "none.json")
    assert result.exit_code == 2
    assert "no catalog here yet" in result.output


def test_mine_goes_on_past_a_missing_file(tmp_path):
    """A missing log is named and the run fails, but the other logs are still mined and saved."""
    path = tmp_path / "catalog.json"
    result = run("mine", str(tmp_path / "gone.log"), str(FIXTURE), catalog=path)
    assert result.exit_code == 1
    assert "gone.log: no such file" in result.output
    assert "Read 276 requests" in result.output
    assert path.exists()


def test_no_secret_in_any_output(catalog_path):
    """Nothing the explorer prints holds a secret value from the log."""
    outputs = [run("methods", catalog=catalog_path).output]
    for fmt in ("table", "json", "csv"):
        outputs.append(run("show", "users.add", "--format", fmt, catalog=catalog_path).output)
        outputs.append(run("show", "accounts.add", "--format", fmt, catalog=catalog_path).output)
        outputs.append(run("search", "pass", "--format", fmt, catalog=catalog_path).output)
    assert all("SECRET-" not in output for output in outputs)
    assert "SECRET-" not in catalog_path.read_text(encoding="utf-8")


def test_settings_show_and_change(catalog_path):
    """`settings`: secret words and limits per catalog; lowering a limit trims what is held."""
    shown = json.loads(run("settings", "--format", "json", catalog=catalog_path).output)
    assert shown["max_examples"] == 5 and "password" in shown["secret_words"]
    changed = run(
        "settings", "--max-examples", "2", "--secret", "tax", "--format", "json", catalog=catalog_path
    )
    assert json.loads(changed.output)["max_examples"] == 2
    detail = json.loads(run("show", "clients.add", "--format", "json", catalog=catalog_path).output)
    params = {param["name"]: param for param in detail["params"]}
    assert all(len(param["examples"]) <= 2 for param in params.values())
    assert params["tax_id"]["secret"] and params["tax_id"]["examples"] == []


def test_nothing_is_written_when_no_log_could_be_read(tmp_path):
    """`logminer mine` on a host without the log: a clear error, exit 1, and no empty catalog left."""
    path = tmp_path / "catalog.json"
    result = run("mine", str(tmp_path / "runtime.log"), catalog=path)
    assert result.exit_code == 1
    assert "no such file" in result.output and "No catalog written" in result.output
    assert not path.exists()
    empty = tmp_path / "empty.json"
    run("mine", "-", catalog=empty)  # standard input, empty: a catalog with no methods
    assert "The catalog holds no methods yet." in run("methods", catalog=empty).output


@pytest.mark.parametrize("command", ["mine", "methods", "show", "check", "call", "export", "explore"])
def test_help_names_the_default_catalog_as_it_is_now(tmp_path, command):
    """--catalog's help shows the real default file, worked out when the help is shown."""
    env = {"XDG_DATA_HOME": str(tmp_path), "LOGMINER_CATALOG": None}
    result = CliRunner().invoke(main, [command, "--help"], env=env)
    # Help text wraps, and breaks a long path too: compare without the white space.
    assert f"(default:{tmp_path / 'logminer' / 'catalog.json'})" in "".join(result.output.split())
