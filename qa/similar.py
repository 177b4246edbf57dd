"""More like this: the paragraphs of other cables closest to one paragraph.

A record scores its best cosine against any of the source paragraph's windows,
a paragraph its best record. The source's own cable is left out, and paragraphs
with exactly the same text (a press summary repeated in many cables) fold into
the best ranked of them, their citations listed under it.

The records come from where a question's dense search takes them
(`Search.use_exact`): the store's own vectors scanned exactly (every vector once
per window of the source: ~2 ms on the shared corpus, 16,758 records, a few
hundred ms at a million), or, past `retrieve.EXACT_SCAN_MAX` records in a
long-lived engine, Chroma's HNSW index, asked for the source's own cable's
records more than it needs so that leaving them out still leaves enough.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from qa.answer import Filters, Neighbours
from qa.present import fold_key, present
from qa.rescore import Candidate
from qa.retrieve import Scored, VectorIndex, best_of, best_per_pid, best_rows, chroma_records

if TYPE_CHECKING:
    from embeddings.view import LedgerView
    from qa.search import Search

POOL_PER_RESULT = 4
"""Paragraphs read per result asked for, so that folded copies still leave `k`."""
MIN_POOL = 50


def neighbours(view: LedgerView, search: Search, pid: int, k: int) -> Neighbours | None:
    """The `k` closest paragraphs of other cables to paragraph `pid`; None when it has
    no vectors (an empty paragraph, or one written after the vectors were loaded)."""
    windows = np.array([v for _, v in view.window_vectors([pid])], dtype=np.float32)
    if windows.size == 0:
        return None
    n = max(MIN_POOL, POOL_PER_RESULT * k)
    source = present(view, [Candidate(pid, score=1.0)], "")[0]
    pool = (
        exact_pool(search.vector_index(), pid, windows, n)
        if search.use_exact(Filters())
        else hnsw_pool(search.chroma(), view, source.cable_id, windows, n)
    )
    if pool is None:
        return None
    # best first: each text once, at its best rank, its copies folded into it; marked only
    # by the words it shares with the source: the source is no question, so its "who" or
    # "why" must not make the mark look for a name or a reason
    pooled = [Candidate(p, cos=score, score=score) for p, score in pool]
    hits = present(view, pooled, source.text, k=k, asked=False)
    own = fold_key(source.text)
    return Neighbours(source, hits, tuple(fold_key(hit.text) == own for hit in hits))


def exact_pool(
    index: VectorIndex, pid: int, windows: npt.NDArray[np.float32], n: int
) -> Scored | None:
    """The best `n` paragraphs of other cables, every vector scanned; None when `pid`
    is not in `index` (written after it was loaded)."""
    own_rows = np.flatnonzero(index.pids == pid)
    if own_rows.size == 0:
        return None
    scores = (index.vectors @ windows.T).max(axis=1)
    scores[index.cables == index.cables[own_rows[0]]] = -np.inf
    top = best_rows(scores, min(int(np.isfinite(scores).sum()), n * 3))
    return best_per_pid(index.pids[top], scores[top], n)


def hnsw_pool(
    collection: Any, view: LedgerView, cable_id: str, windows: npt.NDArray[np.float32], n: int
) -> Scored:
    """The best `n` paragraphs of other cables by Chroma's HNSW index. Its own cable's
    records are asked for too and dropped here: a `where` that leaves out one cable
    makes Chroma filter every record first (0.4 s and up at a million)."""
    cable = view.cable(cable_id)
    own = {p.pid for p in cable.paragraphs} if cable is not None else set()
    own_records = sum(1 for _ in view.window_vectors(sorted(own)))
    asked = min(n * 3 + own_records, view.records())
    if asked == 0:
        return []
    pairs = [(p, s) for p, s in chroma_records(collection, view, windows, asked) if p not in own]
    return best_of(pairs, n)
