"""The commands that talk to a billing (or pretend to): ``check``, ``call``, ``download``, ``sandbox``.

Each is a thin wrapper over the Python API (``validate``, ``Client``, ``parse_items``, ``Sandbox``).
The lead registers them on the ``logminer`` group, whose error handling turns every
``logminer.Error`` into a one-line message. Shared options come from ``_cli_options``.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from typing import TYPE_CHECKING, Any

import click

from .._errors import CatalogError, UsageError
from ..calls.items import parse_items
from ..calls.validate import Finding, enforce, validate
from ..catalog.model import Catalog
from ..catalog.store import default_catalog_path, load_catalog
from .options import catalog_option, columns_option, complete_arguments, format_option, method_argument
from .output import render_rows, to_json
from .progress import ProgressBar

if TYPE_CHECKING:
    from ..calls.client import Client


items_argument = click.argument("items", nargs=-1, metavar="[ARG]...", shell_complete=complete_arguments)
params_option = click.option(
    "--params",
    "params_file",
    type=click.File("r", encoding="utf-8"),
    help="A JSON file with the params object; ARGs add to it.",
)
validate_options = [
    click.option(
        "--validate",
        "mode",
        type=click.Choice(["off", "warn", "strict"]),
        default="warn",
        show_default=True,
        help="Check against the catalog: off; warn (report, then send); strict (report, send nothing).",
    ),
    click.option("--strict", is_flag=True, help="Same as --validate strict."),
]
connection_options = [
    click.option(
        "--host",
        envvar="JERASOFT_HOST",
        show_envvar=True,
        help="Billing host or URL (http://... for plain HTTP).",
    ),
    click.option("--port", type=int, default=None, help="Port (default 443; 80 means plain HTTP)."),
    click.option("--login", envvar="JERASOFT_LOGIN", show_envvar=True, help="API login."),
    click.option(
        "--password",
        envvar="JERASOFT_PASSWORD",
        show_envvar=True,
        help="API password (prompted for, hidden, when a login is given without one on a terminal).",
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
        help="Verify TLS against these CA certificates.",
    ),
    click.option(
        "--timeout",
        type=float,
        default=30.0,
        show_default=True,
        help="Seconds to wait for the billing; a call's whole reply must arrive within them.",
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
        except ValueError as error:
            raise UsageError(f"{params_file.name}: is not valid JSON ({error}).") from None
        if not isinstance(base, dict):
            raise UsageError(f"{params_file.name}: must hold one JSON object of params.")
    return parse_items(items, base)


def _mode(mode: str, strict: bool) -> str:
    return "strict" if strict else mode


def _client(options: dict[str, Any], *, prompt: bool = True) -> Client:
    host = options["host"]
    if not host:
        raise UsageError("No billing host: give --host or set JERASOFT_HOST (e.g. http://127.0.0.1:8080).")
    password = options["password"]
    if prompt and options["login"] and password is None and not options["sid"] and _interactive():
        password = click.prompt(f"Password for {options['login']}", hide_input=True, err=True)
    verify: Any = True
    if options["insecure"]:
        verify = False
    elif options["ca_bundle"]:
        verify = options["ca_bundle"]
    from ..calls.client import Client  # httpx is loaded only by the commands that send

    return Client(
        host,
        options["login"],
        password,
        sid=options["sid"],
        port=options["port"],
        validate="off",
        timeout=options["timeout"],
        verify=verify,
        raise_for_code=True,
    )


def _interactive() -> bool:
    """Whether a person is at the terminal to type a password."""
    return sys.stdin.isatty()


def _catalog(catalog_path: str | None, mode: str) -> Catalog | None:
    """The catalog to validate against; in warn mode a missing catalog only skips validation."""
    if mode == "off":
        return None
    path = catalog_path or default_catalog_path()
    if mode == "warn" and not os.path.exists(path):
        click.echo(f"logminer: note: no catalog at {path}; the call is not validated.", err=True)
        return None
    return load_catalog(path)


def _report(findings: list[Finding]) -> None:
    for finding in findings:
        click.echo(f"logminer: {finding}", err=True)


def _connection(kwargs: dict[str, Any]) -> dict[str, Any]:
    names = ("host", "port", "login", "password", "sid", "insecure", "ca_bundle", "timeout")
    return {name: kwargs.pop(name) for name in names}


@click.command()
@method_argument
@items_argument
@params_option
@catalog_option
@click.option("--strict", is_flag=True, help="Exit non-zero on warnings too.")
@format_option(("table", "json"))
@columns_option(("level", "argument", "message", "suggestions"), ("level", "argument", "message"))
def check(method, items, params_file, catalog_path, strict, fmt, columns) -> None:
    """Check a call of METHOD with ARGs against the catalog; nothing is sent.

    ARGs are request items: name=value (a string), name:=json (raw JSON), auth[login]=x,
    cp_modules[]=a (appends), fields[0][id]=5. Exit status 1 on errors (an unknown method or
    argument), and with --strict on warnings too; 0 when the call looks like what the log showed.
    """
    findings = validate(load_catalog(catalog_path, lazy=True), method, _params(params_file, items))
    if fmt == "json":
        click.echo(to_json([finding.to_dict() for finding in findings]))
    elif findings:
        click.echo(render_rows([finding.to_dict() for finding in findings], columns, fmt))
    else:
        click.echo(f"{method}: nothing to report; the call looks like what the catalog has seen.")
    if any(finding.level == "error" for finding in findings) or (strict and findings):
        sys.exit(1)


@click.command()
@method_argument
@items_argument
@params_option
@catalog_option
@_apply(validate_options)
@_apply(connection_options)
@click.option(
    "--dry-run", is_flag=True, help="Print the JSON-RPC request (credentials masked); send nothing."
)
@format_option(("table", "json"))
@columns_option(("key", "value"), ("key", "value"))
def call(method, items, params_file, catalog_path, mode, strict, dry_run, fmt, columns, **kwargs) -> None:
    """Validate a call of METHOD with ARGs, send it, and print what it returns.

    ARGs are request items (see `logminer check --help`). A reply with code false is an error.
    """
    options = _connection(kwargs)
    params = _params(params_file, items)
    mode = _mode(mode, strict)
    catalog = _catalog(catalog_path, mode)
    findings = validate(catalog, method, params) if catalog is not None else []
    _report(findings)
    enforce(method, findings, mode)
    if dry_run:
        if not options["host"]:
            options["host"] = "billing.invalid"
        with _client(options, prompt=False) as client:
            click.echo(to_json(client.request(method, params)))
        return
    with _client(options) as client:
        response = client.call(method, params, validate="off")
    for message in response.messages:
        click.echo(f"logminer: {message}", err=True)
    if fmt == "json":
        click.echo(to_json(response.data))
    else:
        rows = [{"key": key, "value": value} for key, value in flatten(response.data)]
        click.echo(render_rows(rows, columns, "table") if rows else "(nothing returned)")


@click.command()
@method_argument
@items_argument
@params_option
@click.option(
    "-o",
    "--output",
    type=click.Path(),
    help="File to save to, or a folder (default: here, named by the billing).",
)
@catalog_option
@_apply(validate_options)
@_apply(connection_options)
def download(method, items, params_file, output, catalog_path, mode, strict, **kwargs) -> None:
    """Download the file METHOD answers with (an invoice, an xDR list), streamed to disk.

    The file is named from the billing's reply unless -o names it, and appears only when complete.
    """
    options = _connection(kwargs)
    params = _params(params_file, items)
    mode = _mode(mode, strict)
    catalog = _catalog(catalog_path, mode)
    findings = validate(catalog, method, params) if catalog is not None else []
    _report(findings)
    enforce(method, findings, mode)
    bar = ProgressBar.on_terminal()
    progress = functools.partial(bar, method) if bar is not None else None
    try:
        with _client(options) as client:
            path = client.download(method, params, output, progress=progress, validate="off")
    finally:
        if bar is not None:
            bar.close()
    click.echo(f"Saved {path} ({path.stat().st_size} bytes).")


@click.command()
@catalog_option
@click.option(
    "--port", type=int, default=8080, show_default=True, help="Port on 127.0.0.1 (0: any free port)."
)
@click.option("--login", default="demo", show_default=True, help="The login the sandbox accepts.")
@click.option("--password", default="demo", help="The password the sandbox accepts (default: demo).")
@click.option(
    "--download-size", type=int, default=1024 * 1024, show_default=True, help="Bytes of each file served."
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
        f"log in as {login!r}.\nTry: logminer call clients.editForm id_clients=11 --host {server.url} "
        f"--login {login}"
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
