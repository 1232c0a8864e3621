"""`logminer export`: the sample's catalog as OpenRPC, as JSON Schemas, as a Markdown reference.

The OpenRPC meta-schema (tests/data/openrpc-1.3-schema.json, a copy of the published one) refers to
``https://meta.json-schema.tools`` for JSON Schemas; the test serves draft-07's meta-schema, bundled
with jsonschema, under that address, so nothing is fetched from the network.
"""

from __future__ import annotations

import json
import re
from datetime import datetime, timezone
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema_specifications import REGISTRY as SPECIFICATIONS
from referencing import Registry
from referencing.jsonschema import DRAFT7

import logminer
from logminer import params_schema, to_jsonschema, to_markdown, to_openrpc
from logminer.catalog.export import type_schema
from logminer.cli import main
from logminer.cli.catalogs import COMMANDS
from tests.helpers import FIXTURE

for _command in COMMANDS:
    if _command.name not in main.commands:
        main.add_command(_command)

DATA = Path(__file__).resolve().parent / "data"
SECRET = re.compile(r"SECRET-")
TRANSPORT = ("auth", "SID", "__api")


def openrpc_validator() -> jsonschema.Draft7Validator:
    """A validator of OpenRPC 1.3 documents that resolves the meta-schema's external refs locally."""
    meta = json.loads((DATA / "openrpc-1.3-schema.json").read_text(encoding="utf-8"))
    draft7 = SPECIFICATIONS.contents("http://json-schema.org/draft-07/schema#")
    # referenceObject points at meta.json-schema.tools' JSONSchemaObject/properties/$ref: draft-07's $ref.
    shim = {**draft7, "definitions": {**draft7["definitions"]}}
    shim["definitions"]["JSONSchemaObject"] = {"properties": {"$ref": draft7["properties"]["$ref"]}}
    resource = DRAFT7.create_resource(shim)
    registry = Registry().with_resources(
        [("https://meta.json-schema.tools", resource), ("https://meta.json-schema.tools/", resource)]
    )
    return jsonschema.Draft7Validator(meta, registry=registry)


def params_validator(document: dict, method: str) -> jsonschema.Draft7Validator:
    """A validator of one method's params, from the JSON Schema export."""
    schema = {"definitions": document["definitions"], "allOf": [{"$ref": f"#/definitions/{method}"}]}
    return jsonschema.Draft7Validator(schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER)


# --------------------------------------------------------------------------- OpenRPC


def test_the_openrpc_export_of_the_sample_is_valid_openrpc_1_3(sample_catalog):
    document = to_openrpc(sample_catalog)
    errors = [f"{list(error.path)}: {error.message}" for error in openrpc_validator().iter_errors(document)]
    assert errors == []
    assert len(document["methods"]) == len(sample_catalog.methods)


def test_the_meta_schema_check_is_not_vacuous(sample_catalog):
    """A document with a broken params schema or param structure is refused."""
    validator = openrpc_validator()
    document = to_openrpc(sample_catalog)
    document["methods"][0]["paramStructure"] = "by-magic"
    assert not validator.is_valid(document)
    document = to_openrpc(sample_catalog)
    document["methods"][0]["params"][0]["schema"] = {"type": "no-such-type"}
    assert not validator.is_valid(document)


def test_openrpc_methods_take_params_by_name_with_required_from_the_catalog(sample_catalog):
    """clients.add: name, status and type were in all 16 calls; notes in some."""
    method = next(m for m in to_openrpc(sample_catalog)["methods"] if m["name"] == "clients.add")
    assert method["paramStructure"] == "by-name"
    assert method["x-calls"] == 16
    params = {param["name"]: param for param in method["params"]}
    assert {name for name, param in params.items() if param["required"]} == {
        "id_companies",
        "id_currencies",
        "name",
        "status",
        "type",
    }
    assert params["notes"]["required"] is False and params["notes"]["x-seen"] == 4
    assert params["id_currencies"]["schema"]["x-refers-to"] == "currencies"
    assert params["credit"]["schema"]["examples"]
    # cp_modules[] is one top-level array of strings.
    assert params["cp_modules"]["schema"]["items"]["type"] == "string"


def test_secret_arguments_are_marked_and_have_no_examples(sample_catalog):
    method = next(m for m in to_openrpc(sample_catalog)["methods"] if m["name"] == "users.add")
    password = next(param for param in method["params"] if param["name"] == "password")
    assert password["x-secret"] is True
    assert password["schema"]["x-secret"] is True
    assert "examples" not in password["schema"]


# --------------------------------------------------------------------------- JSON Schema


def test_every_request_of_the_sample_validates_against_its_method_schema(sample_catalog):
    """The schemas describe what was sent: each real request's params (minus the session) passes."""
    document = to_jsonschema(sample_catalog)
    jsonschema.Draft7Validator.check_schema(document)
    checked = 0
    for request in logminer.parse(FIXTURE):
        params = request.params
        if isinstance(params, dict):
            params = {key: value for key, value in params.items() if key not in TRANSPORT}
        errors = [error.message for error in params_validator(document, request.method).iter_errors(params)]
        assert errors == [], (request.method, request.line)
        checked += 1
    assert checked == sum(method.calls for method in sample_catalog.methods.values())


def test_a_json_rpc_client_may_send_numbers_where_the_log_showed_digits(sample_catalog):
    document = to_jsonschema(sample_catalog)
    validator = params_validator(document, "clients.fieldsUpdate")
    assert validator.is_valid({"apply": 1, "id_clients": 73, "fields": [{"id": 3, "value": "Gold"}]})
    assert validator.is_valid({"apply": "1", "id_clients": "73", "fields": {"2": {"id": "3", "value": ""}}})


def test_params_schemas_refuse_what_was_never_seen(sample_catalog):
    document = to_jsonschema(sample_catalog)
    editing = params_validator(document, "clients.editForm")
    assert not editing.is_valid({})  # id_clients was in every call
    assert not editing.is_valid({"id_clients": "eleven"})
    assert not editing.is_valid({"id_clients": 1.5})
    settings = params_validator(document, "settings.edit")
    assert not settings.is_valid(
        {"apply": "1", "section": "mail", "settings": {"mail": {"from": "not mail"}}}
    )


def test_bracket_paths_become_nested_schemas(sample_catalog):
    fields = params_schema(sample_catalog.methods["clients.fieldsUpdate"])["properties"]["fields"]
    assert fields["type"] == ["array", "object"]
    assert set(fields["items"]["properties"]) == {"id", "value"}
    settings = params_schema(sample_catalog.methods["settings.edit"])["properties"]["settings"]
    assert settings["properties"]["mail"]["properties"]["smtp"]["properties"]["port"]["x-seen"] == 1
    # filter[id_clients] was sent both as one id and as a list of ids.
    export = params_schema(sample_catalog.methods["reports.summary.export"])
    assert len(export["properties"]["filter"]["properties"]["id_clients"]["anyOf"]) == 2


@pytest.mark.parametrize(
    ("types", "good", "bad"),
    [
        ({"int": 3}, ["5", 5, "-12"], ["5a", 1.5, "05", None]),
        ({"bool": 2}, ["0", "1", 0, True], ["2", "yes"]),
        ({"decimal": 1, "int": 1}, ["1.50", 1.5, "3", 3], ["1,5"]),
        ({"date": 1}, ["2024-03-01"], ["01.03.2024", 20240301]),
        ({"datetime": 1}, ["2024-03-01 10:00:00+02"], ["yesterday"]),
        ({"email": 1}, ["a@example.com"], ["a-at-example"]),
        ({"ip": 1}, ["10.0.0.1", "::1"], ["10.0.0.300"]),
        ({"empty": 1, "date": 1}, ["", "2024-03-01"], ["x"]),
        ({"string": 1, "int": 1}, ["anything", "", 7], [[]]),
    ],
)
def test_each_inferred_type_admits_its_values_and_only_those(types, good, bad):
    validator = jsonschema.Draft7Validator(type_schema(types), format_checker=jsonschema.FormatChecker())
    assert [value for value in good if not validator.is_valid(value)] == []
    assert [value for value in bad if validator.is_valid(value)] == []


# --------------------------------------------------------------------------- Markdown


def test_the_markdown_reference_has_a_section_per_module_and_a_table_per_method(sample_catalog):
    text = to_markdown(sample_catalog)
    modules = {method.module for method in sample_catalog.methods.values()}
    assert set(re.findall(r"^## (\S+)$", text, re.MULTILINE)) == modules
    assert set(re.findall(r"^### `([^`]+)`$", text, re.MULTILINE)) == set(sample_catalog.methods)
    assert "| `id_currencies` | required | int:15, bool:1 |" in text
    assert "[currencies](#currencies)" in text
    assert "| `password` | required | string:6 | *(secret)* |" in text


def test_markdown_cells_survive_pipes_and_newlines():
    catalog = logminer.Catalog()
    catalog.add(
        logminer.Request(
            datetime(2024, 3, 11, 8, 0, tzinfo=timezone.utc),
            "webAdmin",
            1,
            "/clients/edit",
            "clients.edit",
            {"notes": "a | b\nc", "code": "x`y"},
            "t",
            1,
        )
    )
    text = to_markdown(catalog)
    rows = [line for line in text.splitlines() if line.startswith("| `notes`") or line.startswith("| `code`")]
    assert rows == [
        "| `code` | required | string:1 | `` x`y `` |  |",
        "| `notes` | required | string:1 | `a \\| b\\nc` |  |",
    ]


def test_a_markdown_code_span_holds_any_run_of_backticks_and_html_stays_text():
    """A value with a double backtick cannot close its code span early; a method name with HTML in it
    is text, not markup (checked with a CommonMark renderer's rule: the fence is longer than any run)."""
    catalog = logminer.Catalog()
    request = logminer.Request(
        datetime(2024, 3, 11, 8, 0, tzinfo=timezone.utc),
        "webAdmin",
        1,
        "/clients/edit",
        "clients.edit",
        {"code": "a``b`", "note": "<img src=x onerror=alert(1)>"},
        "t",
        1,
    )
    catalog.add(request)
    text = to_markdown(catalog)
    assert "| ``` a``b` ``` |" in text
    # outside code spans and fenced blocks (where a renderer shows HTML as text) no HTML stands
    prose = re.sub(r"^```.*?^```", "", text, flags=re.DOTALL | re.MULTILINE)
    prose = prose.replace("`<img src=x onerror=alert(1)>`", "")
    assert "<img" not in prose
    # an example call stays on one line of its fenced block, so no value can close the block
    blocks = re.findall(r"^```[a-z]*\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)
    assert blocks and all(block.count("\n") == 1 for block in blocks)


# --------------------------------------------------------------------------- no secret anywhere


def test_no_export_holds_a_secret_value(sample_catalog):
    texts = [logminer.export(sample_catalog, fmt) for fmt in logminer.EXPORT_FORMATS]
    assert "SECRET-" in FIXTURE.read_text(encoding="utf-8")
    assert [text for text in texts if SECRET.search(text)] == []


# --------------------------------------------------------------------------- the command line


@pytest.fixture
def catalog_file(sample_catalog, tmp_path):
    return logminer.save_catalog(sample_catalog, tmp_path / "catalog.json")


@pytest.mark.parametrize("fmt", ["openrpc", "jsonschema"])
def test_export_prints_json_to_stdout(catalog_file, fmt):
    result = CliRunner().invoke(main, ["export", "--format", fmt, "--catalog", str(catalog_file)])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(logminer.export(logminer.load_catalog(catalog_file), fmt))


def test_export_writes_a_file_with_output(catalog_file, tmp_path):
    target = tmp_path / "wiki" / "api.md"
    result = CliRunner().invoke(
        main, ["export", "--format", "markdown", "-o", str(target), "--catalog", str(catalog_file)]
    )
    assert result.exit_code == 0, result.output
    assert target.read_text(encoding="utf-8").startswith("# JeraSoft Billing Management API\n")
    assert sorted(path.name for path in target.parent.iterdir()) == ["api.md"]  # no temporary left


def test_export_without_a_catalog_says_what_to_do(tmp_path):
    result = CliRunner().invoke(main, ["export", "--catalog", str(tmp_path / "none.json")])
    assert result.exit_code == 2
    assert "logminer mine" in result.output


# --------------------------------------------------------------------------- any catalog at all

names = st.sampled_from(["", "a", "a[b]", "[x]", "a[]", "a[][b]", "a[b][]", "$ref", "x-y", "0", "клиент"])
leaves = st.sampled_from(["", "0", "7", "1.5", "2024-03-01", "a@example.com", "::1", "text"]) | st.lists(
    st.just("v"), max_size=1
)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.tuples(st.sampled_from(["m.a", "m.b", "n.c"]), st.dictionaries(names, leaves)), max_size=6)
)
def test_any_catalog_exports_valid_openrpc_and_json_schema(calls):
    """Odd argument names ('', '[x]', '$ref') and mixed shapes still give valid documents."""
    catalog = logminer.Catalog()
    for method, params in calls:
        when = datetime(2024, 3, 11, tzinfo=timezone.utc)
        catalog.add(logminer.Request(when, "jsonrpc", 1, "/m", method, params, "t", 1))
    assert list(OPENRPC.iter_errors(to_openrpc(catalog))) == []
    jsonschema.Draft7Validator.check_schema(to_jsonschema(catalog))
    assert to_markdown(catalog).startswith("# ")


OPENRPC = openrpc_validator()
