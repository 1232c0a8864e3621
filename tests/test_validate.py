"""Validation against the catalog: what the log showed of each method, said as such."""

from __future__ import annotations

import pytest

import logminer
from logminer import Finding, ValidationFailed, validate
from logminer.calls.validate import enforce, refused
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


def test_an_argument_with_no_observed_name_close_to_it_is_a_warning(catalog):
    """What may be right but was never seen: said, not refused."""
    [finding] = validate(catalog, "clients.editForm", {"id_clients": "11", "lang": "de"})
    assert finding == Finding(
        "warning", "lang", "'lang' was never seen in 13 observed calls of clients.editForm."
    )


def test_a_near_miss_of_a_closed_set_value_is_an_error_with_the_value_meant(catalog):
    [finding] = validate(catalog, "clients.add", complete_add(status="actve"))
    assert finding.level == "error" and finding.argument == "status"
    assert finding.suggestions == ("active",)
    assert finding.message == (
        "'status' is 'actve', none of the values seen in 16 observed calls of clients.add: "
        "'active', 'closed', 'suspended'. Did you mean 'active'?"
    )


def test_another_value_outside_a_closed_set_is_a_warning(catalog):
    [finding] = validate(catalog, "clients.add", complete_add(status="archived"))
    assert (finding.level, finding.suggestions) == ("warning", ())
    assert "none of the values seen" in finding.message


@pytest.mark.parametrize("value", ["2", "xy", "1e3"])
def test_numbers_and_short_values_are_never_near_misses(catalog, value):
    """bill_by_time took 0 and 1: a 2 is no typo of either, and neither are two letters."""
    params = complete_add(bill_by_time=value)
    findings = [finding for finding in validate(catalog, "clients.add", params) if finding.argument]
    assert [finding.level for finding in findings] == ["warning"]


def test_a_value_that_looks_like_a_credential_is_never_quoted(catalog):
    [finding] = validate(catalog, "clients.add", complete_add(status="https://admin:Sup3r-Secret@x.example"))
    assert "Sup3r-Secret" not in finding.message
    assert "'status' is a value, none of the values seen" in finding.message


def test_values_other_than_strings_are_written_as_json(catalog):
    [finding] = validate(catalog, "clients.editForm", {"id_clients": None})
    assert "'id_clients' is null of type empty" in finding.message


@pytest.mark.parametrize(
    ("mode", "errors", "warnings"),
    [
        ("off", False, False),
        ("warn", False, False),
        ("errors", True, False),
        ("strict", True, True),
    ],
)
def test_what_each_mode_refuses(catalog, mode, errors, warnings):
    with_error = validate(catalog, "clients.add", complete_add(id_client="5"))
    with_warning = validate(catalog, "clients.add", complete_add(lang="de"))
    assert refused(with_error, mode) is errors
    assert refused(with_warning, mode) is warnings
    assert refused([], mode) is False


def test_a_refused_call_raises_with_every_finding(catalog):
    findings = validate(catalog, "clients.add", {"id_client": "5"})
    enforce("clients.add", findings, "warn")
    with pytest.raises(ValidationFailed) as caught:
        enforce("clients.add", findings, "errors")
    assert caught.value.findings == findings
    assert str(caught.value).startswith("clients.add was not sent (validation errors): 'id_client' was never")
    with pytest.raises(logminer.UsageError):
        enforce("clients.add", findings, "loud")


def test_params_that_are_not_an_object_are_a_usage_error(catalog):
    with pytest.raises(logminer.UsageError):
        validate(catalog, "clients.add", ["id_clients"])
