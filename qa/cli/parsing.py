"""What a person types on the command line, checked: questions, dates, citations."""

from __future__ import annotations

import re

import click

MAX_QUESTION_CHARS = 10_000
"""Longer input is not a question; refusing it keeps a pasted file from stalling the engine."""


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


class QuestionError(click.ClickException):
    """A question refused before any work: one line, the usage error status."""

    exit_code = 2


def check_question(question: str) -> str:
    """Refuse what cannot be a question; control characters (NUL from a pipe) become spaces."""
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:  # argv bytes that are not UTF-8 arrive as lone surrogates
        raise QuestionError("the question holds bytes that are not UTF-8 text") from None
    question = _CONTROL.sub(" ", question).strip()
    if not question:
        raise QuestionError("the question is empty")
    if len(question) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"the question is {len(question):,} characters long; at most "
            f"{MAX_QUESTION_CHARS:,} are read"
        )
    return question


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
