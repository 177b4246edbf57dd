"""What one ingest batch hands to the ledger: a cable, its windows and their vectors."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from corpus.models import Cable, Paragraph, ShownCable
from corpus.tags import unpacked


def record_id(cable_id: str, number: str, win: int) -> str:
    """``06MEXICO3305:4`` for a paragraph's first window, ``06MEXICO3305:4~1`` after it.

    The first window keeps the plain form so a paragraph that fits in one
    window has the ID people would guess from its citation.
    """
    base = f"{cable_id}:{number}"
    return base if win == 0 else f"{base}~{win}"


@dataclass(frozen=True, slots=True)
class Window:
    """A span ``[start, end)`` of paragraph ``para`` (index into ``cable.paragraphs``)."""

    para: int
    win: int
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class PreparedCable:
    """A cable ready to store: ``vectors[i]`` embeds ``windows[i]``."""

    cable: Cable
    windows: tuple[Window, ...]
    vectors: npt.NDArray[np.float32]
    replaces: bool = False  # an older version is in the store
    reused: int = 0  # windows whose vectors the older version's records gave
    paragraphs: int = 0  # paragraphs encoded for this version (see `embeddings.reuse.plan`)


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredParagraph(Paragraph):
    """A paragraph as the ledger holds it: ``pid`` its row, ``seq`` its place in the cable."""

    pid: int
    seq: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredCable(ShownCable[StoredParagraph]):
    """A cable as the ledger holds it: what is shown, and where it came from."""

    year: int
    source: str
    content_hash: str


@dataclass(frozen=True, slots=True)
class RecordRow:
    """One window as Chroma receives it, rebuilt from the ledger alone."""

    record_id: str
    embedding: bytes
    document: str
    metadata: dict[str, str | int | list[str]]

    @classmethod
    def of(
        cls,
        rid: str,
        emb: bytes,
        text: str,
        start: int,
        end: int,
        cable_id: str,
        number: str,
        win: int,
        date: int,
        year: int,
        origin: str,
        classification: str,
        subject: str,
        mark: str | None,
        tags: str,
    ) -> RecordRow:
        """The window ``text[start:end]`` of a ledger row (`Ledger.record_rows`)."""
        meta: dict[str, str | int | list[str]] = {
            "cable_id": cable_id,
            "para": number,
            "win": win,
            "date": date,
            "year": year,
            "origin": origin,
            "classification": classification,
            "subject": subject,
            "mark": mark or "",
        }
        if listed := list(unpacked(tags)):
            meta["tags"] = listed
        return cls(rid, emb, text[start:end], meta)
