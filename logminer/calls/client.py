"""A JSON-RPC client for the billing's Management API that checks each call against the catalog first.

``Client`` holds one connection pool and the session; ``Api`` is a drop-in for JeraSoft's sample
library (``api.clients.editForm({'id_clients': 8})``). Every request is made in one place,
``Client.build_request``: it validates the call, adds the credentials and returns a ``CallRequest`` whose
``content`` is sent byte for byte and whose ``shown()`` is what ``--dry-run`` and ``-v`` print, the
same request with the credentials masked.

The password is kept in a ``_Secret`` that never prints. Whatever comes back (a reply, an error
page, a redirect, a JSON-RPC error) is masked before it reaches a ``Response.to_dict()``, an
exception or a trace: values under secret-named keys (the catalog's secret words), values that look
like credentials, and the password and session id in any form a server may echo them.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import re
import secrets
import ssl
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote, quote_plus, unquote, urlsplit

import httpx

from .._controls import json_safe
from .._errors import (
    CallFailed,
    ConnectError,
    DownloadFailed,
    FileError,
    HTTPStatusError,
    LoginFailed,
    ProtocolError,
    RpcError,
    Timeout,
    TransportError,
    UsageError,
)
from .._version import __version__
from ..catalog.exemplars import MASK as PLACEHOLDER
from ..catalog.model import Catalog
from ..catalog.secrets import MASK, SecretNames, mask_secrets, scrub, secret_value
from .items import api_method
from .limits import byte_count, seconds
from .validate import DEFAULT_MODE, Finding, check_mode, enforce, validate

log = logging.getLogger("logminer.client")
log.addHandler(logging.NullHandler())  # a library logs; the application decides what is shown

USER_AGENT = f"logminer/{__version__}"
# Replies larger than this are refused: a JSON-RPC reply is read into memory (files use download()).
DEFAULT_MAX_REPLY = 64 * 1024 * 1024
# Files larger than this are refused, the transfer cut and nothing kept.
DEFAULT_MAX_DOWNLOAD = 2 * 1024 * 1024 * 1024
# The longest a whole download may take, in seconds.
DEFAULT_MAX_TIME = 3600.0
# A download that brings fewer bytes a second than this over ``timeout`` seconds is cut off: a billing
# that trickles a byte at a time never trips a timeout on each wait (as curl's --speed-limit).
MIN_SPEED = 1024
# A code-false reply to a call that carried credentials, with no session granted and one of these
# words, is a refused login (no public sample of the billing's error texts exists).
_LOGIN_WORDS = re.compile(
    r"log ?in|password|credential|authenticat|unauthori[sz]ed|session|expired|not logged", re.IGNORECASE
)

Progress = Callable[[int, "int | None"], None]
Trace = Callable[[str], None]


class _Secret:
    """A string that never shows itself in a repr, a str or a traceback's locals."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return MASK

    __str__ = __repr__


class _Secrets(set):
    """A set of strings that never shows them in a repr."""

    def __repr__(self) -> str:
        return f"<{len(self)} secrets>"


@dataclass(repr=False)
class CallRequest:
    """One request to the billing, made by ``Client.build_request``.

    ``content`` is the body sent, byte for byte (the JSON-RPC envelope, or a download's form);
    ``masked`` is that body with the credentials and secret arguments masked, written the same way;
    ``shown()`` is the request line, the headers logminer sets and ``masked``: what ``--dry-run``
    and ``-v`` print. ``kind`` is ``jsonrpc`` or ``download``; ``id`` the JSON-RPC id (None for a
    download); ``params`` the call's own params, without credentials; ``findings`` the catalog's;
    ``credentials`` what the body carries to log in: ``auth``, ``SID`` or None.
    """

    kind: str
    method: str
    params: dict[str, Any]
    url: str
    headers: dict[str, str]
    content: bytes
    masked: str
    id: int | None = None
    findings: list[Finding] = field(default_factory=list)
    credentials: str | None = None

    def shown(self) -> str:
        """The request as text, credentials masked: ``POST URL``, the headers, a blank line, the body."""
        head = [f"POST {self.url}", *(f"{name}: {value}" for name, value in self.headers.items())]
        return "\n".join(head) + "\n\n" + self.masked

    def __repr__(self) -> str:  # never the content: it holds the password
        return f"<CallRequest {self.kind} {self.method} POST {self.url}>"


class Response:
    """One reply of the billing: ``code``, ``data`` (its ``return``), ``messages``, ``errors``, ``raw``.

    ``messages`` and ``errors`` are lists (an object the billing sends is read as ``key: value``
    texts, a lone string as a list of one); a reply of any other shape is a ``ProtocolError``.
    ``to_dict()`` is the reply as ``call --format json`` prints it, secrets masked.
    """

    def __init__(
        self,
        method: str,
        raw: dict[str, Any],
        findings: list[Finding] | None = None,
        *,
        mask: Callable[[Any], Any] | None = None,
        login_refused: bool = False,
    ) -> None:
        result = raw.get("result")
        if not isinstance(result, dict):
            raise ProtocolError(f"The billing's reply to {method} has no result object.")
        self.method = method
        self.raw = raw
        self.code = result.get("code")
        self.data = result.get("return")
        self.messages = _texts(result.get("messages"), method, "messages")
        self.errors = _texts(result.get("errors"), method, "errors")
        self.session_id = _session_id(result.get("session_id"), method)
        self.findings = findings or []
        self.login_refused = login_refused
        self._mask = mask or _default_mask

    @property
    def ok(self) -> bool:
        """Whether the billing reported success (``code`` true)."""
        return bool(self.code)

    def to_dict(self) -> dict[str, Any]:
        """The reply as ``call --format json`` prints it: ``method``, ``code``, ``return``, ``messages``,
        ``errors`` and ``session_id`` (masked when there is one), every secret masked."""
        shown = self._mask(
            {
                "method": self.method,
                "code": self.code,
                "return": self.data,
                "messages": self.messages,
                "errors": self.errors,
            }
        )
        shown["session_id"] = MASK if self.session_id else self.raw["result"].get("session_id")
        return shown

    def raise_for_code(self) -> Response:
        """This response, or ``CallFailed`` (``LoginFailed`` for a refused login) when ``code`` is false."""
        if not self.ok:
            shown = self.to_dict()
            reasons = "; ".join(_text(text) for text in (shown["errors"] or shown["messages"]))
            kind = LoginFailed if self.login_refused else CallFailed
            raise kind(
                f"{self.method} failed (code {_json(shown['code'])}); billing: "
                f"{_one_line(reasons) or 'no reason given'}",
                shown["errors"],
                shown["messages"],
                self,
            )
        return self

    def __repr__(self) -> str:
        counts = f"messages={len(self.messages)} errors={len(self.errors)}"
        return f"<Response {self.method} code={_json(self.code)} {counts}>"


class Client:
    """A session with one billing's Management API over one pool of connections.

    ``host`` is a name or address (``billing.example.net``) or a URL (``http://127.0.0.1:8080``; a
    path is the base of a billing behind a proxy; see ``base_url``). The scheme is https unless
    ``port`` is 80 or the host says ``http://``. The first call sends ``auth`` (login and password);
    once the billing returns a ``session_id``, calls send ``SID``.

    ``catalog`` (a ``Catalog`` or a path) enables validation, in the mode ``validate``: ``off``,
    ``warn`` (send whatever the findings), ``errors`` (the default: refuse a call with an error, an
    almost sure typo, with ``ValidationFailed``; send one with warnings) or ``strict`` (refuse any
    finding). Its secret words and value rules also decide what is masked.

    ``verify`` is True (the system's CAs), False (no check: not advised), a CA bundle path or an
    ``ssl.SSLContext``. ``timeout`` bounds each wait for the billing and the whole reply of a call;
    ``max_reply_bytes`` caps a reply read into memory. A download may take ``max_time`` seconds in
    all, must bring ``MIN_SPEED`` bytes a second over any ``timeout`` seconds, and is refused past
    ``max_download_bytes``. Redirects are errors, never followed. ``raise_for_code`` makes calls
    whose ``code`` is false raise ``CallFailed`` (``LoginFailed`` for a refused login). ``trace``
    is called with each request and each reply as text, credentials masked (what ``-v`` prints).
    """

    def __init__(
        self,
        host: str,
        login: str | None = None,
        password: str | None = None,
        sid: str | None = None,
        port: int | None = None,
        catalog: Catalog | str | os.PathLike | None = None,
        validate: str = DEFAULT_MODE,
        timeout: float = 30.0,
        verify: bool | str | os.PathLike | ssl.SSLContext = True,
        *,
        raise_for_code: bool = False,
        max_reply_bytes: int = DEFAULT_MAX_REPLY,
        max_download_bytes: int = DEFAULT_MAX_DOWNLOAD,
        max_time: float = DEFAULT_MAX_TIME,
        trace: Trace | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url(host, port)
        self.login = login
        self._password = _Secret(password) if password else None
        self._sid = _Secret(sid) if sid else None
        if catalog is not None and not isinstance(catalog, Catalog):
            from ..catalog.store import load_catalog

            catalog = load_catalog(catalog)
        self.catalog = catalog
        self.validate = check_mode(validate)
        self.raise_for_code = raise_for_code
        self.max_reply_bytes = byte_count(max_reply_bytes, "max_reply_bytes")
        self.max_download_bytes = byte_count(max_download_bytes, "max_download_bytes")
        self.timeout = seconds(timeout, "timeout")
        self.max_time = seconds(max_time, "max_time")
        self.trace = trace
        self.logins = 0
        self._ids = itertools.count(1)
        self._granted = _Secrets()  # every session id a reply granted
        self._is_secret = catalog.is_secret if catalog is not None else SecretNames()
        self._is_secret_value = catalog.is_secret_value if catalog is not None else secret_value
        self._http = httpx.Client(
            timeout=self.timeout,
            verify=_tls(verify),
            transport=transport,
            follow_redirects=False,
            headers={"User-Agent": USER_AGENT},
        )

    @property
    def session_id(self) -> str | None:
        """The session id in use, if any (never shown in a repr)."""
        return self._sid.value if self._sid else None

    def __repr__(self) -> str:
        session = "yes" if self._sid else "no"
        return f"<Client {self.base_url} login={self.login!r} session={session}>"

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pool."""
        self._http.close()

    # -- requests ------------------------------------------------------------------------------

    def check(self, method: str, params: dict[str, Any] | None = None) -> list[Finding]:
        """What the catalog says about this call (nothing without a catalog); sends nothing."""
        if self.catalog is None:
            return []
        return validate(self.catalog, api_method(method), params or {})

    def build_request(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        *,
        download: bool = False,
        validate: str | None = None,
    ) -> CallRequest:
        """The request a call of ``method`` with ``params`` sends next, checked against the catalog.

        ``method`` may be a path or URL as the browser shows it (``/admin/clients/add``). The call is
        validated in ``validate`` mode (the client's by default): a refused call raises
        ``ValidationFailed`` with every finding; the findings of one that may be sent are the
        request's ``findings``. ``download`` makes the form POST of ``/admin/<module>/<method>``
        instead of a JSON-RPC call. Sends nothing.
        """
        method = api_method(method)
        if params is not None and not isinstance(params, dict):
            raise UsageError("The params of a call must be a JSON object (name: value pairs).")
        params = dict(params or {})
        mode = check_mode(validate or self.validate)
        findings = [] if mode == "off" else self.check(method, params)
        enforce(method, findings, mode)
        unfilled = _placeholders(params)
        if unfilled:
            raise UsageError(
                f"{method}: {', '.join(unfilled)} still hold{'s' * (len(unfilled) == 1)} the placeholder "
                f"{PLACEHOLDER} of an example call (where the log had a secret); give the real value."
            )
        for finding in findings:
            log.warning("%s: %s", method, finding)
        return self._build(method, params, download=download, findings=findings)

    def _build(
        self, method: str, params: dict[str, Any], *, download: bool, findings: list[Finding]
    ) -> CallRequest:
        sent = self._with_credentials(params)
        credentials = "auth" if "auth" in sent else "SID" if "SID" in sent else None
        if download:
            fields = [*form_fields(sent), ("__api", "1")]
            return CallRequest(
                kind="download",
                method=method,
                params=params,
                url=f"{self.base_url}/admin/{method.replace('.', '/')}",
                headers={"Content-Type": "application/x-www-form-urlencoded", "User-Agent": USER_AGENT},
                content=_form(fields).encode("ascii"),
                masked=self._scrub(_form([(name, self._mask_field(name, value)) for name, value in fields])),
                findings=findings,
                credentials=credentials,
            )
        request_id = next(self._ids)
        envelope = {"jsonrpc": "2.0", "method": method, "params": sent, "id": request_id}
        masked = {**envelope, "params": self._mask(sent)}
        return CallRequest(
            kind="jsonrpc",
            method=method,
            params=params,
            url=f"{self.base_url}/jsonrpc/",
            headers={
                "Content-Type": "application/json",
                "Accept": "application/json",
                "User-Agent": USER_AGENT,
            },
            content=_encode(envelope).encode("utf-8"),
            masked=_encode(masked),
            id=request_id,
            findings=findings,
            credentials=credentials,
        )

    def _with_credentials(self, params: dict[str, Any]) -> dict[str, Any]:
        if "SID" in params or "auth" in params:
            return dict(params)
        if self._sid is not None:
            return {**params, "SID": self._sid.value}
        if self.login is not None:
            if self._password is None:
                raise UsageError(
                    f"No password for the login {self.login!r}: set JERASOFT_PASSWORD, run on a terminal "
                    "to be asked for it, or give a session id (JERASOFT_SID)."
                )
            return {**params, "auth": {"login": self.login, "password": self._password.value}}
        return dict(params)

    # -- calls ---------------------------------------------------------------------------------

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, validate: str | None = None
    ) -> Response:
        """Call ``method`` with ``params``: validate, send, and return the billing's ``Response``."""
        return self.send(self.build_request(method, params, validate=validate))

    def send(self, request: CallRequest) -> Response:
        """Send a JSON-RPC ``CallRequest`` (from ``build_request``) and return the billing's ``Response``.

        When the session the client holds has expired, it logs in again once and resends.
        """
        if request.kind != "jsonrpc":
            raise UsageError("send() sends JSON-RPC calls; a download request goes to save().")
        response = self._exchange(request)
        if not response.ok and self._may_relogin(request, response):
            log.info("session expired; logging in again as %s", self.login)
            self._sid = None
            request = self._build(request.method, request.params, download=False, findings=request.findings)
            response = self._exchange(request)
        if self.raise_for_code:
            response.raise_for_code()
        return response

    def _may_relogin(self, request: CallRequest, response: Response) -> bool:
        if self._sid is None or self.login is None or self._password is None:
            return False
        if "SID" in request.params or "auth" in request.params:
            return False
        return any(_LOGIN_WORDS.search(_text(text)) for text in response.errors + response.messages)

    def _exchange(self, request: CallRequest) -> Response:
        deadline = time.monotonic() + self.timeout
        with self._post(request) as reply:
            body = b"".join(self._chunks(reply, self.max_reply_bytes, deadline, self._reply_too_large))
        if reply.status_code != 200:
            self._show(_status_line(reply) + self._headers(reply) + "\n" + self._quote(body, 2000))
            raise self._status_error(reply, request.url, body)
        data = self._decode(request, body)
        self._learn(data)
        self._show(_status_line(reply) + self._headers(reply) + "\n" + _pretty(self._mask(data)))
        if not isinstance(data, dict):
            raise ProtocolError(
                f"The billing's reply to {request.method} is not a JSON-RPC object: {self._quote(body)}"
            )
        if not _same_id(data.get("id"), request.id):
            raise ProtocolError(
                f"The billing's reply to {request.method} answers request id {_shown_id(data.get('id'))}, "
                f"not {request.id}: a proxy or a mixed-up connection?"
            )
        error = data.get("error")
        if error is not None:
            raise self._rpc_error(request.method, error)
        response = Response(request.method, data, request.findings, mask=self._mask)
        if not response.ok and request.credentials and not response.session_id:
            response.login_refused = any(
                _LOGIN_WORDS.search(_text(text)) for text in response.errors + response.messages
            )
        if response.session_id:
            self.logins += request.credentials == "auth"
            self._sid = _Secret(response.session_id)
        return response

    def _learn(self, data: Any) -> None:
        """Remember a session id a reply grants, before anything of the reply is shown: it is masked
        wherever it is echoed, in this reply and after."""
        result = data.get("result") if isinstance(data, dict) else None
        granted = result.get("session_id") if isinstance(result, dict) else None
        if isinstance(granted, (str, int)) and not isinstance(granted, bool) and str(granted):
            self._granted.add(str(granted))

    def _decode(self, request: CallRequest, body: bytes) -> Any:
        try:
            return json.loads(body)
        except RecursionError:
            raise ProtocolError(
                f"The billing's reply to {request.method} is nested too deep to read."
            ) from None
        except (ValueError, UnicodeDecodeError):
            raise ProtocolError(
                f"The billing's reply to {request.method} is not JSON (truncated, or an error page?): "
                f"{self._quote(body)}"
            ) from None

    def _rpc_error(self, method: str, error: Any) -> RpcError:
        shown = self._mask(error)
        code = shown.get("code") if isinstance(shown, dict) else None
        text = shown.get("message", "") if isinstance(shown, dict) else shown
        text = _one_line(_text(text))
        return RpcError(
            f"The billing refused {method}: {text} (JSON-RPC error {_json(code)})",
            code,
            text,
        )

    # -- files ---------------------------------------------------------------------------------

    def download(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        dest: str | os.PathLike | BinaryIO | None = None,
        *,
        progress: Progress | None = None,
        force: bool = False,
        validate: str | None = None,
    ) -> Path | None:
        """Download the file ``method`` answers with and return where it was saved (see ``save``).

        POSTs the params form-encoded with ``__api=1`` and the credentials to ``/admin/<module>/<method>``.
        """
        return self.save(
            self.build_request(method, params, download=True, validate=validate),
            dest,
            progress=progress,
            force=force,
        )

    def save(
        self,
        request: CallRequest,
        dest: str | os.PathLike | BinaryIO | None = None,
        *,
        progress: Progress | None = None,
        force: bool = False,
    ) -> Path | None:
        """Send a download ``CallRequest`` and stream the file it answers with to ``dest``.

        ``dest`` is a file path (replaced if it exists: it was named), a folder (an existing one, or
        a path ending with ``/``, created if needed) to save under the name from
        ``Content-Disposition`` (default: the current folder), or a binary stream to write to
        (returns None). In a folder an existing file is never replaced unless ``force``; the name the
        billing gives is reduced to a plain file name, so it never leaves the folder. The file is
        written beside its target under a temporary name, with the user's umask, and renamed when
        complete, so a failure leaves nothing. ``progress(done, total)`` is called after each chunk
        (``total`` is None when the size is not announced).
        """
        if request.kind != "download":
            raise UsageError("save() takes a download request: build_request(..., download=True).")
        folder, path, stream = _destination(dest)
        if stream is None:  # before anything is asked of the billing
            _writable_folder(folder if folder is not None else path.parent)
        deadline = time.monotonic() + self.max_time
        with self._post(request) as reply:
            self._show(_status_line(reply) + self._headers(reply))
            status = reply.headers.get("X-VCS-Status")
            if reply.status_code != 200:
                raise self._status_error(reply, request.url, _head(reply))
            if status is not None:
                raise DownloadFailed(
                    f"The billing refused the download of {request.method} (X-VCS-Status "
                    f"{self._scrub(_one_line(status))}): {self._quote(_head(reply))}",
                    status,
                )
            total = (
                None if reply.headers.get("Content-Encoding") else _int(reply.headers.get("Content-Length"))
            )
            chunks = self._chunks(reply, self.max_download_bytes, deadline, self._file_too_large, speed=True)
            if stream is not None:
                _write(stream, chunks, total, progress)
                return None
            if path is None:
                name = filename_from(reply.headers.get("Content-Disposition")) or request.method.replace(
                    ".", "_"
                )
                path = folder / name
                if not force and os.path.lexists(path):
                    raise FileError(
                        f"{path} exists; logminer does not replace a file the billing named: pass --force "
                        "(force=True) to replace it, or name the file with -o."
                    )
            done = _save_file(path, chunks, total, progress, replace=force or folder is None)
        log.info("saved %s (%d bytes) from %s", path, done, request.method)
        return path

    # -- the wire ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _post(self, request: CallRequest) -> Iterator[httpx.Response]:
        """POST the request, shown first, and yield the reply as it streams in: a redirect refused,
        httpx's errors made logminer's (while the reply is read, too)."""
        self._show(request.shown())
        with (
            self._transport_errors(),
            self._http.stream("POST", request.url, content=request.content, headers=request.headers) as reply,
        ):
            self._refuse_redirect(reply, request.url)
            yield reply

    def _chunks(
        self,
        reply: httpx.Response,
        limit: int,
        deadline: float,
        too_large: Callable[[int], Exception],
        *,
        speed: bool = False,
    ) -> Iterator[bytes]:
        """The reply's body as it comes, refused past ``limit`` bytes (announced or read) or past
        ``deadline``; with ``speed``, cut off when it brings fewer than ``MIN_SPEED`` bytes a second
        over ``timeout`` seconds. Refusing closes the connection, so the rest is never downloaded."""
        announced = _int(reply.headers.get("Content-Length"))
        if announced is not None and announced > limit:
            raise too_large(limit)
        size = 0
        window_start, window_size = time.monotonic(), 0
        for chunk in reply.iter_bytes():
            size += len(chunk)
            if size > limit:
                raise too_large(limit)
            now = time.monotonic()
            if now > deadline:
                raise Timeout(
                    f"The billing at {self.base_url} did not finish its reply in time "
                    f"({self._deadline(speed)}; {size} bytes came)."
                )
            if speed and now - window_start >= self.timeout:
                if size - window_size < MIN_SPEED * (now - window_start):
                    raise Timeout(
                        f"The billing at {self.base_url} sent {size - window_size} bytes in the last "
                        f"{now - window_start:.0f} s, less than {MIN_SPEED} bytes a second; cut off."
                    )
                window_start, window_size = now, size
            yield chunk

    def _deadline(self, download: bool) -> str:
        if download:
            return f"{self.max_time:g} s for a whole download (--max-time)"
        return f"{self.timeout:g} s timeout"

    def _reply_too_large(self, limit: int) -> ProtocolError:
        return ProtocolError(
            f"The billing's reply is larger than {limit} bytes; refused. "
            "Use download() for files, or raise max_reply_bytes."
        )

    def _file_too_large(self, limit: int) -> ProtocolError:
        return ProtocolError(
            f"The file is larger than {limit} bytes (--max-bytes, max_download_bytes); refused, nothing kept."
        )

    def _status_error(self, reply: httpx.Response, url: str, body: bytes) -> HTTPStatusError:
        return HTTPStatusError(
            f"The billing answered HTTP {reply.status_code} {reply.reason_phrase} at {url}: "
            f"{self._quote(body)}",
            reply.status_code,
        )

    def _refuse_redirect(self, reply: httpx.Response, url: str) -> None:
        """A redirect is an error: following it could carry the credentials to another host."""
        if not reply.is_redirect:
            return
        raise HTTPStatusError(
            f"The billing at {url} redirected to {self._place(reply.headers.get('Location', ''))} "
            f"(HTTP {reply.status_code}); logminer does not follow redirects, which could carry the "
            "credentials elsewhere. If that is the billing, point --host at it.",
            reply.status_code,
        )

    def _place(self, location: str) -> str:
        """Where a redirect points: scheme, host, port and path only (a login or a query may be secret)."""
        try:
            target = urlsplit(location.strip())
            host = target.hostname or ""
            port = f":{target.port}" if target.port else ""
        except ValueError:
            return "(an address that is no URL)"
        if ":" in host:
            host = f"[{host}]"
        shown = f"{target.scheme}://{host}{port}{target.path}" if host else target.path
        return self._scrub(_one_line(shown)) or "(nowhere)"

    @contextlib.contextmanager
    def _transport_errors(self) -> Iterator[None]:
        try:
            yield
        except httpx.TimeoutException:
            raise Timeout(f"The billing at {self.base_url} did not answer in time (timeout).") from None
        except httpx.ConnectError as error:
            detail = self._scrub(_one_line(str(error)))
            if "CERTIFICATE_VERIFY_FAILED" in detail:
                raise ConnectError(
                    f"Cannot connect to the billing at {self.base_url}: its TLS certificate is not trusted "
                    f"({detail}). Give its CA with --ca-bundle FILE, or use --insecure if you must."
                ) from None
            raise ConnectError(f"Cannot connect to the billing at {self.base_url}: {detail}") from None
        except httpx.HTTPError as error:
            raise TransportError(
                f"The connection to the billing at {self.base_url} failed: "
                f"{self._scrub(_one_line(str(error)) or type(error).__name__)}"
            ) from None
        except (httpx.InvalidURL, UnicodeError):
            raise UsageError(f"The host of {self.base_url} is not a valid host name.") from None

    # -- secrets -------------------------------------------------------------------------------

    def _mask(self, value: Any) -> Any:
        """A copy of a JSON tree with every secret masked: values under secret-named keys (the
        catalog's words), credential-like values, and the password and session id wherever they are
        echoed inside a text."""
        masked = mask_secrets(value, self._is_secret, MASK, is_secret_value=self._is_secret_value)
        return _map_texts(masked, self._scrub)

    def _mask_field(self, name: str, value: str) -> str:
        if self._is_secret(name) or self._is_secret_value(value):
            return MASK
        return value

    def _scrub(self, text: str) -> str:
        """``text`` with the password and the session id masked in any form a server may echo them."""
        known = [secret.value for secret in (self._password, self._sid) if secret is not None]
        return scrub(text, [*known, *self._granted], MASK, logins=[self.login] if self.login else ())

    def _quote(self, body: bytes, limit: int = 120) -> str:
        text = body[: limit * 4].decode("utf-8", "replace")
        text = _one_line(self._scrub(text))
        if not text:
            return "(empty body)"
        return repr(text[:limit] + ("…" if len(text) > limit else ""))

    def _headers(self, reply: httpx.Response) -> str:
        lines = []
        for name, value in reply.headers.items():
            shown = MASK if self._is_secret(name) or self._is_secret_value(value) else self._scrub(value)
            lines.append(f"{name}: {shown}\n")
        return "".join(lines)

    def _show(self, text: str) -> None:
        if self.trace is not None:
            self.trace(text)


class Api:
    """A drop-in for JeraSoft's sample library: ``Api(host, login, password, port)``.

    ``port`` defaults to 443 (80 means plain HTTP), unless ``host`` is a URL with its own port.

    ``api.clients.editForm({'id_clients': 8})`` or ``api.clients.editForm(id_clients=8)`` calls
    ``clients.editForm`` and returns a ``Response`` (``.code``, ``.messages``, ``.data``). As in the
    sample, a reply with ``code`` false raises nothing: check ``.code`` or call ``raise_for_code()``.
    Other keyword options (``catalog``, ``validate``, ``verify``, ``timeout``) go to ``Client``; with
    a catalog, a call with an error (an unknown method, a misspelt argument) is not sent.
    """

    def __init__(
        self,
        host: str,
        login: str | None = None,
        password: str | None = None,
        port: int | None = None,
        **options: Any,
    ) -> None:
        self.client = Client(host, login, password, port=port, **options)

    def __getattr__(self, name: str) -> _MethodPath:
        if name.startswith("_"):
            raise AttributeError(name)
        return _MethodPath(self.client, (name,))

    def download(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        dest: str | os.PathLike | BinaryIO | None = None,
        **options: Any,
    ) -> Path | None:
        """``Client.download``."""
        return self.client.download(method, params, dest, **options)

    def close(self) -> None:
        """Close the connection pool."""
        self.client.close()

    def __enter__(self) -> Api:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Api {self.client.base_url} login={self.client.login!r}>"


class _MethodPath:
    """``api.clients`` and ``api.clients.editForm``; calling it calls the method (dots join the parts)."""

    def __init__(self, client: Client, parts: tuple[str, ...]) -> None:
        self._client = client
        self._parts = parts

    def __getattr__(self, name: str) -> _MethodPath:
        if name.startswith("_"):
            raise AttributeError(name)
        return _MethodPath(self._client, (*self._parts, name))

    def __call__(self, params: dict[str, Any] | None = None, *unused: Any, **keywords: Any) -> Response:
        if len(self._parts) < 2:
            raise UsageError(
                f"{self._parts[0]!r} is a module; call one of its methods (api.{self._parts[0]}.list)."
            )
        if params is not None and not isinstance(params, dict):
            raise UsageError("Pass the arguments as one dict or as keyword arguments.")
        return self._client.call(".".join(self._parts), {**(params or {}), **keywords})

    def __repr__(self) -> str:
        return f"<API method {'.'.join(self._parts)}>"


# -- settings --------------------------------------------------------------------------------------


def base_url(host: str, port: int | None = None) -> str:
    """``scheme://host[:port][/base]`` for a host or URL: https unless port 80 or an explicit ``http://``.

    A path is kept as the base of a billing behind a proxy (``https://gw.example.net/billing``), but
    for a trailing ``/jsonrpc`` or ``/admin``: the endpoints themselves, which logminer adds. A login
    or password in the URL is refused (it would show in ``ps`` and the shell's history), and so are
    a query and a fragment; a message never quotes what stood before ``@``.
    """
    if not host or not host.strip():
        raise UsageError("No billing host given: pass --host (or JERASOFT_HOST), e.g. billing.example.net.")
    text = host.strip()
    shown = repr(_without_login(text))
    if "://" not in text and text.count(":") > 1 and not text.startswith("[") and "/" not in text:
        text = f"[{text}]"  # a bare IPv6 address
    try:
        parts = urlsplit(text if "://" in text else f"//{text}")
        explicit_port = parts.port
        hostname = parts.hostname or ""
    except ValueError as error:
        raise UsageError(
            f"Host {shown} is not a host name or URL ({_without_login(str(error))}); "
            "e.g. billing.example.net or https://billing.example.net:8443."
        ) from None
    if "@" in parts.netloc:
        raise UsageError(
            f"Host {shown} holds a login or password: give the login with --login (JERASOFT_LOGIN) and "
            "the password in JERASOFT_PASSWORD or at the prompt; in a URL it shows in ps and in the "
            "shell's history."
        )
    if parts.scheme not in ("", "http", "https"):
        raise UsageError(f"Host {shown}: only http:// and https:// are understood.")
    if parts.query or parts.fragment or text.endswith(("?", "#")):
        raise UsageError(f"Host {shown} has a query or fragment; give the billing's address only.")
    if port is not None and not 0 < port < 65536:
        raise UsageError(f"Port {port} is not a port number (1 to 65535).")
    if port and explicit_port and port != explicit_port:
        raise UsageError(f"Host {shown} says port {explicit_port}, but port {port} was given; give one.")
    port = port or explicit_port
    scheme = parts.scheme or ("http" if port == 80 else "https")
    if not hostname:
        raise UsageError(f"Host {shown} has no host name.")
    if ":" in hostname:
        hostname = f"[{hostname}]"
    default = {"http": 80, "https": 443}[scheme]
    base = re.sub(r"/(?:jsonrpc|admin)/*$", "", parts.path.rstrip("/"))
    return f"{scheme}://{hostname}" + (f":{port}" if port and port != default else "") + quote(unquote(base))


def _tls(verify: bool | str | os.PathLike | ssl.SSLContext) -> bool | ssl.SSLContext:
    if not isinstance(verify, (str, os.PathLike)):
        return verify
    try:
        return ssl.create_default_context(cafile=os.fspath(verify))
    except (OSError, ssl.SSLError, ValueError) as error:
        reason = getattr(error, "strerror", None) or getattr(error, "reason", None) or type(error).__name__
        raise UsageError(
            f"The CA bundle {os.fspath(verify)!r} cannot be used ({reason}): give a file of PEM CA "
            "certificates."
        ) from None


def _without_login(text: str) -> str:
    """``text`` with whatever stands before an ``@`` in a URL's authority replaced by ``***``."""
    return re.sub(r"^((?:[A-Za-z][A-Za-z0-9+.-]*:)?//)?[^/?#]*@", r"\1***@", text)


# -- bodies ----------------------------------------------------------------------------------------


def _encode(envelope: dict[str, Any]) -> str:
    """The JSON text of a request: what is sent, and (masked) what is shown, written one way."""
    try:
        return json_safe(json.dumps(envelope, ensure_ascii=False, allow_nan=False))
    except RecursionError:
        raise UsageError("The params are nested too deep to send.") from None
    except (TypeError, ValueError) as error:
        raise UsageError(f"The params cannot be sent as JSON ({error}).") from None


def form_fields(params: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Params as PHP form fields: ``{"fields": [{"id": 5}]}`` -> ``[("fields[0][id]", "5")]``.

    An empty array sends no field (a form cannot say it); true is ``1``, false and null are empty.
    """
    fields: list[tuple[str, str]] = []
    stack: list[tuple[str, Any]] = [(prefix, params)]
    while stack:
        name, value = stack.pop()
        if isinstance(value, (dict, list)):
            items = list(enumerate(value) if isinstance(value, list) else value.items())
            stack.extend((f"{name}[{key}]" if name else str(key), item) for key, item in reversed(items))
        elif value is None or value is False:
            fields.append((name, ""))
        else:
            fields.append((name, "1" if value is True else str(value)))
    return fields


def _form(fields: list[tuple[str, str]]) -> str:
    """Form fields URL-encoded, brackets left readable (PHP reads them either way)."""
    return "&".join(f"{quote(name, safe='[]')}={quote_plus(value, safe='*')}" for name, value in fields)


def _pretty(data: Any) -> str:
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def _map_texts(value: Any, change: Callable[[str], str]) -> Any:
    """``value`` with ``change`` applied to every string in it, keys too (a masked tree is at most
    ``secrets.MAX_DEPTH`` deep, so recursion is safe)."""
    if isinstance(value, str):
        return change(value)
    if isinstance(value, dict):
        return {
            change(key) if isinstance(key, str) else key: _map_texts(item, change)
            for key, item in value.items()
        }
    if isinstance(value, list):
        return [_map_texts(item, change) for item in value]
    return value


def _default_mask(value: Any) -> Any:
    return mask_secrets(value, SecretNames(), MASK)


# -- replies ---------------------------------------------------------------------------------------


def _texts(value: Any, method: str, field: str) -> list[Any]:
    """A reply's ``messages`` or ``errors`` as a list; ``ProtocolError`` for a number or a boolean."""
    if value is None or value == "":
        return []
    if isinstance(value, list):
        return value
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [f"{key}: {_text(item)}" for key, item in value.items()]
    raise ProtocolError(f"The billing's reply to {method} has {field} that are not a list ({_json(value)}).")


def _session_id(value: Any, method: str) -> str | None:
    if value is None or value is False or value == "":
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ProtocolError(f"The billing's reply to {method} has a session_id that is no text.")


def _same_id(answered: Any, sent: int | None) -> bool:
    """Whether a reply's id is the request's: the same number, or its text; never ``true`` for 1."""
    if isinstance(answered, bool):
        return False
    if isinstance(answered, (int, float)):
        return answered == sent
    return isinstance(answered, str) and answered == str(sent)


def _status_line(reply: httpx.Response) -> str:
    return f"{reply.http_version} {reply.status_code} {reply.reason_phrase}\n"


def _shown_id(value: object) -> str:
    """A reply's id for a message: numbers as they are, anything else only by kind (it may be a secret)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if value is None or isinstance(value, bool):
        return json.dumps(value)
    return f"of another kind ({type(value).__name__})"


def _head(reply: httpx.Response, limit: int = 2000) -> bytes:
    """The first bytes of a reply's body, without reading a large one whole."""
    head = b""
    for chunk in reply.iter_bytes():
        head += chunk
        if len(head) >= limit:
            break
    return head[:limit]


# -- files -----------------------------------------------------------------------------------------


def _placeholders(params: dict[str, Any]) -> list[str]:
    """The bracket paths in ``params`` whose value is an example call's placeholder for a secret."""
    found, pending = [], [(str(key), value) for key, value in params.items()]
    while pending:
        path, value = pending.pop()
        if isinstance(value, (dict, list)):
            pairs = value.items() if isinstance(value, dict) else enumerate(value)
            pending += [(f"{path}[{key}]", inner) for key, inner in pairs]
        elif value == PLACEHOLDER:
            found.append(path)
    return sorted(found)


def _writable_folder(folder: Path) -> None:
    """``folder`` is a folder logminer can write into, or one it can make; ``FileError`` if not."""
    existing = Path(os.path.abspath(folder))
    while not os.path.lexists(existing) and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir():
        raise FileError(f"Cannot save into {folder}: {existing} is not a folder; choose another with -o.")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise FileError(
            f"Cannot save into {folder}: {existing} is not writable; choose another folder with -o."
        )


def _destination(dest: Any) -> tuple[Path | None, Path | None, BinaryIO | None]:
    """``(folder, file, stream)``: exactly one is set. A folder is an existing one, a path ending with
    a slash, or the current folder when ``dest`` is None."""
    if dest is None:
        return Path.cwd(), None, None
    if hasattr(dest, "write"):
        return None, None, dest
    text = os.fspath(dest)
    if text.endswith(("/", os.sep)) or os.path.isdir(text):
        return Path(text), None, None
    return None, Path(text), None


def filename_from(disposition: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives, reduced to a safe base name (or None)."""
    if not disposition:
        return None
    extended = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", disposition, re.IGNORECASE)
    if extended:
        try:
            name = unquote(extended.group(2).strip(), encoding=extended.group(1) or "utf-8", errors="replace")
        except LookupError:  # a charset Python does not know
            name = unquote(extended.group(2).strip(), errors="replace")
    else:
        plain = re.search(r'filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)', disposition, re.IGNORECASE)
        if not plain:
            return None
        name = plain.group(2) if plain.group(2) is not None else plain.group(1).strip()
        name = re.sub(r"\\(.)", r"\1", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip("\x00")
    name = _fitted("".join(char for char in name if char.isprintable()))
    if name in ("", ".", "..") or name.startswith("."):
        return None
    return name


def _fitted(name: str, limit: int = 200) -> str:
    """``name`` cut to ``limit`` bytes of UTF-8 (file systems allow 255), its extension kept."""
    if len(name.encode("utf-8")) <= limit:
        return name
    stem, dot, suffix = name.rpartition(".")
    ending = dot + suffix if stem and len(suffix) <= 10 else ""
    room = limit - len(ending.encode("utf-8"))
    return name[: len(name) - len(ending)].encode("utf-8")[:room].decode("utf-8", "ignore") + ending


def _write(stream: BinaryIO, chunks: Iterator[bytes], total: int | None, progress: Progress | None) -> int:
    done = 0
    for chunk in chunks:
        stream.write(chunk)
        done += len(chunk)
        if progress is not None:
            progress(done, total)
    stream.flush()
    if total is not None and done != total:
        raise TransportError(f"The download stopped at {done} of {total} bytes.")
    return done


def _save_file(
    target: Path, chunks: Iterator[bytes], total: int | None, progress: Progress | None, *, replace: bool
) -> int:
    """Write ``chunks`` to a temporary file beside ``target`` (mode 0666 less the umask) and move it
    into place when complete: replacing what is there only when ``replace``."""
    temporary = target.parent / f".{target.name}.{secrets.token_hex(4)}.part"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as error:
        raise FileError(
            f"Cannot save into {target.parent}: {error.strerror or error}; choose another folder with -o."
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            done = _write(stream, chunks, total, progress)
        _move(temporary, target, replace)
    except OSError as error:
        raise FileError(f"Cannot save {target}: {error.strerror or error}.") from None
    finally:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
    return done


def _move(temporary: Path, target: Path, replace: bool) -> None:
    if replace:
        os.replace(temporary, target)
        return
    try:
        os.link(temporary, target)  # fails if the target appeared meanwhile: never replaced
    except FileExistsError:
        raise FileError(f"{target} exists; pass --force (force=True) to replace it.") from None
    except OSError:  # a file system without hard links
        if os.path.lexists(target):
            raise FileError(f"{target} exists; pass --force (force=True) to replace it.") from None
        os.replace(temporary, target)


# -- small pieces ----------------------------------------------------------------------------------


def _json(value: Any) -> str:
    """A value in a message as JSON writes it (``false``, ``null``), shortened."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (ValueError, RecursionError):
        text = type(value).__name__
    return text if len(text) <= 60 else text[:59] + "…"


def _text(value: Any) -> str:
    """A message of the billing as text: a string as it is, anything else as JSON."""
    return value if isinstance(value, str) else _json(value)


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
