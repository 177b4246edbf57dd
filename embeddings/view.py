"""What the query side reads from a ledger, as questions rather than SQL.

`qa` never sees a table: the engine and its retrievers ask a `LedgerView` for
counts, texts, vectors, FTS5 scores and the cables a filter admits, so the
schema can change here, beside `ledger.py`, without touching them. Read-only:
writing stays with `Ledger` and the ingest.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from corpus.dates import day_of_iso
from corpus.tags import packed_tag, unpacked
from embeddings.ledger import Ledger, StoredCable
from embeddings.matrix import RecordMatrix

CHUNK = 900
"""Ids bound per `IN (...)`: below SQLite's bound-variable limit."""


class CableFilter(Protocol):
    """Which cables may answer (`qa.answer.Filters` is one): dates are inclusive ISO
    strings, origin a case-insensitive substring, classification a prefix."""

    @property
    def since(self) -> str | None: ...
    @property
    def until(self) -> str | None: ...
    @property
    def origin(self) -> str | None: ...
    @property
    def classification(self) -> str | None: ...
    @property
    def tag(self) -> str | None: ...
    @property
    def cable_ids(self) -> tuple[str, ...]: ...


class ParagraphRow(NamedTuple):
    pid: int
    cable_id: str
    number: str
    seq: int
    text: str
    heading: str | None


class HitRow(NamedTuple):
    """A paragraph with what a front end shows of its cable."""

    pid: int
    cable_id: str
    number: str
    text: str
    subject: str | None
    date: int | None
    origin: str | None
    classification: str | None
    tags: str | None


class CableFacts(NamedTuple):
    cable_id: str
    date: int | None
    """YYYYMMDD."""
    origin: str | None
    tags: str | None
    """Space-separated."""


class LedgerView:
    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._conn = ledger.conn

    @classmethod
    def open(cls, store_dir: Path) -> LedgerView:
        return cls(Ledger.open(store_dir))

    def close(self) -> None:
        self.ledger.close()

    # -- the store's state -------------------------------------------------------------------

    def generation(self) -> int:
        return self.ledger.generation()

    def model(self) -> str | None:
        return self.ledger.model()

    def dimension(self) -> int | None:
        return self.ledger.dimension()

    def require_model(self, model: str) -> None:
        self.ledger.require_model(model)

    def matrix(self) -> RecordMatrix:
        return self.ledger.matrix()

    def records(self) -> int:
        return self.ledger.count("records")

    def newest_paragraph(self) -> int:
        """The highest paragraph id. Ids are never reused, so a store whose cables were
        written again (changed, or cut anew) has fewer paragraphs than this."""
        row = self._conn.execute("SELECT coalesce(max(pid), 0) FROM paragraphs").fetchone()
        return int(row[0])

    def paragraph_count(self) -> int:
        """How many paragraphs the store holds (one count per generation, as `records`)."""
        return int(self._conn.execute("SELECT count(*) FROM paragraphs").fetchone()[0])

    def origins(self) -> list[str]:
        """Every post that sent a stored cable, each once."""
        return [r[0] for r in self._conn.execute("SELECT DISTINCT origin FROM cables") if r[0]]

    def tags(self) -> frozenset[str]:
        """Every TAG of a stored cable."""
        tags: set[str] = set()
        for (row,) in self._conn.execute("SELECT DISTINCT tags FROM cables"):
            tags.update(unpacked(row))
        return frozenset(tags)

    # -- cables and paragraphs ---------------------------------------------------------------

    def cable(self, cable_id: str) -> StoredCable | None:
        return self.ledger.cable(cable_id)

    def referencing(self, cable_id: str) -> list[str]:
        return self.ledger.referencing(cable_id)

    def known_cables(self, cable_ids: Sequence[str]) -> frozenset[str]:
        """Those of `cable_ids` the store holds."""
        return frozenset(
            r[0] for r in self._in("SELECT id FROM cables WHERE id IN ({})", list(cable_ids))
        )

    def paragraph_texts(self, pids: Sequence[int]) -> Iterator[str]:
        """The text of each paragraph id that exists, in no particular order."""
        for (text,) in self._in("SELECT text FROM paragraphs WHERE pid IN ({})", pids):
            yield text

    def paragraphs(self, pids: Sequence[int]) -> list[ParagraphRow]:
        sql = "SELECT pid, cable_id, number, seq, text, heading FROM paragraphs WHERE pid IN ({})"
        return [ParagraphRow(*r) for r in self._in(sql, pids)]

    def hit_rows(self, pids: Sequence[int]) -> dict[int, HitRow]:
        sql = (
            "SELECT p.pid, p.cable_id, p.number, p.text, c.subject, c.date, c.origin,"
            " c.classification, c.tags FROM paragraphs p JOIN cables c ON c.id = p.cable_id"
            " WHERE p.pid IN ({})"
        )
        return {r[0]: HitRow(*r) for r in self._in(sql, pids)}

    def window_vectors(self, pids: Sequence[int]) -> Iterator[tuple[int, npt.NDArray[np.float32]]]:
        """Every window's vector of these paragraphs, with its paragraph id."""
        sql = "SELECT pid, embedding FROM records WHERE pid IN ({})"
        for pid, blob in self._in(sql, pids):
            yield pid, np.frombuffer(blob, dtype="<f4")

    def paragraph_ids(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
        """The paragraph id of each (cable id, paragraph number) that exists."""
        wanted = set(keys)
        sql = "SELECT pid, cable_id, number FROM paragraphs WHERE cable_id IN ({})"
        rows = self._in(sql, sorted({cable_id for cable_id, _ in wanted}))
        return {(c, n): int(pid) for pid, c, n in rows if (c, n) in wanted}

    def paragraph_id(self, cable_id: str, number: str) -> int | None:
        """The paragraph id of one citation, or None."""
        return self.paragraph_ids([(cable_id, number)]).get((cable_id, number))

    def cable_facts(self, cable_ids: Sequence[str]) -> list[CableFacts]:
        """Date, origin and TAGs of each of these cables the store holds: what facets count."""
        sql = "SELECT id, date, origin, tags FROM cables WHERE id IN ({})"
        return [CableFacts(*r) for r in self._in(sql, list(cable_ids))]

    # -- filters -----------------------------------------------------------------------------

    def cable_rowids(self, filters: CableFilter) -> npt.NDArray[np.int64]:
        """`cables.rowid` (the `cables` column of `matrix()`) of every cable `filters` admit."""
        where, params = cable_where(filters)
        rows = self._conn.execute(f"SELECT c.rowid FROM cables c WHERE {where}", params)
        return np.fromiter((r[0] for r in rows), dtype=np.int64)

    def admits_any(self, filters: CableFilter) -> bool:
        """Whether `filters` admit at least one stored cable."""
        where, params = cable_where(filters)
        sql = f"SELECT 1 FROM cables c WHERE {where} LIMIT 1"
        return self._conn.execute(sql, params).fetchone() is not None

    def cable_values(self, column: str, filters: CableFilter) -> list[str]:
        """The distinct `column` values ("origin" or "classification") of the admitted
        cables: a substring filter resolved to exact values, as Chroma's `where` needs."""
        if column not in ("origin", "classification"):
            raise ValueError(column)
        where, params = cable_where(filters)
        sql = f"SELECT DISTINCT c.{column} FROM cables c WHERE {where}"
        return [r[0] for r in self._conn.execute(sql, params)]

    # -- lexical -----------------------------------------------------------------------------

    def bm25(self, match: str, n: int, columns: Columns) -> list[tuple[int, float]]:
        """The best `n` paragraphs for an FTS5 query with FTS5's bm25 (lower is better)
        over (text, context), weighted by `columns` (`qa.rescore.Tuning.bm25_columns`)."""
        sql = f"SELECT rowid, {_bm25(columns)} FROM fts WHERE fts MATCH ? ORDER BY 2 LIMIT ?"
        rows: list[tuple[int, float]] = self._conn.execute(sql, (match, n)).fetchall()
        return rows

    def bm25_filtered(
        self, match: str, filters: CableFilter, n: int, columns: Columns
    ) -> list[tuple[int, float]]:
        """`bm25` among the paragraphs of the cables `filters` admit, joined in SQL."""
        where, params = cable_where(filters)
        sql = (
            f"SELECT fts.rowid, {_bm25(columns)} AS s FROM fts"
            " JOIN paragraphs p ON p.pid = fts.rowid JOIN cables c ON c.id = p.cable_id"
            f" WHERE fts MATCH ? AND {where} ORDER BY s LIMIT ?"
        )
        rows: list[tuple[int, float]] = self._conn.execute(sql, (match, *params, n)).fetchall()
        return rows

    def matches(self, match: str, cap: int) -> int:
        """How many paragraphs an FTS5 query matches, counted up to `cap`."""
        sql = "SELECT count(*) FROM (SELECT 1 FROM fts WHERE fts MATCH ? LIMIT ?)"
        return int(self._conn.execute(sql, (match, cap)).fetchone()[0])

    def _in(self, sql: str, ids: Sequence[Any]) -> Iterator[tuple[Any, ...]]:
        """Rows of `sql` with its ``IN ({})`` bound to `ids`, in chunks."""
        for at in range(0, len(ids), CHUNK):
            chunk = list(ids[at : at + CHUNK])
            yield from self._conn.execute(sql.format(",".join("?" * len(chunk))), chunk)


def cable_where(filters: CableFilter, alias: str = "c") -> tuple[str, list[Any]]:
    """SQL over the cables table for `filters`; "1" when there is nothing to restrict."""
    clauses: list[str] = []
    params: list[Any] = []
    if filters.since:
        clauses.append(f"{alias}.date >= ?")
        params.append(day_of_iso(filters.since))
    if filters.until:
        clauses.append(f"{alias}.date <= ?")
        params.append(day_of_iso(filters.until))
    if filters.origin:
        clauses.append(f"{alias}.origin LIKE ? ESCAPE '\\'")
        params.append(f"%{_like_escape(filters.origin)}%")
    if filters.classification:
        clauses.append(f"{alias}.classification LIKE ? ESCAPE '\\'")
        params.append(f"{_like_escape(filters.classification)}%")
    if filters.tag:
        # TAGS are a JSON list (`corpus.tags.packed`), space-separated in older stores.
        tag = filters.tag.upper()
        clauses.append(
            f"(({alias}.tags LIKE '[%' AND {alias}.tags LIKE ? ESCAPE '\\')"
            f" OR (' ' || {alias}.tags || ' ') LIKE ? ESCAPE '\\')"
        )
        params.extend([f"%{_like_escape(packed_tag(tag))}%", f"% {_like_escape(tag)} %"])
    if filters.cable_ids:
        clauses.append(f"{alias}.id IN ({','.join('?' * len(filters.cable_ids))})")
        params.extend(filters.cable_ids)
    return (" AND ".join(clauses) or "1"), params


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


Columns = tuple[float, float]
"""BM25 weights of the FTS5 index's two columns: the paragraph's text and its context."""


def _bm25(columns: Columns) -> str:
    """The bm25() call, weights written as literals (floats, so nothing else gets in)."""
    text, context = (float(w) for w in columns)
    return f"bm25(fts, {text!r}, {context!r})"
