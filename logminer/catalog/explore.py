"""Questions asked of a catalog: which methods, what one method takes, who takes an argument.

Each answer is plain data (lists of dicts) in the shapes the CLI prints with ``--format json``.
"""

from __future__ import annotations

import functools
import re
from datetime import date
from typing import Any

from .._errors import UnknownMethod
from .dates import iso
from .exemplars import Exemplar
from .model import Catalog, Method
from .suggest import suggest

# The fields of the rows each question answers with (the names ``--columns`` takes).
METHOD_FIELDS = ("method", "calls", "arguments", "required", "first_seen", "last_seen", "components")
PARAM_FIELDS = (
    "name",
    "seen",
    "known_calls",
    "required",
    "share",
    "types",
    "examples",
    "values",
    "closed_set",
    "withheld",
    "refers_to",
    "container",
    "secret",
)
SEARCH_FIELDS = ("method", "argument", "seen", "calls")


def reference(argument_name: str) -> str | None:
    """The module an ``id_<module>`` argument refers to: ``id_currencies`` -> ``currencies``."""
    leaf = argument_name.rsplit("[", 1)[-1].rstrip("]")
    if leaf.startswith("id_") and len(leaf) > 3:
        return leaf[3:]
    return None


def _matches(pattern: str | None, name: str) -> bool:
    if not pattern:
        return True
    if "*" in pattern or "?" in pattern:
        return _glob(pattern).fullmatch(name) is not None
    return pattern.lower() in name.lower()


@functools.lru_cache(maxsize=64)
def _glob(pattern: str) -> re.Pattern[str]:
    """A glob where only ``*`` and ``?`` are special: brackets are a PHP bracket path, taken as they are."""
    parts = ("." if char == "?" else ".*" if char == "*" else re.escape(char) for char in pattern)
    return re.compile("".join(parts), re.IGNORECASE | re.DOTALL)


def list_methods(
    catalog: Catalog, pattern: str | None = None, *, since: date | None = None
) -> list[dict[str, Any]]:
    """Every method (or those matching ``pattern``, or called on or after the day ``since``),
    sorted by name.

    A pattern with ``*`` or ``?`` is a glob that must match the whole name (``clients.*``); any other
    is a substring. Either way case does not matter, and brackets are matched as they are written.
    Days are the log's own: a method last called at 23:30+0200 on the 10th was called on the 10th.
    """
    rows = []
    for name in sorted(catalog.methods):
        if not _matches(pattern, name):
            continue
        method = catalog.methods[name]
        if since is not None and (method.last_seen is None or method.last_seen.date() < since):
            continue
        arguments, required = method.argument_counts()
        rows.append(
            {
                "method": name,
                "calls": method.calls,
                "arguments": arguments,
                "required": required,
                "first_seen": iso(method.first_seen),
                "last_seen": iso(method.last_seen),
                "components": dict(method.components),
            }
        )
    return rows


def find_method(catalog: Catalog, name: str) -> Method:
    """The method of that name; ``UnknownMethod`` with the closest names when there is none."""
    method = catalog.method(name)
    if method is None:
        raise UnknownMethod(name, suggest(name, catalog.methods))
    return method


def describe_method(catalog: Catalog, name: str) -> dict[str, Any]:
    """One method: its calls (per day too), its example calls, and its arguments, required ones
    first, then by how often they were seen (the object ``show --format json`` prints)."""
    method = find_method(catalog, name)
    params = []
    for argument in method.arguments.values():
        known = method.known_calls(argument)
        params.append(
            {
                "name": argument.name,
                "seen": argument.seen,
                "known_calls": known,
                "required": method.required(argument),
                "share": round(argument.seen / known, 4) if known else 0.0,
                "types": dict(sorted(argument.types.items(), key=lambda item: (-item[1], item[0]))),
                "examples": list(argument.examples),
                "values": dict(argument.values) if argument.values else None,
                "closed_set": argument.closed,
                "withheld": argument.withheld,
                "refers_to": reference(argument.name),
                "container": argument.container,
                "secret": argument.secret,
            }
        )
    params.sort(key=lambda param: (not param["required"], -param["seen"], param["name"]))
    return {
        "method": method.name,
        "calls": method.calls,
        "first_seen": iso(method.first_seen),
        "last_seen": iso(method.last_seen),
        "components": dict(method.components),
        "calls_by_day": dict(method.calls_by_day),
        "legacy_calls": method.legacy_calls,
        "dropped_arguments": method.dropped_arguments,
        "exemplars": [_exemplar(known) for known in method.exemplars],
        "params": params,
    }


def _exemplar(known: Exemplar) -> dict[str, Any]:
    return {
        "params": known.params,
        "time": iso(known.time),
        "arguments": known.arguments,
        "shortened": known.shortened,
    }


def search(catalog: Catalog, text: str) -> list[dict[str, Any]]:
    """Methods whose name matches ``text``, and arguments whose name does (``filter[status]``).

    ``text`` is a substring, or a glob with ``*`` and ``?`` (see ``list_methods``).
    """
    rows = []
    for name in sorted(catalog.methods):
        method = catalog.methods[name]
        if _matches(text, name):
            rows.append({"method": name, "argument": None, "calls": method.calls, "seen": None})
        for argument in sorted(method.arguments.values(), key=lambda a: a.name):
            if _matches(text, argument.name):
                rows.append(
                    {
                        "method": name,
                        "argument": argument.name,
                        "calls": method.calls,
                        "seen": argument.seen,
                    }
                )
    return rows


def close_names(catalog: Catalog, text: str, *, arguments: bool = True) -> list[str]:
    """The method names (and with ``arguments`` argument names) closest to ``text``: "did you mean".

    For a search or a pattern that matched nothing: at most three, none when nothing is close.
    """
    names = set(catalog.methods)
    if arguments:
        for method in catalog.methods.values():
            names.update(method.arguments)
    return suggest(text.replace("*", "").replace("?", ""), names)
