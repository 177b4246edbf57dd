"""Query latency: warm in-process p50/p95, a cold `qa ask` process, and scans at scale.

    .venv/bin/python bench/query.py --store /work/stores/full --questions eval/dev.jsonl
    .venv/bin/python bench/query.py --store DIR --scale 1000000   # synthetic 1M-row scan

Targets (shared-corpus store): warm p50 <= 40 ms, p95 <= 100 ms; cold `qa ask` <= 2.0 s.
The scale section times the exact dense scan the engine uses for filtered
queries over N synthetic 384-d rows, unfiltered and with a one-year mask, and
FTS5 queries over the store's paragraphs repeated up to N rows.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.answer import Filters
from qa.config import Settings
from qa.engine import Engine
from qa.retrieve import VectorIndex, fts_query
from qa.terms import content_terms


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * q))]


def warm(store: Path, questions: list[dict[str, object]]) -> None:
    engine = Engine(Settings(store=store))
    t = time.perf_counter()
    engine.warm()
    print(f"engine warm-up (encoder + vectors): {time.perf_counter() - t:.2f} s")
    times: list[float] = []
    for row in questions:
        history = [str(h) for h in row.get("history", [])]  # type: ignore[attr-defined]
        t = time.perf_counter()
        engine.ask(str(row["question"]), history=history)
        times.append((time.perf_counter() - t) * 1000)
    print(
        f"warm ask over {len(times)} questions: p50 {pct(times, 0.5):.1f} ms, "
        f"p95 {pct(times, 0.95):.1f} ms, max {max(times):.1f} ms"
    )
    engine.close()


def against_before(store: Path, questions: list[dict[str, object]]) -> None:
    """Warm p50 of today's engine against the engine before closeness re-ranking and the
    paired mark (`Tuning(sentence_weight=0, typed_weight=0)`, `mark(pair_ratio=0,
    why_carry=0.3)`), both in this process, question by question in turn (A, B, A, B...)
    so that the machine's noise falls on both."""
    import functools

    import qa.present
    from qa.highlight import mark
    from qa.rescore import Tuning

    now = Engine(Settings(store=store))
    before = Engine(Settings(store=store), tuning=Tuning(sentence_weight=0.0, typed_weight=0.0))
    old_mark = functools.partial(mark, pair_ratio=0.0, why_carry=0.3)
    now.warm()
    before.warm()
    times: dict[str, list[float]] = {"now": [], "before": []}
    for row in questions * 2:
        history = [str(h) for h in row.get("history", [])]  # type: ignore[attr-defined]
        for name, engine in (("now", now), ("before", before)):
            qa.present.mark = old_mark if name == "before" else mark  # type: ignore[assignment]
            t = time.perf_counter()
            engine.ask(str(row["question"]), history=history)
            times[name].append((time.perf_counter() - t) * 1000)
    qa.present.mark = mark  # type: ignore[assignment]
    p50 = {name: pct(ts, 0.5) for name, ts in times.items()}
    print(
        f"warm p50, same run: now {p50['now']:.1f} ms, before closeness and pairing "
        f"{p50['before']:.1f} ms, ratio {p50['now'] / p50['before']:.3f}"
    )
    now.close()
    before.close()


def cold(store: Path, question: str, runs: int) -> None:
    qa = Path(sys.executable).with_name("qa")
    cmd = [str(qa), "ask", question, "--store", str(store)]
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    walls: list[float] = []
    for _ in range(runs):
        t = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        walls.append(time.perf_counter() - t)
        if proc.returncode != 0:
            print(f"cold qa ask failed: {proc.stderr.strip().splitlines()[-1:]}")
            return
    print(
        f"cold `qa ask` process: median {statistics.median(walls):.2f} s "
        f"(min {min(walls):.2f}, {runs} runs)"
    )
    imports = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import qa.engine"],
        capture_output=True,
        text=True,
        check=False,
    ).stderr
    heavy = [ln for ln in imports.splitlines() if "torch" in ln or "chromadb" in ln]
    print(f"  torch/chromadb imported by qa.engine: {'yes' if heavy else 'no'}")


def scale(store: Path, n: int, questions: list[dict[str, object]]) -> None:
    rng = np.random.default_rng(0)
    vecs = rng.standard_normal((n, 384), dtype=np.float32)
    vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
    cables = n // 12
    conn = sqlite3.connect(":memory:")
    conn.execute(
        "CREATE TABLE cables(id TEXT PRIMARY KEY, date INTEGER, origin TEXT,"
        " classification TEXT, tags TEXT)"
    )
    years = rng.integers(1966, 2011, cables)
    conn.executemany(
        "INSERT INTO cables VALUES (?,?,?,?,?)",
        (
            (f"C{i}", int(y) * 10000 + 615, f"Embassy P{i % 180}", "SECRET", "PREL")
            for i, y in enumerate(years.tolist())
        ),
    )
    row_cable = np.sort(rng.integers(1, cables + 1, n)).astype(np.int64)
    index = VectorIndex(vecs, np.arange(n, dtype=np.int64), row_cable, 1)
    q = vecs[0]
    timings: dict[str, list[float]] = {"unfiltered": [], "year 2009": [], "origin": []}
    filters = {
        "unfiltered": Filters(),
        "year 2009": Filters(since="2009-01-01", until="2009-12-31"),
        "origin": Filters(origin="Embassy P17"),
    }
    for _ in range(7):
        for name, f in filters.items():
            t = time.perf_counter()
            index.search(q, 100, index.allowed(conn, f))
            timings[name].append((time.perf_counter() - t) * 1000)
    for name, ts in timings.items():
        print(f"exact dense scan, {n:,} rows, {name}: median {statistics.median(ts):.1f} ms")
    _fts_scale(store, n, questions)


def _fts_scale(store: Path, n: int, questions: list[dict[str, object]]) -> None:
    src = sqlite3.connect(store / "ledger.sqlite3")
    texts = [r[0] for r in src.execute("SELECT text FROM paragraphs")]
    if not texts:
        return
    with tempfile.TemporaryDirectory() as tmp:
        conn = sqlite3.connect(Path(tmp) / "fts.sqlite3")
        conn.execute(
            "CREATE VIRTUAL TABLE fts USING fts5(text, context,"
            " tokenize='porter unicode61 remove_diacritics 2')"
        )
        t = time.perf_counter()
        conn.executemany(
            "INSERT INTO fts(text, context) VALUES (?, '')",
            ((texts[i % len(texts)],) for i in range(n)),
        )
        conn.commit()
        print(f"FTS5 over {n:,} rows built in {time.perf_counter() - t:.0f} s")
        ts: list[float] = []
        for row in questions[:60]:
            terms = content_terms(str(row["question"]))[:12]
            if not terms:
                continue
            t = time.perf_counter()
            conn.execute(
                "SELECT rowid, bm25(fts, 1.0, 0.4) FROM fts WHERE fts MATCH ? ORDER BY 2 LIMIT 100",
                (fts_query(terms),),
            ).fetchall()
            ts.append((time.perf_counter() - t) * 1000)
        print(
            f"FTS5 lexical query at {n:,} rows: p50 {pct(ts, 0.5):.0f} ms, "
            f"p95 {pct(ts, 0.95):.0f} ms"
        )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--questions", type=Path, default=Path("eval/dev.jsonl"))
    ap.add_argument("--cold-runs", type=int, default=3)
    ap.add_argument("--scale", type=int, default=0, help="synthetic rows for the scan timing")
    ap.add_argument(
        "--against-before", action="store_true", help="warm p50 against the engine before"
    )
    args = ap.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    questions = [json.loads(ln) for ln in args.questions.read_text().splitlines() if ln.strip()]
    warm(args.store, questions)
    if args.against_before:
        against_before(args.store, questions)
    if args.cold_runs:
        cold(args.store, str(questions[0]["question"]), args.cold_runs)
    if args.scale:
        scale(args.store, args.scale, questions)


if __name__ == "__main__":
    main()
