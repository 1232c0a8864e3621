"""`logminer diff OLD NEW`: what changed after a billing upgrade, and whether a script can break.

Catalogs here are counted from requests the way mining counts them, so each test reads as "the old
billing was called like this, the new one like that".
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from click.testing import CliRunner

import logminer
from logminer import Catalog, Request, diff_catalogs
from logminer.cli import main
from logminer.cli.catalogs import COMMANDS

# Until cli.py registers them itself, register the commands on the group here.
for _command in COMMANDS:
    if _command.name not in main.commands:
        main.add_command(_command)

TZ = timezone(timedelta(hours=2))


def catalog_of(*calls: tuple[str, dict], repeat: int = 1) -> Catalog:
    """A catalog of these calls (method, params), each made ``repeat`` times."""
    catalog = Catalog()
    start = datetime(2024, 3, 11, 8, 0, 0, tzinfo=TZ)
    for index, (method, params) in enumerate(calls * repeat):
        when = start + timedelta(seconds=index)
        catalog.add(Request(when, "jsonrpc", index, "/" + method.replace(".", "/"), method, params, "t", 1))
    return catalog


def kinds(result: logminer.CatalogDiff) -> set[tuple[str, str, str | None, bool]]:
    return {(change.kind, change.method, change.argument, change.breaking) for change in result.changes}


CLIENT = {"id_clients": "11", "name": "Acme", "notes": "VIP"}


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def diff(tmp_path):
    """Run ``logminer diff`` on two catalogs; returns click's result."""

    def run(old: Catalog, new: Catalog, *options: str):
        old_path = logminer.save_catalog(old, tmp_path / "old.json")
        new_path = logminer.save_catalog(new, tmp_path / "new.json")
        return CliRunner().invoke(main, ["diff", str(old_path), str(new_path), *options])

    return run


def test_a_removed_argument_fails_with_exit_1(diff):
    """After the upgrade nobody sends `notes` to clients.edit any more: scripts that do may break."""
    old = catalog_of(("clients.edit", CLIENT), repeat=20)
    new = catalog_of(("clients.edit", {"id_clients": "11", "name": "Acme"}), repeat=20)
    result = diff(old, new)
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[2:4] == [
        "clients.edit",
        "  BREAKING  notes     seen in 20 of 20 old calls, in none of 20 new calls",
    ]
    flat = diff(old, new, "--columns", "kind,method,argument,breaking")
    assert flat.output.splitlines()[2] == "argument-removed  clients.edit  notes     true"


def test_a_pure_addition_passes_with_exit_0(diff):
    """A new method and a new optional argument break nobody."""
    old = catalog_of(("clients.edit", CLIENT), repeat=20)
    new = catalog_of(
        ("clients.edit", CLIENT), ("clients.edit", {**CLIENT, "c_email": "a@example.com"}), repeat=10
    )
    new = logminer.merge(new, catalog_of(("clients.delete", {"id_clients": "11"})))
    result = diff(old, new, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["breaking"] is False
    assert {(c["kind"], c["argument"]) for c in report["changes"]} == {
        ("argument-added", "c_email"),
        ("method-added", None),
    }


def test_the_same_catalog_has_no_changes(diff, sample_catalog):
    result = diff(sample_catalog, sample_catalog)
    assert result.exit_code == 0
    assert result.output.strip() == "No changes."


def test_the_json_report_has_a_stable_documented_shape(diff):
    old = catalog_of(("clients.edit", CLIENT), repeat=20)
    new = catalog_of(("clients.edit", {"id_clients": "11", "name": "Acme"}), repeat=20)
    report = json.loads(diff(old, new, "--format", "json").output)
    assert set(report) == {"breaking", "counts", "changes"}
    assert report["counts"] == {"changes": 1, "breaking": 1, "low_evidence": 0}
    assert report["changes"] == [
        {
            "kind": "argument-removed",
            "method": "clients.edit",
            "argument": "notes",
            "breaking": True,
            "low_evidence": False,
            "detail": "seen in 20 of 20 old calls, in none of 20 new calls",
            "old": {"calls": 20, "seen": 20, "types": {"string": 20}},
            "new": None,
        }
    ]


def test_an_unreadable_catalog_is_a_one_line_error_with_exit_2(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    good = logminer.save_catalog(catalog_of(("clients.edit", CLIENT)), tmp_path / "good.json")
    result = CliRunner().invoke(main, ["diff", str(broken), str(good)])
    assert result.exit_code == 2
    assert "not a logminer catalog (not JSON)" in result.output and "Traceback" not in result.output
    assert "delete" not in result.output  # no advice to delete a file that may be anything


# --------------------------------------------------------------------------- each rule, in the library


def test_a_removed_method_is_breaking():
    old = catalog_of(("clients.edit", CLIENT), ("clients.delete", {"id_clients": "1"}))
    new = catalog_of(("clients.edit", CLIENT))
    result = diff_catalogs(old, new)
    assert kinds(result) == {("method-removed", "clients.delete", None, True)}
    assert result.breaking


def test_arguments_of_a_method_missing_from_new_are_not_also_reported_removed():
    """The method is gone: that is one change, not one per argument."""
    old = catalog_of(("clients.edit", CLIENT))
    assert [change.kind for change in diff_catalogs(old, Catalog()).changes] == ["method-removed"]


def test_an_argument_that_became_present_in_every_call_is_breaking():
    old = catalog_of(
        ("invoices.list", {"id_clients": "1", "page": "2"}), ("invoices.list", {"id_clients": "1"}), repeat=20
    )
    new = catalog_of(
        ("invoices.list", {"id_clients": "1", "page": "2"}), ("invoices.list", {"page": "3"}), repeat=20
    )
    result = diff_catalogs(old, new)
    assert ("argument-required", "invoices.list", "page", True) in kinds(result)
    # id_clients went the other way: no longer in every call, which breaks nobody.
    assert ("argument-optional", "invoices.list", "id_clients", False) in kinds(result)
    assert len(result.changes) == 2


def test_a_new_argument_sent_in_every_call_is_breaking():
    """Old clients never sent it; the new billing's callers always do (oasdiff: new required param)."""
    old = catalog_of(("payments.add", {"amount": "1.00"}), repeat=10)
    new = catalog_of(("payments.add", {"amount": "1.00", "id_currencies": "2"}), repeat=10)
    assert kinds(diff_catalogs(old, new)) == {("argument-added", "payments.add", "id_currencies", True)}


def test_a_narrower_type_is_breaking_and_a_wider_one_is_not():
    """tax_id took any string; now only digits are seen: a script sending 'DE123' may be refused."""
    old = catalog_of(
        ("clients.add", {"tax_id": "DE918249026"}), ("clients.add", {"tax_id": "7701"}), repeat=15
    )
    new = catalog_of(("clients.add", {"tax_id": "7701"}), repeat=30)
    narrowed = diff_catalogs(old, new)
    assert kinds(narrowed) == {("type-narrowed", "clients.add", "tax_id", True)}
    assert "string" in narrowed.changes[0].detail
    assert kinds(diff_catalogs(new, old)) == {("type-widened", "clients.add", "tax_id", False)}


def test_a_flag_seen_as_int_is_no_narrowing():
    """0/1 values fit an int (WIDER): old {bool, int}, new {int} admits all the old values."""
    old = catalog_of(("clients.add", {"type": "0"}), ("clients.add", {"type": "2"}), repeat=10)
    new = catalog_of(("clients.add", {"type": "2"}), repeat=10)
    assert diff_catalogs(old, new).changes == []


# --------------------------------------------------------------------------- little evidence


def test_a_rare_argument_missing_from_a_few_new_calls_is_noted_but_not_breaking():
    """Seen in 1 of 20 old calls; 3 new calls without it prove nothing: low evidence, exit 0."""
    old = catalog_of(("clients.edit", {"id_clients": "1"}), repeat=19)
    old = logminer.merge(old, catalog_of(("clients.edit", {"id_clients": "1", "notes": "x"})))
    new = catalog_of(("clients.edit", {"id_clients": "1"}), repeat=3)
    result = diff_catalogs(old, new)
    [change] = result.changes
    assert (change.kind, change.argument, change.low_evidence, change.breaking) == (
        "argument-removed",
        "notes",
        True,
        False,
    )
    assert "by chance" in change.detail
    assert not result.breaking
    # Asking for no confidence at all makes every absence count.
    assert diff_catalogs(old, new, confidence=0).breaking


def test_one_new_call_does_not_make_a_common_argument_required():
    """In 9 of 10 old calls; the single new call has it. Chance explains that: low evidence."""
    old = catalog_of(("xdrs.list", {"limit": "10"}), repeat=9)
    old = logminer.merge(old, catalog_of(("xdrs.list", {"page": "1"})))
    new = catalog_of(("xdrs.list", {"limit": "10"}))
    [required] = [c for c in diff_catalogs(old, new).changes if c.kind == "argument-required"]
    assert required.low_evidence and not required.breaking


def test_a_required_argument_missing_from_a_single_new_call_is_breaking():
    """Present in every old call, absent from the one new call: no chance explains that."""
    old = catalog_of(("clients.edit", CLIENT), repeat=5)
    new = catalog_of(("clients.edit", {"id_clients": "11", "name": "Acme"}))
    [removed] = diff_catalogs(old, new).changes
    assert removed.breaking and not removed.low_evidence
