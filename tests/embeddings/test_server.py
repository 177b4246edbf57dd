"""Ingest through a real `chroma run` server: the same code path as the local store."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from embeddings import client as chroma_client
from embeddings import store as chroma_store
from embeddings.errors import ModelMismatchError
from embeddings.ingest import IngestOptions, ingest_cables
from tests.conftest import REPO
from tests.embeddings.conftest import char_windower, make_cable
from tests.fakes import HashEncoder

pytestmark = pytest.mark.server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def chroma_url(tmp_path: Path) -> Iterator[str]:
    import chromadb

    port = free_port()
    proc = subprocess.Popen(
        [
            str(REPO / ".venv" / "bin" / "chroma"),
            "run",
            "--path",
            str(tmp_path / "server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
                break
            except Exception:
                if time.monotonic() > deadline or proc.poll() is not None:
                    pytest.fail("chroma run did not come up")
                time.sleep(0.2)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(30)


def test_ingest_through_a_chroma_server(tmp_path: Path, chroma_url: str) -> None:
    store = tmp_path / "store"
    cables = [
        make_cable("06MEXICO3305", ["border violence in Nuevo Laredo", "migration reform"]),
        make_cable("05PARIS104", ["the trial of Djamel Beghal"], origin="Embassy Paris"),
    ]
    enc = HashEncoder()
    summary = ingest_cables(
        cables,
        IngestOptions(store_dir=store, chroma_url=chroma_url, encoder=enc, windower=char_windower),
    )
    assert summary.new == 2
    assert not (store / "chroma").exists()
    col = chroma_client.reopen(store, chroma_url, enc.name, enc.dimension)
    question = enc.encode(["HAND-MADE TEST SUBJECT. the trial of Djamel Beghal"])
    assert col.query(query_embeddings=question, n_results=1)["ids"][0] == ["05PARIS104:1"]
    assert chroma_store.verify(store, chroma_url, sample=10).ok
    again = ingest_cables(
        cables,
        IngestOptions(store_dir=store, chroma_url=chroma_url, encoder=enc, windower=char_windower),
    )
    assert (again.new, again.unchanged) == (0, 2)
    with pytest.raises(ModelMismatchError):
        chroma_client.open_collection(store, chroma_url, "other-model", 64, create=False)


def test_engine_through_a_chroma_server(
    tmp_path: Path, chroma_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Unfiltered asks past the exact-scan size go to the server's HNSW index once the
    engine is long-lived (warm); filtered ones, and a one-shot engine's, scan the
    ledger's vectors here; all find what a local store finds."""
    from qa import retrieve
    from qa.answer import Filters
    from qa.config import Settings
    from qa.engine import Engine

    store = tmp_path / "store"
    cables = [
        make_cable("06MEXICO3305", ["border violence in Nuevo Laredo", "migration reform"]),
        make_cable("05PARIS104", ["the trial of Djamel Beghal"], origin="Embassy Paris"),
        make_cable("09MADRID11", ["the trial of ETA suspects"], origin="Embassy Madrid"),
    ]
    enc = HashEncoder()
    ingest_cables(
        cables,
        IngestOptions(store_dir=store, chroma_url=chroma_url, encoder=enc, windower=char_windower),
    )
    monkeypatch.setattr(retrieve, "EXACT_SCAN_MAX", 0)
    searched: list[str] = []
    real_search = retrieve.chroma_search

    def spy(*args: Any, **kwargs: Any) -> retrieve.Scored:
        searched.append("server")
        return real_search(*args, **kwargs)

    monkeypatch.setattr(retrieve, "chroma_search", spy)
    engine = Engine(Settings(store=store, chroma_url=chroma_url, model=enc.name), encoder=enc)
    try:
        one_shot = engine.ask("the trial of Djamel Beghal", k=2, mode="dense").hits[0]
        assert one_shot.citation == "05PARIS104 ¶1" and searched == []  # scanned here
        engine.warm()  # long-lived now: big unfiltered questions go to the server's index
        searched.clear()
        hit = engine.ask("the trial of Djamel Beghal", k=2, mode="dense").hits[0]
        assert hit.citation == "05PARIS104 ¶1" and searched == ["server"]
        only = engine.ask("the trial", k=3, filters=Filters(origin="Madrid"), mode="dense")
        assert [h.citation for h in only.hits] == ["09MADRID11 ¶1"] and searched == ["server"]
        hybrid = engine.ask("trial of Djamel Beghal", k=3)
        assert hybrid.hits[0].citation == "05PARIS104 ¶1"
    finally:
        engine.close()
