"""`--server URL` (or ``QA_SERVER``): the commands that may ask a `qa serve` instead of
a local store, and the ones that must run where the store is."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import click

from qa.config import Settings


def remote(settings: Settings) -> Any:
    """The `qa serve` named by --server / QA_SERVER, as an engine (`qa.client.RemoteEngine`)."""
    from qa.client import RemoteEngine

    assert settings.server is not None
    return RemoteEngine(settings.server, token=os.environ.get("QA_TOKEN") or None)


@contextmanager
def engine_for(settings: Settings, *, sample: bool = False) -> Iterator[Any]:
    """The `qa serve` named by --server, else the engine over the local store; closed after.
    `sample`: the default store, missing, is made of the built-in sample first."""
    if not settings.server:
        from qa.cli.stores import open_engine

        with open_engine(settings, sample=sample) as local:
            yield local
        return
    engine = remote(settings)
    try:
        yield engine
    finally:
        engine.close()


def local_only(settings: Settings, command: str) -> None:
    """Refuse --server for a command that reads or writes the store itself."""
    if settings.server:
        raise click.UsageError(
            f"`qa {command}` runs where the store is; "
            "--server serves ask, show, similar, stats and tui"
        )


def remote_stats(settings: Settings, *, as_json: bool) -> str:
    """`qa stats` as the server formats it: `embeddings.stats` would import numpy here."""
    server = remote(settings)
    try:
        shown = server.stats(text=not as_json)
    finally:
        server.close()
    return json.dumps(shown) if as_json else str(shown)
