"""`qa similar`: the paragraphs of other cables closest to one paragraph."""

from __future__ import annotations

import json
from typing import Any

import click

from corpus.display import shown_line
from qa.cli.boundary import one_line_errors
from qa.cli.help import Command
from qa.cli.options import common_options, k_option, settings_for
from qa.cli.parsing import parse_citation
from qa.cli.remote import engine_for


@click.command(cls=Command)
@click.argument("cable_id")
@click.argument("para", required=False)
@common_options
@k_option("paragraphs")
@click.option("--json", "as_json", is_flag=True, help="One JSON object: the source and results.")
@click.option("--no-pager", is_flag=True, help="Never page long output on a terminal.")
@click.pass_context
def similar(
    ctx: click.Context,
    /,
    cable_id: str,
    para: str | None,
    k: int,
    as_json: bool,
    no_pager: bool,
    **options: Any,
) -> None:
    """Paragraphs of other cables closest to paragraph PARA of CABLE_ID.

    The citation may be written as `qa show` takes it: "06MEXICO3305 ¶4",
    06MEXICO3305:4, or 06MEXICO3305 4. Paragraphs with exactly the same text
    are shown once, with the other cables that hold it.
    """
    cable_id, para = parse_citation(cable_id, para)
    if para is None:
        shown = shown_line(cable_id)[:40]
        raise click.UsageError(f'name a paragraph: qa similar "{shown} ¶1" (or {shown} 1)')
    settings = settings_for(ctx, **options)
    with one_line_errors():
        with engine_for(settings) as engine:
            found = engine.similar(cable_id, para, k=k)
        if as_json:
            click.echo(json.dumps(found.to_json(), ensure_ascii=False))
            return
        from qa import terminal
        from qa.render import render_neighbours

        on_terminal = terminal.to_terminal()
        terminal.echo(render_neighbours(found, marks=not on_terminal), page=not no_pager)
