"""PHP bracket paths: how the catalog names an argument (``name``, ``auth[login]``, ``cp_modules[]``,
``fields[][id]``), and which paths one call carries.

PHP builds ``$_REQUEST`` from ``a[b][0]=x`` form fields; print_r prints the arrays back. A path names
a place in those arrays, with every integer key written ``[]`` (the position of a list item is not
part of its name). The rule for what PHP takes as an integer key lives here, once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

# Top-level request keys that carry the session or the API switch, not the method's arguments.
TRANSPORT_KEYS = frozenset({"auth", "SID", "__api"})


def is_integer_key(key: str) -> bool:
    """Whether PHP turns this array key into an integer: a decimal number without leading zeros
    (``0``, ``7``, ``-3``; not ``007``, ``+1``, `` 1`` or ``1.0``)."""
    if not key:
        return False
    digits = key[1:] if key[0] == "-" else key
    return digits.isdigit() and digits.isascii() and (digits == "0" or digits[0] != "0")


def bracket(key: Any) -> str:
    """One path segment: ``[]`` for an integer key, ``[key]`` otherwise."""
    if isinstance(key, int) or is_integer_key(key):
        return "[]"
    return f"[{key}]"


def bracket_path(path: str) -> str:
    """Normalise a bracket path the way the catalog names it: integer keys become ``[]``.

    ``fields[0][id]`` -> ``fields[][id]``, ``cp_modules[]`` stays as it is.
    """
    head, opening, rest = path.partition("[")
    if not opening:
        return path
    parts = rest[:-1].split("][") if rest.endswith("]") else [rest]
    return head + "".join(bracket(part) for part in parts)


def _children(node: dict | list) -> Iterable[tuple[Any, Any]]:
    return node.items() if isinstance(node, dict) else enumerate(node)


def argument_values(params: Any) -> Iterator[tuple[str, Any]]:
    """Every leaf of a request's params with its PHP bracket path; transport keys left out.

    ``{"fields": [{"id": "5"}]}`` gives ``("fields[][id]", "5")``: integer keys become ``[]``.
    An empty array is a leaf of type array. Iterative, so any depth is fine.
    """
    if not isinstance(params, (dict, list)):
        return
    items = params.items() if isinstance(params, dict) else ((str(i), v) for i, v in enumerate(params))
    for key, value in items:
        if key in TRANSPORT_KEYS:
            continue
        if not isinstance(value, (dict, list)):
            yield key, value
            continue
        stack = [(key, value)]
        while stack:
            path, node = stack.pop()
            if isinstance(node, (dict, list)):
                if not node:
                    yield path, node
                    continue
                # Reversed so that the stack yields children in their order.
                for child_key, child in reversed(list(_children(node))):
                    stack.append((path + bracket(child_key), child))
            else:
                yield path, node


class CallPaths:
    """What one call (or one top-level element of it) carries, as the catalog counts it.

    ``present``: every path whose key exists in the call, containers and leaves alike, once each
    (``filter``, ``filter[sub]``, ``filter[sub][ids][]``): a call carries ``cp_modules[]`` when its
    ``cp_modules`` has at least one element. ``arrays``: the paths that held an array (each once).
    ``leaves``: every value that is not an array, with its path (``cp_modules[]`` once per element).
    """

    __slots__ = ("arrays", "leaves", "present")

    def __init__(self) -> None:
        self.present: dict[str, None] = {}
        self.arrays: dict[str, None] = {}
        self.leaves: list[tuple[str, Any]] = []

    def add(self, path: str, value: Any) -> None:
        """Add the element at ``path`` holding ``value`` (iteratively: any depth is fine)."""
        stack = [(path, value)]
        present, arrays, leaves = self.present, self.arrays, self.leaves
        while stack:
            path, node = stack.pop()
            present[path] = None
            if isinstance(node, (dict, list)):
                arrays[path] = None
                for child_key, child in reversed(list(_children(node))):
                    stack.append((path + bracket(child_key), child))
            else:
                leaves.append((path, node))


def call_paths(params: Any) -> CallPaths:
    """The paths one call's params carry (see ``CallPaths``); transport keys left out.

    A top-level list (PHP keys 0..n-1) is read as the keys ``0``, ``1``...: print_r prints such
    params, though no form sends them.
    """
    paths = CallPaths()
    if isinstance(params, dict):
        for key, value in params.items():
            if key not in TRANSPORT_KEYS:
                paths.add(str(key), value)
    elif isinstance(params, list):
        for index, value in enumerate(params):
            paths.add(str(index), value)
    return paths
