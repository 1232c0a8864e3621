"""Catalog version 2: containers count, calls per day, whole example calls, and the upgrade of a
version 1 catalog (every cron user's file).

The containers' counts are checked against the truth PHP itself computes from the very arrays it
prints into the log.
"""

from __future__ import annotations

import io
import json
import os
import random
import shlex
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

import logminer
from logminer.catalog.dates import DAY_MONTHS, folded
from logminer.cli import main
from tests.helpers import FIXTURE, PHP, ROOT, needs_php, php_literal

# -- containers: the truth from PHP -------------------------------------------------------------------

# PHP prints each array as a REQUEST entry and says, for each, which bracket paths it holds: every key
# at every depth, integer keys written [] (as the catalog names them), containers and leaves alike.
TRUTH = r"""
function paths($array, $prefix, &$out) {
    foreach ($array as $key => $value) {
        $path = $prefix === null ? (string) $key : $prefix . (is_int($key) ? '[]' : "[$key]");
        $out[$path] = true;
        if (is_array($value)) { paths($value, $path, $out); }
    }
}
$calls = [%s];
$log = ''; $truth = [];
foreach ($calls as $number => $array) {
    $second = sprintf('%%02d', $number %% 60);
    $log .= "[11-Mar-2024 08:00:$second+0200] [webAdmin/#$number] REQUEST: /filters/apply\n";
    $log .= print_r($array, true) . "\n";
    $out = []; paths($array, null, $out); $truth[] = array_keys($out);
}
file_put_contents($argv[1], $log);
file_put_contents($argv[2], json_encode($truth));
"""


def nested_call(rng: random.Random) -> dict:
    """A call's params with arrays up to three deep: filters, lists of ids, rows of fields, some
    empty, some keys left out, so that a container is present in some calls and not others."""
    params: dict = {"apply": "1"}
    if rng.random() < 0.8:
        filter_: dict = {}
        if rng.random() < 0.7:
            filter_["status"] = rng.choice(["active", "closed"])
        if rng.random() < 0.6:
            sub: dict = {}
            if rng.random() < 0.7:
                sub["ids"] = [str(rng.randint(1, 99)) for _ in range(rng.randint(0, 3))]
            if rng.random() < 0.5:
                sub["from"] = "2024-03-01"
            filter_["sub"] = sub
        params["filter"] = filter_
    if rng.random() < 0.5:
        params["fields"] = [{"id": str(i), "value": rng.choice(["", "x"])} for i in range(rng.randint(0, 3))]
    if rng.random() < 0.4:
        params["groups"] = [rng.choice(["a", "b"]) for _ in range(rng.randint(0, 2))]
    return params


@needs_php
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_path_is_seen_in_the_calls_whose_array_had_that_key(tmp_path, seed):
    """Containers and leaves alike, at every depth: `seen` is the number of calls whose array (as
    PHP built it) had that key, and a container counts `array` once per call that carried it."""
    rng = random.Random(seed)
    calls = [nested_call(rng) for _ in range(120)]
    script = tmp_path / "truth.php"
    script.write_text("<?php\n" + TRUTH % ", ".join(php_literal(call) for call in calls), encoding="utf-8")
    log, truth_file = tmp_path / "runtime.log", tmp_path / "truth.json"
    subprocess.run([PHP, "-n", str(script), str(log), str(truth_file)], check=True)
    truth = Counter(path for paths in json.loads(truth_file.read_text()) for path in paths)
    catalog = logminer.Catalog()
    result = logminer.mine(str(log), catalog)
    assert result.requests == len(calls) and result.report.skipped_count == 0
    method = catalog.methods["filters.apply"]
    assert {name: argument.seen for name, argument in method.arguments.items()} == dict(truth)
    containers = {"filter", "filter[sub]", "filter[sub][ids]", "fields", "fields[]", "groups"}
    for name in containers & set(truth):
        assert method.arguments[name].types["array"] == truth[name], name
    # What PHP's array had in every call is what `show` calls required.
    required = {
        param["name"]
        for param in logminer.describe_method(catalog, "filters.apply")["params"]
        if param["required"]
    }
    assert required == {path for path, count in truth.items() if count == len(calls)}


def test_a_container_always_sent_is_required_and_checked(tmp_path):
    """16 calls send `groups`, 14 with elements: `groups` is required (it was 2/16 in version 1),
    a call without it gets the warning, the sandbox answers code false, the export requires it."""
    log = tmp_path / "runtime.log"
    entries = []
    for number in range(16):
        groups = (
            "Array\n        (\n            [0] => a\n        )\n\n"
            if number < 14
            else "Array\n        (\n        )\n\n"
        )
        entries.append(
            f"[11-Mar-2024 08:00:{number:02d}+0200] [webAdmin/#{number}] REQUEST: /clients/addForm\n"
            f"Array\n(\n    [name] => n{number}\n    [groups] => {groups})\n\n"
        )
    log.write_text("".join(entries))
    catalog = logminer.Catalog()
    logminer.mine(str(log), catalog)
    method = catalog.methods["clients.addForm"]
    assert (method.arguments["groups"].seen, method.arguments["groups[]"].seen) == (16, 14)
    assert method.required(method.arguments["groups"])
    findings = logminer.validate(catalog, "clients.addForm", {"name": "x"})
    assert [(finding.level, finding.argument) for finding in findings] == [("warning", "groups")]
    with logminer.start_sandbox(catalog, login="u", password="p") as sandbox:
        reply = sandbox.answer(
            {"method": "clients.addForm", "params": {"auth": {"login": "u", "password": "p"}}, "id": 1}
        )
    assert reply["result"]["code"] is False and "groups" in " ".join(reply["result"]["errors"])
    schema = logminer.params_schema(method)
    assert {"groups", "name"} <= set(schema["required"])


# -- calls per day ----------------------------------------------------------------------------------


def test_calls_per_day_sum_to_calls_in_the_logs_own_calendar(sample_catalog):
    for method in sample_catalog.methods.values():
        assert sum(method.calls_by_day.values()) == method.calls, method.name
    # A request at 23:30 -0500 was made on that day, in the log's calendar (not the reader's).
    log = "[31-Jan-2024 23:30:00-0500] [webAdmin/#1] REQUEST: /a/b\nArray\n(\n)\n"
    catalog = logminer.Catalog()
    logminer.mine(io.BytesIO(log.encode()), catalog)
    assert catalog.methods["a.b"].calls_by_day == {"2024-01-31": 1}


def test_days_older_than_a_year_are_folded_into_months_the_same_whatever_the_order():
    """A catalog spanning years keeps days for its last months only; merging two halves folds the
    same as counting the whole."""
    days = {f"2022-{month:02d}-1{day}": 1 for month in range(1, 13) for day in range(3)}
    days.update({f"2023-{month:02d}-05": 2 for month in range(1, 13)})
    whole = folded(days)
    assert sum(whole.values()) == sum(days.values())
    kept_days = [key for key in whole if len(key) == 10]
    assert len({key[:7] for key in kept_days}) <= DAY_MONTHS and "2022-01" in whole
    first, second = dict(list(days.items())[:20]), dict(list(days.items())[20:])
    merged = folded({**folded(first)})
    for key, count in folded(second).items():
        merged[key] = merged.get(key, 0) + count
    assert folded(merged) == whole


# -- exemplars --------------------------------------------------------------------------------------


def test_exemplars_are_the_calls_with_the_most_arguments_and_never_hold_a_secret(tmp_path):
    log = tmp_path / "runtime.log"
    entries = [
        "[11-Mar-2024 08:00:01+0200] [webAdmin/#1] REQUEST: /users/add\nArray\n(\n    [name] => a\n)\n\n",
        "[11-Mar-2024 08:00:02+0200] [webAdmin/#2] REQUEST: /users/add\nArray\n(\n    [name] => b\n"
        "    [password] => Hunter2-xyz\n    [note] => see https://bob:s3cr3t-pw@db.example.net/x\n"
        "    [SID] => 1-abcdef0123456789\n)\n\n",
    ]
    log.write_text("".join(entries))
    catalog = logminer.Catalog()
    logminer.mine(str(log), catalog)
    [first, second] = catalog.methods["users.add"].exemplars
    assert first.params == {"name": "b", "password": "<secret>", "note": "<secret>"}
    assert first.arguments == 3 and second.params == {"name": "a"}
    text = json.dumps(catalog.to_dict())
    assert "Hunter2" not in text and "s3cr3t" not in text and "abcdef0123456789" not in text


def test_show_example_prints_a_command_that_reads_back_into_the_exemplar(sample_catalog, tmp_path):
    path = logminer.save_catalog(sample_catalog, tmp_path / "c.json")
    result = CliRunner().invoke(main, ["show", "clients.fieldsUpdate", "--example", "--catalog", str(path)])
    assert result.exit_code == 0, result.output
    # The words as bash reads them ($'...' holds the multi-line value on one line).
    words = bash_words(result.output)
    assert words[:3] == ["logminer", "call", "clients.fieldsUpdate"]
    exemplar = sample_catalog.methods["clients.fieldsUpdate"].exemplars[0]
    assert logminer.parse_items(words[3:]) == exemplar.params
    body = CliRunner().invoke(
        main, ["show", "clients.fieldsUpdate", "--example", "json", "--catalog", str(path)]
    )
    assert json.loads(body.output) == {
        "jsonrpc": "2.0",
        "method": "clients.fieldsUpdate",
        "params": exemplar.params,
        "id": 1,
    }


def bash_words(command: str) -> list[str]:
    """The words bash makes of a command line."""
    script = 'printf "%s\\0" ' + command
    words = subprocess.run(["bash", "-c", script], capture_output=True, check=True).stdout
    return words.decode().split("\0")[:-1]


# -- version 1 catalogs -----------------------------------------------------------------------------

# A catalog written by logminer 0.1.0 (commit 53de379, schema version 1) from fixtures/runtime.log.
VERSION_1 = ROOT / "tests" / "data" / "catalog-v1.json"


def test_a_version_1_catalog_is_read_and_says_what_it_did_not_record():
    catalog = logminer.load_catalog(VERSION_1)
    assert catalog.read_version == 1
    method = catalog.methods["clients.add"]
    assert method.legacy_calls == method.calls == 16 and method.calls_by_day == {} and method.exemplars == []
    detail = logminer.describe_method(catalog, "clients.add")
    assert detail["legacy_calls"] == 16
    # Version 1 counted cp_modules only where it was empty: no presence count, so none is shown.
    containers = [param for param in detail["params"] if param["container"]]
    assert all(param["known_calls"] == 0 and not param["required"] for param in containers)


def test_a_version_1_catalog_mines_on_with_only_the_upgrade_note(tmp_path):
    path = shutil.copy(VERSION_1, tmp_path / "catalog.json")
    result = CliRunner().invoke(main, ["mine", "--catalog", str(path), str(FIXTURE)])
    assert result.exit_code == 0, result.output
    assert "Upgraded the catalog from schema version 1 to 2" in result.output
    assert "Read 0 requests" in result.output  # the file was read whole already: nothing counted twice
    assert json.loads(path.read_text())["schema_version"] == 2
    again = CliRunner().invoke(main, ["mine", "--catalog", str(path), str(FIXTURE)])
    assert "Upgraded" not in again.output
    # --fresh counts everything again, days, exemplars and containers included.
    fresh = CliRunner().invoke(main, ["mine", "--fresh", "--catalog", str(path), str(FIXTURE)])
    assert fresh.exit_code == 0, fresh.output
    method = logminer.load_catalog(path).methods["clients.add"]
    assert method.legacy_calls == 0 and sum(method.calls_by_day.values()) == 16 and method.exemplars


def test_every_show_example_run_through_call_dry_run_sends_its_exemplar(sample_catalog, tmp_path):
    """What a user does: copy `show M --example`, add --dry-run, run it in bash. The body printed is
    the exemplar's call; one whose exemplar had a secret is refused, naming the placeholder."""
    path = logminer.save_catalog(sample_catalog, tmp_path / "c.json")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env = {key: value for key, value in env.items() if not key.startswith("JERASOFT_")}
    sent = refused = 0
    for name, method in sorted(sample_catalog.methods.items()):
        if not method.exemplars:
            continue
        command = CliRunner().invoke(main, ["show", name, "--example", "--catalog", str(path)]).output.strip()
        run = subprocess.run(
            ["bash", "-c", f"{command} --catalog {shlex.quote(str(path))} --dry-run"],
            capture_output=True,
            text=True,
            env=env,
        )
        exemplar = method.exemplars[0].params
        if "<secret>" in json.dumps(exemplar):
            assert run.returncode == 2 and "placeholder <secret>" in run.stderr, run.stderr
            refused += 1
            continue
        assert run.returncode == 0, run.stderr
        body = json.loads(run.stdout[run.stdout.index("\n{") :])
        assert body == {"jsonrpc": "2.0", "method": name, "params": exemplar, "id": 1}
        sent += 1
    assert sent > 20 and refused >= 2
