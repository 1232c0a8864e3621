"""Printing query results as a table, JSON or CSV: the one place that knows those formats.

**Tables** are for reading. A cell writes a value in one notation: text as it is, the empty string
as ``""``; a list as ``a, b, c``; counts as ``value:count, value:count`` (``int:15, bool:1``); an
item is put in double quotes when it is empty, starts or ends with a space, or holds a ``"``, a
``,`` or (before ``:count``) a ``:``; ``null``, ``true`` and ``false`` inside a value as JSON writes
them; an empty cell means the field has no value (null). Control and bidi characters from the log
are escaped (``\\x1b``, ``\\n``, ``\\u202e``) so a log line cannot drive the terminal.

A table fits the width of ``$COLUMNS``, else of the terminal; output to a pipe or a file has no
width limit and every value whole, as gh does. To fit, the free-text columns (``LONG_COLUMNS``:
examples, values, types, detail, message, ...) are **shortened**, each ending with ``…``; the
others, names above all (method, argument), are kept whole even when the line must then be wider
than the terminal, and no row is ever dropped. Shortening rather than wrapping, as kubectl and gh
do: one row per line keeps a table greppable and sortable, and the whole values are one pipe (or
``--format json``) away, while wrapped cells spread a row over lines a ``grep`` cuts apart.

**CSV** is data: a list or object cell holds its JSON text (``["a","b"]``, ``{"int":15}``), null
is an empty cell, booleans are ``true``/``false``, nothing is shortened, and ``csv.reader`` reads
back exactly what was written. Printed to a terminal (not to a pipe or a file), its control
characters are escaped as in tables, as GNU ``ls`` hides them on a terminal only.

**JSON** is the data as it is, pretty-printed with non-ASCII text readable; the C1 and bidi
characters that ``ensure_ascii=False`` would leave raw are escaped as ``\\uXXXX``.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import unicodedata
from collections.abc import Collection, Sequence
from typing import Any, Literal

import click

from .._controls import json_safe, visible

FORMATS = ("table", "json", "csv")

# The columns a table may shorten to fit: free text and lists of values. Every other column
# (names, counts, dates, kinds) is kept whole.
LONG_COLUMNS = frozenset(
    {"examples", "values", "types", "detail", "message", "value", "suggestions", "components", "old", "new"}
)
SEPARATOR = "  "
ELLIPSIS = "…"


def to_json(data: Any) -> str:
    """Pretty JSON, non-ASCII kept readable, and no raw character that could drive a terminal."""
    return json_safe(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def terminal_width() -> int | None:
    """The width tables must fit: ``$COLUMNS``, else the terminal's; None (no limit) for a pipe or file."""
    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    if _to_terminal():
        try:
            return os.get_terminal_size(sys.stdout.fileno()).columns
        except (OSError, ValueError, AttributeError):
            return None
    return None


def _to_terminal() -> bool:
    try:
        return sys.stdout.isatty()
    except (AttributeError, ValueError):
        return False


def visible_lines(text: str) -> str:
    """Lines of text for a person (a summary naming methods and arguments from the log), each line's
    control characters escaped as in tables."""
    return "\n".join(visible(line) for line in text.split("\n"))


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: wide (East Asian, emoji) characters two, combining ones none."""
    if text.isascii():
        return len(text)
    return sum(_char_width(char) for char in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def shorten(text: str, width: int) -> str:
    """``text`` cut to ``width`` terminal columns, ending with ``…`` when anything was cut."""
    if display_width(text) <= width:
        return text
    kept, used = [], 0
    for char in text:
        used += _char_width(char)
        if used > width - 1:
            break
        kept.append(char)
    return "".join(kept) + ELLIPSIS


def table_cell(value: Any) -> str:
    """``value`` in the table notation (see the module's docstring), control characters escaped."""
    return visible(_notation(value))


def _notation(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value if value else '""'
    if isinstance(value, dict):
        if not all(_is_scalar(item) for item in value.values()):
            return _compact_json(value)
        return ", ".join(f"{_item(str(key), ',:')}:{_scalar(count)}" for key, count in value.items())
    if isinstance(value, (list, tuple)):
        if not all(_is_scalar(item) for item in value):
            return _compact_json(list(value))
        return ", ".join(_item(item, ",") for item in value)
    return _scalar(value)


def _is_scalar(value: Any) -> bool:
    return value is None or isinstance(value, (str, int, float))


def _scalar(value: Any) -> str:
    """A number, string, null, true or false as JSON writes it, strings without quotes unless empty."""
    if isinstance(value, str):
        return value if value else '""'
    if value is None or isinstance(value, (bool, int, float)):
        return json.dumps(value)
    return str(value)


def _item(value: Any, separators: str) -> str:
    """One item of a list cell, quoted when it could be misread (empty, padded, or holding a separator)."""
    if not isinstance(value, str):
        return _scalar(value)
    if value and value.strip() == value and not any(char in value for char in separators + '"'):
        return value
    return '"' + value.replace('"', '\\"') + '"'


def _compact_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def csv_cell(value: Any) -> str:
    """``value`` as CSV data: lists and objects as JSON text, null empty, booleans ``true``/``false``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (dict, list, tuple)):
        return json_safe(json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str))
    return _scalar(value)


def render_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str], *, escape: bool = False) -> str:
    """Rows as CSV of ``columns`` with a header line; ``escape`` makes control characters visible."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        cells = [csv_cell(row.get(column)) for column in columns]
        writer.writerow([visible(cell) for cell in cells] if escape else cells)
    return buffer.getvalue().rstrip("\n")


def render_table(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    *,
    width: int | None = None,
    group_by: str | None = None,
    long_columns: Collection[str] = LONG_COLUMNS,
) -> str:
    """Rows as a table of ``columns`` (headed by their names) at most ``width`` wide (None: no limit).

    ``long_columns`` may be shortened to fit; the others never are (see the module's docstring).
    With ``group_by``, rows (already sorted by that field) go under a heading line holding its
    value, indented, so a long name need not take a column.
    """
    indent = SEPARATOR if group_by else ""
    cells = [[table_cell(row.get(column)) for column in columns] for row in rows]
    natural = [
        max([display_width(column), *(display_width(line[index]) for line in cells)])
        for index, column in enumerate(columns)
    ]
    widths = natural
    if width is not None:
        room = width - len(indent) - len(SEPARATOR) * (len(columns) - 1)
        minimums = [min(natural[i], max(display_width(column), 5)) for i, column in enumerate(columns)]
        widths = _fit(natural, minimums, [column in long_columns for column in columns], room)

    def line(texts: Sequence[str]) -> str:
        padded = [text + " " * (size - display_width(text)) for text, size in zip(texts, widths, strict=True)]
        return (indent + SEPARATOR.join(padded)).rstrip()

    lines = [line(columns), line(["-" * size for size in widths])]
    heading = None
    for row, texts in zip(rows, cells, strict=True):
        if group_by is not None and row.get(group_by) != heading:
            heading = row.get(group_by)
            lines.append(table_cell(heading))
        lines.append(line([shorten(text, size) for text, size in zip(texts, widths, strict=True)]))
    return "\n".join(lines)


def _fit(natural: list[int], minimums: list[int], flexible: list[bool], room: int) -> list[int]:
    """Column widths within ``room``: the flexible columns share what the others leave, narrow ones first.

    A flexible column narrower than its share keeps its width and leaves the rest to the wider
    ones; none goes below its minimum, so a table whose fixed columns alone are too wide is wider.
    """
    if sum(natural) <= room:
        return list(natural)
    order = sorted((index for index, flex in enumerate(flexible) if flex), key=lambda index: natural[index])
    left = room - sum(size for size, flex in zip(natural, flexible, strict=True) if not flex)
    widths = list(natural)
    for rank, index in enumerate(order):
        share = left // (len(order) - rank)
        widths[index] = max(minimums[index], min(natural[index], share))
        left -= widths[index]
    return widths


def echo(text: str) -> None:
    """Print ``text`` as it is. (Into a pipe, click.echo would drop what looks like an ANSI code,
    which would change a value in CSV; tables and JSON hold none raw.)"""
    click.echo(text, color=True)


def render_rows(
    rows: Sequence[dict[str, Any]],
    columns: Sequence[str],
    fmt: str,
    *,
    width: int | Literal["terminal"] | None = "terminal",
    group_by: str | None = None,
) -> str:
    """Rows (dicts) as a table or CSV of ``columns``, or as JSON of whole rows.

    ``width`` is the table's limit: ``"terminal"`` (``terminal_width()``), a number, or None for
    none. CSV escapes control characters only when standard output is a terminal.
    """
    if fmt == "json":
        return to_json(list(rows))
    if fmt == "csv":
        return render_csv(rows, columns, escape=_to_terminal())
    limit = terminal_width() if width == "terminal" else width
    return render_table(rows, columns, width=limit, group_by=group_by)
