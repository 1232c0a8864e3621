"""Fuzzing the grammar: any bytes at all end in a catalog and a report, never in an exception.

Hypothesis feeds random bytes and mutated copies of the real-PHP fixture log (byte flips, lines
deleted or duplicated, truncations, CRLF injected, header lines inserted, indentation shifted).
Whatever comes in, ``logminer.mine`` returns, every skipped entry names the file and a line that
exists, and the catalog survives a round trip through its JSON document. Inputs that once broke
something (or were made by hand to be nasty) live in ``tests/fuzz_corpus/`` and are replayed here.
"""

from __future__ import annotations

import io
import json
import os
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logminer
from tests.helpers import FIXTURE

CORPUS = Path(__file__).resolve().parent / "fuzz_corpus"
LOG = FIXTURE.read_bytes()
LINES = LOG.splitlines(keepends=True)
NAME = "fuzzed.log"
NOTE = re.compile(rf"^{re.escape(NAME)}:(\d+): [a-zA-Z_ ]+[a-z]( \(at line (\d+)\))?$")

HEADERS = [
    b"[11-Mar-2024 08:11:56+0200] [jsonrpc/#260818] REQUEST: /rates/import\n",
    b"[11-Mar-2024 08:11:57+0200] [jsonrpc/#260818] SQL: UPDATE clients SET x = 1\n",
    b"[11-Mar-2024 08:11:58+0200] [webAdmin/#1] REQUEST: /clients/add\n",
    b"[99-Foo-2024 99:99:99+9999] [/#] REQUEST: \n",
    b"[11-Mar-2024 08:11:58+0200] [webAdmin/#1] REQUEST: /clients/add",
]
NASTY_LINES = [b"Array\n", b"(\n", b")\n", b"    [x] => Array\n", b"        (\n", b"\n", b"*RECURSION*\n"]


def mine_bytes(data: bytes) -> tuple[logminer.MineResult, logminer.Catalog]:
    """Mine ``data`` as a log named ``fuzzed.log`` and check the promises every input must keep."""
    stream = io.BytesIO(data)
    stream.name = NAME
    catalog = logminer.Catalog()
    return mine_bytes_checked(stream, data, catalog)


def mine_bytes_checked(
    stream: io.BytesIO, data: bytes, catalog: logminer.Catalog
) -> tuple[logminer.MineResult, logminer.Catalog]:
    result = logminer.mine(stream, catalog)
    # Every failure is one line naming the file.
    assert all(f.startswith(f"{NAME}: ") and "\n" not in f for f in result.failures)
    if not data.startswith(b"\x1f\x8b"):
        # gzip's magic bytes make the log read as gzip, and a broken one is a failure of that file;
        # otherwise the only failure is a log with no entry header at all, which is no runtime log.
        content = data.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte order mark is no content
        header = re.search(rb"(?:^|\n)\[\d\d-[A-Z][a-z][a-z]-\d{4} \d\d:\d\d:\d\d[+-]\d{4}\] \[", content)
        if header is None and content.strip():
            [failure] = result.failures
            assert "is not a runtime log" in failure or "UTF-16" in failure
        elif not content.startswith((b"\xff\xfe", b"\xfe\xff")):
            assert result.failures == []
    # Line numbers count the decompressed text of a gzip log, which may be longer than ``data``.
    lines = data.count(b"\n") + 1 if not data.startswith(b"\x1f\x8b") else 1 << 62
    report = result.report
    assert report.skipped_count >= len(report.skipped)
    for entry in [*report.skipped, *report.cut_off]:
        match = NOTE.match(str(entry))
        assert match, f"a skip note that does not name the file and line: {entry}"
        assert 1 <= entry.line <= lines
        assert entry.bad_line is None or 1 <= entry.bad_line <= lines
    assert result.requests == sum(method.calls for method in catalog.methods.values())
    document = json.loads(json.dumps(catalog.to_dict()))
    assert logminer.Catalog.from_dict(document).to_dict() == catalog.to_dict()
    result.summary()
    return result, catalog


def fuzz_settings(examples: int):
    """Hypothesis settings for CI; ``LOGMINER_FUZZ_EXAMPLES=20000`` fuzzes longer by hand."""
    examples = int(os.environ.get("LOGMINER_FUZZ_EXAMPLES", examples))
    return settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def mutated_logs(draw) -> bytes:
    """The fixture log after a few random edits of the kinds a damaged or hostile log shows."""
    lines = list(LINES[: draw(st.integers(20, len(LINES)))])
    for _ in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["flip", "delete", "duplicate", "crlf", "header", "indent", "nasty"]))
        at = draw(st.integers(0, len(lines) - 1))
        line = lines[at]
        if kind == "flip" and line:
            position = draw(st.integers(0, len(line) - 1))
            value = draw(st.integers(0, 255))
            lines[at] = line[:position] + bytes([value]) + line[position + 1 :]
        elif kind == "delete":
            del lines[at : at + draw(st.integers(1, 4))]
        elif kind == "duplicate":
            lines[at:at] = lines[at : at + draw(st.integers(1, 4))]
        elif kind == "crlf":
            lines[at] = line.replace(b"\n", b"\r\n")
        elif kind == "header":
            lines.insert(at, draw(st.sampled_from(HEADERS)))
        elif kind == "indent":
            shift = draw(st.integers(-4, 8))
            lines[at] = line[-shift:] if shift < 0 else b" " * shift + line
        else:
            lines.insert(at, draw(st.sampled_from(NASTY_LINES)))
        if not lines:
            lines = [b""]
    data = b"".join(lines)
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return data


@fuzz_settings(150)
@given(st.binary(max_size=4096))
def test_random_bytes_never_raise(data):
    """Bytes that are no log at all: no requests, maybe skipped entries, never an exception."""
    mine_bytes(data)


@fuzz_settings(150)
@given(st.lists(st.sampled_from([*HEADERS, *NASTY_LINES, b"    [k] => v\n", b"\r\n"]), max_size=60))
def test_log_shaped_noise_never_raises(lines):
    """Headers, dump lines and blank lines in any order: the grammar's hardest inputs."""
    mine_bytes(b"".join(lines))


@fuzz_settings(200)
@given(mutated_logs())
def test_mutated_fixture_logs_never_raise(data):
    """A damaged copy of a real log: what is intact is still read, the rest is skipped with a note."""
    result, _ = mine_bytes(data)
    assert result.requests <= data.count(b"REQUEST: ")


def test_an_untouched_log_has_no_skips():
    """The control: the fixture itself parses whole, so the checks above are not vacuous."""
    result, catalog = mine_bytes(LOG)
    assert result.requests == 276
    assert result.report.skipped_count == 0
    assert len(catalog.methods) > 40


def test_a_broken_entry_costs_only_itself():
    """Cutting a dump's closing parenthesis loses that request, not the ones after it."""
    broken = LOG.replace(b"\n)\n\n", b"\n\n", 1)
    result, _ = mine_bytes(broken)
    assert result.report.skipped_count == 1
    assert result.requests == 275
    assert str(result.report.skipped[0]).startswith(f"{NAME}:1: ")


def corpus_files() -> list[Path]:
    return sorted(path for path in CORPUS.iterdir() if path.suffix == ".log")


def test_random_bytes_in_a_gzip_file_are_a_one_line_failure():
    """Compressed noise decompresses to nonsense, and a truncated gzip file is a failure of that file."""
    import gzip

    mine_bytes(gzip.compress(bytes(range(256)) * 20))
    result, _ = mine_bytes(gzip.compress(LOG)[:5000])
    assert len(result.failures) == 1
    assert "damaged gzip" in result.failures[0]


def corpus_case(path: Path):
    return pytest.param(path, id=path.name)


@pytest.mark.parametrize("path", [corpus_case(path) for path in corpus_files()])
def test_the_corpus_of_nasty_inputs(path):
    """Every input kept in tests/fuzz_corpus/ (see its README) still mines without an exception."""
    stream = io.BytesIO(path.read_bytes())
    stream.name = NAME
    result, catalog = mine_bytes_checked(stream, path.read_bytes(), logminer.Catalog())
    expected = CORPUS / (path.stem + ".json")
    if expected.exists():
        facts = json.loads(expected.read_text(encoding="utf-8"))
        assert result.requests == facts["requests"]
        assert result.report.skipped_count == facts["skipped"]
        assert sorted(catalog.methods) == facts["methods"]
        assert len(result.failures) == facts.get("failures", 0)
