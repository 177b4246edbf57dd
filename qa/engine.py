"""The one headless engine behind the CLI, the TUI and `qa eval`.

Opening it is cheap (the ledger only): the query encoder, the vector matrix
and Chroma load on first use, so `qa show` never pays for them and a cold
`qa ask` pays only for what it needs. Readers notice another process's writes
through the ledger's generation counter and reload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import numpy as np
import numpy.typing as npt

from qa import filters as flt
from qa import followup, retrieve
from qa.answer import Answer, Filters, Hit
from qa.config import Settings
from qa.errors import EngineError
from qa.highlight import best_sentence, term_weights
from qa.rescore import Candidate, Tuning, answered, rescore
from qa.terms import (
    abbreviations,
    content_terms,
    fold,
    name_key,
    name_parts,
    name_runs,
    starts_a_word,
)

MODES = ("hybrid", "dense", "lexical")
_RELAX_ORDER = (("tag",), ("classification",), ("since", "until"), ("origin",), ("cable_ids",))
CANDIDATES = 100
"""Candidates drawn from each retriever before fusion."""
LEXICAL_POOL = 1000
"""BM25 scores fetched per query: the first CANDIDATES are candidates, the rest give
dense candidates their BM25 (FTS5 matches everything anyway; a wider LIMIT is ~free)."""


class Engine:
    def __init__(
        self, settings: Settings, *, tuning: Tuning | None = None, encoder: Any = None
    ) -> None:
        """`encoder` (an `embeddings.encoder.Encoder`) replaces the store's query encoder:
        a front end that already holds the model, or a store built with another one."""
        from embeddings.view import LedgerView

        self.settings = settings
        self.tuning = tuning or Tuning()
        self._view = LedgerView.open(settings.store)
        if encoder is None:
            self._check_model()
        self._generation = -1
        self._encoder: Any = encoder
        self._vectors: dict[str, npt.NDArray[np.float32]] = {}
        self._stats: retrieve.TermStats | None = None
        self._long_lived = False
        self._paragraphs = 0
        self._index: retrieve.VectorIndex | None = None
        self._collection: Any = None
        self._places: dict[str, str] = {}
        self._tags: frozenset[str] = frozenset()
        self._records = 0

    def _check_model(self) -> None:
        """A store's vectors only compare with its own model's: refuse any other up front."""
        try:
            self._view.require_model(self.settings.model)
        except Exception:
            self._view.close()
            raise

    @property
    def conn(self) -> Any:
        """The ledger's SQLite connection, for benchmarks that measure the store itself
        (the engine asks its `LedgerView`)."""
        return self._view.ledger.conn

    def close(self) -> None:
        self._view.close()
        self._index = None
        self._collection = None

    def cable(self, cable_id: str) -> Any:
        """The stored cable (`embeddings.ledger.StoredCable`) or None."""
        return self._view.cable(cable_id.strip().upper())

    def referencing(self, cable_id: str) -> list[str]:
        """IDs of stored cables whose REF lines cite this one."""
        return list(self._view.referencing(cable_id.strip().upper()))

    # -- state ---------------------------------------------------------------------------------

    def _refresh(self) -> None:
        gen = self._view.generation()
        if gen == self._generation:
            return
        self._generation = gen
        self._index = None
        self._collection = None
        self._places = flt.post_places(self._view.origins())
        self._tags = self._view.tags()
        self._records = self._view.records()
        self._paragraphs = self._view.newest_paragraph()
        if self.settings.chroma_url is not None:
            self._chroma()  # a server named but down is an error, even when this ask scans here

    def _encode(self, text: str) -> npt.NDArray[np.float32]:
        """The query vector, remembered for the last few texts: one question searches
        its text up to three times (dates as a filter and not, the conversation's topic)."""
        if (vec := self._vectors.get(text)) is not None:
            return vec
        if self._encoder is None:
            from embeddings.encoder import load_query_encoder

            self._encoder = load_query_encoder(
                self.settings.model, cache_dir=self.settings.store / "onnx"
            )
        vec = np.asarray(self._encoder.encode([text])[0], dtype=np.float32)
        vec.setflags(write=False)
        if len(self._vectors) >= 16:
            self._vectors.pop(next(iter(self._vectors)))
        self._vectors[text] = vec
        return vec

    def warm(self) -> None:
        """Load the encoder and the vectors now, so the first question is not the slow one.

        It also marks the engine as long-lived (the TUI, `qa eval`): past
        `EXACT_SCAN_MAX` records its unfiltered questions then go to Chroma's HNSW
        index, which it loads here.
        """
        self._long_lived = True
        self._refresh()
        self._encode("warm up")
        if self._use_exact(Filters()):
            self._vector_index()
        else:
            self._dense("warm up", Filters(), 1)  # Chroma loads its index on the first query

    def _vector_index(self) -> retrieve.VectorIndex:
        if self._index is None:
            self._index = retrieve.VectorIndex.load(self._view)
        return self._index

    def _use_exact(self, filters: Filters) -> bool:
        """Scan the ledger's own vectors (on this machine in server mode too) when the
        store is small or a filter applies; Chroma's HNSW only for big unfiltered asks.

        Through a Chroma server at 100k records, `where` filters cost p50 490 ms for a
        year and 460 ms for a year and a post (p95 up to 2 s): the masked scan of the
        local vectors takes a fraction of that.
        """
        if self._records <= retrieve.EXACT_SCAN_MAX or not filters.is_empty():
            return True
        # Past that size an unfiltered question goes to Chroma's HNSW index only in a
        # long-lived engine (`warm`): at 1M records a one-shot `qa ask` paid 10 s for
        # Chroma to load the index against 2.3 s for its first exact scan, while a warm
        # engine then answers in 160 ms with HNSW against 290 ms scanning.
        return not self._long_lived

    def _chroma(self) -> Any:
        if self._collection is None:  # dropped by _refresh whenever the store changed
            from embeddings.client import reopen

            self._collection = reopen(  # a fresh client: the cached one misses new vectors
                self.settings.store,
                self.settings.chroma_url,
                str(self._view.model() or self.settings.model),
                int(self._view.dimension() or 0),
            )
        return self._collection

    # -- retrieval -----------------------------------------------------------------------------

    def _dense(
        self, text: str, filters: Filters, n: int, own: str | None = None
    ) -> tuple[retrieve.Scored, Any]:
        query = self._encode(text)
        if own:  # a follow-up: its own words lead, the earlier topic steers
            w = self.tuning.followup_own_weight
            query = w * self._encode(own) + (1.0 - w) * query
            query = (query / max(float(np.linalg.norm(query)), 1e-12)).astype(np.float32)
        if self._use_exact(filters):
            index = self._vector_index()
            return index.search(query, n, index.allowed(self._view, filters)), query
        where = retrieve.chroma_where(self._view, filters)
        return retrieve.chroma_search(self._chroma(), self._view, query, n, where), query

    def _lexical(
        self, text: str, filters: Filters, n: int, exact: int | None = None
    ) -> retrieve.Scored:
        """BM25 candidates; with filters the vector index (loaded for the dense side
        anyway) says which paragraphs pass, so the FTS5 matches need no SQL join."""
        terms = retrieve.lexical_terms(text, self._term_stats())
        keep = None
        if not filters.is_empty() and self._use_exact(filters):
            keep = self._vector_index().paragraph_filter(self._view, filters)
        return retrieve.lexical(self._view, terms, filters, n, keep=keep, exact=exact)

    def _term_stats(self) -> retrieve.TermStats:
        """Sampled word frequencies, taken again once the store has grown by a tenth."""
        stats = self._stats
        if stats is None or not stats.covers(self._paragraphs):
            cache = self.settings.store / "cache" / "qa-terms.json"
            stats = self._stats = retrieve.TermStats.load(self._view, cache)
        return stats

    def ask(
        self,
        question: str,
        *,
        k: int = 10,
        filters: Filters | None = None,
        history: Sequence[str] = (),
        mode: str = "hybrid",
        infer: bool | None = None,
    ) -> Answer:
        """`infer` overrides `Settings.infer_filters` for this question (None: the setting)."""
        if mode not in MODES:
            raise EngineError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        self._refresh()
        explicit = replace(filters or Filters(), inferred=(), dropped=())
        if mode != "hybrid":
            return self._plain(question, k, explicit, mode)
        infer = self.settings.infer_filters if infer is None else infer
        text, own, applied = self._understand(question, explicit, history, infer)
        cands = self._hybrid(text, applied, k, own)
        if all(c.outside for c in cands) and applied.inferred:
            cands, applied = self._relax(text, applied, k, own)
        prior = self._conversation_cables(history, applied) if own is not None else {}
        ranked = rescore(cands, self.tuning, text, prior=prior)
        unknown, stray = self._name_signs(question, ranked)
        ok = answered(
            ranked,
            self.tuning,
            unknown_names=len(unknown),
            stray_names=len(stray),
            relaxed=own is None and any(n.endswith(":ignored") for n in applied.inferred),
            filtered=not applied.is_empty(),
        )
        return Answer(question, applied, ok, self._hits(ranked[:k], text))

    def _names(self, question: str) -> list[str]:
        """The question's names, each by its last word ("Lakhdar Boumediene" by
        "Boumediene", the part spelt the same in every transliteration), less the
        cities of posts: those are known even where no paragraph writes them."""
        out: list[str] = []
        for run in name_runs(question):
            name = run[-1]
            if name.lower() not in self._places and name not in out:
                out.append(name)
        return out

    def _name_signs(
        self, question: str, ranked: Sequence[Candidate]
    ) -> tuple[list[str], list[str]]:
        """Two signs in the question's names that the store cannot answer it.

        Unknown names: no paragraph holds them. Stray names: rare names that no one
        of the best cables holds with the others. A question that joins things the
        store only knows apart (Portugal's prime minister Socrates on CIA flights
        through the Azores, where no cable names both) asks about a matter the store
        does not hold, and its best candidates are about one of the two. Only rare
        names count there (`Tuning.rare_name_share` of paragraphs at most): a common
        one ("American", "Iraq") often goes unwritten in the cable that answers.

        A name matches in any of its forms (`_name_match`): "Hungary" finds
        "Hungarian", "Scuds" finds "Scud". One FTS5 count per name, capped at the
        rarity bar, serves both signs; a name the word sample already shows to be
        common is not counted at all.
        """
        cap = max(self.tuning.rare_name_floor, int(self._paragraphs * self.tuning.rare_name_share))
        stats = self._term_stats()
        unknown: list[str] = []
        rare: list[str] = []
        for name in self._names(question):
            counts: dict[str, int] = {}
            for part in name_parts(name):
                if stats.postings(part.lower()) > 2 * cap:
                    counts[part] = cap + 1  # common in the sample, so known and not rare
                    continue
                counts[part] = self._view.matches(_name_match(part), cap + 1)
            if not any(counts.values()):
                unknown.append(name)
            rare += [part for part, n in counts.items() if 0 < n <= cap]
        return unknown, self._stray(rare, ranked)

    def _stray(self, rare: Sequence[str], ranked: Sequence[Candidate]) -> list[str]:
        """The `rare` names that the best cable for them does not hold (see `_name_signs`).

        The best cables' text is read and searched here: asking FTS5 which of them
        hold a name joins every match to its cable, 20-75 ms for a name in a few
        thousand paragraphs at a million.
        """
        cables = list(dict.fromkeys(c.cable_id for c in ranked))[: self.tuning.name_cables]
        if not rare or not cables:
            return []
        keys = {part: fold(name_key(part)) for part in rare}
        held = []
        for cable_id in cables:
            text = self._cable_text(cable_id)
            held.append({part for part, key in keys.items() if starts_a_word(key, text)})
        return [part for part in rare if part not in max(held, key=len)]

    def _cable_text(self, cable_id: str) -> str:
        """A cable's subject, headings and paragraphs, folded (`fold`) into one string."""
        cable = self._view.cable(cable_id)
        if cable is None:
            return ""
        parts = [cable.subject or ""]
        for p in cable.paragraphs:
            parts += [p.heading or "", p.text]
        return fold(" ".join(parts))

    def _relax(
        self, text: str, applied: Filters, k: int, own: str | None
    ) -> tuple[list[Candidate], Filters]:
        """Drop inferred filters, least certain first, until something matches."""
        kept = list(applied.inferred)
        dropped: list[str] = []
        cands: list[Candidate] = []
        for group in _RELAX_ORDER:
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

    def _conversation_cables(self, history: Sequence[str], filters: Filters) -> dict[str, float]:
        """The cables the earlier question found, best first, as a prior for a follow-up:
        "did he agree?" is most often answered by the cable the conversation is reading."""
        topic = followup.previous_topic(history)
        if topic is None:
            return {}
        ranked = rescore(self._retrieve(topic, filters, CANDIDATES, None), self.tuning, topic)
        cables: list[str] = []
        for c in ranked[:10]:
            if c.cable_id not in cables:
                cables.append(c.cable_id)
        return {cable: 1.0 / (i + 1) for i, cable in enumerate(cables[:2])}

    def _understand(
        self, question: str, explicit: Filters, history: Sequence[str], infer: bool
    ) -> tuple[str, str | None, Filters]:
        """The text to search with, the question's own words when it is a follow-up
        (else None), and the filters to apply, history included."""
        inference = self._infer(question) if infer else None
        own = flt.strip_spans(question, inference.spans) if inference else question
        text, topic = followup.search_text(question, own, history)
        if topic is not None:
            earlier = self._infer(topic) if infer else None
            if earlier is not None:
                text = followup.combine(flt.strip_spans(topic, earlier.spans), own)
                inference = _carry(inference, earlier)
        borrowed = own if topic is not None and own.strip() else None
        return (text or question), borrowed, flt.merge(explicit, inference)

    def _infer(self, text: str) -> flt.Inference | None:
        known = None
        ids = flt.parse_cable_ids(text)[0]
        if ids:
            known = self._view.known_cables(ids)
        return flt.infer(text, places=self._places, tags=self._tags, known_ids=known)

    def _plain(self, question: str, k: int, filters: Filters, mode: str) -> Answer:
        if mode == "dense":
            cands = self._candidates(self._dense(question, filters, k)[0], [], None)
        else:
            cands = self._candidates([], self._lexical(question, filters, k), None)
        ranked = sorted(cands, key=lambda c: -(c.cos if mode == "dense" else c.bm25))
        for c in ranked:
            c.score = c.cos if mode == "dense" else c.bm25
        return Answer(question, filters, bool(ranked), self._hits(ranked[:k], question))

    def _hybrid(
        self, text: str, filters: Filters, k: int, own: str | None = None
    ) -> list[Candidate]:
        """Candidates under the filters; with an inferred date, also those outside it.

        A date in a question often names the event, not the cable ("shot dead in
        2002" in a 2009 report), so an inferred date ranks rather than excludes:
        candidates from outside it come marked `outside` and rescoring demotes them.
        A follow-up that says nothing but the date ("and in 2005?") means the cables'
        date: there it stays a filter.
        """
        n = max(CANDIDATES, k)
        found = {c.pid: c for c in self._retrieve(text, filters, n, own)}
        only_a_date = own is not None and not content_terms(own)
        soft = None if only_a_date else _without_inferred_dates(filters)
        if soft is not None:
            for c in self._retrieve(text, soft, n, own):
                if c.pid not in found:
                    c.outside = True
                    found[c.pid] = c
        return list(found.values())

    def _retrieve(self, text: str, filters: Filters, n: int, own: str | None) -> list[Candidate]:
        dense, query = self._dense(text, filters, n, own)
        words = " ".join([text, *abbreviations(text)])  # "GOR" for "the Russian government"
        pool = self._lexical(words, filters, LEXICAL_POOL, exact=n)
        return self._candidates(dense, pool[:n], query, dict(pool))

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
        out: dict[int, float] = {}
        if not pids:
            return out
        for pid, vector in self._view.window_vectors(pids):
            cos = float(vector @ query)
            out[pid] = max(cos, out.get(pid, -1.0))
        return out

    def _hits(self, ranked: Sequence[Candidate], question: str) -> tuple[Hit, ...]:
        if not ranked:
            return ()
        pids = [c.pid for c in ranked]
        rows = self._view.hit_rows(pids)
        weights = term_weights(question, [rows[p][3] for p in pids if p in rows])
        hits: list[Hit] = []
        for c in ranked:
            if c.pid not in rows:
                continue
            _, cable_id, number, text, subject, date, origin, klass, tags = rows[c.pid]
            d = str(int(date or 0)).zfill(8)
            hits.append(
                Hit(
                    rank=len(hits) + 1,
                    cable_id=cable_id,
                    paragraph=number,
                    score=c.score,
                    text=text,
                    highlight=best_sentence(text, question, weights),
                    subject=subject or "",
                    date=f"{d[:4]}-{d[4:6]}-{d[6:]}",
                    origin=origin or "",
                    classification=klass or "",
                    tags=tuple((tags or "").split()),
                )
            )
        return tuple(hits)


def _name_match(name: str) -> str:
    """An FTS5 query for a name in any of its forms: its prefix (`name_key`), or the
    word itself, which FTS5 stems as it stemmed the paragraphs ("Conservative" and
    "conserv"; the prefix "conserva" alone would miss them)."""
    return retrieve.fts_query([name.lower()], prefixes=[name_key(name)])


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


def _carry(new: flt.Inference | None, earlier: flt.Inference) -> flt.Inference:
    """Earlier inferred filters apply to a follow-up unless it restates that field."""
    if new is None:
        return replace(earlier, spans=())
    updates: dict[str, Any] = {}
    dates_new = new.since is not None or new.until is not None
    for name in ("since", "until", "origin", "classification", "tag", "cable_ids"):
        if name in ("since", "until") and dates_new:
            continue
        if not getattr(new, name) and getattr(earlier, name):
            updates[name] = getattr(earlier, name)
    return replace(new, **updates)
