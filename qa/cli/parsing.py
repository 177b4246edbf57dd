"""What a person types on the command line, checked: questions, dates, citations."""

from __future__ import annotations

import re
import sys

import click

from qa import limits


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
            " characters, the most that are read"
        )
    # bytes that are not UTF-8 stay lone surrogates, which check_question refuses
    return " ".join(data.decode("utf-8", errors="surrogateescape").split())


def date_option(value: str | None, name: str) -> str | None:
    """Accept YYYY, YYYY-MM or YYYY-MM-DD; --until rounds a partial date up to its end."""
    if value is None:
        return None
    from qa.dates import parse_option

    try:
        return parse_option(value, end=name == "--until")
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=name) from None


_CITATION = re.compile(r"^(?P<id>.+?)\s*(?:(?:¶|:|#)\s*|\s+)\[?(?P<para>\w+)\]?$")
_PARA = re.compile(r"^(?:¶|para\.?|paragraph)?\s*\[?(?P<para>\w+)\]?$", re.IGNORECASE)


def parse_citation(cable_id: str, para: str | None = None) -> tuple[str, str | None]:
    """A citation as written anywhere: "06MEXICO3305 ¶4", "06MEXICO3305:4" (a record ID),
    "06mexico3305" and "¶4", "[2]" for an unnumbered paragraph."""
    text = cable_id.strip()
    found = None
    if any(c.isspace() or c in "¶:#" for c in text) and (m := _CITATION.match(text)):
        text, found = m["id"], m["para"]
    if para is not None:
        if (p := _PARA.match(para.strip())) is None:
            raise click.BadParameter(f"{para!r} is not a paragraph number", param_hint="PARA")
        if found is not None and found != p["para"]:
            raise click.UsageError(f"two paragraphs given: ¶{found} and ¶{p['para']}")
        found = p["para"]
    return text.upper(), found
