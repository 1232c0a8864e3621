"""A call as text to copy: the ``logminer call`` command, the Python ``Api`` call, the JSON-RPC body.

``logminer show METHOD --example [cli|python|json]`` prints these for a method's first exemplar, and
the explorer page's copy buttons hold the same texts. Values are as the exemplar keeps them: a
secret is the visible placeholder ``<secret>``, so running a copied call fails clearly rather than
sending a mask as a value.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

from .._controls import json_safe
from .items import to_items

FORMS = ("cli", "python", "json")

_SAFE_KEY = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-:")
# C0 controls, DEL, C1 controls and the bidi controls (see logminer._controls).
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


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
    """``logminer call METHOD ITEM...`` on one line, each item quoted for the shell (an item with
    brackets whole, since a shell may read them as a pattern; else only its value, where needed). A
    value holding a newline or another control character is written ``$'...'`` with escapes (bash,
    zsh and ksh read it back exactly), so the command is one line and drives no terminal."""
    words = ["logminer", "call", _quote(method)]
    for item in to_items(params):
        raw = ":=" in item.partition("=")[0] + "="
        key, _, value = item.partition(":=" if raw else "=")
        if set(key) <= _SAFE_KEY:
            words.append(f"{key}{':=' if raw else '='}{_quote(value)}")
        else:
            words.append(_quote(item))
    return " ".join(words)


def _quote(word: str) -> str:
    if _CONTROL.search(word) is None:
        return shlex.quote(word)
    escaped = word.replace("\\", "\\\\").replace("'", "\\'")
    return "$'" + _CONTROL.sub(lambda match: _escape(match.group()), escaped) + "'"


def _escape(char: str) -> str:
    code = ord(char)
    return {"\n": "\\n", "\t": "\\t", "\r": "\\r"}.get(char) or (
        f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
    )


def python_call(method: str, params: dict[str, Any] | list[Any]) -> str:
    """The call with ``logminer.Api``, as a script would make it (credentials from the environment)."""
    parts = method.split(".")
    shown = json_safe(json.dumps(params, ensure_ascii=False))
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
    return json_safe(
        json.dumps({"jsonrpc": "2.0", "method": method, "params": params, "id": 1}, ensure_ascii=False)
    )
