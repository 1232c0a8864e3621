"""The explorer's document: what `show --format json` says of each method, with the calls to copy,
and never a secret; and `export --format html`, the page holding it."""

from __future__ import annotations

import json
from datetime import datetime, timezone

import pytest
from click.testing import CliRunner

import logminer
from logminer.calls.examples import FORMS, example
from logminer.cli import main
from logminer.explorer import document
from tests.explorer_documents import GENERATED, large_catalog, large_document, sample_catalog
from tests.helpers import request_log
from tests.test_explorer_page import inline_data
from tests.test_safety_secrets import SECRETS, VALUES, nest
from tests.test_secrets import lines


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory):
    return logminer.save_catalog(sample_catalog(), tmp_path_factory.mktemp("sample") / "catalog.json")


def run(*arguments: str) -> str:
    result = CliRunner().invoke(main, list(arguments))
    assert result.exit_code == 0, result.output
    return result.output


def test_each_method_is_what_show_prints_with_its_module_and_calls(catalog_file):
    doc = document(logminer.load_catalog(catalog_file))
    names = [row["method"] for row in logminer.list_methods(sample_catalog())]
    assert [method["method"] for method in doc["methods"]] == names
    for method in doc["methods"]:
        shown = json.loads(run("show", method["method"], "--format", "json", "--catalog", str(catalog_file)))
        calls = [exemplar.pop("call") for exemplar in method["exemplars"]]
        assert method.pop("module") == method["method"].split(".", 1)[0]
        assert method == shown
        for exemplar, call in zip(shown["exemplars"], calls, strict=True):
            assert call == {form: example(shown["method"], exemplar["params"], form) for form in FORMS}
        if calls:  # the first is what `show --example` prints
            for form in FORMS:
                printed = run("show", method["method"], "--example", form, "--catalog", str(catalog_file))
                assert printed == calls[0][form] + "\n"


def test_the_summary_and_when_it_was_made():
    catalog = sample_catalog()
    before = datetime.now(timezone.utc).replace(microsecond=0)
    doc = document(catalog)
    assert doc["logminer"] == logminer.__version__
    assert before <= datetime.fromisoformat(doc["generated"]) <= datetime.now(timezone.utc)
    assert doc["catalog"] == {
        "methods": 43,
        "calls": 276,
        "first_seen": "2024-03-11T08:11:56+02:00",
        "last_seen": "2024-03-14T09:40:46+02:00",
        "sources": sorted(catalog.sources),
    }
    fixed = document(catalog, sources=["runtime.log"], generated=GENERATED)
    assert fixed["generated"] == "2026-11-29T12:00:00+00:00"
    assert fixed["catalog"]["sources"] == ["runtime.log"]
    assert fixed == document(catalog, sources=["runtime.log"], generated=GENERATED)


def test_an_empty_catalog():
    doc = document(logminer.Catalog(), generated=GENERATED)
    assert doc["catalog"] == {"methods": 0, "calls": 0, "first_seen": None, "last_seen": None, "sources": []}
    assert doc["methods"] == []


def test_times_in_other_offsets_are_compared_as_moments():
    """09:00+02:00 is before 08:00+00:00, though not as text."""
    catalog = logminer.Catalog()
    for method, when in (("a.b", "2024-03-11T09:00:00+02:00"), ("c.d", "2024-03-11T08:00:00+00:00")):
        catalog.add(logminer.Request(datetime.fromisoformat(when), "jsonrpc", 1, "/", method, {}, "t", 1))
    summary = document(catalog)["catalog"]
    assert summary["first_seen"] == "2024-03-11T09:00:00+02:00"
    assert summary["last_seen"] == "2024-03-11T08:00:00+00:00"


def test_the_large_catalog_is_built_by_the_real_builder():
    """The timing measurements' 2,000 methods: counted as mining counts, with older calls too."""
    catalog = large_catalog()
    doc = large_document()
    assert len(doc["methods"]) == doc["catalog"]["methods"] == 2000
    assert doc == document(catalog, generated=GENERATED)
    legacy = [method for method in doc["methods"] if method["legacy_calls"]]
    assert any(method["calls_by_day"] == {} for method in legacy)  # counted by an older catalog only
    assert any(method["calls_by_day"] for method in legacy)
    days = {key for method in doc["methods"] for key in method["calls_by_day"]}
    assert {len(key) for key in days} == {7, 10}  # months, then days
    assert all(method["exemplars"] for method in doc["methods"] if method["calls_by_day"])
    assert "Vx-secret-value" not in json.dumps(doc, ensure_ascii=False)


# --------------------------------------------------------------------------- no secret in the page


def secret_requests() -> list[tuple[str, dict]]:
    """Secret-named arguments (passwords, session ids, tokens, PINs), and credentials, card numbers
    and tokens as the values of ordinary ones (a note, a URL, a comment)."""
    values = lines("values_secret.txt")
    requests = []
    for number in range(3):
        for method in ("clients/add", "payments/add"):
            params = {"name": f"Acme {number}", "id_currencies": str(number + 1), **nest(SECRETS)}
            params["notes"] = values[number::3]
            params["comment"] = values[(number + 1) % len(values)]
            requests.append((method, params))
    return requests


def strings(value) -> list[str]:
    """Every string in a JSON value, keys too."""
    if isinstance(value, dict):
        return [*value, *(text for item in value.values() for text in strings(item))]
    if isinstance(value, list):
        return [text for item in value for text in strings(item)]
    return [value] if isinstance(value, str) else []


def test_no_secret_reaches_the_exported_page(tmp_path):
    log = tmp_path / "runtime.log"
    request_log(log, *secret_requests())
    secrets = [*VALUES, *lines("values_secret.txt")]
    assert [value for value in secrets if value not in log.read_text(encoding="utf-8")] == []
    catalog = tmp_path / "catalog.json"
    run("mine", str(log), "--catalog", str(catalog), "--quiet")
    page = tmp_path / "api.html"
    run("export", "--format", "html", "-o", str(page), "--catalog", str(catalog))
    html = page.read_text(encoding="utf-8")
    data = inline_data(html)
    assert "clients.add" in html and "<secret>" in json.dumps(data, ensure_ascii=False)
    texts = strings(data)
    assert [value for value in secrets if value in html] == []
    assert [value for value in secrets if any(value in text for text in texts)] == []


def test_export_html_writes_the_page_of_the_catalog(catalog_file, tmp_path):
    target = tmp_path / "site" / "api.html"
    run("export", "--format", "html", "-o", str(target), "--catalog", str(catalog_file))
    html = target.read_text(encoding="utf-8")
    assert html.startswith("<!doctype html>")
    data = inline_data(html)
    assert data == {**document(logminer.load_catalog(catalog_file)), "generated": data["generated"]}
    assert inline_data(html, "logminer-config") == {"tryIt": False, "sendDisabled": None}
    assert run("export", "--format", "html", "--catalog", str(catalog_file)).startswith("<!doctype html>")
