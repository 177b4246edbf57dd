"""Cable text is untrusted: make it inert before it reaches the terminal.

Textual's `Content` drops only a few control codes (BEL, BS, VT, FF, CR); an ESC
left in a paragraph would start a terminal control sequence, so every string
taken from a cable or a store passes through `clean` before it is displayed.
Markup is never parsed from such strings: widgets build `Content` from plain
text and styles only.
"""

from __future__ import annotations

import re

from corpus.errors import CableQAError

CONTROL = re.compile(r"(?P<control>[\x00-\x08\x0b-\x1f\x7f-\x9f])")
"""C0 and C1 control characters except tab and newline (ESC, CSI, BEL, ...)."""

VISIBLE_ESCAPE = "␛"


def clean(text: str) -> str:
    """Return `text` with control characters made visible or removed.

    ESC becomes a visible ␛ so that readers see that the cable held one; tabs
    become spaces; every other control character is dropped.
    """
    text = text.replace("\t", "    ").replace("\x1b", VISIBLE_ESCAPE)
    return CONTROL.sub("", text)


def one_line(text: str) -> str:
    """`clean` text folded onto one line, for headers and list entries."""
    return " ".join(clean(text).split())


def describe_error(exc: BaseException) -> str:
    """One line for a notification: the message people can act on, not a traceback; an
    exception the project does not raise on purpose is named as the bug it is."""
    text = one_line(str(exc)) or type(exc).__name__
    if not isinstance(exc, (CableQAError, OSError)):
        text = f"this is a bug, please report it: {type(exc).__name__}: {text}"
    return text if len(text) <= 300 else text[:297] + "…"
