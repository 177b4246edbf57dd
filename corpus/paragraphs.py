"""Cable body → paragraphs, numbered as the cable numbers them.

A citation is only as good as its paragraph number: `corpus.starts` chooses the
lines that open paragraphs (numbers that continue the cable's own sequence, not
numbered lists, years or REF items at a line start), and restarts with words of
their own (`1.` again after `2.`) get a letter suffix so every number stays
unique. This module cleans the body's lines first (page markers, SIPDIS, site
boilerplate) and cuts it at those starts into paragraphs with their headings.
"""

from __future__ import annotations

import re

from corpus.models import Paragraph
from corpus.starts import (
    DASHES,
    MARK,
    PARA_START,
    SLASH_HEADING,
    is_heading,
    paragraph_starts,
)

LEADING_MARK = re.compile(rf"^[ \t]*\((?P<mark>{MARK})\)[ \t]*")
# Page markers: `MADRID 00000109 002 OF 003`, `PARIS 00000741 001.2 OF 004`. The post is
# cut to 10 characters (`BUENOS AIR`, `TEGUCIGALP`): a longer stretch would take the words
# before it for the post's (`For plots BRASILIA 00000244 002.2 OF 002` lost "For plots").
PAGE_MARKER = r"[A-Z][A-Za-z .'-]{0,9}?[ \t]+\d{5,8}[ \t]+\d{3}(?:\.\d)?[ \t]+(?:OF|of)[ \t]+\d{3}"
# Old telegram page headers: `PAGE 02 CAPE T 00097 01 OF 03 182017Z`; by routing indicator,
# `PAGE 02 RUEHFRA2440 C O N F I D E N T I A L PARIS 002440` or `... RUEHFRA0170 S E C R E T`.
OLD_PAGE = (
    r"PAGE[ \t]+\d{2,3}[ \t]+(?:[A-Z][A-Z .]{0,20}?[ \t]+\d{4,6}[ \t]+\d{2}[ \t]+OF[ \t]+\d{2}"
    r"[ \t]+\d{6}Z|RUE[A-Z]{2,4}\d{1,7}[ \t]+(?:[A-Z][ \t]){3,}[A-Z]"
    r"(?:[ \t]+[A-Z][A-Z .]{0,20}?[ \t]+\d{3,8})?)"
)
CLASS_WORD = r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)"
PAGE_LINE = re.compile(rf"^[ \t]*(?:{PAGE_MARKER}|{OLD_PAGE})[ \t]*$", re.MULTILINE)
# `(?<![ \t])`: a run of spaces is tried once, from its start (linear on giant lines).
PAGE_INLINE = re.compile(
    rf"(?<![ \t])(?:[ \t]+{CLASS_WORD}[ \t]*\n)?[ \t]*(?:\b{PAGE_MARKER}\b|\b{OLD_PAGE})[ \t]*"
)
CLASS_ONLY_LINE = re.compile(rf"^[ \t]*{CLASS_WORD}(?:[ \t]+NOFORN)?[ \t]*$", re.MULTILINE)
SIPDIS_LINE = re.compile(r"^[ \t]*SIPDIS[ \t]*$", re.MULTILINE | re.IGNORECASE)
SIPDIS_LEAD = re.compile(r"^[ \t]*SIPDIS[ \t]+(?=\S)", re.MULTILINE | re.IGNORECASE)
# The post's own web-site notice at the end of a cable: `Visit Embassy Rabat's Classified
# Website; http://...` (between rows of asterisks or dashes, quoted, `Please visit Paris'
# Classified Website at:`, its link broken by a space: `index.c fm`). The signer's name after
# the link stays, for `split_signer` to take.
_LINK = (  # a link, the rest of it after a space or a line break in lower case (`index.c fm`);
    # an all-capitals link, the rest of it after a space at the line's end (`INDEX.C FM`)
    r"(?:<?(?-i:HTTPS?://[A-Z0-9./:?=_-]+)(?:[ \t]+(?-i:[A-Z_/][A-Z0-9./_]{0,10})(?=[ \t]*$))?"
    r"|<?https?://\S+(?:(?:[ \t]+|[ \t]*\n[ \t]*)(?!or\b|and\b)(?-i:[a-z_/])[\w./:?=-]{0,40})?)"
    r">?[\"\u201d]?"
)
_BLANKS = r"(?:[ \t\x00]*\n)*"  # blank lines, a page break among them (`PAGE_BREAK`)
WEB_SITE_LINE = re.compile(
    rf"""^(?:[ \t]*For\ more\ reporting\b[^\n]*\n)?
    (?:[ \t]*\*{{5,}}(?:[ \t]+\*+)*[ \t]*\n)?
    [ \t]*["\u201c]?(?:Please[ \t]+)?Visit\b[^\n]{{0,80}}?\bweb\ ?site\b(?:[ \t]+at)?[ \t]*[:;]?
    (?:[ \t]*\n?{_BLANKS}[ \t]*{_LINK})?
    (?:[ \t]+(?:and\ the\ [^:]{{0,60}}?(?:\ at|:)\s*{_LINK}|or\ access\ the\ site\b[^\n]*))?
    (?:[ \t]*\n?{_BLANKS}[ \t]*You\ can\ also\ access\ this\ site\b[^*]{{0,120}}?\bweb\ ?site\.?)?
    (?:[ \t]*\n?{_BLANKS}[ \t]*\*{{5,}}(?:[ \t]+\*+)*(?=[ \t]*(?:\n|$|[A-Za-z])))?""",
    re.MULTILINE | re.IGNORECASE | re.VERBOSE,
)
BULLET = r"--|-|\*|•"
"""What opens a point of a list: `flow` keeps each on a line of its own."""
LIST_ITEM = re.compile(rf"^(?:{BULLET}|o |[A-Za-z][.)]|\([A-Za-z0-9]{{1,3}}\)|\d{{1,2}}[.)])\s")
SIGNER = re.compile(r"^[ \t]*[A-Z][A-Za-z.'-]+(?:[ \t]+[A-Z][A-Za-z.'-]*){0,3}[ \t]*$")
SENTENCE_END = re.compile(r"[.:;!?\"”')\]]$")
SPACES = re.compile(r"[ \t]{2,}")
# A section title standing alone just before the next paragraph: "IRAN", "Border Violence".
TRAILING_RULE = re.compile(r"[ \t]*[-=_]{3,}[-=_ \t]*$")
NOT_A_TITLE = re.compile(r"^(?:X+|END\b.*)$", re.IGNORECASE)  # redactions, "End text"
BARE_TITLE = re.compile(
    r"^(?:[A-Z0-9][A-Za-z0-9'&/,-]*|and|of|the|on|in|for|to|with)(?: \S+){0,7}$"
)
PAGE_BREAK = "\x00"


def normalise_body(text: str) -> list[str]:
    """Lines with page markers, SIPDIS and site boilerplate gone; split sentences rejoined."""
    text = PAGE_LINE.sub(PAGE_BREAK, text)
    text = PAGE_INLINE.sub(" ", text)
    text = CLASS_ONLY_LINE.sub("", text)
    text = SIPDIS_LINE.sub("", text)
    text = SIPDIS_LEAD.sub("", text)
    text = WEB_SITE_LINE.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    out: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if PAGE_BREAK not in line:
            out.append(line)
            index += 1
            continue
        while out and not out[-1].strip():
            out.pop()
        index += 1
        while index < len(lines) and (not lines[index].strip() or PAGE_BREAK in lines[index]):
            index += 1
        following = lines[index].lstrip() if index < len(lines) else ""
        previous = out[-1] if out else ""
        if SENTENCE_END.search(previous) and (not following or not following[0].islower()):
            out.append("")
    return out


def flow(lines: list[str]) -> str:
    """Wrapped lines joined with spaces; blank lines and list items keep their own line."""
    out: list[str] = []
    current: list[str] = []
    for raw in lines:
        line = raw.strip()
        if not line or DASHES.match(line):
            if current:
                out.append(" ".join(current))
                current = []
            continue
        if current and LIST_ITEM.match(line):
            out.append(" ".join(current))
            current = []
        current.append(line)
    if current:
        out.append(" ".join(current))
    joined: list[str] = []
    for part in out:
        # A blank line inside a sentence is a rendering break, not a new block.
        if joined and not SENTENCE_END.search(joined[-1]) and part[:1].islower():
            joined[-1] = f"{joined[-1]} {part}"
        else:
            joined.append(part)
    return "\n".join(SPACES.sub(" ", part) for part in joined)


def _split_headings(lines: list[str]) -> tuple[list[str], str | None]:
    """Drop heading lines from a span; the trailing heading belongs to the next paragraph.
    A line taken for a heading that text or another heading follows was text: it goes
    back where it stood."""
    kept: list[str] = []
    trailing: str | None = None
    at = 0  # where `trailing` stood among the kept lines
    for index, line in enumerate(lines):
        if is_heading(lines, index):
            if trailing is not None:
                kept.insert(at, trailing)
            slash = SLASH_HEADING.match(line)
            trailing = (slash["title"] if slash else line).strip()
            if not slash:
                kept, opening = _heading_above(kept)
                trailing = " ".join([*opening, trailing])
            at = len(kept)
            continue
        if line.strip() and not DASHES.match(line) and trailing is not None:
            kept.insert(at, trailing)
            trailing = None
        kept.append(line)
    if trailing is None:
        kept, trailing = _bare_trailing_title(kept)
    return kept, trailing


def _heading_above(kept: list[str]) -> tuple[list[str], list[str]]:
    """The first lines of a heading set between two rules of dashes over several lines
    (`-----` / `Background: Missile Parts Shipped via Beijing Between North` / `Korea and
    Iran.` / `-----`): the lines `kept` ends with, up to the rule above them."""
    above = 0
    while above < MAX_HEADING_LINES - 1 and above < len(kept):
        line = kept[-1 - above]
        if not line.strip() or DASHES.match(line) or len(line.strip()) > 100:
            break
        above += 1
    if not above or above == len(kept) or not DASHES.match(kept[-1 - above]):
        return kept, []
    if above + 1 < len(kept) and kept[-2 - above].strip():
        return kept, []  # that rule underlines the line above it: no frame
    return kept[:-above], [line.strip() for line in kept[-above:]]


MAX_HEADING_LINES = 3


def _bare_trailing_title(lines: list[str]) -> tuple[list[str], str | None]:
    """A short title line set off by a blank line at a span's end heads the next paragraph."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    if end < 3 or lines[end - 2].strip() or not any(line.strip() for line in lines[: end - 2]):
        return lines, None  # a paragraph that is only a title keeps it as its text
    title = TRAILING_RULE.sub("", lines[end - 1]).strip()
    letters = [ch for ch in title if ch.isalpha()]
    if (
        len(title) > 60
        or len(letters) < 3
        or SENTENCE_END.search(title)
        or LIST_ITEM.match(title)
        or not BARE_TITLE.match(title)
        or NOT_A_TITLE.match(title)
        or not (title.isupper() or all(w[0].isupper() or w.islower() for w in title.split()))
    ):
        return lines, None
    return lines[: end - 1], title


def split_signer(lines: list[str]) -> tuple[list[str], str | None]:
    """The signer's name closes a cable on a line of its own."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    if not end:
        return lines, None
    last = lines[end - 1]
    before = lines[end - 2].strip() if end >= 2 else ""
    words = last.split()
    if (
        SIGNER.match(last)
        and len(last.strip()) <= 40
        and (not before or SENTENCE_END.search(before))
        and not PARA_START.match(last)
        and len(words) <= 4
        and not (len(words) > 1 and all(w.istitle() and len(w) > 3 for w in words[:1]) and end < 3)
    ):
        return lines[: end - 1], last.strip()
    return lines, None


def _unique(number: str, used: set[str]) -> str:
    if number not in used:
        return number
    for suffix in "bcdefghijklmnopqrstuvwxyz":
        if number + suffix not in used:
            return number + suffix
    return f"{number}_{len(used)}"


def parse_paragraphs(
    lines: list[str], *, partial: bool = False, one_prefix: bool = False
) -> tuple[Paragraph, ...]:
    """Body lines (header removed) → paragraphs in reading order."""
    lines, starts = paragraph_starts(lines, partial=partial, one_prefix=one_prefix)
    if not starts:
        return _unnumbered(lines)
    paragraphs: list[Paragraph] = []
    used: set[str] = set()
    opening, heading = _split_headings(lines[: starts[0].line])
    zero = flow(opening)
    if len(zero.split()) >= 6:
        paragraphs.append(Paragraph("0", zero, _leading_mark(zero), None, True))
        used.add("0")
    for index, start in enumerate(starts):
        stop = starts[index + 1].line if index + 1 < len(starts) else len(lines)
        body, next_heading = _split_headings([start.rest, *lines[start.line + 1 : stop]])
        text = flow(body)
        number = _unique(str(start.number), used)
        if text:
            used.add(number)
            paragraphs.append(Paragraph(number, text, start.mark, heading, True))
        heading = next_heading
    return tuple(paragraphs)


def _leading_mark(text: str) -> str | None:
    match = LEADING_MARK.match(text)
    return match["mark"] if match else None


def _unnumbered(lines: list[str]) -> tuple[Paragraph, ...]:
    paragraphs: list[Paragraph] = []
    block: list[str] = []
    heading: str | None = None

    def close() -> None:
        nonlocal heading
        kept, trailing = _split_headings(block)
        text = flow(kept)
        if text:
            mark = _leading_mark(text)
            if mark is not None:
                text = LEADING_MARK.sub("", text, count=1)
            paragraphs.append(Paragraph(str(len(paragraphs) + 1), text, mark, heading, False))
            heading = None
        if trailing is not None:
            heading = trailing
        block.clear()

    for index, line in enumerate(lines):
        if not line.strip() and not _inside_heading(lines, index):
            close()
        else:
            block.append(line)
    close()
    return tuple(paragraphs)


def _inside_heading(lines: list[str], index: int) -> bool:
    """A blank line between a heading and its dashes does not end the block."""
    return index > 0 and is_heading(lines, index - 1)
