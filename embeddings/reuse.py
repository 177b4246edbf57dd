"""Vectors a changed cable keeps: its stored windows whose passage text is unchanged.

A cable's content hash covers what the model never reads (references, tags, the
classification line), so a parser fix that touches only those would re-encode
every cable it touched, and on the whole release everything. The model reads
only each window's passage text (`passage_text` over the subject, the heading
and the window's span), and the store pins its model, so a stored window whose
passage text comes back unchanged keeps its vector and never reaches the model.

The lookup (`Ledger.window_vectors`) runs in the reader's thread on the reader's
ledger, and only for a cable the ledger holds under another hash: a new cable has no
stored windows to look up, and an unchanged one is skipped before this.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from embeddings.records import Window


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
