"""The ledger's SQLite schema, its migrations, and how a connection to it is opened.

`embeddings.ledger.Ledger` is the only reader and writer; this is the shape of what it
keeps, apart so that a schema change reads as one.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from embeddings.errors import StoreError

LEDGER_NAME = "ledger.sqlite3"
SCHEMA_VERSION = "2"
# Schema 1 had no `date_approximate` column: it is added on open (every cable of such a
# store was read with a stated date, so 0 is right for them).
MIGRATIONS = {"1": ("ALTER TABLE cables ADD COLUMN date_approximate INTEGER NOT NULL DEFAULT 0",)}

SCHEMA = """
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


def connect(path: Path) -> sqlite3.Connection:
    # Autocommit mode: transactions are explicit (BEGIN IMMEDIATE) so a batch is
    # all-or-nothing. check_same_thread=False lets a front end hand the ledger to
    # a worker thread; a Ledger is still used by one thread at a time.
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30.0)
    conn.execute("PRAGMA foreign_keys=ON")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


def migrate(conn: sqlite3.Connection, version: str) -> bool:
    """Bring a ledger of an older schema up to `SCHEMA_VERSION`, all or nothing; whether
    it was (or another process was first, as a TUI and an ingest opening an old store
    together). A store that cannot be written (a read-only copy) is left as it is and
    read as it is: what it lacks reads as the default (no approximate dates)."""
    try:
        conn.execute("BEGIN IMMEDIATE")
        # read again under the write lock: another process may have migrated meanwhile
        now = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if now is not None and now[0] == SCHEMA_VERSION:
            conn.execute("COMMIT")
            return True
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


def open_ledger(path: Path, *, create: bool) -> sqlite3.Connection:
    """A connection to the ledger at `path`, created (`create`) or brought up to this
    schema; a file that is no ledger, or one of an unknown schema, is a `StoreError`."""
    conn = connect(path)
    try:
        if create:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.executescript(SCHEMA)
            conn.execute(
                "INSERT OR IGNORE INTO meta VALUES ('schema', ?), ('generation', '0')",
                (SCHEMA_VERSION,),
            )
        row = conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        if row is not None and row[0] in MIGRATIONS and migrate(conn, str(row[0])):
            row = (SCHEMA_VERSION,)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise StoreError(f"store ledger {path} is unreadable: {exc}") from None
    if row is None or (row[0] != SCHEMA_VERSION and row[0] not in MIGRATIONS):
        conn.close()
        raise StoreError(f"store ledger {path} has an unknown schema")
    return conn
