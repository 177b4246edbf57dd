"""The header an old telegram repeats at the top of each of its sections, out of the body.

A telegram sent in sections gave each one its routing again (`R 171512Z JAN 90`, `FM
AMCONSUL CAPE TOWN`, `TO SECSTATE WASHDC`, the distribution codes), the section line
(`C O N F I D E N T I A L SECTION 02 OF 03 CAPE TOWN 00097`), the addressees' lines,
E.O., TAGS and the subject; cablegate pages of cables before the mid-2000s keep them
where the section broke, in the middle of a paragraph's text. A block is taken out only
around a section line of the body and only with its E.O. or TAGS line, so a paragraph
that mentions a section of a law stays as it is.
"""

from __future__ import annotations

import re

from corpus.paragraphs import SENTENCE_END
from corpus.subject import subject_piece

CLASSIFIED = r"(?:UNCLASSIFIED|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE)"
SECTION_LINE = re.compile(
    rf"^[ \t]*(?:(?:[A-Z][ \t]){{3,}}[A-Z][ \t]+|{CLASSIFIED}(?:[ \t]+NOFORN)?[ \t]+)?"
    r"SECTION[ \t]+\d{1,2}[ \t]+OF[ \t]+\d{1,2}[ \t]+\S"
)
# What comes above the section line: routing, distribution codes, a classification.
ADDRESSEE = r"(?:AMEMBASSY|AMCONSUL|SECSTATE|USMISSION|USDEL|USEU|USNATO|USUN|SECDEF|JCS|NSC|CIA)\b"
CODES = r"[A-Z]{2,5}-\d\d\b"  # LOG-00 NP-00 AID-00 ...
ROUTING = re.compile(
    r"^[ \t]*(?:-[ \t]*)?[OPRZ]{1,2}[ \t]+\d{6}Z\b"  # R 171512Z JAN 90
    rf"|^[ \t]*(?:(?:FM|TO|INFO)[ \t]+)?{ADDRESSEE}"
    rf"|^[ \t]*(?:ACTION|INFO)[ \t]+{CODES}"
    rf"|^[ \t]*{CLASSIFIED}(?:[ \t]+PTQ\d+)?[ \t]*$"
)
# What comes below it: the addressees' lines ("LONDON FOR KOLKER"), SIPDIS, then E.O.
# and TAGS, then the subject or what a page break left of it.
ADDRESSEES = re.compile(r"^[ \t]*(?:[A-Z][A-Z .,/&-]*[ \t]FOR[ \t][A-Z]|SIPDIS\b)")
FIELD = re.compile(r"^[ \t]*(?:E\.?[ \t]?O\.?[ \t]*1\d{4}|TAGS?\b)")
MAX_BLOCK = 30
"""Lines a repeated header spans at most, above and below its section line together."""


def without_section_headers(lines: list[str], subject: str) -> list[str]:
    """`lines` (a cable's body) less each section header repeated inside it."""
    out = list(lines)
    index = 0
    while index < len(out):
        block = _block(out, index, subject) if SECTION_LINE.match(out[index]) else None
        if block is None:
            index += 1
            continue
        start, end = block
        before = out[:start]
        while before and not before[-1].strip():
            before.pop()
        after = out[end:]
        while after and not after[0].strip():
            after.pop(0)
        if before and SENTENCE_END.search(before[-1].rstrip()):
            after = ["", *after]  # else the sentence the section broke goes on
        out = before + after
        index = len(before)
    return out


def _block(lines: list[str], at: int, subject: str) -> tuple[int, int] | None:
    """[start, end) of the header around the section line at `at`, or None if it is not
    one: no E.O. or TAGS line below it."""
    start = at
    while start > 0 and at - start < MAX_BLOCK:
        line = lines[start - 1]
        if line.strip() and not ROUTING.search(line):
            break
        start -= 1
    end, fields = at + 1, False
    while end < len(lines) and end - start < MAX_BLOCK:
        line = lines[end]
        if not line.strip() or FIELD.match(line):
            fields = fields or bool(line.strip())
        elif fields:
            if not subject_piece(line, subject):
                break
        elif not ADDRESSEES.match(line):
            break
        end += 1
    while end > at + 1 and not lines[end - 1].strip():
        end -= 1  # blank lines below belong to the text that follows
    return (start, end) if fields else None
