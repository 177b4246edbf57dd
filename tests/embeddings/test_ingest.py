"""Ingest logic with a real Chroma store in a temporary folder and the hash encoder."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from corpus.models import Cable, ReadError
from embeddings import client as chroma_client
from embeddings.errors import ModelMismatchError, StoreLockedError
from embeddings.ingest import IngestOptions, IngestSummary, ingest, ingest_cables
from embeddings.ledger import Ledger
from embeddings.lock import WriterLock
from embeddings.progress import IngestProgress
from tests.conftest import cable_html
from tests.embeddings.conftest import char_windower, make_cable
from tests.fakes import HashEncoder, InterruptingEncoder, RecordingEncoder

LONG = " ".join(f"sentence {i} about the visa backlog at the consulate." for i in range(40))


def run(
    store: Path, items: Sequence[Cable | ReadError], enc: Any, total: int | None = None, **kw: Any
) -> IngestSummary:
    options = IngestOptions(store_dir=store, encoder=enc, windower=char_windower, **kw)
    return ingest_cables(items, options, total=total)


def corpus_v1() -> list[Cable]:
    return [
        make_cable("06MEXICO3305", ["border violence in Nuevo Laredo", "migration reform talks"]),
        make_cable(
            "05PARIS104",
            ["the trial of Djamel Beghal", "French counterterrorism"],
            origin="Embassy Paris",
            tags=("PTER", "FR"),
            year=2005,
        ),
        make_cable(
            "09STATE80163",
            ["short opening", LONG],
            origin="Secretary of State",
            classification="UNCLASSIFIED",
            tags=(),
            year=2009,
        ),
    ]


def chroma_ids(store: Path) -> list[str]:
    col = chroma_client.reopen(store, None, "hash-bow-64", 64)
    return sorted(col.get(include=[])["ids"])


def ledger_ids(store: Path) -> list[str]:
    led = Ledger.open(store)
    try:
        return sorted(r[0] for r in led.conn.execute("SELECT record_id FROM records"))
    finally:
        led.close()


def test_first_run_stores_everything_and_rerun_stores_nothing(
    tmp_path: Path, encoder: HashEncoder
) -> None:
    first = run(tmp_path, corpus_v1(), encoder)
    assert (first.new, first.changed, first.unchanged, first.failed) == (3, 0, 0, 0)
    assert first.paragraphs == 6 and first.records > 6  # the long paragraph has windows
    ids = ledger_ids(tmp_path)
    assert ids == chroma_ids(tmp_path)
    assert "09STATE80163:2" in ids and "09STATE80163:2~1" in ids
    calls = encoder.calls
    again = run(tmp_path, corpus_v1(), encoder)
    assert (again.new, again.changed, again.unchanged, again.records) == (0, 0, 3, 0)
    assert encoder.calls == calls
    assert ledger_ids(tmp_path) == ids == chroma_ids(tmp_path)


def test_changed_cable_leaves_no_stale_records(tmp_path: Path, encoder: HashEncoder) -> None:
    run(tmp_path, corpus_v1(), encoder)
    shorter = make_cable(
        "09STATE80163",
        ["short opening, revised"],
        version="2",
        origin="Secretary of State",
        tags=(),
        year=2009,
    )
    summary = run(tmp_path, [shorter], encoder)
    assert (summary.new, summary.changed) == (0, 1)
    ids = ledger_ids(tmp_path)
    assert [i for i in ids if i.startswith("09STATE80163")] == ["09STATE80163:1"]
    assert ids == chroma_ids(tmp_path)
    col = chroma_client.reopen(tmp_path, None, "hash-bow-64", 64)
    meta = col.get(ids=["09STATE80163:1"], include=["metadatas", "documents"])
    assert meta["documents"] == ["short opening, revised"]
    assert "tags" not in meta["metadatas"][0]


def test_chroma_rows_carry_the_contract_metadata(tmp_path: Path, encoder: HashEncoder) -> None:
    run(tmp_path, corpus_v1(), encoder)
    col = chroma_client.reopen(tmp_path, None, "hash-bow-64", 64)
    assert col.metadata == {"model": "hash-bow-64", "dimension": 64}
    got = col.get(ids=["05PARIS104:2"], include=["metadatas", "documents", "embeddings"])
    assert got["metadatas"][0] == {
        "cable_id": "05PARIS104",
        "para": "2",
        "win": 0,
        "date": 20050615,
        "year": 2005,
        "origin": "Embassy Paris",
        "classification": "CONFIDENTIAL",
        "subject": "HAND-MADE TEST SUBJECT",
        "mark": "C",
        "tags": ["PTER", "FR"],
    }
    expected = HashEncoder().encode(["HAND-MADE TEST SUBJECT. French counterterrorism"])[0]
    np.testing.assert_allclose(got["embeddings"][0], expected, atol=1e-6)
    window = col.get(ids=["09STATE80163:2~1"], include=["documents", "metadatas"])
    led = Ledger.open(tmp_path)
    start, end = led.conn.execute(
        "SELECT start, end FROM records WHERE record_id='09STATE80163:2~1'"
    ).fetchone()
    led.close()
    assert window["documents"] == [LONG[start:end]] and window["metadatas"][0]["win"] == 1


def test_same_cable_twice_in_one_run_is_stored_once(tmp_path: Path, encoder: HashEncoder) -> None:
    html = make_cable("06MEXICO3305", ["border violence"], version="html")
    csv_row = make_cable("06MEXICO3305", ["border violence"], version="csv")
    summary = run(tmp_path, [html, csv_row], encoder)
    assert (summary.new, summary.duplicates) == (1, 1)
    assert ledger_ids(tmp_path) == ["06MEXICO3305:1"] == chroma_ids(tmp_path)


def test_bad_inputs_are_counted_not_fatal(tmp_path: Path, encoder: HashEncoder) -> None:
    repeated = make_cable("09BEIJING2963", ["one", "two"])
    repeated = Cable(
        **{
            **{f: getattr(repeated, f) for f in Cable.__slots__},  # type: ignore[attr-defined]
            "paragraphs": repeated.paragraphs[:1] * 2,
        }
    )
    items: list[Cable | ReadError] = [
        ReadError("cables.csv", "unterminated quote", row=17),
        repeated,
        make_cable("06MEXICO3305", ["border violence"]),
    ]
    summary = run(tmp_path, items, encoder)
    assert (summary.new, summary.failed) == (1, 2)
    assert summary.errors[0] == "cables.csv row 17: unterminated quote"
    assert "09BEIJING2963" in summary.errors[1] and "repeat" in summary.errors[1]


def test_progress_reports_and_summary_formats(tmp_path: Path, encoder: HashEncoder) -> None:
    seen: list[IngestProgress] = []
    summary = run(tmp_path, corpus_v1(), encoder, progress=seen.append, total=3)
    assert seen and seen[-1].done == 3 and seen[-1].written == 3 and seen[-1].total == 3
    line = summary.line()
    assert line.startswith("ingested 3 new, 0 changed, 0 unchanged, 0 failed cables: 6 paragraphs")
    data = summary.to_json()
    assert {
        "new",
        "changed",
        "unchanged",
        "failed",
        "paragraphs",
        "records",
        "seconds",
        "errors",
        "interrupted",
    } <= data.keys()


def test_ctrl_c_keeps_committed_cables(tmp_path: Path) -> None:
    cables = [
        make_cable(f"06MEXICO{3300 + i}", [f"cable {i} paragraph {j}" for j in range(10)])
        for i in range(60)
    ]  # 600 windows: ten buffers of 64, two model calls each
    summary = run(tmp_path, cables, InterruptingEncoder(at=5), batch_size=32, buffer=64)
    assert summary.interrupted and 0 < summary.new < 60
    assert summary.line().startswith("interrupted after")
    assert len(ledger_ids(tmp_path)) == summary.records
    assert ledger_ids(tmp_path) == chroma_ids(tmp_path)
    rest = run(tmp_path, cables, HashEncoder())
    assert (rest.new, rest.unchanged) == (60 - summary.new, summary.new)
    assert len(chroma_ids(tmp_path)) == 600


def test_other_model_is_a_one_line_error(tmp_path: Path, encoder: HashEncoder) -> None:
    run(tmp_path, corpus_v1()[:1], encoder)

    class Other(HashEncoder):
        name = "other-model"

    with pytest.raises(ModelMismatchError) as info:
        run(tmp_path, corpus_v1(), Other())
    assert str(info.value) == "store was built with model hash-bow-64; this run uses other-model"
    with pytest.raises(ModelMismatchError):
        chroma_client.open_collection(tmp_path, None, "other-model", 64, create=False)


def test_second_writer_is_refused(tmp_path: Path, encoder: HashEncoder) -> None:
    held = threading.Event()
    release = threading.Event()

    def hold() -> None:
        with WriterLock(tmp_path):
            held.set()
            release.wait(10)

    t = threading.Thread(target=hold)
    t.start()
    held.wait(10)
    try:
        with pytest.raises(StoreLockedError, match="another ingest is writing"):
            run(tmp_path, corpus_v1(), encoder)
    finally:
        release.set()
        t.join()
    assert run(tmp_path, corpus_v1(), encoder).new == 3


def test_fast_encoder_in_front_of_a_slow_store_finishes(
    tmp_path: Path, encoder: HashEncoder, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The end-of-input mark reaches a writer still busy with a full queue behind it.

    A fast model in front of a slow Chroma server leaves the encoded queue full
    when the input ends; the mark used to be dropped after a 0.2 s wait and the
    writer then waited for it forever.
    """
    from embeddings.store import Chroma

    slow_sync = Chroma.sync

    def sync(self: Chroma, *args: Any, **kwargs: Any) -> Any:
        time.sleep(1.0)  # a busy server: longer than the 0.2 s the put waits per try
        return slow_sync(self, *args, **kwargs)

    monkeypatch.setattr(Chroma, "sync", sync)
    cables = [
        make_cable(f"06MEXICO{4000 + i}", [f"cable {i} paragraph {j}" for j in range(40)])
        for i in range(32)
    ]  # 1,280 windows: five encoder buffers, one more than the queue holds
    out: list[IngestSummary] = []
    worker = threading.Thread(
        target=lambda: out.append(run(tmp_path, cables, encoder, batch_size=32, buffer=256)),
        daemon=True,
    )
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "ingest hung at the end of its input"
    assert out and out[0].new == 32 and out[0].records == 1280
    assert len(ledger_ids(tmp_path)) == 1280 == len(chroma_ids(tmp_path))


def test_batches_are_of_like_length_and_every_vector_lands_on_its_own_window(
    tmp_path: Path,
) -> None:
    """Sorting a buffer by length must not shuffle vectors between windows."""
    cables = [
        make_cable(
            f"06MEXICO{5000 + i}",
            [("word " * (7 * j + i)) + f"cable {i} paragraph {j}" for j in range(6)],
        )
        for i in range(12)
    ]  # 72 windows of 3 to 70 words, in no order
    enc = RecordingEncoder()
    summary = run(tmp_path, cables, enc, batch_size=8, buffer=1000)
    assert summary.records == 72 and sum(map(len, enc.batches)) == 72
    sizes = [[len(t) for t in batch] for batch in enc.batches]
    assert all(len(b) == 8 for b in sizes[:-1])
    flat = [n for b in sizes for n in b]
    assert flat == sorted(flat, reverse=True)  # one buffer: longest first, like with like
    _assert_every_vector_embeds_its_window(tmp_path)

    # a paragraph changed in every other cable: only those windows reach the model, and
    # the kept vectors land on their own windows beside the encoded ones
    changed = [
        make_cable(
            c.id,
            [
                p.text + (" revised" if i % 2 == 0 and j == 3 else "")
                for j, p in enumerate(c.paragraphs)
            ],
            version="2",
        )
        for i, c in enumerate(cables)
    ]
    enc.batches.clear()
    again = run(tmp_path, changed, enc, batch_size=8, buffer=1000)
    assert (again.changed, again.records, again.reused, again.paragraphs) == (12, 72, 66, 6)
    assert sorted(t for b in enc.batches for t in b) == sorted(
        _passage(c.paragraphs[3].text) for i, c in enumerate(changed) if i % 2 == 0
    )
    _assert_every_vector_embeds_its_window(tmp_path)


def _assert_every_vector_embeds_its_window(store: Path) -> None:
    led = Ledger.open(store)
    try:
        for rows in led.record_rows():
            for row in rows:
                expected = HashEncoder().encode([_passage(row.document)])[0]
                got = np.frombuffer(row.embedding, dtype="<f4")
                assert np.allclose(got, expected), row.record_id
    finally:
        led.close()


def _passage(document: str) -> str:
    from embeddings.encoder import passage_text

    return passage_text("HAND-MADE TEST SUBJECT", None, document)


def test_a_page_cut_off_later_leaves_the_stored_cable(tmp_path: Path, encoder: HashEncoder) -> None:
    """A partial download over a file already ingested fails; the full cable stays."""
    page = tmp_path / "pages" / "08OSLO522.html"
    page.parent.mkdir()
    text = cable_html("08OSLO522").read_text(encoding="utf-8")
    page.write_text(text, encoding="utf-8")
    options = IngestOptions(store_dir=tmp_path / "store", encoder=encoder, windower=char_windower)
    assert ingest([page.parent], options, export_onnx=False).new == 1
    page.write_text(text[: text.rindex("</pre>") - 200], encoding="utf-8")
    again = ingest([page.parent], options, export_onnx=False)
    assert (again.new, again.changed, again.failed) == (0, 0, 1)
    led = Ledger.open(tmp_path / "store")
    try:
        count = led.conn.execute("SELECT COUNT(*) FROM paragraphs").fetchone()[0]
    finally:
        led.close()
    assert count == 6
