"""The merge, diff and export commands: catalogs combined, compared, and handed to other tools.

Each is a few lines over the Python API (``merge``, ``diff_catalogs``, ``export``). Kept apart from
``cli.py`` so that module can register ``COMMANDS`` without an import cycle.
"""

from __future__ import annotations

import sys

import click

from ..catalog.diff import CHANGE_FIELDS, DEFAULT_CONFIDENCE, Change, diff_catalogs
from ..catalog.export import EXPORT_FORMATS, export
from ..catalog.store import load_catalog, merge_into, write_atomically
from .options import catalog_option, columns_option, format_option
from .output import render_rows, to_json

catalog_file = click.Path(exists=True, dir_okay=False)


@click.command()
@click.argument("catalogs", nargs=-1, required=True, type=catalog_file)
@click.option(
    "-o", "--output", required=True, type=click.Path(dir_okay=False), help="The merged catalog file to write."
)
def merge(catalogs, output) -> None:
    """Merge catalog files (from several hosts, or several logs) into one: counts add up.

    Examples and values are pooled, and the order of the files does not matter. OUTPUT may be one
    of the inputs; it is replaced in one step, never left half-written. While the merge runs,
    OUTPUT is locked: a `logminer mine` into it waits for the merge to finish (and the merge for a
    running mine), so no count is lost.
    """
    merged = merge_into(catalogs, output)
    calls = sum(method.calls for method in merged.methods.values())
    click.echo(
        f"Merged {len(catalogs)} catalogs: {len(merged.methods)} methods, {calls} calls; wrote {output}"
    )


@click.command()
@click.argument("old", type=catalog_file)
@click.argument("new", type=catalog_file)
@format_option(("table", "json"))
@columns_option((*CHANGE_FIELDS, "impact"), ("impact", "argument", "detail"))
@click.option(
    "--confidence",
    type=click.FloatRange(0, 1),
    default=DEFAULT_CONFIDENCE,
    show_default=True,
    help="How sure an absence or narrowing must be, given the calls seen, to count as breaking.",
)
def diff(old, new, fmt, columns, confidence) -> None:
    """Compare two catalogs: methods and arguments added or removed, newly required, type changes.

    Exits 1 when a change can break a client of the OLD API (a method or argument removed, a newly
    required argument, a narrower type), 0 otherwise: a gate for CI after a billing upgrade.
    Changes that the calls seen could explain by chance are listed as low evidence and do not fail.
    The table lists each method's changes under its name (unless --columns has method).
    """
    result = diff_catalogs(load_catalog(old), load_catalog(new), confidence=confidence)
    if fmt == "json":
        click.echo(to_json(result.to_dict()))
    elif not result.changes:
        click.echo("No changes.")
    else:
        rows = [{**change.to_dict(), "impact": _impact(change)} for change in result.changes]
        group_by = None if "method" in columns else "method"
        click.echo(render_rows(rows, columns, "table", group_by=group_by))
        counts = result.to_dict()["counts"]
        click.echo(
            f"\n{counts['changes']} changes, {counts['breaking']} breaking, "
            f"{counts['low_evidence']} with low evidence."
        )
    if result.breaking:
        sys.exit(1)


def _impact(change: Change) -> str | None:
    """BREAKING, low evidence, or nothing: what a change means to a client of the old API."""
    if change.breaking:
        return "BREAKING"
    return "low evidence" if change.low_evidence else None


@click.command("export")
@catalog_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(EXPORT_FORMATS),
    default="openrpc",
    show_default=True,
    help="openrpc: an OpenRPC 1.3 document; jsonschema: a params schema per method; markdown: a reference; "
    "html: the explorer page, one file that opens offline in a browser.",
)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically), not stdout."
)
def export_command(catalog_path, fmt, output) -> None:
    """Export the catalog for other tools: OpenRPC, JSON Schema, a Markdown reference for a wiki, or
    the explorer page as one HTML file to browse and share (`logminer explore` serves it)."""
    text = export(load_catalog(catalog_path), fmt)
    if output:
        path = write_atomically(output, text)
        click.echo(f"Wrote {fmt} to {path}", err=True)
    else:
        click.echo(text, nl=False)


COMMANDS = [merge, diff, export_command]
