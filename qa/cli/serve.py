"""`qa serve`: the store as an HTTP JSON API for `qa --server URL` clients."""

from __future__ import annotations

import os
from typing import Any

import click

from qa.cli.boundary import one_line_errors
from qa.cli.help import Command
from qa.cli.options import local_options, settings_for
from qa.cli.remote import local_only
from qa.cli.stores import check_store_model, require_store


@click.command(cls=Command)
@local_options
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; any but loopback needs a token.",
)
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True)
@click.option(
    "--token",
    default=None,
    help="Bearer token every request must send (env QA_TOKEN; required off loopback).",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Questions answered at once, one engine each (default: cores, at most 4).",
)
@click.pass_context
def serve(
    ctx: click.Context,
    /,
    host: str,
    port: int,
    token: str | None,
    workers: int | None,
    **options: Any,
) -> None:
    """Serve the store as an HTTP JSON API for `qa --server URL` clients.

    Endpoints: POST /v1/ask, GET /v1/cables/ID[?para=N], /v1/cables/ID/referencing,
    /v1/stats, /health; the OpenAPI description is at /openapi.json. Ingest is
    never served: run `qa ingest` on this machine. Off loopback, set QA_TOKEN
    (or --token); clients send it as a bearer token (`qa --server URL` reads
    QA_TOKEN).
    """
    settings = settings_for(ctx, **options)
    local_only(settings, "serve")
    token = token or os.environ.get("QA_TOKEN") or None
    with one_line_errors():
        from qa.server import is_loopback

    if not is_loopback(host) and not token:
        raise click.UsageError(
            f"--host {host} opens the store to the network: give a token (--token or QA_TOKEN)"
        )
    with one_line_errors():
        require_store(settings)
        check_store_model(settings)
        from qa.server import serve as run_server

        click.echo(f"serving {settings.store} on http://{host}:{port}", err=True)
        run_server(settings, host=host, port=port, token=token, workers=workers)
