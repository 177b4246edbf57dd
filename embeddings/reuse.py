"""Vectors a changed cable keeps: its stored windows whose passage text is unchanged.

A cable's content hash covers what the model never reads (references, tags, the
classification line), so a parser fix that touches only those would re-encode
every cable it touched, and on the whole release everything. The model reads
only each window's passage text (`passage_text` over the subject, the heading
and the window's span), and the store pins its model, so a stored window whose
passage text comes back unchanged keeps its vector and never reaches the model.

The lookup runs in the reader's thread on a read-only connection of its own,
and only for a cable the ledger holds under another hash: a new cable has no
stored windows to look up, and an unchanged one is skipped before this.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from embeddings.encoder import passage_text
from embeddings.records import Window
from embeddings.schema import LEDGER_NAME


class StoredWindows:
    """The ledger's stored vectors by passage text, read on a connection opened on first use."""

    def __init__(self, store_dir: Path) -> None:
        self.path = store_dir / LEDGER_NAME
        self._conn: sqlite3.Connection | None = None

    def vectors(self, cable_id: str) -> dict[str, bytes]:
        """Each stored window of the cable: its passage text → its vector's bytes."""
        if self._conn is None:
            uri = f"{self.path.resolve().as_uri()}?mode=ro"
            self._conn = sqlite3.connect(uri, uri=True, timeout=30.0)
        rows = self._conn.execute(
            "SELECT c.subject, p.heading, p.text, r.start, r.end, r.embedding FROM records r"
            " JOIN paragraphs p ON p.pid = r.pid JOIN cables c ON c.id = p.cable_id"
            " WHERE p.cable_id = ?",
            (cable_id,),
        )
        return {passage_text(s, h, t[a:b]): bytes(e) for s, h, t, a, b, e in rows}

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@dataclass(frozen=True, slots=True)
class Plan:
    """What of a cable's windows the model encodes, and what it keeps."""

    texts: list[str]
    """The passages to encode: ``texts[i]`` is window ``slots[i]``."""
    slots: list[int]
    kept: dict[int, bytes]
    """Window index → the stored vector it keeps."""
    paragraphs: int
    """Paragraphs with a window to encode (or no window at all): what counts as encoded."""


def plan(
    windows: tuple[Window, ...], texts: list[str], stored: dict[str, bytes], paragraphs: int
) -> Plan:
    """Split a cable's windows (``texts[i]`` the passage of ``windows[i]``) into those
    whose passage is stored (``stored``, by passage text) and those to encode."""
    if not stored:
        return Plan(texts, list(range(len(texts))), {}, paragraphs)
    kept = {i: stored[t] for i, t in enumerate(texts) if t in stored}
    slots = [i for i in range(len(texts)) if i not in kept]
    whole = {w.para for w in windows} - {windows[i].para for i in slots}
    return Plan([texts[i] for i in slots], slots, kept, paragraphs - len(whole))


def assemble(
    count: int, slots: list[int], encoded: npt.NDArray[np.float32], kept: dict[int, bytes]
) -> npt.NDArray[np.float32]:
    """The vectors of ``count`` windows in window order: the encoded ones (``encoded[i]``
    embeds window ``slots[i]``) and the kept ones."""
    dimension = encoded.shape[1] if slots else len(next(iter(kept.values()), b"")) // 4
    out = np.empty((count, dimension), dtype=np.float32)
    if slots:
        out[slots] = encoded
    for i, vector in kept.items():
        out[i] = np.frombuffer(vector, dtype="<f4")
    return out
