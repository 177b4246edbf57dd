"""kill -9 of an ingest at ten points, and a full disk, each followed by a re-run.

After every re-run the store must hold exactly the cables of that run: the
ledger's records, Chroma's ids (no duplicates, no stale rows), the FTS5 rows
and Chroma's metadata name the same paragraphs, and a fresh process finds
each sampled record's own vector. Ingest processes are forked from a server
that has already imported chromadb, so a kill costs the work, not the imports.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import resource
import signal
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from embeddings.client import forget_clients, reopen
from embeddings.ledger import LEDGER_NAME, Ledger
from embeddings.stats import stats
from embeddings.tally import KILL_ENV
from tests.embeddings.conftest import char_windower
from tests.embeddings.ingest_child import cables
from tests.fakes import PausedEncoder

pytestmark = pytest.mark.slow  # each case runs several ingest processes

N_CABLES = 100  # 600 records: three encoder buffers, two or more ledger and Chroma writes
MODEL, DIM = "hash-bow-64", 64

CTX = multiprocessing.get_context("forkserver")
CTX.set_forkserver_preload(["chromadb", "embeddings.ingest", "tests.embeddings.ingest_child"])


# -- children ------------------------------------------------------------------------------------


def ingest_child(
    store: str, version: str, kill_at: str, fsize: int, pause: float, out: str
) -> None:
    """One ingest run, as `qa ingest` runs it, with the hash encoder; result to ``out``."""
    from embeddings.errors import StoreError
    from embeddings.ingest import IngestOptions, ingest_cables, summary_json

    os.environ.pop(KILL_ENV, None)
    if kill_at:
        os.environ[KILL_ENV] = kill_at
    if fsize:  # a full disk: writes past fsize bytes fail with EFBIG instead of killing
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, hard))
    try:
        summary = ingest_cables(
            cables(N_CABLES, version),
            IngestOptions(
                store_dir=Path(store),
                encoder=PausedEncoder(pause),
                windower=char_windower,
                batch_size=16,
                buffer=256,
            ),
        )
    except StoreError as exc:
        Path(out).write_text(json.dumps({"error": str(exc)}))
        sys.exit(1)
    Path(out).write_text(summary_json(summary))


def probe_child(store: str, sample: int, out: str) -> None:
    """Query sampled records' own vectors in a fresh process (a broken index segfaults)."""
    from embeddings.probe import run

    Path(out).write_text(json.dumps(run(Path(store), None, sample, False)))


def run_child(target: Any, *args: Any, kill_after_commit: float | None = None) -> int:
    """Run a child to its end, or SIGKILL it ``kill_after_commit`` s after its first commit."""
    store = Path(args[0])
    start_gen = generation(store)
    proc = CTX.Process(target=target, args=args)
    proc.start()
    if kill_after_commit is not None:
        deadline = time.monotonic() + 120
        while proc.is_alive() and generation(store) <= start_gen:
            assert time.monotonic() < deadline, "the ingest never committed"
            time.sleep(0.01)
        time.sleep(kill_after_commit)
        if proc.is_alive():
            os.kill(proc.pid or 0, signal.SIGKILL)
    proc.join(300)
    assert proc.exitcode is not None, "child hung"
    return proc.exitcode


def generation(store: Path) -> int:
    path = store / LEDGER_NAME
    if not path.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        finally:
            conn.close()
    except sqlite3.Error:  # the schema is not there yet
        return 0
    return int(row[0]) if row else 0


def ingest(
    store: Path, version: str, *, kill_at: str = "", fsize: int = 0, after: float | None = None
) -> tuple[int, dict[str, Any]]:
    """Exit code and printed result of one run; ``after``: SIGKILL that long after a commit.

    A run to be killed at a moment encodes slowly (1 s a buffer of 16 model calls), so
    that well over a second of work follows its first commit, whatever the load of the
    machine.
    """
    out = store.parent / f"summary-{time.monotonic_ns()}.json"
    pause = (0.2 if after is None else 1.0) / 16  # a model call; 16 make a buffer
    code = run_child(
        ingest_child,
        str(store),
        version,
        kill_at,
        fsize,
        pause,
        str(out),
        kill_after_commit=after,
    )
    result = json.loads(out.read_text()) if out.exists() else {}
    return code, result


# -- what a consistent store looks like -----------------------------------------------------------


def expected_ids(version: str) -> list[str]:
    return sorted(f"{c.id}:{p.number}" for c in cables(N_CABLES, version) for p in c.paragraphs)


def assert_consistent(store: Path, version: str) -> None:
    led = Ledger.open(store)
    try:
        conn = led.conn
        ids = [r[0] for r in conn.execute("SELECT record_id FROM records ORDER BY 1")]
        assert led.pending() == [], "a re-run must leave no Chroma write pending"
        assert led.count("cables") == N_CABLES
        paras = set(conn.execute("SELECT cable_id, number FROM paragraphs"))
        fts = set(
            conn.execute(
                "SELECT p.cable_id, p.number FROM fts JOIN paragraphs p ON p.pid = fts.rowid"
            )
        )
        fts_rows = conn.execute("SELECT count(*) FROM fts").fetchone()[0]
        sampled = conn.execute(
            "SELECT pid, text FROM paragraphs WHERE pid % 37 = 0 LIMIT 5"
        ).fetchall()
        for pid, text in sampled:  # the lexical index finds a paragraph by its own words
            words = " AND ".join([w for w in text.split() if w.startswith("w")][:3])
            match = conn.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (words,))
            found = [r[0] for r in match]
            assert pid in found, (pid, words)
    finally:
        led.close()
    assert ids == expected_ids(version)
    assert fts_rows == len(paras), "FTS rows left over from replaced cables"
    col = reopen(store, None, MODEL, DIM)
    got = col.get(include=["metadatas"])
    forget_clients()
    assert sorted(got["ids"]) == ids, "Chroma must hold each record once and nothing stale"
    in_chroma = {(str(m["cable_id"]), str(m["para"])) for m in got["metadatas"]}
    assert in_chroma == paras == fts
    out = store.parent / "probe.json"
    assert run_child(probe_child, str(store), 200, str(out)) == 0, "querying the index crashed"
    found = json.loads(out.read_text())
    assert found["error"] is None and found["count"] == len(ids), found
    assert found["probed"] >= 100 and found["found"] == found["probed"], found


# -- kill -9 --------------------------------------------------------------------------------------

BOUNDARIES = ["encoded:1", "ledger:1", "chroma:1", "synced:1", "ledger:2", "chroma:2"]
"""Stage passes of the write protocol (see embeddings.tally): after a chunk is encoded,
after a ledger commit, after a Chroma batch, after Chroma holds a whole write."""


def _versions() -> Any:
    """Each run changes every cable, so each killed run has replacing to do."""
    n = 0
    while True:
        n += 1
        yield "1" if n % 2 else "2"


def test_kill_9_at_batch_boundaries_then_rerun(tmp_path: Path) -> None:
    store = tmp_path / "store"
    versions = _versions()
    for point in BOUNDARIES:
        version = next(versions)
        code, _ = ingest(store, version, kill_at=point)
        assert code == -signal.SIGKILL, f"{point}: the ingest was not killed ({code})"
        code, summary = ingest(store, version)
        assert code == 0, f"{point}: re-run failed: {summary}"
        assert summary["failed"] == 0
        assert_consistent(store, version)


def test_kill_9_at_random_moments_then_rerun(tmp_path: Path) -> None:
    rng = random.Random(3305)
    delays = [round(rng.uniform(0.0, 1.2), 3) for _ in range(4)]
    store = tmp_path / "store"
    versions = _versions()
    for delay in delays:
        version = next(versions)
        code, _ = ingest(store, version, after=delay)
        assert code == -signal.SIGKILL, f"{delay} s after a commit: the ingest had finished"
        code, summary = ingest(store, version)
        assert code == 0, f"{delay} s: re-run failed: {summary}"
        assert_consistent(store, version)


# -- a full disk ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fsize", [300_000, 1_000_000], ids=["full-while-chroma-writes", "full-while-ledger-commits"]
)
def test_full_disk_is_one_clear_error_and_a_rerun_completes(tmp_path: Path, fsize: int) -> None:
    store = tmp_path / "store"
    code, result = ingest(store, "1", fsize=fsize)
    assert code == 1, result
    message = result["error"]
    assert "\n" not in message
    assert "disk full" in message and str(store) in message, message
    assert "re-run" in message
    held = stats(store)  # the store still opens
    assert held["model"] == MODEL and held["cables"] < N_CABLES
    code, summary = ingest(store, "1")
    assert code == 0, summary
    assert_consistent(store, "1")
