"""Merging catalogs: order never matters, and a log mined in pieces equals the log mined whole.

So catalogs mined on many billing hosts can be combined in any order (`logminer merge`).
"""

from __future__ import annotations

import contextlib
import io
import json
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import logminer
from logminer import Catalog, Request, Settings, merge
from logminer.cli import main
from logminer.cli.catalogs import COMMANDS
from tests.helpers import FIXTURE, ROOT
from tests.helpers import generate_log as load_generator

for _command in COMMANDS:
    if _command.name not in main.commands:
        main.add_command(_command)

TZ = timezone(timedelta(hours=2))
# Small caps, so that examples and values overflow and their combining is exercised.
SMALL = Settings(max_examples=2, max_values=3)


generate_log = load_generator()


# --------------------------------------------------------------------------- catalogs from random requests

TYPED = [
    "",
    "0",
    "1",
    "42",
    "-7",
    "1.50",
    "2024-03-01",
    "2024-03-01 10:00:00+02",
    "a@example.com",
    "10.0.0.1",
]
# A small alphabet: hypothesis builds no unicode tables, and values still repeat and collide.
values = st.sampled_from([*TYPED, "Acme", "Globex", "ООО Ромашка", "x" * 70]) | st.text(
    "ab ä€\n[]", max_size=4
)
params = st.fixed_dictionaries(
    {},
    optional={
        "name": values,
        "id_clients": values,
        "notes": values,
        "password": values,
        "cp_modules": st.lists(values, max_size=3),
        "fields": st.lists(st.fixed_dictionaries({"id": values}, optional={"value": values}), max_size=2),
        "settings": st.fixed_dictionaries({"mail": st.fixed_dictionaries({}, optional={"from": values})}),
        "auth": st.fixed_dictionaries({"login": values, "password": values}),
    },
)
requests = st.builds(
    lambda method, params, seconds, component: Request(
        datetime(2024, 3, 11, tzinfo=TZ) + timedelta(seconds=seconds),
        component,
        1,
        "/x",
        method,
        params,
        "t",
        1,
    ),
    st.sampled_from(["clients.add", "clients.edit", "xdrs.list"]),
    params,
    st.integers(0, 10_000),
    st.sampled_from(["webAdmin", "jsonrpc"]),
)


def catalog_of(batch: list[Request]) -> Catalog:
    catalog = Catalog(settings=SMALL)
    catalog.add_all(batch)
    return catalog


catalogs = st.lists(requests, max_size=8).map(catalog_of)


def methods(catalog: Catalog) -> dict:
    """What the catalog knows of methods, as JSON data (sources and their timestamps left out)."""
    return catalog.to_dict()["methods"]


@settings(max_examples=150, deadline=None)
@given(catalogs, catalogs, catalogs)
def test_merge_is_associative(a, b, c):
    assert merge(a, merge(b, c)).to_dict() == merge(merge(a, b), c).to_dict() == merge(a, b, c).to_dict()


@settings(max_examples=150, deadline=None)
@given(catalogs, catalogs)
def test_merge_is_commutative(a, b):
    assert merge(a, b).to_dict() == merge(b, a).to_dict()


@settings(max_examples=100, deadline=None)
@given(catalogs)
def test_merging_with_an_empty_catalog_changes_nothing(a):
    assert methods(merge(a, Catalog(settings=SMALL))) == methods(a) == methods(merge(a))
    assert set(merge(a).settings.secret_words) == set(a.settings.secret_words)


@settings(max_examples=150, deadline=None)
@given(st.lists(requests, max_size=8), st.lists(requests, max_size=8))
def test_counting_requests_in_two_catalogs_then_merging_equals_counting_them_in_one(first, second):
    assert methods(merge(catalog_of(first), catalog_of(second))) == methods(catalog_of(first + second))


def test_merge_leaves_its_inputs_untouched(sample_catalog):
    before = json.dumps(sample_catalog.to_dict(), sort_keys=True)
    merge(sample_catalog, sample_catalog)
    assert json.dumps(sample_catalog.to_dict(), sort_keys=True) == before


# --------------------------------------------------------------------------- mining a log in two halves

FIXTURE_BYTES = FIXTURE.read_bytes()
# Where entries start: a header line ("[11-Mar-2024 08:11:56+0200] [jsonrpc/#260818] ...").
ENTRY_STARTS = [m.start() for m in re.finditer(rb"^\[\d\d-\w{3}-\d{4} [^\]]+\] \[", FIXTURE_BYTES, re.M)]


def mined(data: bytes) -> Catalog:
    catalog = Catalog()
    logminer.mine(io.BytesIO(data), catalog)
    return catalog


WHOLE = mined(FIXTURE_BYTES)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ENTRY_STARTS))
def test_mining_the_sample_in_two_halves_then_merging_equals_mining_it_whole(cut):
    halves = mined(FIXTURE_BYTES[:cut]), mined(FIXTURE_BYTES[cut:])
    assert methods(merge(*halves)) == methods(WHOLE)
    assert methods(merge(*reversed(halves))) == methods(WHOLE)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(1, 1000), count=st.integers(50, 400), data=st.data())
def test_mining_a_generated_log_in_pieces_then_merging_equals_mining_it_whole(seed, count, data):
    stream = generate_log.iter_entry_bytes("dense", seed)
    entries = [next(stream) for _ in range(count)]
    # Stray lines continue the entry before them, so only a header starts a piece.
    starts = [index for index, entry in enumerate(entries) if entry.startswith(b"[")]
    cuts = sorted(data.draw(st.lists(st.sampled_from(starts), max_size=3, unique=True)))
    pieces = [b"".join(entries[a:b]) for a, b in zip([0, *cuts], [*cuts, count], strict=True)]
    assert methods(merge(*(mined(piece) for piece in pieces))) == methods(mined(b"".join(entries)))


# --------------------------------------------------------------------------- logminer merge


def test_merge_command_writes_the_whole_from_two_halves(tmp_path):
    cut = ENTRY_STARTS[len(ENTRY_STARTS) // 2]
    first = logminer.save_catalog(mined(FIXTURE_BYTES[:cut]), tmp_path / "host-a.json")
    second = logminer.save_catalog(mined(FIXTURE_BYTES[cut:]), tmp_path / "host-b.json")
    out = tmp_path / "all.json"
    result = CliRunner().invoke(main, ["merge", str(first), str(second), "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert f"Merged 2 catalogs: {len(WHOLE.methods)} methods" in result.output
    assert methods(logminer.load_catalog(out)) == methods(WHOLE)
    # No temporary file is left; the lock file stays, as beside any catalog mined into.
    names = ["all.json", "all.json.lock", "host-a.json", "host-b.json"]
    assert sorted(path.name for path in tmp_path.iterdir()) == names


def test_merge_into_a_catalog_waits_for_a_miner_holding_its_lock(tmp_path):
    """A merge whose output is being mined into waits for the miner, then reads what it wrote."""
    cut = ENTRY_STARTS[len(ENTRY_STARTS) // 2]
    first = logminer.save_catalog(mined(FIXTURE_BYTES[:cut]), tmp_path / "host-a.json")
    shared = logminer.save_catalog(Catalog(), tmp_path / "shared.json")
    command = [sys.executable, "-m", "logminer", "merge", str(first), str(shared), "-o", str(shared)]
    with logminer.catalog_lock(shared):
        merging = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
        with contextlib.suppress(subprocess.TimeoutExpired):
            merging.wait(timeout=2)
        assert merging.poll() is None  # still waiting for the lock
        # What the miner writes before letting go is in the merge.
        logminer.save_catalog(mined(FIXTURE_BYTES[cut:]), shared)
    assert merging.wait(timeout=60) == 0, merging.stderr.read()
    assert methods(logminer.load_catalog(shared)) == methods(WHOLE)


def test_merge_command_refuses_a_damaged_catalog_and_writes_nothing(tmp_path):
    good = logminer.save_catalog(WHOLE, tmp_path / "good.json")
    damaged = tmp_path / "damaged.json"
    damaged.write_text('{"format": "logminer-catalog", "schema_version": 1, "methods": {"x": {}}}')
    out = tmp_path / "out.json"
    result = CliRunner().invoke(main, ["merge", str(good), str(damaged), "-o", str(out)])
    assert result.exit_code == 2
    assert "damaged" in result.output
    assert not out.exists()


def test_merge_command_needs_an_output(tmp_path):
    good = logminer.save_catalog(WHOLE, tmp_path / "good.json")
    result = CliRunner().invoke(main, ["merge", str(good)])
    assert result.exit_code == 2
    assert "-o" in result.output
