"""logminer: mine the JeraSoft Billing runtime log into a catalog of Management API methods and
their arguments, explore it, and make JSON-RPC calls checked against it.

    >>> import logminer
    >>> catalog = logminer.Catalog()
    >>> logminer.mine("fixtures/runtime.log", catalog).requests  # doctest: +SKIP
    >>> logminer.describe_method(catalog, "clients.add")["params"][0]  # doctest: +SKIP

Everything public is a name of this package (the README documents each); the modules behind them
(``logminer.log``, ``logminer.mining``, ``logminer.catalog``, ``logminer.calls``, ``logminer.cli``,
``logminer.explorer``) are the pipeline's stages and may change. Names are imported on first use, so
that ``import logminer`` loads neither Lark nor httpx.
"""

from __future__ import annotations

import contextlib
import warnings
from importlib import import_module
from typing import TYPE_CHECKING, Any

from ._errors import (
    EXIT_CODES,
    CallFailed,
    CatalogError,
    ConnectError,
    DownloadFailed,
    Error,
    FileError,
    HTTPStatusError,
    LoginFailed,
    ProtocolError,
    RpcError,
    SourceError,
    Timeout,
    TransportError,
    UnknownMethod,
    UsageError,
    ValidationFailed,
)
from ._version import __version__

# Public name -> the module that defines it, imported the first time the name is used.
_LAZY = {
    ".catalog.model": ("Argument", "Catalog", "Method", "Settings", "apply_settings", "merge"),
    ".catalog.exemplars": ("Exemplar",),
    ".catalog.paths": ("argument_values", "bracket_path"),
    ".catalog.kinds": ("infer_type",),
    ".catalog.secrets": ("DEFAULT_SECRET_WORDS",),
    ".catalog.store": (
        "catalog_lock",
        "catalog_status",
        "change_settings",
        "default_catalog_path",
        "load_catalog",
        "merge_into",
        "save_catalog",
    ),
    ".catalog.explore": ("close_names", "describe_method", "find_method", "list_methods", "search"),
    ".catalog.diff": ("CatalogDiff", "Change", "diff_catalogs"),
    ".catalog.export": (
        "EXPORT_FORMATS",
        "export",
        "params_schema",
        "to_jsonschema",
        "to_markdown",
        "to_openrpc",
    ),
    ".log.sources": ("DEFAULT_LOG",),
    ".log.print_r": ("RECURSION", "PhpObject", "parse_print_r"),
    ".log.reader": ("ParseReport", "Skipped"),
    ".log.records": ("Request", "parse", "parse_text"),
    ".mining.mine": ("MineResult", "mine", "mine_into"),
    ".calls.items": ("parse_items",),
    ".calls.validate": ("Finding", "validate"),
    ".calls.client": ("Api", "CallRequest", "Client", "Response"),
    ".calls.sandbox": ("Sandbox", "start_sandbox"),
}
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}

# Names this package once exported that were never documented: still there, with a warning.
_DEPRECATED = {
    "write_text_atomically": (".catalog.store", "write_atomically"),
    "suggest": (".catalog.suggest", "suggest"),
    "reference": (".catalog.explore", "reference"),
    "method_name": (".log.header", "method_name"),
}

if TYPE_CHECKING:
    from .calls.client import Api, CallRequest, Client, Response
    from .calls.items import parse_items
    from .calls.sandbox import Sandbox, start_sandbox
    from .calls.validate import Finding, validate
    from .catalog.diff import CatalogDiff, Change, diff_catalogs
    from .catalog.exemplars import Exemplar
    from .catalog.explore import close_names, describe_method, find_method, list_methods, search
    from .catalog.export import EXPORT_FORMATS, export, params_schema, to_jsonschema, to_markdown, to_openrpc
    from .catalog.kinds import infer_type
    from .catalog.model import Argument, Catalog, Method, Settings, apply_settings, merge
    from .catalog.paths import argument_values, bracket_path
    from .catalog.secrets import DEFAULT_SECRET_WORDS
    from .catalog.store import (
        catalog_lock,
        catalog_status,
        change_settings,
        default_catalog_path,
        load_catalog,
        merge_into,
        save_catalog,
    )
    from .log.print_r import RECURSION, PhpObject, parse_print_r
    from .log.reader import ParseReport, Skipped
    from .log.records import Request, parse, parse_text
    from .log.sources import DEFAULT_LOG
    from .mining.mine import MineResult, mine, mine_into


def __getattr__(name: str) -> Any:
    """Import the module behind a public name the first time that name is used."""
    module = _LAZY_NAMES.get(name)
    if module is not None:
        value = getattr(import_module(module, __name__), name)
        _claim(value)
        globals()[name] = value
        return value
    if name in _DEPRECATED:
        module, real = _DEPRECATED[name]
        warnings.warn(
            f"logminer.{name} is not part of logminer's public API and will go away.",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(import_module(module, __name__), real)
    raise AttributeError(f"module 'logminer' has no attribute {name!r}")


def _claim(value: Any) -> None:
    """Show a public class or function as ``logminer.X`` (as httpx does), not by its private module."""
    if isinstance(value, type) or callable(value):
        with contextlib.suppress(AttributeError, TypeError):  # builtins and the like keep theirs
            value.__module__ = __name__


def __dir__() -> list[str]:
    return sorted(__all__)


for _error in [value for value in tuple(globals().values()) if isinstance(value, type)]:
    if issubclass(_error, Error):
        _claim(_error)

__all__ = [
    "DEFAULT_LOG",
    "DEFAULT_SECRET_WORDS",
    "EXIT_CODES",
    "EXPORT_FORMATS",
    "RECURSION",
    "Api",
    "Argument",
    "CallFailed",
    "CallRequest",
    "Catalog",
    "CatalogDiff",
    "CatalogError",
    "Change",
    "Client",
    "ConnectError",
    "DownloadFailed",
    "Error",
    "Exemplar",
    "FileError",
    "Finding",
    "HTTPStatusError",
    "LoginFailed",
    "Method",
    "MineResult",
    "ParseReport",
    "PhpObject",
    "ProtocolError",
    "Request",
    "Response",
    "RpcError",
    "Sandbox",
    "Settings",
    "Skipped",
    "SourceError",
    "Timeout",
    "TransportError",
    "UnknownMethod",
    "UsageError",
    "ValidationFailed",
    "__version__",
    "apply_settings",
    "argument_values",
    "bracket_path",
    "catalog_lock",
    "catalog_status",
    "change_settings",
    "close_names",
    "default_catalog_path",
    "describe_method",
    "diff_catalogs",
    "export",
    "find_method",
    "infer_type",
    "list_methods",
    "load_catalog",
    "merge",
    "merge_into",
    "mine",
    "mine_into",
    "params_schema",
    "parse",
    "parse_items",
    "parse_print_r",
    "parse_text",
    "save_catalog",
    "search",
    "start_sandbox",
    "to_jsonschema",
    "to_markdown",
    "to_openrpc",
    "validate",
]
