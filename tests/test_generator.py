"""Tests for the log generators in scripts/.

``generate_log.print_r`` is checked byte for byte against the real PHP print_r; the
synthetic logs and the PHP-made fixture are checked for the shape the parser relies on.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import Counter
from datetime import datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.helpers import FIXTURE, PHP, SCRIPTS, generate_log, needs_php

gen = generate_log()

HEADER = re.compile(
    r"^\[(?P<stamp>\d\d-(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)-\d{4} \d\d:\d\d:\d\d[+-]\d{4})\] "
    r"\[(?P<component>webAdmin|webClient|jsonrpc|cron|daemon)/#(?P<number>\d+)\] "
    r"(?P<kind>REQUEST|SQL|NOTICE|DEBUG|WARNING|ERROR|INFO): (?P<text>.*)$"
)
SECRET_KEYS = ("cp_password", "password", "pin", "SID", "api_token")
SECRET_LINE = re.compile(rf"^ *\[(?:{'|'.join(SECRET_KEYS)})\] => SECRET-")


# --------------------------------------------------------------------------- print_r: known output


def test_print_r_matches_the_published_sample():
    """The companies.add sample from JeraSoft's docs, with the trailing space the docs lost."""
    args = {"type": "10", "name": "TESTCOMPANY", "id_companies": "", "prepaid": "1", "credit": "0.00"}
    assert gen.print_r(args) == (
        "Array\n(\n    [type] => 10\n    [name] => TESTCOMPANY\n    [id_companies] => \n"
        "    [prepaid] => 1\n    [credit] => 0.00\n)\n"
    )


def test_print_r_nests_eight_columns_deeper_with_a_blank_line_after():
    """Nested parens sit 8 columns in, elements 4 past them, and a nested ')' is followed by a blank line."""
    assert gen.print_r({"a": {"b": []}, "c": "x"}) == (
        "Array\n(\n"
        "    [a] => Array\n        (\n"
        "            [b] => Array\n                (\n                )\n\n"
        "        )\n\n"
        "    [c] => x\n"
        ")\n"
    )


def test_print_r_scalars_at_top_level():
    """Scalars print bare, with no newline: true is 1, false and null are empty."""
    assert [gen.print_r(v) for v in ("x", "", 7, 2.5, True, False, None)] == [
        "x",
        "",
        "7",
        "2.5",
        "1",
        "",
        "",
    ]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (0.1, "0.1"),
        (1.0, "1"),
        (-0.0, "-0"),
        (1e20, "1.0E+20"),
        (1e14, "1.0E+14"),
        (1e13, "10000000000000"),
        (0.0001, "0.0001"),
        (0.00001, "1.0E-5"),
        (1 / 3, "0.33333333333333"),
        (0.1 + 0.2, "0.3"),
        (123456789012345.0, "1.2345678901234E+14"),
        (12345678901234.5, "12345678901234"),  # exact half: rounds to even
        # Exact halves rounded down to even keep their trailing zeros (found by the random test).
        (758488703990405.0, "7.5848870399040E+14"),
        (100000000000005.0, "1.0000000000000E+14"),
        (758488703990400.0, "7.584887039904E+14"),
        (100000000000015.0, "1.0000000000002E+14"),
        (5e-324, "4.9406564584125E-324"),
        (-1.5e300, "-1.5E+300"),
        (float("nan"), "NAN"),
        (float("-inf"), "-INF"),
    ],
)
def test_php_float_uses_precision_14(value, text):
    """Floats follow PHP's precision=14 conversion, values taken from php-cli 8.2."""
    assert gen.php_float(value) == text


def test_print_r_objects_and_recursion_without_php():
    """Objects print '<Class> Object', recursion prints the marker on its own line."""
    obj = gen.PhpObject("P", {"a": 1, "b:protected": [], "self": gen.Recursion("P Object")})
    assert gen.print_r(obj) == (
        "P Object\n(\n    [a] => 1\n    [b:protected] => Array\n        (\n        )\n\n"
        "    [self] => P Object\n *RECURSION*\n)\n"
    )


# --------------------------------------------------------------------------- print_r: against PHP

FIXED_CASES = {
    "request": {"apply": "1", "cp_modules": ["c_info", "c_xdrs"], "fields": [{"id": "3", "value": ""}]},
    "three_levels": {"settings": {"billing": {"invoices": {"prefix": "INV-"}, "rounding": "4"}}, "x": []},
    "empty_top": [],
    "empty_nested": {"a": [], "b": {}, "c": [[]]},
    "empty_strings": {"": "", "k": ""},
    "multi_line": {"notes": "one\ntwo\r\nthree\n", "c_address": "Line 1\n\n    Suite 400", "z": "\n"},
    "looks_like_keys": {"notes": "Tariff:\n[peak] => 0.05\n    [x] => y", "v": "Array", "w": "a => [b] (c)"},
    "unicode": {"ООО Ромашка": "Ελληνικά", "名前": "株式会社テレコム 🚀", "key with spaces": "trailing   "},
    "odd_keys": {"label[en]": "x", "a]b": "y", "12": "numeric string key", "007": "kept as string"},
    "int_keys": {5: "a", -3: "b", 0: "c"},
    "floats": [0.1, 1.0, 1e20, 1e14, 1e13, 0.0001, 1e-5, -0.0, 1 / 3, 5e-324, 1.7976931348623157e308],
    "special_floats": [float("nan"), float("inf"), float("-inf"), 12345678901234.5, 99999999999999.5],
    "scalars": [True, False, None, 0, -1, 2**63 - 1, -(2**63) + 1, ""],
    "top_string": "just a string\nwith a newline",
    "top_int": 42,
    "top_float": 2.5e-7,
    "top_true": True,
    "top_null": None,
}


@needs_php
@pytest.mark.parametrize("name", sorted(FIXED_CASES))
def test_print_r_matches_php(php_print_r, name):
    """Each fixed case prints exactly like PHP's print_r."""
    value = FIXED_CASES[name]
    assert gen.print_r(value).encode("utf-8") == php_print_r(value)


@needs_php
def test_print_r_objects_and_recursion_match_php():
    """Objects with public/protected/private (own and inherited) props, and *RECURSION*."""
    code = r"""
        class Base { private $storage = 'files'; }
        class User extends Base {
            public $login = 'admin'; protected $roles = ['a']; private $idle = null; public $self;
        }
        $u = new User(); $u->self = $u;
        $a = ['x' => 1]; $a['me'] = &$a;
        print_r([$u, $a]);
    """
    php = subprocess.run([PHP, "-n", "-r", code], capture_output=True, check=True).stdout
    # PHP lists the parent's private property first, tagged with the class that declares it.
    user = gen.PhpObject(
        "User",
        {
            "storage:Base:private": "files",
            "login": "admin",
            "roles:protected": ["a"],
            "idle:User:private": None,
            "self": gen.Recursion("User Object"),
        },
    )
    # The copy in the outer array shares its table with $a, so PHP stops at the first level.
    array = {"x": 1, "me": gen.Recursion()}
    assert gen.print_r([user, array]).encode() == php


# Text that favours the characters print_r's format is made of.
TEXT = st.text(
    alphabet=st.one_of(st.sampled_from("[]()=> \n\r\tArray*"), st.characters(exclude_categories=("Cs",))),
    max_size=12,
)
SCALARS = st.one_of(
    TEXT,
    st.integers(min_value=-(2**63) + 1, max_value=2**63 - 1),  # PHP_INT_MIN has no literal
    st.floats(),
    st.booleans(),
    st.none(),
)
PHP_VALUES = st.recursive(
    SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(TEXT, children, max_size=4),
        st.dictionaries(st.integers(min_value=-1000, max_value=1000), children, max_size=4),
    ),
    max_leaves=20,
)


@needs_php
@settings(max_examples=50, deadline=None)
@given(value=PHP_VALUES)
def test_print_r_matches_php_on_random_values(php_print_r, value):
    """Random nested arrays of every scalar type print exactly like PHP."""
    assert gen.print_r(value).encode("utf-8") == php_print_r(value)


# --------------------------------------------------------------------------- generated logs


def split_entries(entries: list[str]) -> tuple[list[dict], list[str]]:
    """Headers of the generated entries (with their text and size), and the stray lines."""
    parsed, strays = [], []
    for entry in entries:
        match = HEADER.match(entry.split("\n", 1)[0])
        if match:
            parsed.append({**match.groupdict(), "entry": entry, "size": len(entry.encode("utf-8"))})
        else:
            strays.append(entry)
    return parsed, strays


def small_log(profile: str, size: int = 300_000, seed: int = 5) -> list[str]:
    """Entries of a generated log of about ``size`` bytes."""
    out, total = [], 0
    for entry in gen.iter_entries(profile, seed):
        out.append(entry)
        total += len(entry.encode("utf-8"))
        if total >= size:
            return out
    raise AssertionError("unreachable")


def request_share(parsed: list[dict]) -> float:
    """Fraction of the bytes that REQUEST entries take."""
    return sum(p["size"] for p in parsed if p["kind"] == "REQUEST") / sum(p["size"] for p in parsed)


@pytest.mark.parametrize("profile", ["dense", "noisy"])
def test_generated_entries_have_valid_headers_in_order(profile):
    """Every entry opens with a header; time and request numbers never go back."""
    parsed, strays = split_entries(small_log(profile))
    assert all(s.encode() in gen.STRAY_LINES for s in strays)
    stamps = [datetime.strptime(p["stamp"], "%d-%b-%Y %H:%M:%S%z") for p in parsed]
    numbers = [int(p["number"]) for p in parsed]
    assert stamps == sorted(stamps)
    assert numbers == sorted(numbers)
    assert {s.utcoffset().total_seconds() for s in stamps} == {7200}


@pytest.mark.parametrize("profile", ["dense", "noisy"])
def test_generated_requests_are_print_r_dumps(profile):
    """A REQUEST is a path line, then print_r's Array block, then one blank line."""
    requests = [p for p in split_entries(small_log(profile))[0] if p["kind"] == "REQUEST"]
    assert len(requests) > 30
    for req in requests:
        assert req["text"].startswith("/")
        lines = req["entry"].split("\n")
        assert lines[1:3] == ["Array", "("]
        assert req["entry"].endswith("\n)\n\n")


def test_dense_profile_is_nearly_all_requests():
    """dense: REQUEST entries are over 90% of the bytes and cover the method table."""
    parsed, strays = split_entries(small_log("dense"))
    assert request_share(parsed) > 0.9
    methods = {p["text"].split("?")[0] for p in parsed if p["kind"] == "REQUEST"}
    assert len(methods) >= 30
    assert not strays


def test_noisy_profile_is_a_tenth_requests_and_every_kind_of_noise():
    """noisy: about 10% REQUEST bytes; SQL, traces, DEBUG dumps and stray lines all occur."""
    parsed, strays = split_entries(small_log("noisy", size=600_000))
    assert 0.07 < request_share(parsed) < 0.13
    kinds = Counter(p["kind"] for p in parsed)
    assert {"SQL", "DEBUG", "NOTICE", "INFO"} <= set(kinds)
    assert any("\n#0 /opt/jerasoft/" in p["entry"] for p in parsed)
    assert any(
        "*RECURSION*" in p["entry"] and "Object\n" in p["entry"] for p in parsed if p["kind"] == "DEBUG"
    )
    assert strays


@pytest.mark.parametrize("profile", ["dense", "noisy"])
def test_generated_secrets_only_sit_under_secret_keys(profile):
    """Every SECRET- value is the value of a password, pin, SID or token key."""
    text = "".join(small_log(profile))
    lines = [line for line in text.split("\n") if "SECRET-" in line]
    assert lines
    assert all(SECRET_LINE.match(line) for line in lines), [ln for ln in lines if not SECRET_LINE.match(ln)][
        :3
    ]


def test_generate_is_deterministic_and_stops_on_an_entry_boundary():
    """Same seed, same bytes; a different seed differs; it stops at the first entry past the size."""
    log = gen.generate(100_000, "noisy", seed=7)
    assert log == gen.generate(100_000, "noisy", seed=7)
    assert log != gen.generate(100_000, "noisy", seed=8)
    entries = small_log("noisy", size=100_000, seed=7)
    assert log == "".join(entries).encode()
    assert len(log) >= 100_000 > len(log) - len(entries[-1].encode())


def test_cli_writes_the_same_log_as_the_library(tmp_path):
    """The command line writes generate()'s bytes, in blocks, to a file or stdout."""
    out = tmp_path / "runtime.log"
    cmd = [sys.executable, str(SCRIPTS / "generate_log.py")]
    run = subprocess.run(
        [*cmd, str(out), "--size", "64K", "--profile", "noisy", "--seed", "3"], capture_output=True
    )
    assert run.returncode == 0, run.stderr
    assert b"MB/s" in run.stderr
    assert out.read_bytes() == gen.generate(64 * 1024, "noisy", seed=3)
    piped = subprocess.run([*cmd, "-", "--size", "10K"], capture_output=True, check=True).stdout
    assert piped == gen.generate(10 * 1024, "dense", seed=1)


@pytest.mark.parametrize(
    ("text", "size"),
    [("200MB", 200 << 20), ("512K", 512 << 10), ("1.5G", 3 << 29), ("1000", 1000), ("64kib", 64 << 10)],
)
def test_parse_size(text, size):
    """Sizes take binary K/M/G suffixes, with or without B."""
    assert gen.parse_size(text) == size


def test_parse_size_rejects_nonsense():
    """A bad size is a usage error, not a crash."""
    with pytest.raises(Exception, match="not a size"):
        gen.parse_size("lots")


# --------------------------------------------------------------------------- the PHP-made fixture


def fixture_text() -> str:
    """fixtures/runtime.log as text, line endings untouched."""
    return FIXTURE.read_bytes().decode("utf-8")


@needs_php
def test_fixture_is_reproducible():
    """make_fixture.php is seeded: rerunning it gives the committed fixture byte for byte."""
    made = subprocess.run([PHP, str(SCRIPTS / "make_fixture.php")], capture_output=True, check=True).stdout
    assert made == FIXTURE.read_bytes()


def test_fixture_shape():
    """Enough methods and calls, a third noise, ordered headers, and it ends on a full entry."""
    text = fixture_text()
    parsed = [HEADER.match(line) for line in text.split("\n")]
    parsed = [m for m in parsed if m]
    kinds = Counter(m["kind"] for m in parsed)
    methods = Counter(m["text"].split("?")[0] for m in parsed if m["kind"] == "REQUEST")
    assert 300 <= len(parsed) <= 600
    assert len(methods) >= 35
    assert methods["/clients/add"] >= 10
    assert 0.3 <= 1 - kinds["REQUEST"] / len(parsed) <= 0.4
    assert {"SQL", "NOTICE", "DEBUG", "WARNING", "ERROR", "INFO"} <= set(kinds)
    assert [int(m["number"]) for m in parsed] == sorted(int(m["number"]) for m in parsed)
    assert {m["component"] for m in parsed} >= {"webAdmin", "webClient", "jsonrpc"}
    assert text.endswith("\n)\n\n")


def test_fixture_secrets_only_sit_under_secret_keys():
    """All secret kinds occur, and every SECRET- value is under a secret key."""
    lines = [line for line in fixture_text().split("\n") if "SECRET-" in line]
    assert all(SECRET_LINE.match(line) for line in lines), [ln for ln in lines if not SECRET_LINE.match(ln)][
        :3
    ]
    keys = {re.match(r" *\[(\w+)\]", line)[1] for line in lines}
    assert keys == set(SECRET_KEYS)
    assert "    [auth] => Array\n        (\n            [login] => api_billing\n" in fixture_text()


def test_fixture_holds_the_hard_cases():
    """The values a print_r reader most often gets wrong are all in the fixture."""
    text = fixture_text()
    for needle in (
        "[name] => ООО Ромашка\n",
        "Ελληνικά",
        "株式会社テレコム",
        "🚀",
        "\r\n",
        "[c_company] => Array\n    [",  # the string "Array", not a nested array
        "[name] => Trailing Spaces Ltd   \n",
        "[comment] => Rates [EU] => (wholesale) update\n",
        "[notes] => Tariff changes:\n[peak] => 0.05\n",
        "[contract no] => ",
        "[примечание] => ",
        "[label[en]] => ",
        "[cp_modules] => Array\n        (\n        )\n\n",
        "[fields] => Array\n        (\n            [0] => Array\n                (\n",
        "[billing] => Array\n                (\n                    [invoices] => Array\n",
        "2001:db8:85a3::8a2e:370:7334",
        "REQUEST: /clients/list?page=2\n",
        "REQUEST: /reports/summary/export\n",
        "REQUEST: /packages/list\nArray\n(\n)\n\n",
        " *RECURSION*\n",
        ":protected] => ",
        ":Db_Result:private] => ",
        "\nPHP Warning:  ",
        "WARNING: Slow REQUEST: ",
    ):
        assert needle in text, needle
