"""scripts/bench: its profiles, the cache names of its logs, its summary, and a small run end to end."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import subprocess
import sys
from collections import Counter

import pytest

from tests.browser import needs_browser
from tests.helpers import FIXTURE, SCRIPTS, load_script


def load_bench():
    """scripts/bench as a module (it has no .py suffix)."""
    if "bench" in sys.modules:
        return sys.modules["bench"]
    loader = importlib.machinery.SourceFileLoader("bench", str(SCRIPTS / "bench"))
    spec = importlib.util.spec_from_loader("bench", loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench"] = module
    loader.exec_module(module)
    return module


bench = load_bench()


def test_a_profile_names_the_generators_knobs():
    """``dense:d90:n30:noblank:lang`` is the generator's --distinct 0.9 --nested 0.3 --blank-line no
    --languages all; parts left out take the generator's defaults."""
    profile = bench.Profile.parse("dense:d90:n30:noblank:lang")
    arguments = profile.arguments()
    assert arguments[:2] == ["--profile", "dense"]
    pairs = dict(zip(arguments[2::2], arguments[3::2], strict=True))
    assert pairs == {"--distinct": "0.9", "--nested": "0.3", "--blank-line": "no", "--languages": "all"}
    assert bench.Profile.parse("noisy").arguments() == ["--profile", "noisy"]
    assert dict(bench.Profile.parse("noisy:d1:mixed").knobs) == {
        "--distinct": "0.01",
        "--blank-line": "mixed",
    }


@pytest.mark.parametrize("bad", ["sparse", "dense:x90", "dense:d", "noisy:blank:nope"])
def test_a_bad_profile_is_a_sentence(bad):
    """A profile that is not one says which part is wrong."""
    with pytest.raises(SystemExit, match="profile"):
        bench.Profile.parse(bad)


def test_default_profiles_cover_low_and_high_cardinality_with_and_without_blank_lines():
    """By default: dense and noisy, 1% and 90% distinct, with and without a blank line, 30% nested."""
    profiles = [bench.Profile.parse(spec) for spec in bench.PROFILES.split(",")]
    seen = {(p.base, dict(p.knobs)["--distinct"], dict(p.knobs)["--blank-line"]) for p in profiles}
    assert seen == {
        (b, d, blank) for b in ("dense", "noisy") for d in ("0.01", "0.9") for blank in ("yes", "no")
    }
    assert {dict(p.knobs)["--nested"] for p in profiles} == {"0.3"}


def test_cache_names_change_with_every_knob_size_and_generator():
    """A cached log is reused only for the same knobs, size and generator code."""
    names = {
        bench.Profile.parse(spec).file_name(size, gen)
        for spec in ("dense:d90", "dense:d1", "noisy:d90", "dense:d90:noblank", "dense:d90:lang")
        for size in ("20MB", "200MB")
        for gen in ("aaaa", "bbbb")
    }
    assert len(names) == 5 * 2 * 2
    assert len(bench.generator_hash()) == 8


def test_summary_is_markdown_with_the_measured_make_up(tmp_path):
    """One row per log: what it holds (measured), the naive scanner's MB/s and every ratio; then the
    append and start-up figures against their targets."""
    stats = load_script("log_stats").LogStats(
        "x.log", size=20_000_000, requests=100, element_lines=1000, distinct_element_lines=900, dumps=100
    )
    row = bench.Row(bench.Profile.parse("dense:d90"), stats)
    row.speeds = {
        "naive scanner": 40.0,
        bench.FLOOR: 36.0,
        "logminer.parse": 20.0,
        "mine --jobs 1": 10.0,
        "mine --jobs 2": 20.0,
    }
    row.rss = {label: 50.0 for label in row.speeds}
    row.cpu = {"naive scanner": 1.0, "logminer.parse": 2.0, "mine --jobs 1": 4.0, "mine --jobs 2": 3.0}
    extra = [("mine 20 KB into an empty catalog", 0.1, ""), ("mine 20 KB into 2,000 methods", 0.3, "3.00x")]
    text = bench.markdown([row], extra)
    lines = text.splitlines()
    assert lines[0].startswith("| log | MB | distinct lines |") and "`mine --jobs 2`" in lines[0]
    assert lines[2].startswith("| `dense:d90` | 20 | 90.0% |")
    assert lines[2].endswith("| 40.0 | 0.90x | 0.50x | 0.25x | 0.50x | 50 | 50 | 0.50x | 0.25x |")
    assert "worst `dense:d90` 0.25x" in text
    assert "| `mine 20 KB into 2,000 methods` | 0.300 | 3.00x | at most 2x |" in text


def test_bench_runs_end_to_end(tmp_path):
    """A tiny run: the log is generated into the cache, measured, and every contender has its row."""
    command = [
        sys.executable,
        str(SCRIPTS / "bench"),
        "--size",
        "100K",
        "--profiles",
        "noisy:d90:n30:noblank",
    ]
    command += ["--jobs", "1", "--catalog-methods", "0", "--cache", str(tmp_path)]
    run = subprocess.run(command, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    out = run.stdout
    assert "machine: " in out and "command: bench --size 100K" in out
    rows = [line for line in out.splitlines() if line.startswith("noisy:d90:n30:noblank ")]
    contenders = ("naive scanner", bench.FLOOR, "logminer.parse", "mine --jobs 1")
    assert [label for label in contenders if label in "".join(rows)] == list(contenders)
    assert "distinct element lines" in out and "| `noisy:d90:n30:noblank` |" in out
    assert len(list(tmp_path.glob("noisy-*.log"))) == 1 and len(list(tmp_path.glob("*.stats-*.json"))) == 1


def test_the_floor_counts_what_the_naive_scanner_counts():
    """The floor does at least the naive scanner's job: the same requests, methods and top-level
    arguments on the sample log (and one the naive pattern misses: a key holding `]`), and it
    counts every value of them."""
    naive, floor = load_script("naive_scan"), load_script("floor_scan")
    calls, arguments = naive.scan(str(FIXTURE))
    floor_calls, floor_arguments, values = floor.scan(str(FIXTURE))
    assert floor_calls == calls and sum(calls.values()) == 276
    found = Counter()
    for (method, key), count in floor_arguments.items():
        if method is not None:
            found[(method, key.removeprefix("    ["))] += count
    assert set(found) - set(arguments) == {("clients.edit", "label[en]")}
    assert {pair: found[pair] for pair in arguments} == dict(arguments)
    # Each argument has a value; values that repeat are counted once (the sample's do repeat).
    assert len(floor_arguments) <= values < sum(floor_arguments.values())


def test_the_floor_counts_the_same_in_small_chunks_and_among_much_noise(tmp_path, monkeypatch):
    """Whether it splits chunks into entries (requests are most of them) or jumps from request to
    request (they are few), and wherever a chunk ends, the floor counts the same."""
    floor = load_script("floor_scan")
    whole = floor.scan(str(FIXTURE))
    noise = "".join(
        f"[11-Mar-2024 08:00:{n % 60:02d}+0200] [webAdmin/#{n}] SQL: SELECT {n}\n" for n in range(3000)
    )
    sample = FIXTURE.read_text(encoding="utf-8")
    entries = sample.split("\n[")
    noisy = tmp_path / "noisy.log"
    noisy.write_text(
        "\n[".join(entries[:100]) + "\n" + noise + "[" + "\n[".join(entries[100:]), encoding="utf-8"
    )
    data = noisy.read_bytes()
    assert data.count(floor.REQUEST) * 2 < data.count(floor.ENTRY)  # the jumping road
    assert floor.scan(str(noisy))[:2] == whole[:2]
    monkeypatch.setattr(floor, "CHUNK", 4096)
    assert floor.scan(str(FIXTURE))[:2] == whole[:2]
    assert floor.scan(str(noisy))[:2] == whole[:2]


def test_the_explorer_page_figures_as_markdown():
    """`bench --page` puts scripts/page_timing.py's figures in its summary as one table."""
    page_timing = load_script("page_timing")
    timing = {"total_ms": 90.4, "work_ms": 12.25, "shown": "20 of 2,000 methods"}
    result = {
        "page": "x.html",
        "label": "2,000 methods",
        "bytes": 26_020_000,
        "ready_ms": 1217.2,
        "first_paint_ms": 128.0,
        "filter": {query: timing for query in page_timing.QUERIES},
    }
    lines = page_timing.markdown([result]).splitlines()
    assert lines[0].startswith("| explorer page | MB | ready ms | filter `clients` ms |")
    assert lines[2] == "| 2,000 methods | 26.02 | 1217 | 90 (12.2) | 90 (12.2) | 90 (12.2) | 90 (12.2) |"
    assert "--page" in bench.__doc__ and callable(bench.explorer_page)


@needs_browser
def test_page_timing_measures_a_page(tmp_path):
    """The script's measurement on the sample's page: a first render and each filter, in Chromium."""
    from logminer.explorer import render_page
    from tests.explorer_documents import sample_document

    page = tmp_path / "api.html"
    page.write_text(render_page(sample_document()), encoding="utf-8")
    result = load_script("page_timing").measure(page, runs=1)
    assert result["bytes"] == page.stat().st_size
    assert 0 < result["ready_ms"] < 10_000
    assert result["filter"]["clients"]["shown"] == "18 of 43 methods"
    assert result["filter"][""]["shown"] == "43 methods"
