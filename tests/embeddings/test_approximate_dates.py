"""Cables dated by year only: stored with their flag, counted by `qa stats`, old stores migrated."""

from __future__ import annotations

import dataclasses
import sqlite3
from pathlib import Path

import pytest

from embeddings import schema as schema_module
from embeddings.ledger import LEDGER_NAME, SCHEMA_VERSION, Ledger
from embeddings.records import PreparedCable, Window
from embeddings.stats import format_stats, stats
from tests.embeddings.conftest import HashEncoder, make_cable


def prepared(cable_id: str, *, approximate: bool) -> PreparedCable:
    cable = make_cable(cable_id, ["a paragraph"], year=2004)
    cable = dataclasses.replace(cable, date_approximate=approximate)
    return PreparedCable(cable, (Window(0, 0, 0, 11),), HashEncoder().encode(["a paragraph"]))


def test_flag_round_trips_and_is_counted(tmp_path: Path) -> None:
    ledger = Ledger.open(tmp_path, create=True)
    ledger.claim_model("hash-bow-64", 64)
    ledger.write(
        [prepared("04ANKARA7211", approximate=True), prepared("05PARIS104", approximate=False)]
    )
    exact, approximate = ledger.cable("05PARIS104"), ledger.cable("04ANKARA7211")
    assert exact is not None and approximate is not None
    assert (exact.date_approximate, approximate.date_approximate) == (False, True)
    ledger.close()
    counted = stats(tmp_path)
    assert (counted["cables"], counted["approximate_dates"]) == (2, 1)
    assert "2 (1 dated by year only)" in format_stats(counted)


def test_schema_1_store_is_migrated_and_stays_readable(tmp_path: Path) -> None:
    schema_1_store(tmp_path)
    ledger = Ledger.open(tmp_path)
    stored = ledger.cable("06MEXICO3305")
    assert stored is not None
    assert (stored.subject, stored.date_approximate) == ("HAND-MADE TEST SUBJECT", False)
    assert ledger._meta("schema") == SCHEMA_VERSION
    ledger.write([prepared("04ANKARA7211", approximate=True)])
    ledger.close()
    assert stats(tmp_path)["approximate_dates"] == 1


def schema_1_store(tmp_path: Path) -> None:
    """A store as schema 1 left it: no `date_approximate` column."""
    ledger = Ledger.open(tmp_path, create=True)
    ledger.claim_model("hash-bow-64", 64)
    ledger.write([prepared("06MEXICO3305", approximate=False)])
    ledger.close()
    conn = sqlite3.connect(tmp_path / LEDGER_NAME)
    conn.execute("ALTER TABLE cables DROP COLUMN date_approximate")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema'")
    conn.commit()
    conn.close()


def test_read_only_schema_1_store_is_read_as_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    schema_1_store(tmp_path)

    def read_only(path: Path) -> sqlite3.Connection:  # a copy on read-only media
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)

    monkeypatch.setattr(schema_module, "connect", read_only)
    ledger = Ledger.open(tmp_path)
    stored = ledger.cable("06MEXICO3305")
    assert stored is not None and stored.date_approximate is False
    assert ledger._meta("schema") == "1" and ledger.approximate_dates() == 0
    ledger.close()
    assert stats(tmp_path)["approximate_dates"] == 0


def test_a_store_another_process_migrated_first_opens(tmp_path: Path) -> None:
    """Two processes open a schema-1 store together: the one that takes the write lock
    second finds it migrated and opens it, instead of failing on the added column."""
    import sqlite3

    from embeddings.schema import connect, migrate

    Ledger.open(tmp_path, create=True).close()
    path = tmp_path / LEDGER_NAME
    late = connect(path)  # read schema 1 before the other process migrated
    conn = sqlite3.connect(path)
    conn.execute("ALTER TABLE cables DROP COLUMN date_approximate")
    conn.execute("UPDATE meta SET value='1' WHERE key='schema'")
    conn.commit()
    assert migrate(conn, "1")  # the first process
    conn.close()
    assert migrate(late, "1")  # the second: nothing to add, no "duplicate column"
    late.close()
    assert Ledger.open(tmp_path)._meta("schema") == SCHEMA_VERSION
