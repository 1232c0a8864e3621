"""logminer: mine the JeraSoft Billing runtime log into a catalog of Management API methods and
their arguments, explore it, and make JSON-RPC calls checked against it.

    >>> import logminer
    >>> catalog = logminer.Catalog()
    >>> logminer.mine("fixtures/runtime.log", catalog).requests  # doctest: +SKIP
    >>> logminer.describe_method(catalog, "clients.add")["params"][0]  # doctest: +SKIP
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING

from ._catalog import (
    Argument,
    Catalog,
    Method,
    Settings,
    apply_settings,
    argument_values,
    bracket_path,
    merge,
)
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
from ._explore import describe_method, find_method, list_methods, reference, search
from ._secrets import DEFAULT_SECRET_WORDS
from ._sources import DEFAULT_LOG
from ._store import catalog_lock, default_catalog_path, load_catalog, save_catalog
from ._suggest import suggest
from ._types import infer_type

# Imported on first use, so that `logminer show` and `logminer check` start fast: the grammar
# (lark), the HTTP client (httpx) and the exporters are not needed to look at a catalog.
_LAZY = {
    "._client": ("Api", "Client", "Response"),
    "._diff": ("CatalogDiff", "Change", "diff_catalogs"),
    "._export": ("EXPORT_FORMATS", "export", "params_schema", "to_jsonschema", "to_markdown", "to_openrpc"),
    "._files": ("write_text_atomically",),
    "._grammar": ("RECURSION", "PhpObject", "parse_print_r"),
    "._items": ("parse_items",),
    "._mine": ("MineResult", "change_settings", "mine", "mine_into"),
    "._parser": ("ParseReport", "Request", "Skipped", "method_name", "parse", "parse_text"),
    "._sandbox": ("Sandbox", "start_sandbox"),
    "._validate": ("Finding", "validate"),
}
_LAZY_NAMES = {name: module for module, names in _LAZY.items() for name in names}

if TYPE_CHECKING:
    from ._client import Api, Client, Response
    from ._diff import CatalogDiff, Change, diff_catalogs
    from ._export import EXPORT_FORMATS, export, params_schema, to_jsonschema, to_markdown, to_openrpc
    from ._files import write_text_atomically
    from ._grammar import RECURSION, PhpObject, parse_print_r
    from ._items import parse_items
    from ._mine import MineResult, change_settings, mine, mine_into
    from ._parser import ParseReport, Request, Skipped, method_name, parse, parse_text
    from ._sandbox import Sandbox, start_sandbox
    from ._validate import Finding, validate


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


__version__ = "0.1.0"

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
    "write_text_atomically",
]
