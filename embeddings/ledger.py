"""The SQLite ledger: the store's source of truth.

Text, metadata, content hashes, every window's vector and the FTS5 index live
here, so Chroma can always be checked against it and rebuilt from it without
re-encoding (which costs hours at release scale).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from corpus.atomic import write_atomic
from corpus.dates import day_number
from embeddings.errors import ModelMismatchError, StoreError
from embeddings.records import (
    PreparedCable,
    RecordRow,
    StoredCable,
    StoredParagraph,
    record_id,
)

__all__ = ["Ledger", "RecordRow", "StoredCable", "StoredParagraph"]

LEDGER_NAME = "ledger.sqlite3"
SCHEMA_VERSION = "2"
# Schema 1 had no `date_approximate` column: it is added on open (every cable of such a
# store was read with a stated date, so 0 is right for them).
MIGRATIONS = {"1": ("ALTER TABLE cables ADD COLUMN date_approximate INTEGER NOT NULL DEFAULT 0",)}
CACHE_DIR = "cache"


class RecordMatrix(NamedTuple):
    """Every record of the store, in record-id order: what the exact vector scan reads."""

    rids: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float32]
    pids: npt.NDArray[np.int64]
    cables: npt.NDArray[np.int64]
    """`cables.rowid` of each record's cable."""


_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS cables(
    id TEXT PRIMARY KEY, created TEXT, date INTEGER, year INTEGER, origin TEXT,
    classification TEXT, subject TEXT, tags TEXT, refs TEXT, classified_by TEXT,
    partial INTEGER, source TEXT, content_hash TEXT,
    date_approximate INTEGER NOT NULL DEFAULT 0);
CREATE INDEX IF NOT EXISTS cables_date ON cables(date);
CREATE INDEX IF NOT EXISTS cables_origin ON cables(origin);
CREATE TABLE IF NOT EXISTS paragraphs(
    pid INTEGER PRIMARY KEY,
    cable_id TEXT NOT NULL REFERENCES cables(id) ON DELETE CASCADE,
    number TEXT NOT NULL, seq INTEGER NOT NULL, text TEXT NOT NULL, mark TEXT,
    heading TEXT, numbered INTEGER NOT NULL, UNIQUE(cable_id, number));
CREATE TABLE IF NOT EXISTS records(
    rid INTEGER PRIMARY KEY, record_id TEXT UNIQUE NOT NULL,
    pid INTEGER NOT NULL REFERENCES paragraphs(pid) ON DELETE CASCADE,
    win INTEGER NOT NULL, start INTEGER NOT NULL, end INTEGER NOT NULL,
    embedding BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS records_pid ON records(pid);
CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(
    text, context, tokenize='porter unicode61 remove_diacritics 2');
CREATE TABLE IF NOT EXISTS pending(cable_id TEXT PRIMARY KEY);
"""


def _connect(path: Path) -> sqlite3.Connection:
    # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE) so a batch is
    # all-or-nothing. check_same_thread=False lets a front end hand the ledger to
    # a worker thread; a Ledger is still used by one thread at a time.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class Ledger:
    def __init__(self, store_dir: Path, conn: sqlite3.Connection) -> None:
        self.store_dir = store_dir
        self.conn = conn

    @classmethod
    def open(cls, store_dir: Path, *, create: bool = False) -> Ledger:
        path = store_dir / LEDGER_NAME
        if not path.exists() and not create:
            raise StoreError(f"no store at {store_dir} (run `qa ingest` first)")
        try:
            if create:
                store_dir.mkdir(parents=True, exist_ok=True)
            conn = _connect(path)
            if create:
                conn.execute("PRAGMA journal_mode=WAL")
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.executescript(_SCHEMA)
                conn.execute(
                    "INSERT OR IGNORE INTO meta VALUES ('schema', ?), ('generation', '0')",
                    (SCHEMA_VERSION,),
                )
            row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
            if row is not None and row[0] in MIGRATIONS and _migrate(conn, str(row[0])):
                row = (SCHEMA_VERSION,)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"store ledger {path} is unreadable: {exc}") from None
        if row is None or (row[0] != SCHEMA_VERSION and row[0] not in MIGRATIONS):
            conn.close()
            raise StoreError(f"store ledger {path} has an unknown schema")
        return cls(store_dir, conn)

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
        c = self.conn
        c.execute("BEGIN IMMEDIATE")
        try:
            replaced = False
            for prepared in batch:
                replaced |= self._delete_cable(prepared.cable.id)
                self._insert(prepared)
            if replaced:  # record ids may now be reused: caches built on them start over
                c.execute(
                    "INSERT INTO meta VALUES ('deletions', '1') ON CONFLICT(key)"
                    " DO UPDATE SET value = CAST(value AS INTEGER) + 1"
                )
            c.executemany(
                "INSERT OR IGNORE INTO pending VALUES (?)", [(p.cable.id,) for p in batch]
            )
            self._bump()
            c.execute("COMMIT")
        except BaseException:
            # SQLite rolls back by itself when a COMMIT fails for want of disk space;
            # a second ROLLBACK would then hide that error behind "no transaction".
            if c.in_transaction:
                c.execute("ROLLBACK")
            raise

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
                " ".join(cable.tags),
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
            out: list[RecordRow] = []
            for (
                rid,
                emb,
                text,
                start,
                end,
                cable_id,
                number,
                win,
                date,
                year,
                origin,
                classification,
                subject,
                mark,
                tags,
            ) in rows:
                meta: dict[str, str | int | list[str]] = {
                    "cable_id": cable_id,
                    "para": number,
                    "win": win,
                    "date": date,
                    "year": year,
                    "origin": origin,
                    "classification": classification,
                    "subject": subject,
                    "mark": mark or "",
                }
                if tags:
                    meta["tags"] = tags.split()
                out.append(RecordRow(rid, emb, text[start:end], meta))
            yield out

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
        folder under `cache_key` (the vectors as ``.npy``, the ids as ``.npz``).

        The vectors come back memory-mapped (read-only): opening costs nothing and
        only the rows a query touches are read (at 1M records a full load read 1.5 GB
        first). After an ingest that only added cables, the previous cache is
        extended with the new records: rebuilding it at 1M records read every blob
        and joined every record again (17 s of the 34 s a first question took).
        """
        key = self.cache_key()
        cache = self.store_dir / CACHE_DIR
        found = _load_cache(cache, key)
        if found is not None:
            return found
        matrix = self._extended(cache, key) or self._records_after(0)
        if self.cache_key() == key:
            _save_cache(cache, key, matrix)
        return matrix

    def _records_after(self, rid: int) -> RecordMatrix:
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

    def _extended(self, cache: Path, key: str) -> RecordMatrix | None:
        """An older cache of the same deletion count plus the records added since, or None."""
        older = _previous_key(cache, key)
        old = None if older is None else _load_cache(cache, older)
        if old is None:
            return None
        new = self._records_after(int(old.rids[-1]) if old.rids.size else 0)
        if old.rids.size + new.rids.size != self.count("records") or (
            new.vectors.size and new.vectors.shape[1] != old.vectors.shape[1]
        ):
            return None
        return RecordMatrix(*(np.concatenate([a, b]) for a, b in zip(old, new, strict=True)))

    def cable(self, cable_id: str) -> StoredCable | None:
        row = self.conn.execute("SELECT * FROM cables WHERE id=?", (cable_id,)).fetchone()
        if row is None:
            return None
        paras = tuple(
            StoredParagraph(int(p[0]), str(p[1]), int(p[2]), str(p[3]), p[4], p[5], bool(p[6]))
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
            tags=tuple((row[7] or "").split()),
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


def _migrate(conn: sqlite3.Connection, version: str) -> bool:
    """Bring a ledger of an older schema up to `SCHEMA_VERSION`, all or nothing; whether
    it was. A store that cannot be written (a read-only copy) is left as it is and read
    as it is: what it lacks reads as the default (no approximate dates)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        for statement in MIGRATIONS[version]:
            conn.execute(statement)
        conn.execute("UPDATE meta SET value=? WHERE key='schema'", (SCHEMA_VERSION,))
        conn.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        if "readonly" in str(exc).replace("-", "").replace(" ", "").lower():
            return False
        raise
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return True


def _previous_key(cache: Path, key: str) -> str | None:
    """The newest cache key older than `key` with the same deletion count (see
    `Ledger.cache_key`), or None."""
    gen, deletions = (int(x) for x in key.split("-"))
    best: tuple[int, str] | None = None
    for path in cache.glob(f"rows-*-{deletions}.npz"):
        middle = path.name[len("rows-") : -len(".npz")]
        head, _, tail = middle.partition("-")
        older = head.isdigit() and tail == str(deletions) and int(head) < gen
        if older and (best is None or int(head) > best[0]):
            best = (int(head), middle)
    return None if best is None else best[1]


def _load_cache(cache: Path, key: str) -> RecordMatrix | None:
    try:
        with np.load(cache / f"rows-{key}.npz") as rows:
            rids, pids, cables = rows["rids"], rows["pids"], rows["cables"]
        vectors = np.load(cache / f"vectors-{key}.npy", mmap_mode="r")
    except (OSError, ValueError, KeyError):
        return None
    if not rids.size == pids.size == cables.size == len(vectors):
        return None
    return RecordMatrix(rids, vectors, pids, cables)


def _save_cache(cache: Path, key: str, matrix: RecordMatrix) -> None:
    """Write atomically and drop every other key; a read-only store just skips it."""
    try:
        cache.mkdir(exist_ok=True)
        write_atomic(cache / f"vectors-{key}.npy", lambda tmp: np.save(tmp, matrix.vectors))
        write_atomic(
            cache / f"rows-{key}.npz",
            lambda tmp: np.savez(tmp, rids=matrix.rids, pids=matrix.pids, cables=matrix.cables),
        )
        keep = {f"vectors-{key}.npy", f"rows-{key}.npz"}
        for old in [*cache.glob("*.npy"), *cache.glob("*.npz")]:
            if old.name not in keep:
                old.unlink(missing_ok=True)
    except OSError:
        pass
