"""Checks of the store a command names, made before any work: a missing or foreign
store is one line, and only the default store is ever created by a question."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import click

from qa.cli.boundary import require_local
from qa.config import Settings

if TYPE_CHECKING:
    from qa.engine import Engine


def store_exists(settings: Settings) -> bool:
    return (settings.store / "ledger.sqlite3").is_file()


_STORE_PARTS = frozenset({"lock", "chroma", "onnx", "cache"})


def foreign_files(store: Path) -> bool:
    """A folder with no ledger that holds anything but what an ingest stopped early
    leaves: an ingest must not write a store into the user's cables folder."""
    if (store / "ledger.sqlite3").is_file() or not store.exists():
        return False
    if not store.is_dir():
        return True
    return any(p.name not in _STORE_PARTS for p in store.iterdir())


def check_store_model(settings: Settings, *, cables: bool = False) -> None:
    """Refuse a store of another model before loading any: its vectors cannot be compared
    with this model's (the dimensions may even agree), and loading costs seconds. With
    `cables`, refuse a store with nothing to search too: an ingest of only empty or
    unreadable files leaves a ledger with no cable (a count of cables, never of the
    millions of records)."""
    if not store_exists(settings):
        return
    from embeddings.ledger import Ledger

    ledger = Ledger.open(settings.store)
    try:
        ledger.require_model(settings.model)
        empty = cables and (ledger.model() is None or ledger.count("cables") == 0)
    finally:
        ledger.close()
    if empty:
        raise click.ClickException(
            f"the store {settings.store} holds no cables yet: add some with `{_ingest(settings)}`"
        )


def require_store(settings: Settings, *, sample: bool = False) -> None:
    """Refuse a store that is not there before any work, in one line.

    Only the default store is ever created by a question (`sample`: with the
    built-in sample cable); a store named with --store or QA_STORE that does not
    exist is a typo or a wrong folder, and answering from a fresh one-cable store
    there would mislead.
    """
    require_local()
    if store_exists(settings):
        return
    store = settings.store
    if settings.store_named and store.exists() and (not store.is_dir() or any(store.iterdir())):
        raise click.ClickException(
            f"{store} is not a store: it holds files but no ledger.sqlite3 (name the store "
            "folder, or create a store with `qa ingest PATH... --store NEW_DIR`)"
        )
    if sample and not settings.store_named and not settings.chroma_url:
        _ensure_sample(settings)
        return
    raise click.ClickException(f"no store at {store}: create it with `{_ingest(settings)}`")


def _ingest(settings: Settings) -> str:
    """The command that adds cables to this store."""
    if settings.store_named:
        return f"qa ingest PATH... --store {settings.store}"
    return "qa ingest PATH..."


def empty_store(settings: Settings) -> str:
    """What `qa stats` says of a store with no cable."""
    return (
        f"the store {settings.store} is empty: no cables yet (add some with `{_ingest(settings)}`)"
    )


def _ensure_sample(settings: Settings) -> None:
    """With no default store yet, index the built-in sample cable so a first question gets
    an answer."""
    from importlib.resources import as_file, files

    from embeddings.ingest import IngestOptions, ingest

    sample = files("corpus") / "samples" / "06MEXICO3305.md"
    click.echo(
        f"No store at {settings.store} yet: indexing the built-in sample cable 06MEXICO3305 first.",
        err=True,
    )
    with as_file(sample) as path:
        ingest(
            [Path(path)],
            IngestOptions(
                store_dir=settings.store,
                chroma_url=settings.chroma_url,
                model=settings.model,
                device=settings.device,
            ),
        )


@contextmanager
def open_engine(settings: Settings, *, sample: bool = False) -> Iterator[Engine]:
    """The engine over a store that exists and was built with the model named, closed after
    (`sample`: see `require_store`)."""
    require_store(settings, sample=sample)
    check_store_model(settings, cables=True)
    from qa.engine import Engine

    engine = Engine(settings)
    try:
        yield engine
    finally:
        engine.close()
