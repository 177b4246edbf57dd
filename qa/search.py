"""Stage two of a question: candidates from the dense and the lexical retriever.

`Search` owns what retrieval loads once and keeps: the query encoder with the
last few query vectors, the ledger's vector matrix, Chroma's collection and the
sampled word frequencies. It chooses the index (an exact scan of the ledger's
vectors, or Chroma's HNSW), gives every candidate both scores, ranks an inferred
date rather than excluding by it, and lets inferred filters go, least certain
first, when nothing matches them all.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from corpus.dates import day_of_iso
from qa import retrieve
from qa.answer import Filters
from qa.config import Settings
from qa.rescore import Candidate, Tuning
from qa.state import StoreState
from qa.terms import abbreviations, content_terms

if TYPE_CHECKING:
    from embeddings.view import LedgerView

CANDIDATES = 100
"""Candidates drawn from each retriever before fusion."""
LEXICAL_POOL = 1000
"""BM25 scores fetched per query: the first CANDIDATES are candidates, the rest give
dense candidates their BM25 (FTS5 matches everything anyway; a wider LIMIT is ~free)."""
RELAX_ORDER = (("tag",), ("classification",), ("since", "until"), ("origin",), ("cable_ids",))
"""Inferred filters, least certain first: the order `Search.relaxed` lets them go."""


class Search:
    def __init__(
        self,
        settings: Settings,
        view: LedgerView,
        tuning: Tuning,
        encoder: Any = None,
        exact_scan_max: int | None = None,
    ) -> None:
        self.settings = settings
        self.tuning = tuning
        self.exact_scan_max = exact_scan_max
        """Records up to which every dense search scans exactly (None:
        `retrieve.EXACT_SCAN_MAX`); past it a long-lived engine asks Chroma's HNSW."""
        self.encoder: Any = encoder
        """An `embeddings.encoder.Encoder`; the store's query encoder loads on first use."""
        self._view = view
        self._state = StoreState(-1, {}, frozenset(), 0, 0)
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}
        self._stats: retrieve.TermStats | None = None
        self._long_lived = False
        self._index: retrieve.VectorIndex | None = None
        self._collection: Any = None

    def use(self, state: StoreState) -> None:
        """A new picture of the store: the vector index and Chroma's client reload."""
        self._state = state
        self.drop()
        if self.settings.chroma_url is not None:
            self.chroma()  # a server named but down is an error, even when this ask scans here

    def drop(self) -> None:
        self._index = None
        self._collection = None

    def warm(self) -> None:
        """Load the encoder and the vectors now; past `retrieve.EXACT_SCAN_MAX` records
        unfiltered questions then go to Chroma's HNSW index, which loads here."""
        self._long_lived = True
        self.encode("warm up")
        if self.use_exact(Filters()):
            self.vector_index()
        else:
            self._dense("warm up", Filters(), 1)  # Chroma loads its index on the first query

    def encode(self, text: str) -> npt.NDArray[np.float32]:
        """The query vector, remembered for the last few texts: one question searches
        its text up to three times (dates as a filter and not, the conversation's topic)."""
        if (vec := self._vectors.get(text)) is not None:
            return vec
        if self.encoder is None:
            from embeddings.encoder import load_query_encoder

            self.encoder = load_query_encoder(
                self.settings.model, cache_dir=self.settings.store / "onnx"
            )
        vec = np.asarray(self.encoder.encode([text])[0], dtype=np.float32)
        vec.setflags(write=False)
        if len(self._vectors) >= 16:
            self._vectors.pop(next(iter(self._vectors)))
        self._vectors[text] = vec
        return vec

    def term_stats(self) -> retrieve.TermStats:
        """Sampled word frequencies, taken again once the store has grown by a tenth."""
        stats = self._stats
        if stats is None or not stats.covers(self._state.paragraphs):
            cache = self.settings.store / "cache" / "qa-terms.json"
            stats = self._stats = retrieve.TermStats.load(self._view, cache, self._state.paragraphs)
        return stats

    # -- the two retrievers ------------------------------------------------------------------

    def vector_index(self) -> retrieve.VectorIndex:
        """The ledger's vectors, loaded once per store generation."""
        if self._index is None:
            self._index = retrieve.VectorIndex.load(self._view)
        return self._index

    def use_exact(self, filters: Filters) -> bool:
        """Scan the ledger's own vectors (on this machine in server mode too) when the
        store is small or a filter applies; Chroma's HNSW only for big unfiltered asks.

        Through a Chroma server at 100k records, `where` filters cost p50 490 ms for a
        year and 460 ms for a year and a post (p95 up to 2 s): the masked scan of the
        local vectors takes a fraction of that.
        """
        most = retrieve.EXACT_SCAN_MAX if self.exact_scan_max is None else self.exact_scan_max
        if self._state.records <= most or not filters.is_empty():
            return True
        # Past that size an unfiltered question goes to Chroma's HNSW index only in a
        # long-lived engine (`warm`): at 1M records a one-shot `qa ask` paid 10 s for
        # Chroma to load the index against 2.3 s for its first exact scan, while a warm
        # engine then answers in 160 ms with HNSW against 290 ms scanning.
        return not self._long_lived

    def chroma(self) -> Any:
        if self._collection is None:  # dropped by `use` whenever the store changed
            from embeddings.client import reopen

            self._collection = reopen(  # a fresh client: the cached one misses new vectors
                self.settings.store,
                self.settings.chroma_url,
                str(self._view.model() or self.settings.model),
                int(self._view.dimension() or 0),
            )
        return self._collection

    def _dense(
        self, text: str, filters: Filters, n: int, own: str | None = None
    ) -> tuple[retrieve.Scored, Any]:
        query = self.encode(text)
        if own:  # a follow-up: its own words lead, the earlier topic steers
            w = self.tuning.followup_own_weight
            query = w * self.encode(own) + (1.0 - w) * query
            query = (query / max(float(np.linalg.norm(query)), 1e-12)).astype(np.float32)
        if self.use_exact(filters):
            index = self.vector_index()
            return index.search(query, n, index.allowed(self._view, filters)), query
        where = retrieve.chroma_where(self._view, filters)
        return retrieve.chroma_search(self.chroma(), self._view, query, n, where), query

    def _lexical(
        self, text: str, filters: Filters, n: int, exact: int | None = None
    ) -> retrieve.Scored:
        """BM25 candidates; with filters the vector index (loaded for the dense side
        anyway) says which paragraphs pass, so the FTS5 matches need no SQL join."""
        terms = retrieve.lexical_terms(text, self.term_stats())
        keep = None
        if not filters.is_empty() and self.use_exact(filters):
            keep = self.vector_index().paragraph_filter(self._view, filters)
        columns = self.tuning.bm25_columns
        return retrieve.lexical(self._view, terms, filters, n, columns, keep=keep, exact=exact)

    # -- candidates --------------------------------------------------------------------------

    def search(
        self, text: str, filters: Filters, k: int, own: str | None
    ) -> tuple[list[Candidate], Filters]:
        """Candidates under `filters`, and the filters that held: when only candidates
        outside them were found, the inferred ones are let go (`relaxed`)."""
        cands = self._hybrid(text, filters, k, own)
        if all(c.outside for c in cands) and filters.inferred:
            return self._relaxed(text, filters, k, own)
        return cands, filters

    def find(self, text: str, filters: Filters, n: int, own: str | None) -> list[Candidate]:
        dense, query = self._dense(text, filters, n, own)
        words = " ".join([text, *abbreviations(text)])  # "GOR" for "the Russian government"
        pool = self._lexical(words, filters, LEXICAL_POOL, exact=n)
        return self._candidates(dense, pool[:n], query, dict(pool))

    def plain(self, question: str, k: int, filters: Filters, mode: str) -> list[Candidate]:
        """One retriever alone ("dense" or "lexical"), ranked by its own score: baselines."""
        if mode == "dense":
            cands = self._candidates(self._dense(question, filters, k)[0], [], None)
        else:
            cands = self._candidates([], self._lexical(question, filters, k), None)
        ranked = sorted(cands, key=lambda c: -(c.cos if mode == "dense" else c.bm25))
        for c in ranked:
            c.score = c.cos if mode == "dense" else c.bm25
        return ranked

    def _hybrid(
        self, text: str, filters: Filters, k: int, own: str | None = None
    ) -> list[Candidate]:
        """Candidates under the filters; with an inferred date, also those outside it.

        A date in a question often names the event, not the cable ("shot dead in
        2002" in a 2009 report), so an inferred date ranks rather than excludes:
        candidates from outside it come marked `outside` and rescoring demotes them.
        A follow-up that says nothing but the date ("and in 2005?") means the cables'
        date: there it stays a filter, as it does with `Filters.strict_dates`.
        """
        n = max(CANDIDATES, k)
        found = {c.pid: c for c in self.find(text, filters, n, own)}
        only_a_date = own is not None and not content_terms(own)
        strict = only_a_date or filters.strict_dates
        soft = None if strict else _without_inferred_dates(filters)
        if soft is not None:
            for c in self.find(text, soft, n, own):
                if c.pid not in found:
                    c.outside = True
                    found[c.pid] = c
            self._date_later(found.values(), filters.until)
        return list(found.values())

    def _date_later(self, cands: Iterable[Candidate], until: str | None) -> None:
        """Mark the candidates outside an inferred date that are dated after it."""
        outside = [c for c in cands if c.outside]
        if until is None or not outside:
            return
        last = day_of_iso(until)
        dates = {
            f.cable_id: f.date for f in self._view.cable_facts(list({c.cable_id for c in outside}))
        }
        for c in outside:
            c.later = (dates.get(c.cable_id) or 0) > last

    def _relaxed(
        self, text: str, applied: Filters, k: int, own: str | None
    ) -> tuple[list[Candidate], Filters]:
        """Drop inferred filters, least certain first, until something matches."""
        kept = list(applied.inferred)
        dropped: list[str] = []
        cands: list[Candidate] = []
        for group in RELAX_ORDER:
            names = [n for n in kept if n in group]
            if not names:
                continue
            kept = [n for n in kept if n not in group]
            dropped += names
            cleared: dict[str, Any] = {n: () if n == "cable_ids" else None for n in names}
            inferred = (*kept, *(f"{n}:ignored" for n in dropped))
            values = tuple((n, _shown(getattr(applied, n))) for n in names)
            applied = replace(
                applied, **cleared, inferred=inferred, dropped=(*applied.dropped, *values)
            )
            cands = self._hybrid(text, applied, k, own)
            if cands:
                break
        return cands, applied

    def _candidates(
        self,
        dense: retrieve.Scored,
        lexical: retrieve.Scored,
        query: Any,
        bm25: dict[int, float] | None = None,
    ) -> list[Candidate]:
        """Every candidate with both scores: a dense candidate's BM25 comes from the wider
        lexical pool (one FTS5 query either way), a lexical one's cosine from its vectors."""
        cands: dict[int, Candidate] = {}
        for rank, (pid, score) in enumerate(dense, 1):
            cands[pid] = Candidate(pid, cos=score, dense_rank=rank)
        for rank, (pid, score) in enumerate(lexical, 1):
            c = cands.setdefault(pid, Candidate(pid))
            c.bm25, c.lex_rank = score, rank
        if not cands:
            return []
        for pid, cable_id, number, seq, text, heading in self._view.paragraphs(list(cands)):
            c = cands[pid]
            c.cable_id, c.para, c.seq = cable_id, number, seq
            c.text = f"{heading}\n{text}" if heading else text
        if query is not None:
            missing = [p for p, c in cands.items() if c.dense_rank is None]
            for pid, cos in self._cosines(missing, query).items():
                cands[pid].cos = cos
        if bm25:
            for pid, c in cands.items():
                if c.lex_rank is None:
                    c.bm25 = bm25.get(pid, 0.0)
        return list(cands.values())

    def _cosines(self, pids: list[int], query: npt.NDArray[np.float32]) -> dict[int, float]:
        """Each paragraph's best window against the query."""
        out: dict[int, float] = {}
        if not pids:
            return out
        for pid, vector in self._view.window_vectors(pids):
            cos = float(vector @ query)
            out[pid] = max(cos, out.get(pid, -1.0))
        return out


def _shown(value: str | tuple[str, ...]) -> str:
    return value if isinstance(value, str) else " ".join(value)


def _without_inferred_dates(filters: Filters) -> Filters | None:
    """The filters with the dates read from the question cleared; None when there are none."""
    if "since" not in filters.inferred and "until" not in filters.inferred:
        return None
    return replace(
        filters,
        since=None if "since" in filters.inferred else filters.since,
        until=None if "until" in filters.inferred else filters.until,
    )
