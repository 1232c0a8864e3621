"""The JSON-RPC client and the Api drop-in, against the sandbox over real HTTP on 127.0.0.1.

Malformed replies (an HTML 500, truncated JSON, another request's id) come from httpx's MockTransport.
"""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
import textwrap

import httpx
import pytest

import logminer
from logminer import (
    Api,
    CallFailed,
    Client,
    ConnectError,
    DownloadFailed,
    FileError,
    HTTPStatusError,
    LoginFailed,
    ProtocolError,
    RpcError,
    Timeout,
    TransportError,
    ValidationFailed,
)
from logminer.calls.client import USER_AGENT, base_url, filename_from, form_fields
from logminer.catalog.secrets import scrub
from tests.helpers import LOGIN, PASSWORD, ROOT, mine_catalog, start


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return logminer.load_catalog(mine_catalog(tmp_path_factory.mktemp("catalog")))


@pytest.fixture
def sandbox(catalog):
    sandbox = start(catalog)
    yield sandbox
    sandbox.stop()


@pytest.fixture
def client(sandbox, catalog):
    with Client(sandbox.url, LOGIN, PASSWORD, catalog=catalog) as client:
        yield client


# -- calls against the sandbox -----------------------------------------------------------------


def test_a_call_returns_the_billings_data(client):
    response = client.call("clients.editForm", {"id_clients": 11})
    assert response.ok and response.code is True
    assert response.data == {"method": "clients.editForm", "params": {"id_clients": 11}}
    assert response.messages == ["clients.editForm: done (sandbox)"]
    assert response.errors == []
    assert response.raw["result"]["return"] == response.data
    assert response.session_id == client.session_id


def test_the_api_drop_in_logs_in_once_and_reuses_the_session(sandbox, catalog):
    with Api(sandbox.url, LOGIN, PASSWORD, catalog=catalog) as api:
        first = api.clients.editForm({"id_clients": 8})
        second = api.clients.editForm(id_clients=9)
    assert (first.code, second.code) == (True, True)
    assert first.data["params"] == {"id_clients": 8}
    assert second.data["params"] == {"id_clients": 9}
    assert sandbox.logins == 1
    assert sandbox.calls == 2


def test_methods_with_more_dots_are_reached_by_attributes(client, sandbox):
    api = Api.__new__(Api)
    api.client = client
    params = {"filter": {"date_from": "2024-01-01", "date_to": "2024-02-01"}, "group_by": ["id_clients"]}
    params["format"] = "csv"
    response = api.reports.summary.export(params)
    assert response.data["method"] == "reports.summary.export"
    with pytest.raises(logminer.UsageError):
        api.clients()


def test_an_expired_session_logs_in_again_once(client, sandbox):
    client.call("clients.editForm", {"id_clients": 1})
    sandbox.expire_sessions()
    response = client.call("clients.editForm", {"id_clients": 2})
    assert response.code is True
    assert sandbox.logins == 2


def test_an_expired_session_without_credentials_is_reported(sandbox, catalog):
    with Client(sandbox.url, LOGIN, PASSWORD) as first:
        first.call("packages.list")
        sid = first.session_id
    sandbox.expire_sessions()
    with Client(sandbox.url, sid=sid, raise_for_code=True) as client, pytest.raises(CallFailed) as caught:
        client.call("packages.list")
    assert "Session expired" in str(caught.value)
    assert sid not in str(caught.value) and sid not in repr(client)


def test_code_false_raises_nothing_unless_asked(sandbox):
    with Client(sandbox.url, LOGIN, "wrong-password") as client:
        response = client.call("clients.editForm", {"id_clients": 11})
        assert response.code is False
        assert response.errors == ["Login failed: wrong login or password."]
        with pytest.raises(CallFailed) as caught:
            response.raise_for_code()
    assert caught.value.errors == response.errors
    assert caught.value.response is response
    assert str(caught.value) == (
        "clients.editForm failed (code false); billing: Login failed: wrong login or password."
    )


def test_a_refused_login_is_a_login_failed(sandbox):
    """code false to a call that logged in, with no session granted: a CallFailed of its own kind."""
    client = Client(sandbox.url, LOGIN, "wrong-password", raise_for_code=True)
    with client, pytest.raises(LoginFailed):
        client.call("clients.editForm", {"id_clients": 11})
    # A call that carried no credentials was refused, but no login was.
    with Client(sandbox.url, raise_for_code=True) as client, pytest.raises(CallFailed) as caught:
        client.call("clients.editForm", {"id_clients": 11})
    assert not isinstance(caught.value, LoginFailed)
    assert "Authentication required" in str(caught.value)


def test_a_missing_required_argument_fails_at_the_billing(sandbox):
    with (
        Client(sandbox.url, LOGIN, PASSWORD, raise_for_code=True) as client,
        pytest.raises(CallFailed) as caught,
    ):
        client.call("clients.add", {"name": "Acme", "status": "active", "type": 0, "id_companies": 3})
    assert caught.value.errors == ["Missing required argument: id_currencies"]


def test_an_unknown_method_is_an_rpc_error(client):
    with pytest.raises(RpcError) as caught:
        client.call("clients.fly", validate="off")
    assert caught.value.code == -32601
    assert "Method not found: clients.fly" in str(caught.value)


def test_a_typo_is_not_sent_by_default(client, sandbox):
    """The default mode (errors) refuses what is almost surely a typo, with the name meant."""
    with pytest.raises(ValidationFailed) as caught:
        client.call("clients.editForm", {"id_client": 11})
    assert caught.value.mode == "errors"
    assert caught.value.findings[0].suggestions == ("id_clients",)
    with pytest.raises(ValidationFailed):
        client.call("clients.ad", {"id_clients": 11})
    with pytest.raises(ValidationFailed):
        client.download("invoices.download", {"idd": 3, "format": "pdf"})
    assert sandbox.calls == 0 and sandbox.logins == 0


def test_the_api_drop_in_refuses_typos_too(sandbox, catalog):
    with Api(sandbox.url, LOGIN, PASSWORD, catalog=catalog) as api, pytest.raises(ValidationFailed):
        api.clients.editForm(id_client=8)
    assert sandbox.calls == 0


def test_a_warning_is_reported_and_the_call_sent(client, sandbox, caplog):
    with caplog.at_level(logging.WARNING, logger="logminer.client"):
        response = client.call("clients.editForm", {"id_clients": 11, "lang": "de"})
    assert sandbox.calls == 1 and response.ok
    assert [(finding.level, finding.argument) for finding in response.findings] == [("warning", "lang")]
    assert "'lang' was never seen" in caplog.text


def test_warn_mode_sends_errors_too(client, sandbox):
    response = client.call("clients.editForm", {"id_clients": 11, "id_client": 12}, validate="warn")
    assert sandbox.calls == 1
    assert [finding.argument for finding in response.findings] == ["id_client"]


def test_strict_mode_refuses_warnings(sandbox, catalog):
    with Client(sandbox.url, LOGIN, PASSWORD, catalog=catalog, validate="strict") as client:
        with pytest.raises(ValidationFailed) as caught:
            client.call("clients.editForm", {"id_clients": 11, "lang": "de"})
        assert caught.value.findings[0].level == "warning"
    assert sandbox.calls == 0 and sandbox.logins == 0


def test_a_method_is_taken_as_the_browser_shows_it(client):
    for name in (
        "clients/editForm",
        "/admin/clients/editForm",
        "https://billing.test/admin/clients/editForm",
    ):
        assert client.call(name, {"id_clients": 11}).data["method"] == "clients.editForm"


def test_a_refused_connection_is_a_connect_error(sandbox):
    url = sandbox.url
    sandbox.stop()
    with Client(url, LOGIN, PASSWORD) as client, pytest.raises(ConnectError) as caught:
        client.call("packages.list")
    assert "Cannot connect to the billing at http://127.0.0.1:" in str(caught.value)


# -- downloads ---------------------------------------------------------------------------------


def test_a_download_is_named_from_the_reply_and_reports_progress(client, sandbox, tmp_path):
    sandbox.download_size = 3 * 1024 * 1024 + 17
    seen = []
    path = client.download(
        "invoices.download", {"id": 3, "format": "pdf"}, tmp_path, progress=lambda d, t: seen.append((d, t))
    )
    assert path.parent == tmp_path
    assert path.name.startswith("invoices_download_") and path.name.endswith(".csv")
    assert path.stat().st_size == sandbox.download_size
    assert seen[-1] == (sandbox.download_size, sandbox.download_size)
    assert os.listdir(tmp_path) == [path.name]


def test_a_download_goes_to_the_path_given(client, tmp_path):
    target = tmp_path / "sub" / "invoice.pdf"
    assert client.download("invoices.download", {"id": 3, "format": "pdf"}, target) == target
    assert target.exists()


def test_a_download_into_a_folder_ending_with_a_slash_creates_it(client, tmp_path):
    path = client.download("invoices.download", {"id": 3, "format": "pdf"}, f"{tmp_path}/invoices/")
    assert path.parent == tmp_path / "invoices"
    assert path.name.startswith("invoices_download_")


def test_a_downloaded_file_is_made_with_the_users_umask(client, tmp_path):
    before = os.umask(0o027)
    try:
        path = client.download("invoices.download", {"id": 3, "format": "pdf"}, tmp_path / "a.csv")
    finally:
        os.umask(before)
    assert path.stat().st_mode & 0o777 == 0o640


def billing_naming(name, content=b"new content"):
    """A client whose billing answers every download with ``content`` named ``name``."""

    def handler(request):
        headers = {"Content-Disposition": f'attachment; filename="{name}"'}
        return httpx.Response(200, headers=headers, content=content)

    return Client("billing.test", LOGIN, PASSWORD, transport=httpx.MockTransport(handler))


def test_a_file_the_billing_names_never_replaces_one_unless_forced(tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    with billing_naming("victim.txt") as client:
        with pytest.raises(FileError, match=r"victim\.txt exists"):
            client.download("xdrs.download", {}, tmp_path)
        assert victim.read_text() == "mine"
        assert os.listdir(tmp_path) == ["victim.txt"]
        assert client.download("xdrs.download", {}, tmp_path, force=True) == victim
        assert victim.read_bytes() == b"new content"


def test_a_file_named_by_the_user_is_replaced(tmp_path):
    named = tmp_path / "named.csv"
    named.write_text("old")
    with billing_naming("other.csv") as client:
        assert client.download("xdrs.download", {}, named) == named
    assert named.read_bytes() == b"new content"
    assert os.listdir(tmp_path) == ["named.csv"]


@pytest.mark.parametrize("name", ["../../escape.txt", "/etc/escape.txt", "..\\escape.txt", "sub/escape.txt"])
def test_a_name_the_billing_gives_never_leaves_the_folder(tmp_path, name):
    folder = tmp_path / "folder"
    folder.mkdir()
    with billing_naming(name) as client:
        path = client.download("xdrs.download", {}, folder)
    assert path.parent == folder
    assert path.name in ("escape.txt", "xdrs_download")  # a name that cannot be made safe is not used
    assert sorted(tmp_path.rglob("*")) == [folder, path]


def test_a_download_can_go_to_a_stream():
    stream = io.BytesIO()
    with billing_naming("x.csv", b"a,b\n1,2\n") as client:
        assert client.download("xdrs.download", {}, stream) is None
    assert stream.getvalue() == b"a,b\n1,2\n"


def test_a_download_refused_with_x_vcs_status_leaves_no_file(client, tmp_path):
    with pytest.raises(DownloadFailed) as caught:
        client.download("invoices.download", {"id": 3}, tmp_path, validate="off")
    assert caught.value.status == "400"
    assert "Missing required argument: format" in str(caught.value)
    assert os.listdir(tmp_path) == []


def test_a_cut_off_download_leaves_no_file(tmp_path):
    def handler(request):
        return httpx.Response(
            200,
            headers={"Content-Length": "1000", "Content-Disposition": "filename=a.csv"},
            content=b"x" * 10,
        )

    client = Client("http://billing.test", LOGIN, PASSWORD, transport=httpx.MockTransport(handler))
    with client, pytest.raises(TransportError, match="stopped at 10 of 1000 bytes"):
        client.download("xdrs.download", {}, tmp_path)
    assert os.listdir(tmp_path) == []


def test_a_download_of_hundreds_of_mb_streams_in_constant_memory(tmp_path, catalog):
    """200 MB from the sandbox in a fresh interpreter; the peak RSS must not grow with the file."""
    script = textwrap.dedent(
        f"""
        import json, os, sys
        sys.path.insert(0, {str(ROOT)!r})
        import logminer
        from tests.helpers import LOGIN, PASSWORD, start

        def peak_kb():
            for line in open("/proc/self/status"):
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])

        sandbox = start(logminer.load_catalog(sys.argv[1]), download_size=1024 * 1024)
        params = {{"id": 3, "format": "pdf"}}
        with logminer.Client(sandbox.url, LOGIN, PASSWORD) as client:
            client.download("invoices.download", params, sys.argv[2])  # warm up: imports, buffers
            before = peak_kb()
            sandbox.download_size = 200 * 1024 * 1024
            path = client.download("invoices.download", params, sys.argv[2] + "/big.csv")
            after = peak_kb()
        print(json.dumps({{"size": path.stat().st_size, "before_kb": before, "after_kb": after}}))
        """
    )
    catalog_file = logminer.save_catalog(catalog, tmp_path / "catalog.json")
    run = subprocess.run(
        [sys.executable, "-c", script, str(catalog_file), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    measured = json.loads(run.stdout)
    assert measured["size"] == 200 * 1024 * 1024
    growth_mb = (measured["after_kb"] - measured["before_kb"]) / 1024
    print(
        f"download of 200 MB: peak RSS {measured['before_kb'] // 1024} -> {measured['after_kb'] // 1024} MB"
    )
    assert growth_mb < 16, f"peak RSS grew by {growth_mb:.1f} MB while downloading 200 MB"


# -- malformed replies -------------------------------------------------------------------------


def call_mocked(handler, **options):
    """clients.editForm through a client whose billing is ``handler``."""
    with Client("billing.test", LOGIN, PASSWORD, transport=httpx.MockTransport(handler), **options) as client:
        return client.call("clients.editForm", {"id_clients": 11})


def test_an_html_500_is_one_line_with_the_status():
    page = b"<html>\n<head><title>500 Internal Server Error</title></head>\n<body>nginx</body>\n</html>\n"
    with pytest.raises(HTTPStatusError) as caught:
        call_mocked(lambda request: httpx.Response(500, content=page))
    assert caught.value.status == 500
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith(
        "The billing answered HTTP 500 Internal Server Error at https://billing.test/jsonrpc/"
    )
    assert "<title>500 Internal Server Error</title>" in message


def test_a_truncated_reply_is_a_protocol_error_quoting_it():
    body = b'{"jsonrpc": "2.0", "id": 1, "result": {"code": tr'
    with pytest.raises(ProtocolError) as caught:
        call_mocked(lambda request: httpx.Response(200, content=body))
    assert "is not JSON" in str(caught.value)
    assert '"code": tr' in str(caught.value)


def test_a_reply_for_another_request_is_a_protocol_error():
    reply = {"jsonrpc": "2.0", "id": 99, "result": {"code": True}}
    with pytest.raises(ProtocolError, match="answers request id 99, not 1"):
        call_mocked(lambda request: httpx.Response(200, json=reply))


def test_a_reply_larger_than_the_cap_is_refused():
    reply = {"jsonrpc": "2.0", "id": 1, "result": {"code": True, "return": "x" * 5000}}
    with pytest.raises(ProtocolError, match="larger than 1000 bytes"):
        call_mocked(lambda request: httpx.Response(200, json=reply), max_reply_bytes=1000)


def test_a_timeout_is_a_timeout_error():
    def handler(request):
        raise httpx.ReadTimeout("timed out", request=request)

    with pytest.raises(Timeout, match="did not answer in time"):
        call_mocked(handler)


def test_secrets_echoed_by_the_billing_are_masked_in_errors():
    def handler(request):
        sent = json.loads(request.content)
        text = f"bad password {sent['params']['auth']['password']}"
        return httpx.Response(
            200, json={"jsonrpc": "2.0", "id": sent["id"], "error": {"code": 1, "message": text}}
        )

    with pytest.raises(RpcError) as caught:
        call_mocked(handler)
    assert PASSWORD not in str(caught.value)
    assert "********" in str(caught.value)


# -- no password anywhere ------------------------------------------------------------------------


def test_the_password_is_never_in_a_repr_a_log_line_or_a_request_shown(sandbox, catalog, caplog):
    traced = []
    api = Api(sandbox.url, LOGIN, PASSWORD, catalog=catalog, validate="warn", trace=traced.append)
    with caplog.at_level(logging.DEBUG), api:
        first = api.client.build_request("clients.add", {"cp_password": "Client-Secret-77"})
        response = api.clients.add({"cp_password": "Client-Secret-77", "name": "Acme", "id_client": 1})
        later = api.client.build_request("clients.add", {"name": "Acme"})
        shown = [repr(api), repr(api.client), repr(response), repr(first), first.shown(), caplog.text]
        shown += [repr(vars(api.client)), json.dumps(response.to_dict()), *traced]
    preview = json.loads(first.masked)
    assert preview["params"]["auth"] == {"login": LOGIN, "password": "********"}
    assert preview["params"]["cp_password"] == "********"
    assert json.loads(later.masked)["params"]["SID"] == "********"
    for text in shown:
        assert PASSWORD not in text
        assert "Client-Secret-77" not in text
        assert api.client.session_id not in text


# -- one road: build_request -----------------------------------------------------------------------


def recording(replies=None):
    """A MockTransport that keeps each request it gets and answers each JSON-RPC call with code true."""
    received = []

    def handler(request):
        received.append(request)
        sent = json.loads(request.content)
        result = {"code": True, "session_id": "1-session-abc", "return": {"ok": 1}, "messages": []}
        return httpx.Response(200, json={"jsonrpc": "2.0", "id": sent["id"], "result": result})

    return httpx.MockTransport(replies or handler), received


def test_what_is_sent_is_the_request_built_byte_for_byte():
    transport, received = recording()
    with Client("billing.test", LOGIN, PASSWORD, transport=transport) as client:
        request = client.build_request("clients.add", {"name": "Acme", "cp_password": "Client-Secret-77"})
        client.send(request)
    [sent] = received
    assert sent.content == request.content
    assert str(sent.url) == request.url == "https://billing.test/jsonrpc/"
    assert json.loads(sent.content) == {
        "jsonrpc": "2.0",
        "method": "clients.add",
        "params": {
            "name": "Acme",
            "cp_password": "Client-Secret-77",
            "auth": {"login": LOGIN, "password": PASSWORD},
        },
        "id": 1,
    }
    # What --dry-run and -v show is the same text, only the secrets masked.
    assert scrub(sent.content.decode(), [PASSWORD, "Client-Secret-77"]) == request.masked
    assert request.shown().endswith("\n\n" + request.masked)
    assert request.shown().startswith("POST https://billing.test/jsonrpc/\n")


def test_requests_say_they_come_from_logminer():
    transport, received = recording()
    with Client("billing.test", LOGIN, PASSWORD, transport=transport) as client:
        client.call("packages.list")
    assert received[0].headers["User-Agent"] == USER_AGENT == f"logminer/{logminer.__version__}"


def test_the_session_is_sent_once_granted_and_ids_count_up():
    transport, received = recording()
    with Client("billing.test", LOGIN, PASSWORD, transport=transport) as client:
        client.call("packages.list")
        second = client.build_request("packages.list")
        client.send(second)
    assert [json.loads(request.content)["id"] for request in received] == [1, 2]
    assert json.loads(received[1].content)["params"] == {"SID": "1-session-abc"}
    assert json.loads(second.masked)["params"] == {"SID": "********"}


def test_a_download_request_is_a_form_shown_masked():
    with Client("billing.test", LOGIN, PASSWORD) as client:
        request = client.build_request("invoices.download", {"id": 3, "format": "pdf"}, download=True)
    assert request.url == "https://billing.test/admin/invoices/download"
    assert request.content.decode() == (
        f"id=3&format=pdf&auth[login]={LOGIN}&auth[password]={PASSWORD}&__api=1"
    )
    assert request.masked == f"id=3&format=pdf&auth[login]={LOGIN}&auth[password]=********&__api=1"


def test_a_login_without_a_password_is_refused_before_sending():
    transport, received = recording()
    with Client("billing.test", LOGIN, None, transport=transport) as client:
        with pytest.raises(logminer.UsageError, match="No password for the login 'api_robot'"):
            client.call("packages.list")
        with pytest.raises(logminer.UsageError):
            Client("billing.test", LOGIN, "").call("packages.list")
    assert received == []


# -- small pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "port", "url"),
    [
        ("vcs-demo.jerasoft.net", 443, "https://vcs-demo.jerasoft.net"),
        ("vcs-demo.jerasoft.net", None, "https://vcs-demo.jerasoft.net"),
        ("vcs-demo.jerasoft.net", 80, "http://vcs-demo.jerasoft.net"),
        ("vcs-demo.jerasoft.net", 8443, "https://vcs-demo.jerasoft.net:8443"),
        ("http://127.0.0.1:8080", None, "http://127.0.0.1:8080"),
        ("http://10.0.0.5", 443, "http://10.0.0.5:443"),
        ("https://billing.example.net/", None, "https://billing.example.net"),
        ("::1", 8443, "https://[::1]:8443"),
    ],
)
def test_the_scheme_is_https_unless_port_80_or_http_is_explicit(host, port, url):
    assert base_url(host, port) == url


def test_a_port_given_twice_differently_is_a_usage_error():
    with pytest.raises(logminer.UsageError, match="says port 8080, but port 443 was given"):
        base_url("http://127.0.0.1:8080", 443)
    assert base_url("http://127.0.0.1:8080", 8080) == "http://127.0.0.1:8080"


def test_params_become_php_form_fields():
    params = {"id": 3, "fields": [{"id": 5, "value": "Gold"}], "apply": True, "empty": None}
    assert form_fields(params) == [
        ("id", "3"),
        ("fields[0][id]", "5"),
        ("fields[0][value]", "Gold"),
        ("apply", "1"),
        ("empty", ""),
    ]


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="invoice 17.pdf"', "invoice 17.pdf"),
        ("attachment; filename=xdrs.csv", "xdrs.csv"),
        ("attachment; filename*=UTF-8''%D1%81%D1%87%D0%B5%D1%82.pdf", "счет.pdf"),
        ('attachment; filename="../../etc/passwd"', "passwd"),
        ('attachment; filename=".."', None),
        (f'attachment; filename="{"счёт" * 100}.pdf"', "счёт" * 24 + "сч.pdf"),  # 200 bytes
        ("inline", None),
        (None, None),
    ],
)
def test_the_file_name_comes_from_content_disposition_safely(header, name):
    assert filename_from(header) == name
