"""A JSON-RPC client for the billing's Management API that checks each call against the catalog first.

``Client`` holds one connection pool and the session; ``Api`` is a drop-in for JeraSoft's sample
library (``api.clients.editForm({'id_clients': 8})``). The password is kept in a ``_Secret`` that
never prints, and every text taken from a reply is scrubbed of the password and session id before it
goes into an exception or a log line.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import logging
import os
import re
import ssl
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import httpx

from .._errors import (
    CallFailed,
    ConnectError,
    DownloadFailed,
    HTTPStatusError,
    ProtocolError,
    RpcError,
    Timeout,
    TransportError,
    UsageError,
)
from ..catalog.model import Catalog
from ..catalog.paths import TRANSPORT_KEYS
from ..catalog.secrets import SecretNames
from .validate import Finding, check_mode, enforce, validate

log = logging.getLogger("logminer.client")

MASK = "********"
# Replies larger than this are refused: a JSON-RPC reply is read into memory (files use download()).
DEFAULT_MAX_REPLY = 64 * 1024 * 1024
# Words in an error of a call made with a SID that mean the session is gone (no public sample exists).
_EXPIRED = re.compile(r"session|expired|auth|log ?in|not logged", re.IGNORECASE)

Progress = Callable[[int, "int | None"], None]


class _Secret:
    """A string that never shows itself in a repr, a str or a traceback's locals."""

    __slots__ = ("value",)

    def __init__(self, value: str) -> None:
        self.value = value

    def __repr__(self) -> str:
        return MASK

    __str__ = __repr__


class Response:
    """One reply of the billing: ``code``, ``data`` (its ``return``), ``messages``, ``errors``, ``raw``."""

    def __init__(self, method: str, raw: dict[str, Any], findings: list[Finding] | None = None) -> None:
        result = raw.get("result") or {}
        self.method = method
        self.raw = raw
        self.code = result.get("code")
        self.data = result.get("return")
        self.messages = list(result.get("messages") or [])
        self.errors = list(result.get("errors") or [])
        self.session_id = result.get("session_id") or None
        self.findings = findings or []

    @property
    def ok(self) -> bool:
        """Whether the billing reported success (``code`` true)."""
        return bool(self.code)

    def raise_for_code(self) -> Response:
        """This response, or ``CallFailed`` when its ``code`` is false."""
        if not self.ok:
            reasons = "; ".join(str(text) for text in (self.errors or self.messages)) or "no reason given"
            raise CallFailed(
                f"{self.method} failed (code {self.code!r}): {_one_line(reasons)}",
                self.errors,
                self.messages,
                self,
            )
        return self

    def __repr__(self) -> str:
        counts = f"messages={len(self.messages)} errors={len(self.errors)}"
        return f"<Response {self.method} code={self.code!r} {counts}>"


class Client:
    """A session with one billing's Management API over one pool of connections.

    ``host`` is a name or address (``billing.example.net``) or a URL (``http://127.0.0.1:8080``).
    The scheme is https unless ``port`` is 80 or the host says ``http://``. The first call sends
    ``auth`` (login and password); once the billing returns a ``session_id``, calls send ``SID``.
    ``catalog`` (a ``Catalog`` or a path) enables validation: ``validate`` is ``off``, ``warn``
    (log the findings and send) or ``strict`` (raise ``ValidationFailed``, send nothing).
    ``verify`` is True (the system's CAs), False (no check: not advised), a CA bundle path or an
    ``ssl.SSLContext``. ``max_reply_bytes`` caps a JSON-RPC reply read into memory; ``timeout`` bounds
    each wait for the billing and the whole reply of a call. Redirects are errors, never followed.
    ``raise_for_code`` makes calls whose ``code`` is false raise ``CallFailed``.
    """

    def __init__(
        self,
        host: str,
        login: str | None = None,
        password: str | None = None,
        sid: str | None = None,
        port: int | None = None,
        catalog: Catalog | str | os.PathLike | None = None,
        validate: str = "warn",
        timeout: float = 30.0,
        verify: bool | str | ssl.SSLContext = True,
        *,
        raise_for_code: bool = False,
        max_reply_bytes: int = DEFAULT_MAX_REPLY,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url(host, port)
        self.login = login
        self._password = _Secret(password) if password is not None else None
        self._sid = _Secret(sid) if sid else None
        if catalog is not None and not isinstance(catalog, Catalog):
            from ..catalog.store import load_catalog

            catalog = load_catalog(catalog)
        self.catalog = catalog
        self.validate = check_mode(validate)
        self.raise_for_code = raise_for_code
        self.max_reply_bytes = max_reply_bytes
        self.timeout = timeout
        self.logins = 0
        self._ids = itertools.count(1)
        self._secret_names = catalog._secret if catalog is not None else SecretNames()
        if isinstance(verify, (str, os.PathLike)):
            verify = ssl.create_default_context(cafile=os.fspath(verify))
        self._http = httpx.Client(timeout=timeout, verify=verify, transport=transport, follow_redirects=False)

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

    # -- calls ---------------------------------------------------------------------------------

    def check(self, method: str, params: dict[str, Any] | None = None) -> list[Finding]:
        """What the catalog says about this call (nothing without a catalog); sends nothing."""
        if self.catalog is None:
            return []
        return validate(self.catalog, method, params or {})

    def request(self, method: str, params: dict[str, Any] | None = None, *, masked: bool = True) -> dict:
        """The JSON-RPC request this client would send next, credentials masked unless told otherwise."""
        envelope = {"method": method, "params": self._with_credentials(params or {}), "id": 0}
        return self._masked(envelope) if masked else envelope

    def call(
        self, method: str, params: dict[str, Any] | None = None, *, validate: str | None = None
    ) -> Response:
        """Call ``method`` with ``params``: validate, send, and return the billing's ``Response``."""
        params = dict(params or {})
        findings = self._validated(method, params, validate)
        response = self._send(method, params)
        if not response.ok and self._sid is not None and self._may_relogin(params, response):
            log.info("session expired; logging in again as %s", self.login)
            self._sid = None
            response = self._send(method, params)
        response.findings = findings
        if self.raise_for_code:
            response.raise_for_code()
        return response

    def _validated(self, method: str, params: dict[str, Any], mode: str | None) -> list[Finding]:
        mode = check_mode(mode or self.validate)
        if mode == "off":
            return []
        findings = self.check(method, params)
        enforce(method, findings, mode)
        for finding in findings:
            log.warning("%s: %s", method, finding)
        return findings

    def _may_relogin(self, params: dict[str, Any], response: Response) -> bool:
        if self.login is None or self._password is None or "SID" in params or "auth" in params:
            return False
        return any(_EXPIRED.search(str(text)) for text in response.errors + response.messages)

    def _with_credentials(self, params: dict[str, Any]) -> dict[str, Any]:
        if "SID" in params or "auth" in params:
            return dict(params)
        if self._sid is not None:
            return {**params, "SID": self._sid.value}
        if self.login is not None:
            password = self._password.value if self._password else ""
            return {**params, "auth": {"login": self.login, "password": password}}
        return dict(params)

    def _send(self, method: str, params: dict[str, Any]) -> Response:
        request_id = next(self._ids)
        sent_params = self._with_credentials(params)
        if "auth" in sent_params:
            self.logins += 1
        envelope = {"jsonrpc": "2.0", "method": method, "params": sent_params, "id": request_id}
        log.debug(
            "POST %s/jsonrpc/ %s", self.base_url, json.dumps(self._masked(envelope), ensure_ascii=False)
        )
        url = f"{self.base_url}/jsonrpc/"
        body = self._post(url, envelope)
        try:
            reply = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise ProtocolError(
                f"The billing's reply to {method} is not JSON (truncated, or an error page?): "
                f"{self._quote(body)}"
            ) from None
        if not isinstance(reply, dict):
            raise ProtocolError(
                f"The billing's reply to {method} is not a JSON-RPC object: {self._quote(body)}"
            )
        if reply.get("id") not in (request_id, str(request_id)):
            raise ProtocolError(
                f"The billing's reply to {method} answers request id {_shown_id(reply.get('id'))}, "
                f"not {request_id}: a proxy or a mixed-up connection?"
            )
        error = reply.get("error")
        if error is not None:
            code = error.get("code") if isinstance(error, dict) else None
            text = error.get("message", "") if isinstance(error, dict) else str(error)
            raise RpcError(
                f"The billing refused {method}: {self._scrub(_one_line(str(text)))} (JSON-RPC error {code})",
                code,
                self._scrub(str(text)),
            )
        if not isinstance(reply.get("result"), dict):
            raise ProtocolError(f"The billing's reply to {method} has no result: {self._quote(body)}")
        response = Response(method, reply)
        if response.session_id:
            self._sid = _Secret(response.session_id)
        return response

    def _post(self, url: str, envelope: dict[str, Any]) -> bytes:
        content = json.dumps(envelope, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        # The whole reply must be in before the timeout: a billing that trickles a byte at a time
        # never trips httpx's timeouts, which bound each wait, not the sum of them.
        deadline = time.monotonic() + self.timeout if self.timeout else None
        with (
            self._transport_errors(),
            self._http.stream("POST", url, content=content, headers=headers) as reply,
        ):
            self._refuse_redirect(reply, url)
            body = self._read_capped(reply, deadline)
            if reply.status_code != 200:
                raise HTTPStatusError(
                    f"The billing answered HTTP {reply.status_code} {reply.reason_phrase} at {url}: "
                    f"{self._quote(body)}",
                    reply.status_code,
                )
        return body

    def _read_capped(self, reply: httpx.Response, deadline: float | None = None) -> bytes:
        """The reply's body, refused past ``max_reply_bytes`` (announced or read) or past ``deadline``.

        Refusing closes the connection, so the rest of a huge reply is never downloaded.
        """
        announced = _int_or_none(reply.headers.get("Content-Length"))
        if announced is not None and announced > self.max_reply_bytes:
            raise self._too_large()
        chunks, size = [], 0
        for chunk in reply.iter_bytes():
            size += len(chunk)
            if size > self.max_reply_bytes:
                raise self._too_large()
            if deadline is not None and time.monotonic() > deadline:
                raise Timeout(
                    f"The billing at {self.base_url} did not finish its reply in time "
                    f"({self.timeout:g} s timeout; {size} bytes came)."
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def _too_large(self) -> ProtocolError:
        return ProtocolError(
            f"The billing's reply is larger than {self.max_reply_bytes} bytes; refused. "
            "Use download() for files, or raise max_reply_bytes."
        )

    def _refuse_redirect(self, reply: httpx.Response, url: str) -> None:
        """A redirect is an error: following it could carry the credentials to another host."""
        if not reply.is_redirect:
            return
        target = urlsplit(reply.headers.get("Location", ""))
        # Only scheme, host and path: a query string may hold a session id.
        shown = self._scrub(
            _one_line(f"{target.scheme}://{target.netloc}{target.path}" if target.netloc else target.path)
        )
        raise HTTPStatusError(
            f"The billing at {url} redirected to {shown or '(nowhere)'} (HTTP {reply.status_code}); "
            "logminer does not follow redirects, which could carry the credentials elsewhere. "
            "If that is the billing, point --host at it.",
            reply.status_code,
        )

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
                    f"({detail}). Give its CA with --ca-bundle FILE (verify=PATH), or use --insecure "
                    "(verify=False) if you must."
                ) from None
            raise ConnectError(f"Cannot connect to the billing at {self.base_url}: {detail}") from None
        except httpx.HTTPError as error:
            raise TransportError(
                f"The connection to the billing at {self.base_url} failed: "
                f"{self._scrub(_one_line(str(error)) or type(error).__name__)}"
            ) from None

    # -- files ---------------------------------------------------------------------------------

    def download(
        self,
        method: str,
        params: dict[str, Any] | None = None,
        dest: str | os.PathLike | None = None,
        *,
        progress: Progress | None = None,
        chunk_size: int = 1024 * 1024,
        validate: str | None = None,
    ) -> Path:
        """Download the file ``method`` answers with, in chunks, and return where it was saved.

        POSTs the params form-encoded with ``__api=1`` and the credentials to ``/admin/<module>/<method>``.
        ``dest`` is a file path, or a folder to save under the name from ``Content-Disposition``
        (default: the current folder). The file is written beside its target under a temporary name
        and renamed when complete, so a failure leaves nothing. ``progress(done, total)`` is called
        after each chunk (``total`` is None when the size is not announced).
        """
        params = dict(params or {})
        self._validated(method, params, validate)
        form = form_fields(self._with_credentials(params))
        form.append(("__api", "1"))
        url = f"{self.base_url}/admin/{method.replace('.', '/')}"
        log.debug("POST %s (%d form fields)", url, len(form))
        with self._transport_errors(), self._http.stream("POST", url, data=_form_dict(form)) as reply:
            self._refuse_redirect(reply, url)
            status = reply.headers.get("X-VCS-Status")
            if reply.status_code != 200 or status is not None:
                body = _head(reply)
                if reply.status_code != 200:
                    raise HTTPStatusError(
                        f"The billing answered HTTP {reply.status_code} {reply.reason_phrase} at {url}: "
                        f"{self._quote(body)}",
                        reply.status_code,
                    )
                raise DownloadFailed(
                    f"The billing refused the download of {method} (X-VCS-Status {status}): "
                    f"{self._quote(body)}",
                    status,
                )
            target = _target(dest, reply.headers.get("Content-Disposition"), method)
            total = _int_or_none(reply.headers.get("Content-Length"))
            done = self._stream_to(reply, target, total, chunk_size, progress)
        log.info("saved %s (%d bytes) from %s", target, done, method)
        return target

    def _stream_to(
        self,
        reply: httpx.Response,
        target: Path,
        total: int | None,
        chunk_size: int,
        progress: Progress | None,
    ) -> int:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
        done = 0
        try:
            with os.fdopen(handle, "wb") as stream:
                for chunk in reply.iter_bytes(chunk_size):
                    stream.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
            if total is not None and done != total:
                raise DownloadFailed(f"The download of {target.name} stopped at {done} of {total} bytes.")
            os.replace(temporary, target)
            temporary = None
        except httpx.HTTPError as error:
            raise DownloadFailed(
                f"The download of {target.name} broke off after {done} bytes: "
                f"{self._scrub(_one_line(str(error)) or type(error).__name__)}"
            ) from None
        finally:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
        return done

    # -- secrets -------------------------------------------------------------------------------

    def _masked(self, envelope: dict[str, Any]) -> dict[str, Any]:
        """The envelope with the password, the session id and every secret argument masked."""
        return _mask_tree(envelope, self._secret_names)

    def _scrub(self, text: str) -> str:
        for secret in (self._password, self._sid):
            if secret is not None and secret.value:
                text = text.replace(secret.value, MASK)
        return text

    def _quote(self, body: bytes, limit: int = 120) -> str:
        text = body[: limit * 4].decode("utf-8", "replace")
        text = _one_line(self._scrub(text))
        if not text:
            return "(empty body)"
        return repr(text[:limit] + ("…" if len(text) > limit else ""))


class Api:
    """A drop-in for JeraSoft's sample library: ``Api(host, login, password, port)``.

    ``port`` defaults to 443 (80 means plain HTTP), unless ``host`` is a URL with its own port.

    ``api.clients.editForm({'id_clients': 8})`` or ``api.clients.editForm(id_clients=8)`` calls
    ``clients.editForm`` and returns a ``Response`` (``.code``, ``.messages``, ``.data``). As in the
    sample, a reply with ``code`` false raises nothing: check ``.code`` or call ``raise_for_code()``.
    Other keyword options (``catalog``, ``validate``, ``verify``, ``timeout``) go to ``Client``.
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

    def download(self, method: str, params: dict[str, Any] | None = None, dest=None, **options: Any) -> Path:
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


def base_url(host: str, port: int | None = None) -> str:
    """``scheme://host[:port]`` for a host or URL: https unless port 80 or an explicit ``http://``."""
    if not host:
        raise UsageError("No billing host given: pass --host (or JERASOFT_HOST), e.g. billing.example.net.")
    if "://" not in host and host.count(":") > 1 and not host.startswith("["):
        host = f"[{host}]"  # a bare IPv6 address
    parts = urlsplit(host if "://" in host else f"//{host}")
    if parts.scheme not in ("", "http", "https"):
        raise UsageError(f"Host {host!r}: only http:// and https:// are understood.")
    try:
        explicit_port = parts.port
    except ValueError:
        raise UsageError(f"Host {host!r} has a port that is not a number.") from None
    if port and explicit_port and port != explicit_port:
        raise UsageError(f"Host {host!r} says port {explicit_port}, but port {port} was given; give one.")
    port = port or explicit_port
    scheme = parts.scheme or ("http" if port == 80 else "https")
    hostname = parts.hostname or ""
    if not hostname:
        raise UsageError(f"Host {host!r} has no host name.")
    if ":" in hostname:
        hostname = f"[{hostname}]"
    default = {"http": 80, "https": 443}[scheme]
    return f"{scheme}://{hostname}" + (f":{port}" if port and port != default else "")


def form_fields(params: dict[str, Any], prefix: str = "") -> list[tuple[str, str]]:
    """Params as PHP form fields: ``{"fields": [{"id": 5}]}`` -> ``[("fields[0][id]", "5")]``."""
    fields: list[tuple[str, str]] = []
    items = enumerate(params) if isinstance(params, list) else params.items()
    for key, value in items:
        name = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, (dict, list)):
            fields.extend(form_fields(value, name))
        elif value is None or value is False:
            fields.append((name, ""))
        else:
            fields.append((name, "1" if value is True else str(value)))
    return fields


def _form_dict(fields: list[tuple[str, str]]) -> dict[str, str]:
    # Every name is distinct (lists are indexed), so a dict keeps them all.
    return dict(fields)


def _mask_tree(envelope: dict[str, Any], secret: SecretNames) -> dict[str, Any]:
    """The envelope with ``SID``, ``auth[password]`` and every argument whose bracket path looks secret
    masked: the same paths the catalog keeps no value of (``private[value]`` as well as ``x[0][pin]``)."""
    masked: dict[str, Any] = {}
    for key, value in envelope.items():
        if key == "SID":
            masked[key] = MASK
        elif key == "params" and isinstance(value, dict):
            masked[key] = {name: _mask_argument(str(name), item, secret) for name, item in value.items()}
        else:
            masked[key] = value
    return masked


def _mask_argument(path: str, value: Any, secret: SecretNames) -> Any:
    if path in ("SID", "auth[password]") or (path not in TRANSPORT_KEYS and secret(path)):
        return _all_masked(value)
    if isinstance(value, dict):
        return {key: _mask_argument(f"{path}[{key}]", item, secret) for key, item in value.items()}
    if isinstance(value, list):
        return [_mask_argument(f"{path}[]", item, secret) for item in value]
    return value


def _all_masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _all_masked(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_all_masked(item) for item in value]
    return MASK


def _target(dest: str | os.PathLike | None, disposition: str | None, method: str) -> Path:
    name = filename_from(disposition) or method.replace(".", "_")
    if dest is None:
        return Path.cwd() / name
    dest = Path(dest)
    return dest / name if dest.is_dir() else dest


def filename_from(disposition: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives, reduced to a safe base name (or None)."""
    if not disposition:
        return None
    extended = re.search(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", disposition, re.IGNORECASE)
    if extended:
        name = unquote(extended.group(2).strip(), encoding=extended.group(1) or "utf-8", errors="replace")
    else:
        plain = re.search(r'filename\s*=\s*("((?:[^"\\]|\\.)*)"|[^;]+)', disposition, re.IGNORECASE)
        if not plain:
            return None
        name = plain.group(2) if plain.group(2) is not None else plain.group(1).strip()
        name = re.sub(r"\\(.)", r"\1", name)
    name = name.replace("\\", "/").rsplit("/", 1)[-1].strip().strip("\x00")
    name = "".join(char for char in name if char.isprintable())
    if name in ("", ".", "..") or name.startswith("."):
        return None
    return name


def _head(reply: httpx.Response, limit: int = 2000) -> bytes:
    """The first bytes of a reply's body, without reading a large one whole."""
    head = b""
    for chunk in reply.iter_bytes():
        head += chunk
        if len(head) >= limit:
            break
    return head[:limit]


def _shown_id(value: object) -> str:
    """A reply's id for a message: numbers as they are, anything else only by kind (it may be a secret)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return "null" if value is None else f"of another kind ({type(value).__name__})"


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _one_line(text: str) -> str:
    return " ".join(text.split())
