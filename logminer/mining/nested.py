"""A nested block of a flat dump read straight into the paths the catalog counts (no values built).

A top-level element whose value is a nested block (``filter] => Array\\n        (\\n...``) shows what
``catalog.paths.CallPaths`` counts of a call: the paths that hold an array, and every value that is
not an array, with its path. The block's shape is what the FLAT_DUMP terminal took (the reader
vouched for it), so it is read line by line as ``print_r.element_value`` reads it, without making
the arrays: a key line at its block's column, a nested block 8 columns right of it after an
``Array`` value, the block's own `)` line, and continuation lines of a value of several lines.
"""

from __future__ import annotations

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
