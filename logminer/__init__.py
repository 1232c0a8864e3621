"""logminer: mine the JeraSoft Billing runtime log into a catalog of Management API methods and
their arguments, explore it, and make JSON-RPC calls checked against it.

    >>> import logminer
    >>> catalog = logminer.Catalog()
    >>> logminer.mine("fixtures/runtime.log", catalog).requests  # doctest: +SKIP
    >>> logminer.describe_method(catalog, "clients.add")["params"][0]  # doctest: +SKIP
"""

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
from ._client import Api, Client, Response
from ._diff import CatalogDiff, Change, diff_catalogs
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
from ._export import EXPORT_FORMATS, export, params_schema, to_jsonschema, to_markdown, to_openrpc
from ._files import write_text_atomically
from ._grammar import RECURSION, PhpObject, parse_print_r
from ._items import parse_items
from ._mine import MineResult, change_settings, mine, mine_into
from ._parser import ParseReport, Request, Skipped, method_name, parse, parse_text
from ._sandbox import Sandbox, start_sandbox
from ._secrets import DEFAULT_SECRET_WORDS
from ._sources import DEFAULT_LOG
from ._store import catalog_lock, default_catalog_path, load_catalog, save_catalog
from ._suggest import suggest
from ._types import infer_type
from ._validate import Finding, validate

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
