"""Every exception logminer raises, under one base class a user can catch: ``logminer.Error``.

Messages are sentences for the user: what happened and what to do. None of them ever holds a
password, a session id or any other secret value.

The ``logminer`` command exits with one status per kind of error, from ``EXIT_CODES`` (the README's
table of exit codes is this one): scripts can tell a refused login from a timeout without reading
the message.
"""

from __future__ import annotations


class Error(Exception):
    """Base of every logminer error."""


class SourceError(Error):
    """A log cannot be opened or read (missing, a directory, no permission, a broken gzip file)."""


class CatalogError(Error):
    """A catalog file cannot be read or written: corrupt, truncated, from a newer logminer, locked."""


class FileError(Error):
    """A file cannot be saved where asked: a folder that cannot be written, a file that exists and was not
    named to be replaced, a full disk. Nothing partial is left."""


class UnknownMethod(Error):
    """A method is not in the catalog; ``suggestions`` holds the closest known names."""

    def __init__(self, method: str, suggestions: list[str]) -> None:
        self.method = method
        self.suggestions = suggestions
        hint = f" Did you mean {_or_list(suggestions)}?" if suggestions else ""
        super().__init__(f"The catalog has never seen the method {quoted(method)}.{hint}")


class UsageError(Error):
    """An argument given to a logminer function or command is not usable as given."""


# How much of a name given by the user a message quotes.
QUOTED_LENGTH = 120


def quoted(name: str) -> str:
    """``name`` quoted as Python writes it (escapes shown), cut after ``QUOTED_LENGTH`` characters."""
    if len(name) <= QUOTED_LENGTH:
        return repr(name)
    return f"{name[:QUOTED_LENGTH]!r}... ({len(name):,} characters)"


def _or_list(names: list[str]) -> str:
    quoted = [repr(name) for name in names]
    if len(quoted) <= 1:
        return "".join(quoted)
    return ", ".join(quoted[:-1]) + " or " + quoted[-1]


class ValidationFailed(Error):
    """The catalog's check of a call found what the validation mode refuses, so the call was not sent;
    ``findings`` lists every finding, ``mode`` is the mode that refused."""

    def __init__(self, method: str, findings: list, mode: str = "strict") -> None:
        self.method = method
        self.findings = findings
        self.mode = mode
        refused = [finding for finding in findings if mode == "strict" or finding.level == "error"]
        first = refused[0].message if refused else ""
        more = f" (and {len(findings) - 1} more)" if len(findings) > 1 else ""
        super().__init__(f"{method} was not sent (validation {mode}): {first}{more}")


class CallFailed(Error):
    """The billing answered a call with ``code`` false; ``errors``, ``messages`` and ``response`` say why
    (the texts with secrets masked)."""

    def __init__(self, message: str, errors: list, messages: list, response: object = None) -> None:
        self.errors = errors
        self.messages = messages
        self.response = response
        super().__init__(message)


class LoginFailed(CallFailed):
    """The billing refused the login or the session: ``code`` false, no session granted, and a reason
    about the login, the password or the session."""


class RpcError(Error):
    """The billing answered with a JSON-RPC ``error`` object (``code``, ``message``): an unknown method."""

    def __init__(self, message: str, code: object = None, rpc_message: str = "") -> None:
        self.code = code
        self.rpc_message = rpc_message
        super().__init__(message)


class HTTPStatusError(Error):
    """The billing answered with an HTTP status other than 200, or a redirect; ``status`` holds it."""

    def __init__(self, message: str, status: int) -> None:
        self.status = status
        super().__init__(message)


class ProtocolError(Error):
    """The reply is not a JSON-RPC reply: not JSON (an HTML page), truncated, too large or too deep,
    of the wrong shape, or another request's."""


class TransportError(Error):
    """The billing could not be reached or stopped answering; parent of ``ConnectError`` and ``Timeout``."""


class ConnectError(TransportError):
    """No connection to the billing: refused, unknown host, TLS certificate not trusted."""


class Timeout(TransportError):
    """The billing did not answer within the timeout, or a reply or download ran past its deadline."""


class DownloadFailed(Error):
    """The billing refused a download: an ``X-VCS-Status`` reply, whose value ``status`` holds. (A
    transfer cut off is a ``TransportError``, one too large a ``ProtocolError``.) No file is left."""

    def __init__(self, message: str, status: str | None = None) -> None:
        self.status = status
        super().__init__(message)


# -- exit codes of the logminer command ---------------------------------------------------------

OK = 0
FOUND = 1  # a check found something: an unknown method, a call refused by validation
USAGE = 2  # a bad option or argument, or a file named that cannot be read or written
CALL_FAILED = 3  # the billing refused the call: code false, a JSON-RPC error, an X-VCS-Status
LOGIN_REFUSED = 4
HTTP_ERROR = 5  # an HTTP status other than 200, or a redirect
TIMEOUT = 6
CONNECTION = 7  # no connection, a TLS failure, a connection or a download broken off
BAD_REPLY = 8  # a reply that is not a JSON-RPC reply (not JSON, too large, too deep, another id)
INTERRUPTED = 130  # Ctrl-C, as shells report SIGINT

# Each error class's exit status; a subclass not listed takes its nearest listed ancestor's.
EXIT_CODES: dict[type[Error], int] = {
    Error: FOUND,
    UnknownMethod: FOUND,
    ValidationFailed: FOUND,
    UsageError: USAGE,
    CatalogError: USAGE,
    SourceError: USAGE,
    FileError: USAGE,
    CallFailed: CALL_FAILED,
    RpcError: CALL_FAILED,
    DownloadFailed: CALL_FAILED,
    LoginFailed: LOGIN_REFUSED,
    HTTPStatusError: HTTP_ERROR,
    Timeout: TIMEOUT,
    TransportError: CONNECTION,
    ProtocolError: BAD_REPLY,
}


def exit_code(error: Error) -> int:
    """The ``logminer`` command's exit status for ``error`` (see ``EXIT_CODES``)."""
    for kind in type(error).__mro__:
        if kind in EXIT_CODES:
            return EXIT_CODES[kind]
    return FOUND
