"""What a person types on the command line, checked: questions, dates, citations."""

from __future__ import annotations

import sys

import click

from qa import limits
from qa.answer import read_citation, read_para


class QuestionError(click.ClickException):
    """A question refused before any work: one line, the usage error status."""

    exit_code = 2


def check_question(question: str) -> str:
    """`qa.limits.check_question` (the server's check too), refusing with `QuestionError`."""
    try:
        return limits.check_question(question)
    except ValueError as exc:
        raise QuestionError(str(exc)) from None


STDIN = "-"
"""The question written as this is read from standard input: `... | qa ask -`."""


def read_question(question: str) -> str:
    """The question itself, or with `STDIN` the text piped in (at most what
    `qa.limits.check_question` accepts, and a little more to tell that it is longer)."""
    if question != STDIN:
        return question
    cap = 4 * limits.MAX_QUESTION_CHARS + 4  # more than the most characters read, in bytes
    data = sys.stdin.buffer.read(cap)
    if len(data) == cap:
        raise QuestionError(
            f"the question on standard input is longer than {limits.MAX_QUESTION_CHARS:,}"
            " characters, the most a question may have"
        )
    # bytes that are not UTF-8 stay lone surrogates, which check_question refuses
    return " ".join(data.decode("utf-8", errors="surrogateescape").split())


def date_option(value: str | None, name: str) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD (`qa.dates.parse_option`); --until rounds a
    partial date up to its end."""
    if value is None:
        return None
    from qa.dates import FIRST_YEAR, LAST_YEAR, parse_option

    try:
        return parse_option(value, end=name == "--until")
    except ValueError:
        raise click.BadParameter(
            f"{value!r} is not a date: write YYYY-MM-DD (or YYYY-MM, YYYY),"
            f" a year from {FIRST_YEAR} to {LAST_YEAR}",
            param_hint=name,
        ) from None


_ACCEPTED = 'write a cable ID and maybe a paragraph, e.g. 06MEXICO3305 or "06MEXICO3305 ¶4"'


def parse_citation(cable_id: str, para: str | None = None) -> tuple[str, str | None]:
    """A citation as written anywhere (`qa.answer.read_citation`), its paragraph perhaps
    given apart ("¶4", `qa.answer.read_para`). Anything else is refused with the forms
    accepted, never looked up as an ID no cable can have."""
    text = cable_id.strip()
    if not text:
        raise click.BadParameter(f"the citation is empty: {_ACCEPTED}", param_hint="CABLE_ID")
    if (read := read_citation(text)) is None:
        raise click.BadParameter(f"{text!r} is not a citation: {_ACCEPTED}", param_hint="CABLE_ID")
    canonical, found = read
    if para is not None:
        if (given := read_para(para)) is None:
            raise click.BadParameter(f"{para!r} is not a paragraph number", param_hint="PARA")
        if found is not None and found != given:
            raise click.UsageError(f"two paragraphs given: ¶{found} and ¶{given}")
        found = given
    return canonical, found
