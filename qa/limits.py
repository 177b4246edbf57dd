"""What a question may be, the same for `qa ask` and `qa serve`: no heavy imports."""

from __future__ import annotations

from corpus.display import CONTROL

MAX_QUESTION_CHARS = 10_000
"""Longer input is not a question; refusing it keeps a pasted file from stalling the engine."""

MAX_K = 200
"""The most paragraphs one question may ask for, on the command line and over HTTP."""

MAX_HISTORY = 20
"""Earlier questions a follow-up may carry (the engine reads only the last few)."""


def check_question(question: str) -> str:
    """The question made safe, or ValueError with a one-line reason: control characters
    (`corpus.display.CONTROL`: NUL from a pipe, an ESC) become spaces; empty, wordless,
    overlong or non-UTF-8 text is refused."""
    try:
        question.encode("utf-8")
    except UnicodeEncodeError:  # argv bytes that are not UTF-8 arrive as lone surrogates
        raise ValueError("the question holds bytes that are not UTF-8 text") from None
    question = CONTROL.sub(" ", question).strip()
    if not question:
        raise ValueError("the question is empty")
    if not any(ch.isalnum() for ch in question):  # "-", "???": nothing to search for
        raise ValueError(f"the question {question[:20]!r} has no words")
    if len(question) > MAX_QUESTION_CHARS:
        raise ValueError(
            f"the question is {len(question):,} characters long: ask in at most "
            f"{MAX_QUESTION_CHARS:,}"
        )
    return question
