"""Fusion of the dense and lexical candidates, and the "nothing strong found" call.

Every candidate carries both scores (the retriever that missed it computes
its score afterwards), so fusion is a weighted sum of the cosine and the BM25
score normalised by the query's best BM25, plus a small bonus for paragraphs
whose cable holds other strong candidates: a cable about the question tends
to answer it in more than one paragraph. The weights were tuned with `qa eval`
on the development set; ideas that did not move it were dropped (reciprocal-rank
fusion on top of the scores, a penalty for summary paragraphs).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(slots=True)
class Candidate:
    pid: int
    cos: float = 0.0
    bm25: float = 0.0
    dense_rank: int | None = None
    lex_rank: int | None = None
    cable_id: str = ""
    para: str = ""
    seq: int = 0
    score: float = 0.0
    outside: bool = False
    """Outside a date the engine read from the question (ranked lower, not excluded)."""


@dataclass(frozen=True, slots=True)
class Tuning:
    lexical_weight: float = 0.25
    """Weight of BM25 / best BM25 of the query, added to the cosine."""
    cable_weight: float = 0.10
    """Weight of the cable's other best candidate (its fused score, before this bonus)."""
    followup_own_weight: float = 0.7
    """A follow-up's query vector: this share its own words, the rest the earlier topic."""
    outside_penalty: float = 0.15
    """Subtracted from candidates outside an inferred date range."""
    min_cos: float = 0.45
    """Below this best cosine (top 3) nothing counts as answered."""


def rescore(cands: Sequence[Candidate], tuning: Tuning) -> list[Candidate]:
    """Candidates with `score` set, best first (ties: reading order within a cable)."""
    if not cands:
        return []
    top_bm25 = max((c.bm25 for c in cands), default=0.0)
    base: dict[int, float] = {}
    for c in cands:
        lex = c.bm25 / top_bm25 if top_bm25 > 0 else 0.0
        base[c.pid] = c.cos + tuning.lexical_weight * lex
        if c.outside:
            base[c.pid] -= tuning.outside_penalty
    by_cable: dict[str, list[float]] = defaultdict(list)
    for c in cands:
        by_cable[c.cable_id].append(base[c.pid])
    for scores in by_cable.values():
        scores.sort(reverse=True)
    for c in cands:
        scores = by_cable[c.cable_id]
        other = scores[1] if scores[0] == base[c.pid] and len(scores) > 1 else scores[0]
        if len(scores) == 1:
            other = 0.0
        c.score = base[c.pid] + tuning.cable_weight * other
    return sorted(cands, key=lambda c: (-c.score, c.cable_id, c.seq))


def answered(
    ranked: Sequence[Candidate], tuning: Tuning, *, unknown_names: int = 0, relaxed: bool = False
) -> bool:
    """Whether the best candidates are strong enough to present as an answer.

    Beyond a weak best cosine, two signs that the store cannot answer: the
    question names something no paragraph mentions (`unknown_names`), or a
    date, place or other filter it states matched nothing (`relaxed`).
    """
    if not ranked or unknown_names > 0 or relaxed:
        return False
    best_cos = max(c.cos for c in ranked[:3])
    return best_cos >= tuning.min_cos
