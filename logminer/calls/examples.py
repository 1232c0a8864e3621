"""A call as text to copy: the ``logminer call`` command, the Python ``Api`` call, the JSON-RPC body.

``logminer show METHOD --example [cli|python|json]`` prints these for a method's first exemplar, and
the explorer page's copy buttons hold the same texts. Values are as the exemplar keeps them: a
secret is the visible placeholder ``<secret>``, so running a copied call fails clearly rather than
sending a mask as a value.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

from .items import to_items

FORMS = ("cli", "python", "json")

_SAFE_KEY = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:")


def example(method: str, params: dict[str, Any] | list[Any], form: str = "cli") -> str:
    """One of ``FORMS`` for a call of ``method`` with ``params``."""
    if form == "cli":
        return cli_command(method, params)
    if form == "python":
        return python_call(method, params)
    if form == "json":
        return jsonrpc_body(method, params)
    raise ValueError(f"no example form {form!r}; use one of {', '.join(FORMS)}")


def cli_command(method: str, params: dict[str, Any] | list[Any]) -> str:
    """``logminer call METHOD ITEM...``, each item quoted for a POSIX shell (an item with brackets
    whole, since a shell may read them as a pattern; else only its value, where needed)."""
    words = ["logminer", "call", shlex.quote(method)]
    for item in to_items(params):
        raw = ":=" in item.partition("=")[0] + "="
        key, _, value = item.partition(":=" if raw else "=")
        if set(key) <= _SAFE_KEY:
            words.append(f"{key}{':=' if raw else '='}{shlex.quote(value)}")
        else:
            words.append(shlex.quote(item))
    return " ".join(words)


def python_call(method: str, params: dict[str, Any] | list[Any]) -> str:
    """The call with ``logminer.Api``, as a script would make it (credentials from the environment)."""
    parts = method.split(".")
    shown = json.dumps(params, ensure_ascii=False)
    if len(parts) >= 2 and all(part.isidentifier() and not part.startswith("_") for part in parts):
        call = f"api.{method}({shown})"
    else:
        call = f"api.client.call({method!r}, {shown})"
    return "\n".join(
        [
            "import os",
            "import logminer",
            "",
            'api = logminer.Api(os.environ["JERASOFT_HOST"], os.environ["JERASOFT_LOGIN"],'
            ' os.environ["JERASOFT_PASSWORD"])',
            f"print({call}.data)",
        ]
    )


def jsonrpc_body(method: str, params: dict[str, Any] | list[Any]) -> str:
    """The JSON-RPC request body the call sends first (``logminer call --dry-run`` prints it, with
    the login the client adds)."""
    return json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1}, ensure_ascii=False)
