"""Shell completion as bash asks for it: method names, then the argument names of that method.

Each test sets what click's bash script sets (``COMP_WORDS``, ``COMP_CWORD`` and
``_LOGMINER_COMPLETE=bash_complete``) and reads the ``type,value`` lines it answers with.
"""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from logminer.cli import main
from tests.helpers import mine_catalog


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    """A catalog file of the sample log."""
    return mine_catalog(tmp_path_factory.mktemp("completion"))


def complete(line: str, env: dict | None = None) -> list[str]:
    """What bash gets when TAB is pressed at the end of ``line`` (a trailing space: a new word)."""
    words = line.split()
    cword = len(words) if line.endswith(" ") else len(words) - 1
    environment = {"_LOGMINER_COMPLETE": "bash_complete", "COMP_WORDS": line, "COMP_CWORD": str(cword)}
    result = CliRunner().invoke(main, [], env={**environment, **(env or {})}, prog_name="logminer")
    assert result.exit_code == 0, result.output
    return [answer.split(",", 1)[1] for answer in result.output.splitlines() if answer]


@pytest.mark.parametrize("command", ["show", "check", "call", "download"])
def test_method_names_complete_from_the_catalog_given_on_the_command_line(catalog, command):
    assert complete(f"logminer {command} --catalog {catalog} clients.ed") == [
        "clients.edit",
        "clients.editForm",
    ]


def test_method_names_complete_from_logminer_catalog(catalog):
    assert complete("logminer show clients.add", {"LOGMINER_CATALOG": str(catalog)}) == [
        "clients.add",
        "clients.addForm",
    ]


@pytest.mark.parametrize("command", ["check", "call"])
def test_argument_names_of_the_method_complete_after_it(catalog, command):
    """After the method: its argument names with `=`, those already given left out (lists repeat)."""
    answers = complete(f"logminer {command} --catalog {catalog} clients.add cp_modules[]=c_info cp_")
    assert answers == ["cp_login=", "cp_modules[]=", "cp_password="]
    answers = complete(f"logminer {command} --catalog {catalog} clients.add id_currencies=2 id_c")
    assert answers == ["id_clients=", "id_companies="]


def test_nothing_completes_without_a_catalog(tmp_path):
    """No catalog file: no answers, and no error on the terminal."""
    assert complete(f"logminer show --catalog {tmp_path / 'none.json'} cl") == []


def test_columns_complete_from_the_field_names():
    assert complete("logminer methods --columns method,la") == ["method,last_seen"]
