"""Cablegate pages (2010): metadata from the site's table, text from the last `<pre>`."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime

from corpus.assemble import Known, build_cable
from corpus.clean import decode_entities
from corpus.errors import ParseError
from corpus.ids import canonical_id
from corpus.models import Cable

# Openings and closings are found separately (see `blocks`): one `open.*?close` pattern
# rescans the rest of the page from every unclosed opening, quadratic on 10,000 `<pre>`.
TABLE_OPEN = re.compile(r"<table\s+class=['\"]cable['\"]>", re.I)
TABLE_CLOSE = re.compile(r"</table>", re.I)
CELL_OPEN = re.compile(r"<td[^>]{0,2000}>", re.I)
CELL_CLOSE = re.compile(r"</td>", re.I)
PRE_OPEN = re.compile(r"<pre[^>]{0,2000}>", re.I)
PRE_CLOSE = re.compile(r"</pre>", re.I)
# The site's own paragraph anchors (`<a id='par7' href='#par7'>¶</a>`) are unreliable: dropped.
PAR_ANCHOR = re.compile(r"<a\s+id=['\"]par[^'\"]*['\"]\s+href=['\"]#par[^'\"]*['\"]>¶</a>", re.I)
TAG = re.compile(r"<[^>]{0,2000}>")
PARTIAL_NOTE = re.compile(r"partial extract", re.I)
HTML_HINT = re.compile(r"<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<table\s+class='cable'>")
CREATED = re.compile(r"(?P<date>\d{4}-\d{2}-\d{2})(?:\s+(?P<time>\d{2}:\d{2}))?")


def looks_like(head: str) -> bool:
    """HTML by content: a doctype, an html tag or the site's cable table."""
    lowered = head[:4000].lower()
    return HTML_HINT.search(lowered) is not None


def blocks(text: str, opening: re.Pattern[str], closing: re.Pattern[str]) -> Iterator[str]:
    """The text between each opening and the closing after it, left to right, in one pass.

    When an opening has no closing after it, no later opening has one either: the scan
    stops there instead of retrying from every later opening.
    """
    pos = 0
    while (start := opening.search(text, pos)) and (end := closing.search(text, start.end())):
        yield text[start.end() : end.start()]
        pos = end.end()


def _unclosed(text: str) -> bool:
    """Whether the page's last `<pre>` block has no `</pre>` after it."""
    opened = max((m.end() for m in PRE_OPEN.finditer(text)), default=None)
    return opened is not None and PRE_CLOSE.search(text, opened) is None


def strip_markup(text: str) -> str:
    return decode_entities(TAG.sub("", PAR_ANCHOR.sub("", text)))


def parse_html(text: str, source: str, year: int | None = None) -> Cable:
    """A cablegate page → `Cable`; any other HTML page is a `ParseError`.

    The page's table states the date: `year` (a hint for undated files) is not used.
    """
    table = next(blocks(text, TABLE_OPEN, TABLE_CLOSE), None)
    if table is None:
        raise ParseError(source, "HTML page without a cable table (not a cablegate cable page)")
    cells = [" ".join(strip_markup(cell).split()) for cell in blocks(table, CELL_OPEN, CELL_CLOSE)]
    if len(cells) < 5:
        raise ParseError(source, "cable table without its five metadata cells")
    ref_id, created_text, _released, classification, origin = cells[:5]
    created = CREATED.search(created_text)
    if created is None:
        raise ParseError(source, f"unreadable Created date {created_text!r}")
    cable_id = canonical_id(ref_id) if ref_id else None
    if ref_id and cable_id is None:
        # Cited as written, a cell that is no reference ID names a cable that does not exist.
        raise ParseError(source, f"unreadable reference ID {ref_id!r}")
    pres = list(blocks(text, PRE_OPEN, PRE_CLOSE))
    if not pres:
        raise ParseError(source, "cable page without cable text")
    if _unclosed(text):
        # The cable text is the page's last block: read an earlier one instead and the
        # routing header would stand in for the cable (and replace a stored full copy).
        raise ParseError(
            source, "page cut off: its last <pre> block has no end (a partial download?)"
        )
    partial = any(PARTIAL_NOTE.search(pre) for pre in pres[:-1])
    stamp = f"{created['date']} {created['time'] or '00:00'}"
    known = Known(
        id=cable_id,
        created=datetime.strptime(stamp, "%Y-%m-%d %H:%M"),
        origin=origin or None,
        classification=classification or None,
        partial=partial,
    )
    return build_cable(strip_markup(pres[-1]), known, source)
