"""print_r read back exactly: real php-cli output in, the same Python structure out.

The one thing left out is print_r's provable ambiguity: a continuation line of a multi-line string
that looks exactly like a structural line (a `[key] => ` line, a lone `(` or `)`, a recursion mark)
can't be told apart from one, so such strings are not generated (see README, "What print_r cannot say").
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import logminer
from logminer import RECURSION, PhpObject, parse_print_r
from tests.helpers import needs_php

# --------------------------------------------------------------------------- expectations


def _php_key(key: str) -> str:
    """The key as print_r shows it (PHP turns canonical integer strings into integer keys)."""
    return key


def expected(value: object) -> object:
    """What the parser should give for a value PHP printed: lists for 0..n-1 keys, strings for leaves."""
    if isinstance(value, list):
        return [expected(item) for item in value]
    if isinstance(value, dict):
        items = [(_php_key(key), expected(item)) for key, item in value.items()]
        if all(key == str(position) for position, (key, _) in enumerate(items)):
            return [item for _, item in items]
        return dict(items)
    return value


_STRUCTURAL = re.compile(r"^(?: *\[.*\] => .*| *\(| *\)| \*RECURSION\*|\[\d\d-[A-Z][a-z]{2}-\d{4} .*)$")


def ambiguous(value: object) -> bool:
    """Whether a value holds print_r's ambiguous case: a continuation line that looks structural."""
    if isinstance(value, dict):
        return any(ambiguous(item) for item in value.values())
    if isinstance(value, list):
        return any(ambiguous(item) for item in value)
    lines = value.split("\n")
    return any(_STRUCTURAL.match(line) for line in lines[1:])


# Text with everything print_r makes hard: brackets, arrows, parens, the word Array, newlines, CR,
# spaces at both ends, non-ASCII.
tricky_text = st.lists(
    st.sampled_from([*list("ab xyz019[]()=>-_:*\n\r\tДжü€😀"), " => ", "Array", "    ", "] => ", "\n    "]),
    max_size=16,
).map("".join)
plain_key = (
    st.lists(st.sampled_from([*list("abcxyz019 _-:[]()Дж€"), "Array", "] =>"]), max_size=8)
    .map("".join)
    .filter(lambda key: "] => " not in key)
)
leaf = st.one_of(
    tricky_text, st.sampled_from(["", "0", "1", "Array", "Foo Object", "2024-01-01 10:00:00+02"])
)
php_value = st.recursive(
    leaf,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(plain_key, children, max_size=5),
    ),
    max_leaves=25,
)
top_value = st.one_of(st.dictionaries(plain_key, php_value, max_size=6), st.lists(php_value, max_size=4))


# --------------------------------------------------------------------------- against php-cli


@needs_php
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(top_value)
def test_parser_reads_back_what_php_printed(php_print_r, value):
    """Any nested array of strings printed by PHP comes back as the same structure."""
    assume(not ambiguous(value))
    printed = php_print_r(value).decode("utf-8")
    assert parse_print_r(printed) == expected(value)


@needs_php
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(top_value, min_size=1, max_size=4))
def test_requests_in_a_log_come_back_whole(php_print_r, values):
    """A log of REQUEST entries written with PHP's print_r gives back each request's arguments."""
    assume(not any(ambiguous(value) for value in values))
    log = "".join(
        f"[20-Jan-2012 17:32:{number:02d}+0200] [webAdmin/#{number}] REQUEST: /clients/add\n"
        + php_print_r(value).decode("utf-8")
        + "\n"
        for number, value in enumerate(values)
    )
    report = logminer.ParseReport()
    requests = logminer.parse_text(log, report)
    assert [request.params for request in requests] == [expected(value) for value in values]
    assert report.skipped_count == 0


@needs_php
@pytest.mark.parametrize(
    "value",
    [
        {"type": "10", "name": "TESTCOMPANY", "id_companies": "", "prepaid": "1", "credit": "0.00"},
        {"notes": "line1\nline2\n", "after": "x"},
        {"notes": "ends with a blank\n\n", "cp_modules": ["c_info", "c_rates"]},
        {"empty": [], "nested_empty": {"a": []}, "x": ""},
        {"Array": "Array", "k ey]x": "v => (a) [b]", "": "empty key", "ключ": "значение 😀"},
        {"fields": [{"id": "3", "value": ""}, {"id": "4", "value": "multi\nline"}]},
        {"deep": {"a": {"b": {"c": {"d": {"e": "5"}}}}}},
        {"tail": "trailing spaces   ", "lead": "   leading", "tab": "\ta\t"},
        {"cr": "windows\r\nnewlines\r\n", "lone": "\r"},
        ["a", "b", ["c"]],
        {"5": "int key", "05": "string key", "-3": "negative"},
    ],
)
def test_hard_cases_read_back_exactly(php_print_r, value):
    """Each hard case named by the issue, printed by PHP, read back as printed."""
    assert parse_print_r(php_print_r(value).decode("utf-8")) == expected(value)


@needs_php
def test_objects_lose_visibility_and_recursion_is_marked():
    """`Class Object` blocks: visibility stripped from property names; `*RECURSION*` read as RECURSION."""
    import subprocess

    from tests.helpers import PHP

    code = r"""
    class Base { private $secret = 's'; }
    class Foo extends Base { public $a = '1'; protected $b = ['x']; private $c = "x\ny"; public $self; }
    $f = new Foo; $f->self = $f;
    $a = ['1']; $a[] = &$a;
    echo print_r(['obj' => $f, 'rec' => $a], true);
    """
    printed = subprocess.run([PHP, "-n", "-r", code], capture_output=True, check=True, text=True).stdout
    value = parse_print_r(printed)
    assert isinstance(value["obj"], PhpObject)
    assert value["obj"].class_name == "Foo"
    assert value["obj"] == {"secret": "s", "a": "1", "b": ["x"], "c": "x\ny", "self": RECURSION}
    # The reference shares $a's table, so PHP stops at the first level.
    assert value["rec"] == ["1", RECURSION]


def test_the_ambiguous_case_is_read_as_structure():
    """Documented: a continuation line shaped like a key at the right column is taken as a key."""
    printed = "Array\n(\n    [notes] => line1\n    [fake] => 3\n)\n"
    assert parse_print_r(printed) == {"notes": "line1", "fake": "3"}


def test_a_continuation_line_at_another_column_stays_in_the_value():
    """Only the exact column makes a key: the same text indented otherwise is part of the value."""
    printed = "Array\n(\n    [notes] => line1\n[fake] => 3\n  [also] => 4\n)\n"
    assert parse_print_r(printed) == {"notes": "line1\n[fake] => 3\n  [also] => 4"}


def test_array_value_without_a_block_is_the_string_array():
    """`[k] => Array` opens a block only when `(` follows 8 columns deeper."""
    printed = (
        "Array\n(\n    [a] => Array\n    [b] => Array\n        (\n            [0] => x\n        )\n\n)\n"
    )
    assert parse_print_r(printed) == {"a": "Array", "b": ["x"]}
