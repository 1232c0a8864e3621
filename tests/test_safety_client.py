"""A hostile or broken billing, served for real on 127.0.0.1: every fault is one clear error, with no
password and no session id in it (nor in its repr, nor in the command's output).

Each server below is a raw socket loop, so it can do what no well-behaved HTTP server does: stall,
trickle, hang up mid-reply, stream without end, redirect elsewhere, present a self-signed certificate.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import socket
import ssl
import subprocess
import threading
import time
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest
from click.testing import CliRunner

import logminer
from logminer import Client, ConnectError, HTTPStatusError, ProtocolError, RpcError, Timeout, TransportError
from logminer.cli import main
from tests.helpers import mine_catalog

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


def cli_call(url: str, *extra: str, command: str = "call") -> object:
    """`logminer call` (or download) at ``url`` with the secret credentials; the CliRunner result."""
    args = [command, "clients.editForm", "id_clients=11", "--validate", "off", "--host", url, *extra]
    env = {"JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD, "JERASOFT_SID": None}
    result = CliRunner().invoke(main, args, env=env)
    assert_no_secret(result.output)
    assert "Traceback" not in result.output
    return result


def assert_cli_error(result, words: str, status: int) -> None:
    """One line on stderr holding ``words``, and the exit status the README's table gives."""
    assert result.exit_code == status, result.output
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
    assert_cli_error(cli_call(silent.url, "--timeout", "0.5"), "did not answer in time", 6)


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
    assert_cli_error(cli_call(broken.url), "The connection to the billing", 7)


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
    assert_cli_error(result, "larger than 67108864 bytes; refused", 8)
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
    assert_cli_error(cli_call(redirecting.url), "does not follow redirects", 5)
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
    assert_cli_error(cli_call(tls_billing.url), "certificate", 7)
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


@pytest.mark.parametrize("wrong_id", [99, "1 ", None, True, [1], PASSWORD, SID])
def test_a_reply_with_another_id_is_refused(serve, wrong_id):
    """Another request's reply is a ProtocolError, even when its id echoes a secret."""

    def mixed_up(server, connection, request):
        body = {"jsonrpc": "2.0", "id": wrong_id, "result": {"code": True, "session_id": SID, "return": 1}}
        server.send(connection, reply(json.dumps(body).encode()))

    billing = serve(mixed_up)
    error = call_failing(billing.url, ProtocolError)
    assert "answers request id" in str(error) and "not 1" in str(error)
    assert_cli_error(cli_call(billing.url), "answers request id", 8)


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
    assert_cli_error(cli_call(billing.url), "HTTP 500", 5)
    result = CliRunner().invoke(
        main, ["call", "clients.editForm", "--validate", "off", "--host", billing.url, "--sid", SID]
    )
    assert_no_secret(result.output)


def test_every_fault_is_a_logminer_error():
    """One base class to catch: the faults above all derive from logminer.Error."""
    for error in (Timeout, ConnectError, TransportError, ProtocolError, HTTPStatusError):
        assert issubclass(error, logminer.Error)


# -- replies of the wrong shape -------------------------------------------------------------------

DEEP = 200_000


def json_reply(result: object = None, raw: bytes | None = None):
    """A billing answering every call with ``result`` (under the call's id), or with ``raw`` bytes."""

    def handle(server, connection, request):
        if raw is not None:
            server.send(connection, reply(raw))
            return
        body = {"jsonrpc": "2.0", "id": request_id(request), "result": result}
        server.send(connection, reply(json.dumps(body).encode()))

    return handle


WRONG_SHAPES = {
    "nested 200,000 deep": (
        json_reply(
            raw=b'{"jsonrpc": "2.0", "id": 1, "result": {"code": true, "return": '
            + b"[" * DEEP
            + b"]" * DEEP
            + b"}}"
        ),
        "nested too deep to read",
    ),
    "messages a number": (json_reply({"code": True, "messages": 5}), "has messages that are not a list (5)"),
    "errors a number": (json_reply({"code": False, "errors": 7}), "has errors that are not a list (7)"),
    "session_id a list": (json_reply({"code": True, "session_id": [SID]}), "session_id that is no text"),
    "result a number": (json_reply(5), "has no result object"),
    "not an object": (json_reply(raw=b"[1, 2, 3]"), "is not a JSON-RPC object"),
}


@pytest.mark.parametrize("case", list(WRONG_SHAPES))
def test_a_reply_of_the_wrong_shape_is_one_line(serve, case):
    handle, words = WRONG_SHAPES[case]
    billing = serve(handle)
    error = call_failing(billing.url, ProtocolError)
    assert words in str(error)
    assert_cli_error(cli_call(billing.url), words, 8)
    assert_cli_error(cli_call(billing.url, "--format", "json"), words, 8)


def test_errors_and_messages_as_objects_are_read_as_texts(serve):
    """PHP sends an array with string keys as an object: its entries become "key: value" texts."""
    billing = serve(json_reply({"code": False, "errors": {"name": "is required"}, "messages": "one"}))
    with Client(billing.url, LOGIN, PASSWORD, validate="off") as client:
        response = client.call("clients.editForm", {"id_clients": 11})
    assert response.errors == ["name: is required"]
    assert response.messages == ["one"]


def test_a_session_id_that_is_a_number_is_masked_in_the_next_error(serve):
    """The first reply grants session 48151623; the next is an error page quoting it."""

    def handle(server, connection, request):
        if len(server.requests) == 1:
            server.send(connection, good_reply(request, session_id=48151623))
        else:
            server.send(connection, reply(b"<html>bad session 48151623</html>", "500 Internal Server Error"))

    billing = serve(handle)
    with Client(billing.url, LOGIN, PASSWORD, validate="off") as client:
        assert client.call("clients.editForm", {"id_clients": 11}).ok
        with pytest.raises(HTTPStatusError) as caught:
            client.call("clients.editForm", {"id_clients": 11})
    assert "48151623" not in str(caught.value)
    assert "bad session ********" in str(caught.value)
    assert b'"SID": "48151623"' in billing.requests[1]


@pytest.mark.parametrize("answered", [True, 1.5, "01", {"id": 1}])
def test_only_the_request_id_answers_the_request(serve, answered):
    """``"id": true`` equals 1 in Python, but it is not the answer to request 1."""

    def handle(server, connection, request):
        body = {"jsonrpc": "2.0", "id": answered, "result": {"code": True}}
        server.send(connection, reply(json.dumps(body).encode()))

    billing = serve(handle)
    call_failing(billing.url, ProtocolError)


# -- secrets a billing echoes -------------------------------------------------------------------------

IBAN = "DE89370400440532013000"


@pytest.fixture(scope="module")
def iban_catalog(tmp_path_factory):
    """The sample's catalog with `iban` among its secret words (`logminer settings --secret iban`)."""
    path = mine_catalog(tmp_path_factory.mktemp("iban"))
    logminer.change_settings(path, secret_words=["iban"])
    return path


def echoing(server, connection, request):
    """A billing that echoes every secret it can think of: in return, messages, errors, in any form
    (a download's form it answers with the form itself, credentials and all)."""
    body = request.partition(b"\r\n\r\n")[2]
    if not body.startswith(b"{"):
        server.send(connection, reply(body, headers=f"X-VCS-Status: 403\r\nX-Echo: {PASSWORD}\r\n"))
        return
    sent = json.loads(body)
    password = sent["params"].get("auth", {}).get("password", "")
    result = {
        "code": "fail" not in sent["method"],
        "session_id": SID,
        "return": {
            "client": {
                "id": 1,
                "cp_password": "Client-Secret-77",
                "bank_iban": IBAN,
                "note": f"pw {password}",
            },
            "rows": [{"api_key": "k-123456789abc"}],
        },
        "messages": [f"SID {SID} ok", f"login?password={quote(password)}"],
        "errors": [] if "fail" not in sent["method"] else [f"bad password {json.dumps(password)}"],
    }
    body = {"jsonrpc": "2.0", "id": sent["id"], "result": result}
    server.send(connection, reply(json.dumps(body).encode()))


ECHOED = (PASSWORD, SID, "Client-Secret-77", IBAN, "k-123456789abc")


@pytest.mark.parametrize("method", ["clients.editForm", "clients.fail"])
@pytest.mark.parametrize("output", [[], ["--format", "json"], ["-v"], ["-v", "--format", "json"]])
def test_secrets_echoed_in_a_reply_are_masked_in_every_output(serve, iban_catalog, method, output):
    billing = serve(echoing)
    args = [
        "call",
        method,
        "--validate",
        "off",
        "--catalog",
        str(iban_catalog),
        "--host",
        billing.url,
        *output,
    ]
    result = CliRunner().invoke(main, args, env={"JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD})
    assert result.exit_code == (0 if method == "clients.editForm" else 3), result.output
    for secret in ECHOED:
        assert secret not in result.output
    assert "Traceback" not in result.output
    if output == ["--format", "json"]:
        shown = json.loads(result.stdout)
        assert shown["return"]["client"] == {
            "id": 1,
            "cp_password": "********",
            "bank_iban": "********",
            "note": "pw ********",
        }
        assert shown["session_id"] == "********"


def test_secrets_echoed_are_masked_in_the_response_and_its_exception(serve, iban_catalog):
    billing = serve(echoing)
    catalog = logminer.load_catalog(iban_catalog)
    with Client(billing.url, LOGIN, PASSWORD, catalog=catalog, validate="off") as client:
        response = client.call("clients.fail")
        with pytest.raises(logminer.CallFailed) as caught:
            response.raise_for_code()
    texts = [json.dumps(response.to_dict()), str(caught.value), repr(caught.value.errors), repr(response)]
    texts.append(repr(caught.value.messages))
    for text in texts:
        for secret in ECHOED:
            assert secret not in text


def test_a_password_echoed_in_any_encoding_is_masked(serve):
    """A password with characters that JSON, URLs and HTML write differently."""
    password = 'p@ss/wörd "7" <&>'

    def echo(server, connection, request):
        sent = json.loads(request.partition(b"\r\n\r\n")[2])
        forms = [password, quote(password), quote_plus(password), html.escape(password)]
        body = {"jsonrpc": "2.0", "id": sent["id"], "error": {"code": 1, "message": " | ".join(forms)}}
        server.send(connection, reply(json.dumps(body).encode() + b""))

    billing = serve(echo)
    with Client(billing.url, LOGIN, password, validate="off") as client, pytest.raises(RpcError) as caught:
        client.call("clients.editForm")
    assert str(caught.value).count("********") == 4
    for form in (password, quote(password), quote_plus(password), html.escape(password), "wörd", "ss/w"):
        assert form not in str(caught.value)


def test_a_json_rpc_error_object_is_masked(serve):
    def fail(server, connection, request):
        error = {"code": -32000, "message": f"denied for {PASSWORD}", "data": {"password": PASSWORD}}
        body = {"jsonrpc": "2.0", "id": request_id(request), "error": error}
        server.send(connection, reply(json.dumps(body).encode()))

    billing = serve(fail)
    error = call_failing(billing.url, RpcError)
    assert str(error) == "The billing refused clients.editForm: denied for ******** (JSON-RPC error -32000)"
    result = cli_call(billing.url, "-v")
    assert result.exit_code == 3
    assert '"password": "********"' in result.stderr


# -- hosts ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "host",
    [
        f"https://api:{PASSWORD}@billing.example.net",
        f"api:{PASSWORD}@billing.example.net",
        f"http://api:{PASSWORD}@[::1",
        f"https://{PASSWORD}@billing.example.net/jsonrpc/",
    ],
)
def test_a_login_or_password_in_the_host_is_refused_and_never_quoted(host):
    with pytest.raises(logminer.UsageError) as caught:
        Client(host)
    assert PASSWORD not in str(caught.value)
    result = cli_call(host)
    assert result.exit_code == 2
    assert "***@" in result.stderr


def test_a_login_and_password_in_the_host_say_what_to_do():
    with pytest.raises(logminer.UsageError) as caught:
        Client(f"https://api:{PASSWORD}@billing.example.net")
    assert "--login (JERASOFT_LOGIN)" in str(caught.value) and "JERASOFT_PASSWORD" in str(caught.value)


def test_a_redirect_never_quotes_a_login_in_its_address(serve):
    location = "https://someone:Other-Secret-99@elsewhere.example/jsonrpc/?SID=x"
    billing = serve(
        lambda server, connection, request: server.send(
            connection, reply(b"", "302 Found", f"Location: {location}\r\n")
        )
    )
    error = call_failing(billing.url, HTTPStatusError)
    assert "redirected to https://elsewhere.example/jsonrpc/ (HTTP 302)" in str(error)
    assert "Other-Secret-99" not in str(error) and "someone" not in str(error)


@pytest.mark.parametrize(
    ("path", "sent_to"), [("/billing/", b"POST /billing/jsonrpc/ "), ("/jsonrpc/", b"POST /jsonrpc/ ")]
)
def test_a_path_in_the_host_is_the_base_and_the_endpoint_is_taken_off(serve, path, sent_to):
    billing = serve(lambda server, connection, request: server.send(connection, good_reply(request)))
    assert cli_call(billing.url + path).exit_code == 0
    assert billing.requests[0].startswith(sent_to)


# -- downloads ----------------------------------------------------------------------------------------


def file_reply(name: str, body: bytes, extra: str = "") -> bytes:
    return (
        f"HTTP/1.1 200 OK\r\nContent-Type: text/csv\r\nContent-Length: {len(body)}\r\n"
        f'Content-Disposition: attachment; filename="{name}"\r\nConnection: close\r\n{extra}\r\n'
    ).encode() + body


def cli_download(url: str, *extra: str) -> object:
    args = ["download", "invoices.download", "id=3", "--validate", "off", "--host", url, *extra]
    result = CliRunner().invoke(main, args, env={"JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD})
    assert_no_secret(result.output)
    assert "Traceback" not in result.output
    return result


def test_a_download_that_trickles_is_cut_off(serve, tmp_path):
    """A byte every 0.2 s never trips a timeout on each wait; the speed floor cuts it after --timeout s."""

    def trickle(server, connection, request):
        server.send(connection, b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n")
        server.send(connection, b'Content-Disposition: attachment; filename="slow.csv"\r\n\r\n')
        for _ in range(100):
            server.send(connection, b"x")
            time.sleep(0.2)

    slow = serve(trickle)
    started = time.monotonic()
    result = cli_download(slow.url, "--timeout", "1", "-o", str(tmp_path))
    assert time.monotonic() - started < 5
    assert_cli_error(result, "less than 1024 bytes a second; cut off", 6)
    assert list(tmp_path.iterdir()) == []


def test_a_download_is_bounded_by_max_time(serve, tmp_path):
    def steady(server, connection, request):
        server.send(connection, b"HTTP/1.1 200 OK\r\nContent-Length: 100000000\r\n\r\n")
        for _ in range(100):
            server.send(connection, b"x" * 65536)
            time.sleep(0.05)

    billing = serve(steady)
    started = time.monotonic()
    result = cli_download(billing.url, "--max-time", "1", "-o", str(tmp_path / "file.csv"))
    assert time.monotonic() - started < 4
    assert_cli_error(result, "(1 s for a whole download (--max-time)", 6)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("announce", [True, False], ids=["content-length", "chunked"])
def test_a_download_larger_than_max_bytes_is_refused(serve, tmp_path, announce):
    flood = serve(endless(announce))
    result = cli_download(flood.url, "--max-bytes", "1M", "-o", str(tmp_path))
    assert_cli_error(result, "The file is larger than 1048576 bytes (--max-bytes, max_download_bytes)", 8)
    assert list(tmp_path.iterdir()) == []
    time.sleep(0.2)
    assert flood.sent < 32_000_000


def test_a_name_given_by_the_billing_never_replaces_a_file(serve, tmp_path, monkeypatch):
    """The reply names victim.txt, and the current folder has one: refused unless --force."""
    billing = serve(
        lambda server, connection, request: server.send(connection, file_reply("victim.txt", b"evil"))
    )
    victim = tmp_path / "victim.txt"
    victim.write_text("mine")
    monkeypatch.chdir(tmp_path)
    assert_cli_error(cli_download(billing.url), "victim.txt exists", 2)
    assert victim.read_text() == "mine"
    assert os.listdir(tmp_path) == ["victim.txt"]
    assert cli_download(billing.url, "--force").exit_code == 0
    assert victim.read_text() == "evil"


def test_a_download_into_a_path_that_is_no_folder_is_one_line(serve, tmp_path):
    billing = serve(lambda server, connection, request: server.send(connection, file_reply("a.csv", b"1")))
    (tmp_path / "file").write_text("a file, not a folder")
    assert_cli_error(cli_download(billing.url, "-o", f"{tmp_path}/file/"), "Cannot save into", 2)


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder whatever its mode")
def test_a_download_into_a_folder_not_writable_is_refused_before_sending(serve, tmp_path):
    billing = serve(lambda server, connection, request: server.send(connection, file_reply("a.csv", b"1")))
    folder = tmp_path / "locked"
    folder.mkdir(mode=0o500)
    assert_cli_error(cli_download(billing.url, "-o", str(folder)), "it is not writable", 2)
    assert billing.requests == []


# -- hostile options: a usage error (exit 2), never a traceback ------------------------------------


@pytest.fixture(scope="module")
def not_a_certificate(tmp_path_factory):
    path = tmp_path_factory.mktemp("ca") / "ca.pem"
    path.write_text("-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n")
    return path


HOSTILE_OPTIONS = [
    ["--timeout", "-1"],
    ["--timeout", "nan"],
    ["--timeout", "inf"],
    ["--timeout", "0"],
    ["--host", "http://[::1"],
    ["--host", "ftp://billing.example.net"],
    ["--host", "billing.example.net:99999"],
    ["--host", "billing.example.net?SID=x"],
    ["--host", ""],
    ["--port", "0"],
    ["--port", "70000"],
    ["--ca-bundle", "CERT"],
    ["--validate", "loud"],
    ["--params", "/nonexistent/params.json"],
    ["id_clients:=[[[["],
    ["id_clients:=NaN"],
]


@pytest.mark.parametrize("command", ["call", "download"])
@pytest.mark.parametrize("option", HOSTILE_OPTIONS, ids=" ".join)
def test_a_hostile_option_is_a_usage_error(command, option, not_a_certificate):
    option = [str(not_a_certificate) if word == "CERT" else word for word in option]
    result = cli_call("https://billing.invalid", *option, command=command)
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("option", [["--max-bytes", "-5"], ["--max-bytes", "lots"], ["--max-time", "nan"]])
def test_a_hostile_download_option_is_a_usage_error(option):
    result = cli_call("https://billing.invalid", *option, command="download")
    assert result.exit_code == 2, result.output


def test_a_ca_bundle_that_is_no_certificate_is_one_line(not_a_certificate):
    result = cli_call("https://billing.invalid", "--ca-bundle", str(not_a_certificate))
    assert_cli_error(result, "cannot be used", 2)


# -- the sweep: every calls command, hostile options and replies, no traceback ---------------------


def test_no_calls_command_ever_prints_a_traceback(
    serve, tmp_path, not_a_certificate, catalog_path, monkeypatch
):
    """Every command of the calls part against every hostile billing above and with hostile options:
    each run ends with an exit status, one line on stderr for a failure, no traceback, no secret."""
    monkeypatch.chdir(tmp_path)  # where the downloads go
    handles = [handle for handle, _ in WRONG_SHAPES.values()]
    handles += [echoing, lambda server, connection, request: None]
    handles.append(
        lambda server, connection, request: server.send(connection, reply(b"<html>", "502 Bad Gateway"))
    )
    urls = [serve(handle).url for handle in handles]
    runs = []
    for url in urls:
        for command in ("call", "download"):
            limit = ["--max-bytes", "1M"] if command == "download" else []
            runs.append(
                [command, "clients.editForm", "id_clients=11", "--validate", "off", "--host", url, *limit]
            )
            runs.append([command, "clients.editForm", "--host", url, "-v", "--dry-run"])
            runs.append([command, "clients.editForm", "--validate", "off", "--host", url, "-v", *limit])
    for option in HOSTILE_OPTIONS:
        option = [str(not_a_certificate) if word == "CERT" else word for word in option]
        runs.append(["call", "clients.editForm", *option])
        runs.append(["check", "clients.editForm", *[word for word in option if not word.startswith("--")]])
    runs += [
        ["sandbox", "--port", "70000"],
        ["sandbox", "--download-size", "-1"],
        ["sandbox", "--catalog", str(tmp_path / "none.json")],
        ["check", "/admin/", "--catalog", str(catalog_path)],
        ["call", "https://x/?SID=1-abc", "--catalog", str(catalog_path)],
    ]
    env = {"JERASOFT_LOGIN": LOGIN, "JERASOFT_PASSWORD": PASSWORD, "JERASOFT_HOST": "https://billing.invalid"}
    env["LOGMINER_CATALOG"] = str(catalog_path)
    for args in runs:
        result = CliRunner().invoke(main, args, env=env)
        assert "Traceback" not in result.output, args
        assert result.exception is None or isinstance(result.exception, SystemExit), (args, result.exception)
        assert_no_secret(result.output)
        if result.exit_code > 2 and "-v" not in args:  # a failure to call is one line
            assert len(result.stderr.splitlines()) == 1 and result.stderr.startswith("logminer: "), args


@pytest.fixture(scope="module")
def catalog_path(tmp_path_factory):
    return mine_catalog(tmp_path_factory.mktemp("sample"))
