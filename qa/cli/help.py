"""Every --help ends with real examples: command lines that name no file not shipped."""

from __future__ import annotations

import click

EXAMPLES = {
    "qa": (
        'qa ask "What did the embassy in Madrid say about ETA in 2006?"',
        'qa show "06MEXICO3305 ¶4"',
        "qa ingest --store ~/cables/store ~/cables/cablegate-2010/",
    ),
    "ingest": (
        "qa ingest ~/cables/cablegate-2010/ cables.csv",
        "qa ingest --json --backend onnx-int8 cables.csv",
        "qa ingest --store ~/cables/madrid-store cable/2006/02/",
    ),
    "ask": (
        'qa ask "What did the embassy want Mexico to do about its southern border?"',
        'qa ask -k 5 --json "secret cables about Hezbollah arms since March 2008"',
        'qa ask --markdown --origin Paris --since 2008-01-01 "nuclear talks with Iran"',
    ),
    "eval": (
        "qa eval questions.jsonl",
        "qa eval --mode dense --json -k 20 questions.jsonl",
    ),
    "show": (
        'qa show "06MEXICO3305 ¶4"',
        "qa show 06MEXICO3305",
        "qa show --json 06mexico3305:4",
    ),
    "similar": (
        'qa similar "06MEXICO3305 ¶4"',
        "qa similar --json -k 5 06MEXICO3305:4",
    ),
    "stats": ("qa stats", "qa --store ~/cables/madrid-store stats --json"),
    "tui": ("qa tui", "qa tui --new", "qa --store ~/cables/madrid-store tui"),
    "serve": (
        "qa serve --store ~/cables/store",
        "qa serve --port 8765 --workers 2",
    ),
}
"""Shown at the end of each command's --help: real command lines, no file that is not shipped."""


def _format_examples(name: str | None, formatter: click.HelpFormatter) -> None:
    examples = EXAMPLES.get(name or "", ())
    if examples:
        formatter.write_paragraph()
        formatter.write_text("Examples:")
        for line in examples:
            formatter.write(f"{'':>{formatter.current_indent + 2}}{line}\n")


class Command(click.Command):
    """A command whose --help ends with examples."""

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        _format_examples(self.name, formatter)


class Group(click.Group):
    command_class = Command

    def format_epilog(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        super().format_epilog(ctx, formatter)
        _format_examples("qa", formatter)
