"""Options, arguments and shell completion every command module shares, defined once.

A module of its own avoids import cycles between the command modules.
"""

from __future__ import annotations

from collections.abc import Sequence

import click
from click.shell_completion import CompletionItem

from .._errors import Error, _or_list
from ..calls.items import api_method
from ..catalog.model import Catalog
from ..catalog.store import default_catalog_path, load_catalog
from ..catalog.suggest import suggest
from .output import FORMATS


class _CatalogOption(click.Option):
    """``--catalog``, whose help names the default file as it is when the help is shown.

    The default depends on ``$LOGMINER_CATALOG`` and ``$XDG_DATA_HOME`` at that moment, so it is
    worked out for each help text rather than once at import.
    """

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        record = super().get_help_record(ctx)
        if record is None:
            return None
        names, extra = record
        return names, f"Catalog file (default: {default_catalog_path()}).  {extra}".rstrip()


catalog_option = click.option(
    "--catalog",
    "catalog_path",
    cls=_CatalogOption,
    type=click.Path(dir_okay=False),
    envvar="LOGMINER_CATALOG",
    show_envvar=True,
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


def columns_option(fields: Sequence[str], default: Sequence[str]):
    """``--columns a,b,c``: which fields the table and CSV show, in that order, by their JSON names.

    The command receives a tuple of names (``default`` when the option is not given). A name
    not among ``fields`` is a usage error (exit status 2) that lists the valid ones.
    """

    def parse(ctx: click.Context, param: click.Parameter, value: str | None) -> tuple[str, ...]:
        if value is None:
            return tuple(default)
        names = tuple(name.strip() for name in value.split(",") if name.strip())
        valid = f"The columns are: {', '.join(fields)}."
        if not names:
            raise click.BadParameter(f"Name at least one column. {valid}")
        for name in names:
            if name not in fields:
                close = suggest(name, fields)
                hint = f" Did you mean {_or_list(close)}?" if close else ""
                raise click.BadParameter(f"There is no column {name!r}.{hint} {valid}")
        return names

    def complete(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
        done, _, last = incomplete.rpartition(",")
        prefix = f"{done}," if done else ""
        return [CompletionItem(prefix + name) for name in fields if name.startswith(last)]

    return click.option(
        "--columns",
        metavar="NAME,...",
        callback=parse,
        shell_complete=complete,
        help=(
            f"The table's (and CSV's) columns, in order: any of {', '.join(fields)} "
            f"(default: {','.join(default)})."
        ),
    )


def _completion_catalog(ctx: click.Context) -> Catalog | None:
    """The catalog the command line names (or the default one), or None when there is none to read."""
    try:
        return load_catalog(ctx.params.get("catalog_path"), lazy=True)
    except Error:
        return None


def complete_method(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """Method names of the catalog that start with what was typed."""
    catalog = _completion_catalog(ctx)
    if catalog is None:
        return []
    return [CompletionItem(name) for name in sorted(catalog.methods) if name.startswith(incomplete)]


def complete_arguments(ctx: click.Context, param: click.Parameter, incomplete: str) -> list[CompletionItem]:
    """``name=`` for the arguments of the method given before, not yet given (lists may repeat)."""
    catalog = _completion_catalog(ctx)
    method = catalog.method(ctx.params.get("method") or "") if catalog else None
    if method is None:
        return []
    given = {item.split("=", 1)[0].rstrip(":") for item in ctx.params.get("items") or ()}
    return [
        CompletionItem(f"{name}=", help=f"seen in {argument.seen} of {method.calls} calls")
        for name, argument in sorted(method.arguments.items())
        if name.startswith(incomplete)
        and (name not in given or name.endswith("[]"))
        # An array is given by its elements (cp_modules[]=a), not as one value.
        and set(argument.types) != {"array"}
    ]


def _api_method(ctx: click.Context, param: click.Parameter, value: str) -> str:
    return api_method(value)


# A method as users copy it: clients.add, clients/add, /admin/clients/add, https://billing/admin/clients/add.
method_argument = click.argument("method", callback=_api_method, shell_complete=complete_method)
