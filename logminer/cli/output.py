"""Printing query results as a table, JSON or CSV: the one place that knows those formats."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from typing import Any

FORMATS = ("table", "json", "csv")


def to_json(data: Any) -> str:
    """Pretty JSON, non-ASCII kept readable."""
    return json.dumps(data, ensure_ascii=False, indent=2, default=str)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict):
        return ", ".join(f"{key}:{count}" for key, count in value.items())
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def render_rows(rows: Sequence[dict[str, Any]], columns: Sequence[str], fmt: str, headers=None) -> str:
    """Rows (dicts) as a table of ``columns``, as CSV of those columns, or as JSON of whole rows."""
    if fmt == "json":
        return to_json(list(rows))
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in columns])
        return buffer.getvalue().rstrip("\n")
    from tabulate import tabulate

    table = [[_cell(row.get(column)) for column in columns] for row in rows]
    return tabulate(table, headers=list(headers or columns), tablefmt="simple", disable_numparse=True)
