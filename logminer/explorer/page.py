"""The explorer page: the catalog's document as one self-contained HTML file.

The page is a template (``assets/explorer.html``) with the style, the script and the data inline:
nothing is fetched from anywhere, so the file opens from ``file://`` with no network. The data is
the document as JSON inside ``<script type="application/json">``, with ``<``, ``>`` and ``&``
written as ``\\u003c``, ``\\u003e`` and ``\\u0026``: no string in it can close the element or open
a comment, and the script shows every string as text (it never parses data as HTML).

A Content-Security-Policy in the page allows exactly the page's own script and style (by their
SHA-256) and no connection, so even a mistake in the script could not load or send anything.
Served by ``logminer explore``, the same page also talks to its own server (``connect-src 'self'``)
for "Try it"; the server sends the same policy as a header (:func:`content_security_policy`).

The fields the page reads (all but a method's name may be missing; nothing else is needed), as
:func:`~logminer.explorer.document.document` builds them from a catalog:

- ``logminer``, ``generated``;
- ``catalog``: ``methods``, ``calls``, ``first_seen``, ``last_seen``, ``sources``;
- each of ``methods``: ``method``, ``module``, ``calls``, ``first_seen``, ``last_seen``, ``components``,
  ``dropped_arguments``, ``legacy_calls``, ``calls_by_day`` (``YYYY-MM-DD`` days, ``YYYY-MM`` months),
  ``params``, ``exemplars``;
- each of ``params``: ``name`` (a bracket path), ``seen``, ``known_calls`` (0: presence unknown),
  ``share`` (only without ``known_calls``), ``required``, ``types``, ``examples``, ``values`` (null:
  too many), ``refers_to``, ``secret``, ``container``, ``closed_set``;
- each of ``exemplars``: ``time``, ``arguments``, ``call`` (``cli``, ``python``, ``json``: copied as
  they are), and ``params`` (the first exemplar's fill "Try it").
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from functools import cache
from importlib.resources import files
from typing import Any

_ASSETS = files(__package__) / "assets"
# A marker in the template: <!--logminer:NAME-->, replaced in one pass.
_MARKER = re.compile(r"<!--logminer:([a-z]+)-->")
# Characters that must not appear raw inside a <script> element, nor as lone surrogates in UTF-8.
_UNSAFE_IN_SCRIPT = re.compile("[<>&\u2028\u2029\ud800-\udfff]")


@cache
def _asset(name: str) -> str:
    return (_ASSETS / name).read_text(encoding="utf-8")


def _sha256(text: str) -> str:
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def content_security_policy(*, try_it: bool = False) -> str:
    """The page's Content-Security-Policy: its own script and style only; with ``try_it``, its server too."""
    return "; ".join(
        [
            "default-src 'none'",
            f"script-src {_sha256(_asset('explorer.js'))}",
            f"style-src {_sha256(_asset('explorer.css'))}",
            "img-src data:",
            "connect-src 'self'" if try_it else "connect-src 'none'",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )


def script_json(value: Any) -> str:
    """``value`` as JSON that is safe inside a ``<script>`` element, whatever its strings hold."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return _UNSAFE_IN_SCRIPT.sub(lambda match: f"\\u{ord(match.group()):04x}", text)


def render_page(document: dict[str, Any], *, try_it: bool = False, send_disabled: str | None = None) -> str:
    """The complete HTML page for a catalog's ``document``.

    With ``try_it`` (the page served by :class:`~logminer.explorer.server.ExplorerServer`), each
    method gets a "Try it" form that checks and sends calls through the server; ``send_disabled``
    is the sentence shown instead of sending when no billing is configured.
    """
    catalog = document.get("catalog") or {}
    methods = catalog.get("methods", len(document.get("methods") or []))
    config = {"tryIt": try_it, "sendDisabled": send_disabled if try_it else None}
    parts = {
        "csp": html.escape(content_security_policy(try_it=try_it)),
        "title": html.escape(f"{methods} methods · logminer API explorer"),
        "style": _asset("explorer.css"),
        "script": _asset("explorer.js"),
        "config": script_json(config),
        "data": script_json(document),
    }
    return _MARKER.sub(lambda match: parts[match.group(1)], _asset("explorer.html"))
