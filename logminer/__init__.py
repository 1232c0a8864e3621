"""logminer: mine the JeraSoft Billing runtime log into a catalog of Management API methods and
their arguments, explore it, and make JSON-RPC calls checked against it.

    >>> import logminer
    >>> catalog = logminer.Catalog()
    >>> logminer.mine("fixtures/runtime.log", catalog).requests  # doctest: +SKIP
    >>> logminer.describe_method(catalog, "clients.add")["params"][0]  # doctest: +SKIP
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING

from ._errors import (
    CallFailed,
    CatalogError,
    ConnectError,
    DownloadFailed,
    Error,
    HTTPStatusError,
    ProtocolError,
    RpcError,
    SourceError,
    Timeout,
    TransportError,
    UnknownMethod,
    UsageError,
    ValidationFailed,
)
from ._version import __version__ as __version__
from .catalog.explore import close_names, describe_method, find_method, list_methods, reference, search
from .catalog.kinds import infer_type
from .catalog.model import (
    Argument,
    Catalog,
    Method,
    Settings,
    apply_settings,
    argument_values,
    bracket_path,
    merge,
)
from .catalog.secrets import DEFAULT_SECRET_WORDS
from .catalog.store import catalog_lock, default_catalog_path, load_catalog, save_catalog
from .catalog.suggest import suggest
from .log.sources import DEFAULT_LOG

# Imported on first use, so that `logminer show` and `logminer check` start fast: the grammar
# (lark), the HTTP client (httpx) and the exporters are not needed to look at a catalog.
_LAZY = {
    ".calls.client": ("Api", "Client", "Response"),
    ".catalog.diff": ("CatalogDiff", "Change", "diff_catalogs"),
    ".catalog.export": (
        "EXPORT_FORMATS",
        "export",
        "params_schema",
        "to_jsonschema",
        "to_markdown",
        "to_openrpc",
    ),
    ".catalog.store": ("write_atomically",),
    ".log.print_r": ("RECURSION", "PhpObject", "parse_print_r"),
    ".calls.items": ("parse_items",),
    ".mining.mine": ("MineResult", "change_settings", "mine", "mine_into"),
    ".log.parser": ("ParseReport", "Request", "Skipped", "method_name", "parse", "parse_text"),
    ".calls.sandbox": ("Sandbox", "start_sandbox"),
    ".calls.validate": ("Finding", "validate"),
}
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}

if TYPE_CHECKING:
    from .calls.client import Api, Client, Response
    from .calls.items import parse_items
    from .calls.sandbox import Sandbox, start_sandbox
    from .calls.validate import Finding, validate
    from .catalog.diff import CatalogDiff, Change, diff_catalogs
    from .catalog.export import EXPORT_FORMATS, export, params_schema, to_jsonschema, to_markdown, to_openrpc
    from .catalog.store import write_atomically
    from .log.parser import ParseReport, Request, Skipped, method_name, parse, parse_text
    from .log.print_r import RECURSION, PhpObject, parse_print_r
    from .mining.mine import MineResult, change_settings, mine, mine_into


def __getattr__(name: str) -> object:
    """Import the module behind a public name the first time that name is used."""
    module = _LAZY_NAMES.get(name)
    if module is None:
        raise AttributeError(f"module 'logminer' has no attribute {name!r}")
    value = getattr(_import_module(module, __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "DEFAULT_LOG",
    "DEFAULT_SECRET_WORDS",
    "EXPORT_FORMATS",
    "RECURSION",
    "Api",
    "Argument",
    "CallFailed",
    "Catalog",
    "CatalogDiff",
    "CatalogError",
    "Change",
    "Client",
    "ConnectError",
    "DownloadFailed",
    "Error",
    "Finding",
    "HTTPStatusError",
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
    "apply_settings",
    "argument_values",
    "bracket_path",
    "catalog_lock",
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
    "method_name",
    "mine",
    "mine_into",
    "params_schema",
    "parse",
    "parse_items",
    "parse_print_r",
    "parse_text",
    "reference",
    "save_catalog",
    "search",
    "start_sandbox",
    "suggest",
    "to_jsonschema",
    "to_markdown",
    "to_openrpc",
    "validate",
    "write_atomically",
]
