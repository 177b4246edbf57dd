"""Store and ingest fixtures: a small deterministic encoder and hand-made cables.

The encoder is a hashed bag of words: the same text always gives the same
unit vector, and texts sharing words are near, which is all the store's
logic needs; the real model is exercised by the tests marked slow.
"""

from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Sequence
from datetime import datetime

import numpy as np
import numpy.typing as npt
import pytest

from corpus.models import Cable, Paragraph

_WORD = re.compile(r"\w+")


class HashEncoder:
    name = "hash-bow-64"
    dimension = 64
    max_tokens = 256

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dimension] += 1.0 if h & 1 << 20 else -1.0
            out[i, 0] += 1e-3  # no zero rows
        return out / np.linalg.norm(out, axis=1, keepdims=True)


class PausedEncoder(HashEncoder):
    """Slower than the writer, like the real model, so an ingest lasts and commits as it goes."""

    def __init__(self, pause: float) -> None:
        super().__init__()
        self.pause = pause

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        time.sleep(self.pause)
        return super().encode(texts, batch_size=batch_size)


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
