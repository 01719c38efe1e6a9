"""``housingcalc serve``: the adviser's workspace in the browser (see docs/serve.md).

Listens on 127.0.0.1 on a free port, prints the address and opens the browser. With ``--host``
other than loopback (an office network) every request needs a token: the one given with
``--token``, or a new random one printed with the address. Nothing is stored: no case, upload
or figure outlives its request, and the log holds only method, path, status and time.
"""

from __future__ import annotations

import ipaddress
import secrets
import socket
from typing import Annotated

import typer

from housingcalc.errors import InputError


def is_loopback(host: str) -> bool:
    """``127.0.0.1``, ``::1`` and ``localhost`` are loopback; any other name or address is not.

    >>> is_loopback("127.0.0.1"), is_loopback("localhost"), is_loopback("0.0.0.0")
    (True, True, False)
    """
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def free_port(host: str) -> int:
    """A port the system says is free on ``host`` now."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.bind((host.strip("[]"), 0))
        return int(s.getsockname()[1])


def serve(
    host: Annotated[
        str,
        typer.Option(
            "--host",
            metavar="ADDRESS",
            help="Address to listen on. Anything but loopback (e.g. 0.0.0.0 for an office "
            "network) requires a token on every request.",
        ),
    ] = "127.0.0.1",
    port: Annotated[
        int,
        typer.Option("--port", metavar="N", help="Port to listen on (default: a free one)."),
    ] = 0,
    no_browser: Annotated[
        bool, typer.Option("--no-browser", help="Do not open the browser.")
    ] = False,
    token: Annotated[
        str | None,
        typer.Option(
            "--token",
            metavar="TOKEN",
            help="Require this token on every request (default off loopback: a random one, "
            "printed with the address).",
        ),
    ] = None,
) -> None:
    """Start the browser workspace: build a rent-to-own case, see the verdict as you type."""
    import logging
    import webbrowser

    import uvicorn

    from housingcalc.serve.app import create_app

    if not 0 <= port <= 65535:
        raise InputError("--port", port, "must be between 1 and 65535 (or 0: a free port)")
    loopback = is_loopback(host)
    if token is not None and len(token) < 16:
        raise InputError("--token", "…", "must be at least 16 characters")
    if not loopback and token is None:
        token = secrets.token_urlsafe(24)
    try:
        chosen = port or free_port(host)
    except OSError as exc:
        raise InputError("--host", host, f"cannot listen there ({exc.strerror})") from None
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    url = f"http://{shown}:{chosen}/"
    if token is not None:
        url += f"?token={token}"
    app = create_app(token=token, loopback_only=loopback)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s", datefmt="%H:%M:%S")
    typer.echo(f"housingcalc serve: {url}")
    if not loopback:
        typer.echo("  listening beyond this computer: every request needs the token above")
    typer.echo("  nothing is stored; stop with Ctrl+C")
    if not no_browser:
        webbrowser.open(url)
    uvicorn.run(
        app,
        host=host.strip("[]"),
        port=chosen,
        access_log=False,  # uvicorn's access log prints the query (the token); ours does not
        log_level="warning",
        server_header=False,
        limit_concurrency=64,
        timeout_keep_alive=5,
    )


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
