"""More like this: does `qa similar` put a paragraph's known near duplicate first?

    .venv/bin/python bench/similar.py --store /work/stores/main   # copy it first: it writes cache/

Known near duplicates are found here by brute force, independently of the engine:
each paragraph's vector is the normalised mean of its windows, and a pair of
paragraphs of different cables with cosine >= 0.95 is a near duplicate (the
corpus repeats press summaries from cable to cable). Twenty source paragraphs
are drawn (seeded) among those whose nearest paragraph of another cable passes
the bar, half of them (when there are enough) with a partner whose text differs,
so the test is not only of copies; the partner is that nearest paragraph.
Target: the engine's first result is the partner (or folds it, as the same
text) for at least 18 of 20.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.config import Settings
from qa.engine import Engine
from qa.similar import fold_key

BAR = 0.95


def paragraph_vectors(engine: Engine) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per paragraph: its id, its cable (rowid) and its mean window vector, normalised."""
    engine.state()
    index = engine.search.vector_index()
    pids, first = np.unique(index.pids, return_index=True)
    at = np.searchsorted(pids, index.pids)
    sums = np.zeros((pids.size, index.vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, at, index.vectors)
    sums /= np.linalg.norm(sums, axis=1, keepdims=True)
    return pids, index.cables[first], sums.astype(np.float32)


def nearest_other_cable(pids: np.ndarray, cables: np.ndarray, vecs: np.ndarray):
    """For every paragraph, its nearest paragraph of another cable and their cosine."""
    best = np.empty(pids.size, dtype=np.int64)
    cos = np.empty(pids.size, dtype=np.float32)
    for at in range(0, pids.size, 1024):
        block = vecs[at : at + 1024] @ vecs.T
        block[cables[at : at + 1024, None] == cables[None, :]] = -np.inf
        best[at : at + 1024] = block.argmax(axis=1)
        cos[at : at + 1024] = block.max(axis=1)
    return best, cos


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("-n", type=int, default=20)
    ap.add_argument("--seed", type=int, default=18)
    args = ap.parse_args()
    engine = Engine(Settings(store=args.store))
    pids, cables, vecs = paragraph_vectors(engine)
    best, cos = nearest_other_cable(pids, cables, vecs)
    sources = np.flatnonzero(cos >= BAR)
    rows = engine.view.paragraphs([int(p) for p in pids[sources]])
    rows += engine.view.paragraphs([int(pids[best[i]]) for i in sources])
    by_pid = {r.pid: r for r in rows}
    differ, same = [], []
    for i in sources.tolist():
        src, dup = by_pid[int(pids[i])], by_pid[int(pids[best[i]])]
        (same if fold_key(src.text) == fold_key(dup.text) else differ).append((src, dup, cos[i]))
    print(
        f"{pids.size} paragraphs; {sources.size} with a paragraph of another cable at "
        f">= {BAR} ({len(differ)} of them with a different text)"
    )
    rng = random.Random(args.seed)
    half = min(len(differ), args.n // 2)
    picked = rng.sample(differ, half) + rng.sample(same, min(len(same), args.n - half))
    first = 0
    times = []
    for src, dup, c in picked:
        t = time.perf_counter()
        found = engine.similar(src.cable_id, src.number, k=10)
        times.append((time.perf_counter() - t) * 1000)
        want = f"{dup.cable_id} ¶{dup.number}"
        top = [found.hits[0].citation, *found.also[0]] if found.hits else []
        ok = want in top
        first += ok
        rank = next(
            (
                h.rank
                for h, a in zip(found.hits, found.also, strict=True)
                if want in (h.citation, *a)
            ),
            None,
        )
        kind = "same text" if fold_key(src.text) == fold_key(dup.text) else "differs"
        print(
            f"{'ok  ' if ok else 'MISS'} {src.cable_id} ¶{src.number} -> {want} "
            f"(cos {c:.3f}, {kind}; engine rank {rank})"
        )
    engine.close()
    times.sort()
    print(
        f"similar: {first} of {len(picked)} first; "
        f"p50 {times[len(times) // 2]:.1f} ms, max {times[-1]:.1f} ms"
    )
    return 0 if first >= 0.9 * len(picked) else 1


if __name__ == "__main__":
    raise SystemExit(main())
