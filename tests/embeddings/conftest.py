"""Store and ingest fixtures: hand-made cables and windows (the encoders are in
tests/fakes.py)."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime

import pytest

from corpus.models import Cable, Paragraph
from tests.fakes import HashEncoder

_WORD = re.compile(r"\w+")


def char_windower(subject: str, heading: str | None, text: str) -> list[tuple[int, int]]:
    """Windows of at most 300 characters, overlapping by 50."""
    if len(text) <= 300:
        return [(0, len(text))]
    spans, start = [], 0
    while True:
        end = min(start + 300, len(text))
        spans.append((start, end))
        if end == len(text):
            return spans
        start = end - 50


def make_cable(
    cable_id: str,
    paragraphs: Sequence[str],
    *,
    subject: str = "HAND-MADE TEST SUBJECT",
    year: int = 2006,
    origin: str = "Embassy Mexico",
    classification: str = "CONFIDENTIAL",
    tags: tuple[str, ...] = ("PREL", "MX"),
    references: tuple[str, ...] = (),
    version: str = "1",
) -> Cable:
    paras = tuple(
        Paragraph(str(i + 1), text, mark="C", heading=None) for i, text in enumerate(paragraphs)
    )
    digest = hashlib.sha256(f"{cable_id}|{version}|{'|'.join(paragraphs)}".encode()).hexdigest()
    return Cable(
        id=cable_id,
        created=datetime(year, 6, 15, 19, 20),
        origin=origin,
        classification=classification,
        subject=subject,
        tags=tags,
        references=references,
        source=f"hand-made/{cable_id}",
        content_hash=digest,
        paragraphs=paras,
    )


@pytest.fixture
def encoder() -> HashEncoder:
    return HashEncoder()
