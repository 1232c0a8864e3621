"""A log full of secrets: passwords, session ids, tokens, PINs, in top-level and nested arguments and
under keys in every naming style. None of the values may appear in the catalog file, any export, the
output of any command, or any error message.
"""

from __future__ import annotations

import itertools
import json
import re

import pytest
from click.testing import CliRunner

import logminer
from logminer.cli import main
from tests.helpers import needs_php

# Secret-named arguments, as PHP bracket paths, each with a value found nowhere else.
SECRETS = {
    "password": "Vx-password-81734",
    "Password": "Vx-Password-22917",
    "PASSWD": "Vx-PASSWD-55120",
    "user_pass": "Vx-userpass-90411",
    "cpPassword": "Vx-cpPassword-37702",
    "api-key": "Vx-apidashkey-61188",
    "apiKey": "Vx-apiKey-12093",
    "X-Api-Token": "Vx-XApiToken-77450",
    "auth[password]": "Vx-authpassword-40327",
    "SID": "Vx-SID-86211",
    "PHPSESSID": "Vx-PHPSESSID-29974",
    "session_id": "Vx-sessionid-53306",
    "pin": "Vx-pin-0451",
    "cvv": "Vx-cvv-913",
    "secret_answer": "Vx-secretanswer-64420",
    "token": "Vx-token-18555",
    "refresh_token": "Vx-refreshtoken-30869",
    "fields[0][password]": "Vx-fields0password-72246",
    "credentials[api][key]": "Vx-credentialsapikey-45573",
    "account[security][pwd]": "Vx-accountsecuritypwd-11119",
    "bank[iban][private_key]": "Vx-privatekey-80042",
}
VALUES = list(SECRETS.values())
METHODS = ["clients.add", "users.edit", "accounts.update"]


def nest(flat: dict[str, str]) -> dict:
    """``{"a[b][0]": v}`` -> ``{"a": {"b": {"0": v}}}``."""
    tree: dict = {}
    for path, value in flat.items():
        parts = path.replace("]", "").split("[")
        node = tree
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return tree


def print_r(value: dict, indent: int = 0) -> str:
    """PHP's print_r of an array of strings and arrays (checked against php-cli below)."""
    pad = " " * indent
    lines = [f"Array\n{pad}(\n"]
    for key, item in value.items():
        if isinstance(item, dict):
            lines.append(f"{pad}    [{key}] => {print_r(item, indent + 8)}\n")
        else:
            lines.append(f"{pad}    [{key}] => {item}\n")
    lines.append(f"{pad})\n")
    return "".join(lines)


def secret_log() -> str:
    """Every method called a few times with every secret, plus ordinary arguments, plus noise."""
    entries = []
    numbers = itertools.count(260800)
    for round_, method in itertools.product(range(4), METHODS):
        number = next(numbers)
        params = {"name": f"Acme {round_}", "id_currencies": str(round_ + 1), **SECRETS}
        if round_ % 2:
            params["auth[login]"] = "api_billing"
        header = (
            f"[11-Mar-2024 08:1{round_}:56+0200] [jsonrpc/#{number}] REQUEST: /{method.replace('.', '/')}"
        )
        entries.append(f"{header}\n{print_r(nest(params))}\n")
        entries.append(f"[11-Mar-2024 08:1{round_}:57+0200] [jsonrpc/#{number}] SQL: SELECT 1\n")
    # A broken entry holding secrets: the skip note must name its line, not quote it.
    broken = "[11-Mar-2024 09:00:00+0200] [jsonrpc/#1] REQUEST: /clients/add\nArray\n(\n"
    broken += f"    [password] => {VALUES[0]}\n"
    entries.append(broken + "      [token] => " + VALUES[15] + "\n")
    entries.append("[11-Mar-2024 09:00:01+0200] [jsonrpc/#2] REQUEST: /clients/add\nArray\n(\n")
    entries.append(f"    [cvv] => {SECRETS['cvv']}\n")  # cut off at the end
    return "".join(entries)


def assert_no_secret(text: str, where: str) -> None:
    leaked = [value for value in VALUES if value in text]
    assert not leaked, f"{where} shows {leaked}"


@needs_php
def test_the_log_is_what_print_r_writes(php_print_r):
    value = nest({"name": "Acme", **SECRETS})
    assert php_print_r(value).decode() == print_r(value)


@pytest.fixture(scope="module")
def mined(tmp_path_factory):
    """The secret log mined by `logminer mine`: (catalog path, the command's output)."""
    directory = tmp_path_factory.mktemp("secrets")
    log = directory / "runtime.log"
    log.write_text(secret_log(), encoding="utf-8")
    catalog = directory / "catalog.json"
    result = CliRunner().invoke(main, ["mine", "--catalog", str(catalog), str(log)])
    assert result.exit_code == 0, result.output
    return catalog, result.output


def run(*arguments: str) -> str:
    result = CliRunner().invoke(main, list(arguments))
    assert "Traceback" not in result.output
    return result.output


def test_the_log_really_holds_the_secrets():
    """The control: every value is in the log, and the parser does read it (before the catalog drops it)."""
    text = secret_log()
    requests = logminer.parse_text(text)
    assert len(requests) == 4 * len(METHODS)
    for value in VALUES:
        assert value in text
        assert value in json.dumps([request.params for request in requests])


def test_mine_keeps_no_secret_and_says_so(mined):
    catalog_path, output = mined
    assert_no_secret(output, "the summary of `mine`")
    assert "Skipped 1 malformed entry" in output and "Not counted" in output
    assert "Redacted (presence and type only): " in output
    catalog = logminer.load_catalog(catalog_path)
    assert sorted(catalog.methods) == sorted(METHODS)
    for method in catalog.methods.values():
        assert method.calls == 4
        assert "SID" not in method.arguments and not any(
            name.startswith("auth[") for name in method.arguments
        )
        secret = {name for name, argument in method.arguments.items() if argument.secret}
        expected = {re.sub(r"\[\d+\]", "[]", name) for name in SECRETS} - {"SID", "auth[password]"}
        assert expected <= secret, f"{method.name}: not kept as secret: {expected - secret}"
        # Also secret: the arrays that hold them, when their own name looks secret (credentials[api]).
        for name in secret - expected:
            assert method.arguments[name].types == {"array": 4}
            assert any(leaf.startswith(name + "[") for leaf in expected)
        for name in expected:
            argument = method.arguments[name]
            assert argument.seen == 4 and argument.types == {"string": 4}
            assert argument.examples == [] and argument.values is None


def test_the_catalog_file_holds_no_secret(mined):
    assert_no_secret(mined[0].read_text(encoding="utf-8"), "the catalog file")


@pytest.mark.parametrize("fmt", logminer.EXPORT_FORMATS)
def test_no_export_holds_a_secret(mined, fmt, tmp_path):
    """Every format, the explorer page (html) too."""
    output = run("export", "--format", fmt, "--catalog", str(mined[0]))
    assert_no_secret(output, f"export --format {fmt}")
    assert "clients.add" in output
    target = tmp_path / f"api.{fmt}"
    run("export", "--format", fmt, "-o", str(target), "--catalog", str(mined[0]))
    assert_no_secret(target.read_text(encoding="utf-8"), f"export --format {fmt} -o")


@pytest.mark.parametrize("fmt", ["table", "json", "csv"])
def test_no_query_shows_a_secret(mined, fmt):
    catalog = str(mined[0])
    outputs = [run("methods", "--catalog", catalog, "--format", fmt)]
    outputs += [run("show", method, "--catalog", catalog, "--format", fmt) for method in METHODS]
    outputs += [run("search", word, "--catalog", catalog, "--format", fmt) for word in ("pass", "key", "Vx")]
    for output in outputs:
        assert_no_secret(output, f"a query in {fmt}")
    for value in VALUES:  # searching for a value finds nothing (the text searched for is only echoed)
        output = run("search", value, "--catalog", catalog, "--format", fmt)
        assert_no_secret(output.replace(value, ""), "a search for a value")
        assert "clients" not in output
    assert "cpPassword" in outputs[1]  # the names are shown, as promised


def test_check_and_a_dry_run_show_no_secret(mined):
    catalog = str(mined[0])
    items = [f"{name}={value}" for name, value in SECRETS.items() if name not in ("SID", "auth[password]")]
    items += ["id_client=5", "id_currencies:=[1]"]  # an unknown argument, a type never seen
    for fmt in ("table", "json"):
        assert_no_secret(run("check", "clients.add", *items, "--catalog", catalog, "--format", fmt), "check")
    dry = run(
        "call",
        "clients.add",
        *items,
        "--catalog",
        catalog,
        "--validate",
        "warn",
        "--dry-run",
        "--login",
        "api_billing",
        "--password",
        VALUES[0],
        "--sid",
        VALUES[9],
    )
    assert_no_secret(dry, "call --dry-run")
    assert "********" in dry
    dry = run(
        "call",
        "clients.add",
        "password=" + VALUES[0],
        "--catalog",
        catalog,
        "--dry-run",
        "--login",
        "x",
        "--password",
        VALUES[1],
    )
    assert_no_secret(dry, "call --dry-run with a login")
    nested = ["private[value]=Vx-private-1", "credentials[api][url]=Vx-credentials-2", "x[0][pin]=Vx-pin-3"]
    dry = run("call", "clients.add", *nested, "--validate", "off", "--dry-run", "--sid", VALUES[9])
    assert "Vx-" not in dry, "a value under a secret-looking parent is shown"
    body = dry.split("\n\n")[1]  # after the request line and the headers
    assert json.loads(body)["params"]["credentials"] == {"api": {"url": "********"}}


def test_errors_show_no_secret(mined, tmp_path):
    catalog = str(mined[0])
    outputs = [
        run("check", "clients.ad", f"password={VALUES[0]}", "--catalog", catalog),
        run("check", "clients.add", f"pasword={VALUES[0]}", f"tokn={VALUES[15]}", "--catalog", catalog),
        run(
            "call",
            "clients.add",
            f"password={VALUES[0]}",
            "--catalog",
            catalog,
            "--strict",
            "--host",
            "http://127.0.0.1:9",
            "--login",
            "x",
            "--password",
            VALUES[1],
        ),
        run(
            "call",
            "clients.add",
            f"password={VALUES[0]}",
            "--catalog",
            catalog,
            "--validate",
            "off",
            "--host",
            "http://127.0.0.1:9",
            "--login",
            "x",
            "--password",
            VALUES[1],
            "--timeout",
            "2",
        ),
        run(
            "call",
            "clients.add",
            f"password={VALUES[0]}",
            "--validate",
            "off",
            "--host",
            "http://127.0.0.1:9",
            "--sid",
            VALUES[9],
            "--timeout",
            "2",
        ),
        run("call", "clients.add", f"password[={VALUES[0]}", "--catalog", catalog),
        run("call", "clients.add", f"password:={VALUES[0]}", "--catalog", catalog),
        run(
            "call", "clients.add", f"cpPassword={VALUES[4]}", f"cpPassword={VALUES[4]}", "--catalog", catalog
        ),
        run("call", "clients.add", f"api_key={VALUES[6]}", f"api_key[x]={VALUES[6]}", "--catalog", catalog),
        run("check", "clients.add", f"token:={VALUES[15]}", "--catalog", catalog),
    ]
    for output in outputs:
        assert "error" in output or "logminer: " in output
        assert_no_secret(output, "an error")


def test_a_new_secret_word_forgets_values_already_kept(mined, tmp_path):
    """--secret voucher: arguments named with it lose the values the catalog held (iban, the example
    this test used before, is a secret word by default now)."""
    log = tmp_path / "voucher.log"
    log.write_text(
        "[11-Mar-2024 08:11:56+0200] [jsonrpc/#1] REQUEST: /clients/add\nArray\n(\n"
        "    [voucher_code] => VC-7731-XK22\n)\n\n",
        encoding="utf-8",
    )
    catalog = tmp_path / "c.json"
    run("mine", "--catalog", str(catalog), str(log))
    assert "VC-7731-XK22" in catalog.read_text(encoding="utf-8")
    output = run(
        "mine", "--catalog", str(catalog), "--secret", "voucher", str(mined[0].parent / "runtime.log")
    )
    assert "VC-7731-XK22" not in catalog.read_text(encoding="utf-8")
    assert "VC-7731-XK22" not in output
