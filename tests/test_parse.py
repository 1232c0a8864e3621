"""The runtime log as a whole: headers, entry kinds, noise, bad entries, encodings, sources."""

from __future__ import annotations

import gzip
import io
from datetime import datetime, timedelta, timezone

import pytest

import logminer
from logminer import ParseReport, parse, parse_text
from logminer.log.header import method_name
from tests.helpers import FIXTURE

REQUEST = (
    "[20-Jan-2012 17:32:06+0200] [webAdmin/#260808] REQUEST: /companies/add\n"
    "Array\n(\n    [type] => 10\n    [name] => TESTCOMPANY\n    [id_companies] => \n"
    "    [prepaid] => 1\n    [credit] => 0.00\n)\n\n"
)


def test_the_published_sample_entry():
    """The one entry JeraSoft's documentation shows, read into a request record."""
    [request] = parse_text(REQUEST)
    assert request.method == "companies.add"
    assert request.path == "/companies/add"
    assert request.component == "webAdmin"
    assert request.number == 260808
    assert request.time == datetime(2012, 1, 20, 17, 32, 6, tzinfo=timezone(timedelta(hours=2)))
    assert request.line == 1
    assert request.params == {
        "type": "10",
        "name": "TESTCOMPANY",
        "id_companies": "",
        "prepaid": "1",
        "credit": "0.00",
    }


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/companies/add", "companies.add"),
        ("/reports/summary/export", "reports.summary.export"),
        ("/clients/list?page=2&SID=abc", "clients.list"),
        ("/clients/", "clients"),
        ("/admin/clients/edit#top", "clients.edit"),
    ],
)
def test_method_names_come_from_the_path(path, name):
    """Segments join with dots; the query string and fragment are not part of the name."""
    assert method_name(path) == name


def test_other_entries_and_their_dumps_are_not_requests():
    """SQL, notices with stack traces, debug dumps and stray lines are counted, never read as arguments."""
    log = (
        "PHP Warning:  a stray line before any entry\n"
        "[20-Jan-2012 17:32:05+0200] [cron/#1] DEBUG: state\n"
        "Array\n(\n    [password] => not-a-request-argument\n)\n\n"
        + REQUEST
        + "[20-Jan-2012 17:32:07+0200] [webAdmin/#260808] SQL: SELECT *\n  FROM clients\n"
        "[20-Jan-2012 17:32:08+0200] [webAdmin/#260809] NOTICE: Undefined index: x\n"
        "#0 /opt/jerasoft/vcs/core/Db.php(112): Db->query('SELECT ...')\n#1 {main}\n"
        "a stray line between entries\n"
    )
    report = ParseReport()
    requests = parse_text(log, report)
    assert [request.method for request in requests] == ["companies.add"]
    assert requests[0].line == 8
    assert report.entries == {"REQUEST": 1, "DEBUG": 1, "SQL": 1, "NOTICE": 1}
    assert report.skipped_count == 0


def test_a_malformed_entry_is_skipped_with_its_line_and_the_rest_is_read():
    """A dump broken off by the next entry is skipped, named by line; parsing resumes at the next header."""
    broken = (
        "[20-Jan-2012 17:32:01+0200] [webAdmin/#1] REQUEST: /clients/add\n"
        "Array\n(\n    [name] => A\n    [cp_modules] => Array\n        (\n            [0] => c_info\n"
    )
    no_dump = "[20-Jan-2012 17:32:02+0200] [webAdmin/#2] REQUEST: /clients/list\ngarbage\n"
    report = ParseReport()
    requests = parse_text(broken + no_dump + REQUEST, report, name="runtime.log")
    assert [request.method for request in requests] == ["companies.add"]
    assert requests[0].line == 10
    assert [(entry.source, entry.line) for entry in report.skipped] == [
        ("runtime.log", 1),
        ("runtime.log", 8),
    ]
    assert report.skipped[0].reason == "print_r dump broken off by the next entry"
    assert report.skipped[1].reason == "no print_r dump after the REQUEST header"
    assert str(report.skipped[1]) == "runtime.log:8: no print_r dump after the REQUEST header (at line 9)"


def test_a_skip_note_never_quotes_the_entry():
    """A broken line may hold a password: the note names the line, never its text."""
    log = (
        "[20-Jan-2012 17:32:01+0200] [webAdmin/#1] REQUEST: /users/add\n"
        "Array\n(\n    [password] => SECRET-hunter2\nnot print_r\n"
        "[20-Jan-2012 17:32:02+0200] [webAdmin/#2] SQL: x\n"
    )
    report = ParseReport()
    parse_text(log, report)
    assert report.skipped_count == 1
    assert "SECRET" not in str(report.skipped[0])


def test_a_dump_cut_off_at_the_end_is_not_counted():
    """A log still being written: the last dump is incomplete and is reported, not counted."""
    log = REQUEST + REQUEST.replace("260808", "260809")[:-40]
    report = ParseReport()
    requests = parse_text(log, report)
    assert len(requests) == 1
    assert report.skipped_count == 0
    assert [entry.line for entry in report.cut_off] == [11]


def test_crlf_logs_read_like_lf_logs(tmp_path):
    """A log copied through Windows (CRLF everywhere) gives the same requests."""
    path = tmp_path / "runtime.log"
    path.write_bytes(FIXTURE.read_bytes().replace(b"\n", b"\r\n"))
    crlf = [(r.method, r.line, r.params) for r in parse(path)]
    lf = [(r.method, r.line, r.params) for r in parse(FIXTURE)]
    assert crlf == lf


def test_bytes_that_are_not_utf8_do_not_stop_anything(tmp_path):
    """Latin-1 and broken bytes become U+FFFD; the entry is still read."""
    path = tmp_path / "runtime.log"
    path.write_bytes(REQUEST.replace("TESTCOMPANY", "Soci\xe9t\xe9").encode("latin-1") + b"\xff\xfe\x00\n")
    [request] = parse(path)
    assert request.params["name"] == "Soci\ufffdt\ufffd"


def test_gzip_and_stdin_and_file_objects_are_sources(tmp_path, monkeypatch):
    """Rotated logs are often gzipped; `-` reads standard input; a binary file object works too."""
    data = FIXTURE.read_bytes()
    gz = tmp_path / "runtime.log.2.gz"
    gz.write_bytes(gzip.compress(data))
    plain = [(r.method, r.params) for r in parse(FIXTURE)]
    assert [(r.method, r.params) for r in parse(gz)] == plain
    assert [(r.method, r.params) for r in parse(io.BytesIO(data))] == plain
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(data)))
    assert [(r.method, r.params) for r in parse("-")] == plain


def test_chunk_boundaries_change_nothing():
    """Reading in tiny chunks (cut at entry boundaries) gives the same records, lines included."""
    whole = [(r.method, r.line, r.params) for r in parse(FIXTURE)]
    tiny = [(r.method, r.line, r.params) for r in parse(FIXTURE, chunk_size=512)]
    assert tiny == whole
    assert len(whole) == 276


def test_missing_and_directory_sources_are_clear_errors(tmp_path):
    """A path that is not a readable log raises SourceError naming it."""
    with pytest.raises(logminer.SourceError, match="no such file"):
        list(parse(tmp_path / "nope.log"))
    with pytest.raises(logminer.SourceError, match="is a directory"):
        list(parse(tmp_path))


def test_the_fixture_parses_without_skips():
    """The bundled sample is real PHP output: every request is read, nothing skipped."""
    report = ParseReport()
    requests = list(parse(FIXTURE, report))
    headers = FIXTURE.read_text(encoding="utf-8").count("] REQUEST: ")
    # One WARNING's text contains "] REQUEST: " too ("Slow REQUEST: ..." is not a header).
    assert report.requests == len(requests) == 276 <= headers
    assert report.skipped_count == 0 and not report.cut_off
    assert {"SQL", "NOTICE", "DEBUG", "WARNING", "ERROR", "INFO"} <= set(report.entries)
