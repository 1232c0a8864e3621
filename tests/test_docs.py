"""README.md and the command line cannot drift apart (after sqlite-utils' tests/test_docs.py).

- every command has an example (`logminer <command> ...` in a ```sh block);
- every option of every command is mentioned (in one of its spellings) in the README section that
  shows the command;
- every `logminer <command>` the README shows exists, with options that command has;
- the `show` table the README prints is what `show` prints.

The commands and options are read from click's command tree, so a new option fails here until the
README mentions it. Each failure names the command and option and where the README should say it.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from logminer.cli import main
from tests.helpers import ROOT, mine_catalog

README = (ROOT / "README.md").read_text(encoding="utf-8")
SH_BLOCK = re.compile(r"^```sh\n(.*?)^```", re.DOTALL | re.MULTILINE)
# `logminer mine ...`, `.venv/bin/logminer show ...`, `... | logminer mine -`
COMMAND = re.compile(r"(?:^|[\s/;&|(])logminer ([\w-]+)([^\n|;&]*)")


def sections() -> list[str]:
    """The README cut at its ``## `` headings, each section with its heading and subsections."""
    return re.split(r"^(?=## )", README, flags=re.MULTILINE)


def examples(text: str) -> list[tuple[str, str]]:
    """(command, the rest of its line) for each `logminer <command>` in the ```sh blocks of ``text``."""
    found = []
    for block in SH_BLOCK.findall(text):
        for line in block.splitlines():
            code = line.split("  #", 1)[0]  # a comment after the command is prose
            found.extend(COMMAND.findall(code))
    return found


def options(command: click.Command) -> list[tuple[str, ...]]:
    """Each option of a command as its spellings (``("-o", "--output")``), ``--help`` left out."""
    return [
        tuple(param.opts + param.secondary_opts)
        for param in command.params
        if isinstance(param, click.Option) and "--help" not in param.opts
    ]


def mentions(text: str, option: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", text) is not None


@pytest.mark.parametrize("name", sorted(main.commands))
def test_every_command_has_an_example(name):
    shown = {command for command, _ in examples(README)}
    assert name in shown, f"README.md shows no `logminer {name} ...` in a ```sh block: add an example."


@pytest.mark.parametrize(
    ("name", "spellings"),
    [(name, spellings) for name, command in sorted(main.commands.items()) for spellings in options(command)],
    ids=lambda value: value if isinstance(value, str) else value[-1],
)
def test_every_option_is_mentioned_where_its_command_is_shown(name, spellings):
    """One spelling is enough: `-o` or `--output`."""
    homes = [section for section in sections() if name in {command for command, _ in examples(section)}]
    headings = [section.splitlines()[0] for section in homes]
    assert any(mentions(section, option) for section in homes for option in spellings), (
        f"README.md does not mention `{spellings[-1]}` of `logminer {name}` in the section that shows "
        f"the command ({', '.join(headings) or 'none'}): say what it does there."
    )


@pytest.mark.parametrize(("name", "rest"), examples(README), ids=lambda value: value.strip()[:40] or "-")
def test_every_command_shown_exists_with_its_options(name, rest):
    assert name in main.commands, f"README.md shows `logminer {name}`, which is no command: update it."
    known = {option for spellings in options(main.commands[name]) for option in spellings}
    for word in rest.split():
        option = word.split("=", 1)[0]
        if option.startswith("-") and option != "-":
            assert option in known, f"README.md shows `logminer {name} {option}`, which it has no more."


def test_the_show_table_in_the_readme_is_what_show_prints(tmp_path):
    """The README's sample `show clients.add` at 100 columns: each line it quotes, as printed."""
    quoted = README.split("At 100 columns:\n\n```\n", 1)[1].split("```", 1)[0].splitlines()
    catalog = mine_catalog(tmp_path)
    result = CliRunner().invoke(
        main, ["show", "clients.add", "--catalog", str(catalog)], env={"COLUMNS": "100"}
    )
    printed = result.output.splitlines()
    assert [line for line in quoted if line not in printed] == [], "update the README's `show` example"


def test_the_mine_summary_in_the_readme_is_what_mine_prints(tmp_path):
    """The README's summary of mining the sample, line for line, as `mine` prints it."""
    start = README.index("Read 276 requests")
    quoted = README[start : README.index("```", start)].splitlines()
    shutil.copy(ROOT / "fixtures" / "runtime.log", tmp_path / "runtime.log")
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "logminer",
            "mine",
            "--fresh",
            "--catalog",
            "sample.catalog.json",
            "runtime.log",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == quoted, "update the README's `mine` summary"


def _corpus_size(name: str) -> int:
    lines = (ROOT / "tests" / "data" / "secrets" / name).read_text(encoding="utf-8").splitlines()
    return sum(1 for line in lines if line.strip() and not line.startswith("#"))


def test_the_numbers_the_readme_gives_of_secrets_and_caps_are_the_code_s():
    import logminer
    from logminer.catalog.model import MAX_NAME_LENGTH

    settings = logminer.Settings()
    stated = {
        f"{len(logminer.DEFAULT_SECRET_WORDS)}\ndefault words": True,
        f"{_corpus_size('names_secret.txt')} secret names": True,
        f"{_corpus_size('names_benign.txt')}\nordinary ones": True,
        f"{_corpus_size('values_secret.txt')} secret values": True,
        f"{_corpus_size('values_benign.txt')} ordinary ones": True,
        f"at most {settings.max_arguments:,} argument names": True,
        f"at most {settings.max_methods:,}\nmethods": True,
        f"longer than {MAX_NAME_LENGTH} characters": True,
        f"up to {settings.max_exemplars} whole observed calls": True,
    }
    flat = " ".join(README.split())
    missing = [text for text in stated if " ".join(text.split()) not in flat]
    assert missing == [], "the README states other numbers than the code: " + "; ".join(missing)


def test_every_public_name_is_in_the_readme():
    """`logminer.__all__` is what the README documents: no name exported without a word about it."""
    import logminer

    missing = [
        name for name in logminer.__all__ if not re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", README)
    ]
    assert missing == []
