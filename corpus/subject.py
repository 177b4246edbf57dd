"""Where a SUBJECT ends: every result card shows it, so nothing after it may leak in.

Cable systems and renderings often lose the line break after the subject, so
it is cut at the first header or body element found inside it, wherever that
element starts.
"""

from __future__ import annotations

import re

from corpus.paragraphs import OLD_PAGE, PAGE_MARKER
from corpus.starts import MARK

# What may follow a subject, with or without a line break before it.
_STOPS = (
    r"Classified[ \t]+By\b",
    r"REF(?:S|TELS?|ERENCES?)?[ \t]*:",
    r"Ref\(s\)[ \t]*:",
    r"Sensitive[ \t]+but[ \t]+unclassified\b",
    r"(?:[-=_][ \t]?){3,}",  # a row of dashes, spaced (`- - - -`) or not
    PAGE_MARKER,
    OLD_PAGE,
    r"PAGE[ \t]+\d{2,3}[ \t]",
    r"\\",  # a backslash line continuation: what follows is the next line
    rf"(?:¶[ \t]*)?\d{{1,2}}[ \t]*\.[ \t]*\((?:{MARK})\)",  # `1. (C) Summary`
    r"\d{1,2}[ \t]*\.[ \t]*Summary\b",
    rf"\((?:{MARK})\)[ \t]*Summary\b",
    r"(?:(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day),[ \t]+\d{1,2}[ \t]+[A-Z][a-z]+[ \t]+\d{4}",
)
SUBJECT_STOP = re.compile(rf"(?:{'|'.join(_STOPS)})", re.IGNORECASE)
# `C O N F I D E N T I A L`, `C O R R E C T E D C O P Y`; in capitals only (`a b c d` is prose).
SPACED_CAPS = re.compile(r"(?<![A-Za-z])(?:[A-Z][ \t]){3,}[A-Z](?![A-Za-z])")
# `(C/NF) IRAN: ...`: the subject line's classification mark, not subject words.
LEADING_MARK = re.compile(rf"^[ \t]*\((?:{MARK})\)[ \t]*")
SPACES = re.compile(r"\s+")


def _stop(text: str) -> int | None:
    """Where the first element after the subject starts in `text`, or None."""
    starts = [m.start() for m in (SUBJECT_STOP.search(text), SPACED_CAPS.search(text)) if m]
    return min(starts) if starts else None


def clean_subject(raw: str) -> str:
    """The subject's own words, cut at the next element, mark set apart. Entities are
    decoded once, by each reader, for the whole text: decoding again here made
    `AT&amp;amp;T` read `AT&T` in the subject and `AT&amp;T` in the body."""
    text = SPACES.sub(" ", raw).strip()
    text = LEADING_MARK.sub("", text, count=1)
    stop = _stop(text)
    return (text if stop is None else text[:stop]).strip(" \t;,")


def stops_subject(line: str) -> bool:
    """A line that opens the next header or body element, never a subject's next line."""
    return _stop(line.strip()) == 0
