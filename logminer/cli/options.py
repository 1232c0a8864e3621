"""Options every command module shares, defined once (a module of its own avoids import cycles)."""

from __future__ import annotations

import click

from .output import FORMATS

catalog_option = click.option(
    "--catalog",
    "catalog_path",
    type=click.Path(dir_okay=False),
    envvar="LOGMINER_CATALOG",
    show_envvar=True,
    help="Catalog file (default: ~/.local/share/logminer/catalog.json).",
)


def format_option(choices: tuple[str, ...] = FORMATS):
    """``--format`` with the given choices, table by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(choices),
        default="table",
        show_default=True,
        help="Output format.",
    )
