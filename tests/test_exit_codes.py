"""The exit status of each outcome, as the README's table promises scripts (one table in code:
``logminer.EXIT_CODES``)."""

from __future__ import annotations

import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

import logminer
from logminer import _errors
from logminer.calls.client import Client
from logminer.cli import main
from tests.helpers import LOGIN, PASSWORD, ROOT, mine_catalog, start


@pytest.fixture(scope="module")
def catalog_file(tmp_path_factory):
    return mine_catalog(tmp_path_factory.mktemp("catalog"))


@pytest.fixture
def sandbox(catalog_file):
    sandbox = start(logminer.load_catalog(catalog_file))
    yield sandbox
    sandbox.stop()


def run(catalog_file, *args, host=None, password=PASSWORD):
    env = {"LOGMINER_CATALOG": str(catalog_file), "JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": password}
    env["JERASOFT_HOST"] = host
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.output
    return result


def serving(status: int, body: bytes, delay: float = 0.0):
    """A billing answering every POST with ``status`` and ``body`` (after ``delay`` seconds)."""
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers["Content-Length"]))
            if stop.wait(delay):
                return  # the test is over; its client has gone
            self.send_response(status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    return server, stop


@pytest.fixture
def billing():
    servers = []

    def make(status, body, delay=0.0):
        server, stop = serving(status, body, delay)
        servers.append((server, stop))
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield make
    for server, stop in servers:
        stop.set()
        server.shutdown()
        server.server_close()


def test_0_success(catalog_file, sandbox):
    assert run(catalog_file, "call", "clients.editForm", "id_clients=11", host=sandbox.url).exit_code == 0


@pytest.mark.parametrize(
    "args",
    [
        ["check", "clients.editForm", "id_client=11"],
        ["check", "clients.ad"],
        ["show", "clients.ad"],
        ["call", "clients.editForm", "id_client=11"],
        ["call", "clients.ad", "--dry-run"],
    ],
    ids=" ".join,
)
def test_1_a_check_found_something(catalog_file, sandbox, args):
    """An unknown method is 1 in show, check and call alike."""
    assert run(catalog_file, *args, host=sandbox.url).exit_code == 1
    assert sandbox.calls == 0


@pytest.mark.parametrize(
    "args",
    [
        ["call", "clients.editForm", "id_clients"],
        ["call", "clients.editForm", "--timeout", "nan"],
        ["call", "clients.editForm", "--host", "https://api:pw@billing.example.net"],
        ["download", "invoices.download", "--max-bytes", "lots"],
        ["show", "clients.add", "--catalog", "/nonexistent/catalog.json"],
    ],
    ids=" ".join,
)
def test_2_a_usage_error(catalog_file, sandbox, args):
    assert run(catalog_file, *args, host=sandbox.url).exit_code == 2


def test_2_no_password_and_no_terminal(catalog_file, sandbox):
    result = run(catalog_file, "call", "clients.editForm", "id_clients=11", host=sandbox.url, password=None)
    assert result.exit_code == 2
    assert sandbox.calls == 0


@pytest.mark.parametrize(
    "args",
    [
        ["call", "clients.add", "name=Acme", "--format", "json"],  # code false: arguments missing
        ["call", "clients.fly"],  # a JSON-RPC error: no such method
        ["download", "invoices.download", "id=3", "-o", "-"],  # X-VCS-Status: format missing
    ],
    ids=" ".join,
)
def test_3_the_billing_refused_the_call(catalog_file, sandbox, args):
    assert run(catalog_file, *args, "--validate", "off", host=sandbox.url).exit_code == 3


def test_4_the_billing_refused_the_login(catalog_file, sandbox):
    result = run(
        catalog_file, "call", "clients.editForm", "id_clients=11", host=sandbox.url, password="wrong"
    )
    assert result.exit_code == 4


def test_5_an_http_error(catalog_file, billing):
    url = billing(502, b"<html>Bad Gateway</html>")
    assert run(catalog_file, "call", "clients.editForm", "id_clients=11", host=url).exit_code == 5


def test_6_a_timeout(catalog_file, billing):
    url = billing(200, b"{}", delay=5)
    result = run(catalog_file, "call", "clients.editForm", "id_clients=11", "--timeout", "0.3", host=url)
    assert result.exit_code == 6


def test_7_no_connection(catalog_file):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    result = run(catalog_file, "call", "clients.editForm", "id_clients=11", host=f"http://127.0.0.1:{port}")
    assert result.exit_code == 7
    assert "Cannot connect to the billing" in result.stderr


def test_8_a_reply_that_is_not_json_rpc(catalog_file, billing):
    url = billing(200, b"<html>maintenance</html>")
    assert run(catalog_file, "call", "clients.editForm", "id_clients=11", host=url).exit_code == 8


def test_130_interrupted(catalog_file, sandbox, monkeypatch):
    def interrupted(self, request):
        raise KeyboardInterrupt

    monkeypatch.setattr(Client, "send", interrupted)
    result = run(catalog_file, "call", "clients.editForm", "id_clients=11", host=sandbox.url)
    assert result.exit_code == 130
    assert result.stderr.endswith("logminer: interrupted\n")


def test_every_error_has_its_status_and_the_readme_lists_them_all():
    """Each error class resolves to a status of the table, and the README's table has each status once."""
    errors = [
        value for value in vars(_errors).values() if isinstance(value, type) and issubclass(value, Exception)
    ]
    codes = {_errors.EXIT_CODES.get(error) for error in errors} - {None}
    assert all(_errors.exit_code(error.__new__(error)) in codes for error in errors)
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("**Exit status**", 1)[1].split("\n\n", 2)[1]
    documented = [int(code) for code in re.findall(r"^\| (\d+) \|", table, re.MULTILINE)]
    assert documented == sorted({0, *codes, 130})
    assert logminer.EXIT_CODES is _errors.EXIT_CODES
