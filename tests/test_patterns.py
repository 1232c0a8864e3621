"""`search TEXT` and `methods PATTERN`: substrings, globs with * and ?, and bracket paths as written.

A PHP bracket path (`filter[status]`, `fields[][id]`) is how arguments are named, so `[` and `]`
are never glob character classes. When nothing matches, the table says so and suggests close names.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

import logminer
from logminer.catalog.suggest import distance, suggest
from logminer.cli import main
from tests.helpers import request_log


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    """A catalog of a small log of list requests with filters and nested fields."""
    folder = tmp_path_factory.mktemp("patterns")
    request_log(
        folder / "runtime.log",
        ("clients/list", {"filter": {"status": "active", "id_clients": ["1", "2"]}, "page": "2"}),
        ("clients/fieldsUpdate", {"fields": [{"id": "5", "name": "VAT"}, {"id": "6", "name": "IBAN"}]}),
    )
    catalog = logminer.Catalog()
    logminer.mine(str(folder / "runtime.log"), catalog)
    return logminer.save_catalog(catalog, folder / "catalog.json")


def search(catalog, text: str) -> list[tuple[str, str | None]]:
    """(method, argument) of each row `logminer search TEXT --format json` prints."""
    result = CliRunner().invoke(main, ["search", text, "--format", "json", "--catalog", str(catalog)])
    assert result.exit_code == 0, result.output
    return [(row["method"], row["argument"]) for row in json.loads(result.output)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("fields[][id]", [("clients.fieldsUpdate", "fields[][id]")]),
        ("filter[status]", [("clients.list", "filter[status]")]),
        ("filter[id_clients][]", [("clients.list", "filter[id_clients][]")]),
        ("FILTER[STATUS]", [("clients.list", "filter[status]")]),
        (
            "filter[*]",
            [
                ("clients.list", "filter[id_clients]"),
                ("clients.list", "filter[id_clients][]"),
                ("clients.list", "filter[status]"),
            ],
        ),
        ("fields[]?id]", [("clients.fieldsUpdate", "fields[][id]")]),
        ("[s", [("clients.list", "filter[status]")]),
    ],
)
def test_brackets_are_matched_as_written(catalog, text, found):
    assert search(catalog, text) == found


def test_a_glob_matches_the_whole_name_a_substring_any_part(catalog):
    loaded = logminer.load_catalog(catalog)
    assert [row["method"] for row in logminer.list_methods(loaded, "client?.l*")] == ["clients.list"]
    assert [row["method"] for row in logminer.list_methods(loaded, "list")] == ["clients.list"]
    assert logminer.list_methods(loaded, "list*") == []


def run(catalog, *args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--catalog", str(catalog)])
    assert result.exit_code == 0, result.output
    return result.output


def test_nothing_found_says_so_and_suggests_close_names(catalog):
    """ "Did you mean" from method and argument names, in the table only; JSON stays an empty list."""
    assert run(catalog, "search", "filter[statsu]") == (
        "Nothing in the catalog matches 'filter[statsu]'. Did you mean 'filter[status]' or 'filter'?\n"
    )
    assert run(catalog, "search", "filter[statsu]", "--format", "json") == "[]\n"
    assert (
        run(catalog, "methods", "clients.lst")
        == "No method matches 'clients.lst'. Did you mean 'clients.list'?\n"
    )
    assert run(catalog, "search", "zzzzzz") == "Nothing in the catalog matches 'zzzzzz'.\n"


def test_a_short_name_inside_a_longer_one_is_no_suggestion():
    """`client` suggests `clients`, but `id` (in every id_ name) suggests nothing for `id_curency`."""
    assert suggest("client", ["clients", "id"]) == ["clients"]
    assert suggest("id_curency", ["id", "date"]) == []


@given(
    st.text(alphabet="abc_.", max_size=12),
    st.text(alphabet="abc_.", max_size=12),
    st.integers(min_value=0, max_value=5),
)
@settings(max_examples=2000, deadline=None)
def test_a_distance_with_a_limit_is_exact_up_to_the_limit(a, b, limit):
    """ "Did you mean" on 10,000 methods stops each comparison early; it must never change a
    distance within the limit, nor make a far name look close."""
    full = distance(a, b)
    bounded = distance(a, b, limit)
    assert bounded == full if full <= limit else bounded > limit


def test_suggestions_on_a_catalog_at_the_method_cap_are_the_unbounded_ones():
    names = [f"mod{number}.act{other}" for number in range(2000) for other in range(5)]
    names += ["clients.add", "clients.edit", "client.add"]
    found = suggest("clients.ad", names)
    assert found[0] == "clients.add" and set(found) <= {"clients.add", "client.add", "clients.edit"}
    budget = 3
    slow = sorted(
        (distance("clients.ad", name), abs(len(name) - 10), name)
        for name in names
        if distance("clients.ad", name) <= budget or ("clients.ad" in name or name in "clients.ad")
    )
    assert found == [name for _, _, name in slow[:3]]
