"""Chroma, kept strictly derived from the ledger: synced, verified, rebuilt.

A kill -9 during a Chroma write can leave an HNSW index that crashes every
``query()`` in a new process while ``count()`` and ``get()`` still work, so
the index is only trusted after a probe in a separate process finds each
sampled record's own vector.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from embeddings import client as chroma_client
from embeddings.errors import StoreError
from embeddings.ledger import Ledger

WRITE_BATCH = 500  # measured: slightly faster than the 5,461 maximum
PROBE_TIMEOUT_S = 600.0
PROBE_MIN_FOUND = 0.95


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What a fresh process found in the vector index, compared with the ledger."""

    ok: bool
    ledger_records: int
    chroma_records: int | None
    pending: int
    probed: int
    found: int
    reason: str

    def line(self) -> str:
        state = "ok" if self.ok else f"BROKEN ({self.reason})"
        return (
            f"vector index {state}: ledger {self.ledger_records} records, "
            f"Chroma {self.chroma_records if self.chroma_records is not None else '?'}, "
            f"{self.pending} cables pending, probe found {self.found}/{self.probed}"
        )


@dataclass(frozen=True, slots=True)
class ProbeResult:
    probed: int
    found: int
    count: int | None
    error: str | None


class Chroma:
    """The collection plus what is needed to recreate it from nothing."""

    def __init__(self, store_dir: Path, chroma_url: str | None, model: str, dimension: int):
        self.store_dir = store_dir
        self.chroma_url = chroma_url
        self.model = model
        self.dimension = dimension
        self.client: Any = chroma_client.make_client(store_dir, chroma_url)
        self.collection: Any = chroma_client.open_collection(
            store_dir, chroma_url, model, dimension, create=True, client=self.client
        )
        self.max_batch = min(WRITE_BATCH, int(self.client.get_max_batch_size()))

    def count(self) -> int:
        return int(self.collection.count())

    def delete_cables(self, cable_ids: Sequence[str]) -> None:
        for i in range(0, len(cable_ids), 200):
            self.collection.delete(where={"cable_id": {"$in": list(cable_ids[i : i + 200])}})

    def sync(
        self,
        ledger: Ledger,
        cable_ids: Sequence[str] | None,
        *,
        replace: bool = True,
        on_batch: Callable[[int], None] | None = None,
    ) -> int:
        """Make Chroma hold exactly the ledger's records for these cables (all when None)."""
        if replace and cable_ids:
            self.delete_cables(cable_ids)
        written = 0
        for rows in ledger.record_rows(cable_ids, chunk=self.max_batch):
            vectors = np.frombuffer(b"".join(r.embedding for r in rows), dtype="<f4")
            self.collection.add(
                ids=[r.record_id for r in rows],
                embeddings=vectors.reshape(len(rows), self.dimension),
                documents=[r.document for r in rows],
                metadatas=[r.metadata for r in rows],
            )
            written += len(rows)
            if on_batch is not None:
                on_batch(len(rows))
        return written

    def rebuild(self, ledger: Ledger, on_batch: Callable[[int], None] | None = None) -> int:
        """Drop the collection (locally, its whole folder) and refill it from the ledger."""
        if self.chroma_url is None:
            self.client = None
            self.collection = None
            chroma_client.forget_clients()
            shutil.rmtree(self.store_dir / chroma_client.CHROMA_DIR, ignore_errors=True)
            self.client = chroma_client.make_client(self.store_dir, None)
        else:
            with contextlib.suppress(Exception):  # absent already: nothing to drop
                self.client.delete_collection(chroma_client.COLLECTION)
        self.collection = chroma_client.open_collection(
            self.store_dir,
            self.chroma_url,
            self.model,
            self.dimension,
            create=True,
            client=self.client,
        )
        written = self.sync(ledger, None, replace=False, on_batch=on_batch)
        ledger.clear_pending(ledger.pending())
        return written


def probe(
    store_dir: Path, chroma_url: str | None, *, sample: int = 200, skip_pending: bool = False
) -> ProbeResult:
    """Query sampled records' own vectors from a child process; a crash there is a finding."""
    cmd = [
        sys.executable,
        "-m",
        "embeddings.probe",
        str(store_dir),
        chroma_url or "",
        str(sample),
        "1" if skip_pending else "0",
    ]
    try:
        done = subprocess.run(
            cmd,
            capture_output=True,
            text=True,
            timeout=PROBE_TIMEOUT_S,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
    except subprocess.TimeoutExpired:
        return ProbeResult(0, 0, None, "probe timed out")
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or [""])[-1]
        how = f"signal {-done.returncode}" if done.returncode < 0 else f"exit {done.returncode}"
        return ProbeResult(0, 0, None, f"probe process died ({how}) {tail}".strip())
    try:
        out = json.loads(done.stdout.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return ProbeResult(0, 0, None, "probe printed no result")
    return ProbeResult(int(out["probed"]), int(out["found"]), out.get("count"), out.get("error"))


def judge(p: ProbeResult) -> str | None:
    """Why the index cannot be trusted, or None."""
    if p.error:
        return p.error
    if p.probed and p.found < PROBE_MIN_FOUND * p.probed:
        return f"only {p.found} of {p.probed} records find their own vector"
    return None


def verify(store_dir: Path, chroma_url: str | None = None, *, sample: int = 200) -> VerifyReport:
    ledger = Ledger.open(store_dir)
    try:
        records, pending = ledger.count("records"), len(ledger.pending())
    finally:
        ledger.close()
    result = probe(store_dir, chroma_url, sample=sample)
    reason = judge(result)
    if reason is None and pending:
        reason = f"{pending} cables await their Chroma write"
    if reason is None and result.count != records:
        reason = f"Chroma holds {result.count} records, the ledger {records}"
    return VerifyReport(
        ok=reason is None,
        ledger_records=records,
        chroma_records=result.count,
        pending=pending,
        probed=result.probed,
        found=result.found,
        reason=reason or "",
    )


def rebuild(
    store_dir: Path,
    chroma_url: str | None = None,
    *,
    on_batch: Callable[[int], None] | None = None,
) -> int:
    """Rebuild Chroma from the ledger under the writer lock; returns records written."""
    from embeddings.lock import WriterLock

    with WriterLock(store_dir):
        ledger = Ledger.open(store_dir)
        try:
            model, dim = ledger.model(), ledger.dimension()
            if model is None or dim is None:
                raise StoreError(f"store at {store_dir} holds no vectors yet")
            return Chroma(store_dir, chroma_url, model, dim).rebuild(ledger, on_batch)
        finally:
            ledger.close()


def repair(chroma: Chroma, ledger: Ledger, *, sample: int = 200) -> str | None:
    """Bring Chroma back in line with the ledger after an interrupted write.

    Returns a one-line account of what was done, or None when nothing was
    needed. Cheap when the last run ended cleanly: no pending marks and equal
    counts skip the probe.
    """
    pending = ledger.pending()
    records = ledger.count("records")
    if not pending and chroma.count() == records:
        return None
    reason: str | None = None
    if pending:
        reason = judge(probe(chroma.store_dir, chroma.chroma_url, sample=sample, skip_pending=True))
        if reason is None:
            chroma.sync(ledger, pending)
            ledger.clear_pending(pending)
            reason = judge(probe(chroma.store_dir, chroma.chroma_url, sample=sample))
    if reason is None and chroma.count() != records:
        reason = f"Chroma holds {chroma.count()} records, the ledger {records}"
    if reason is None:
        many = "cable" if len(pending) == 1 else "cables"
        return f"finished an interrupted write of {len(pending)} {many}"
    written = chroma.rebuild(ledger)
    return f"rebuilt the vector index from the ledger ({written} records): {reason}"
