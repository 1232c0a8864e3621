"""Request items, httpie-style with PHP bracket paths: what `logminer call` turns its ARGs into."""

from __future__ import annotations

import pytest

from logminer import UsageError, parse_items
from logminer.calls.items import api_method


def test_a_plain_item_is_a_string_and_a_raw_item_is_json():
    assert parse_items(["id_clients=11", "credit:=100.5", "apply:=true", "notes="]) == {
        "id_clients": "11",
        "credit": 100.5,
        "apply": True,
        "notes": "",
    }


def test_bracket_paths_nest_append_and_index_as_php_does():
    params = parse_items(
        [
            "auth[login]=admin",
            "cp_modules[]=c_info",
            "cp_modules[]=c_rates",
            "fields[0][id]=5",
            "fields[0][value]=Gold",
            "fields[1][id]=6",
            "extra[Contract No]=C-17",
        ]
    )
    assert params == {
        "auth": {"login": "admin"},
        "cp_modules": ["c_info", "c_rates"],
        "fields": [{"id": "5", "value": "Gold"}, {"id": "6"}],
        "extra": {"Contract No": "C-17"},
    }


def test_keys_that_are_not_a_list_from_zero_stay_an_object():
    assert parse_items(["rows[5]=a", "rows[007]=b"]) == {"rows": {"5": "a", "007": "b"}}


def test_an_equals_sign_inside_brackets_belongs_to_the_key():
    assert parse_items(["filter[a=b]=c"]) == {"filter": {"a=b": "c"}}


def test_items_add_to_params_from_a_file():
    base = {"cp_modules": ["c_info"], "name": "Acme"}
    assert parse_items(["cp_modules[]=c_rates", "status=active"], base) == {
        "cp_modules": ["c_info", "c_rates"],
        "name": "Acme",
        "status": "active",
    }
    assert base == {"cp_modules": ["c_info"], "name": "Acme"}


def test_items_win_over_the_params_from_a_file():
    base = {"name": "Acme", "filter": {"status": "closed", "limit": 10}, "fields": "none"}
    assert parse_items(["name=Globex", "filter[status]=active", "fields[0][id]=5"], base) == {
        "name": "Globex",
        "filter": {"status": "active", "limit": 10},
        "fields": [{"id": "5"}],
    }
    with pytest.raises(UsageError, match="'name' is given twice"):
        parse_items(["name=Globex", "name=Initech"], base)


@pytest.mark.parametrize(
    "text",
    [
        "clients.add",
        "clients/add",
        "/clients/add",
        "/admin/clients/add",
        "https://billing.example.net/admin/clients/add",
        "https://api:pw@billing.example.net/admin/clients/add?SID=1-abc#top",
        " /admin/clients/add/ ",
    ],
)
def test_a_method_is_read_as_users_copy_it(text):
    assert api_method(text) == "clients.add"


@pytest.mark.parametrize("text", ["", "/", "/admin/clients/1-d8f7a6b5c4e3d2f1a0b9c8d7/"])
def test_a_path_that_names_no_method_is_a_usage_error_that_does_not_quote_it(text):
    with pytest.raises(UsageError) as caught:
        api_method(text)
    assert "d8f7a6b5" not in str(caught.value)


@pytest.mark.parametrize(
    ("items", "named"),
    [
        (["id_clients"], "'id_clients'"),
        (["=5"], "'=5'"),
        (["credit:=12,5"], "'credit:=12,5'"),
        (["[x]=1"], "'[x]=1'"),
        (["name=a", "name=b"], "'name=b'"),
        (["fields=1", "fields[0][id]=2"], "'fields[0][id]=2'"),
    ],
)
def test_a_bad_item_is_a_usage_error_naming_it(items, named):
    with pytest.raises(UsageError) as caught:
        parse_items(items)
    assert named in str(caught.value)
