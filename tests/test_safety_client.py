"""A hostile or broken billing, served for real on 127.0.0.1: every fault is one clear error, with no
password and no session id in it (nor in its repr, nor in the command's output).

Each server below is a raw socket loop, so it can do what no well-behaved HTTP server does: stall,
trickle, hang up mid-reply, stream without end, redirect elsewhere, present a self-signed certificate.
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable

import pytest
from click.testing import CliRunner

import logminer
from logminer import Client, ConnectError, HTTPStatusError, ProtocolError, Timeout, TransportError
from logminer.cli import main

LOGIN = "api_robot"
PASSWORD = "Pw-7f3c1b2e9d"
SID = "sid-5a9e0c44d1b7"


class Server:
    """A TCP server on 127.0.0.1 whose every connection is handled by ``handle(connection, request)``.

    ``request`` is the raw HTTP request (head and body) as far as it could be read; every request is
    kept in ``requests``, and ``sent`` counts the bytes ``send`` managed to push out.
    """

    def __init__(
        self, handle: Callable[[Server, socket.socket, bytes], None], tls: ssl.SSLContext | None = None
    ):
        self.handle = handle
        self.tls = tls
        self.requests: list[bytes] = []
        self.sent = 0
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.stopping.is_set():
            try:
                connection, _ = self.listener.accept()
            except OSError:
                return
            threading.Thread(target=self._connection, args=(connection,), daemon=True).start()

    def _connection(self, connection: socket.socket) -> None:
        try:
            if self.tls is not None:
                connection = self.tls.wrap_socket(connection, server_side=True)
            connection.settimeout(10)
            request = read_request(connection)
            self.requests.append(request)
            self.handle(self, connection, request)
        except (OSError, ssl.SSLError):
            pass
        finally:
            connection.close()

    def send(self, connection: socket.socket, data: bytes) -> None:
        connection.sendall(data)
        self.sent += len(data)

    def stop(self) -> None:
        self.stopping.set()
        self.listener.close()


def read_request(connection: socket.socket) -> bytes:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = connection.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def request_id(request: bytes) -> object:
    try:
        return json.loads(request.partition(b"\r\n\r\n")[2])["id"]
    except (ValueError, KeyError):
        return 1


def reply(body: bytes, status: str = "200 OK", headers: str = "") -> bytes:
    return (
        f"HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        f"Connection: close\r\n{headers}\r\n"
    ).encode() + body


def good_reply(request: bytes, **result: object) -> bytes:
    result = {"code": True, "return": {"ok": 1}, "session_id": SID, **result}
    return reply(json.dumps({"jsonrpc": "2.0", "id": request_id(request), "result": result}).encode())


@pytest.fixture
def serve():
    servers: list[Server] = []

    def start(handle, tls=None) -> Server:
        server = Server(handle, tls)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


def assert_no_secret(*texts: str) -> None:
    for text in texts:
        assert PASSWORD not in text, text
        assert SID not in text, text


def call_failing(url: str, error: type[Exception], **options) -> Exception:
    """Call clients.editForm at ``url``; the error it raises, checked to be one line and secret-free."""
    with pytest.raises(error) as caught, Client(url, LOGIN, PASSWORD, validate="off", **options) as client:
        client.call("clients.editForm", {"id_clients": 11})
    message = str(caught.value)
    assert "\n" not in message and message
    assert_no_secret(message, repr(caught.value), repr(caught.value.__context__ or ""))
    assert caught.value.__cause__ is None
    return caught.value


def cli_call(url: str, *extra: str) -> object:
    """`logminer call` at ``url`` with the secret credentials; the CliRunner result."""
    command = ["call", "clients.editForm", "id_clients=11", "--validate", "off", "--host", url]
    command += ["--login", LOGIN, "--password", PASSWORD, *extra]
    result = CliRunner().invoke(main, command)
    assert_no_secret(result.output)
    assert "Traceback" not in result.output
    return result


def assert_cli_error(result, words: str) -> None:
    assert result.exit_code == 2, result.output
    errors = result.stderr.splitlines()
    assert len(errors) == 1 and errors[0].startswith("logminer: "), result.stderr
    assert words in errors[0]


# -- a billing that stalls ----------------------------------------------------------------------


def test_a_billing_that_never_answers_times_out(serve):
    """Accepts the connection, reads the request, then says nothing: the timeout is honoured."""
    silent = serve(lambda server, connection, request: time.sleep(5))
    started = time.monotonic()
    error = call_failing(silent.url, Timeout, timeout=0.5)
    assert time.monotonic() - started < 3
    assert str(error) == f"The billing at {silent.url} did not answer in time (timeout)."
    assert_cli_error(cli_call(silent.url, "--timeout", "0.5"), "did not answer in time")


def test_a_billing_that_trickles_its_reply_times_out(serve):
    """A byte every 0.2 s never trips a per-read timeout; the client's deadline for the reply does."""

    def trickle(server, connection, request):
        server.send(connection, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
        server.send(connection, b"Content-Length: 100000\r\n\r\n")
        for _ in range(50):
            server.send(connection, b" ")
            time.sleep(0.2)

    slow = serve(trickle)
    started = time.monotonic()
    call_failing(slow.url, Timeout, timeout=1)
    assert time.monotonic() - started < 4


# -- a billing that hangs up --------------------------------------------------------------------


def test_a_billing_that_closes_mid_reply(serve):
    """Headers promise 1,000 bytes, 100 come (echoing the password), then the connection closes."""

    def hang_up(server, connection, request):
        server.send(
            connection, b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
        )
        server.send(
            connection, (b'{"jsonrpc": "2.0", "id": 1, "result": {"password": "' + PASSWORD.encode())[:100]
        )

    broken = serve(hang_up)
    error = call_failing(broken.url, TransportError)
    assert "failed" in str(error)
    assert_cli_error(cli_call(broken.url), "The connection to the billing")


def test_a_billing_that_closes_before_answering(serve):
    closed = serve(lambda server, connection, request: None)
    error = call_failing(closed.url, TransportError)
    assert str(error).startswith(f"The connection to the billing at {closed.url} failed: ")


# -- a billing that sends gigabytes -------------------------------------------------------------


def endless(announce: bool):
    """A reply of 4 GB, announced in Content-Length or chunked, sent until the client hangs up."""

    def handle(server, connection, request):
        if announce:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 4000000000\r\n\r\n"
        else:
            head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
        server.send(connection, head)
        block = b" " * 65536
        chunk = f"{len(block):x}\r\n".encode() + block + b"\r\n"
        while server.sent < 4_000_000_000:
            server.send(connection, block if announce else chunk)

    return handle


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "chunked"])
def test_a_reply_of_gigabytes_is_cut_at_the_cap(serve, announce):
    """The client stops at max_reply_bytes and hangs up: the server gets to send a few MB, not 4 GB."""
    flood = serve(endless(announce))
    started = time.monotonic()
    error = call_failing(flood.url, ProtocolError, max_reply_bytes=1_000_000)
    assert "larger than 1000000 bytes; refused" in str(error)
    assert time.monotonic() - started < 5
    time.sleep(0.2)
    assert flood.sent < 32_000_000, f"the server pushed {flood.sent} bytes"


def test_the_default_cap_holds_for_the_command(serve):
    """`logminer call` has the default cap (64 MB) and says so in one line."""
    flood = serve(endless(announce=False))
    result = cli_call(flood.url)
    assert_cli_error(result, "larger than 67108864 bytes; refused")
    time.sleep(0.2)
    assert flood.sent < 128_000_000


# -- a billing that redirects -------------------------------------------------------------------


@pytest.mark.parametrize(
    "status", ["301 Moved Permanently", "302 Found", "307 Temporary Redirect", "308 Permanent Redirect"]
)
def test_a_redirect_to_another_host_is_not_followed(serve, status):
    """The credentials never reach the other server; the error names where the billing pointed."""
    elsewhere = serve(lambda server, connection, request: server.send(connection, good_reply(request)))
    location = f"{elsewhere.url}/jsonrpc/?SID={SID}&password={PASSWORD}"
    redirecting = serve(
        lambda server, connection, request: server.send(
            connection, reply(b"moved", status, f"Location: {location}\r\n")
        )
    )
    error = call_failing(redirecting.url, HTTPStatusError)
    assert error.status == int(status.split()[0])
    assert f"redirected to {elsewhere.url}/jsonrpc/" in str(error)
    assert "does not follow redirects" in str(error)
    assert_cli_error(cli_call(redirecting.url), "does not follow redirects")
    assert PASSWORD.encode() in redirecting.requests[0]  # the billing asked for got them, as it should
    assert elsewhere.requests == []


def test_a_redirect_from_a_download_is_not_followed(serve, tmp_path):
    elsewhere = serve(lambda server, connection, request: server.send(connection, reply(b"file")))
    redirecting = serve(
        lambda server, connection, request: server.send(
            connection, reply(b"", "302 Found", f"Location: {elsewhere.url}/admin/x\r\n")
        )
    )
    with pytest.raises(HTTPStatusError) as caught, Client(redirecting.url, LOGIN, PASSWORD) as client:
        client.download("invoices.download", {"id_invoices": 1}, tmp_path / "file")
    assert "does not follow redirects" in str(caught.value)
    assert_no_secret(str(caught.value))
    assert elsewhere.requests == []
    assert list(tmp_path.iterdir()) == []


# -- a self-signed certificate ------------------------------------------------------------------


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """A self-signed certificate for 127.0.0.1 (openssl CLI) and a TLS context serving it."""
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    directory = tmp_path_factory.mktemp("tls")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return cert, context


@pytest.fixture
def tls_billing(serve, certificate):
    return serve(
        lambda server, connection, request: server.send(connection, good_reply(request)), certificate[1]
    )


def test_a_self_signed_certificate_is_refused(tls_billing):
    error = call_failing(tls_billing.url, ConnectError)
    assert "certificate" in str(error)
    assert "--ca-bundle" in str(error) and "--insecure" in str(error)
    assert_cli_error(cli_call(tls_billing.url), "certificate")
    assert all(PASSWORD.encode() not in request for request in tls_billing.requests)


def test_a_self_signed_certificate_is_accepted_with_its_ca_bundle(tls_billing, certificate):
    with Client(tls_billing.url, LOGIN, PASSWORD, verify=str(certificate[0])) as client:
        assert client.call("clients.editForm", {"id_clients": 11}).data == {"ok": 1}
    result = cli_call(tls_billing.url, "--ca-bundle", str(certificate[0]))
    assert result.exit_code == 0, result.output


def test_a_self_signed_certificate_is_accepted_when_insecure(tls_billing):
    result = cli_call(tls_billing.url, "--insecure")
    assert result.exit_code == 0, result.output
    assert "ok" in result.stdout


# -- a reply to another request -----------------------------------------------------------------


@pytest.mark.parametrize("wrong_id", [99, "1 ", None, PASSWORD, SID])
def test_a_reply_with_another_id_is_refused(serve, wrong_id):
    """Another request's reply is a ProtocolError, even when its id echoes a secret."""

    def mixed_up(server, connection, request):
        body = {"jsonrpc": "2.0", "id": wrong_id, "result": {"code": True, "session_id": SID, "return": 1}}
        server.send(connection, reply(json.dumps(body).encode()))

    billing = serve(mixed_up)
    error = call_failing(billing.url, ProtocolError)
    assert "answers request id" in str(error) and "not 1" in str(error)
    assert_cli_error(cli_call(billing.url), "answers request id")


def test_secrets_echoed_in_an_error_page_are_masked(serve):
    """An HTML 500 quoting the request (password and SID) is one line, masked."""

    def echo(server, connection, request):
        page = b"<html><body><pre>" + request.replace(b"\r\n", b"\n")[-400:] + b" " + SID.encode() + b"</pre>"
        server.send(connection, reply(page, "500 Internal Server Error"))

    billing = serve(echo)
    call_failing(billing.url, HTTPStatusError)
    with pytest.raises(HTTPStatusError) as caught, Client(billing.url, sid=SID, validate="off") as client:
        client.call("clients.editForm", {"id_clients": 11})
    assert_no_secret(str(caught.value), repr(caught.value))
    assert_cli_error(cli_call(billing.url), "HTTP 500")
    result = CliRunner().invoke(
        main, ["call", "clients.editForm", "--validate", "off", "--host", billing.url, "--sid", SID]
    )
    assert_no_secret(result.output)


def test_every_fault_is_a_logminer_error():
    """One base class to catch: the faults above all derive from logminer.Error."""
    for error in (Timeout, ConnectError, TransportError, ProtocolError, HTTPStatusError):
        assert issubclass(error, logminer.Error)
