"""The explorer's server: the page and the API only for the token's holder, at 127.0.0.1, from itself."""

from __future__ import annotations

import json
import socket
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from logminer import UsageError
from logminer.explorer import ExplorerServer
from logminer.explorer.server import MAX_BODY, NO_BILLING, TOKEN_HEADER
from tests.explorer_documents import sample_document

FINDING = {"level": "error", "argument": "nmae", "message": "No such argument.", "suggestions": ["name"]}


class Billing:
    """Fake check and call callables that record what they were given."""

    def __init__(self) -> None:
        self.checked: list[tuple[str, dict]] = []
        self.called: list[tuple[str, dict]] = []

    def check(self, method: str, params: dict) -> list[dict]:
        self.checked.append((method, params))
        return [FINDING] if "nmae" in params else []

    def call(self, method: str, params: dict) -> dict:
        self.called.append((method, params))
        return {
            "sent": True,
            "findings": [],
            "reply": {"id": 7},
            "error": None,
            "command": f"logminer call {method}",
        }


@pytest.fixture
def billing():
    return Billing()


@pytest.fixture
def server(billing):
    with ExplorerServer(sample_document, billing.check, billing.call) as running:
        yield running


def base(server: ExplorerServer) -> str:
    return f"http://127.0.0.1:{server.port}"


def api(server, path, body, **headers):
    headers = {TOKEN_HEADER: server.token, "Content-Type": "application/json", **headers}
    return httpx.post(base(server) + path, content=json.dumps(body), headers=headers)


def test_the_url_holds_a_long_random_token(server):
    parts = urlsplit(server.url)
    assert parts.scheme == "http" and parts.hostname == "127.0.0.1" and parts.port == server.port
    (token,) = parse_qs(parts.query)["token"]
    assert token == server.token and len(token) >= 22
    other = ExplorerServer(sample_document, lambda m, p: [], None)
    try:
        assert other.token != server.token and other.port != server.port
    finally:
        other.stop()


def test_the_page_with_the_token(server):
    reply = httpx.get(server.url)
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "text/html; charset=utf-8"
    assert "clients.add" in reply.text
    assert '"tryIt":true' in reply.text


def test_every_answer_carries_the_safety_headers(server):
    for reply in (httpx.get(server.url), httpx.get(base(server) + "/"), api(server, "/api/check", {})):
        assert reply.headers["x-content-type-options"] == "nosniff"
        assert reply.headers["referrer-policy"] == "no-referrer"
        assert reply.headers["cache-control"] == "no-store"
        policy = reply.headers["content-security-policy"]
        assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
        assert "access-control-allow-origin" not in reply.headers
    assert "connect-src 'self'" in httpx.get(server.url).headers["content-security-policy"]


@pytest.mark.parametrize(
    "url",
    ["/", "/?token=", "/?token=wrong", "/?token={token}x", "/?tok={token}", "/?token={token_head}"],
)
def test_no_page_without_the_right_token(server, url):
    reply = httpx.get(base(server) + url.format(token=server.token, token_head=server.token[:-1]))
    assert reply.status_code == 403
    assert "clients" not in reply.text
    assert "token" in reply.json()["error"]


def test_no_api_without_the_right_token(server, billing):
    for headers in ({TOKEN_HEADER: ""}, {TOKEN_HEADER: "x" * 43}, {TOKEN_HEADER: server.token + "x"}):
        reply = api(server, "/api/check", {"method": "clients.add", "params": {}}, **headers)
        assert reply.status_code == 403
    for url in ("/api/call", f"/api/call?token={server.token}"):
        reply = httpx.post(
            base(server) + url,
            content=json.dumps({"method": "clients.add", "params": {}}),
            headers={"Content-Type": "application/json"},
        )
        assert reply.status_code == 403
    assert billing.checked == [] and billing.called == []


@pytest.mark.parametrize(
    "host", ["evil.example:{port}", "127.0.0.1", "127.0.0.1:1", "localhost", "", "[::1]:{port}"]
)
def test_a_foreign_host_header_is_refused(server, host):
    """DNS rebinding: a page on another name that resolves to 127.0.0.1 sends its own Host."""
    reply = httpx.get(server.url, headers={"Host": host.format(port=server.port)})
    assert reply.status_code == 403
    assert "clients" not in reply.text


def test_localhost_is_the_same_server(server):
    reply = httpx.get(server.url, headers={"Host": f"localhost:{server.port}"})
    assert reply.status_code == 200
    check = api(
        server, "/api/check", {"method": "a.b", "params": {}}, Origin=f"http://localhost:{server.port}"
    )
    assert check.status_code == 200


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://evil.example"},
        {"Origin": "null"},
        {"Origin": "http://127.0.0.1:1"},
        {"Origin": "https://127.0.0.1:{port}"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site"},
    ],
)
def test_requests_from_other_origins_are_refused(server, billing, headers):
    headers = {key: value.format(port=server.port) for key, value in headers.items()}
    assert httpx.get(server.url, headers=headers).status_code == 403
    reply = api(server, "/api/call", {"method": "clients.add", "params": {}}, **headers)
    assert reply.status_code == 403
    assert billing.called == []


def test_a_window_opening_the_page_from_elsewhere_gets_it_with_the_token(server, billing):
    """`logminer explore` opens the browser on a local file that leads to the URL: a cross-site
    top-level navigation. It gets the page (with the token), and nothing else does."""
    window = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "navigate", "Sec-Fetch-Dest": "document"}
    assert httpx.get(server.url, headers=window).status_code == 200
    assert httpx.get(base(server) + "/", headers=window).status_code == 403
    for headers in ({**window, "Sec-Fetch-Dest": "iframe"}, {**window, "Sec-Fetch-Mode": "no-cors"}):
        assert httpx.get(server.url, headers=headers).status_code == 403
    reply = api(server, "/api/call", {"method": "clients.add", "params": {}}, **window)
    assert reply.status_code == 403
    assert billing.called == []


def test_the_server_s_own_origin_is_accepted(server, billing):
    reply = api(server, "/api/check", {"method": "clients.add", "params": {"nmae": "x"}}, Origin=base(server))
    assert reply.status_code == 200
    assert reply.json() == {"findings": [FINDING]}
    assert billing.checked == [("clients.add", {"nmae": "x"})]
    navigation = httpx.get(server.url, headers={"Sec-Fetch-Site": "none"})
    assert navigation.status_code == 200


def test_the_api_takes_only_json_posts(server, billing):
    body = json.dumps({"method": "clients.add", "params": {}})
    token = {TOKEN_HEADER: server.token}
    assert httpx.get(base(server) + "/api/check", headers=token).status_code == 405
    for kind in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data", ""):
        reply = httpx.post(base(server) + "/api/check", content=body, headers={**token, "Content-Type": kind})
        assert reply.status_code == 415
    assert httpx.request("OPTIONS", base(server) + "/api/check", headers=token).status_code == 405
    assert httpx.put(base(server) + "/api/check", content=body, headers=token).status_code == 405
    assert api(server, "/api/nothing", {}).status_code == 404
    assert billing.checked == []


@pytest.mark.parametrize(
    "body", [[], "x", {"method": 1, "params": {}}, {"method": "a.b"}, {"method": "a.b", "params": []}]
)
def test_a_malformed_request_is_refused(server, body):
    reply = api(server, "/api/check", body)
    assert reply.status_code == 400
    broken = httpx.post(
        base(server) + "/api/check",
        content=b"{not json",
        headers={TOKEN_HEADER: server.token, "Content-Type": "application/json"},
    )
    assert broken.status_code == 400


def test_request_bodies_are_capped(server, billing):
    reply = api(server, "/api/check", {"method": "a.b", "params": {"x": "y" * MAX_BODY}})
    assert reply.status_code == 413
    assert billing.checked == []


def test_a_call_returns_what_the_call_callable_says(server, billing):
    reply = api(server, "/api/call", {"method": "clients.add", "params": {"name": "Acme"}})
    assert reply.status_code == 200
    assert reply.json()["reply"] == {"id": 7}
    assert billing.called == [("clients.add", {"name": "Acme"})]


def test_without_a_billing_nothing_can_be_sent(billing):
    with ExplorerServer(sample_document, billing.check, None) as server:
        page = httpx.get(server.url).text
        assert json.dumps(NO_BILLING)[1:-1] in page
        reply = api(server, "/api/call", {"method": "clients.add", "params": {}})
        assert reply.json() == {
            "sent": False,
            "findings": [],
            "reply": None,
            "error": NO_BILLING,
            "command": None,
        }


def test_errors_of_the_callables_are_sentences_not_tracebacks(billing):
    def check(method, params):
        raise UsageError("The catalog has no method a.b.")

    def call(method, params):
        raise RuntimeError("password=hunter2 in a traceback")

    with ExplorerServer(sample_document, check, call) as server:
        reply = api(server, "/api/check", {"method": "a.b", "params": {}})
        assert reply.status_code == 422 and reply.json() == {"error": "The catalog has no method a.b."}
        reply = api(server, "/api/call", {"method": "a.b", "params": {}})
        assert reply.status_code == 500 and "hunter2" not in reply.text


def test_the_document_is_loaded_again_when_the_watched_catalog_changes(billing):
    loads = []
    stamp = [1]

    def load():
        loads.append(1)
        document = sample_document()
        document["methods"][0]["method"] = f"accounts.version{len(loads)}"
        return document

    with ExplorerServer(load, billing.check, None, watch=lambda: stamp[0]) as server:
        assert "accounts.version1" in httpx.get(server.url).text
        assert "accounts.version1" in httpx.get(server.url).text
        assert len(loads) == 1
        stamp[0] = 2
        assert "accounts.version2" in httpx.get(server.url).text
        assert len(loads) == 2


def test_without_watch_every_page_loads_the_document(billing):
    loads = []

    def load():
        loads.append(1)
        return sample_document()

    with ExplorerServer(load, billing.check, None) as server:
        httpx.get(server.url)
        httpx.get(server.url)
        api(server, "/api/check", {"method": "a.b", "params": {}})
    assert len(loads) == 2


def test_it_listens_on_127_0_0_1_only(server):
    assert server._httpd.server_address[0] == "127.0.0.1"
    # Another loopback address reaches a server bound to all addresses, not this one.
    with pytest.raises(OSError), socket.create_connection(("127.0.0.2", server.port), timeout=1):
        pass


def test_nothing_is_logged(capfd, server):
    httpx.get(server.url)
    httpx.get(base(server) + "/?token=wrong")
    api(server, "/api/check", {"method": "a.b", "params": {}})
    captured = capfd.readouterr()
    assert server.token not in captured.err + captured.out
    assert captured.err == ""


def test_serve_forever_until_stopped_from_another_thread():
    import threading

    server = ExplorerServer(sample_document, lambda m, p: [], None)
    serving = threading.Thread(target=server.serve_forever)
    serving.start()
    assert httpx.get(server.url).status_code == 200
    server.stop()
    serving.join(timeout=5)
    assert not serving.is_alive()
    with pytest.raises(httpx.ConnectError):
        httpx.get(server.url)


def test_a_given_port_and_token():
    token = "t" * 32
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with ExplorerServer(sample_document, lambda m, p: [], None, port=port, token=token) as server:
        assert server.url == f"http://127.0.0.1:{port}/?token={token}"
        assert httpx.get(server.url).status_code == 200
    with pytest.raises(ValueError, match="22 characters"):
        ExplorerServer(sample_document, lambda m, p: [], None, token="short")
