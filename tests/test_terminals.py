"""``logminer/log/terminals.py`` keeps the grammar's terminals that mining needs, so that mining a log of flat
requests does not build the LALR parser. It must hold exactly what Lark makes of the grammar."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import lark
import pytest

from logminer.log import grammar as _grammar
from logminer.log import patterns as _patterns
from logminer.log import terminals as _terminals
from tests.helpers import ROOT


def test_the_kept_terminals_are_what_lark_compiles_from_this_grammar():
    grammar = hashlib.sha256(_patterns.GRAMMAR_PATH.read_bytes()).hexdigest()
    assert grammar == _terminals.GRAMMAR_SHA256, "runtime.lark changed: run scripts/derive_terminals.py"
    expected = _grammar.terminals_from_parser()
    assert set(expected) == set(_patterns.PATTERN_TERMINALS)
    if lark.__version__ == _terminals.LARK_VERSION:
        assert expected == _terminals.TERMINALS, "run scripts/derive_terminals.py"
    assert _patterns.grammar_terminals() == expected


@pytest.mark.parametrize("changed", ["GRAMMAR_SHA256", "LARK_VERSION"])
def test_another_grammar_or_lark_reads_the_terminals_from_the_parser(monkeypatch, changed):
    monkeypatch.setattr(_terminals, changed, "something else")
    monkeypatch.setattr(_terminals, "TERMINALS", {"ENTRY": "not used"})
    assert _patterns.grammar_terminals() == _grammar.terminals_from_parser()


def test_mining_flat_requests_does_not_build_the_parser(tmp_path):
    """Flat requests, other entries and stray lines: no LALR parser (it costs more to build than a
    small log takes to mine). A nested dump four levels deep needs it."""
    header = "[20-Jan-2012 17:32:0{}+0200] [webAdmin/#1] {}\n"
    flat = header.format(1, "REQUEST: /clients/add") + "Array\n(\n    [id] => 1\n    [note] => a\nb\n)\n\n"
    flat += header.format(2, "SQL: SELECT 1") + "PHP Notice: stray\n"
    deep = header.format(3, "REQUEST: /clients/add") + "Array\n(\n    [a] => Array\n        (\n"
    deep += "            [b] => Array\n                (\n                    [c] => Array\n"
    deep += "                        (\n                            [d] => Array\n"
    deep += "                                (\n                                    [e] => 1\n"
    deep += "                                )\n\n                        )\n\n                )\n\n"
    deep += "        )\n\n)\n\n"
    script = (
        "import sys, logminer\n"
        "from logminer.log import grammar as _grammar\n"
        "logminer.mine(sys.argv[1], logminer.Catalog())\n"
        "print(_grammar._SHARED is not None)\n"
    )
    built = {}
    for name, text in {"flat": flat, "deep": flat + deep}.items():
        log = tmp_path / f"{name}.log"
        log.write_text(text)
        command = [sys.executable, "-c", script, str(log)]
        run = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
        assert run.returncode == 0, run.stderr
        built[name] = run.stdout.strip()
    assert built == {"flat": "False", "deep": "True"}
