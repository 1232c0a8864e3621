"""A nested block of a flat dump read straight into the paths the catalog counts (no values built).

A top-level element whose value is a nested block (``filter] => Array\\n        (\\n...``) shows what
``catalog.paths.CallPaths`` counts of a call: the paths that hold an array, and every value that is
not an array, with its path. The block's shape is what the FLAT_DUMP terminal took (the reader
vouched for it), so it is read line by line as ``print_r.element_value`` reads it, without making
the arrays: a key line at its block's column, a nested block 8 columns right of it after an
``Array`` value, the block's own `)` line, and continuation lines of a value of several lines.

Blocks of a method mostly differ in their values only: ``Shapes`` reads a block's paths once per
skeleton (the block without the values of its lines) and takes only the values of each block.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..catalog.paths import is_integer_key

_TOP_COLUMN = 4  # where print_r puts a top-level key; each nested level's keys stand 8 further right
_NEST = 8


def block_paths(key: str, text: str) -> tuple[list[str], list[str], list[str]] | None:
    """The paths of the element ``key`` whose value ``text`` (from its ``Array`` line to its block's
    `)` line and that line's newline) is a nested block: the paths that hold an array (``key``
    first), and the paths and values of all the others, in order. None when a block holds a key
    twice (a damaged log: the parser keeps one; read it with ``element_value``)."""
    lines = text.split("\n")
    held, leaf_paths, leaf_values = [key], [], []
    column = _TOP_COLUMN + _NEST  # where the current block's keys start
    close = " " * (column - 4) + ")"
    path, names = key, set()
    stack: list[tuple[str, set[str], int, str]] = []
    index = 2  # after `Array` and `(`
    while True:
        line = lines[index]
        if line == close:
            if not stack:
                return held, leaf_paths, leaf_values
            path, names, column, close = stack.pop()
            index += 2  # and the blank line print_r writes after a nested block
            continue
        arrow = line.index("] => ", column)
        name = line[column + 1 : arrow]
        if name in names:
            return None
        names.add(name)
        child = path + ("[]" if is_integer_key(name) else f"[{name}]")
        value = line[arrow + 5 :]
        index += 1
        if value == "Array" and lines[index] == " " * (column + 4) + "(":
            held.append(child)
            stack.append((path, names, column, close))
            path, names, column, close = child, set(), column + _NEST, " " * (column + 4) + ")"
            index += 1
            continue
        first = index
        key_start = " " * column + "["
        while lines[index] != close and not (
            lines[index].startswith(key_start) and lines[index].find("] => ", column + 1) >= 0
        ):
            index += 1
        if index > first:
            value = "\n".join([value, *lines[first:index]])
        leaf_paths.append(child)
        leaf_values.append(value)


# A line's first arrow and its value (all that follows it), unless the value is `Array` (which may
# open a nested block). The skeleton is the block with each such arrow's value taken away.
_VALUE = re.compile(r"\] => (?!Array$)([^\n]*)", re.MULTILINE)
_ARROW = "] => "
# Skeletons remembered at most, and their characters (then all are forgotten at once).
_MAX_SHAPES = 20_000
_MAX_SKELETON_CHARACTERS = 16 << 20


@dataclass(eq=False, slots=True)
class Shape:
    """The paths of nested blocks of one skeleton: those that hold an array (each once, the key
    first), those below the key (each once), and per leaf path the positions of its values among
    a block's leaf values."""

    arrays: list[str]
    present: list[str]
    columns: dict[str, list[int]]


def _shape(held: list[str], leaf_paths: list[str]) -> Shape:
    columns: dict[str, list[int]] = {}
    for position, path in enumerate(leaf_paths):
        columns.setdefault(path, []).append(position)
    return Shape(list(dict.fromkeys(held)), list(dict.fromkeys([*held[1:], *leaf_paths])), columns)


_DAMAGED = Shape([], [], {})  # a skeleton whose blocks hold a key twice
_SEVERAL = Shape([], [], {})  # one whose blocks' leaf values are not each a line's value


class Shapes:
    """Nested blocks read into a ``Shape`` and their leaf values, each skeleton's shape read once.

    A block's skeleton is its text without the value of any line that has an arrow (but `Array`):
    ``block_paths`` takes the same steps over every block of one skeleton (it decides on key lines,
    `(` and `)` lines and `Array` values, which the skeleton keeps; a line loses its value only if
    it had an arrow, and keeps it). So when a block's leaf values are exactly its lines' values, in
    order, so are those of every block of its skeleton, and one findall takes them.
    """

    def __init__(self) -> None:
        self._known: dict[tuple[str, str], Shape] = {}
        self._characters = 0

    def read(self, key: str, text: str) -> tuple[Shape, list[str]] | None:
        """The shape and leaf values of the element ``key`` whose value ``text`` is a nested block
        (see ``block_paths``); None when the block holds a key twice."""
        skeleton = (key, _VALUE.sub(_ARROW, text))
        shape = self._known.get(skeleton) or self._learn(skeleton, key, text)
        if shape is _DAMAGED:
            return None
        if shape is _SEVERAL:
            found = block_paths(key, text)
            assert found is not None  # as its skeleton's first block
            return _shape(found[0], found[1]), found[2]
        return shape, _VALUE.findall(text)

    def _learn(self, skeleton: tuple[str, str], key: str, text: str) -> Shape:
        found = block_paths(key, text)
        if found is None:
            shape = _DAMAGED
        elif found[2] == _VALUE.findall(text):
            shape = _shape(found[0], found[1])
        else:
            shape = _SEVERAL
        if len(self._known) >= _MAX_SHAPES or self._characters >= _MAX_SKELETON_CHARACTERS:
            self._known.clear()
            self._characters = 0
        self._known[skeleton] = shape
        self._characters += len(skeleton[1])
        return shape
