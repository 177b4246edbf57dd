"""`qa ingest`: read cables into the store, with progress, and a one-line summary."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import click

from embeddings.names import BACKENDS
from qa.cli.boundary import one_line_errors
from qa.cli.help import Command
from qa.cli.options import local_options, settings_for
from qa.cli.remote import local_only
from qa.cli.stores import foreign_files


@click.command(cls=Command)
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@local_options
@click.option(
    "--batch-size", type=click.IntRange(1, 4096), default=None, help="Windows per model call."
)
@click.option(
    "--backend",
    type=click.Choice(BACKENDS),
    default="torch",
    show_default=True,
    help="How the model runs: torch, or ONNX (fp32, or int8 on CPU for speed).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 1024),
    default=None,
    help="CPU threads for the model (env QA_THREADS; default: every core).",
)
@click.option(
    "--year",
    type=click.IntRange(1940, 2030),
    default=None,
    help="The year of files that state no date (kept with the date marked approximate).",
)
@click.option("--json", "as_json", is_flag=True, help="Print only a JSON summary.")
@click.option(
    "-q", "--quiet", is_flag=True, help="No progress; errors and the summary still print."
)
@click.pass_context
def ingest(
    ctx: click.Context,
    /,
    paths: tuple[Path, ...],
    batch_size: int | None,
    backend: str,
    threads: int | None,
    year: int | None,
    as_json: bool,
    quiet: bool,
    **options: Any,
) -> None:
    """Read cables (files or folders, any format) into the store. Idempotent.

    Files already ingested and unchanged since are skipped unread, and the model
    loads only when a cable needs encoding. Progress goes to stderr: a line
    rewritten in place on a terminal, a plain line every 10 s otherwise.
    A file or CSV row that cannot be read is named on stderr and the rest is
    stored; the exit status is then 1, so a script can tell.
    """
    started = time.monotonic()
    settings = settings_for(ctx, batch_size=batch_size, **options)
    local_only(settings, "ingest")
    if foreign_files(settings.store):
        raise click.ClickException(
            f"{settings.store} is not a store and holds other files: name a new or empty "
            "folder with --store"
        )
    with one_line_errors():
        from embeddings.ingest import IngestOptions
        from embeddings.ingest import ingest as run_ingest
        from embeddings.progress import progress_for

        progress = None if as_json or quiet else progress_for()
        try:
            summary = run_ingest(
                list(paths),
                IngestOptions(
                    store_dir=settings.store,
                    chroma_url=settings.chroma_url,
                    model=settings.model,
                    device=settings.device,
                    batch_size=settings.batch_size,
                    backend=backend,
                    threads=threads,
                    progress=progress,
                    started=started,
                    year=year,
                ),
            )
        finally:  # an error message must not land on the end of a progress line
            if progress is not None:
                progress.close()
        if as_json:
            click.echo(json.dumps(summary.to_json()))
        else:
            for error in summary.errors:
                click.echo(f"skipped {error}", err=True)
            for cable in summary.withdrawn:
                click.echo(f"withdrawn {cable}", err=True)
            for note in summary.notes:  # a repair made before reading: the user should know
                click.echo(f"repaired the store: {note}", err=True)
            click.echo(summary.line())
        if summary.interrupted:
            raise SystemExit(130)
        if summary.failed:  # everything else is stored; a script must still see the loss
            raise SystemExit(1)
