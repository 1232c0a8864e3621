"""What the commands print: tables that fit the terminal, one notation, safe text, CSV that is data.

Each test runs the command as a user would, with ``COLUMNS`` as a terminal would set it, or with
nothing set, as in a pipe (CliRunner's output is never a terminal).
"""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from click.testing import CliRunner

import logminer
from logminer.cli import main
from logminer.cli.output import display_width, render_csv, render_table, table_cell, to_json
from tests.helpers import FIXTURE, request_log

# Every character that could drive a terminal: C0, DEL, C1, bidi embeddings/overrides/isolates.
CONTROLS = {
    chr(code) for code in [*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
}


def run(*args: str, columns: int | None = None, env: dict | None = None):
    """The CLI as run from a terminal ``columns`` wide, or into a pipe (None)."""
    environment = {"COLUMNS": str(columns) if columns else None, **(env or {})}
    return CliRunner().invoke(main, list(args), env=environment)


@pytest.fixture(scope="module")
def catalogs(tmp_path_factory):
    """Catalog files of the sample log: all of it, and its first half (cut between entries)."""
    folder = tmp_path_factory.mktemp("catalogs")
    text = FIXTURE.read_bytes()
    half = text.index(b"\n[", len(text) // 2) + 1
    (folder / "half.log").write_bytes(text[:half])
    for name, log in (("whole", FIXTURE), ("half", folder / "half.log")):
        result = run("mine", "--fresh", "-q", "--catalog", str(folder / f"{name}.json"), str(log))
        assert result.exit_code == 0, result.output
    return folder / "whole.json", folder / "half.json"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A catalog mined from a log whose values and names hold escape sequences and bidi overrides."""
    folder = tmp_path_factory.mktemp("hostile")
    request_log(
        folder / "runtime.log",
        (
            "clients/list",
            {
                "name": "Acme\x1b[2J\x1b]0;owned\x07 \x9b31m \u202eevil\u202c\x7f",
                "c_address": "line one\r\nline two\ttab",
                f"note\x1b[8m{'hidden'}": "x",
                "filter": {"status": "active", "id_clients": ["1", "2"]},
                "fields": [{"id": "5", "name": "ÄÖ, ü: \u2066x\u2069"}],
            },
        ),
    )
    result = run(
        "mine", "--fresh", "-q", "--catalog", str(folder / "catalog.json"), str(folder / "runtime.log")
    )
    assert result.exit_code == 0, result.output
    return folder / "catalog.json"


def widest(output: str) -> int:
    return max(display_width(line) for line in output.splitlines())


# --------------------------------------------------------------------------- fitting the terminal


def table_commands(whole, half):
    """Each table command on the sample, and the names its table must keep whole."""
    catalog = logminer.load_catalog(whole)
    changes = logminer.diff_catalogs(logminer.load_catalog(half), catalog).changes
    return {
        "methods": (["methods", "--catalog", str(whole)], list(catalog.methods)),
        "show": (
            ["show", "clients.add", "--catalog", str(whole)],
            list(catalog.methods["clients.add"].arguments),
        ),
        "search": (
            ["search", "id_", "--catalog", str(whole)],
            [row["argument"] or row["method"] for row in logminer.search(catalog, "id_")],
        ),
        "settings": (["settings", "--catalog", str(whole)], ["secret_words", "max_arguments"]),
        "diff": (
            ["diff", str(half), str(whole)],
            [change.method for change in changes]
            + [change.argument for change in changes if change.argument],
        ),
    }


@pytest.mark.parametrize("command", ["methods", "show", "search", "settings", "diff"])
def test_at_80_columns_no_line_is_wider_and_names_are_whole(catalogs, command):
    """At COLUMNS=80 every line fits, long cells end with …, and every method and argument name is whole."""
    args, names = table_commands(*catalogs)[command]
    result = run(*args, columns=80)
    assert result.exit_code in (0, 1), result.output  # diff exits 1 on a breaking change
    assert widest(result.output) <= 80, result.output
    cells = {cell for line in result.output.splitlines() for cell in re.split(r"\s{2,}", line.strip())}
    missing = [name for name in names if table_cell(name) not in cells]
    assert not missing, f"names not shown whole: {missing}\n{result.output}"


def test_a_pipe_gets_every_value_whole(catalogs):
    """With no COLUMNS and no terminal (a pipe), nothing is shortened: every example is there in full."""
    whole, _ = catalogs
    result = run("show", "clients.add", "--catalog", str(whole))
    assert "…" not in result.output
    assert widest(result.output) > 80
    detail = logminer.describe_method(logminer.load_catalog(whole), "clients.add")
    for param in detail["params"]:
        if not param["secret"]:
            assert table_cell(param["examples"]) in result.output


def test_a_narrow_terminal_shortens_long_columns_only():
    """Free-text columns give way, ending with …; a name longer than the terminal stays whole."""
    rows = [
        {"method": "clients.add", "calls": 16, "detail": "a long sentence about what changed " * 3},
        {"method": "settings.edit_with_a_very_long_name", "calls": 2, "detail": "short"},
    ]
    table = render_table(rows, ["method", "calls", "detail"], width=60).splitlines()
    assert table[2] == "clients.add                          16     a long sentence…"
    assert table[3] == "settings.edit_with_a_very_long_name  2      short"
    assert (
        render_table(rows, ["method", "detail"], width=20)
        .splitlines()[3]
        .startswith("settings.edit_with_a_very_long_name  ")
    )


def test_wide_characters_count_twice():
    """Cyrillic takes one column, CJK and emoji two: columns still line up on a terminal."""
    rows = [{"name": "a", "value": "株式会社テレコム"}, {"name": "b", "value": "ООО 🚀"}]
    table = render_table(rows, ["name", "value"], width=12).splitlines()
    assert table[2:] == ["a     株式…", "b     ООО 🚀"]
    assert all(display_width(line) <= 12 for line in table)


# --------------------------------------------------------------------------- choosing columns


def test_columns_choose_and_order_what_a_table_shows(catalogs):
    """`--columns calls,method`: those fields, in that order, headed by their JSON names."""
    whole, half = catalogs
    table = run("methods", "clients.a*", "--columns", "calls,method", "--catalog", str(whole)).output
    assert table.splitlines()[:3] == ["calls  method", "-----  ---------------", "16     clients.add"]
    shown = run("show", "clients.add", "--columns", "name,refers_to,seen", "--catalog", str(whole)).output
    assert re.search(r"\nid_currencies +currencies +16\n", shown)
    rows = list(
        csv.reader(
            io.StringIO(
                run(
                    "search",
                    "id_curr",
                    "--columns",
                    "argument,method",
                    "--format",
                    "csv",
                    "--catalog",
                    str(whole),
                ).output
            )
        )
    )
    assert rows[0] == ["argument", "method"] and ["id_currencies", "clients.add"] in rows
    flat = run("diff", str(half), str(whole), "--columns", "method,argument,kind", columns=200).output
    assert re.search(r"\naccounts\.list +page +argument-added\n", flat)
    words = run("settings", "--columns", "value", "--catalog", str(whole)).output.splitlines()[2]
    assert words.startswith("logminer's ") and "defaults" in words


@pytest.mark.parametrize(
    "args",
    [
        ["methods"],
        ["show", "clients.add"],
        ["search", "id_"],
        ["check", "clients.add"],
        ["call", "clients.add"],
        ["diff", "OLD", "NEW"],
        ["settings"],
    ],
)
def test_an_unknown_column_is_a_usage_error_naming_the_valid_ones(catalogs, args):
    """Exit status 2, before anything is read or sent, with "did you mean" and the list of columns."""
    whole, _ = catalogs
    args = [str(whole) if arg in ("OLD", "NEW") else arg for arg in args]
    result = run(*args, "--columns", "argumnet", env={"LOGMINER_CATALOG": str(whole)})
    assert result.exit_code == 2
    assert "There is no column 'argumnet'" in result.output
    assert "The columns are: " in result.output


# --------------------------------------------------------------------------- one notation


def test_the_table_notation():
    """value:count, "" for the empty string, JSON's null/true/false, quotes only where needed."""
    assert table_cell({"int": 15, "bool": 1}) == "int:15, bool:1"
    assert table_cell({"31": 9, "": 3, "12:30": 1, "a, b": 1}) == '31:9, "":3, "12:30":1, "a, b":1'
    assert (
        table_cell(["", " padded", "x,y", 'say "hi"', "plain"])
        == '"", " padded", "x,y", "say \\"hi\\"", plain'
    )
    assert table_cell("") == '""' and table_cell(None) == ""
    assert [table_cell(value) for value in (True, False, 0.5, 7)] == ["true", "false", "0.5", "7"]
    assert table_cell([None, True]) == "null, true"
    assert table_cell({"calls": 2, "types": {"int": 1}}) == '{"calls": 2, "types": {"int": 1}}'


def test_show_and_diff_write_counts_as_value_colon_count(catalogs):
    """`show` values and types, and `diff` details: int:15, active:8; never "31 9" or Python's None."""
    whole, half = catalogs
    shown = run("show", "clients.add", "--catalog", str(whole)).output
    assert "int:15, bool:1" in shown and "active:8, closed:4, suspended:4" in shown
    assert '7701234567:5, "":3, HRB 12345:2' in shown
    changes = run("diff", str(half), str(whole)).output
    assert "now also int (bool:3, int:3, empty:1)" in changes
    assert "None" not in shown + changes and "False" not in shown + changes


# --------------------------------------------------------------------------- control characters


@pytest.mark.parametrize(
    "args",
    [
        ["show", "clients.list"],
        ["search", "e"],
        ["methods"],
        ["show", "clients.list", "--format", "json"],
        ["search", "e", "--format", "json"],
        ["export", "--format", "openrpc"],
        ["export", "--format", "markdown"],
    ],
)
def test_no_control_character_from_the_log_reaches_the_terminal(hostile, args):
    """ESC, OSC, C1, DEL and bidi overrides are printed as visible escapes, in tables and in JSON."""
    output = run(*args, "--catalog", str(hostile), columns=200).output
    raw = {char for char in output if char in CONTROLS} - {"\n"}
    assert not raw, f"raw control characters: {raw!r}"


def test_tables_show_escapes_and_json_the_same_strings(hostile):
    """A table shows \\x1b and \\u202e; JSON escapes them as \\u001b, \\u009b, \\u202e and decodes back."""
    catalog = logminer.load_catalog(hostile)
    table = run("show", "clients.list", "--catalog", str(hostile)).output
    assert "Acme\\x1b[2J\\x1b]0;owned\\x07 \\x9b31m \\u202eevil\\u202c\\x7f" in table
    assert "line one\\r\\nline two\\ttab" in table
    assert "note\\x1b[8mhidden" in table
    printed = run("show", "clients.list", "--format", "json", "--catalog", str(hostile)).output
    assert "\\u009b31m \\u202eevil\\u202c\\u007f" in printed
    assert json.loads(printed) == json.loads(json.dumps(logminer.describe_method(catalog, "clients.list")))


def test_json_escapes_c1_and_bidi_and_still_decodes_to_the_same_text():
    text = "a\x1b\x85\x9b\x7f\u202a\u202e\u2066\u2069 ü 株"
    printed = to_json({"value": text})
    assert json.loads(printed) == {"value": text}
    assert not {char for char in printed if char in CONTROLS} - {"\n"}
    assert "ü 株" in printed


# --------------------------------------------------------------------------- CSV


def read_back(cell: str, like):
    """A CSV cell as the JSON value it stands for; ``like`` is that value, for its type (CSV has none)."""
    if like is None:
        return None if cell == "" else cell
    if isinstance(like, bool):
        return {"true": True, "false": False}.get(cell, cell)
    if isinstance(like, (int, float)):
        return type(like)(cell)
    if isinstance(like, (dict, list)):
        return json.loads(cell)
    return cell


@pytest.mark.parametrize(
    ("args", "columns"),
    [
        (["methods"], ["method", "calls", "arguments", "required", "first_seen", "last_seen", "components"]),
        (["search", "e"], ["method", "argument", "seen", "calls"]),
        (
            ["show", "clients.list"],
            ["name", "seen", "required", "share", "types", "examples", "values", "secret"],
        ),
    ],
)
def test_csv_reads_back_as_the_json_data(hostile, args, columns):
    """csv.reader gives back what --format json holds: lists and objects as JSON text, nothing shortened."""
    common = [*args, "--catalog", str(hostile), "--columns", ",".join(columns)]
    data = json.loads(run(*common, "--format", "json").output)
    rows = data["params"] if isinstance(data, dict) else data
    expected = [{column: row[column] for column in columns} for row in rows]
    printed = run(*common, "--format", "csv", columns=40).output
    reader = csv.DictReader(io.StringIO(printed))
    back = [
        {column: read_back(row[column], like[column]) for column in columns}
        for row, like in zip(reader, expected, strict=True)
    ]
    assert reader.fieldnames == columns and back == expected


def test_csv_on_a_terminal_escapes_control_characters():
    """Piped, CSV holds the exact text; printed on a terminal, controls are escaped as in tables."""
    rows = [{"name": "x\x1b[2Jy", "values": {"a\u202e": 1}}]
    exact = render_csv(rows, ["name", "values"])
    assert next(csv.reader(io.StringIO(exact.splitlines()[1]))) == ["x\x1b[2Jy", '{"a\\u202e":1}']
    assert (
        render_csv(rows, ["name", "values"], escape=True).splitlines()[1] == 'x\\x1b[2Jy,"{""a\\u202e"":1}"'
    )


def test_the_mining_summary_names_hostile_arguments_escaped(tmp_path):
    """`mine` lists new methods and redacted arguments by name: names from the log, escaped."""
    request_log(tmp_path / "runtime.log", ("clients/add", {"pass\x1b]0;x\x07word": "secret", "name": "A"}))
    result = run("mine", "--catalog", str(tmp_path / "catalog.json"), str(tmp_path / "runtime.log"))
    assert "clients.add:pass\\x1b]0;x\\x07word" in result.output
    assert not {char for char in result.output if char in CONTROLS} - {"\n"}
