"""Every exception logminer raises, under one base class a user can catch: ``logminer.Error``.

Messages are sentences for the user: what happened and what to do. None of them ever holds a
password, a session id or any other secret value.
"""

from __future__ import annotations


class Error(Exception):
    """Base of every logminer error."""


class SourceError(Error):
    """A log cannot be opened or read (missing, a directory, no permission, a broken gzip file)."""


class CatalogError(Error):
    """A catalog file cannot be read or written: corrupt, truncated, from a newer logminer, locked."""


class UnknownMethod(Error):
    """A method is not in the catalog; ``suggestions`` holds the closest known names."""

    def __init__(self, method: str, suggestions: list[str]) -> None:
        self.method = method
        self.suggestions = suggestions
        hint = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
        super().__init__(f"The catalog has never seen the method {method!r}.{hint}")


class UsageError(Error):
    """An argument given to a logminer function or command is not usable as given."""


def _or_list(names: list[str]) -> str:
    quoted = [repr(name) for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


class ValidationFailed(Error):
    """Strict validation found problems with a call, so it was not sent; ``findings`` lists them."""

    def __init__(self, method: str, findings: list) -> None:
        self.method = method
        self.findings = findings
        first = findings[0].message if findings else ""
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(f"{method} was not sent (strict validation): {first}{more}")


class CallFailed(Error):
    """The billing answered a call with ``code`` false; ``errors``, ``messages`` and ``response`` say why."""

    def __init__(self, message: str, errors: list, messages: list, response: object = None) -> None:
        self.errors = errors
        self.messages = messages
        self.response = response
        super().__init__(message)


class RpcError(Error):
    """The billing answered with a JSON-RPC ``error`` object (``code``, ``message``): an unknown method."""

    def __init__(self, message: str, code: object = None, rpc_message: str = "") -> None:
        self.code = code
        self.rpc_message = rpc_message
        super().__init__(message)


class HTTPStatusError(Error):
    """The billing answered with an HTTP status other than 200; ``status`` holds it."""

    def __init__(self, message: str, status: int) -> None:
        self.status = status
        super().__init__(message)


class ProtocolError(Error):
    """The reply is not a JSON-RPC reply: not JSON (an HTML page), truncated, too large, another request's."""


class TransportError(Error):
    """The billing could not be reached or stopped answering; parent of ``ConnectError`` and ``Timeout``."""


class ConnectError(TransportError):
    """No connection to the billing: refused, unknown host, TLS certificate not trusted."""


class Timeout(TransportError):
    """The billing did not answer within the timeout."""


class DownloadFailed(Error):
    """A file download failed (an ``X-VCS-Status`` reply, a cut-off transfer); no partial file is left."""

    def __init__(self, message: str, status: str | None = None) -> None:
        self.status = status
        super().__init__(message)
