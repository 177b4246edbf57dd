"""The shared cablegate pages rendered as users hold them: bare telegram text, or the
telegram under the record's fields (the layout of text dumps of the release)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from corpus.errors import ParseError
from corpus.formats.html import PRE_CLOSE, PRE_OPEN, blocks, parse_html, strip_markup
from corpus.models import Cable
from tests.conftest import CABLEGATE, cable_html

PARTIAL_NOTE = (
    "This record is a partial extract of the original cable. The full text of the original"
    " cable is not available."
)
RUBY_TIME = "%a %b %d %H:%M:%S +0100 %Y"  # `Mon Mar 19 10:10:00 +0100 2007`


def require_corpus() -> None:
    if not CABLEGATE.is_dir():
        pytest.skip(f"the shared corpus is not at {CABLEGATE}")


def all_pages() -> list[Path]:
    require_corpus()
    return sorted(CABLEGATE.glob("cable/*/*/*.html"))


@cache
def page_of(path: Path) -> Cable:
    return parse_html(path.read_text(encoding="utf-8"), str(path))


def readable_pages() -> list[Path]:
    """The pages read as cables: all but those that hold another cable's text (refused)."""
    out = []
    for path in all_pages():
        try:
            page_of(path)
        except ParseError:
            continue
        out.append(path)
    return out


def page(cable_id: str) -> Cable:
    require_corpus()
    return page_of(cable_html(cable_id))


@cache
def bare_of(path: Path) -> str:
    """The cable text of a page alone: its last `<pre>`, without the site's table."""
    return strip_markup(list(blocks(path.read_text(encoding="utf-8"), PRE_OPEN, PRE_CLOSE))[-1])


def bare(cable_id: str) -> str:
    require_corpus()
    return bare_of(cable_html(cable_id))


def with_fields(cable: Cable, text: str, fields: tuple[str, ...] | None = None) -> str:
    """`text` under the cable's fields, one a line: ID, subject, date, classification,
    origin (the order of text dumps unless `fields` gives lines of its own)."""
    if fields is None:
        fields = (
            cable.id,
            cable.subject,
            cable.created.strftime(RUBY_TIME),
            cable.classification,
            cable.origin,
            *((PARTIAL_NOTE,) if cable.partial else ()),
        )
    return "\n".join(line for line in fields if line) + "\n\n" + text


def rendered(cable_id: str, fields: tuple[str, ...] | None = None) -> str:
    return with_fields(page(cable_id), bare(cable_id), fields)
