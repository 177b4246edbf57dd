"""Fusion of the dense and lexical candidates, and the "nothing strong found" call.

Every candidate carries both scores (the retriever that missed it computes
its score afterwards), so fusion is a weighted sum of the cosine and the BM25
score normalised by the query's best BM25 and the paragraph's `coverage` of
the question's rarer words, plus a small bonus for paragraphs whose cable
holds other strong candidates: a cable about the question tends to answer it
in more than one paragraph. The first few are then re-ordered by `closeness`:
the question's words found together in one sentence. The weights were tuned on
the development set (`bench/rank.py`, cross-validated); ideas that did not move
it were dropped (reciprocal-rank fusion on top of the scores, a penalty for
summary paragraphs, word pairs side by side, paragraph length).
"""

from __future__ import annotations

import heapq
import math
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from qa.highlight import evidence_for, overlaps, sentences
from qa.terms import content_terms, starts_a_word, stem


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
    later: bool = False
    """Outside it, and dated after it: a cable that reports the dated event afterwards
    (a meeting of September 29 in a cable of October 26). The "nothing strong found" bar
    does not hold the date against it (`fused`)."""
    text: str = ""
    """The paragraph and its heading: what `coverage` reads."""
    coverage: float = 0.0
    sentence: float = 0.0
    """`coverage` of the paragraph's best sentence alone: the question's words together."""
    typed: float = 0.0
    """1 when a sentence sharing a question word holds what the question asks for."""
    bonus: float = 0.0
    """What `closeness` added to `score` (the "nothing strong found" bar reads the score
    without it)."""


@dataclass(frozen=True, slots=True)
class Tuning:
    lexical_weight: float = 0.10
    """Weight of BM25 / best BM25 of the query, added to the cosine."""
    coverage_weight: float = 0.20
    """Weight of the share of the question's rare terms the paragraph holds (`coverage`)."""
    cable_weight: float = 0.05
    """Weight of the cable's other best candidate (its fused score, before this bonus).
    It lifts a cable that answers in several paragraphs, and so also fills the top
    with one cable's paragraphs: see `same_cable_penalty`."""
    conversation_weight: float = 0.1
    """A follow-up's candidates from the cables the earlier question found get this
    (times 1 for its best cable, 1/2 for the next)."""
    followup_own_weight: float = 0.7
    """A follow-up's query vector: this share its own words, the rest the earlier topic."""
    same_cable_penalty: float = 0.02
    """Subtracted once for each better-ranked paragraph of the same cable: near ties go
    to another cable. With `cable_weight` the pull between "more of the best cable" and
    "more cables". On the development set (276 questions) cable weight 0.05 and this
    penalty 0.02 raised cable Recall@5 from 0.964 to 0.972 (0.10 and 0.01 before) at
    the same paragraph Recall@5 (0.892); every pair with cable weight 0.025-0.05 and
    penalty 0.015-0.03 gave 0.972, weights 0.075 and up 0.964-0.968, and a penalty of
    0.04 and up traded paragraph Recall@5 away (0.865-0.873)."""
    outside_penalty: float = 0.15
    """Subtracted from candidates outside an inferred date range."""
    min_cos: float = 0.30
    """Below this best cosine (top 3) nothing counts as answered: a floor for questions
    that match nothing at all. Cross-validation put it anywhere from 0.20 to 0.35 with
    the same result; 0.45, as before, refused follow-ups whose own few words pull their
    cosine down."""
    min_score: float = 0.66
    """Below this best fused score nothing counts as answered either (unless a filter the
    question states holds the best candidate): the fused score weighs the question's
    rare words too, which a topical near miss lacks. It moves with `cable_weight`, which
    adds to the fused score. Set by 5-fold cross-validation on the development set (306
    questions, 55 unanswerable; `bench/abstain.py`: the most unanswerable questions
    refused with at most 5% of answerable ones): held out, 26 of 55 unanswerable and 2
    of 251 answerable questions answered false, against 29 and 10 with the bars before
    (0.45, 0.68), which were set on 25 of those 55. With 30 factoid questions added (336):
    held out, 26 of 55 and 4 of 281; since `Candidate.later` keeps a cable dated after the
    question's date its score, 24 of 55 and 3 of 281 (and on `eval/holdout.jsonl`, never
    tuned on, 1 of 20 and 1 of 100, against 5 of 50 answerable before); since a year no
    cable is dated in that the best cable comes after is no sign (`Judge._relaxed`), 23
    of 55 and 2 of 281."""
    sentence_weight: float = 0.5
    """Weight of the best sentence's `coverage` (`Candidate.sentence`) among the first
    `rerank_depth` candidates: a paragraph that holds the question's words in one
    sentence answers it more often than one that scatters them. 5-fold cross-validation
    on the development set (281 answerable questions, `bench/rank.py`, a setting chosen
    only if it kept the training folds' Recall@5 and cable Recall@5), held out: R@1
    0.619 -> 0.665, MRR@10 0.729 -> 0.758, R@5 0.890 and cable R@5 0.975 unchanged.
    Added to every candidate's fused score instead, it cost R@5 (0.890 -> 0.872 held
    out); word pairs side by side, paragraph length and first-paragraph bonuses did
    not move the held-out figures. On questions it was not tuned on (`eval/holdout.jsonl`,
    208 answerable) it is about neutral: R@1 0.688 without it, 0.692 with it and
    `opening_closeness` (0.635 at full share on opening paragraphs)."""
    typed_weight: float = 0.03
    """Weight of `Candidate.typed` (a sentence with the question's words holds a number
    for "how many", a date for "when", a title for "who"), with `sentence_weight`."""
    rerank_depth: int = 3
    """How many of the best candidates `closeness` re-orders (2-5 tried; 3 in every fold)."""
    opening_closeness: float = 0.0
    """The share of `closeness`'s bonus a cable's opening paragraph gets (its first, or ¶1
    after an unnumbered ¶0: the summary). A summary packs the cable's actors and matters
    into a few long sentences, so the question's words together in one of them say little
    about whether it answers; at full share, closeness put summaries first that only set
    the scene of the detail asked about. 5-fold cross-validation over `eval/dev.jsonl`
    and `eval/holdout.jsonl` together (489 answerable questions, `sentence_weight` 0,
    0.25 or 0.5 by this share 0 or 1): every fold chose 0.5 and 0; held out, R@1 0.654
    -> 0.675 and MRR@10 0.760 -> 0.773, R@5 and cable R@5 unchanged. By part: dev R@1
    0.669 -> 0.662, the holdout's first 100 (asking about details) 0.590 -> 0.730, its
    last 108 (written after, as often about a cable's main point) 0.676 -> 0.657."""
    rare_name_share: float = 0.004
    """A name in at most this share of paragraphs is rare (see `answered`'s `stray_names`).
    At 0.005, "Britain" (69 paragraphs of the shared corpus, the cap there) was rare, and two
    answerable questions naming it were refused where the answering cable writes "UK".
    5-fold cross-validation over `eval/dev.jsonl`, `eval/holdout.jsonl` and
    `eval/short.jsonl` together (577 answerable, 111 unanswerable; shares 0.001-0.0075,
    floors 10 and 20): four folds chose 0.004; held out, answerable questions wrongly
    refused 9 -> 7 and unanswerable ones refused 30 -> 29 (0.002-0.004 tie on all data)."""
    rare_name_floor: int = 20
    """...or in at most this many, whatever the store's size: in a small store every
    name is in a few paragraphs."""
    name_cables: int = 5
    """The best candidates' first cables, of which one must hold all the rare names."""
    answer_top: int = 3
    """The best candidates whose best cosine `answered` compares with `min_cos`."""
    followup_candidates: int = 10
    """A follow-up favours the cables among the earlier question's best this many
    candidates..."""
    followup_cables: int = 2
    """...the first this many of them, weighted 1, 1/2, ... (`conversation_weight`)."""
    bm25_columns: tuple[float, float] = (1.0, 0.4)
    """FTS5 bm25() weights of a paragraph's text and of its context (the cable's subject
    and the paragraph's heading)."""
    fold_pool: int = 2
    """Candidates shown per result asked for, so that copies folded into a result above
    them (`Hit.also`, `qa.present.present`) still leave `k` results: copies are rare (7
    pairs among the 13,644 shared paragraphs), and twice `k` costs a few rows read."""


def coverage(query: str, cands: Sequence[Candidate]) -> dict[str, float]:
    """Set each candidate's share of the query's stems it holds, weighted by rarity.

    Rarity is counted over the candidates themselves (no corpus statistics to
    fetch): a stem most candidates share ("Iran" for a question about Iran) says
    little, one only a few hold ("Taheri") singles out the answer. The cosine of
    a whole window blurs such words; BM25 saturates on repeats; coverage rewards
    holding many of the distinct words. With the BM25 weight lowered from 0.25
    to 0.10, `qa eval` on the development set (232 questions) went R@1 0.507 ->
    0.527, R@5 0.831 -> 0.850, MRR@10 0.643 -> 0.661, cable R@5 0.932 -> 0.947;
    every kind gained or held. Scoring only the question's own words in a
    follow-up did worse (its R@5 0.42 against 0.47 offline).
    """
    wanted = list(dict.fromkeys(stem(t) for t in content_terms(query)))
    if not wanted or not cands:
        for c in cands:
            c.coverage = 0.0
        return {}
    # A word holds a stem when it starts with it ("negotiations" holds "negoti").
    # Stemming every word of 200 paragraphs cost 13 ms; a substring test does for long
    # stems, short ones ("oil" in "turmoil") need a word start.
    held = []
    for c in cands:
        low = c.text.lower()
        held.append({s for s in wanted if (s in low if len(s) >= 6 else starts_a_word(s, low))})
    n = len(cands)
    weight = {s: math.log(1 + n / (1 + sum(s in h for h in held))) for s in wanted}
    total = sum(weight.values())
    for c, h in zip(cands, held, strict=True):
        c.coverage = sum(weight[s] for s in wanted if s in h) / total
    return weight


def closeness(c: Candidate, weight: dict[str, float], evidence: re.Pattern[str] | None) -> None:
    """Set `sentence` and `typed`: the question's words (weighted as in `coverage`) found
    together in one sentence, and that sentence holding what the question asks for."""
    c.sentence = c.typed = 0.0
    total = sum(weight.values())
    if not total:
        return
    spans = sentences(c.text) or [(0, len(c.text))]
    held = overlaps(c.text, spans, weight)
    c.sentence = max(held) / total
    if evidence is not None and any(
        h and evidence.search(c.text, a, b) for h, (a, b) in zip(held, spans, strict=True)
    ):
        c.typed = 1.0


def rescore(
    cands: Sequence[Candidate],
    tuning: Tuning,
    query: str = "",
    *,
    prior: Mapping[str, float] | None = None,
    intent: str | None = None,
) -> list[Candidate]:
    """Candidates with `score` set, best first (ties: reading order within a cable).

    With `query`, candidates' `coverage` is computed from their `text` first.
    `prior` weighs cables the conversation already found (1.0 for the best).
    `intent`: what the question's kind is read from, when not `query` (a follow-up:
    `qa.understand.Understanding.intent`).
    """
    if not cands:
        return []
    near = bool(query and (tuning.sentence_weight or tuning.typed_weight))
    weight = coverage(query, cands) if query and (tuning.coverage_weight or near) else {}
    top_bm25 = max((c.bm25 for c in cands), default=0.0)
    base: dict[int, float] = {}
    for c in cands:
        c.bonus = 0.0  # set again by `_closer` for the first few: never a stale one
        lex = c.bm25 / top_bm25 if top_bm25 > 0 else 0.0
        base[c.pid] = c.cos + tuning.lexical_weight * lex + tuning.coverage_weight * c.coverage
        if c.outside:
            base[c.pid] -= tuning.outside_penalty
        if prior:
            base[c.pid] += tuning.conversation_weight * prior.get(c.cable_id, 0.0)
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
    ranked = sorted(cands, key=lambda c: (-c.score, c.cable_id, c.seq))
    if tuning.same_cable_penalty:
        ranked = _spread(ranked, tuning.same_cable_penalty)
    return _closer(ranked, tuning, weight, evidence_for(intent or query)) if near else ranked


def _closer(
    ranked: list[Candidate],
    tuning: Tuning,
    weight: dict[str, float],
    evidence: re.Pattern[str] | None,
) -> list[Candidate]:
    """The first `rerank_depth` candidates re-ordered by how closely each holds the
    question (`closeness`): which of them come first, never which make it."""
    depth = tuning.rerank_depth
    top = ranked[:depth]
    for c in top:
        closeness(c, weight, evidence)
        c.bonus = tuning.sentence_weight * c.sentence + tuning.typed_weight * c.typed
        if opening(c):
            c.bonus *= tuning.opening_closeness
        c.score += c.bonus
    top.sort(key=lambda c: (-c.score, c.cable_id, c.seq))
    return top + ranked[depth:]


def opening(c: Candidate) -> bool:
    """Whether `c` opens its cable: its first paragraph, or ¶1 after an unnumbered ¶0."""
    return c.seq == 0 or (c.seq == 1 and c.para == "1")


def _spread(ranked: list[Candidate], penalty: float) -> list[Candidate]:
    """Greedy re-ranking: each pick lowers its cable's remaining paragraphs by `penalty`.

    `score` becomes the lowered score, so the order shown is the order of the scores.
    A heap with lazy updates keeps it O(n log n) for the few hundred candidates.
    """
    heap = [(-c.score, c.cable_id, c.seq, 0, i) for i, c in enumerate(ranked)]
    heapq.heapify(heap)
    picked: dict[str, int] = defaultdict(int)
    out: list[Candidate] = []
    while heap:
        neg, cable, seq, seen, i = heapq.heappop(heap)
        if seen != picked[cable]:  # its cable gained a pick since: re-file it lower
            drop = (picked[cable] - seen) * penalty
            heapq.heappush(heap, (neg + drop, cable, seq, picked[cable], i))
            continue
        c = ranked[i]
        c.score = -neg
        picked[cable] += 1
        out.append(c)
    return out


def answered(
    ranked: Sequence[Candidate],
    tuning: Tuning,
    *,
    unknown_names: int = 0,
    stray_names: int = 0,
    relaxed: bool = False,
    filtered: bool = False,
) -> bool:
    """Whether the best candidates are strong enough to present as an answer.

    Beyond a weak best cosine or fused score, three signs that the store cannot answer: the
    question names something no paragraph mentions (`unknown_names`), rare names of
    the question that no cable among the best holds together (`stray_names`), or a
    date, place or other filter it states matched nothing (`relaxed`). When filters
    apply (`filtered`) and hold the best candidate, the fused score is not asked for:
    the words that stated them are gone from the search text, so it runs lower.
    """
    if not ranked or unknown_names > 0 or stray_names > 0 or relaxed:
        return False
    best_cos = max(c.cos for c in ranked[: tuning.answer_top])
    if filtered and not ranked[0].outside:
        return best_cos >= tuning.min_cos
    return best_cos >= tuning.min_cos and fused(ranked, tuning) >= tuning.min_score


def fused(ranked: Sequence[Candidate], tuning: Tuning) -> float:
    """The best fused score, before `closeness` re-ordered the first few, a cable dated
    after the question's date (`Candidate.later`) keeping the score the date took from
    it (`Tuning.outside_penalty`): cables report events weeks after them, and a bar that
    counted it refused answerable questions ("talks in Beijing in September 2009",
    answered by a cable of October 26) that the development set had not shown."""
    back = tuning.outside_penalty
    return max((c.score - c.bonus + (back if c.later else 0.0) for c in ranked), default=0.0)
