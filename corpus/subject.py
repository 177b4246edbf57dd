"""Where a SUBJECT ends: every result card shows it, so nothing after it may leak in.

Cable systems and renderings often lose the line break after the subject, so
it is cut at the first header or body element found inside it, wherever that
element starts.
"""

from __future__ import annotations

import re

from corpus.paragraphs import OLD_PAGE, PAGE_MARKER, SENTENCE_END
from corpus.starts import MARK

# What may follow a subject, with or without a line break before it.
_STOPS = (
    r"Classi?fied[ \t]+By\b",
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


RUNNING_SUBJECT = re.compile(r"(?<![^\s])SUBJECT:[ \t]*")
RUNNING_MATCH = 24
"""Characters of the cable's subject (spaces aside) a running header must give, or the
whole subject when shorter."""


def without_running_subject(lines: list[str], subject: str) -> list[str]:
    """Body lines less the cable's subject where a page repeats it as a running header
    (`SUBJECT: IRAN VIEW FROM BAKU: ...` after a page marker), often cut off and run into
    the text around it (`... keep us from taking SUBJECT: NUCLEAR ... AND GERMA credit
    for our ...`). A `SUBJECT:` line with other words (a quoted cable's) stays."""
    key = squeezed(subject)
    if len(key) < 8:
        return lines
    out: list[str] = []
    cut = False  # a header line just went after a sentence it may have split
    blanks: list[str] = []
    for line in lines:
        found = RUNNING_SUBJECT.search(line)
        end = _subject_end(line, found.end(), key) if found else None
        if found is not None and end is not None:
            line = f"{line[: found.start()].rstrip()} {line[end:].lstrip()}".strip()
            if not line:
                cut = bool(out) and not SENTENCE_END.search(out[-1].rstrip())
                continue
        if cut and not line.strip():
            blanks.append(line)
            continue
        if not (cut and line.lstrip()[:1].islower()):  # the sentence goes on: no break
            out += blanks
        cut, blanks = False, []
        out.append(line)
    return out + blanks


def _subject_end(line: str, start: int, key: str) -> int | None:
    """Where the subject `key` (spaces removed, upper case) given from `start` ends, when
    at least `RUNNING_MATCH` characters of it (or all) are given."""
    matched, index = 0, start
    end = start
    while index < len(line) and matched < len(key):
        char = line[index]
        index += 1
        if char.isspace():
            continue
        if char.upper() != key[matched]:
            break
        matched += 1
        end = index
    return end if matched >= min(len(key), RUNNING_MATCH) else None


SUBJECT_LABEL = re.compile(r"^[ \t]*SUBJ(?:ECT)?\b[ \t:]*")


def squeezed(text: str) -> str:
    """`text` without its spaces, in capitals: telegrams space a subject as they please."""
    return "".join(text.split()).upper()


def subject_piece(line: str, subject: str) -> bool:
    """A line that is the subject, its start or its end (what a page break left of it),
    after `SUBJECT:` or alone."""
    text, whole = squeezed(SUBJECT_LABEL.sub("", line, count=1)), squeezed(subject)
    return len(text) >= 4 and (whole.startswith(text) or whole.endswith(text))
