"""Whole example calls ("exemplars"): a few observed requests of a method, ready to copy.

An exemplar is a request's params without the transport keys (``auth``, ``SID``, ``__api``), every
secret value replaced by ``MASK`` (secret-named paths, and values that look like credentials), and
long values shortened as examples are. Which requests are kept depends only on the set of requests
seen, never on the order they were read or merged in: the ones with the most arguments, ties broken
by the CRC-32 of the request's print_r text (less its transport keys); requests that look the same
once masked count as one (the one with the smallest CRC, then the earliest).
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .paths import TRANSPORT_KEYS, bracket
from .samples import EXAMPLE_LENGTH, shorten
from .secrets import secret_value as default_secret_value

# What stands for a secret value in an exemplar, and in the commands made from one: a visible
# placeholder, so that a copied command fails clearly rather than sending a mask as a value.
MASK = "<secret>"
# Arrays nested deeper than this are not kept in an exemplar (marked as shortened); no form does it.
MAX_DEPTH = 16
DEEPER = "…"


@dataclass(frozen=True, slots=True)
class Exemplar:
    """One observed call as it may be shown: ``params`` masked and shortened, when it was made,
    how many arguments it had, and ``hash`` (what ties between equally large calls are broken by)."""

    params: dict | list
    time: datetime | None
    arguments: int
    hash: int
    shortened: bool = False

    @property
    def content(self) -> str:
        """The params as canonical JSON: two exemplars that show the same are one."""
        return _content(self)

    def rank(self) -> tuple:
        """Most arguments first, then the smallest hash, then the earliest (a total order)."""
        return (-self.arguments, self.hash, self.content, self.time is None, self.time)

    def to_dict(self) -> dict[str, Any]:
        """The exemplar as JSON data."""
        data: dict[str, Any] = {
            "params": self.params,
            "time": self.time.isoformat() if self.time is not None else None,
            "arguments": self.arguments,
            "hash": f"{self.hash:08x}",
        }
        if self.shortened:
            data["shortened"] = True
        return data

    @classmethod
    def from_dict(cls, data: Any) -> Exemplar:
        """An exemplar from JSON data; ValueError names what is wrong."""
        if not isinstance(data, dict) or not isinstance(data.get("params"), (dict, list)):
            raise ValueError("an exemplar is not an object with params")
        time = data.get("time")
        arguments, digest = data.get("arguments"), data.get("hash")
        if not isinstance(arguments, int) or isinstance(arguments, bool) or not isinstance(digest, str):
            raise ValueError("an exemplar's arguments or hash is missing")
        return cls(
            params=data["params"],
            time=datetime.fromisoformat(time) if isinstance(time, str) else None,
            arguments=arguments,
            hash=int(digest, 16),
            shortened=data.get("shortened") is True,
        )


_CONTENTS: dict[int, tuple[Exemplar, str]] = {}


def _content(exemplar: Exemplar) -> str:
    """``Exemplar.content``, worked out once per exemplar (they are compared often while ranked)."""
    known = _CONTENTS.get(id(exemplar))
    if known is not None and known[0] is exemplar:
        return known[1]
    if len(_CONTENTS) > 4096:
        _CONTENTS.clear()
    content = json.dumps(exemplar.params, ensure_ascii=False, sort_keys=True)
    _CONTENTS[id(exemplar)] = (exemplar, content)
    return content


def kept_params(params: Any) -> dict | list:
    """The params without their transport keys (none at all: ``{}``, however PHP's empty array was
    read)."""
    if isinstance(params, dict):
        return {key: value for key, value in params.items() if key not in TRANSPORT_KEYS}
    return list(params) if isinstance(params, list) and params else {}


def text_hash(text: str) -> int:
    """The CRC-32 of a request's print_r text (less its transport keys): the tie-breaker."""
    return zlib.crc32(text.encode("utf-8", "surrogatepass"))


def exemplar(
    params: dict | list,
    time: datetime | None,
    is_secret: Callable[[str], bool],
    digest: int,
    is_secret_value: Callable[[str], bool] = default_secret_value,
) -> Exemplar:
    """An exemplar of a call whose kept params (``kept_params``) are ``params`` and whose print_r
    text (less transport keys) has the CRC-32 ``digest``; ``is_secret`` says which paths are
    secret, ``is_secret_value`` which values hold a credential (the catalog's own)."""
    masked, shortened = masked_params(params, is_secret, is_secret_value)
    return Exemplar(masked, time, len(params), digest, shortened)


def masked_params(
    params: Any,
    is_secret: Callable[[str], bool],
    is_secret_value: Callable[[str], bool] = default_secret_value,
) -> tuple[Any, bool]:
    """``params`` with secret values replaced by MASK and long values shortened; and whether any
    value was shortened. Iterative: any depth is fine."""
    root: dict[str, Any] = {}
    shortened = False
    stack: list[tuple[Any, Any, str, Any, int]] = [(root, "", "", params, 0)]
    while stack:
        parent, key, path, node, depth = stack.pop()
        if isinstance(node, (dict, list)) and depth > MAX_DEPTH:
            parent[key], shortened = DEEPER, True
            continue
        if isinstance(node, (dict, list)):
            copy: dict | list = {} if isinstance(node, dict) else [None] * len(node)
            parent[key] = copy
            items = node.items() if isinstance(node, dict) else enumerate(node)
            # Reversed onto the stack, so that they are taken, and copied, in their order.
            for child_key, child in reversed(list(items)):
                child_path = f"{path}{bracket(child_key)}" if path else str(child_key)
                stack.append((copy, child_key, child_path, child, depth + 1))
            continue
        if not isinstance(node, (str, int, float, bool)) and node is not None:
            node = "*RECURSION*"  # print_r's mark of an array that held itself
        if isinstance(node, str):
            if is_secret(path) or is_secret_value(node):
                node = MASK
            elif len(node) > EXAMPLE_LENGTH:
                node, shortened = shorten(node), True
        parent[key] = node
    return root[""], shortened


def best(exemplars: Iterable[Exemplar], size: int) -> list[Exemplar]:
    """The ``size`` best exemplars (see the module docstring), each content once."""
    by_content: dict[str, Exemplar] = {}
    for candidate in exemplars:
        content = candidate.content
        known = by_content.get(content)
        if known is None or (candidate.hash, _time(candidate)) < (known.hash, _time(known)):
            by_content[content] = candidate
    ranked = sorted(by_content.items(), key=_ranked)
    return [candidate for _, candidate in ranked[: max(size, 0)]]


def _ranked(item: tuple[str, Exemplar]) -> tuple:
    """``Exemplar.rank`` of a (content, exemplar) pair, its content already worked out."""
    content, exemplar = item
    return (-exemplar.arguments, exemplar.hash, content, _time(exemplar))


def _time(exemplar: Exemplar) -> tuple:
    return (exemplar.time is None, exemplar.time)


def remasked(
    exemplars: list[Exemplar],
    is_secret: Callable[[str], bool],
    size: int,
    is_secret_value: Callable[[str], bool] = default_secret_value,
) -> list[Exemplar]:
    """The exemplars under other secret words (more paths masked), the best ``size`` of them."""
    again = []
    for known in exemplars:
        params, shortened = masked_params(known.params, is_secret, is_secret_value)
        again.append(Exemplar(params, known.time, known.arguments, known.hash, known.shortened or shortened))
    return best(again, size)
