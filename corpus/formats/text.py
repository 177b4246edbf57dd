"""Plain-text cables: the raw telegram, with or without an ID line or routing header."""

from __future__ import annotations

from corpus.assemble import Known, build_cable
from corpus.models import Cable


def parse_text(text: str, source: str) -> Cable:
    return build_cable(text, Known(), source)
