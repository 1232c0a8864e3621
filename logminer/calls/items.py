"""Request items, as httpie reads them, with PHP bracket paths: the arguments of ``logminer call``;
and method names as users copy them.

- ``name=value`` sends the string ``value`` (every web request leaf is a string anyway);
- ``name:=json`` sends raw JSON (``id_clients:=11``, ``cp_modules:='["c_info"]'``);
- ``auth[login]=x`` nests, ``cp_modules[]=a`` appends, ``fields[0][id]=5`` sets an index,
  exactly as PHP builds ``$_REQUEST`` from a query string.
- a method is ``clients.add``, or its path as the log or the browser shows it: ``clients/add``,
  ``/admin/clients/add``, ``https://billing/admin/clients/add`` (``api_method``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from .._errors import UsageError, quoted
from ..catalog.secrets import MASK, SecretNames, method_from_path

# A key path: a head, then any number of [segment]s.
_PATH = re.compile(r"([^\[\]]+)((?:\[[^\[\]]*\])*)\Z")
_SEGMENT = re.compile(r"\[([^\[\]]*)\]")
# Errors quote an item, but never the value of a secret-looking name (password=..., api_key:=...).
_SECRET_NAMES = SecretNames()


def api_method(text: str) -> str:
    """The API method a name, a path or a URL stands for: ``clients/add``, ``/clients/add``,
    ``/admin/clients/add`` and ``https://billing/admin/clients/add`` are all ``clients.add``.

    A name with dots and no slash is taken as it is. A path that names no method, or holds what
    looks like a token, is a ``UsageError`` that does not quote it.
    """
    text = text.strip()
    if "/" not in text:
        if not text:
            raise UsageError("No method given: name one, e.g. clients.editForm.")
        return text
    name, reason = method_from_path(text)
    if name is None:
        raise UsageError(f"That path gives no API method ({reason}); name one, e.g. clients.editForm.")
    return name


def parse_items(items: Iterable[str], params: dict[str, Any] | None = None) -> dict[str, Any]:
    """The params dict that request items describe, added to a copy of ``params`` (from --params).

    Items win over ``params``: ``name=B`` replaces the file's ``name``, ``filter[status]=x`` its
    ``filter``'s status, ``cp_modules[]=c`` appends to its list. An item that repeats another is an
    error. Integer keys that count from 0 become JSON lists. A bad item raises ``UsageError``
    naming it.
    """
    if params is not None and not isinstance(params, dict):
        raise UsageError("The params must be a JSON object (name: value pairs), not a list or a value.")
    root: dict[Any, Any] = {key: _keyed(value) for key, value in (params or {}).items()}
    given: set[tuple[Any, ...]] = set()  # the places items set or made (the file's may be replaced)
    for item in items:
        key, raw, value = _split(item)
        head, segments = _path(key, item)
        node: dict[Any, Any] = root
        path = [head, *segments]
        place: tuple[Any, ...] = ()
        for depth, segment in enumerate(path):
            if segment == "":
                segment = _next_index(node)
            elif depth > 0 and _is_index(segment):
                segment = int(segment)
            place = (*place, segment)
            taken = segment in node and place in given
            if depth == len(path) - 1:
                if taken:
                    raise UsageError(
                        f"Request item {_quoted(item)}: {key!r} is given twice; "
                        f"use {head}[]=VALUE for a list."
                    )
                node[segment] = json.loads(value) if raw else value
            else:
                if not isinstance(node.get(segment), dict):
                    if taken:
                        raise UsageError(
                            f"Request item {_quoted(item)}: {_shown(path[: depth + 1])} already has a value, "
                            "so it cannot also hold nested keys."
                        )
                    node[segment] = {}
                node = node[segment]
            given.add(place)
    return {str(key): _listed(value) for key, value in root.items()}


def _split(item: str) -> tuple[str, bool, str]:
    depth = 0
    for index, char in enumerate(item):
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
        elif char == "=" and depth == 0:
            raw = index > 0 and item[index - 1] == ":"
            key = item[: index - 1] if raw else item[:index]
            value = item[index + 1 :]
            if not key:
                break
            if raw:
                try:
                    json.loads(value)
                except RecursionError:
                    raise UsageError(f"Request item {_quoted(item)}: the JSON is nested too deep.") from None
                except ValueError as error:
                    shown = "the value" if _secret(key) else quoted(value)
                    raise UsageError(
                        f"Request item {_quoted(item)}: {shown} is not valid JSON ({error.args[0]}); "
                        f"for a plain string use {key}=VALUE."
                    ) from None
            return key, raw, value
    raise UsageError(
        f"Request item {_quoted(item)} is not NAME=VALUE (a string) or NAME:=JSON (raw JSON), "
        "e.g. id_clients=11, auth[login]=admin, cp_modules[]=c_info."
    )


def _path(key: str, item: str) -> tuple[str, list[str]]:
    match = _PATH.match(key)
    if not match:
        raise UsageError(
            f"Request item {_quoted(item)}: {key!r} is not a name with optional [key] parts, "
            "e.g. fields[0][id] or cp_modules[]."
        )
    return match.group(1), _SEGMENT.findall(match.group(2))


def _is_index(segment: str) -> bool:
    """PHP turns a decimal key without leading zeros into an integer key."""
    return segment.isdigit() and segment.isascii() and (segment == "0" or segment[0] != "0")


def _next_index(node: dict[Any, Any]) -> int:
    """PHP's ``[]``: one past the highest integer key."""
    indexes = [key for key in node if isinstance(key, int)]
    return max(indexes) + 1 if indexes else 0


def _keyed(value: Any) -> Any:
    """Lists as dicts keyed 0..n-1, so that items can add to what a --params file gave."""
    if isinstance(value, list):
        return {index: _keyed(item) for index, item in enumerate(value)}
    if isinstance(value, dict):
        return {_index_or_key(key): _keyed(item) for key, item in value.items()}
    return value


def _index_or_key(key: Any) -> Any:
    return int(key) if isinstance(key, str) and _is_index(key) else key


def _listed(value: Any) -> Any:
    """Dicts keyed 0..n-1 back into lists; other integer keys into strings, as JSON needs."""
    if not isinstance(value, dict):
        return value
    if value and all(isinstance(key, int) for key in value) and sorted(value) == list(range(len(value))):
        return [_listed(value[index]) for index in range(len(value))]
    return {str(key): _listed(item) for key, item in value.items()}


def _shown(path: list[Any]) -> str:
    head, *rest = path
    return str(head) + "".join(f"[{segment}]" for segment in rest)


def _secret(name: str) -> bool:
    return _SECRET_NAMES(name.rstrip(":")) or name.split("[", 1)[0] in ("SID", "auth")


def _quoted(item: str) -> str:
    """The item for an error message, its value masked when its name looks secret."""
    name, equals, _ = item.partition("=")
    if equals and _secret(name):
        return quoted(f"{name}={MASK}")
    return quoted(item)


def to_items(params: dict[str, Any] | list[Any]) -> list[str]:
    """Request items that ``parse_items`` reads back into ``params``: the inverse of it.

    A string is ``name=value``; anything else (a number, an empty array) ``name:=json``; a list of
    values repeats ``name[]=value``; a list holding arrays numbers its items (``fields[0][id]=5``),
    since ``fields[][id]=5 fields[][value]=x`` would make two items.
    """
    items: list[str] = []
    stack: list[tuple[str, Any]] = [(str(key), value) for key, value in reversed(list(_pairs(params)))]
    while stack:
        path, value = stack.pop()
        if isinstance(value, (dict, list)) and value:
            appendable = isinstance(value, list) and not any(isinstance(item, (dict, list)) for item in value)
            children = [
                (f"{path}[]" if appendable else f"{path}[{key}]", item) for key, item in _pairs(value)
            ]
            stack.extend(reversed(children))
        elif isinstance(value, str):
            items.append(f"{path}={value}")
        else:
            items.append(f"{path}:={json.dumps(value, ensure_ascii=False)}")
    return items


def _pairs(value: dict[str, Any] | list[Any]) -> Iterable[tuple[Any, Any]]:
    return value.items() if isinstance(value, dict) else enumerate(value)
