"""The options every command takes (store, Chroma server, model, device, `qa serve`
URL), before or after the command name, merged into one `Settings`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from embeddings.names import DEVICES
from qa.config import Settings
from qa.errors import SettingsError

F = TypeVar("F", bound=Callable[..., Any])


def common_options(func: F) -> F:
    """Store options, accepted before or after the command name."""
    options = [
        click.option(
            "--store",
            type=click.Path(file_okay=False, path_type=Path),
            default=None,
            help="Store folder (env QA_STORE; default: the user data folder).",
        ),
        click.option(
            "--chroma-url",
            default=None,
            help="Chroma server URL, e.g. http://127.0.0.1:8000 (env QA_CHROMA_URL).",
        ),
        click.option(
            "--model",
            default=None,
            help="sentence-transformers model name or path (env QA_MODEL).",
        ),
        click.option(
            "--device",
            type=click.Choice(DEVICES),
            default=None,
            help="Where the model runs (env QA_DEVICE; default auto).",
        ),
        click.option(
            "--server",
            default=None,
            metavar="URL",
            help="Ask a `qa serve` at URL instead of a local store (env QA_SERVER; "
            "token: QA_TOKEN).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def settings_for(ctx: click.Context, **local: Any) -> Settings:
    """Merge group-level and command-level options: the command's own flag wins."""
    merged: dict[str, Any] = dict(ctx.obj or {})
    merged.update({k: v for k, v in local.items() if v is not None})
    try:
        return Settings.from_env(**merged)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
