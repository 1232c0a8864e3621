"""The commands that talk to a billing (or pretend to): ``check``, ``call``, ``download``, ``sandbox``.

Each is a thin wrapper over the Python API (``validate``, ``Client``, ``parse_items``, ``Sandbox``):
``call`` and ``download`` parse the request items, make a ``Client`` with the catalog, let it build
the request (``Client.build_request`` validates it, in one place) and print what comes back. The
``logminer`` group turns every ``logminer.Error`` into a one-line message and its exit status.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from .._controls import visible
from .._errors import FOUND, CatalogError, UsageError, ValidationFailed, exit_code
from ..calls.items import parse_items
from ..calls.limits import byte_count, parse_size, seconds
from ..calls.validate import DEFAULT_MODE, MODES, Finding, validate
from ..catalog.model import Catalog
from ..catalog.secrets import MASK
from ..catalog.store import default_catalog_path, load_catalog
from .options import (
    catalog_option,
    columns_option,
    complete_arguments,
    format_option,
    method_argument,
)
from .output import echo, render_rows, table_cell, to_json, visible_lines
from .progress import ProgressBar

if TYPE_CHECKING:
    from ..calls.client import CallRequest, Client

# What a command without --host shows in a --dry-run: a name that can never resolve (RFC 2606).
NO_HOST = "billing.invalid"


class _Checked(click.ParamType):
    """A click type over one of ``calls.limits``' checks: its ``UsageError`` is click's bad parameter."""

    def __init__(self, name: str, convert: Any) -> None:
        self.name = name
        self._convert = convert

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return self._convert(value)
        except (UsageError, ValueError) as error:
            self.fail(str(error), param, ctx)


def _seconds(value: Any) -> float:
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            raise UsageError(f"{value!r} is not a number of seconds.") from None
    return seconds(value, "value")


def _size(value: Any) -> int:
    return parse_size(value) if isinstance(value, str) else byte_count(value, "size")


SECONDS = _Checked("seconds", _seconds)
SIZE = _Checked("size", _size)

items_argument = click.argument("items", nargs=-1, metavar="[ARG]...", shell_complete=complete_arguments)
params_option = click.option(
    "--params",
    "params_file",
    type=click.File("r", encoding="utf-8"),
    help="A JSON file with the params object; ARGs are added to it, and win over it.",
)
# Every option call and download share, in the order --help lists them.
call_options = [
    method_argument,
    items_argument,
    params_option,
    catalog_option,
    click.option(
        "--validate",
        "mode",
        type=click.Choice(MODES),
        default=DEFAULT_MODE,
        show_default=True,
        help="Check against the catalog: off; warn (report, then send); errors (refuse a call with an "
        "error, an almost sure typo; report warnings and send); strict (refuse on warnings too).",
    ),
    click.option("--strict", is_flag=True, help="Same as --validate strict."),
    click.option(
        "--host",
        envvar="JERASOFT_HOST",
        show_envvar=True,
        help="Billing host or URL (http://... for plain HTTP; a path is a proxy's base).",
    ),
    click.option(
        "--port", type=click.IntRange(1, 65535), default=None, help="Port (default 443; 80 means plain HTTP)."
    ),
    click.option("--login", envvar="JERASOFT_LOGIN", show_envvar=True, help="API login."),
    click.option(
        "--password",
        envvar="JERASOFT_PASSWORD",
        show_envvar=True,
        help="API password: better in the environment or typed at the prompt (hidden), which a login "
        "without one on a terminal asks for; on the command line it shows in ps.",
    ),
    click.option(
        "--sid", envvar="JERASOFT_SID", show_envvar=True, help="An existing session id, instead of a login."
    ),
    click.option(
        "--insecure", is_flag=True, help="Do not verify the billing's TLS certificate (not advised)."
    ),
    click.option(
        "--ca-bundle",
        type=click.Path(exists=True, dir_okay=False),
        help="Verify TLS against these CA certificates (a PEM file).",
    ),
    click.option(
        "--timeout",
        type=SECONDS,
        default=30.0,
        show_default=True,
        help="Seconds to wait for the billing; a call's whole reply must arrive within them.",
    ),
    click.option(
        "--dry-run",
        is_flag=True,
        help="Print the request (URL, headers, the exact body; credentials masked); send nothing.",
    ),
    click.option(
        "-v", "--verbose", is_flag=True, help="Print each request and reply on stderr (credentials masked)."
    ),
]


def _apply(options: list) -> Any:
    def decorate(function: Any) -> Any:
        for option in reversed(options):
            function = option(function)
        return function

    return decorate


def _params(params_file: Any, items: tuple[str, ...]) -> dict[str, Any]:
    base = None
    if params_file is not None:
        try:
            base = json.load(params_file)
        except RecursionError:
            raise UsageError(f"{params_file.name}: is nested too deep.") from None
        except ValueError as error:
            raise UsageError(f"{params_file.name}: is not valid JSON ({error}).") from None
        if not isinstance(base, dict):
            raise UsageError(f"{params_file.name}: must hold one JSON object of params.")
    return parse_items(items, base)


def _catalog(catalog_path: str | None, mode: str) -> Catalog | None:
    """The catalog to validate against; unless in strict mode, a missing catalog only skips validation."""
    if mode == "off":
        return None
    path = catalog_path or default_catalog_path()
    if mode != "strict" and not os.path.exists(path):
        click.echo(f"logminer: note: no catalog at {path}; the call is not checked.", err=True)
        return None
    return load_catalog(path)


def _interactive() -> bool:
    """Whether a person is at the terminal to type a password."""
    return sys.stdin.isatty()


def _prepare(
    ctx: click.Context, options: dict[str, Any], *, download: bool = False, **limits: Any
) -> tuple[Client, CallRequest]:
    """What call and download share: the params, the client (``limits`` are more of its options), the
    request it builds (validated, its findings reported), and --dry-run, which prints that request
    and ends the command."""
    dry_run = options["dry_run"]
    params = _params(options["params_file"], options["items"])
    mode = "strict" if options["strict"] else options["mode"]
    password = options["password"]
    if options["login"] and not password and not options["sid"]:
        if dry_run:
            password = MASK  # nothing is sent: the request shows the mask where the password goes
        elif _interactive():
            password = click.prompt(f"Password for {options['login']}", hide_input=True, err=True)
    from ..calls.client import Client  # httpx is loaded only by the commands that send

    client = Client(
        options["host"] or (NO_HOST if dry_run else ""),
        options["login"],
        password,
        sid=options["sid"],
        port=options["port"],
        catalog=_catalog(options["catalog_path"], mode),
        validate=mode,
        timeout=options["timeout"],
        verify=False if options["insecure"] else options["ca_bundle"] or True,
        trace=_trace if options["verbose"] else None,
        **limits,
    )
    ctx.call_on_close(client.close)
    try:
        request = client.build_request(options["method"], params, download=download)
    except ValidationFailed as refused:
        _report(refused.findings)
        errors = sum(finding.level == "error" for finding in refused.findings)
        what = f"{errors} error{'s' * (errors != 1)}" if errors else "warnings (strict)"
        click.echo(
            f"logminer: {refused.method} was not sent: {what}; --validate warn sends it anyway.", err=True
        )
        ctx.exit(exit_code(refused))
    _report(request.findings)
    if dry_run:
        if not options["host"]:
            click.echo(f"logminer: note: no --host; the URL shows {NO_HOST}.", err=True)
        echo(request.shown())
        ctx.exit()
    return client, request


def _report(findings: list[Finding]) -> None:
    for finding in findings:
        click.echo(f"logminer: {visible(str(finding))}", err=True)


def _trace(text: str) -> None:
    """-v: one request or reply on stderr, credentials masked, then a blank line."""
    click.echo(visible_lines(text.rstrip("\n")) + "\n", err=True)


@click.command()
@method_argument
@items_argument
@params_option
@catalog_option
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
@format_option(("table", "json"))
@columns_option(("level", "argument", "message", "suggestions"), ("level", "argument", "message"))
def check(method, items, params_file, catalog_path, strict, fmt, columns) -> None:
    """Check a call of METHOD with ARGs against the catalog; nothing is sent.

    ARGs are request items: name=value (a string), name:=json (raw JSON), auth[login]=x,
    cp_modules[]=a (appends), fields[0][id]=5. Exit status 1 on errors (what is almost surely a
    typo: an unknown method, a near miss of an argument or of a value), and with --strict on
    warnings too; 0 when the call looks like what the log showed.
    """
    findings = validate(load_catalog(catalog_path, lazy=True), method, _params(params_file, items))
    if fmt == "json":
        click.echo(to_json([finding.to_dict() for finding in findings]))
    elif findings:
        echo(render_rows([finding.to_dict() for finding in findings], columns, fmt))
    else:
        click.echo(f"{method}: nothing to report; the call looks like what the catalog has seen.")
    if any(finding.level == "error" for finding in findings) or (strict and findings):
        sys.exit(FOUND)


@click.command()
@_apply(call_options)
@format_option(("table", "json"))
@columns_option(("key", "value"), ("key", "value"))
@click.pass_context
def call(ctx, fmt, columns, **options) -> None:
    """Validate a call of METHOD with ARGs, send it, and print what it returns.

    METHOD is a name (clients.add) or a path as the log or the browser shows it (/admin/clients/add).
    ARGs are request items (see `logminer check --help`). By default a call with an error (an
    unknown method, a near miss of an argument or value) is not sent. The billing's messages go to
    stderr; its return to stdout, as a table (records as rows) or, with --format json, the whole
    reply. A reply with code false exits non-zero, after printing it.
    """
    client, request = _prepare(ctx, options)
    response = client.send(request)
    shown = response.to_dict()
    if response.ok:
        for message in shown["messages"]:
            click.echo(f"billing: {table_cell(message)}", err=True)
    if fmt == "json":
        click.echo(to_json(shown))
    elif response.ok:
        echo(_return_table(shown["return"], columns))
    response.raise_for_code()


def _return_table(data: Any, columns: tuple[str, ...]) -> str:
    """A reply's return as a table: a list of records as rows, a column per key; anything else as
    rows of bracket paths and values (``columns``: key, value, or both)."""
    if isinstance(data, list) and data and all(isinstance(row, dict) for row in data):
        keys = list(dict.fromkeys(str(key) for row in data for key in row))
        return render_rows([{str(key): value for key, value in row.items()} for row in data], keys, "table")
    rows = [{"key": key, "value": value} for key, value in flatten(data)]
    return render_rows(rows, columns, "table") if rows else "(nothing returned)"


@click.command()
@_apply(call_options)
@click.option(
    "-o",
    "--output",
    help="A file to save to (replaced if it exists), a folder (existing, or ending with /; created), "
    "or - for standard output. Default: the current folder, under the billing's name for the file.",
)
@click.option("--force", is_flag=True, help="Replace a file of the same name in the folder.")
@click.option(
    "--max-bytes",
    type=SIZE,
    default="2G",
    show_default=True,
    help="Refuse a larger file (bytes, or 500M, 2G...).",
)
@click.option(
    "--max-time",
    type=SECONDS,
    default=3600.0,
    show_default=True,
    help="Seconds the whole download may take (a stall of --timeout seconds ends it sooner).",
)
@click.pass_context
def download(ctx, output, force, max_bytes, max_time, **options) -> None:
    """Download the file METHOD answers with (an invoice, an xDR list), streamed to disk.

    The file is named from the billing's reply unless -o names it, and appears only when complete;
    a file the billing names never replaces one of yours unless --force says so.
    """
    client, request = _prepare(ctx, options, download=True, max_download_bytes=max_bytes, max_time=max_time)
    bar = ProgressBar.on_terminal()
    progress = functools.partial(bar, request.method) if bar is not None else None
    dest = sys.stdout.buffer if output == "-" else output
    try:
        path = client.save(request, dest, progress=progress, force=force)
    finally:
        if bar is not None:
            bar.close()
    if path is not None:
        click.echo(f"Saved {path} ({path.stat().st_size} bytes).")


@click.command()
@catalog_option
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=8080,
    show_default=True,
    help="Port on 127.0.0.1 (0: any free port).",
)
@click.option("--login", default="demo", show_default=True, help="The login the sandbox accepts.")
@click.option("--password", default="demo", help="The password the sandbox accepts (default: demo).")
@click.option(
    "--download-size",
    type=click.IntRange(0),
    default=1024 * 1024,
    show_default=True,
    help="Bytes of each file served.",
)
def sandbox(catalog_path, port, login, password, download_size) -> None:
    """Serve a sandbox billing on 127.0.0.1 that answers every method of the catalog.

    Calls are checked the way the billing would (an argument present in every observed call but
    missing is refused) and accepted params are echoed back. Stop it with Ctrl-C.
    """
    catalog = load_catalog(catalog_path)
    if not catalog.methods:
        raise CatalogError("The catalog has no methods; mine a runtime log into it first.")
    try:
        from ..calls.sandbox import Sandbox

        server = Sandbox(catalog, login=login, password=password, port=port, download_size=download_size)
    except OSError as error:
        raise UsageError(
            f"Cannot listen on 127.0.0.1:{port} ({error.strerror}); try another --port."
        ) from None
    click.echo(
        f"Sandbox billing at {server.url}/jsonrpc/ answering {len(catalog.methods)} methods; "
        f"log in as {login!r}.\nTry: JERASOFT_PASSWORD=... logminer call clients.editForm id_clients=11 "
        f"--host {server.url} --login {login}"
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


def flatten(data: Any, prefix: str = "") -> list[tuple[str, Any]]:
    """A reply's ``return`` as (bracket path, value) rows: ``client[name]``, ``rows[0][id]``."""
    if isinstance(data, dict):
        items = data.items()
    elif isinstance(data, list):
        items = enumerate(data)
    else:
        return [(prefix or "return", data)] if data is not None else []
    rows: list[tuple[str, Any]] = []
    for key, value in items:
        path = f"{prefix}[{key}]" if prefix else str(key)
        if isinstance(value, (dict, list)) and value:
            rows.extend(flatten(value, path))
        else:
            rows.append((path, value))
    return rows


COMMANDS = [check, call, download, sandbox]
