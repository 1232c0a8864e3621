"""print_r's values read back into Python: strings, arrays (lists or dicts), objects, recursion marks.

The line-by-line rules live in the grammar (``grammar.py``); this module builds values from what the
grammar matched, and reads the dumps its FLAT_DUMP terminal takes without the LALR parser.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable
from itertools import count, repeat

from .patterns import shared_patterns


class Recursion:
    """print_r's ``*RECURSION*``: the place where a value contained itself (use ``RECURSION``)."""

    def __repr__(self) -> str:
        return "RECURSION"


RECURSION = Recursion()


class PhpObject(dict):
    """A ``ClassName Object`` block: its properties, visibility stripped from their names."""

    def __init__(self, class_name: str, properties: dict) -> None:
        super().__init__(properties)
        self.class_name = class_name

    def __repr__(self) -> str:
        return f"PhpObject({self.class_name!r}, {dict.__repr__(self)})"


def _pair(line: str) -> tuple[str, str]:
    """``    [key] => value`` (no newline) -> (key, value)."""
    start = line.index("[") + 1
    arrow = line.index("] => ", start - 1)
    return line[start:arrow], line[arrow + 5 :]


def _items(run: str, last_value: str | None = None) -> list[tuple[str, object]]:
    """The (key, value) pairs of an ITEMS run; ``last_value`` replaces the last line's value."""
    pairs = [_pair(line) for line in run[:-1].split("\n")]
    if last_value is not None:
        pairs[-1] = (pairs[-1][0], last_value)
    return pairs


def top_elements(text: str, start: int = 0, end: int | None = None) -> list[tuple[str, str]]:
    """The top-level elements of the FLAT_DUMP in ``text[start:end]`` (``start`` at its `Array`
    line) as (key, the value's lines, each with its newline)."""
    return shared_patterns().top_element.findall(text, start, len(text) if end is None else end)


# The value of a top-level element that is a nested block (the grammar reads one wherever one can open).
NESTED = "Array\n        (\n"


def element_value(text: str) -> str | dict | list:
    """The value of a FLAT_DUMP's top-level element from its text (its lines without the last
    newline): a string of one line or more, or the nested block of an `Array`."""
    if text.startswith(NESTED):
        return _flat_block(text.split("\n"), 1, 8)[0]
    return text


def _flat_dump(text: str, start: int = 0, end: int | None = None) -> dict | list:
    """The value of the FLAT_DUMP in ``text[start:end]``, whose shape the terminal guarantees: keys
    at column 4, each value one or more lines, or an `Array` whose block stands 8 columns deeper.
    """
    return dump_value((key, lines[:-1]) for key, lines in top_elements(text, start, end))


def dump_value(elements: Iterable[tuple[str, str]]) -> dict | list:
    """A top-level array from its elements, each (key, its value's text, see ``element_value``):
    a list when its keys are 0..n-1, else a dict."""
    pairs = [(key, element_value(text)) for key, text in elements]
    if pairs and pairs[0][0] != "0":
        return dict(pairs)
    return _block_value("Array", [pairs])


def flat_value(keys: list[str], texts: list[str]) -> dict | list:
    """``dump_value`` of elements given as parallel lists of keys and value texts: only the values
    that open a nested block are read apart, the others are their texts already."""
    if any(map(str.startswith, texts, repeat(NESTED))):
        texts = list(map(element_value, texts))
    if keys and keys[0] != "0":
        return dict(zip(keys, texts, strict=True))
    if keys == list(map(str, range(len(keys)))):
        return list(texts)
    return dict(zip(keys, texts, strict=True))


def _flat_block(lines: list[str], index: int, column: int) -> tuple[dict | list, int]:
    """A nested block of a FLAT_DUMP whose `(` is ``lines[index]`` at ``column``; returns its value
    and the index of the line after its blank line. The terminal guarantees the shape: keys at
    column+4, each value one or more lines, or an `Array` whose block stands 8 columns deeper.
    (Each key line is cut as ``_pair`` cuts it, written out: this runs once per element.)"""
    close, opening = " " * column + ")", " " * (column + 8) + "("
    key_start = " " * (column + 4) + "["
    after_key = len(key_start)
    pairs: list[tuple[str, object]] = []
    index += 1
    line = lines[index]
    while line != close:
        start = line.index("[") + 1
        arrow = line.index("] => ", start - 1)
        key, value = line[start:arrow], line[arrow + 5 :]
        index += 1
        line = lines[index]
        if value == "Array" and line == opening:
            value, index = _flat_block(lines, index, column + 8)
            line = lines[index]
        else:
            first = index
            while line != close and not (line.startswith(key_start) and line.find("] => ", after_key) >= 0):
                index += 1
                line = lines[index]
            if index > first:
                value = "\n".join([value, *lines[first:index]])  # type: ignore[list-item]
        pairs.append((key, value))
    return _array(pairs), index + 2


def _array(pairs: list[tuple[str, object]]) -> dict | list:
    """``_block_value`` of an `Array` block's pairs: a list when its keys are 0..n-1, else a dict."""
    if pairs and pairs[0][0] != "0":
        return dict(pairs)
    if all(map(operator.eq, map(operator.itemgetter(0), pairs), map(str, count()))):
        return list(map(operator.itemgetter(1), pairs))
    return dict(pairs)


def _block_value(type_line: str, groups: list[list[tuple[str, object]]]) -> dict | list:
    """Build a PHP array as a list (keys 0..n-1 in order) or a dict; an object as a PhpObject."""
    elements = [pair for group in groups for pair in group]
    if type_line.endswith(" Object") or " Enum" in type_line:
        properties = {}
        for key, value in elements:
            # `[prop:protected]`, `[prop:Class:private]`: visibility is not part of the name.
            if key.endswith(":protected"):
                key = key[: -len(":protected")]
            elif key.endswith(":private"):
                key = key[: key.rfind(":", 0, len(key) - len(":private"))]
            properties[key] = value
        return PhpObject(type_line.split(" ", 1)[0], properties)
    return _array(elements)


def parse_print_r(text: str) -> dict | list:
    """Read one print_r dump (``Array\n(\n...)\n``) back into Python values.

    Leaves come back as strings, since print_r prints every scalar as text.
    """
    from .grammar import shared_parser

    return shared_parser().parse_dump(text if text.endswith("\n") else text + "\n")


def print_r(value: object, indent: int = 0) -> str:
    """What PHP's ``print_r($value, true)`` returns for values read from a log: strings, arrays (dict
    or list), ``PhpObject`` (properties as read), ``RECURSION``. The inverse of reading a dump, for
    the shapes print_r writes unambiguously (see the README's "What print_r cannot say")."""
    parts: list[str] = []
    stack: list[tuple[object, int] | str] = [(value, indent)]
    while stack:  # iterative: a hostile log may nest thousands of levels
        item = stack.pop()
        if isinstance(item, str):
            parts.append(item)
            continue
        node, column = item
        if isinstance(node, Recursion):
            parts.append("Array\n *RECURSION*")
        elif isinstance(node, (dict, list)):
            label = f"{node.class_name} Object" if isinstance(node, PhpObject) else "Array"
            pad, inner = " " * column, " " * (column + 4)
            elements = node.items() if isinstance(node, dict) else enumerate(node)
            pending: list[tuple[object, int] | str] = [f"{label}\n{pad}(\n"]
            for key, child in elements:
                # After a nested block's ")\n" the element's own newline makes PHP's blank line.
                pending += [f"{inner}[{key}] => ", (child, column + 8), "\n"]
            pending.append(f"{pad})\n")
            stack.extend(reversed(pending))
        else:
            parts.append(str(node))
    return "".join(parts)
