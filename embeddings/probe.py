"""Child process of `store.probe`: query records' own vectors and print what was found.

It runs apart from the writer because a broken HNSW index kills the querying
process with SIGSEGV; the parent reads that as a verdict instead of dying.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

from embeddings import client as chroma_client
from embeddings.ledger import Ledger

SELF_DISTANCE = 1e-3  # an identical vector under another ID (repeated boilerplate) counts
TOP_K = 10


def run(
    store_dir: Path, chroma_url: str | None, sample: int, skip_pending: bool
) -> dict[str, object]:
    ledger = Ledger.open(store_dir)
    try:
        model, dim = ledger.model(), ledger.dimension()
        rows = ledger.sample_records(sample, skip_pending=skip_pending)
    finally:
        ledger.close()
    if model is None or dim is None:
        return {"probed": 0, "found": 0, "count": 0, "error": None}
    col = chroma_client.open_collection(store_dir, chroma_url, model, dim, create=False)
    count = int(col.count())
    if not rows:
        return {"probed": 0, "found": 0, "count": count, "error": None}
    ids = [r[0] for r in rows]
    vectors = np.frombuffer(b"".join(r[1] for r in rows), dtype="<f4").reshape(len(rows), dim)
    found = 0
    for start in range(0, len(ids), 100):
        res = col.query(
            query_embeddings=vectors[start : start + 100],
            n_results=max(1, min(TOP_K, count)),
            include=["distances"],
        )
        for rid, got, dist in zip(
            ids[start : start + 100], res["ids"], res["distances"], strict=True
        ):
            if rid in got or (dist and dist[0] <= SELF_DISTANCE):
                found += 1
    return {"probed": len(ids), "found": found, "count": count, "error": None}


def main(argv: list[str]) -> int:
    store_dir, url, sample, skip = Path(argv[0]), argv[1] or None, int(argv[2]), argv[3] == "1"
    try:
        out = run(store_dir, url, sample, skip)
    except Exception as exc:  # reported to the parent as a finding, not a crash
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        out = {"probed": 0, "found": 0, "count": None, "error": f"probe failed: {first}"}
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
