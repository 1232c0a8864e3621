"""Validation against the catalog: what the log showed of each method, said as such."""

from __future__ import annotations

import pytest

import logminer
from logminer import Finding, ValidationFailed, validate
from logminer.calls.validate import enforce
from tests.helpers import mine_catalog


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return logminer.load_catalog(mine_catalog(tmp_path_factory.mktemp("catalog")))


def complete_add(**extra):
    """A clients.add with every always-present argument."""
    params = {"id_companies": "3", "id_currencies": "27", "name": "Acme", "status": "active", "type": "0"}
    params.update(extra)
    return params


def test_a_call_like_the_observed_ones_has_no_findings(catalog):
    assert validate(catalog, "clients.editForm", {"id_clients": "11"}) == []
    assert (
        validate(catalog, "clients.add", complete_add(cp_modules=["c_info", "c_rates"], credit=100.5)) == []
    )


def test_an_unknown_method_is_an_error_with_the_closest_names(catalog):
    [finding] = validate(catalog, "clients.ad", {})
    assert finding.level == "error"
    assert finding.argument is None
    assert finding.suggestions[0] == "clients.add"
    assert "never seen the method 'clients.ad'" in finding.message


def test_an_unknown_argument_suggests_the_argument_meant(catalog):
    findings = validate(catalog, "clients.add", complete_add(id_client="5"))
    assert findings == [
        Finding(
            "error",
            "id_client",
            "'id_client' was never seen in 16 observed calls of clients.add. Did you mean 'id_clients'?",
            ("id_clients",),
        )
    ]


def test_bracket_paths_are_compared_as_the_catalog_names_them(catalog):
    good = {"apply": "1", "id_clients": "3", "fields": [{"id": "5", "value": "Gold"}]}
    assert validate(catalog, "clients.fieldsUpdate", good) == []
    bad = {"apply": "1", "id_clients": "3", "fields": [{"idd": "5", "value": "Gold"}]}
    unknown = [f for f in validate(catalog, "clients.fieldsUpdate", bad) if f.level == "error"]
    assert [(f.argument, f.suggestions) for f in unknown] == [("fields[][idd]", ("fields[][id]",))]


def test_a_list_argument_given_as_a_scalar_points_at_the_list(catalog):
    [finding] = validate(catalog, "clients.add", complete_add(cp_modules="c_info"))
    assert finding.argument == "cp_modules"
    assert finding.suggestions[0] == "cp_modules[]"


def test_an_argument_present_in_every_call_but_missing_is_a_warning(catalog):
    findings = validate(catalog, "clients.add", {"name": "Acme", "status": "active", "type": "0"})
    assert {(f.level, f.argument) for f in findings} == {
        ("warning", "id_companies"),
        ("warning", "id_currencies"),
    }
    [message] = [f.message for f in findings if f.argument == "id_companies"]
    assert message == "'id_companies' is missing; it was present in all 16 observed calls of clients.add."


def test_a_value_of_a_type_never_seen_is_a_warning_with_types_and_examples(catalog):
    [finding] = validate(catalog, "clients.editForm", {"id_clients": "eleven"})
    assert finding.level == "warning"
    assert "of type string" in finding.message
    assert "observed types int (13)" in finding.message
    assert "examples:" in finding.message


def test_a_narrower_value_fits_a_wider_observed_type(catalog):
    # 0 and 1 look like bool, which also fits an int argument; an int fits a decimal one.
    assert validate(catalog, "clients.editForm", {"id_clients": 1}) == []
    assert validate(catalog, "clients.add", complete_add(credit=100)) == []


def test_a_secret_argument_never_shows_its_value_or_examples(catalog):
    cp_password = catalog.method("clients.add").arguments["cp_password"]
    cp_password.types = {"int": 3}  # pretend only numbers were seen, so that a string is a finding
    try:
        [finding] = validate(catalog, "clients.add", complete_add(cp_password="TopSecret99!"))
    finally:
        cp_password.types = {"string": 8}
    assert finding.argument == "cp_password"
    assert "TopSecret99!" not in finding.message
    assert "examples" not in finding.message


def test_transport_keys_are_not_findings(catalog):
    params = {"id_clients": "11", "auth": {"login": "a", "password": "b"}, "SID": "1-x", "__api": "1"}
    assert validate(catalog, "clients.editForm", params) == []


def test_strict_mode_refuses_findings_and_warn_mode_does_not(catalog):
    findings = validate(catalog, "clients.add", complete_add(id_client="5"))
    enforce("clients.add", findings, "warn")
    enforce("clients.add", [], "strict")
    with pytest.raises(ValidationFailed) as caught:
        enforce("clients.add", findings, "strict")
    assert caught.value.findings == findings
    assert "clients.add was not sent" in str(caught.value)
    with pytest.raises(logminer.UsageError):
        enforce("clients.add", findings, "loud")


def test_params_that_are_not_an_object_are_a_usage_error(catalog):
    with pytest.raises(logminer.UsageError):
        validate(catalog, "clients.add", ["id_clients"])
