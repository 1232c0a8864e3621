"""Mining reads most requests on the fast road and counts them in bulk (``mining.tally``); the catalog
and notes must be exactly those of counting the parser's Request records one by one, whatever road a
request takes through the code."""

from __future__ import annotations

import io
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logminer
from logminer.catalog.exemplars import Exemplar
from logminer.log import reader as _reader
from logminer.mining import tally as _tally
from logminer.mining.mine import count_source
from tests.helpers import ROOT
from tests.helpers import generate_log as _generator
from tests.test_bench import bench

CORPUS = sorted((ROOT / "tests" / "fuzz_corpus").glob("*.log"))
HEADER = "[20-Jan-2012 17:32:{:02d}+0200] [webAdmin/#{}] REQUEST: /{}\n"


def _parser_only(dumps: list[str]) -> tuple:
    """The reader's vouching, refusing every dump: each request goes to the LALR parser."""
    return dumps, [[] for _ in dumps], {}, [False] * len(dumps)


def one_by_one(data: bytes) -> tuple[dict, logminer.ParseReport]:
    """The catalog and report of counting every Request record in turn, every request read by the
    LALR parser (no fast road, no tally): the oracle the fast road and bulk counting must equal."""
    catalog, report = logminer.Catalog(), logminer.ParseReport()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_reader, "_vouch", _parser_only)
        catalog.add_all(request for request in logminer.parse(io.BytesIO(data), report) if request.method)
    return catalog.to_dict()["methods"], report


def in_bulk(data: bytes) -> tuple[dict, logminer.ParseReport]:
    catalog = logminer.Catalog()
    result = logminer.mine(io.BytesIO(data), catalog)
    return catalog.to_dict()["methods"], result.report


def notes(report: logminer.ParseReport) -> tuple:
    return (
        report.requests,
        dict(report.entries),
        [(s.line, s.reason, s.bad_line) for s in report.skipped],
        [(c.line, c.reason) for c in report.cut_off],
    )


def assert_same(data: bytes) -> dict:
    try:
        expected, expected_report = one_by_one(data)
    except logminer.SourceError as error:
        result = logminer.mine(io.BytesIO(data), logminer.Catalog())
        assert result.failures == [str(error)] and result.requests == 0
        return {}
    methods, report = in_bulk(data)
    # Compared as JSON text: everything, exemplars and days included, in the catalog's own order.
    assert json.dumps(methods) == json.dumps(expected)
    assert notes(report) == notes(expected_report)
    return methods


@pytest.fixture(scope="module")
def generated() -> dict[str, bytes]:
    generator = _generator()
    logs = {}
    for profile in ("dense", "noisy"):
        data = generator.generate(600 << 10, profile, 3)
        logs[profile] = data if isinstance(data, bytes) else data.encode("utf-8")
    return logs


@pytest.mark.parametrize("profile", ["dense", "noisy"])
def test_generated_logs_give_the_same_catalog_and_notes(generated, profile):
    methods = assert_same(generated[profile])
    assert len(methods) > 30


# Every profile scripts/bench measures, and more: names in other languages and styles, blank lines
# after some dumps and not others. Each as a small log: the same catalog as record by record.
BENCH_PROFILES = [
    *bench.PROFILES.split(","),
    *("dense:d90:n30:mixed:lang", "noisy:d90:n30:noblank:lang", "dense:d1:n60:mixed:lang"),
]


@pytest.mark.parametrize("spec", BENCH_PROFILES)
def test_logs_of_every_bench_profile_give_the_same_catalog_and_notes(spec):
    profile = bench.Profile.parse(spec)
    knobs = dict(profile.knobs)
    generator = _generator()
    options = {
        "distinct": float(knobs.get("--distinct", "0.01")),
        "nested": float(knobs.get("--nested", "0.2")),
        "blank_line": knobs.get("--blank-line", "yes"),
        "languages": generator.parse_languages(knobs.get("--languages", "snake")),
    }
    data = generator.generate((150 if profile.base == "dense" else 600) << 10, profile.base, 5, **options)
    methods = assert_same(data)
    assert sum(method["calls"] for method in methods.values()) > 100


def test_the_sample_gives_the_same_catalog_and_notes():
    methods = assert_same((ROOT / "fixtures" / "runtime.log").read_bytes())
    assert methods["clients.add"]["calls"] > 10


@pytest.mark.parametrize("path", CORPUS, ids=[path.name for path in CORPUS])
def test_every_nasty_input_gives_the_same_catalog_and_notes(path):
    assert_same(path.read_bytes())


@pytest.mark.parametrize(
    "setting",
    [
        (_tally, "FLUSH_ELEMENTS", 1),  # counts handed to the catalog after every chunk
        (_tally, "FLUSH_CHARACTERS", 1),
    ],
    ids=["flush-often", "flush-by-size"],
)
def test_every_path_through_the_code_gives_the_same(generated, monkeypatch, setting):
    module, name, value = setting
    monkeypatch.setattr(module, name, value)
    for data in generated.values():
        assert_same(data)
    assert_same((ROOT / "tests" / "fuzz_corpus" / "impossible-timestamp-day-99.log").read_bytes())


def test_small_chunks_give_the_same(generated):
    """Chunks of a few entries: runs, line numbers and flushes at many more boundaries."""
    data = generated["noisy"][: 200 << 10]
    data = data[: data.rindex(b"\n[") + 1]
    expected, report = logminer.Catalog(), logminer.ParseReport()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_reader, "_vouch", _parser_only)
        expected.add_all(r for r in logminer.parse(io.BytesIO(data), report, chunk_size=4096) if r.method)
    catalog = logminer.Catalog()
    reader = _reader.open_reader(io.BytesIO(data), chunk_size=4096)
    parser = _reader.SourceReader(reader, logminer.ParseReport())
    count_source(parser, catalog)
    assert json.dumps(catalog.to_dict()["methods"]) == json.dumps(expected.to_dict()["methods"])
    assert notes(parser.report) == notes(report)
    assert parser.report.requests > 50


def entry(second: int, path: str, body: str) -> str:
    return HEADER.format(second, second, path) + body


pieces = st.sampled_from([*"ab1 -:@.\n]Ж", "Array", "    [x] => y", "    [x]", ")"])
values = st.lists(pieces, max_size=8).map("".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["clients/add", "clients/add?x=1", "clients/list", "/", "rates/edit"]),
            st.lists(st.tuples(st.sampled_from(["id", "name", "SID", "fields", "note"]), values), max_size=5),
            st.sampled_from(
                [
                    *["", "SQL: SELECT 1\n", "NOTICE: x\nmore\n", "[odd header\n"],
                    # Stray lines after the dump, with no header of their own.
                    *["~PHP Notice: x\n", "~    [x] => y\n)\n", "~\n\n"],
                ]
            ),
            st.sampled_from(["flat", "nested", "empty", "no dump", "unclosed", "no Array line"]),
        ),
        max_size=12,
    )
)
def test_random_request_sequences_give_the_same(requests):
    """Random requests (one-line, multi-line and nested values; transport keys; the same method
    under two paths; broken dumps), with other entries between them: the same catalog and the
    same notes as one by one."""
    text = []
    for second, (path, pairs, other, shape) in enumerate(requests):
        lines = ["Array", "("]
        for key, value in dict(pairs).items():
            if shape == "nested" and key == "fields":
                lines += [f"    [{key}] => Array", "        (", f"            [0] => {value}"]
                lines += ["        )", ""]
            else:
                lines.append(f"    [{key}] => {value}")
        lines += [")", "", ""]
        if shape == "empty":
            lines = ["Array", "(", ")", "", ""]
        elif shape == "no dump":
            lines = [""]
        elif shape == "unclosed":
            lines = [*lines[:-3], ""]
        elif shape == "no Array line":
            lines = lines[1:]
        text.append(entry(second % 60, path, "\n".join(lines)))
        if other.startswith("~"):
            text.append(other[1:])
        elif other:
            text.append(f"[20-Jan-2012 17:33:00+0200] [webAdmin/#1] {other}")
    assert_same("".join(text).encode("utf-8"))


@pytest.mark.parametrize("path", ["clients/add", "/"])
def test_a_dump_with_stray_lines_after_it_ends_where_its_elements_end(path):
    """A nested value of several lines may hold a `)` line of its own (`[0] => \\n)`); with stray
    lines after the dump, the fast road took that line for the dump's end (found by the random
    sequences below)."""
    lines = ["Array", "(", "    [fields] => Array", "        (", "            [0] => \n)"]
    lines += ["        )", "", ")"]
    methods = assert_same((entry(0, path, "\n".join([*lines, "", ""])) + "PHP Notice: x\n").encode())
    if path != "/":
        assert methods["clients.add"]["arguments"]["fields[]"]["examples"] == ["\n)"]


def test_a_repeated_impossible_time_is_skipped_every_time():
    """A header time that names no moment is skipped each time it appears (a cache once let the
    second one through with the previous request's time)."""
    good = entry(1, "clients/list", "Array\n(\n    [id] => 1\n)\n\n")
    bad = "[99-Jan-2012 17:32:02+0200] [webAdmin/#2] REQUEST: /clients/add\nArray\n(\n    [id] => 2\n)\n\n"
    methods = assert_same((good + bad + bad).encode())
    _, report = in_bulk((good + bad + bad).encode())
    assert report.skip_reasons["impossible time in the REQUEST header"] == 2
    assert "clients.add" not in methods


def test_header_kinds_of_every_shape_are_counted_as_one_by_one():
    """Other entries are counted by kind from their header, in bytes, without decoding them."""
    shapes = ["SQL: x", "NOTICE: y", "Debug: z", "ÄÖ: u", "no colon here", "x] ] SQL: w", "REQUEST: /nope"]
    header = "[20-Jan-2012 17:32:00+0200] [webAdmin{}] {}\n"
    text = "".join(header.format(index, shape) for index, shape in enumerate(shapes))
    text += entry(5, "clients/list", "Array\n(\n    [id] => 1\n)\n\n")
    _, report = in_bulk(text.encode())
    expected = {"SQL": 1, "NOTICE": 1, "?": 3, "ÄÖ": 1, "REQUEST": 2}
    assert dict(report.entries) == expected
    assert_same(text.encode())


def test_a_key_written_twice_in_one_dump_counts_once_as_the_parser_reads_it():
    """A damaged log can repeat a key (PHP cannot): the parser keeps the last value, once."""
    dump = "Array\n(\n    [id] => 1\n    [id] => 2\n    [name] => x\n)\n\n"
    methods = assert_same((entry(1, "clients/add", dump) + entry(2, "clients/add", dump)).encode())
    assert methods["clients.add"]["arguments"]["id"]["seen"] == 2
    assert methods["clients.add"]["arguments"]["id"]["values"] == {"2": 2}


def test_stray_lines_after_a_dump_are_noise_and_the_request_counts():
    """A PHP notice written without a header after a dump does not cost the request."""
    dump = "Array\n(\n    [id] => 1\n)\n\nPHP Notice:  Undefined variable\n    [x] => y\n"
    methods = assert_same((entry(1, "clients/add", dump) + entry(2, "clients/list", dump)).encode())
    assert methods["clients.add"]["calls"] == 1 and list(methods["clients.add"]["arguments"]) == ["id"]


def test_a_value_line_that_begins_like_a_key_but_has_no_arrow_stays_in_the_value():
    """`    [x` with no ` => ` continues the value above it. Mining cuts dumps into elements at
    lines that begin with `    [`, so such a dump is counted another way, with the same result."""
    dump = "Array\n(\n    [note] => first\n    [x\n    [id] => 1\n)\n\n"
    methods = assert_same((entry(1, "clients/add", dump) + entry(2, "clients/add", dump)).encode())
    arguments = methods["clients.add"]["arguments"]
    assert list(arguments) == ["id", "note"] and arguments["note"]["seen"] == 2


@pytest.mark.parametrize(
    "dump",
    [
        # A nested block left open, then a line that is no element: the element pattern finds as
        # many elements as there are pieces, but not where the pieces are.
        "Array\n(\n    [a] => Array\n        (\n            [b] => 1\n    [zzz\n)\n\n",
        # A nested block left open before the next key.
        "Array\n(\n    [a] => Array\n        (\n            [b] => 1\n    [c] => 2\n)\n\n",
        # An element with nothing after its bracket, an empty dump, a dump with a blank line.
        "Array\n(\n    [\n)\n\n",
        "Array\n(\n)\n\n",
        "Array\n(\n\n)\n\n",
    ],
    ids=["open-block-and-no-arrow", "open-block", "bare-bracket", "empty", "blank-line"],
)
def test_dumps_the_element_split_cannot_vouch_for_give_the_same(dump):
    good = entry(1, "clients/list", "Array\n(\n    [id] => 1\n    [name] => x\n)\n\n")
    text = good + entry(2, "clients/list", dump) + entry(3, "clients/add", dump) + good
    assert_same(text.encode())


def test_arguments_are_listed_in_one_order_across_ways_of_counting():
    """Requests counted by pieces and requests read line by line, one method under two paths:
    the catalog lists arguments by name, whatever order or road they came by."""
    deep = "Array\n(\n    [a] => Array\n        (\n            [b] => Array\n                (\n"
    deep += "                    [c] => Array\n                        (\n"
    deep += "                            [d] => Array\n                                (\n"
    deep += "                                    [e] => 1\n                                )\n\n"
    deep += "                        )\n\n                )\n\n        )\n\n    [late] => 1\n)\n\n"
    text = entry(1, "clients/add", "Array\n(\n    [first] => 1\n)\n\n")
    text += entry(2, "clients/add?x=1", deep)
    text += entry(3, "clients/add", "Array\n(\n    [second] => 1\n    [late] => 2\n)\n\n")
    methods = assert_same(text.encode())
    assert list(methods["clients.add"]["arguments"]) == [
        "a",
        "a[b]",
        "a[b][c]",
        "a[b][c][d]",
        "a[b][c][d][e]",
        "first",
        "late",
        "second",
    ]


def test_times_that_go_back_or_change_month_give_the_same_first_and_last_seen():
    text = ""
    for second, stamp in enumerate(["20-Jan-2012 17:32:09", "20-Jan-2012 17:32:01", "03-Feb-2012 01:00:00"]):
        header = f"[{stamp}+0200] [webAdmin/#{second}] REQUEST: /clients/add\n"
        text += header + "Array\n(\n    [id] => 1\n)\n\n"
    methods = assert_same(text.encode())
    assert methods["clients.add"]["calls"] == 3


def test_requests_written_with_crlf_among_lf_ones_give_the_same():
    """A request written with CRLF in a log of LF lines is read with its CRs taken out; a CR
    inside a value (a browser's textarea) stays. Both ways of counting read them alike."""
    crlf = "[20-Jan-2012 17:32:01+0200] [webAdmin/#1] REQUEST: /clients/add\r\n"
    crlf += "Array\r\n(\r\n    [id] => 1\r\n    [name] => x\r\n)\r\n\r\n"
    lf = entry(2, "clients/add", "Array\n(\n    [id] => 2\n    [note] => a\r\nb\n)\n\n")
    for text in (crlf + lf, lf + crlf, lf + crlf + lf):
        methods = assert_same(text.encode())
        assert methods["clients.add"]["calls"] == text.count("REQUEST:")


@pytest.mark.parametrize("chunk_size", [2048, 1 << 20])
def test_exemplars_chosen_across_chunks_are_those_of_one_by_one(chunk_size):
    """Requests alike but for a secret (one content once masked) or for one value, in many chunks or
    one: candidates are cut short once enough contents rank above them, never wrongly."""
    body = "Array\n(\n    [name] => {}\n    [password] => {}\n    [note] => {}\n)\n\n"
    data = "".join(
        entry(second % 60, "clients/add", body.format(f"n{second % 5}", f"pw{second % 7}", f"x{second % 3}"))
        for second in range(400)
    ).encode()
    expected, report = logminer.Catalog(), logminer.ParseReport()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_reader, "_vouch", _parser_only)
        expected.add_all(
            r for r in logminer.parse(io.BytesIO(data), report, chunk_size=chunk_size) if r.method
        )
    catalog = logminer.Catalog()
    reader = _reader.open_reader(io.BytesIO(data), chunk_size=chunk_size)
    count_source(_reader.SourceReader(reader, logminer.ParseReport()), catalog)
    assert json.dumps(catalog.to_dict()["methods"]) == json.dumps(expected.to_dict()["methods"])
    assert len(catalog.to_dict()["methods"]["clients.add"]["exemplars"]) == 3


def test_a_request_is_outranked_only_by_as_many_distinct_contents_above_it():
    def kept(content: str, digest: int) -> Exemplar:
        return Exemplar({"c": content}, None, 1, digest)

    known = [kept("a", 1), kept("b", 5), kept("w", 9)]
    contents = {kept("a", 2).content}  # a candidate made of content a again, ranked 2
    rank = _tally._rank(1, 6)
    # Above rank 6: a (kept, and again a candidate) and b: two contents, not three.
    assert not _tally._outranked(rank, contents, known, 3)
    assert _tally._outranked(rank, contents | {kept("x", 4).content}, known, 3)
    assert _tally._outranked(_tally._rank(1, 10), set(), known, 3)
    assert not _tally._outranked(_tally._rank(1, 9), set(), known, 3)  # alike the worst kept


def test_what_mining_made_is_listed_in_one_order_whatever_the_hash_seed(tmp_path):
    """The summary's new and redacted arguments come in name order, not in a set's order, which
    changes with Python's hash seed from run to run (the first `users.add` call carries
    `password`, a later one `api_token`)."""
    import os
    import subprocess
    import sys

    printed = set()
    log = str(ROOT / "fixtures" / "runtime.log")
    for seed in ("1", "2", "3", "4", "5"):
        catalog = str(tmp_path / f"catalog-{seed}.json")
        result = subprocess.run(
            [sys.executable, "-m", "logminer", "mine", log, "--catalog", catalog],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)},
            check=True,
        )
        printed.add((result.stdout + result.stderr).replace(catalog, "CATALOG"))
    assert len(printed) == 1
    (summary,) = printed
    assert "users.add:api_token, users.add:password" in summary
