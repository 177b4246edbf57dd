"""A changed cable re-encodes only the windows whose passage text changed."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from corpus.models import Cable
from embeddings import client as chroma_client
from embeddings.encoder import load_encoder, passage_text
from embeddings.ingest import IngestOptions, IngestSummary, ingest, ingest_cables
from embeddings.ledger import Ledger
from embeddings.sources import stored_hash
from tests.conftest import DATA
from tests.embeddings.conftest import char_windower, make_cable
from tests.fakes import RecordingEncoder

LONG = " ".join(f"sentence {i} about the visa backlog at the consulate." for i in range(40))
PARAS = ["border violence in Nuevo Laredo", LONG, "migration reform talks"]


def run(store: Path, cables: list[Cable], enc: RecordingEncoder) -> IngestSummary:
    options = IngestOptions(store_dir=store, encoder=enc, windower=char_windower)
    return ingest_cables(cables, options)


def vectors(store: Path) -> dict[str, bytes]:
    led = Ledger.open(store)
    try:
        return {
            str(a): bytes(b)
            for a, b in led.conn.execute("SELECT record_id, embedding FROM records")
        }
    finally:
        led.close()


def assert_chroma_holds(store: Path, stored: dict[str, bytes]) -> None:
    col = chroma_client.reopen(store, None, "hash-bow-64", 64)
    got = col.get(include=["embeddings"])
    assert sorted(got["ids"]) == sorted(stored)
    for rid, emb in zip(got["ids"], got["embeddings"], strict=True):
        assert np.allclose(emb, np.frombuffer(stored[rid], dtype="<f4")), rid


def encoded(enc: RecordingEncoder) -> list[str]:
    return [t for batch in enc.batches for t in batch]


def test_references_alone_changed_encode_nothing(tmp_path: Path) -> None:
    enc = RecordingEncoder()
    first = run(tmp_path, [make_cable("06MEXICO3305", PARAS, references=("06MEXICO100",))], enc)
    before = vectors(tmp_path)
    assert first.reused == 0 and len(encoded(enc)) == first.records == len(before) > 3
    enc.batches.clear()
    cable = make_cable("06MEXICO3305", PARAS, references=("06MEXICO200",), version="2")
    again = run(tmp_path, [cable], enc)
    assert encoded(enc) == []
    assert (again.changed, again.paragraphs, again.records, again.reused) == (
        1,
        0,
        len(before),
        len(before),
    )
    assert f"{len(before)} windows reused" in again.line() and "nothing to encode" in again.line()
    assert again.to_json()["reused"] == len(before)
    assert vectors(tmp_path) == before
    led = Ledger.open(tmp_path)
    try:
        stored = led.cable("06MEXICO3305")
        assert stored is not None and stored.refs == ("06MEXICO200",)
        assert stored.content_hash == stored_hash(cable.content_hash)
    finally:
        led.close()
    assert_chroma_holds(tmp_path, before)


def test_one_paragraph_changed_encodes_that_paragraph_alone(tmp_path: Path) -> None:
    enc = RecordingEncoder()
    run(tmp_path, [make_cable("06MEXICO3305", PARAS)], enc)
    before = vectors(tmp_path)
    enc.batches.clear()
    revised = [PARAS[0], PARAS[1], "migration reform talks resumed"]
    again = run(tmp_path, [make_cable("06MEXICO3305", revised, version="2")], enc)
    subject = "HAND-MADE TEST SUBJECT"
    assert encoded(enc) == [passage_text(subject, None, revised[2])]
    assert (again.paragraphs, again.reused, again.records) == (1, len(before) - 1, len(before))
    after = vectors(tmp_path)
    assert after.keys() == before.keys()
    assert {k for k in after if after[k] != before[k]} == {"06MEXICO3305:3"}
    assert_chroma_holds(tmp_path, after)


def test_subject_changed_encodes_every_window(tmp_path: Path) -> None:
    enc = RecordingEncoder()
    first = run(tmp_path, [make_cable("06MEXICO3305", PARAS)], enc)
    before = vectors(tmp_path)
    enc.batches.clear()
    cable = make_cable("06MEXICO3305", PARAS, subject="A NEW SUBJECT", version="2")
    again = run(tmp_path, [cable], enc)
    assert len(encoded(enc)) == first.records and again.reused == 0 and again.paragraphs == 3
    after = vectors(tmp_path)
    assert all(after[k] != before[k] for k in before)
    assert_chroma_holds(tmp_path, after)


@pytest.mark.slow
def test_real_model_reused_vectors_are_what_it_gives_each_window(tmp_path: Path) -> None:
    """End to end on real pages: a REF line edited, every vector kept, and each one
    still the model's vector of its own window's passage."""
    model = load_encoder("all-MiniLM-L6-v2", device="cpu")
    pages = tmp_path / "pages"
    pages.mkdir()
    for name in ("05PARIS104.html", "08OSLO522.html"):
        shutil.copy(DATA / name, pages / name)
    store = tmp_path / "store"
    options = IngestOptions(store_dir=store, encoder=model)
    first = ingest([pages], options, export_onnx=False)
    assert (first.new, first.failed) == (2, 0), first.errors
    before = vectors(store)
    page = pages / "05PARIS104.html"
    html = page.read_text(encoding="utf-8")
    assert "B. PARIS 8918" in html
    page.write_text(html.replace("B. PARIS 8918", "B. PARIS 8919"), encoding="utf-8")
    again = ingest([pages], options, export_onnx=False)
    assert (again.changed, again.unchanged, again.paragraphs) == (1, 1, 0)
    assert again.reused == again.records > 0 and again.encode_seconds == 0
    assert vectors(store) == before
    led = Ledger.open(store)
    try:
        stored = led.cable("05PARIS104")
        assert stored is not None and any(r.endswith("PARIS8919") for r in stored.refs)
        rows = led.conn.execute(
            "SELECT c.subject, p.heading, p.text, r.start, r.end, r.embedding FROM records r"
            " JOIN paragraphs p ON p.pid = r.pid JOIN cables c ON c.id = p.cable_id"
        ).fetchall()
    finally:
        led.close()
    assert len(rows) == len(before)
    want = model.encode([passage_text(s, h, t[a:b]) for s, h, t, a, b, _e in rows])
    got = np.stack([np.frombuffer(e, dtype="<f4") for *_r, e in rows])
    assert np.allclose(got, want, atol=1e-4)
    col = chroma_client.reopen(store, None, model.name, model.dimension)
    assert col.count() == len(rows)


def test_cables_that_encode_nothing_are_written_a_buffer_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A metadata-only fix changes every cable and no passage: the run must still hand
    them to the writer in buffers, not hold them all until the reader ends."""
    from embeddings.pipeline import Pipeline

    enc = RecordingEncoder()
    ids = [f"06MEXICO{n}" for n in range(1, 13)]
    refs = ("06MEXICO100",)
    run(tmp_path, [make_cable(i, PARAS, references=refs) for i in ids], enc)
    chunks: list[int] = []
    real = Pipeline._encode_chunk
    monkeypatch.setattr(
        Pipeline,
        "_encode_chunk",
        lambda self, works: (chunks.append(len(works)), real(self, works)),
    )
    options = IngestOptions(store_dir=tmp_path, encoder=enc, windower=char_windower, buffer=8)
    again = [make_cable(i, PARAS, references=("06MEXICO200",), version="2") for i in ids]
    summary = ingest_cables(again, options)
    assert summary.changed == 12 and summary.paragraphs == 0 and summary.reused > 0
    assert len(chunks) > 1 and max(chunks) < 12


def test_a_store_cut_another_way_is_cut_anew_encoding_only_the_new_windows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`embeddings.sources.CUT` names how paragraphs are cut: a store cut another way has
    its files read again and its cables cut anew, the windows it holds keeping their
    vectors; then a run over the same files is a no-op again."""
    from embeddings import sources

    page = DATA / "04ANKARA348.html"
    store = tmp_path / "store"
    enc = RecordingEncoder()

    def halves(subject: str, heading: str | None, text: str) -> list[tuple[int, int]]:
        spans = char_windower(subject, heading, text)
        return spans + ([(0, len(text) // 2)] if len(spans) > 1 else [])

    monkeypatch.setattr(sources, "CUT", "older")
    first = ingest([page], IngestOptions(store_dir=store, encoder=enc, windower=char_windower))
    assert (first.new, first.failed) == (1, 0)
    monkeypatch.setattr(sources, "CUT", "halves")
    enc.batches.clear()
    options = IngestOptions(store_dir=store, encoder=enc, windower=halves)
    again = ingest([page], options)
    added = again.records - first.records
    assert (again.changed, again.reused) == (1, first.records) and added > 0
    assert len(encoded(enc)) == added  # the new windows alone
    assert len(vectors(store)) == again.records
    enc.batches.clear()
    settled = ingest([page], options)
    assert (settled.unchanged, settled.records, encoded(enc)) == (1, 0, [])
