"""A sandbox billing on 127.0.0.1: the Management API's envelope, sessions and downloads, answered from
the catalog, so integrators can rehearse scripts and logminer's client can be tested over real HTTP.

- ``POST /jsonrpc/``: JSON-RPC 2.0. The first call must carry ``auth`` (login and password; a wrong
  one gets ``code`` false), later ones may carry ``SID``. Each method of the catalog is answered the
  way the billing would: an argument present in every observed call but missing gets ``code`` false
  with an error naming it; otherwise the accepted params are echoed in ``return``, secrets masked
  as the catalog masks them. A method the catalog does not know gets a JSON-RPC error, and so does a
  request of the wrong shape (a ``SID`` that is no text, a body nested too deep): the sandbox never
  answers with a traceback.
- ``GET|POST /admin/<module>/<method>``: the same checks, then a file of ``download_size`` bytes,
  streamed in chunks and named by ``Content-Disposition``; a logical error is an ``X-VCS-Status``
  header (its value the code) with a short text body.
"""

from __future__ import annotations

import json
import secrets
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .._serving import BackgroundServer
from ..catalog.model import Catalog
from ..catalog.paths import TRANSPORT_KEYS, bracket_path, call_paths
from ..catalog.secrets import mask_secrets

MAX_REQUEST_BYTES = 16 * 1024 * 1024
_CHUNK = 64 * 1024


class Sandbox(BackgroundServer):
    """A sandbox billing answering from ``catalog``; ``start()`` serves it from a background thread.

    Counters for tests: ``logins`` (successful logins), ``calls`` (JSON-RPC calls answered).
    """

    def __init__(
        self,
        catalog: Catalog,
        *,
        login: str = "demo",
        password: str = "demo",
        host: str = "127.0.0.1",
        port: int = 0,
        download_size: int = 1024 * 1024,
    ) -> None:
        self.catalog = catalog
        self.login = login
        self._password = password
        self.download_size = download_size
        self.logins = 0
        self.calls = 0
        self._sessions: set[str] = set()
        self._lock = threading.Lock()
        super().__init__(host, port, _handler(self))

    thread_name = "logminer-sandbox"

    @property
    def url(self) -> str:
        """``http://127.0.0.1:PORT``: what to give as the client's host."""
        return f"http://{self._httpd.server_address[0]}:{self.port}"

    def expire_sessions(self) -> None:
        """Forget every session, as a billing does when sessions time out."""
        with self._lock:
            self._sessions.clear()

    # -- the billing's logic -------------------------------------------------------------------

    def authenticate(self, sid: Any, auth: Any) -> tuple[str | None, str | None]:
        """``(session id, None)`` for a valid SID or login, else ``(None, error)``."""
        if sid is not None and not isinstance(sid, str):
            return None, "Invalid SID: a session id is a string."
        if sid is not None and auth is None:
            with self._lock:
                if sid in self._sessions:
                    return sid, None
            return None, "Session expired or unknown; authenticate again with auth[login] and auth[password]."
        if not isinstance(auth, dict):
            return None, "Authentication required: send auth[login] and auth[password], or SID."
        login, password = auth.get("login"), auth.get("password")
        if not isinstance(login, str) or not isinstance(password, str):
            return None, "Login failed: auth[login] and auth[password] must be strings."
        if login != self.login or password != self._password:
            return None, "Login failed: wrong login or password."
        session = f"1-{secrets.token_hex(12)}"
        with self._lock:
            self._sessions.add(session)
            self.logins += 1
        return session, None

    def answer(self, envelope: Any) -> dict[str, Any]:
        """The JSON-RPC reply to one request envelope."""
        request_id = envelope.get("id") if isinstance(envelope, dict) else None
        if not isinstance(envelope, dict) or not isinstance(envelope.get("method"), str):
            return _rpc_error(request_id, -32600, "Invalid Request: expected an object with a method name.")
        params = envelope.get("params")
        params = {} if params is None else params
        if not isinstance(params, dict):
            return _rpc_error(request_id, -32602, "Invalid params: expected an object.")
        if not isinstance(params.get("SID", ""), str):
            return _rpc_error(request_id, -32602, "Invalid params: SID must be a string.")
        auth = params.get("auth", {})
        if not isinstance(auth, dict) or not all(
            isinstance(auth.get(key, ""), str) for key in ("login", "password")
        ):
            return _rpc_error(
                request_id, -32602, "Invalid params: auth must hold a login and a password as strings."
            )
        with self._lock:
            self.calls += 1
        method = self.catalog.method(envelope["method"])
        if method is None:
            return _rpc_error(request_id, -32601, f"Method not found: {envelope['method']}")
        session, error = self.authenticate(params.get("SID"), params.get("auth"))
        if error is not None:
            return _result(request_id, code=False, errors=[error])
        accepted = {key: value for key, value in params.items() if key not in TRANSPORT_KEYS}
        missing = method.missing(call_paths(accepted).present)
        if missing:
            errors = [f"Missing required argument: {name}" for name in missing]
            return _result(request_id, code=False, errors=errors, session_id=session)
        echoed = mask_secrets(accepted, self.catalog.is_secret, is_secret_value=self.catalog.is_secret_value)
        return _result(
            request_id,
            code=True,
            session_id=session,
            messages=[f"{method.name}: done (sandbox)"],
            data={"method": method.name, "params": echoed},
        )


def start_sandbox(catalog: Catalog, port: int = 0, **options: Any) -> Sandbox:
    """A sandbox serving from a background thread on 127.0.0.1 (port 0: any free port); ``stop()`` it."""
    sandbox = Sandbox(catalog, port=port, **options)
    sandbox.start()
    return sandbox


def _result(request_id: Any, *, code: bool, errors=(), messages=(), session_id=None, data=None) -> dict:
    return {
        "jsonrpc": "2.0",
        "id": request_id,
        "result": {
            "code": code,
            "session_id": session_id or "",
            "messages": list(messages),
            "return": data if data is not None else [],
            "errors": list(errors),
        },
    }


def _rpc_error(request_id: Any, code: int, message: str) -> dict:
    return {"jsonrpc": "2.0", "id": request_id, "error": {"code": code, "message": message}}


def _handler(sandbox: Sandbox) -> type[BaseHTTPRequestHandler]:
    class Handler(_Handler):
        pass

    Handler.sandbox = sandbox
    return Handler


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "logminer-sandbox"
    sandbox: Sandbox

    def log_message(self, format: str, *args: Any) -> None:
        """Quiet: a request line could carry a password in a GET query."""

    def do_POST(self) -> None:
        path = urlsplit(self.path).path
        body = self._body()
        if body is None:
            return
        if path in ("/jsonrpc/", "/jsonrpc"):
            self._jsonrpc(body)
        elif path.startswith("/admin/"):
            self._admin(path, parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))
        else:
            self._plain(HTTPStatus.NOT_FOUND, "Not found: the sandbox serves /jsonrpc/ and /admin/.")

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        if parts.path.startswith("/admin/"):
            self._admin(parts.path, parse_qsl(parts.query, keep_blank_values=True))
        else:
            self._plain(
                HTTPStatus.NOT_FOUND, "Not found: POST JSON-RPC to /jsonrpc/; files come from /admin/."
            )

    def _body(self) -> bytes | None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > MAX_REQUEST_BYTES:
            self._plain(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, "Request body missing a length or too large.")
            return None
        return self.rfile.read(length)

    def _jsonrpc(self, body: bytes) -> None:
        try:
            envelope = json.loads(body)
        except RecursionError:
            reply = _rpc_error(None, -32700, "Parse error: the request body is nested too deep.")
        except (ValueError, UnicodeDecodeError):
            reply = _rpc_error(None, -32700, "Parse error: the request body is not JSON.")
        else:
            try:
                reply = self.sandbox.answer(envelope)
            except Exception:  # a sandbox answers every request; no case is known to get here
                reply = _rpc_error(None, -32603, "Internal error of the sandbox.")
        try:
            text = json.dumps(reply, ensure_ascii=False)
        except (RecursionError, TypeError, ValueError):
            text = json.dumps(
                _rpc_error(None, -32603, "Internal error: the reply cannot be written as JSON.")
            )
        self._send(HTTPStatus.OK, text.encode("utf-8"), "application/json")

    def _admin(self, path: str, fields: list[tuple[str, str]]) -> None:
        sandbox = self.sandbox
        name = ".".join(part for part in path[len("/admin/") :].split("/") if part)
        form = dict(fields)
        method = sandbox.catalog.method(name)
        if method is None:
            self._vcs_error("404", f"Unknown method: {name}")
            return
        auth = None
        if "auth[login]" in form:
            auth = {"login": form.get("auth[login]"), "password": form.get("auth[password]")}
        session, error = sandbox.authenticate(form.get("SID"), auth)
        if error is not None:
            self._vcs_error("403", error)
            return
        given = set()
        for key in form:
            path = bracket_path(key)
            if path.split("[", 1)[0] not in TRANSPORT_KEYS:
                given.update(_with_containers(path))
        missing = method.missing(given)
        if missing:
            self._vcs_error("400", "Missing required argument: " + ", ".join(missing))
            return
        size = sandbox.download_size
        filename = f"{name.replace('.', '_')}_{session[-6:]}.csv"
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(size))
        self.send_header("Content-Disposition", f'attachment; filename="{filename}"')
        self.end_headers()
        line = f"{name},sandbox,0123456789,abcdefghijklmnopqrstuvwxyz\n".encode()
        chunk = (line * (_CHUNK // len(line) + 1))[:_CHUNK]
        left = size
        try:
            while left > 0:
                piece = chunk if left >= _CHUNK else chunk[:left]
                self.wfile.write(piece)
                left -= len(piece)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def _vcs_error(self, status: str, message: str) -> None:
        body = json.dumps({"code": False, "errors": [message]}).encode("utf-8")
        self._send(HTTPStatus.OK, body, "application/json", {"X-VCS-Status": status})

    def _plain(self, status: HTTPStatus, message: str) -> None:
        self._send(status, (message + "\n").encode("utf-8"), "text/plain; charset=utf-8")

    def _send(self, status: HTTPStatus, body: bytes, content_type: str, headers: dict | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)


def _with_containers(path: str) -> list[str]:
    """A form field's bracket path and the containers it stands in: ``a[b][]`` -> ``a``, ``a[b]``,
    ``a[b][]``."""
    paths, end = [], path.find("[")
    while end >= 0:
        paths.append(path[:end])
        end = path.find("[", end + 1)
    return [*paths, path]
