"""The sandbox billing, spoken to over real HTTP on 127.0.0.1 with a bare httpx client."""

from __future__ import annotations

import httpx
import pytest

import logminer
from tests.helpers import LOGIN, PASSWORD, mine_catalog, start


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return logminer.load_catalog(mine_catalog(tmp_path_factory.mktemp("catalog")))


@pytest.fixture
def sandbox(catalog):
    sandbox = start(catalog)
    yield sandbox
    sandbox.stop()


# One client for the module: creating an httpx client (its TLS context) per request is slow.
HTTP = httpx.Client()


def rpc(sandbox, method, params, request_id=1):
    reply = HTTP.post(f"{sandbox.url}/jsonrpc/", json={"method": method, "params": params, "id": request_id})
    assert reply.status_code == 200
    return reply.json()


AUTH = {"login": LOGIN, "password": PASSWORD}


def test_login_returns_a_session_and_echoes_the_accepted_params(sandbox):
    reply = rpc(sandbox, "clients.editForm", {"id_clients": 11, "auth": AUTH}, request_id=7)
    assert reply["jsonrpc"] == "2.0"
    assert reply["id"] == 7
    result = reply["result"]
    assert result["code"] is True
    assert result["session_id"].startswith("1-")
    assert result["return"] == {"method": "clients.editForm", "params": {"id_clients": 11}}
    assert result["errors"] == []
    assert sandbox.logins == 1


def test_a_session_id_works_instead_of_a_login_until_it_expires(sandbox):
    session = rpc(sandbox, "packages.list", {"auth": AUTH})["result"]["session_id"]
    again = rpc(sandbox, "packages.list", {"SID": session})["result"]
    assert again["code"] is True
    assert again["session_id"] == session
    sandbox.expire_sessions()
    expired = rpc(sandbox, "packages.list", {"SID": session})["result"]
    assert expired["code"] is False
    assert "Session expired" in expired["errors"][0]
    assert sandbox.logins == 1


@pytest.mark.parametrize(
    "auth", [{"login": LOGIN, "password": "wrong"}, {"login": "nobody", "password": PASSWORD}]
)
def test_a_bad_login_is_refused_with_code_false(sandbox, auth):
    result = rpc(sandbox, "clients.editForm", {"id_clients": 11, "auth": auth})["result"]
    assert result["code"] is False
    assert result["errors"] == ["Login failed: wrong login or password."]
    assert result["session_id"] == ""


def test_no_credentials_at_all_is_refused(sandbox):
    result = rpc(sandbox, "clients.editForm", {"id_clients": 11})["result"]
    assert result["code"] is False
    assert "Authentication required" in result["errors"][0]


def test_an_argument_present_in_every_observed_call_is_required(sandbox):
    result = rpc(sandbox, "clients.add", {"name": "Acme", "status": "active", "type": 0, "auth": AUTH})[
        "result"
    ]
    assert result["code"] is False
    assert result["errors"] == [
        "Missing required argument: id_companies",
        "Missing required argument: id_currencies",
    ]


def test_an_unknown_method_is_a_json_rpc_error(sandbox):
    reply = rpc(sandbox, "clients.fly", {"auth": AUTH})
    assert reply["error"] == {"code": -32601, "message": "Method not found: clients.fly"}
    assert "result" not in reply


def test_a_body_that_is_not_json_is_a_parse_error(sandbox):
    reply = HTTP.post(f"{sandbox.url}/jsonrpc/", content=b"{nope")
    assert reply.json()["error"]["code"] == -32700


def test_admin_serves_a_named_file_of_the_set_size(sandbox):
    sandbox.download_size = 100_000
    form = {"id": "3", "format": "pdf", "auth[login]": LOGIN, "auth[password]": PASSWORD, "__api": "1"}
    reply = HTTP.post(f"{sandbox.url}/admin/invoices/download", data=form)
    assert reply.status_code == 200
    assert "X-VCS-Status" not in reply.headers
    assert reply.headers["Content-Disposition"].startswith('attachment; filename="invoices_download_')
    assert len(reply.content) == 100_000


def test_admin_signals_a_logical_error_with_x_vcs_status(sandbox):
    reply = HTTP.get(f"{sandbox.url}/admin/invoices/download", params={"SID": "1-unknown"})
    assert reply.headers["X-VCS-Status"] == "403"
    form = {"id": "3", "auth[login]": LOGIN, "auth[password]": PASSWORD}
    reply = HTTP.post(f"{sandbox.url}/admin/invoices/download", data=form)
    assert reply.headers["X-VCS-Status"] == "400"
    assert "format" in reply.json()["errors"][0]
    assert HTTP.post(f"{sandbox.url}/admin/nothing/here", data=form).headers["X-VCS-Status"] == "404"


def test_the_echo_masks_secrets_as_the_catalog_does(sandbox):
    params = {"id_clients": 11, "cp_password": "Client-Secret-77", "note": "x", "auth": AUTH}
    result = rpc(sandbox, "clients.editForm", params)["result"]
    assert result["return"]["params"] == {"id_clients": 11, "cp_password": "********", "note": "x"}


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"SID": [1]}, "SID must be a string"),
        ({"SID": {"a": 1}}, "SID must be a string"),
        ({"auth": "api:pw"}, "auth must hold a login and a password"),
        ({"auth": {"login": ["api"], "password": PASSWORD}}, "auth must hold a login and a password"),
    ],
)
def test_credentials_of_the_wrong_shape_are_a_json_rpc_error(sandbox, params, words):
    reply = rpc(sandbox, "clients.editForm", params)
    assert reply["error"]["code"] == -32602
    assert words in reply["error"]["message"]


def test_a_body_nested_too_deep_is_a_parse_error(sandbox):
    depth = 200_000
    body = b'{"method": "clients.editForm", "params": {"a": ' + b"[" * depth + b"]" * depth + b'}, "id": 1}'
    reply = HTTP.post(f"{sandbox.url}/jsonrpc/", content=body).json()
    assert reply["error"] == {"code": -32700, "message": "Parse error: the request body is nested too deep."}
    assert rpc(sandbox, "packages.list", {"auth": AUTH})["result"]["code"] is True  # still serving
