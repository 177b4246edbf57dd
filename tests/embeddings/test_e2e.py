"""The real model, real cables from ../shared/corpus and a real Chroma store."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from corpus.formats import read
from corpus.models import Cable
from embeddings import client as chroma_client
from embeddings import store as chroma_store
from embeddings.encoder import Encoder, load_encoder
from embeddings.ingest import IngestOptions, ingest, ingest_cables
from embeddings.ledger import Ledger
from embeddings.stats import format_stats, stats
from tests.conftest import CSV_HEAD, SAMPLE_CSV, SEED, cable_html

pytestmark = pytest.mark.slow

CABLES = ["05PARIS104", "08OSLO522", "09STATE80163"]


@pytest.fixture(scope="module")
def model() -> Encoder:
    return load_encoder("all-MiniLM-L6-v2", device="cpu")


def test_ingest_real_cables_then_query_finds_them(tmp_path: Path, model: Encoder) -> None:
    paths = [SEED, *(cable_html(c) for c in CABLES)]
    first = ingest(paths, IngestOptions(store_dir=tmp_path, encoder=model), export_onnx=False)
    assert (first.new, first.failed) == (4, 0), first.errors
    led = Ledger.open(tmp_path)
    rows = led.conn.execute("SELECT record_id FROM records").fetchall()
    long_windows = [r[0] for r in rows if r[0].startswith("09STATE80163:") and "~" in r[0]]
    led.close()
    assert long_windows, "the 20k-character paragraph of 09STATE80163 should have windows"
    assert first.records == len(rows) > first.paragraphs

    col = chroma_client.reopen(tmp_path, None, "all-MiniLM-L6-v2", model.dimension)
    assert col.count() == len(rows)
    question = model.encode(["Which Djamel Beghal trial did the embassy in Paris report on?"])
    hits = col.query(query_embeddings=question, n_results=3)["metadatas"][0]
    assert hits[0]["cable_id"] == "05PARIS104"
    assert chroma_store.verify(tmp_path, sample=50).ok

    again = ingest(paths, IngestOptions(store_dir=tmp_path, encoder=model), export_onnx=False)
    assert (again.new, again.changed, again.unchanged, again.records) == (0, 0, 4, 0)

    d = stats(tmp_path)
    json.dumps(d)
    assert (d["cables"], d["records"], d["model"]) == (4, len(rows), "all-MiniLM-L6-v2")
    assert d["by_year"] and sum(d["by_origin"].values()) == 4
    assert "records" in format_stats(d)


def test_csv_row_and_html_page_are_stored_once(
    tmp_path: Path, model: Encoder, shared_corpus: Path
) -> None:
    html = list(read(cable_html("05PARIS104")))
    row = [c for c in read(SAMPLE_CSV) if isinstance(c, Cable) and c.id == "05PARIS104"]
    assert len(html) == len(row) == 1
    first = ingest_cables(html + row, IngestOptions(store_dir=tmp_path, encoder=model))
    assert (first.new, first.duplicates) == (1, 1)
    again = ingest_cables(html + row, IngestOptions(store_dir=tmp_path, encoder=model))
    assert (again.new, again.changed, again.unchanged, again.duplicates) == (0, 0, 1, 1)
    led = Ledger.open(tmp_path)
    ids = [r[0] for r in led.conn.execute("SELECT record_id FROM records")]
    led.close()
    assert ids and len(set(ids)) == len(ids)
    assert all(i.startswith("05PARIS104:") for i in ids)


def test_a_gzipped_cables_csv_is_ingested_as_the_plain_one(tmp_path: Path, model: Encoder) -> None:
    squeezed = tmp_path / "cables.csv.gz"
    squeezed.write_bytes(gzip.compress(CSV_HEAD.read_bytes()))
    store = tmp_path / "store"
    first = ingest([squeezed], IngestOptions(store_dir=store, encoder=model), export_onnx=False)
    plain = [c.id for c in read(CSV_HEAD) if isinstance(c, Cable)]
    assert (first.new, first.failed) == (len(plain), 0), first.errors
    led = Ledger.open(store)
    stored = sorted(r[0] for r in led.conn.execute("SELECT id FROM cables"))
    led.close()
    assert stored == sorted(plain)
    again = ingest([squeezed], IngestOptions(store_dir=store, encoder=model), export_onnx=False)
    assert (again.new, again.changed, again.records) == (0, 0, 0)
