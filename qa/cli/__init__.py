"""The `qa` command: a thin shell over the engine and the ingest, or with
``--server URL`` over a `qa serve` (`qa.cli.remote`; the command: `qa.cli.serve`).

Everything heavy (torch, chromadb, textual, numpy) is imported inside the
command that needs it, so `qa --help` stays fast. Errors the project raises on
purpose (`corpus.errors.CableQAError`) and failures of the machine (`OSError`:
a full disk, a missing permission) become one line and exit status 1; anything
else is a bug and says so in one line (exit status 70), with the traceback
under ``QA_DEBUG=1``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from qa.cli.boundary import BUG_EXIT, one_line_errors, report_bug
from qa.cli.help import EXAMPLES, Group
from qa.cli.ingest import ingest
from qa.cli.options import common_options, k_option, local_options, settings_for
from qa.cli.parsing import (
    QuestionError,
    check_question,
    date_option,
    parse_citation,
    read_question,
)
from qa.cli.remote import engine_for, local_only, remote, remote_stats
from qa.cli.serve import serve
from qa.cli.stores import check_store_model, empty_store, require_store
from qa.errors import missing_paragraph
from qa.limits import MAX_QUESTION_CHARS

__all__ = [
    "BUG_EXIT",
    "EXAMPLES",
    "MAX_QUESTION_CHARS",
    "QuestionError",
    "check_question",
    "cli",
    "main",
    "parse_citation",
    "report_bug",
]


def _interactive() -> bool:
    """Whether both stdin and stdout are terminals, as the TUI needs."""
    import sys

    return sys.stdin.isatty() and sys.stdout.isatty()


class NoTerminal(click.ClickException):
    """The TUI refused where it cannot be drawn: one line, the usage error status (off a
    terminal Textual would write escape codes to a pipe and never end)."""

    exit_code = 2


def _require_terminal() -> None:
    import sys

    if _interactive():
        return
    stream = "input" if not sys.stdin.isatty() else "output"
    raise NoTerminal(
        f"`qa tui` needs a terminal, and standard {stream} is not one:"
        ' run it in a terminal, or ask with `qa ask "QUESTION"`'
    )


@click.group(
    cls=Group,
    invoke_without_command=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)
@common_options
@click.version_option(package_name="cable-qa", prog_name="qa")
@click.pass_context
def cli(ctx: click.Context, /, **options: Any) -> None:
    """Ask plain-language questions of diplomatic cables and get the cited paragraphs.

    With no command, opens the TUI on a terminal; with no terminal, prints this help
    and exits with status 2.
    """
    ctx.obj = {k: v for k, v in options.items() if v is not None}
    if ctx.invoked_subcommand is None:
        if not _interactive():
            click.echo(ctx.get_help())
            ctx.exit(2)
        ctx.invoke(tui)


@cli.command()
@click.argument("question")
@common_options
@k_option("paragraphs")
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object: question, filters, answered, results."
)
@click.option("--markdown", "as_markdown", is_flag=True, help="Markdown for quoting.")
@click.option("--since", metavar="YYYY-MM-DD", default=None, help="Only cables from this date on.")
@click.option("--until", metavar="YYYY-MM-DD", default=None, help="Only cables up to this date.")
@click.option("--origin", default=None, help="Only cables from this post (e.g. 'Paris').")
@click.option("--classification", default=None, help="e.g. SECRET, CONFIDENTIAL.")
@click.option("--tag", default=None, help="A TAG code, e.g. PREL.")
@click.option("--no-infer", is_flag=True, help="Do not read filters from the question's words.")
@click.option(
    "--strict-dates",
    is_flag=True,
    help="Dates read from the question exclude other cables (by default they rank them lower).",
)
@click.option(
    "--facets", is_flag=True, help="Also count the best matching cables by year, origin and TAG."
)
@click.option(
    "--full",
    "-v",
    "full",
    is_flag=True,
    help="Whole paragraphs on a terminal too (piped output always has them).",
)
@click.option("--no-pager", is_flag=True, help="Never page long output on a terminal.")
@click.option(
    "--history",
    multiple=True,
    help="An earlier question this one follows up (repeatable, oldest first).",
)
@click.pass_context
def ask(
    ctx: click.Context,
    /,
    question: str,
    k: int,
    as_json: bool,
    as_markdown: bool,
    since: str | None,
    until: str | None,
    origin: str | None,
    classification: str | None,
    tag: str | None,
    no_infer: bool,
    strict_dates: bool,
    full: bool,
    no_pager: bool,
    history: tuple[str, ...],
    facets: bool,
    **options: Any,
) -> None:
    """Answer QUESTION with the ranked, cited paragraphs; a QUESTION of - is read from
    standard input."""
    if as_json and as_markdown:
        raise click.UsageError("choose one of --json and --markdown")
    question = check_question(read_question(question))
    settings = settings_for(ctx, infer_filters=not no_infer, **options)
    with one_line_errors():
        from qa.answer import Filters

        first, last = date_option(since, "--since"), date_option(until, "--until")
        if first and last and first > last:
            raise click.BadParameter(f"{since} is after --until {until}", param_hint="--since")
        filters = Filters(
            since=first,
            until=last,
            origin=origin,
            classification=classification,
            tag=tag.upper() if tag else None,
            strict_dates=strict_dates,
        )
        with engine_for(settings, sample=True) as engine:
            answer = engine.ask(
                question,
                k=k,
                filters=filters,
                history=history,
                infer=False if no_infer else None,
                facets=facets,
            )
        if as_json:
            click.echo(json.dumps(answer.to_json(), ensure_ascii=False))
        elif as_markdown:
            from qa.render import render_markdown

            click.echo(render_markdown(answer))
        else:
            from qa import terminal
            from qa.render import render_compact, render_facets, render_text

            if not terminal.to_terminal():
                text = render_text(answer, marks=True)
            elif full:
                text = render_text(answer)
            else:
                text = render_compact(answer, terminal.width())
            if answer.facets is not None:
                text = render_facets(answer.facets) + text
            terminal.echo(text, page=terminal.to_terminal() and not no_pager)


@cli.command(name="eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@local_options
@click.option("--json", "as_json", is_flag=True, help="Metrics and every question as JSON.")
@click.option(
    "--mode",
    type=click.Choice(["hybrid", "dense", "lexical"]),
    default="hybrid",
    show_default=True,
    help="hybrid: the engine; dense / lexical: the plain retrievers, as baselines.",
)
@k_option("results scored per question")
@click.pass_context
def evaluate(
    ctx: click.Context, /, file: Path, as_json: bool, mode: str, k: int, **options: Any
) -> None:
    """Score retrieval on FILE, a question set in JSON lines.

    \b
    Each line: {"id": "q1", "question": "...",
                "gold": [{"cable_id": "06MEXICO3305", "para": "4"}]}
    gold [] marks a question the cables cannot answer; optional keys:
    "kind", "history" (earlier questions), "filters" ({"year": 2006, ...}).
    """
    settings = settings_for(ctx, **options)
    local_only(settings, "eval")
    with one_line_errors():
        from qa.engine import Engine
        from qa.evaluate import run_eval

        require_store(settings)
        check_store_model(settings, cables=True)
        engine = Engine(settings)
        try:
            engine.warm()  # many questions: latencies are warm ones, big stores use HNSW
            report = run_eval(engine, file, mode=mode, k=k, paragraphs=engine.paragraph_numbers)
        finally:
            engine.close()
        for warning in report.warnings():
            click.echo(warning, err=True)
        click.echo(json.dumps(report.to_json()) if as_json else report.format())


@cli.command()
@click.argument("cable_id")
@click.argument("para", required=False)
@common_options
@click.option(
    "--json", "as_json", is_flag=True, help="One JSON object: the cable's fields and paragraphs."
)
@click.option("--no-pager", is_flag=True, help="Never page long output on a terminal.")
@click.pass_context
def show(
    ctx: click.Context,
    /,
    cable_id: str,
    para: str | None,
    as_json: bool,
    no_pager: bool,
    **options: Any,
) -> None:
    """Print a cable from the store, or one of its paragraphs.

    CABLE_ID may be a whole citation, as printed by `qa ask`: "06MEXICO3305 ¶4",
    06MEXICO3305:4, or 06MEXICO3305 ¶4 in two words; case does not matter.
    """
    cable_id, para = parse_citation(cable_id, para)
    settings = settings_for(ctx, **options)
    with one_line_errors():
        from qa.render import render_cable

        with engine_for(settings) as engine:
            cable = engine.cable(cable_id)
        if cable is None:
            where = settings.server or settings.store
            raise click.ClickException(f"{cable_id} is not in the store {where}")
        if missing := missing_paragraph(cable, para):
            raise click.ClickException(missing)
        if as_json:
            from qa.answer import cable_json

            click.echo(json.dumps(cable_json(cable, para)))
            return
        from qa import terminal

        flat = not terminal.to_terminal()
        terminal.echo(render_cable(cable, para, flat=flat), page=not no_pager)


@cli.command()
@common_options
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def stats(ctx: click.Context, /, as_json: bool, **options: Any) -> None:
    """What the store holds: cables, paragraphs, records, by year, origin and classification."""
    settings = settings_for(ctx, **options)
    with one_line_errors():
        if settings.server:
            click.echo(remote_stats(settings, as_json=as_json))
            return
        from embeddings.stats import format_stats
        from embeddings.stats import stats as store_stats

        require_store(settings)
        data = store_stats(settings.store, settings.chroma_url)
        if as_json:
            click.echo(json.dumps(data))
        elif not data["cables"]:  # not a table of zeros and blanks
            click.echo(empty_store(settings))
        else:
            from qa import terminal

            width = terminal.width() if terminal.to_terminal() else None
            click.echo(format_stats(data, width))


@cli.command()
@common_options
@click.option("--new", is_flag=True, help="Start afresh, not where the last session was left.")
@click.pass_context
def tui(ctx: click.Context, /, new: bool = False, **options: Any) -> None:
    """Chat-style questioning with cited paragraphs and a cable viewer.

    The conversation is kept in the store folder and goes on next time. It needs a
    terminal: with standard input or output not one, it exits with status 2.
    """
    _require_terminal()
    settings = settings_for(ctx, **options)
    with one_line_errors():
        from qa.tui.app import run

        if settings.server:
            server = remote(settings)
            try:
                server.health()  # an unreachable server or a wrong token: one line, no TUI
                run(settings, engine=server)
            finally:
                server.close()
            return
        require_store(settings, sample=True)
        check_store_model(settings, cables=True)
        run(settings, new=new)


from qa.cli.similar import similar  # noqa: E402 (its own module)

cli.add_command(similar)
cli.add_command(ingest)


cli.add_command(serve)


def main() -> None:
    cli(prog_name="qa")
