"""``logminer explore`` wired to a catalog file and a billing: the page's document, and "Try it".

:class:`Explorer` gives :class:`~logminer.explorer.server.ExplorerServer` its three callables:

- the document of the catalog file, read again whenever the file's modification time or size
  changes (``watch``);
- ``check``: :func:`logminer.validate` against that catalog, the findings as ``logminer check``
  gives them;
- ``call``: a call through a :class:`logminer.Client` that validates against that catalog (its
  ``catalog`` is kept up to date) in the ``validate`` mode, as ``logminer call --validate`` does:
  in strict mode a call with findings is not sent. The reply is shown with every secret-named
  key and every credential-like value masked, beside the same call as a ``logminer call`` command.

The client (its login, password or session id) stays in this process: the page only ever sees
findings, masked replies and commands. With ``sandbox``, calls go to a :class:`logminer.Sandbox`
on a free port of 127.0.0.1, whose random login and password only this process knows.
"""

from __future__ import annotations

import html
import os
import secrets
import tempfile
import threading
import webbrowser
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .._errors import CallFailed, ConnectError, Error, UsageError, ValidationFailed
from ..calls.examples import example
from ..calls.validate import check_mode, validate
from ..catalog.exemplars import MASK as PLACEHOLDER
from ..catalog.model import Catalog
from ..catalog.secrets import mask_secrets
from ..catalog.store import default_catalog_path, load_catalog
from .document import document
from .server import ExplorerServer

if TYPE_CHECKING:
    from ..calls.client import Client
    from ..calls.sandbox import Sandbox

_UNSET = object()


class Explorer:
    """The explorer of one catalog file, bound to ``127.0.0.1:port`` (``0``: a free port).

    ``client`` sends "Try it"'s calls; with ``sandbox`` (and no client) a sandbox billing is
    started for them; with neither, the page can check calls but not send them. ``validate`` is
    ``warn`` (report findings, then send) or ``strict`` (send nothing when there are findings), or
    ``off``. ``token`` is the secret the page's URL carries (a new random one by default).
    ``start()`` serves from a background thread, ``serve_forever()`` from this one; ``close()``
    (or leaving a ``with`` block) stops the server and the sandbox, and closes the client.
    """

    def __init__(
        self,
        catalog_path: str | os.PathLike | None = None,
        *,
        client: Client | None = None,
        sandbox: bool = False,
        validate: str = "warn",
        port: int = 0,
        token: str | None = None,
    ) -> None:
        if client is not None and sandbox:
            raise UsageError("Give a billing or the sandbox to send calls to, not both.")
        self.path = Path(catalog_path) if catalog_path is not None else default_catalog_path()
        self.validate = check_mode(validate)
        self._lock = threading.Lock()
        self._calling = threading.Lock()
        self._stamp: object = _UNSET
        self._catalog: Catalog | None = None
        self.sandbox: Sandbox | None = None
        self.client = client
        catalog = self.catalog()  # a missing or damaged catalog is an error now, not at the first page
        if sandbox:
            self.sandbox, self.client = _sandbox(catalog, self.validate)
        try:
            self.server = ExplorerServer(
                self.document,
                self.check,
                self.call if self.client is not None else None,
                port=port,
                token=token,
                watch=self.stamp,
            )
        except OSError as error:
            self.close()
            raise UsageError(
                f"Cannot listen on 127.0.0.1:{port} ({error.strerror}); try another --port, or 0 for any."
            ) from None

    @property
    def url(self) -> str:
        """The page's URL, with its token: whoever has it can use the explorer."""
        return self.server.url

    def stamp(self) -> tuple[int, int] | None:
        """The catalog file's modification time and size (None when it is gone): what is watched."""
        try:
            status = self.path.stat()
        except OSError:
            return None
        return status.st_mtime_ns, status.st_size

    def catalog(self) -> Catalog:
        """The catalog as last read, read again when the file changed."""
        with self._lock:
            stamp = self.stamp()
            if self._catalog is None or stamp != self._stamp:
                self._catalog = load_catalog(self.path)
                self._stamp = stamp
                if self.client is not None:
                    self.client.catalog = self._catalog
                if self.sandbox is not None:
                    self.sandbox.catalog = self._catalog
            return self._catalog

    def document(self) -> dict[str, Any]:
        """The page's data: the catalog's document (see :func:`logminer.explorer.document`)."""
        return document(self.catalog())

    def check(self, method: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        """The findings about calling ``method`` with ``params``, as ``logminer check --format json``."""
        return [finding.to_dict() for finding in validate(self.catalog(), method, params)]

    def call(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        """Send the call (unless strict validation refuses it): what was found, the masked reply or
        the error, and the same call as a ``logminer call`` command."""
        catalog = self.catalog()
        shown = mask_secrets(params, catalog.is_secret, PLACEHOLDER, is_secret_value=catalog.is_secret_value)
        answer: dict[str, Any] = {
            "sent": False,
            "findings": [],
            "reply": None,
            "error": None,
            "command": example(method, shown, "cli"),
        }
        client = self.client
        if client is None:
            raise UsageError("No billing is configured to send calls to.")
        try:
            with self._calling:  # one session, one call at a time
                response = client.call(method, params, validate=self.validate)
        except ValidationFailed as refused:
            answer["findings"] = [finding.to_dict() for finding in refused.findings]
            return answer
        except CallFailed as failed:  # a client that raises for code false: its reply is shown too
            if failed.response is None:
                return {**answer, "sent": True, "error": str(failed)}
            response = failed.response
        except (ConnectError, UsageError) as error:  # not sent: no connection, or a call not to send
            return {**answer, "error": str(error)}
        except Error as error:  # sent, but the billing's answer was an error, or none came
            return {**answer, "sent": True, "error": str(error)}
        reply = mask_secrets(response.raw, catalog.is_secret, is_secret_value=catalog.is_secret_value)
        answer.update(sent=True, findings=[finding.to_dict() for finding in response.findings], reply=reply)
        try:  # code false: the sentence `logminer call` says, made from the masked reply
            type(response)(method, reply).raise_for_code()
        except CallFailed as failed:
            answer["error"] = str(failed)
        return answer

    def start(self) -> None:
        """Serve from a background thread."""
        self.server.start()

    def serve_forever(self) -> None:
        """Serve from this thread until :meth:`close` (from another thread) or KeyboardInterrupt."""
        self.server.serve_forever()

    def close(self) -> None:
        """Stop serving, stop the sandbox, close the client."""
        server = getattr(self, "server", None)
        if server is not None:
            server.stop()
        if self.sandbox is not None:
            self.sandbox.stop()
        if self.client is not None:
            self.client.close()

    def __enter__(self) -> Explorer:
        self.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _sandbox(catalog: Catalog, mode: str) -> tuple[Sandbox, Client]:
    """A sandbox billing on a free port, and a client logged in with its random credentials."""
    from ..calls.client import Client
    from ..calls.sandbox import start_sandbox

    login, password = f"explore-{secrets.token_hex(4)}", secrets.token_urlsafe(24)
    sandbox = start_sandbox(catalog, login=login, password=password)
    return sandbox, Client(sandbox.url, login, password, catalog=catalog, validate=mode)


def serve(
    catalog_path: str | os.PathLike | None = None,
    *,
    open_browser: bool = False,
    announce: Callable[[str], object] = print,
    **options: Any,
) -> None:
    """Serve the explorer of a catalog file until Ctrl-C: ``logminer explore`` as a function.

    ``options`` are :class:`Explorer`'s. ``announce`` is given what to tell the user (the URL, with
    its token, and where calls go); with ``open_browser`` the page is opened in the default browser.
    """
    explorer = Explorer(catalog_path, **options)
    opener = None
    try:
        announce(_announcement(explorer))
        if open_browser:
            opener = _opener(explorer.url)
            webbrowser.open(opener.as_uri())
        explorer.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        explorer.close()
        if opener is not None:
            opener.unlink(missing_ok=True)


def _opener(url: str) -> Path:
    """A page readable by this user only that sends the browser on to ``url``: opened by its file
    name, the token stays off the browser's command line, which other users can see (as Jupyter does)."""
    handle, name = tempfile.mkstemp(prefix="logminer-explore-", suffix=".html")
    target = html.escape(url, quote=True)
    with os.fdopen(handle, "w", encoding="utf-8") as page:
        page.write(
            f'<!doctype html><meta charset="utf-8"><meta http-equiv="refresh" content="0;url={target}">'
            f'<title>logminer explore</title><p><a href="{target}">Open the explorer</a></p>\n'
        )
    return Path(name)


def _announcement(explorer: Explorer) -> str:
    catalog = explorer.catalog()
    if explorer.sandbox is not None:
        target = f"to a sandbox billing at {explorer.sandbox.url} (it answers from the catalog)"
    elif explorer.client is not None:
        target = f"to {explorer.client.base_url}"
    else:
        target = "nowhere (give --host or --sandbox to send them)"
    return (
        f"The explorer of {explorer.path} ({len(catalog.methods)} methods) is at\n\n    {explorer.url}\n\n"
        f"Try it checks calls against the catalog ({explorer.validate} validation) and sends them {target}.\n"
        "Anyone with this URL can use it; it answers on 127.0.0.1 only. Stop it with Ctrl-C."
    )
