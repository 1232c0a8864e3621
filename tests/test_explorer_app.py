"""`logminer explore`'s wiring: the catalog file's page, checks as `logminer check` makes them, calls
through the client with the catalog, the sandbox, and credentials that never reach the page."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

import logminer
from logminer.cli import main
from logminer.explorer import Explorer, serve
from logminer.explorer.server import NO_BILLING, TOKEN_HEADER
from tests.explorer_documents import sample_catalog
from tests.helpers import LOGIN, PASSWORD, start
from tests.test_explorer_page import inline_data

# A call of clients.add as the billing takes it (every argument present in all observed calls).
ADD = {"name": "Acme", "id_companies": "1", "id_currencies": "2", "status": "active", "type": "1"}


@pytest.fixture
def catalog_file(tmp_path):
    return logminer.save_catalog(sample_catalog(), tmp_path / "catalog.json")


def api(explorer: Explorer, path: str, method: str, params: dict, **headers) -> httpx.Response:
    headers = {TOKEN_HEADER: explorer.server.token, "Content-Type": "application/json", **headers}
    body = json.dumps({"method": method, "params": params})
    return httpx.post(f"http://127.0.0.1:{explorer.server.port}{path}", content=body, headers=headers)


def test_the_page_is_the_catalog_s_document(catalog_file):
    with Explorer(catalog_file) as explorer:
        html = httpx.get(explorer.url).text
    data = inline_data(html)
    assert data == {**logminer.explorer.document(sample_catalog()), "generated": data["generated"]}
    assert inline_data(html, "logminer-config") == {"tryIt": True, "sendDisabled": NO_BILLING}


def test_checks_are_what_logminer_check_finds(catalog_file):
    params = {"nmae": "Acme", "id_companies": "x"}
    printed = CliRunner().invoke(
        main,
        [
            "check",
            "clients.add",
            "nmae=Acme",
            "id_companies=x",
            "--format",
            "json",
            "--catalog",
            str(catalog_file),
        ],
    )
    with Explorer(catalog_file) as explorer:
        reply = api(explorer, "/api/check", "clients.add", params)
    assert reply.status_code == 200
    assert reply.json()["findings"] == json.loads(printed.output)
    assert reply.json()["findings"][0]["suggestions"] == ["name"]


def test_without_a_billing_calls_cannot_be_sent(catalog_file):
    with Explorer(catalog_file) as explorer:
        assert explorer.client is None and explorer.sandbox is None
        assert api(explorer, "/api/call", "clients.add", ADD).json()["error"] == NO_BILLING


def test_a_call_to_the_sandbox_comes_back_masked_with_its_command(catalog_file):
    with Explorer(catalog_file, sandbox=True) as explorer:
        sandbox = explorer.sandbox
        reply = api(explorer, "/api/call", "clients.add", {**ADD, "cp_password": "Hunter2-s3cret"}).json()
        assert sandbox.calls == 1 and sandbox.logins == 1
        page = httpx.get(explorer.url).text
    assert reply["sent"] is True and reply["findings"] == [] and reply["error"] is None
    result = reply["reply"]["result"]
    assert result["code"] is True
    assert result["return"]["params"] == {**ADD, "cp_password": "********"}
    assert result["session_id"] == "********"
    assert reply["command"] == (
        "logminer call clients.add name=Acme id_companies=1 id_currencies=2 status=active type=1 "
        "cp_password='<secret>'"
    )
    # The sandbox's random login and password stay in this process: not in the page, not in a reply.
    for text in (page, json.dumps(reply)):
        assert sandbox._password not in text and sandbox.login not in text
        assert "Hunter2-s3cret" not in text
    assert '"sendDisabled":null' in page


def test_a_placeholder_left_in_the_form_is_not_sent(catalog_file):
    """Try it's form is prefilled from an exemplar, where a secret is `<secret>`: sent as it is, the
    call is refused before it leaves, saying which argument still holds the placeholder."""
    with Explorer(catalog_file, sandbox=True) as explorer:
        reply = api(explorer, "/api/call", "clients.add", {**ADD, "cp_password": "<secret>"}).json()
        assert explorer.sandbox.calls == 0
    assert reply["sent"] is False
    assert "cp_password still holds the placeholder <secret>" in reply["error"]


def test_warn_reports_and_sends_and_code_false_is_an_error(catalog_file):
    with Explorer(catalog_file, sandbox=True) as explorer:
        reply = api(explorer, "/api/call", "clients.add", {"name": "Acme"}).json()
        assert explorer.sandbox.calls == 1
    assert reply["sent"] is True
    assert {finding["argument"] for finding in reply["findings"]} == {
        "id_companies",
        "id_currencies",
        "status",
        "type",
    }
    assert reply["reply"]["result"]["code"] is False
    assert reply["error"].startswith(
        "clients.add failed (code false); billing: Missing required argument: id_companies"
    )


def test_strict_validation_sends_nothing(catalog_file):
    with Explorer(catalog_file, sandbox=True, validate="strict") as explorer:
        reply = api(explorer, "/api/call", "clients.add", {**ADD, "nmae": "x"}).json()
        assert explorer.sandbox.calls == 0
        assert reply["sent"] is False and reply["reply"] is None
        assert reply["findings"][0]["message"].startswith("'nmae' was never seen")
        assert reply["command"].startswith("logminer call clients.add ")
        assert api(explorer, "/api/call", "clients.add", ADD).json()["sent"] is True
        assert explorer.sandbox.calls == 1


def test_a_request_without_the_token_is_refused(catalog_file):
    with Explorer(catalog_file, sandbox=True) as explorer:
        for token in ("", "x" * 43):
            assert api(explorer, "/api/call", "clients.add", ADD, **{TOKEN_HEADER: token}).status_code == 403
        assert httpx.get(f"http://127.0.0.1:{explorer.server.port}/").status_code == 403
        assert explorer.sandbox.calls == 0


def test_a_billing_client_of_your_own(catalog_file):
    """The client's password and session id stay with it; calls are checked against the catalog."""
    with start(sample_catalog()) as billing:
        client = logminer.Client(billing.url, LOGIN, PASSWORD)
        with Explorer(catalog_file, client=client) as explorer:
            assert client.catalog is explorer.catalog()
            reply = api(explorer, "/api/call", "clients.add", {**ADD, "nmae": "x"}).json()
            again = api(explorer, "/api/call", "clients.editForm", {"id_clients": "11"}).json()
            page = httpx.get(explorer.url).text
        assert billing.logins == 1 and billing.calls == 2  # one login, then its session
    assert reply["findings"][0]["argument"] == "nmae"
    assert again["reply"]["result"]["code"] is True
    for text in (page, json.dumps(reply), json.dumps(again)):
        assert PASSWORD not in text and client.session_id not in text
    with pytest.raises(logminer.UsageError, match="not both"):
        Explorer(catalog_file, client=client, sandbox=True)


def test_a_billing_that_cannot_be_reached_is_a_sentence(catalog_file):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # closed again: nothing listens there
    client = logminer.Client(f"http://127.0.0.1:{port}", LOGIN, PASSWORD, timeout=5)
    with Explorer(catalog_file, client=client) as explorer:
        reply = api(explorer, "/api/call", "clients.editForm", {"id_clients": "11"}).json()
    assert reply["sent"] is False and reply["reply"] is None
    assert reply["error"].startswith("Cannot connect to the billing at http://127.0.0.1:")


def test_the_catalog_is_read_again_when_the_file_changes(catalog_file):
    with Explorer(catalog_file, sandbox=True) as explorer:
        assert "clients.add" in httpx.get(explorer.url).text
        first = explorer.catalog()
        assert explorer.catalog() is first  # unchanged file: not read again
        smaller = logminer.Catalog(methods={"clients.add": sample_catalog().methods["clients.add"]})
        logminer.save_catalog(smaller, catalog_file)
        os.utime(catalog_file, ns=(time.time_ns(), time.time_ns() + 10**9))
        data = inline_data(httpx.get(explorer.url).text)
        assert [method["method"] for method in data["methods"]] == ["clients.add"]
        assert explorer.client.catalog is explorer.sandbox.catalog is explorer.catalog() is not first
        check = api(explorer, "/api/check", "users.add", {}).json()["findings"]
        assert "never seen the method 'users.add' (1 methods known)" in check[0]["message"]


def test_a_missing_catalog_or_a_port_in_use_is_a_sentence(tmp_path, catalog_file):
    with pytest.raises(logminer.CatalogError, match="logminer mine"):
        Explorer(tmp_path / "none.json")
    with Explorer(catalog_file) as running, pytest.raises(logminer.UsageError, match="Cannot listen on"):
        Explorer(catalog_file, port=running.server.port, sandbox=True)
    result = CliRunner().invoke(main, ["explore", "--no-browser", "--catalog", str(tmp_path / "none.json")])
    assert result.exit_code == 2 and "no catalog here yet" in result.output


def test_serve_announces_the_url_and_opens_no_browser_unless_asked(catalog_file, monkeypatch):
    said, opened, pages = [], [], []
    monkeypatch.setattr("webbrowser.open", opened.append)

    def serving(explorer):
        explorer.start()
        pages.append(httpx.get(explorer.url).status_code)
        if opened:
            opener = opened[0][len("file://") :]
            assert os.stat(opener).st_mode & 0o077 == 0
            assert f'content="0;url={explorer.url}"' in Path(opener).read_text(encoding="utf-8")
        raise KeyboardInterrupt  # as Ctrl-C does

    monkeypatch.setattr(Explorer, "serve_forever", serving)
    serve(catalog_file, sandbox=True, announce=said.append)
    assert pages == [200] and opened == []
    assert re.search(r"\n    http://127\.0\.0\.1:\d+/\?token=[\w-]{43}\n", said[0])
    assert "sandbox billing at http://127.0.0.1:" in said[0] and "Ctrl-C" in said[0]
    serve(catalog_file, open_browser=True, announce=said.append)
    assert "nowhere (give --host or --sandbox" in said[1]
    # The browser is given a file only this user can read, which sends it on to the URL: the token
    # is not on the browser's command line. The file is gone once the explorer stopped.
    (opened,) = opened
    url = re.search(r"http://\S+", said[1]).group()
    assert opened.startswith("file://") and url not in opened
    assert not os.path.exists(opened[len("file://") :])


def test_the_command_serves_until_stopped(catalog_file):
    """`logminer explore --sandbox --no-browser`: the URL on stdout, the page, Try it, then Ctrl-C."""
    command = [sys.executable, "-m", "logminer", "explore", "--sandbox", "--no-browser", "--strict"]
    process = subprocess.Popen(
        [*command, "--catalog", str(catalog_file)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        url = lines[2].strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{43}", url), lines
        assert httpx.get(url).status_code == 200
        token = url.split("token=", 1)[1]
        headers = {TOKEN_HEADER: token, "Content-Type": "application/json"}
        base = url.split("/?", 1)[0]
        body = {"method": "clients.add", "params": {**ADD, "nmae": "x"}}
        refused = httpx.post(base + "/api/call", json=body, headers=headers).json()
        assert refused["sent"] is False and refused["findings"][0]["argument"] == "nmae"
        body["params"].pop("nmae")
        sent = httpx.post(base + "/api/call", json=body, headers=headers).json()
        assert sent["sent"] is True and sent["reply"]["result"]["code"] is True
        assert httpx.post(base + "/api/call", json=body).status_code == 403
    finally:
        process.send_signal(signal.SIGINT)
        err = process.communicate(timeout=10)[1]
    assert process.returncode == 0, err
    assert err == ""


def test_the_command_sends_to_the_billing_of_the_jerasoft_variables(catalog_file):
    """The connection options and JERASOFT_* variables of `logminer call`; the password stays here."""
    with start(sample_catalog()) as billing:
        env = {
            **os.environ,
            "JERASOFT_HOST": billing.url,
            "JERASOFT_LOGIN": LOGIN,
            "JERASOFT_PASSWORD": PASSWORD,
        }
        command = [
            sys.executable,
            "-m",
            "logminer",
            "explore",
            "--no-browser",
            "--catalog",
            str(catalog_file),
        ]
        process = subprocess.Popen(
            command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
        )
        try:
            lines = [process.stdout.readline() for _ in range(5)]
            url = lines[2].strip()
            assert f"sends them to {billing.url}" in lines[4]
            page = httpx.get(url).text
            headers = {TOKEN_HEADER: url.split("token=", 1)[1]}
            body = {"method": "clients.editForm", "params": {"id_clients": "11"}}
            reply = httpx.post(url.split("/?", 1)[0] + "/api/call", json=body, headers=headers).json()
        finally:
            process.send_signal(signal.SIGINT)
            process.communicate(timeout=10)
        assert billing.logins == 1 and billing.calls == 1
    assert reply["sent"] is True and reply["reply"]["result"]["code"] is True
    assert '"sendDisabled":null' in page
    for text in (page, json.dumps(reply)):
        assert PASSWORD not in text
