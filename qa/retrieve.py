"""The two plain retrievers: dense (exact scan or Chroma HNSW) and lexical (FTS5 BM25).

Both return paragraph ids (`paragraphs.pid`) with their raw scores, best first;
fusion and re-scoring live in `qa.engine`. A paragraph with several windows
scores as its best window.

Dense search scans the ledger's vectors exactly whenever it can: at up to
`EXACT_SCAN_MAX` records, and always with filters, where Chroma's `where` takes
seconds at a million records while a masked scan takes ~80 ms. Chroma's HNSW
serves large unfiltered stores, local or through a server (the ledger, vectors
included, is on the querying machine in both modes).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from qa.answer import Filters
from qa.terms import content_terms

EXACT_SCAN_MAX = 300_000
"""Above this many records an unfiltered local query goes to Chroma's HNSW index."""

MAX_LEXICAL_TERMS = 12
"""Terms OR-ed into one FTS5 query; rarer terms are kept (see `lexical_terms`)."""

Scored = list[tuple[int, float]]


class RetrievalError(Exception):
    """The store cannot answer a query (missing index, model mismatch, broken Chroma)."""


def cable_where(filters: Filters, alias: str = "c") -> tuple[str, list[Any]]:
    """SQL over the cables table for `filters`; "1" when there is nothing to restrict."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.since:
        clauses.append(f"{alias}.date >= ?")
        params.append(int(filters.since.replace("-", "")))
    if filters.until:
        clauses.append(f"{alias}.date <= ?")
        params.append(int(filters.until.replace("-", "")))
    if filters.origin:
        clauses.append(f"{alias}.origin LIKE ? ESCAPE '\\'")
        params.append(f"%{_like_escape(filters.origin)}%")
    if filters.classification:
        clauses.append(f"{alias}.classification LIKE ? ESCAPE '\\'")
        params.append(f"{_like_escape(filters.classification)}%")
    if filters.tag:
        clauses.append(f"(' ' || {alias}.tags || ' ') LIKE ? ESCAPE '\\'")
        params.append(f"% {_like_escape(filters.tag.upper())} %")
    if filters.cable_ids:
        clauses.append(f"{alias}.id IN ({','.join('?' * len(filters.cable_ids))})")
        params.extend(filters.cable_ids)
    return (" AND ".join(clauses) or "1"), params


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def fts_query(terms: list[str]) -> str:
    """Quoted terms OR-ed: quoting keeps FTS5 syntax in a question from being parsed."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)


def lexical_terms(conn: sqlite3.Connection, question: str) -> list[str]:
    """Content words, rarest first, at most `MAX_LEXICAL_TERMS`.

    Rarity comes from the FTS5 vocabulary (a temp fts5vocab table, so the
    ledger itself is never written); common words cost the most and help least.
    """
    terms = content_terms(question)
    if len(terms) <= MAX_LEXICAL_TERMS:
        return terms
    try:
        conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.fts_vocab USING fts5vocab(main, fts, 'row')"
        )
        docs = {t: _doc_count(conn, t) for t in terms}
    except sqlite3.Error:
        return terms[:MAX_LEXICAL_TERMS]
    keep = set(sorted(terms, key=lambda t: docs[t])[:MAX_LEXICAL_TERMS])
    return [t for t in terms if t in keep]


def _doc_count(conn: sqlite3.Connection, term: str) -> int:
    row = conn.execute(
        "SELECT doc FROM temp.fts_vocab WHERE term >= ? AND term < ? ORDER BY term LIMIT 1",
        (term[:5], term[:5] + "\uffff"),
    ).fetchone()
    return int(row[0]) if row else 0


def lexical(conn: sqlite3.Connection, terms: list[str], filters: Filters, n: int) -> Scored:
    """BM25 over (text, context); bm25() is lower-better, returned negated (higher-better)."""
    if not terms:
        return []
    match = fts_query(terms)
    if filters.is_empty():
        sql = "SELECT rowid, bm25(fts, 1.0, 0.4) FROM fts WHERE fts MATCH ? ORDER BY 2 LIMIT ?"
        rows = conn.execute(sql, (match, n)).fetchall()
    else:
        where, params = cable_where(filters)
        sql = (
            "SELECT fts.rowid, bm25(fts, 1.0, 0.4) AS s FROM fts"
            " JOIN paragraphs p ON p.pid = fts.rowid JOIN cables c ON c.id = p.cable_id"
            f" WHERE fts MATCH ? AND {where} ORDER BY s LIMIT ?"
        )
        rows = conn.execute(sql, (match, *params, n)).fetchall()
    return [(int(pid), -float(score)) for pid, score in rows]


@dataclass
class VectorIndex:
    """The ledger's vectors with, per row, its paragraph and its cable (cables.rowid)."""

    vectors: npt.NDArray[np.float32]
    pids: npt.NDArray[np.int64]
    cables: npt.NDArray[np.int64]
    generation: int

    @classmethod
    def load(cls, ledger: Any) -> VectorIndex:
        """Vectors from `Ledger.matrix()`, row metadata cached beside them by generation."""
        gen = int(ledger.generation())
        rids, vectors = ledger.matrix()
        pids, cables = _row_meta(ledger.conn, Path(ledger.store_dir), gen, rids)
        return cls(np.asarray(vectors, dtype=np.float32), pids, cables, gen)

    def allowed(self, conn: sqlite3.Connection, filters: Filters) -> npt.NDArray[np.bool_] | None:
        """Boolean row mask for `filters`, built per cable then broadcast to rows."""
        if filters.is_empty():
            return None
        where, params = cable_where(filters)
        ok_ids = np.fromiter(
            (r[0] for r in conn.execute(f"SELECT c.rowid FROM cables c WHERE {where}", params)),
            dtype=np.int64,
        )
        size = int(max(self.cables.max(initial=0), ok_ids.max(initial=0))) + 1
        ok = np.zeros(size, dtype=bool)
        ok[ok_ids] = True
        mask: npt.NDArray[np.bool_] = ok[self.cables]
        return mask

    def search(
        self, query: npt.NDArray[np.float32], n: int, mask: npt.NDArray[np.bool_] | None = None
    ) -> Scored:
        """Exact cosine (the rows are normalised), best window per paragraph."""
        if mask is not None:
            rows = np.flatnonzero(mask)
            if rows.size == 0:
                return []
            scores = self.vectors[rows] @ query
        else:
            rows = None
            scores = self.vectors @ query
        take = min(scores.size, n * 3)
        if take == 0:
            return []
        top = np.argpartition(-scores, take - 1)[:take]
        top = top[np.argsort(-scores[top], kind="stable")]
        index = rows[top] if rows is not None else top
        return _best_per_pid(self.pids[index], scores[top], n)


def _best_per_pid(pids: npt.NDArray[np.int64], scores: npt.NDArray[Any], n: int) -> Scored:
    out: Scored = []
    seen: set[int] = set()
    for pid, score in zip(pids.tolist(), scores.tolist(), strict=True):
        if pid not in seen:
            seen.add(pid)
            out.append((int(pid), float(score)))
            if len(out) == n:
                break
    return out


def _row_meta(
    conn: sqlite3.Connection, store: Path, gen: int, rids: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    cache = store / "cache" / f"qa-rows-{gen}.npz"
    try:
        with np.load(cache) as data:
            pids, cables = data["pids"], data["cables"]
            if pids.shape == rids.shape:
                return pids, cables
    except (OSError, ValueError, KeyError):
        pass
    rows = conn.execute(
        "SELECT r.rid, r.pid, c.rowid FROM records r JOIN paragraphs p ON p.pid = r.pid"
        " JOIN cables c ON c.id = p.cable_id"
    ).fetchall()
    by_rid = {rid: (pid, cable) for rid, pid, cable in rows}
    pids = np.fromiter((by_rid[r][0] for r in rids.tolist()), dtype=np.int64, count=rids.size)
    cables = np.fromiter((by_rid[r][1] for r in rids.tolist()), dtype=np.int64, count=rids.size)
    _save_rows(cache, pids, cables)
    return pids, cables


def _save_rows(cache: Path, pids: npt.NDArray[np.int64], cables: npt.NDArray[np.int64]) -> None:
    """Atomic write; older generations removed; a read-only store simply skips it."""
    try:
        cache.parent.mkdir(exist_ok=True)
        tmp = cache.with_name(f".{cache.stem}.tmp.npz")
        np.savez(tmp, pids=pids, cables=cables)
        tmp.replace(cache)
        for old in cache.parent.glob("qa-rows-*.npz"):
            if old != cache:
                old.unlink(missing_ok=True)
    except OSError:
        pass


def chroma_where(conn: sqlite3.Connection, filters: Filters) -> dict[str, Any] | None:
    """A Chroma `where` for server mode: substring filters resolved to exact values here."""
    parts: list[dict[str, Any]] = []
    if filters.since:
        parts.append({"date": {"$gte": int(filters.since.replace("-", ""))}})
    if filters.until:
        parts.append({"date": {"$lte": int(filters.until.replace("-", ""))}})
    for name in ("origin", "classification"):
        if getattr(filters, name):
            sub = Filters(**{name: getattr(filters, name)})
            where, params = cable_where(sub)
            values = [
                r[0]
                for r in conn.execute(
                    f"SELECT DISTINCT c.{name} FROM cables c WHERE {where}", params
                )
            ]
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
    conn: sqlite3.Connection,
    query: npt.NDArray[np.float32],
    n: int,
    where: dict[str, Any] | None,
) -> Scored:
    """HNSW neighbours mapped back to ledger paragraphs; cosine distance -> similarity."""
    try:
        res = collection.query(
            query_embeddings=[query.tolist()],
            n_results=n * 2,
            where=where,
            include=["distances", "metadatas"],
        )
    except Exception as exc:
        raise RetrievalError(f"Chroma query failed: {str(exc).splitlines()[0]}") from None
    metas = (res.get("metadatas") or [[]])[0]
    dists = (res.get("distances") or [[]])[0]
    keys = [(str(m["cable_id"]), str(m["para"])) for m in metas]
    pid_of: dict[tuple[str, str], int] = {}
    for cable_id, para in set(keys):
        row = conn.execute(
            "SELECT pid FROM paragraphs WHERE cable_id = ? AND number = ?", (cable_id, para)
        ).fetchone()
        if row:
            pid_of[(cable_id, para)] = int(row[0])
    pairs = [(pid_of[k], 1.0 - float(d)) for k, d in zip(keys, dists, strict=True) if k in pid_of]
    pids = np.array([p for p, _ in pairs], dtype=np.int64)
    scores = np.array([s for _, s in pairs], dtype=np.float64)
    order = np.argsort(-scores, kind="stable")
    return _best_per_pid(pids[order], scores[order], n)
