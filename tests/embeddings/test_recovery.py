"""Crashes at every step of the write protocol, and damaged vector indexes, then recovery."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from embeddings import store as chroma_store
from embeddings.client import reopen
from embeddings.ledger import Ledger
from tests.conftest import REPO
from tests.fakes import HashEncoder

pytestmark = pytest.mark.slow  # each case runs two or three ingest processes

N_CABLES = 150  # 900 paragraphs: four encoder buffers, several Chroma batches


def child(
    store: Path, version: str = "1", kill_at: str | None = None, n: int = N_CABLES
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "QA_TEST_KILL_AT"}
    if kill_at:
        env["QA_TEST_KILL_AT"] = kill_at
    return subprocess.run(
        [sys.executable, "-m", "tests.embeddings.ingest_child", str(store), str(n), version],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def expected_ids(version: str, n: int = N_CABLES) -> list[str]:
    from tests.embeddings.ingest_child import cables

    return sorted(f"{c.id}:{p.number}" for c in cables(n, version) for p in c.paragraphs)


def assert_exact(store: Path, version: str, n: int = N_CABLES) -> None:
    led = Ledger.open(store)
    try:
        ids = [r[0] for r in led.conn.execute("SELECT record_id FROM records ORDER BY 1")]
        assert led.pending() == []
        assert led.count("cables") == n
    finally:
        led.close()
    assert ids == expected_ids(version, n)
    col = reopen(store, None, "hash-bow-64", 64)
    assert sorted(col.get(include=[])["ids"]) == ids  # no duplicates, no stale rows
    report = chroma_store.verify(store, sample=100)
    assert report.ok, report.line()
    led = Ledger.open(store)
    text = led.conn.execute(
        "SELECT text FROM paragraphs WHERE cable_id='06MEXICO4007' AND number='4'"
    ).fetchone()[0]
    led.close()
    probe = HashEncoder().encode([f"HAND-MADE TEST SUBJECT. {text}"])
    top = col.query(query_embeddings=probe, n_results=1)["ids"][0]
    assert top == ["06MEXICO4007:4"]


@pytest.mark.parametrize(
    "kill_at",
    ["encoded:2", "ledger:1", "ledger:2", "chroma:2", "synced:2"],
    ids=["after-encode", "after-first-commit", "after-second-commit", "mid-chroma", "before-clear"],
)
def test_kill_9_then_rerun_gives_exact_records(tmp_path: Path, kill_at: str) -> None:
    killed = child(tmp_path, kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    done = child(tmp_path)
    assert done.returncode == 0, done.stderr
    assert_exact(tmp_path, "1")


@pytest.mark.parametrize("kill_at", ["ledger:1", "chroma:1"], ids=["commit", "chroma"])
def test_kill_9_while_replacing_changed_cables(tmp_path: Path, kill_at: str) -> None:
    assert child(tmp_path).returncode == 0
    killed = child(tmp_path, "2", kill_at=kill_at)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    done = child(tmp_path, "2")
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["notes"], "the re-run should report finishing the interrupted write"
    assert_exact(tmp_path, "2")


def test_missing_vectors_are_rebuilt_from_the_ledger(tmp_path: Path) -> None:
    assert child(tmp_path).returncode == 0
    col = reopen(tmp_path, None, "hash-bow-64", 64)
    col.delete(ids=[f"06MEXICO{4000 + i}:1" for i in range(0, N_CABLES, 2)])
    report = chroma_store.verify(tmp_path, sample=100)
    assert not report.ok and "Chroma holds" in report.reason
    done = child(tmp_path)
    assert "rebuilt the vector index" in json.loads(done.stdout)["notes"][0]
    assert_exact(tmp_path, "1")


def test_broken_hnsw_files_are_detected_and_rebuilt(tmp_path: Path) -> None:
    assert child(tmp_path, n=250).returncode == 0  # past Chroma's 1,000-record index flush
    broken = 0
    for path in (tmp_path / "chroma").rglob("*.bin"):
        path.write_bytes(b"\xff" * path.stat().st_size)
        broken += 1
    assert broken, "the HNSW index should be on disk past 1,000 records"
    report = chroma_store.verify(tmp_path, sample=100)
    assert not report.ok, report.line()
    written = chroma_store.rebuild(tmp_path)
    assert written == len(expected_ids("1", 250))
    assert_exact(tmp_path, "1", 250)
