"""Every shell example of the README's "Calling the billing" section runs, in order, against the sample
catalog and the sandbox, so the README cannot teach a command that fails.

Each `logminer` command of the section's ```sh blocks is run through click's CliRunner in a folder of
its own (holding the sample log as `fixtures/runtime.log`): `billing.example.net` and the sandbox
address the README shows (`http://127.0.0.1:8080`) become the test sandbox's URL, and the sandbox's
login and password come from the environment, as the README advises. A command is expected to exit
0, or the status its comment says (`# ... exit 1: ...`). What follows a `|` or a `>` is the shell's,
not logminer's. `logminer sandbox` itself serves until stopped, so it is not run here: the test
sandbox stands in for it (and tests/test_cli_calls.py runs the command in a real process).
"""

from __future__ import annotations

import re
import shlex

import pytest
from click.testing import CliRunner

import logminer
from logminer.cli import main
from tests.helpers import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")
SECTION = README.split("## Calling the billing", 1)[1].split("\n## ", 1)[0]
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)
SHOWN_HOSTS = ("https://billing.example.net", "billing.example.net", "http://127.0.0.1:8080")
LOGIN, PASSWORD = "demo", "demo"  # the sandbox's, as the README's rehearsal says


def commands() -> list[tuple[str, dict[str, str], list[str], int]]:
    """(the README's line, the environment it sets, logminer's arguments, the exit status expected)."""
    found = []
    for block in SH_BLOCK.findall(SECTION):
        for line in block.splitlines():
            code, _, comment = line.partition("  #")
            words = shlex.split(code, posix=True)
            if "logminer" not in words:
                continue
            start = words.index("logminer")
            env = dict(word.split("=", 1) for word in words[:start])
            args = []
            for word in words[start + 1 :]:
                if word in ("|", ">", "&", ";", "&&"):
                    break
                args.append(word)
            expected = re.search(r"\bexit (\d+)", comment)
            found.append((line, env, args, int(expected.group(1)) if expected else 0))
    return found


EXAMPLES = commands()


def test_the_section_has_examples_of_every_calls_command():
    shown = {args[0] for _, _, args, _ in EXAMPLES}
    assert {"check", "call", "download", "sandbox", "mine"} <= shown


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """A folder of the README's reader: the sample log where the README says, its catalog mined."""
    here = tmp_path_factory.mktemp("reader")
    (here / "fixtures").symlink_to(ROOT / "fixtures")
    catalog = logminer.Catalog()
    logminer.mine(str(ROOT / "fixtures" / "runtime.log"), catalog)
    logminer.save_catalog(catalog, here / "sample.catalog.json")
    return here


@pytest.fixture(scope="module")
def sandbox(folder):
    sandbox = logminer.start_sandbox(
        logminer.load_catalog(folder / "sample.catalog.json"), login=LOGIN, password=PASSWORD
    )
    yield sandbox
    sandbox.stop()


@pytest.mark.parametrize(("line", "env", "args", "expected"), EXAMPLES, ids=[line for line, *_ in EXAMPLES])
def test_the_readme_example_runs(folder, sandbox, monkeypatch, line, env, args, expected):
    if args[0] == "sandbox":
        pytest.skip("serves until stopped; the test sandbox stands in for it")
    monkeypatch.chdir(folder)
    for name in ("JERASOFT_SID", "COLUMNS"):
        monkeypatch.delenv(name, raising=False)
    environment = {
        "LOGMINER_CATALOG": str(folder / "sample.catalog.json"),
        "JERASOFT_HOST": sandbox.url,
        "JERASOFT_LOGIN": LOGIN,
        "JERASOFT_PASSWORD": PASSWORD,
        **env,
    }
    args = [_at_sandbox(word, sandbox.url) for word in args]
    result = CliRunner().invoke(main, args, env=environment)
    assert "Traceback" not in result.output, line
    assert result.exception is None or isinstance(result.exception, SystemExit), (line, result.exception)
    assert result.exit_code == expected, f"{line}\n{result.output}"


def _at_sandbox(word: str, url: str) -> str:
    for host in SHOWN_HOSTS:
        if word == host:
            return url
    return word
