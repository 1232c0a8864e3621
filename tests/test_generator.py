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

import logminer
from tests.helpers import FIXTURE, PHP, SCRIPTS, generate_log, load_script, needs_php

gen = generate_log()
stats = load_script("log_stats")

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


# --------------------------------------------------------------------------- knobs: what the requests hold

# Every knob at once, so that one small log covers each kind of value, nesting and key style.
ALL_KNOBS = {"distinct": 0.9, "nested": 0.5, "blank_line": "mixed", "languages": gen.STYLES, "methods": 40}


def write_log(tmp_path, size: int, profile: str = "dense", seed: int = 5, **knobs):
    """Write a generated log of about ``size`` bytes; return its path and the generator that wrote it."""
    generator = gen.LogGenerator(profile, seed, **knobs)
    path = tmp_path / f"{profile}.log"
    with open(path, "wb") as out:
        gen.write_log(out, size, generator)
    return path, generator


@pytest.mark.parametrize(
    ("profile", "distinct", "size", "tolerance"),
    [
        ("dense", 0.01, 2_000_000, 0.005),
        ("dense", 0.5, 400_000, 0.01),
        ("dense", 0.9, 400_000, 0.02),
        ("noisy", 0.5, 1_000_000, 0.01),
        ("noisy", 0.9, 1_000_000, 0.02),
    ],
)
def test_distinct_share_is_what_was_asked(tmp_path, profile, distinct, size, tolerance):
    """The log's measured share of distinct top-level element lines is the asked one, and the
    generator's own count agrees with the measure line for line."""
    path, generator = write_log(tmp_path, size, profile, distinct=distinct, nested=0.3)
    measured = stats.log_stats(path)
    assert measured.distinct_share == pytest.approx(distinct, abs=tolerance)
    assert measured.element_lines == generator.maker.lines
    assert measured.distinct_element_lines == generator.maker.distinct
    assert measured.requests == generator.requests


def test_distinct_share_holds_with_every_knob(tmp_path):
    """Key styles, deep nesting and synthetic methods do not move the share off the target."""
    path, generator = write_log(tmp_path, 600_000, **ALL_KNOBS)
    measured = stats.log_stats(path)
    assert measured.distinct_share == pytest.approx(0.9, abs=0.02)
    assert measured.distinct_element_lines == generator.maker.distinct


def test_low_and_high_distinct_logs_differ_in_values_not_in_form(tmp_path):
    """At 1% the same lines come back; at 90% nearly every line is new (the miner's hard case)."""
    low = stats.log_stats(write_log(tmp_path, 1_000_000, distinct=0.01)[0])
    high = stats.log_stats(write_log(tmp_path, 1_000_000, distinct=0.9)[0])
    assert low.distinct_element_lines * 20 < high.distinct_element_lines
    assert 2 < low.mean_arguments < 8 and 2 < high.mean_arguments < 8


@pytest.mark.parametrize(
    ("mode", "low", "high"), [("yes", 1.0, 1.0), ("no", 0.0, 0.0), ("mixed", 0.35, 0.65)]
)
def test_blank_line_after_dumps(tmp_path, mode, low, high):
    """--blank-line yes/no/mixed: each dump's closing ')' is followed by a blank line, by none, or either."""
    path, generator = write_log(tmp_path, 300_000, "noisy", blank_line=mode)
    measured = stats.log_stats(path)
    assert low <= measured.blank_share <= high
    assert measured.blank_after_dump == generator.blank_dumps
    text = path.read_text(encoding="utf-8")
    if mode == "no":
        assert "\n)\n\n" not in text  # DEBUG dumps too
        assert "\n)\n[" in text


@pytest.mark.parametrize("nested", [0.0, 0.3, 1.0])
def test_nested_share_and_depth(tmp_path, nested):
    """--nested: that share of requests holds an array with something in it, some four levels deep
    (filter[sub][ids][0], rates[0][intervals][0], settings[billing][invoices][prefix])."""
    path, generator = write_log(tmp_path, 300_000, nested=nested)
    measured = stats.log_stats(path)
    assert measured.nested_share == pytest.approx(nested, abs=0.005)
    assert measured.nested_requests == generator.maker.nested_requests
    if nested:
        assert measured.max_depth == 4
        text = path.read_text(encoding="utf-8")
        for deep in ("            [sub] => Array\n", "                    [ids] => Array\n"):
            assert deep in text
        assert "[intervals] => Array\n" in text and "[cp_modules] => Array\n" in text
    else:
        assert measured.max_depth == 1


def test_languages_spell_keys_in_other_styles(tmp_path):
    """--languages: camelCase and German, Ukrainian and Russian names beside JeraSoft's snake_case;
    a secret's name is never translated."""
    path, _ = write_log(tmp_path, 400_000, languages=gen.STYLES, nested=0.3)
    text = path.read_text(encoding="utf-8")
    keys = set(re.findall(r"^ +\[([^\]\n]*)\] => ", text, re.MULTILINE))
    assert {"id_clients", "idClients", "ід_клієнта", "ид_клиента", "Kundennummer"} <= keys
    assert {"примітка", "назва"} & keys and {"примечание", "название"} & keys
    assert any(not key.isascii() for key in keys if key in {"статус", "дата_від", "дата_с"})
    assert stats.log_stats(path).non_ascii_share > 0.1
    assert not stats.log_stats(write_log(tmp_path, 100_000)[0]).non_ascii_key_requests


def test_varied_values_never_repeat_within_capacity():
    """A varied kind's n-th value is new for every n below its capacity: the element line it makes
    (its first line) has not been made before. Checked in full where the capacity is small."""
    for table in (gen.FIRST, gen.LAST, gen.WORDS, gen.STREET):
        assert all(len(set(words)) == len(words) for words in table.values())
    for kind in gen.VARIED.values():
        count = min(kind.capacity, 10_000 if kind.capacity > 200_000 else kind.capacity)
        first_lines = {kind.value(n).split("\n", 1)[0] for n in range(count)}
        assert len(first_lines) == count, kind.name


def test_values_look_like_a_billings():
    """Names in three scripts, amounts with 2-4 decimals, JeraSoft's datetimes, multi-line and long
    notes, e-mails, phones and IPs; no value line could pass for a key line or carry a secret."""
    sample = {name: [kind.value(n) for n in range(3000)] for name, kind in gen.VARIED.items()}
    people = " ".join(sample["person"] + sample["company"])
    assert re.search("[А-яІіЇїЄє]", people) and re.search("[äöüß]", people) and re.search("[A-Za-z]", people)
    assert {len(a.split(".")[1]) for a in sample["amount"]} == {2, 3, 4}
    assert all(re.fullmatch(r"20[12]\d-\d\d-\d\d \d\d:\d\d:\d\d\+0[23]", v) for v in sample["datetime"])
    assert any("\n" in v for v in sample["notes"]) and any(len(v) > 600 for v in sample["notes"])
    assert all(re.fullmatch(r"[a-z]+[._-][a-z]+\d*@[a-z.]+", v) for v in sample["email"])
    assert all(re.fullmatch(r"\+\d+ [\d ()-]+", v) for v in sample["phone"])
    assert all(re.fullmatch(r"[\d.]+|2001:db8:[\da-f:]+", v) for v in sample["ip"])
    assert max(int(v) for v in sample["id"]) <= 100_000
    for name, values in sample.items():
        for value in values:
            assert not re.search(r"^ *\[|^\)$", value, re.MULTILINE), (name, value)
            assert ("SECRET-" in value) == (name in ("secret", "sid")), (name, value)


@needs_php
def test_every_request_dump_is_php_print_r(php_print_r):
    """Each REQUEST entry's dump is, byte for byte, what php-cli's print_r prints for the arguments
    the generator made: every value kind, arrays four levels deep, Cyrillic and umlaut keys, and the
    blank line (or not) after it."""
    generator = gen.LogGenerator("noisy", 11, **ALL_KNOBS)
    made = []
    make = generator.maker.make

    def recording_make():
        request = make()
        made.append(request)
        return request

    generator.maker.make = recording_make
    entries = []
    for entry in generator.entries():
        if b"] REQUEST: " in entry.split(b"\n", 1)[0]:
            entries.append(entry.decode("utf-8"))
        if len(entries) == 300:
            break
    assert len(made) == len(entries)
    for (_, path, items), entry in zip(made, entries, strict=True):
        head, dump = entry.split("\n", 1)
        assert head.endswith(f"REQUEST: {path}")
        php = php_print_r(dict(items)).decode("utf-8")
        assert dump in (php, php + "\n")
        assert gen.render_dump(items) == php


@pytest.mark.parametrize(
    "knobs",
    [
        {},
        ALL_KNOBS,
        {"distinct": 0.01, "nested": 1.0, "blank_line": "no"},
        {"distinct": 1.0, "nested": 0.0, "languages": ("uk", "ru")},
    ],
    ids=["defaults", "every-knob", "all-nested-no-blank", "all-distinct-cyrillic"],
)
def test_generated_logs_mine_without_skips(tmp_path, knobs):
    """logminer reads every request the generator wrote, none skipped or cut off."""
    path, generator = write_log(tmp_path, 300_000, "noisy", **knobs)
    result = logminer.mine(str(path), logminer.Catalog())
    assert result.report.skipped_count == 0, result.summary()
    assert not result.report.cut_off
    assert result.requests == generator.requests


def test_synthetic_methods_make_a_big_catalog(tmp_path):
    """--methods N: N more methods of about 20 arguments, each called at least once."""
    path, _ = write_log(tmp_path, 600_000, methods=300, distinct=0.5)
    catalog = logminer.Catalog()
    logminer.mine(str(path), catalog)
    synthetic = [m for name, m in catalog.methods.items() if name not in gen.METHODS]
    assert len(synthetic) == 300
    assert 15 <= sum(len(m.arguments) for m in synthetic) / len(synthetic) <= 25


def test_knobs_change_the_log_and_the_seed_reproduces_it():
    """Same seed and knobs, same bytes; each knob changes them."""
    log = gen.generate(50_000, "dense", 2, **ALL_KNOBS)
    assert log == gen.generate(50_000, "dense", 2, **ALL_KNOBS)
    for knob, value in (("distinct", 0.5), ("nested", 0.1), ("blank_line", "no"), ("methods", 0)):
        assert log != gen.generate(50_000, "dense", 2, **{**ALL_KNOBS, knob: value}), knob


@pytest.mark.parametrize(
    "bad",
    [
        {"distinct": 1.5},
        {"nested": -0.1},
        {"blank_line": "sometimes"},
        {"languages": ("klingon",)},
        {"methods": -1},
    ],
)
def test_bad_knobs_are_refused(bad):
    """A knob out of range is a ValueError naming what is allowed."""
    with pytest.raises(ValueError, match=r"distinct|nested|blank_line|languages|methods"):
        gen.Knobs(**bad)


def test_cli_knobs_and_stats(tmp_path):
    """The command line takes the knobs (shares as 0.9 or 90%) and --stats prints what it wrote,
    counted by the generator and measured from the file."""
    out = tmp_path / "runtime.log"
    knobs = ["--distinct", "90%", "--nested", "0.3", "--blank-line", "no", "--languages", "--stats"]
    command = [sys.executable, str(SCRIPTS / "generate_log.py"), str(out), "--size", "200K", *knobs]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    assert "generator: " in run.stderr and "measured: " in run.stderr
    expected = gen.generate(
        200 << 10, "dense", 1, distinct=0.9, nested=0.3, blank_line="no", languages=gen.STYLES
    )
    assert out.read_bytes() == expected
    assert gen.parse_share("90%") == 0.9 and gen.parse_languages("all") == gen.STYLES
    with pytest.raises(Exception, match="share"):
        gen.parse_share("2")


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
