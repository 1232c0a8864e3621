"""The ``logminer`` command: each command is a thin wrapper over one call of the Python API."""

from __future__ import annotations

import os
import sys

import click

import logminer as api

from .._controls import visible
from .._errors import INTERRUPTED, _or_list, exit_code
from ..calls.examples import FORMS, example
from ..catalog.explore import METHOD_FIELDS, PARAM_FIELDS, SEARCH_FIELDS
from .options import catalog_option, columns_option, format_option, method_argument
from .output import (
    display_width,
    echo,
    render_rows,
    shorten,
    table_cell,
    terminal_width,
    to_json,
    visible_lines,
)
from .progress import ProgressBar


class _Group(click.Group):
    """Turns logminer's errors into one-line messages and the exit status ``EXIT_CODES`` gives each,
    and Ctrl-C into status 130: never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except api.Error as error:
            click.echo(f"logminer: {visible(str(error))}", err=True)
            ctx.exit(exit_code(error))
        except (KeyboardInterrupt, click.Abort):
            click.echo("\nlogminer: interrupted", err=True)
            ctx.exit(INTERRUPTED)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(api.__version__, prog_name="logminer")
def main() -> None:
    """Mine the JeraSoft Billing runtime log into a catalog of API methods and their arguments."""


@main.command()
@click.argument("logs", nargs=-1, type=click.Path(dir_okay=True, allow_dash=True))
@catalog_option
@click.option("--fresh", is_flag=True, help="Start a new catalog instead of adding to the existing one.")
@click.option(
    "--secret",
    "secret_words",
    multiple=True,
    metavar="WORD",
    help="Also treat argument names with this word as secret (kept in the catalog's settings).",
)
@click.option(
    "--jobs",
    "-j",
    type=click.IntRange(1),
    default=os.cpu_count() or 1,
    show_default="the machine's cores",
    help="Worker processes for a large log file (the catalog is the same with any number).",
)
@click.option("--quiet", "-q", is_flag=True, help="Print no summary.")
def mine(logs, catalog_path, fresh, secret_words, jobs, quiet) -> None:
    """Read runtime logs (plain, .gz, or - for stdin) into the catalog.

    With no LOG, reads /opt/jerasoft/vcs-data/log/runtime.log. Each log file is read from where the
    last run stopped (rotated files are recognised by their content), so every request counts once
    and cron can run this as often as it likes; --fresh starts a new catalog and reads everything.
    """
    logs = list(logs) or [api.DEFAULT_LOG]
    bars = None if quiet else ProgressBar.on_terminal()
    try:
        outcome = api.mine_into(
            logs, catalog_path, fresh=fresh, secret_words=secret_words, progress=bars, jobs=jobs
        )
    finally:
        if bars is not None:
            bars.close()
    for failure in outcome.failures:
        click.echo(f"logminer: {visible_lines(str(failure))}", err=True)
    if not quiet:
        click.echo(visible_lines(outcome.summary()))
    if outcome.failures:
        sys.exit(1)


@main.command()
@click.argument("pattern", required=False)
@catalog_option
@format_option()
@columns_option(METHOD_FIELDS, ("method", "calls", "arguments", "required", "last_seen"))
@click.option(
    "--since",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Only methods called on or after this day (YYYY-MM-DD, in the log's own calendar).",
)
def methods(pattern, catalog_path, fmt, columns, since) -> None:
    """List the methods, or those matching PATTERN: a substring, or a glob like 'clients.*'.

    Only * and ? are glob characters; brackets are matched as written.
    """
    catalog = api.load_catalog(catalog_path, lazy=True)
    rows = api.list_methods(catalog, pattern, since=since.date() if since else None)
    if fmt == "table" and not rows:
        if since is not None:
            matching = f" matching {pattern!r}" if pattern else ""
            click.echo(f"No method{matching} was called since {since:%Y-%m-%d}.")
        elif not pattern:
            click.echo("The catalog holds no methods yet.")
        else:
            click.echo(
                _nothing(
                    f"No method matches {pattern!r}.", api.close_names(catalog, pattern, arguments=False)
                )
            )
        return
    echo(render_rows(rows, columns, fmt))


def _nothing(sentence: str, suggestions: list[str]) -> str:
    """A search that found nothing, with "did you mean" when some name is close."""
    return f"{sentence} Did you mean {_or_list(suggestions)}?" if suggestions else sentence


@main.command()
@method_argument
@catalog_option
@format_option()
@columns_option((*PARAM_FIELDS, "presence"), ("name", "presence", "types", "examples", "values"))
@click.option(
    "--example",
    "example_form",
    type=click.Choice(FORMS),
    is_flag=False,
    flag_value="cli",
    default=None,
    help="Print only an observed call to copy: the `logminer call` command (cli, the default), "
    "the Python Api call (python) or the JSON-RPC body (json).",
)
def show(method, catalog_path, fmt, columns, example_form) -> None:
    """Show what METHOD takes: each argument, required or how often, types, examples, values.

    METHOD is a name (clients.add) or a path as the log or the browser shows it (/admin/clients/add).

    In the table, values are listed when a few of them recur (a status, a type, a format), and
    said to be "one of" them when they form a closed set that calls are checked against;
    --format json and csv hold them all. --example prints an observed call, ready to copy.
    """
    detail = api.describe_method(api.load_catalog(catalog_path, lazy=True), method)
    if example_form is not None:
        if not detail["exemplars"]:
            raise api.UsageError(
                f"The catalog keeps no example call of {detail['method']} (mined before logminer kept them, "
                "or max_exemplars is 0); `logminer mine --fresh` recomputes them."
            )
        click.echo(example(detail["method"], detail["exemplars"][0]["params"], example_form))
        return
    if fmt == "json":
        click.echo(to_json(detail))
        return
    rows = [_param_row(param, detail["calls"], table=fmt == "table") for param in detail["params"]]
    if fmt == "table":
        for line in _method_lines(detail):
            click.echo(line)
    echo(render_rows(rows, columns, fmt))


def _method_lines(detail: dict) -> list[str]:
    """What a method's table starts with: calls, when, calls per day, an example call."""
    calls = detail["calls"]
    lines = [f"{table_cell(detail['method'])}: {calls} observed call{'' if calls == 1 else 's'}"]
    if detail["first_seen"]:
        lines.append(f"from {detail['first_seen']} to {detail['last_seen']}")
    if detail["calls_by_day"]:
        lines.append(_sparkline(detail["calls_by_day"]))
    if detail["legacy_calls"]:
        lines.append(
            f"({detail['legacy_calls']} calls counted by an older catalog: their days, example calls and "
            "array presence were not recorded; `mine --fresh` recounts them)"
        )
    if detail["dropped_arguments"]:
        lines.append(f"({detail['dropped_arguments']} more argument names were not kept: cap reached)")
    if detail["exemplars"]:
        command = "example: " + table_cell(example(detail["method"], detail["exemplars"][0]["params"]))
        width = terminal_width()
        if width is not None and display_width(command) > width:
            command = shorten(command, width - len(" (--example: all)")) + " (--example: all)"
        lines.append(command)
    return lines


_BARS = " ▁▂▃▄▅▆▇█"


def _sparkline(calls_by_day: dict[str, int], days: int = 30) -> str:
    """The calls of the last ``days`` days up to the last day with calls, one bar a day."""
    from datetime import date, timedelta

    dated = {key: count for key, count in calls_by_day.items() if len(key) == 10}
    if not dated:
        return "calls per month: " + ", ".join(f"{key}:{count}" for key, count in calls_by_day.items())
    last = date.fromisoformat(max(dated))
    span = [last - timedelta(days=back) for back in range(days - 1, -1, -1)]
    first = next((index for index, day in enumerate(span) if day.isoformat() in dated), 0)
    counts = [dated.get(day.isoformat(), 0) for day in span[first:]]
    top = max(counts)
    bars = "".join(_BARS[0 if not count else max(1, round(count / top * 8))] for count in counts)
    return f"calls per day {span[first].isoformat()} to {last.isoformat()}: {bars} (most {top})"


def _param_row(param: dict, calls: int, *, table: bool) -> dict:
    """One argument as a row: ``presence`` added; for a table, values only where they look like choices."""
    presence = "required" if param["required"] else f"{param['seen']}/{calls} ({param['share']:.0%})"
    values = param["values"]
    if values:
        values = dict(sorted(values.items(), key=lambda item: (-item[1], item[0])))
    if table:
        # Worth a column when a few values recur: a status, a type, a format.
        enum_like = values and 1 < len(values) <= 8 and sum(values.values()) >= 1.5 * len(values)
        if param.get("closed_set"):  # a value outside them is flagged when a call is checked
            values = "one of " + table_cell(values)
        elif not enum_like:
            values = None
        if param["secret"]:
            return {**param, "presence": presence, "examples": "(secret: not kept)", "values": None}
    return {**param, "presence": presence, "values": values}


@main.command()
@click.argument("text")
@catalog_option
@format_option()
@columns_option(SEARCH_FIELDS, SEARCH_FIELDS)
def search(text, catalog_path, fmt, columns) -> None:
    """Find methods and arguments whose names match TEXT (which methods take id_currencies?).

    TEXT is a substring, or a glob with * and ?; brackets are matched as written, so
    'filter[status]' and 'fields[][id]' find those arguments.
    """
    catalog = api.load_catalog(catalog_path, lazy=True)
    rows = api.search(catalog, text)
    if fmt == "table" and not rows:
        click.echo(_nothing(f"Nothing in the catalog matches {text!r}.", api.close_names(catalog, text)))
        return
    echo(render_rows(rows, columns, fmt))


@main.command()
@catalog_option
@click.option("--secret", "secret_words", multiple=True, metavar="WORD", help="Add a secret word.")
@click.option(
    "--no-secret",
    "no_secret_words",
    multiple=True,
    metavar="WORD",
    help="Remove a secret word (a default too).",
)
@click.option("--max-examples", type=click.IntRange(0, 100), help="Examples kept per argument.")
@click.option("--max-values", type=click.IntRange(0, 100_000), help="Distinct values listed per argument.")
@click.option("--max-arguments", type=click.IntRange(1), help="Argument names kept per method.")
@click.option("--max-methods", type=click.IntRange(1), help="Methods kept per catalog.")
@click.option("--max-exemplars", type=click.IntRange(0, 100), help="Whole example calls kept per method.")
@click.option(
    "--max-entry-bytes", type=click.IntRange(1024), help="Log entries larger than this are skipped."
)
@format_option(("table", "json"))
@columns_option(("setting", "value"), ("setting", "value"))
def settings(catalog_path, secret_words, no_secret_words, fmt, columns, **limits) -> None:
    """Show the catalog's settings, or change them.

    Secret words (argument names holding one keep presence and type only; logminer's defaults plus
    the words added, less those removed), how many examples, values and example calls are kept,
    how many argument names per method and methods per catalog, and the largest log entry read.
    Lowering a limit trims what the catalog holds; raising one applies to what is mined next.
    Changing a setting of a catalog that does not exist yet makes it.
    """
    current = api.change_settings(
        catalog_path, secret_words=secret_words, no_secret_words=no_secret_words, **limits
    )
    data = current.to_dict()
    if fmt == "json":
        click.echo(to_json(data))
        return
    rows = [{"setting": "secret_words", "value": _words(current)}]
    rows += [{"setting": name, "value": value} for name, value in data.items() if name.startswith("max_")]
    echo(render_rows(rows, columns, "table"))


def _words(settings: api.Settings) -> str:
    """The secret words in force, said briefly: the defaults, and what a user added or removed."""
    added = sorted(set(settings.secret_words) - set(api.DEFAULT_SECRET_WORDS))
    shown = f"logminer's {len(api.DEFAULT_SECRET_WORDS) - len(settings.no_secret_words)} defaults"
    if added:
        shown += ", and " + ", ".join(added)
    if settings.no_secret_words:
        shown += "; not " + ", ".join(settings.no_secret_words)
    return shown + " (--format json lists them all)"


@main.command()
@catalog_option
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
def status(catalog_path, fmt) -> None:
    """Say what the catalog is and holds: its file, schema version, methods, arguments and calls,
    each log file mined (how far it was read, and when), and its settings."""
    state = api.catalog_status(catalog_path)
    if fmt == "json":
        click.echo(to_json(state))
        return
    if not state["exists"]:
        click.echo(f"No catalog at {state['catalog']} yet: `logminer mine LOG` makes it.")
        return
    rows = [
        {
            "field": "catalog",
            "value": f"{state['catalog']} ({state['bytes']} bytes, schema {state['schema_version']})",
        },
        {"field": "methods", "value": state["methods"]},
        {"field": "arguments", "value": state["arguments"]},
        {"field": "calls", "value": state["calls"]},
        {
            "field": "seen",
            "value": f"{state['first_seen']} to {state['last_seen']}" if state["first_seen"] else "",
        },
        {"field": "secret_words", "value": _words(api.Settings.from_dict(state["settings"]))},
    ]
    rows += [
        {"field": name, "value": value}
        for name, value in state["settings"].items()
        if name.startswith("max_")
    ]
    echo(render_rows(rows, ["field", "value"], "table"))
    if state["files"]:
        click.echo("\nlog files mined (where reading goes on next time):")
        files = [
            {
                "path": record["path"],
                "read": _read_share(record),
                "line": record["line"],
                "last_mined": record["last_mined"],
            }
            for record in state["files"]
        ]
        echo(render_rows(files, ["path", "read", "line", "last_mined"], "table"))


def _read_share(record: dict) -> str:
    """How much of a log file was read: ``1.2 MB of 1.2 MB``, or of what it holds now."""
    now = record["size_now"]
    if record["compressed"] or now is None:
        return f"{record['read_to']} bytes" + ("" if now is not None else " (the file is gone)")
    behind = now - record["read_to"]
    return f"{record['read_to']} of {now} bytes" + (f", {behind} new" if behind > 0 else "")


# check, call, download, sandbox: the validated-call commands live in their own module.
from .calls import COMMANDS  # noqa: E402

for _command in COMMANDS:
    main.add_command(_command)

# merge, diff, export: the commands over whole catalogs live in their own module.
from .catalogs import COMMANDS as CATALOG_COMMANDS  # noqa: E402

for _command in CATALOG_COMMANDS:
    main.add_command(_command)

# explore: the explorer page served with "Try it".
from .explore import COMMANDS as EXPLORE_COMMANDS  # noqa: E402

for _command in EXPLORE_COMMANDS:
    main.add_command(_command)
