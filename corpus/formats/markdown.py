"""Markdown renderings of a cable page (the seed's shape): routing header, link TAGS, `####`."""

from __future__ import annotations

import re

from corpus.assemble import Known, build_cable
from corpus.clean import decode_entities
from corpus.models import Cable

LINK = re.compile(r"\[(?P<label>[^\]\n]{0,200})\]\([^)\n]{0,500}\)")
AUTOLINK = re.compile(r"<(?P<url>https?://[^>\s]+)>")
ATX_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<title>.*?)[ \t#]*$", re.MULTILINE)
EMPHASIS = re.compile(r"(?<![\w*])(\*\*|__)(?P<inner>[^*_\n]{1,200})\1(?![\w*])")
MARKDOWN_HINT = re.compile(r"^[ \t]*(?:#{1,6}[ \t]|TAGS:[ \t]*\[)|\]\(#\)", re.MULTILINE)


def looks_like(head: str) -> bool:
    return MARKDOWN_HINT.search(head) is not None


def _heading(match: re.Match[str]) -> str:
    # `#### 14. (C) Activities:` is a paragraph the renderer took for a heading.
    from corpus.starts import PARA_START

    title = match["title"]
    return title if PARA_START.match(title) else f"{title}\n-----"


def to_text(text: str) -> str:
    """Markdown syntax removed; headings become the cable's own dash-underlined form."""
    text = LINK.sub(lambda m: m["label"], decode_entities(text))
    text = AUTOLINK.sub(lambda m: m["url"], text)
    text = EMPHASIS.sub(lambda m: m["inner"], text)
    return ATX_HEADING.sub(_heading, text)


def parse_markdown(text: str, source: str, year: int | None = None) -> Cable:
    # The renderer wrote ¶1…¶5 as `11.`…`15.`: the sequence decides which reading is right.
    return build_cable(to_text(text), Known(), source, one_prefix=True, year=year)
