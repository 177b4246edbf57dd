"""The two plain retrievers: dense (exact scan or Chroma HNSW) and lexical (FTS5 BM25).

Both return paragraph ids (a `LedgerView`'s pids) with their raw scores, best first;
fusion and re-scoring live in `qa.engine`. A paragraph with several windows
scores as its best window.

Dense search scans the ledger's vectors exactly whenever it can: at up to
`EXACT_SCAN_MAX` records, and always with filters, where Chroma's `where` takes
seconds at a million records while a masked scan takes ~80 ms. Chroma's HNSW
serves large unfiltered stores, local or through a server (the ledger, vectors
included, is on the querying machine in both modes).
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from corpus.atomic import write_text_atomic
from corpus.dates import day_of_iso
from qa.answer import Filters
from qa.errors import RetrievalError
from qa.terms import content_terms, words

if TYPE_CHECKING:
    from embeddings.view import Columns, LedgerView

EXACT_SCAN_MAX = 300_000
"""Above this many records an unfiltered local query goes to Chroma's HNSW index."""

MAX_LEXICAL_TERMS = 12
"""Terms OR-ed into one FTS5 query; rarer terms are kept (see `lexical_terms`)."""

Scored = list[tuple[int, float]]


def fts_query(terms: Sequence[str], prefixes: Sequence[str] = ()) -> str:
    """Quoted terms OR-ed (quoting keeps FTS5 syntax in a question from being parsed),
    then `prefixes`, which match every word they begin."""
    return " OR ".join([*map(_quoted, terms), *(_quoted(p) + "*" for p in prefixes)])


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


LEXICAL_POSTINGS = 10_000
"""Matches the FTS5 query may score, estimated: FTS5 scores every paragraph holding
any of the terms before it sorts (about 5 µs each at a million paragraphs), so a
question's common words cost the most at scale and weigh least in BM25. Rarest
terms first, within this budget. On the shared corpus (13,620 paragraphs) the
development set scores the same with 10,000 or 20,000, and within 0.004 of no
budget at all (R@1 0.633 against 0.629, R@5 0.884 against 0.888)."""

SAMPLE_PARAGRAPHS = 3000


class TermStats:
    """How common each word is, estimated from a fixed random sample of paragraphs.

    FTS5 can count a term's documents (fts5vocab) only by walking its whole
    doclist, milliseconds per common word at a million paragraphs, and only for
    the stemmed form; a sample of 3,000 paragraphs, read once per engine, gives
    every word's share to within a percent or so.
    """

    def __init__(self, paragraphs: int, sampled: int, docs: Counter[str]) -> None:
        self.paragraphs, self.sampled, self.docs = paragraphs, sampled, docs

    @classmethod
    def sample(cls, view: LedgerView, count: int | None = None) -> TermStats:
        """`count`: the store's paragraphs, when the caller has it. Ids of paragraphs
        written again are gone, so ids are drawn in proportion: about `SAMPLE_PARAGRAPHS`
        of them hit a paragraph however many were rewritten."""
        if count is None:
            count = view.paragraph_count()
        top = view.newest_paragraph()
        draw = min(top, math.ceil(SAMPLE_PARAGRAPHS * top / max(count, 1)))
        pids = random.Random(top).sample(range(1, top + 1), draw)
        sampled = 0
        docs: Counter[str] = Counter()
        for text in view.paragraph_texts(pids):
            sampled += 1
            docs.update(set(words(text)))
        return cls(count, sampled, docs)

    def covers(self, paragraphs: int) -> bool:
        """Whether these figures still hold for a store of `paragraphs`: within a tenth
        of the size they were sampled at."""
        return abs(paragraphs - self.paragraphs) <= 0.1 * max(self.paragraphs, 1)

    @classmethod
    def load(cls, view: LedgerView, cache: Path, count: int | None = None) -> TermStats:
        """From `cache` (a JSON file) while it `covers` the store, else sampled again and
        saved there: a cold sample of a million-paragraph store reads 3,000 scattered
        rows, ~0.4 s. `count`: the store's paragraphs, when the caller has it (counting
        2.6 million takes about 30 ms)."""
        if count is None:
            count = view.paragraph_count()
        try:
            raw = json.loads(cache.read_text(encoding="utf-8"))
            stats = cls(int(raw["paragraphs"]), int(raw["sampled"]), Counter(raw["docs"]))
            if stats.covers(count):
                return stats
        except (OSError, ValueError, KeyError, TypeError):
            pass
        stats = cls.sample(view, count)
        try:
            cache.parent.mkdir(exist_ok=True)
            data = {"paragraphs": stats.paragraphs, "sampled": stats.sampled, "docs": stats.docs}
            write_text_atomic(cache, json.dumps(data))
        except OSError:  # a read-only store samples each time
            pass
        return stats

    def postings(self, term: str) -> float:
        """Estimated paragraphs holding `term` (half a sample's worth when none did)."""
        if not self.sampled:
            return 0.0
        return max(self.docs[term], 0.5) / self.sampled * self.paragraphs


def lexical_terms(question: str, stats: TermStats | None = None) -> list[str]:
    """The question's content words for FTS5, in its order: rarest first while their
    estimated matches fit `LEXICAL_POSTINGS` (at least one), at most `MAX_LEXICAL_TERMS`."""
    terms = content_terms(question)
    if stats is None:
        return terms[:MAX_LEXICAL_TERMS]
    keep: set[str] = set()
    total = 0.0
    for term in sorted(terms, key=stats.postings)[:MAX_LEXICAL_TERMS]:
        total += stats.postings(term)
        if keep and total > LEXICAL_POSTINGS:
            break
        keep.add(term)
    return [t for t in terms if t in keep]


GATHER_ROWS = 16_384
"""A filtered scan gathers the passing rows in chunks of this many: at 1M records and
a year's 13% (200 MB of vectors) it took 62 ms against 82 ms in one piece."""

OVERFETCH = 20
"""A filtered lexical query first takes this many times the results it needs from the
unfiltered index and filters them here (see `lexical`)."""

ParagraphFilter = Callable[[npt.NDArray[np.int64]], npt.NDArray[np.bool_]]


def lexical(
    view: LedgerView,
    terms: list[str],
    filters: Filters,
    n: int,
    columns: Columns,
    keep: ParagraphFilter | None = None,
    exact: int | None = None,
) -> Scored:
    """BM25 over (text, context) weighted by `columns`; bm25() is lower-better, returned
    negated (higher-better).

    With filters and `keep` (which paragraph ids pass them), the best
    `OVERFETCH * n` unfiltered matches are filtered here: joining every match to
    its cable in SQL cost 100-330 ms at 380k paragraphs. The result is exact
    whenever at least `exact` (default `n`) pass, or every match was seen; else
    the SQL join runs.
    """
    if not terms:
        return []
    match = fts_query(terms)
    if filters.is_empty():
        return _scored(view.bm25(match, n, columns))
    if keep is not None:
        rows, certain = _filtered_here(view.bm25(match, OVERFETCH * n, columns), keep, n)
        if certain >= min(n if exact is None else exact, n):
            return _scored(rows)
    return _scored(view.bm25_filtered(match, filters, n, columns))


def _scored(rows: list[tuple[int, float]]) -> Scored:
    """FTS5's bm25() is lower-better: negated, so higher is better as everywhere else."""
    return [(int(pid), -float(score)) for pid, score in rows]


def _filtered_here(
    rows: list[tuple[int, float]], keep: ParagraphFilter, n: int
) -> tuple[list[tuple[int, float]], int]:
    """The rows `keep` passes, best first, at most `n`; and how many count as exact
    (all of them when the index had no more matches to give, else those found)."""
    if not rows:
        return [], n
    ok = keep(np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows)))
    kept = [r for r, good in zip(rows, ok.tolist(), strict=True) if good][:n]
    seen_all = len(rows) < OVERFETCH * n
    return kept, (n if seen_all else len(kept))


@dataclass
class VectorIndex:
    """The ledger's vectors with, per row, its paragraph and its cable (cables.rowid)."""

    vectors: npt.NDArray[np.float32]
    pids: npt.NDArray[np.int64]
    cables: npt.NDArray[np.int64]
    generation: int
    _pid_cable: npt.NDArray[np.int64] | None = field(default=None, repr=False)
    _ok_memo: dict[tuple[Any, ...], npt.NDArray[np.bool_]] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, view: LedgerView) -> VectorIndex:
        """Vectors, paragraphs and cables from the ledger's `matrix()` (cached there)."""
        gen = view.generation()
        matrix = view.matrix()
        vectors = np.asarray(matrix.vectors, dtype=np.float32)
        return cls(vectors, matrix.pids, matrix.cables, gen)

    def allowed(self, view: LedgerView, filters: Filters) -> npt.NDArray[np.bool_] | None:
        """Boolean row mask for `filters`, built per cable then broadcast to rows."""
        if filters.is_empty():
            return None
        mask: npt.NDArray[np.bool_] = self._cables_ok(view, filters)[self.cables]
        return mask

    def paragraph_filter(self, view: LedgerView, filters: Filters) -> ParagraphFilter:
        """Which paragraph ids pass `filters` (ids newer than this index do not)."""
        ok = self._cables_ok(view, filters)
        if self._pid_cable is None:
            top = int(self.pids.max(initial=0)) + 1
            self._pid_cable = np.zeros(top, dtype=np.int64)  # cable rowids start at 1
            self._pid_cable[self.pids] = self.cables
        pid_cable = self._pid_cable

        def keep(pids: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
            inside = pids < pid_cable.size
            out = np.zeros(pids.size, dtype=bool)
            out[inside] = ok[pid_cable[pids[inside]]]
            return out

        return keep

    def _cables_ok(self, view: LedgerView, filters: Filters) -> npt.NDArray[np.bool_]:
        """Indexed by cables.rowid: does the cable pass `filters` (the last few remembered:
        one question asks it for the dense and the lexical side)."""
        key: tuple[Any, ...] = (filters.since, filters.until, filters.origin)
        key += (filters.classification, filters.tag, filters.cable_ids)
        if (hit := self._ok_memo.get(key)) is not None:
            return hit
        ok_ids = view.cable_rowids(filters)
        size = int(max(self.cables.max(initial=0), ok_ids.max(initial=0))) + 1
        ok = np.zeros(size, dtype=bool)
        ok[ok_ids] = True
        if len(self._ok_memo) >= 8:
            self._ok_memo.pop(next(iter(self._ok_memo)))
        self._ok_memo[key] = ok
        return ok

    def search(
        self, query: npt.NDArray[np.float32], n: int, mask: npt.NDArray[np.bool_] | None = None
    ) -> Scored:
        """Exact cosine (the rows are normalised), best window per paragraph; nothing from
        a store that holds no vector yet (a server started before the first ingest)."""
        if len(self.vectors) == 0:
            return []
        if mask is not None:
            rows = np.flatnonzero(mask)
            if rows.size == 0:
                return []
            scores = np.empty(rows.size, dtype=np.float32)
            for at in range(0, rows.size, GATHER_ROWS):  # the gathered rows stay in cache
                part = rows[at : at + GATHER_ROWS]
                scores[at : at + part.size] = self.vectors[part] @ query
        else:
            rows = None
            scores = self.vectors @ query
        top = best_rows(scores, min(scores.size, n * 3))
        index = rows[top] if rows is not None else top
        return best_per_pid(self.pids[index], scores[top], n)


def best_rows(scores: npt.NDArray[Any], take: int) -> npt.NDArray[np.int64]:
    """The indices of the `take` best scores, best first (ties in index order): read
    `n * 3` records for `n` paragraphs, since a paragraph's windows crowd the top."""
    if take <= 0:
        return np.empty(0, dtype=np.int64)
    top = np.argpartition(-scores, take - 1)[:take]
    return top[np.argsort(-scores[top], kind="stable")]


def best_per_pid(pids: npt.NDArray[np.int64], scores: npt.NDArray[Any], n: int) -> Scored:
    out: Scored = []
    seen: set[int] = set()
    for pid, score in zip(pids.tolist(), scores.tolist(), strict=True):
        if pid not in seen:
            seen.add(pid)
            out.append((int(pid), float(score)))
            if len(out) == n:
                break
    return out


def chroma_where(view: LedgerView, filters: Filters) -> dict[str, Any] | None:
    """A Chroma `where` for server mode: substring filters resolved to exact values here."""
    parts: list[dict[str, Any]] = []
    if filters.since:
        parts.append({"date": {"$gte": day_of_iso(filters.since)}})
    if filters.until:
        parts.append({"date": {"$lte": day_of_iso(filters.until)}})
    for name in ("origin", "classification"):
        if getattr(filters, name):
            values = view.cable_values(name, Filters(**{name: getattr(filters, name)}))
            parts.append({name: {"$in": values or [""]}})
    if filters.tag:
        parts.append({"tags": {"$contains": filters.tag.upper()}})
    if filters.cable_ids:
        parts.append({"cable_id": {"$in": list(filters.cable_ids)}})
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else {"$and": parts}


def chroma_search(
    collection: Any,
    view: LedgerView,
    query: npt.NDArray[np.float32],
    n: int,
    where: dict[str, Any] | None,
) -> Scored:
    """HNSW neighbours mapped back to ledger paragraphs; cosine distance -> similarity."""
    return best_of(chroma_records(collection, view, query[None, :], n * 2, where), n)


def best_of(pairs: Scored, n: int) -> Scored:
    """The best `n` paragraphs of (paragraph id, score) pairs, each at its best score;
    ties keep their order."""
    pids = np.array([p for p, _ in pairs], dtype=np.int64)
    scores = np.array([s for _, s in pairs], dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    return best_per_pid(pids[order], scores[order], n)


def chroma_records(
    collection: Any,
    view: LedgerView,
    queries: npt.NDArray[np.float32],
    n: int,
    where: dict[str, Any] | None = None,
) -> Scored:
    """(paragraph id, cosine) of the `n` nearest records in Chroma's HNSW index to each
    row of `queries`, all queries' results in one list, unsorted; records the ledger no
    longer holds are dropped."""
    try:
        res = collection.query(
            query_embeddings=queries.tolist(),
            n_results=n,
            where=where,
            include=["distances", "metadatas"],
        )
    except Exception as exc:
        raise RetrievalError(f"Chroma query failed: {str(exc).splitlines()[0]}") from None
    found = [
        ((str(m["cable_id"]), str(m["para"])), 1.0 - float(d))
        for metas, dists in zip(res.get("metadatas") or [], res.get("distances") or [], strict=True)
        for m, d in zip(metas, dists, strict=True)
    ]
    pid_of = view.paragraph_ids({key for key, _ in found})
    return [(pid_of[key], score) for key, score in found if key in pid_of]
