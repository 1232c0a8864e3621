"""``logminer explore``: the explorer page served on 127.0.0.1, with "Try it" through a small JSON API.

The server knows nothing of catalogs or billings: it is given callables (load the document, check a
call, send a call), so the credentials stay with whoever made them, in this process, and never
reach the page. What it guards, as Jupyter does:

- it listens on 127.0.0.1 only;
- every request carries a random token (``secrets.token_urlsafe``, 256 bits): the page in its URL
  (``?token=``), the API calls in an ``X-Logminer-Token`` header, compared with
  ``hmac.compare_digest``; without it the answer is 403 and no data;
- the ``Host`` header must be ``127.0.0.1:PORT`` or ``localhost:PORT`` (a DNS-rebinding page on
  another name is refused), and a request from another origin (its ``Origin`` header, or, without
  one, ``Sec-Fetch-Site: cross-site`` or ``same-site``) is refused, but for a browser window
  opening the page itself (``logminer explore`` opens it from a local file);
- the API takes only ``POST`` with ``Content-Type: application/json`` and a body of at most
  :data:`MAX_BODY` bytes; no CORS header is ever sent, so no other site's preflight can succeed;
- every answer has a Content-Security-Policy, ``nosniff``, ``no-referrer`` and ``no-store``;
- no request line is ever logged (the token is in it).
"""

from __future__ import annotations

import hmac
import json
import secrets
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from .._errors import Error
from .._serving import BackgroundServer
from .page import content_security_policy, render_page

HOST = "127.0.0.1"
TOKEN_HEADER = "X-Logminer-Token"
MAX_BODY = 1024 * 1024
NO_BILLING = (
    "No billing is configured, so calls cannot be sent: start logminer explore with --host URL "
    "(your billing) or --sandbox (a local stand-in) to send them."
)
_API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
_UNSET = object()


class ExplorerServer(BackgroundServer):
    """The explorer page and its API on ``127.0.0.1:port`` (``port=0``: a free one), bound at once.

    ``load_document()`` gives the catalog's document; it is called for the first page and again
    whenever ``watch()`` returns something else than the last time (without ``watch``, for every
    page). ``check(method, params)`` returns findings (dicts with ``level``, ``argument``,
    ``message``, ``suggestions``); ``call(method, params)`` returns ``{"sent", "findings", "reply",
    "error", "command"}``, or is None when no billing is configured (then the page cannot send).
    ``token`` is the secret every request must carry (a new random one by default).
    """

    thread_name = "logminer-explore"

    def __init__(
        self,
        load_document: Callable[[], dict],
        check: Callable[[str, dict], list[dict]],
        call: Callable[[str, dict], dict] | None,
        *,
        port: int = 0,
        token: str | None = None,
        watch: Callable[[], object] | None = None,
    ) -> None:
        if token is not None and len(token) < 22:
            raise ValueError(
                "The token must have at least 22 characters (128 bits of secrets.token_urlsafe)."
            )
        self.token = token or secrets.token_urlsafe(32)
        self._load_document = load_document
        self._check = check
        self._call = call
        self._watch = watch
        self._lock = threading.Lock()
        self._stamp: object = _UNSET
        self._page: bytes | None = None
        super().__init__(HOST, port, _Handler)
        self._httpd.explorer = self  # type: ignore[attr-defined]
        self.origins = frozenset({f"http://{HOST}:{self.port}", f"http://localhost:{self.port}"})
        self.hosts = frozenset({f"{HOST}:{self.port}", f"localhost:{self.port}"})
        self.url = f"http://{HOST}:{self.port}/?token={quote(self.token, safe='')}"

    def page(self) -> bytes:
        """The page, rendered again when the watched catalog changed."""
        with self._lock:
            stamp = self._watch() if self._watch is not None else object()
            if self._page is None or stamp != self._stamp:
                document = self._load_document()
                sending = None if self._call is not None else NO_BILLING
                self._page = render_page(document, try_it=True, send_disabled=sending).encode("utf-8")
                self._stamp = stamp
            return self._page

    def answer(self, path: str, request: dict[str, Any]) -> dict[str, Any]:
        """The API's answer to a checked request: ``/api/check`` or ``/api/call``."""
        method, params = request["method"], request["params"]
        if path == "/api/check":
            return {"findings": list(self._check(method, params))}
        if self._call is None:
            return {"sent": False, "findings": [], "reply": None, "error": NO_BILLING, "command": None}
        return dict(self._call(method, params))


class _Refused(Exception):
    """A request answered with an error status and a short text, never with data."""

    def __init__(self, status: HTTPStatus, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    server_version = "logminer"
    sys_version = ""
    timeout = 30

    @property
    def explorer(self) -> ExplorerServer:
        return self.server.explorer  # type: ignore[attr-defined]

    def log_message(self, format: str, *args: Any) -> None:
        """Log nothing: request lines hold the token."""

    def do_GET(self) -> None:
        self._handle(self._get)

    def do_POST(self) -> None:
        self._handle(self._post)

    def do_HEAD(self) -> None:
        self._handle(self._not_allowed)

    do_PUT = do_DELETE = do_PATCH = do_OPTIONS = do_HEAD

    def _handle(self, route: Callable[[], None]) -> None:
        try:
            self._guard()
            route()
        except _Refused as refusal:
            self._send(refusal.status, {"error": refusal.message})

    def _guard(self) -> None:
        """Refuse a request from elsewhere: a foreign Host, another origin, no or a wrong token."""
        explorer = self.explorer
        if (self.headers.get("Host") or "").lower() not in explorer.hosts:
            raise _Refused(HTTPStatus.FORBIDDEN, "This server answers only at 127.0.0.1 or localhost.")
        origin = self.headers.get("Origin")
        if origin is not None:
            if origin.lower() not in explorer.origins:
                raise _Refused(HTTPStatus.FORBIDDEN, "Requests from other sites are refused.")
        elif (self.headers.get("Sec-Fetch-Site") or "").lower() in (
            "cross-site",
            "same-site",
        ) and not self._opening_the_page():
            raise _Refused(HTTPStatus.FORBIDDEN, "Requests from other sites are refused.")
        # The page's URL holds the token; the API takes it only in the header, which no form can send.
        given = self.headers.get(TOKEN_HEADER)
        if given is None and self.command == "GET":
            given = (parse_qs(urlsplit(self.path).query).get("token") or [""])[0]
        given = given or ""
        if not hmac.compare_digest(given.encode("utf-8", "surrogateescape"), explorer.token.encode("utf-8")):
            raise _Refused(
                HTTPStatus.FORBIDDEN,
                "This needs the token: open the whole URL that logminer explore printed.",
            )

    def _opening_the_page(self) -> bool:
        """A browser window loading the page from elsewhere: ``logminer explore`` opens the browser on
        a local file that leads here (so the token is not on the browser's command line). Harmless
        with the token: the page changes nothing, no other site can read it, and none can frame it."""
        return (
            self.command == "GET"
            and urlsplit(self.path).path == "/"
            and (self.headers.get("Sec-Fetch-Mode") or "").lower() == "navigate"
            and (self.headers.get("Sec-Fetch-Dest") or "").lower() == "document"
        )

    def _get(self) -> None:
        path = urlsplit(self.path).path
        if path.startswith("/api/"):
            self._not_allowed()
        if path != "/":
            raise _Refused(HTTPStatus.NOT_FOUND, "There is nothing here; the explorer is at /.")
        try:
            page = self.explorer.page()
        except Error as error:
            raise _Refused(
                HTTPStatus.SERVICE_UNAVAILABLE, f"The catalog could not be loaded: {error}"
            ) from None
        except Exception as error:
            message = f"The catalog could not be loaded ({type(error).__name__})."
            raise _Refused(HTTPStatus.INTERNAL_SERVER_ERROR, message) from None
        policy = content_security_policy(try_it=True) + "; frame-ancestors 'none'"
        self._send_bytes(HTTPStatus.OK, page, "text/html; charset=utf-8", policy)

    def _post(self) -> None:
        path = urlsplit(self.path).path
        if path not in ("/api/check", "/api/call"):
            raise _Refused(HTTPStatus.NOT_FOUND, "The API has /api/check and /api/call.")
        request = self._json_body()
        try:
            answer = self.explorer.answer(path, request)
        except Error as error:
            raise _Refused(HTTPStatus.UNPROCESSABLE_ENTITY, str(error)) from None
        except Exception as error:
            message = f"The explorer failed on this request ({type(error).__name__})."
            raise _Refused(HTTPStatus.INTERNAL_SERVER_ERROR, message) from None
        self._send(HTTPStatus.OK, answer)

    def _json_body(self) -> dict[str, Any]:
        kind = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if kind != "application/json":
            raise _Refused(HTTPStatus.UNSUPPORTED_MEDIA_TYPE, "The API takes Content-Type: application/json.")
        if self.headers.get("Transfer-Encoding"):
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "Send the body with a Content-Length.")
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            raise _Refused(HTTPStatus.LENGTH_REQUIRED, "Send the body with a Content-Length.") from None
        if length < 0 or length > MAX_BODY:
            self.close_connection = True
            raise _Refused(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE, f"A request body is at most {MAX_BODY} bytes."
            )
        try:
            request = json.loads(self.rfile.read(length))
        except (ValueError, RecursionError):
            raise _Refused(HTTPStatus.BAD_REQUEST, "The body is not JSON.") from None
        if (
            not isinstance(request, dict)
            or not isinstance(request.get("method"), str)
            or not isinstance(request.get("params"), dict)
        ):
            raise _Refused(HTTPStatus.BAD_REQUEST, 'The body is {"method": NAME, "params": {...}}.')
        return request

    def _not_allowed(self) -> None:
        raise _Refused(HTTPStatus.METHOD_NOT_ALLOWED, "The page takes GET; the API takes POST.")

    def _send(self, status: HTTPStatus, value: dict[str, Any]) -> None:
        body = json.dumps(value, ensure_ascii=False).encode("utf-8")
        self._send_bytes(status, body, "application/json; charset=utf-8", _API_CSP)

    def _send_bytes(self, status: HTTPStatus, body: bytes, kind: str, policy: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", policy)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        if status == HTTPStatus.METHOD_NOT_ALLOWED:
            self.send_header("Allow", "GET, POST")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
