"""The ledger contract the query side reads: schema, replacement, vectors, lookups."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from embeddings.errors import ModelMismatchError, StoreError
from embeddings.ledger import Ledger
from embeddings.matrix import RecordMatrix
from embeddings.records import PreparedCable, Window, record_id
from tests.embeddings.conftest import make_cable
from tests.fakes import HashEncoder


def prepared(cable_id: str, texts: list[str], *, version: str = "1", **kw: object) -> PreparedCable:
    cable = make_cable(cable_id, texts, version=version, **kw)  # type: ignore[arg-type]
    wins = tuple(Window(i, 0, 0, len(t)) for i, t in enumerate(texts))
    return PreparedCable(cable, wins, HashEncoder().encode(texts))


@pytest.fixture
def ledger(tmp_path: Path) -> Ledger:
    led = Ledger.open(tmp_path, create=True)
    led.claim_model("hash-bow-64", 64)
    return led


@pytest.mark.parametrize(
    ("cable_id", "number", "win", "expected"),
    [
        ("06MEXICO3305", "4", 0, "06MEXICO3305:4"),
        ("09STATE80163", "15", 2, "09STATE80163:15~2"),
        ("09BEIJING2963", "4b", 0, "09BEIJING2963:4b"),
    ],
    ids=["06MEXICO3305", "09STATE80163", "09BEIJING2963"],
)
def test_record_id(cable_id: str, number: str, win: int, expected: str) -> None:
    assert record_id(cable_id, number, win) == expected


def test_open_missing_store_is_a_one_line_error(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="no store at") as info:
        Ledger.open(tmp_path / "absent")
    assert "\n" not in str(info.value)


def test_open_corrupt_ledger_is_a_store_error(tmp_path: Path) -> None:
    (tmp_path / "ledger.sqlite3").write_bytes(b"not a database at all" * 100)
    with pytest.raises(StoreError, match="unreadable"):
        Ledger.open(tmp_path)


def test_other_model_is_refused(ledger: Ledger) -> None:
    with pytest.raises(ModelMismatchError, match="built with model hash-bow-64; this run uses x"):
        ledger.claim_model("x", 64)


def test_write_replaces_old_rows_and_bumps_generation(ledger: Ledger) -> None:
    gen = ledger.generation()
    ledger.write([prepared("06MEXICO3305", ["border violence", "migration talks", "visas"])])
    ledger.write([prepared("06MEXICO3305", ["border violence again"], version="2")])
    assert ledger.generation() == gen + 2
    assert [ledger.count(t) for t in ("cables", "paragraphs", "records")] == [1, 1, 1]
    fts = ledger.conn.execute("SELECT count(*) FROM fts WHERE fts MATCH 'migration'").fetchone()
    assert fts[0] == 0
    hit = ledger.conn.execute("SELECT rowid FROM fts WHERE fts MATCH 'violence'").fetchall()
    stored = ledger.cable("06MEXICO3305")
    assert stored is not None
    assert [p.pid for p in stored.paragraphs] == [hit[0][0]]
    assert ledger.pending() == ["06MEXICO3305"]


def test_cable_round_trip_and_referencing(ledger: Ledger) -> None:
    ledger.write(
        [
            prepared(
                "05PARIS104",
                ["trial of Djamel Beghal"],
                origin="Embassy Paris",
                tags=("PTER", "FR"),
                references=("05PARIS8729", "04PARIS8918"),
            )
        ]
    )
    ledger.write([prepared("04PARIS8918", ["earlier report"], year=2004)])
    got = ledger.cable("05PARIS104")
    assert got is not None
    assert (got.date, got.year, got.tags, got.refs) == (
        20060615,
        2006,
        ("PTER", "FR"),
        ("05PARIS8729", "04PARIS8918"),
    )
    assert got.paragraphs[0].number == "1" and got.paragraphs[0].mark == "C"
    assert ledger.referencing("04PARIS8918") == ["05PARIS104"]
    assert ledger.referencing("05PARIS87") == []
    assert ledger.cable("99NOWHERE1") is None


def blob_matrix(ledger: Ledger) -> tuple[list[int], npt.NDArray[np.float32]]:
    rows = ledger.conn.execute("SELECT rid, embedding FROM records ORDER BY rid").fetchall()
    return [r[0] for r in rows], np.stack([np.frombuffer(r[1], dtype="<f4") for r in rows])


def test_matrix_matches_blobs_and_is_cached_by_state(ledger: Ledger) -> None:
    one = prepared("06MEXICO3305", ["border violence", "migration talks"])
    ledger.write([one])
    rids, vecs, *_ = ledger.matrix()
    assert vecs.dtype == np.float32 and vecs.shape == (2, 64)
    np.testing.assert_array_equal(vecs, one.vectors)
    key = ledger.cache_key()
    cached = sorted(p.name for p in (ledger.store_dir / "cache").iterdir())
    assert cached == [f"rows-{key}.npz", f"vectors-{key}.npy"]
    ledger.write([prepared("05PARIS104", ["trial"])])
    rids2, *_ = ledger.matrix()
    assert len(rids2) == 3 and set(rids) < set(rids2.tolist())
    assert len(list((ledger.store_dir / "cache").iterdir())) == 2


def test_matrix_after_an_add_extends_the_cache(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    ledger.write([prepared("06MEXICO3305", ["border violence", "migration talks"])])
    ledger.matrix()
    ledger.write([prepared("05PARIS104", ["trial", "verdict"]), prepared("09OSLO1", ["jets"])])

    read_after = ledger.records_after

    def refuse(rid: int) -> RecordMatrix:
        if rid == 0:
            raise AssertionError("read every record again")
        return read_after(rid)

    monkeypatch.setattr(ledger, "records_after", refuse)
    rids, vecs, *_ = ledger.matrix()
    want_rids, want = blob_matrix(ledger)
    assert rids.tolist() == want_rids
    np.testing.assert_array_equal(vecs, want)
    matrix = ledger.matrix()  # read back from the extended cache, ids included
    want_pids = [r[0] for r in ledger.conn.execute("SELECT pid FROM records ORDER BY rid")]
    assert matrix.pids.tolist() == want_pids
    cable_ids = dict(ledger.conn.execute("SELECT rowid, id FROM cables"))
    assert [cable_ids[c] for c in matrix.cables.tolist()] == [
        "06MEXICO3305",
        "06MEXICO3305",
        "05PARIS104",
        "05PARIS104",
        "09OSLO1",
    ]


def test_matrix_after_a_replacement_is_rebuilt(ledger: Ledger) -> None:
    """Replacing the newest cable frees its record ids and SQLite hands them out again,
    with other vectors: an extended cache would keep the stale ones."""
    ledger.write([prepared("06MEXICO3305", ["border violence"])])
    ledger.write([prepared("05PARIS104", ["trial", "verdict"])])
    before = ledger.cache_key()
    ledger.matrix()
    ledger.write([prepared("05PARIS104", ["acquittal", "appeal"], version="2")])
    assert ledger.cache_key().split("-")[1] != before.split("-")[1]
    rids, vecs, *_ = ledger.matrix()
    want_rids, want = blob_matrix(ledger)
    assert rids.tolist() == want_rids
    np.testing.assert_array_equal(vecs, want)
    new_cable = prepared("09OSLO1", ["jets"])
    ledger.write([new_cable])  # a plain add does not move the deletion count
    assert ledger.cache_key().split("-")[1] == "1"


def test_failed_write_rolls_back_whole_batch(ledger: Ledger) -> None:
    good = prepared("06MEXICO3305", ["border violence"])
    bad = prepared("05PARIS104", ["a", "b"])
    bad = PreparedCable(bad.cable, bad.windows, bad.vectors[:1])  # one vector short
    with pytest.raises(IndexError):
        ledger.write([good, bad])
    assert ledger.count("cables") == 0 and ledger.pending() == []


@dataclass(frozen=True)
class TagOnly:
    tag: str
    since: str | None = None
    until: str | None = None
    origin: str | None = None
    classification: str | None = None
    cable_ids: tuple[str, ...] = ()


def test_tags_with_spaces_and_commas_stay_whole(ledger: Ledger) -> None:
    """A person's TAG (`CLINTON, HILLARY`) is one tag when read back and when filtered on;
    a store that kept TAGS space-separated is still filtered as it was."""
    from embeddings.view import LedgerView

    tags = ("OVIP", "CLINTON, HILLARY", "HUMAN RIGHTS", "PREL")
    ledger.write([prepared("09STATE78274", ["the visit"], tags=tags)])
    ledger.write([prepared("06MEXICO3305", ["border violence"], tags=("PREL", "MX"))])
    ledger.conn.execute("UPDATE cables SET tags = 'PREL MX' WHERE id = '06MEXICO3305'")
    ledger.conn.commit()
    assert ledger.cable("09STATE78274").tags == tags  # type: ignore[union-attr]
    view = LedgerView(ledger)
    assert {"CLINTON, HILLARY", "HUMAN RIGHTS", "MX"} <= view.tags()

    def admitted(tag: str) -> int:
        return len(view.cable_rowids(TagOnly(tag)))

    assert [admitted(t) for t in ("CLINTON, HILLARY", "HILLARY", "RIGHTS", "PREL", "MX")] == [
        1,
        0,
        0,
        2,
        1,
    ]
