"""The SQLite ledger: the store's source of truth.

Text, metadata, content hashes, every window's vector and the FTS5 index live
here, so Chroma can always be checked against it and rebuilt from it without
re-encoding (which costs hours at release scale).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np

from corpus.dates import day_number
from corpus.tags import packed, unpacked
from embeddings.encoder import passage_text
from embeddings.errors import ModelMismatchError, StoreError
from embeddings.matrix import RecordMatrix, record_matrix
from embeddings.records import (
    PreparedCable,
    RecordRow,
    StoredCable,
    StoredParagraph,
    record_id,
)
from embeddings.schema import LEDGER_NAME, SCHEMA_VERSION, open_ledger

__all__ = [
    "LEDGER_NAME",
    "SCHEMA_VERSION",
    "Ledger",
    "RecordMatrix",
    "RecordRow",
    "StoredCable",
    "StoredParagraph",
]


class Ledger:
    def __init__(self, store_dir: Path, conn: sqlite3.Connection) -> None:
        self.store_dir = store_dir
        self.conn = conn

    @classmethod
    def open(cls, store_dir: Path, *, create: bool = False) -> Ledger:
        path = store_dir / LEDGER_NAME
        if not path.exists() and not create:
            raise StoreError(f"no store at {store_dir} (run `qa ingest` first)")
        if create:
            store_dir.mkdir(parents=True, exist_ok=True)
        return cls(store_dir, open_ledger(path, create=create))

    def close(self) -> None:
        self.conn.close()

    def _meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def model(self) -> str | None:
        return self._meta("model")

    def dimension(self) -> int | None:
        value = self._meta("dimension")
        return None if value is None else int(value)

    def generation(self) -> int:
        return int(self._meta("generation") or 0)

    def cache_key(self) -> str:
        """Names this state for caches of per-record data: the generation, and how many
        writes replaced cables. Records are only ever added between two keys with the
        same second part, new ones with higher ids, so such a cache can be extended
        instead of rebuilt (SQLite may reuse the ids of deleted rows)."""
        return f"{self.generation()}-{int(self._meta('deletions') or 0)}"

    def require_model(self, model: str) -> None:
        """Refuse to serve queries from another model: its vectors do not compare with
        this store's (the dimensions may even agree). Both spellings of the default
        model are one model."""
        from embeddings.names import canonical_name

        stored, wanted = self.model(), canonical_name(model)
        if stored is not None and stored != wanted:
            raise ModelMismatchError(stored, wanted)

    def claim_model(self, model: str, dimension: int) -> None:
        """Record the model on first write; refuse vectors from any other model."""
        stored = self.model()
        if stored is not None and stored != model:
            raise ModelMismatchError(stored, model)
        stored_dim = self.dimension()
        if stored_dim is not None and stored_dim != dimension:
            raise StoreError(f"store holds {stored_dim}-d vectors; {model} makes {dimension}-d")
        if stored is None:
            self.conn.execute(
                "INSERT OR REPLACE INTO meta VALUES ('model', ?), ('dimension', ?)",
                (model, str(dimension)),
            )

    # -- writing ---------------------------------------------------------------

    def hashes(self, cable_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        for i in range(0, len(cable_ids), 500):
            chunk = cable_ids[i : i + 500]
            marks = ",".join("?" * len(chunk))
            rows = self.conn.execute(
                f"SELECT id, content_hash FROM cables WHERE id IN ({marks})", chunk
            )
            out.update((str(a), str(b)) for a, b in rows)
        return out

    def write(self, batch: Sequence[PreparedCable]) -> None:
        """Replace the batch's cables in one transaction and mark them for Chroma.

        The ``pending`` marks are the write-ahead note for Chroma: they stay
        until Chroma holds exactly these cables' records, so a write killed at
        any point is redone on the next start.
        """
        with self._transaction():
            replaced = False
            for prepared in batch:
                replaced |= self._delete_cable(prepared.cable.id)
                self._insert(prepared)
            if replaced:
                self._count_deletion()
            self.mark_pending(p.cable.id for p in batch)
            self._bump()

    def withdraw(self, cable_ids: Sequence[str]) -> list[str]:
        """Remove these cables in one transaction, marked for Chroma as `write` marks its
        own (there they are then deleted, and nothing is added); those that were here."""
        with self._transaction():
            gone = [cable_id for cable_id in cable_ids if self._delete_cable(cable_id)]
            if gone:
                self._count_deletion()
                self.mark_pending(gone)
                self._bump()
        return gone

    @contextmanager
    def _transaction(self) -> Iterator[None]:
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            yield
            c.execute("COMMIT")
        except BaseException:
            # SQLite rolls back by itself when a COMMIT fails for want of disk space;
            # a second ROLLBACK would then hide that error behind "no transaction".
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

    def _count_deletion(self) -> None:
        """Record ids may now be reused: caches built on them start over."""
        self.conn.execute(
            "INSERT INTO meta VALUES ('deletions', '1') ON CONFLICT(key)"
            " DO UPDATE SET value = CAST(value AS INTEGER) + 1"
        )

    def _bump(self) -> None:
        self.conn.execute(
            "UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='generation'"
        )

    def _delete_cable(self, cable_id: str) -> bool:
        """Remove a cable with its paragraphs and records; whether it was there."""
        self.conn.execute(
            "DELETE FROM fts WHERE rowid IN (SELECT pid FROM paragraphs WHERE cable_id=?)",
            (cable_id,),
        )
        return self.conn.execute("DELETE FROM cables WHERE id=?", (cable_id,)).rowcount > 0

    def _insert(self, prepared: PreparedCable) -> None:
        cable = prepared.cable
        c = self.conn
        c.execute(
            "INSERT INTO cables(id, created, date, year, origin, classification, subject, tags,"
            " refs, classified_by, partial, source, content_hash, date_approximate)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                cable.id,
                cable.created.isoformat(),
                day_number(cable.created),
                cable.created.year,
                cable.origin,
                cable.classification,
                cable.subject,
                packed(cable.tags),
                " ".join(cable.references),
                cable.classified_by,
                int(cable.partial),
                cable.source,
                cable.content_hash,
                int(cable.date_approximate),
            ),
        )
        pids: list[int] = []
        for seq, para in enumerate(cable.paragraphs):
            cur = c.execute(
                "INSERT INTO paragraphs(cable_id, number, seq, text, mark, heading, numbered)"
                " VALUES (?,?,?,?,?,?,?)",
                (
                    cable.id,
                    para.number,
                    seq,
                    para.text,
                    para.mark,
                    para.heading,
                    int(para.numbered),
                ),
            )
            pid = int(cur.lastrowid or 0)
            pids.append(pid)
            context = f"{cable.subject} {para.heading}" if para.heading else cable.subject
            c.execute(
                "INSERT INTO fts(rowid, text, context) VALUES (?,?,?)", (pid, para.text, context)
            )
        vectors = np.ascontiguousarray(prepared.vectors, dtype="<f4")
        c.executemany(
            "INSERT INTO records(record_id, pid, win, start, end, embedding) VALUES (?,?,?,?,?,?)",
            [
                (
                    record_id(cable.id, cable.paragraphs[w.para].number, w.win),
                    pids[w.para],
                    w.win,
                    w.start,
                    w.end,
                    vectors[i].tobytes(),
                )
                for i, w in enumerate(prepared.windows)
            ],
        )

    def pending(self) -> list[str]:
        return [str(r[0]) for r in self.conn.execute("SELECT cable_id FROM pending ORDER BY 1")]

    def mark_pending(self, cable_ids: Iterable[str]) -> None:
        self.conn.executemany("INSERT OR IGNORE INTO pending VALUES (?)", [(i,) for i in cable_ids])

    def clear_pending(self, cable_ids: Sequence[str]) -> None:
        self.conn.executemany("DELETE FROM pending WHERE cable_id=?", [(i,) for i in cable_ids])

    # -- reading ---------------------------------------------------------------

    def count(self, table: str) -> int:
        if table not in ("cables", "paragraphs", "records"):
            raise ValueError(table)
        return int(self.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])

    def window_vectors(self, cable_id: str) -> dict[str, bytes]:
        """Each stored window of the cable: its passage text (what the model read) → its
        vector's bytes (`embeddings.reuse`)."""
        rows = self.conn.execute(
            "SELECT c.subject, p.heading, p.text, r.start, r.end, r.embedding FROM records r"
            " JOIN paragraphs p ON p.pid = r.pid JOIN cables c ON c.id = p.cable_id"
            " WHERE p.cable_id = ?",
            (cable_id,),
        )
        return {passage_text(s, h, t[a:b]): bytes(e) for s, h, t, a, b, e in rows}

    def record_rows(
        self, cable_ids: Sequence[str] | None = None, *, chunk: int = 500
    ) -> Iterator[list[RecordRow]]:
        """Chroma's rows, in chunks, for the given cables (all when None)."""
        sql = (
            "SELECT r.record_id, r.embedding, p.text, r.start, r.end, p.cable_id, p.number,"
            " r.win, c.date, c.year, c.origin, c.classification, c.subject, p.mark, c.tags"
            " FROM records r JOIN paragraphs p ON p.pid = r.pid JOIN cables c ON c.id = p.cable_id"
        )
        if cable_ids is None:
            yield from self._chunks(self.conn.execute(sql + " ORDER BY r.rid"), chunk)
            return
        for i in range(0, len(cable_ids), 200):
            part = cable_ids[i : i + 200]
            cur = self.conn.execute(
                sql + f" WHERE p.cable_id IN ({','.join('?' * len(part))}) ORDER BY r.rid", part
            )
            yield from self._chunks(cur, chunk)

    @staticmethod
    def _chunks(cur: sqlite3.Cursor, size: int) -> Iterator[list[RecordRow]]:
        while rows := cur.fetchmany(size):
            yield [RecordRow.of(*row) for row in rows]

    def sample_records(self, n: int, *, skip_pending: bool = False) -> list[tuple[str, bytes]]:
        """A spread of (record_id, vector), newest first: interrupted writes are the newest.

        ``skip_pending`` leaves out cables whose Chroma write has not finished,
        since their absence from Chroma is expected rather than damage.
        """
        if n <= 0:
            return []
        where = (
            " WHERE pid NOT IN (SELECT p.pid FROM paragraphs p"
            " JOIN pending ON p.cable_id = pending.cable_id)"
            if skip_pending
            else " WHERE 1"
        )
        total = self.count("records")
        newest = self.conn.execute(
            f"SELECT record_id, embedding FROM records{where} ORDER BY rid DESC LIMIT ?",
            (n // 2,),
        ).fetchall()
        step = max(1, total // max(1, n - len(newest)))
        spread = self.conn.execute(
            f"SELECT record_id, embedding FROM records{where} AND rid % ? = 0 LIMIT ?",
            (step, n - len(newest)),
        ).fetchall()
        seen: dict[str, bytes] = {str(a): bytes(b) for a, b in newest + spread}
        return list(seen.items())

    def matrix(self) -> RecordMatrix:
        """Every record's vector, id, paragraph and cable, cached in the store's `cache`
        folder (`embeddings.matrix.record_matrix`)."""
        return record_matrix(self)

    def records_after(self, rid: int) -> RecordMatrix:
        """Every record with an id above `rid`, in id order (`embeddings.matrix`)."""
        rows = self.conn.execute(
            "SELECT r.rid, r.pid, c.rowid, r.embedding FROM records r"
            " JOIN paragraphs p ON p.pid = r.pid JOIN cables c ON c.id = p.cable_id"
            " WHERE r.rid > ? ORDER BY r.rid",
            (rid,),
        ).fetchall()
        ids = np.array([r[:3] for r in rows], dtype=np.int64).reshape(len(rows), 3)
        vecs = np.frombuffer(b"".join(r[3] for r in rows), dtype="<f4").astype(np.float32)
        vecs = vecs.reshape(len(rows), self.dimension() or 0)
        return RecordMatrix(ids[:, 0].copy(), vecs, ids[:, 1].copy(), ids[:, 2].copy())

    def cable(self, cable_id: str) -> StoredCable | None:
        row = self.conn.execute("SELECT * FROM cables WHERE id=?", (cable_id,)).fetchone()
        if row is None:
            return None
        paras = tuple(
            StoredParagraph(
                str(p[1]), str(p[3]), p[4], p[5], bool(p[6]), pid=int(p[0]), seq=int(p[2])
            )
            for p in self.conn.execute(
                "SELECT pid, number, seq, text, mark, heading, numbered FROM paragraphs"
                " WHERE cable_id=? ORDER BY seq",
                (cable_id,),
            )
        )
        return StoredCable(
            id=row[0],
            created=row[1],
            date=int(row[2]),
            year=int(row[3]),
            origin=row[4],
            classification=row[5],
            subject=row[6],
            tags=unpacked(row[7]),
            refs=tuple((row[8] or "").split()),
            classified_by=row[9],
            partial=bool(row[10]),
            source=row[11],
            content_hash=row[12],
            paragraphs=paras,
            date_approximate=len(row) > 13 and bool(row[13]),
        )

    def approximate_dates(self) -> int:
        """Cables whose date only has its year certain (0 in a read-only schema-1 store)."""
        columns = {str(r[1]) for r in self.conn.execute("PRAGMA table_info(cables)")}
        if "date_approximate" not in columns:
            return 0
        return int(
            self.conn.execute("SELECT count(*) FROM cables WHERE date_approximate").fetchone()[0]
        )

    def referencing(self, cable_id: str) -> list[str]:
        rows = self.conn.execute(
            "SELECT id FROM cables WHERE ' ' || refs || ' ' LIKE ? ORDER BY date, id",
            (f"% {cable_id} %",),
        )
        return [str(r[0]) for r in rows]
