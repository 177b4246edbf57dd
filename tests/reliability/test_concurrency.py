"""A reader asking questions while another process ingests, and two ingests at once.

The reader is the engine as the TUI holds it: one `Engine` in this process,
asked again and again. The writer is a separate process, as `qa ingest` in
another terminal would be.
"""

from __future__ import annotations

import json
import multiprocessing
import time
from pathlib import Path
from typing import Any

import pytest

from corpus.models import Cable
from embeddings.errors import StoreLockedError
from embeddings.ingest import IngestOptions, ingest_cables
from embeddings.lock import LOCK_NAME
from qa import retrieve
from qa.config import Settings
from qa.engine import Engine
from tests.conftest import SEED
from tests.embeddings.conftest import char_windower
from tests.embeddings.ingest_child import cables
from tests.fakes import HashEncoder, PausedEncoder, run_qa

FIRST, TOTAL = 20, 120  # the store starts with 20 cables; the writer adds 100 more
CTX = multiprocessing.get_context("forkserver")
CTX.set_forkserver_preload(["chromadb", "embeddings.ingest", "tests.embeddings.ingest_child"])


def writer_child(store: str, n: int, pause: float, out: str) -> None:
    """``pause``: seconds per buffer of 256 windows (16 model calls of 16)."""
    summary = ingest_cables(
        cables(n, "1"),
        IngestOptions(
            store_dir=Path(store),
            encoder=PausedEncoder(pause / 16),
            windower=char_windower,
            batch_size=16,
            buffer=256,
        ),
    )
    Path(out).write_text(json.dumps(summary.to_json()))


def start_writer(store: Path, n: int, pause: float) -> tuple[Any, Path]:
    out = store.parent / "writer.json"
    proc = CTX.Process(target=writer_child, args=(str(store), n, pause, str(out)))
    proc.start()
    return proc, out


def lock_holder(store: Path) -> str:
    try:
        return (store / LOCK_NAME).read_text().strip()
    except FileNotFoundError:
        return ""


def wait_for_lock(store: Path, pid: int, proc: Any) -> None:
    """Until the writer holds the lock (its pid is written into the lock file)."""
    deadline = time.monotonic() + 60
    while lock_holder(store) != str(pid):
        assert proc.is_alive() and time.monotonic() < deadline, "the writer never took the lock"
        time.sleep(0.02)


def seed_store(store: Path) -> None:
    summary = ingest_cables(
        cables(FIRST, "1"),
        IngestOptions(store_dir=store, encoder=HashEncoder(), windower=char_windower),
    )
    assert summary.new == FIRST


def question_for(cable_index: int, para: int) -> str:
    """The paragraph's own words: the hash encoder puts it first, and FTS5 matches it."""
    cable: Cable = cables(cable_index + 1, "1")[cable_index]
    return cable.paragraphs[para - 1].text


@pytest.mark.slow
@pytest.mark.parametrize(
    "dense_from",
    [
        "ledger",
        "chroma",
    ],
    ids=["exact-scan", "chroma-query"],
)
def test_engine_reads_while_another_process_ingests(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, dense_from: str
) -> None:
    store = tmp_path / "store"
    seed_store(store)
    if dense_from == "chroma":  # what a store past the exact-scan size does
        monkeypatch.setattr(retrieve, "EXACT_SCAN_MAX", 0)
    engine = Engine(Settings(store=store, model=HashEncoder.name), encoder=HashEncoder())
    if dense_from == "chroma":
        engine.warm()  # a long-lived engine, as the TUI's: unfiltered asks go to HNSW
    last = TOTAL - 1
    target = f"06MEXICO{4000 + last}"
    asks, seen_during = 0, False
    try:
        old = engine.ask(question_for(3, 2), k=3, mode="dense")
        assert old.hits[0].citation == "06MEXICO4003 ¶2"
        proc, out = start_writer(store, TOTAL, 0.4)
        while proc.is_alive():
            for mode in ("hybrid", "dense"):
                answer = engine.ask(question_for(last, 4), k=5, mode=mode)
                asks += 1
                seen_during |= any(h.cable_id == target for h in answer.hits)
        proc.join(60)
        assert proc.exitcode == 0
        assert json.loads(out.read_text())["new"] == TOTAL - FIRST
        for mode in ("hybrid", "dense", "lexical"):
            answer = engine.ask(question_for(last, 4), k=5, mode=mode)
            assert answer.hits and answer.hits[0].citation == f"{target} ¶4", (mode, answer.hits)
        again = engine.ask(question_for(3, 2), k=3, mode="dense")
        assert again.hits[0].citation == "06MEXICO4003 ¶2"
    finally:
        engine.close()
    assert asks >= 4, f"only {asks} questions were asked during the ingest"
    print(f"{asks} questions during the ingest; new cable seen before it ended: {seen_during}")


def test_second_ingest_is_refused_while_one_writes(tmp_path: Path) -> None:
    store = tmp_path / "store"
    proc, out = start_writer(store, 60, 1.0)
    try:
        wait_for_lock(store, proc.pid, proc)
        cli = run_qa("ingest", str(SEED), store=store)
        assert proc.is_alive(), "the writer should still be running"
        with pytest.raises(StoreLockedError, match=str(store)):
            ingest_cables(cables(3, "1"), IngestOptions(store_dir=store, encoder=HashEncoder()))
        reader = run_qa("stats", "--json", store=store)
    finally:
        proc.join(120)
    assert cli.returncode == 1
    lines = cli.stderr.strip().splitlines()
    assert len(lines) == 1, cli.stderr
    assert "another ingest is writing to" in lines[0] and str(store) in lines[0], lines[0]
    assert f"pid {proc.pid}" in lines[0]
    assert reader.returncode == 0, reader.stderr  # reading is never locked out
    assert json.loads(reader.stdout)["model"] == HashEncoder.name
    assert proc.exitcode == 0
    assert json.loads(out.read_text())["new"] == 60
