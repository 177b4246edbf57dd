"""An error as the TUI notifies it: one inert line (`corpus.display`), never a traceback."""

from __future__ import annotations

from corpus.display import shown_line
from corpus.errors import CableQAError


def describe_error(exc: BaseException) -> str:
    """One line for a notification: the message people can act on, not a traceback; an
    exception the project does not raise on purpose is named as the bug it is."""
    text = shown_line(str(exc)) or type(exc).__name__
    if not isinstance(exc, (CableQAError, OSError)):
        text = f"this is a bug, please report it: {type(exc).__name__}: {text}"
    return text if len(text) <= 300 else text[:297] + "…"
