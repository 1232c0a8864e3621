"""The explore command: the explorer page served on 127.0.0.1, with "Try it" (``logminer.explorer.serve``)."""

from __future__ import annotations

import logging
from typing import Any

import click

# `logminer call`'s validation and connection options, the same words with the same help.
from .calls import _apply, _interactive, call_options
from .options import catalog_option

# The billing's port goes in --host (https://billing.example.net:8443): --port is the explorer's own.
SHARED = ("mode", "strict", "host", "login", "password", "sid", "insecure", "ca_bundle", "timeout")
billing_options = [
    option for option in call_options if option(lambda: None).__click_params__[0].name in SHARED
]


@click.command()
@catalog_option
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port on 127.0.0.1 (default: any free port)."
)
@click.option("--no-browser", is_flag=True, help="Only print the URL; do not open it in a browser.")
@click.option(
    "--sandbox",
    is_flag=True,
    help="Send Try it's calls to a sandbox billing started on a free port (instead of --host).",
)
@_apply(billing_options)
def explore(catalog_path, port, no_browser, sandbox, mode, strict, **connection: Any) -> None:
    """Serve the explorer page on 127.0.0.1, with "Try it": check calls and send them.

    Prints the page's URL, which holds a random token (anyone with the URL can use the explorer),
    and opens it in a browser. Calls go to the billing of --host (and JERASOFT_HOST...) as with
    `logminer call`, its port in the URL (https://billing.example.net:8443), or to a sandbox with
    --sandbox; the login and password stay in this process.
    The page follows the catalog file: reload it after a `logminer mine`. Stop with Ctrl-C.
    """
    from ..explorer import serve

    # The page shows each call's findings; the client's log of them would only clutter this terminal.
    logging.getLogger("logminer.client").addHandler(logging.NullHandler())
    mode = "strict" if strict else mode
    client = None
    if connection["host"] and not sandbox:
        from ..calls.client import Client  # httpx is loaded only by the commands that send

        password = connection["password"]
        if connection["login"] and not password and not connection["sid"] and _interactive():
            password = click.prompt(f"Password for {connection['login']}", hide_input=True, err=True)
        client = Client(
            connection["host"],
            connection["login"],
            password,
            sid=connection["sid"],
            validate=mode,
            timeout=connection["timeout"],
            verify=False if connection["insecure"] else connection["ca_bundle"] or True,
        )
    serve(
        catalog_path,
        client=client,
        sandbox=sandbox,
        validate=mode,
        port=port,
        open_browser=not no_browser,
        announce=click.echo,
    )


COMMANDS = [explore]
