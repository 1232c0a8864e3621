"""The catalog of the bundled sample, counted independently of the parser where we can."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import datetime, timedelta, timezone

import pytest

import logminer
from logminer import Catalog, Request, argument_values, bracket_path, describe_method, infer_type, merge
from tests.helpers import FIXTURE

SECRET_VALUE = re.compile(r"SECRET-[^\s\"',\]]*")
TZ = timezone(timedelta(hours=2))


def _request(method: str, params: dict, second: int = 0, component: str = "webAdmin") -> Request:
    return Request(
        datetime(2024, 3, 11, 8, 0, second, tzinfo=TZ), component, 1, "/" + method, method, params, "t", 1
    )


def test_calls_per_method_match_a_plain_count_of_the_headers(sample_catalog):
    """Every REQUEST header of the fixture is counted once, under its method."""
    text = FIXTURE.read_text(encoding="utf-8")
    paths = re.findall(r"^\[[^\]]+\] \[[^\]]+/#\d+\] REQUEST: ([^\s?]+)", text, re.MULTILINE)
    expected = Counter(".".join(part for part in path.split("/") if part) for path in paths)
    assert {name: method.calls for name, method in sample_catalog.methods.items()} == dict(expected)
    assert len(sample_catalog.methods) >= 30


def test_clients_add_lists_its_real_arguments(sample_catalog):
    """`show clients.add`: the real argument names, required flags, types and examples."""
    detail = describe_method(sample_catalog, "clients.add")
    params = {param["name"]: param for param in detail["params"]}
    assert detail["calls"] == 16
    required = {name for name, param in params.items() if param["required"]}
    assert required == {"name", "id_currencies", "status", "type", "id_companies"}
    for name in ("c_email", "credit", "cp_modules[]", "id_dr_plans", "rates_notify_format", "tz", "cp_login"):
        assert name in params
        assert not params[name]["required"]
        assert 0 < params[name]["share"] < 1
    assert params["c_email"]["types"] == {"email": params["c_email"]["seen"]}
    assert set(params["credit"]["types"]) == {"decimal"}
    assert params["status"]["values"] and set(params["status"]["values"]) == {"active", "suspended", "closed"}
    assert params["id_currencies"]["refers_to"] == "currencies"
    assert all(len(param["examples"]) <= 5 for param in params.values())
    assert "auth" not in params and "auth[login]" not in params and "SID" not in params


def test_secrets_keep_presence_and_type_only(sample_catalog):
    """cp_password, password, pin, api_token: seen and typed, no value anywhere in the catalog."""
    clients_add = sample_catalog.method("clients.add")
    secret = clients_add.arguments["cp_password"]
    assert secret.secret and secret.seen > 0 and secret.types
    assert secret.examples == [] and secret.values is None
    document = json.dumps(sample_catalog.to_dict(), ensure_ascii=False)
    assert "SECRET-" not in document
    assert FIXTURE.read_text(encoding="utf-8").count("SECRET-") > 10  # the fixture does hold secrets


def test_bracket_paths_name_nested_arguments():
    """Integer keys become [], string keys stay: the names the web forms use."""
    params = {
        "name": "A",
        "cp_modules": ["c_info", "c_rates"],
        "fields": [{"id": "3", "value": ""}, {"id": "4", "value": "x"}],
        "labels": {"en": "Hello", "5": "five"},
        "empty": [],
        "auth": {"login": "x", "password": "y"},
        "SID": "abc",
    }
    assert list(argument_values(params)) == [
        ("name", "A"),
        ("cp_modules[]", "c_info"),
        ("cp_modules[]", "c_rates"),
        ("fields[][id]", "3"),
        ("fields[][value]", ""),
        ("fields[][id]", "4"),
        ("fields[][value]", "x"),
        ("labels[en]", "Hello"),
        ("labels[]", "five"),
        ("empty", []),
    ]
    assert bracket_path("fields[0][id]") == "fields[][id]"
    assert bracket_path("cp_modules[]") == "cp_modules[]"
    assert bracket_path("auth[login]") == "auth[login]"


def test_a_nested_argument_counts_once_per_call_and_each_value_is_typed():
    """`seen` counts calls; `types` counts values (three modules in one call add three)."""
    catalog = Catalog()
    catalog.add(_request("clients.add", {"cp_modules": ["c_info", "c_rates", "7"]}))
    catalog.add(_request("clients.add", {"name": "x"}))
    argument = catalog.method("clients.add").arguments["cp_modules[]"]
    assert argument.seen == 1
    assert argument.types == {"string": 2, "int": 1}
    assert not catalog.method("clients.add").required(argument)


def test_arrays_nested_thousands_deep_do_not_recurse():
    """Flattening is iterative: 5,000 levels make one long path, no RecursionError."""
    value: object = "leaf"
    for _ in range(5000):
        value = {"a": value}
    [(path, leaf)] = list(argument_values({"deep": value}))
    assert leaf == "leaf" and path.count("[a]") == 5000


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("", "empty"),
        ("0", "bool"),
        ("1", "bool"),
        ("42", "int"),
        ("-7", "int"),
        ("007", "string"),
        ("100.00", "decimal"),
        ("2013-03-30", "date"),
        ("2013-03-30 16:26:15+03", "datetime"),
        ("admin@example.net", "email"),
        ("10.0.0.1", "ip"),
        ("2001:db8::1", "ip"),
        ("active", "string"),
        ([], "array"),
    ],
)
def test_types(value, kind):
    """Each value gets the most specific type it fits."""
    assert infer_type(value) == kind


def test_examples_are_capped_and_values_stop_when_there_are_many():
    """At most five examples; values are listed while there are at most twelve distinct ones."""
    catalog = Catalog()
    for number in range(40):
        catalog.add(
            _request("payments.add", {"amount": f"{number}.50", "status": "ok" if number % 2 else "no"})
        )
    method = catalog.method("payments.add")
    assert len(method.arguments["amount"].examples) == 5
    assert method.arguments["amount"].values is None
    assert method.arguments["status"].values == {"ok": 20, "no": 20}


def test_long_examples_are_shortened():
    """A long note is kept as a short example, never whole."""
    catalog = Catalog()
    catalog.add(_request("clients.edit", {"notes": "x" * 500}))
    [example] = catalog.method("clients.edit").arguments["notes"].examples
    assert len(example) == 60 and example.endswith("…")


def test_too_many_argument_names_are_capped_and_counted():
    """A hostile method with endless distinct names keeps max_arguments of them and counts the rest."""
    catalog = Catalog(settings=logminer.Settings(max_arguments=10))
    catalog.add(_request("x.y", {f"arg{n}": "1" for n in range(25)}))
    method = catalog.method("x.y")
    assert len(method.arguments) == 10
    assert method.dropped_arguments == 15


def test_first_and_last_seen_and_components():
    """Per method: the time span of its calls and the components that made them."""
    catalog = Catalog()
    catalog.add(_request("a.b", {}, second=30, component="jsonrpc"))
    catalog.add(_request("a.b", {}, second=10))
    method = catalog.method("a.b")
    assert method.first_seen.second == 10 and method.last_seen.second == 30
    assert method.components == {"jsonrpc": 1, "webAdmin": 1}


def test_a_catalog_survives_its_json_form(sample_catalog):
    """to_dict / from_dict lose nothing."""
    again = Catalog.from_dict(json.loads(json.dumps(sample_catalog.to_dict())))
    assert again.to_dict() == sample_catalog.to_dict()


def test_merging_two_halves_equals_the_whole():
    """Requests split between two catalogs merge into the catalog of all of them."""
    requests = list(logminer.parse(FIXTURE))
    whole, first, second = Catalog(), Catalog(), Catalog()
    whole.add_all(requests)
    first.add_all(requests[:100])
    second.add_all(requests[100:])
    assert merge(first, second).to_dict()["methods"] == whole.to_dict()["methods"]
    assert merge(second, first).to_dict()["methods"] == whole.to_dict()["methods"]


def test_a_user_secret_word_redacts_more(tmp_path):
    """`mine --secret tax` makes tax_id secret in an existing catalog: its values are dropped too."""
    path = tmp_path / "catalog.json"
    logminer.mine_into(FIXTURE, path)
    assert logminer.load_catalog(path).method("clients.add").arguments["tax_id"].examples
    logminer.mine_into([], path, secret_words=["tax"])
    tax_id = logminer.load_catalog(path).method("clients.add").arguments["tax_id"]
    assert tax_id.secret and tax_id.examples == [] and tax_id.values is None
    assert "tax" in logminer.load_catalog(path).settings.secret_words
