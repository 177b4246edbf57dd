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
from qa.limits import MAX_K

F = TypeVar("F", bound=Callable[..., Any])


def _store_options(func: F, *, serves_remote: bool) -> F:
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
            hidden=not serves_remote,
            help="Ask a `qa serve` at URL instead of a local store (env QA_SERVER; "
            "token: QA_TOKEN).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def common_options(func: F) -> F:
    """Store options, accepted before or after the command name."""
    return _store_options(func, serves_remote=True)


def local_options(func: F) -> F:
    """The same, for a command that runs where the store is (`qa.cli.remote.local_only`):
    --server is still read, to be refused in one line, but not offered in its --help."""
    return _store_options(func, serves_remote=False)


class Count(click.IntRange):
    """A count such as -k, refused in words: click's own says "not a valid integer range"."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        try:
            return super().convert(value, param, ctx)
        except click.BadParameter:
            name = param.opts[0] if param is not None and param.opts else "it"
            self.fail(
                f"{value!r} is not a count: {name} takes an integer from {self.min} to {self.max}",
                param,
                ctx,
            )


def k_option(what: str) -> Callable[[F], F]:
    """-k N: how many `what` to show, from 1 to `qa.limits.MAX_K`."""
    return click.option(
        "-k",
        "k",
        type=Count(1, MAX_K),
        default=10,
        show_default=True,
        metavar="N",
        help=f"How many {what} to show.",
    )


def settings_for(ctx: click.Context, **local: Any) -> Settings:
    """Merge group-level and command-level options: the command's own flag wins."""
    merged: dict[str, Any] = dict(ctx.obj or {})
    merged.update({k: v for k, v in local.items() if v is not None})
    try:
        return Settings.from_env(**merged)
    except SettingsError as exc:
        raise click.UsageError(str(exc)) from exc
