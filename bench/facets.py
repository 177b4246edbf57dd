"""Facets' cost: warm questions with and without `facets=True`, in the same run.

    .venv/bin/python bench/facets.py --store /work/stores/main   # copy it first: it writes cache/

Each question is asked once to warm it, then alternately without and with
facets (`--rounds` times each), so both sides see the same caches. Target: at
most 20 ms added to a warm question on the shared corpus.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import qa.engine
from qa.config import Settings
from qa.engine import Engine


def timed(engine: Engine, question: str, facets: bool) -> float:
    t = time.perf_counter()
    engine.ask(question, facets=facets)
    return (time.perf_counter() - t) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--store", type=Path, required=True)
    ap.add_argument("--questions", type=Path, default=Path("eval/dev.jsonl"))
    ap.add_argument("-n", type=int, default=50, help="questions (the file's first)")
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    questions = [str(json.loads(line)["question"]) for line in lines if line.strip()][: args.n]
    engine = Engine(Settings(store=args.store))
    engine.warm()
    own: list[float] = []  # the facets step alone, timed inside the engine
    count = qa.engine.count_facets

    def timed_count(*a: object) -> object:
        t = time.perf_counter()
        out = count(*a)  # type: ignore[arg-type]
        own.append((time.perf_counter() - t) * 1000)
        return out

    qa.engine.count_facets = timed_count  # type: ignore[assignment]
    plain: list[float] = []
    faceted: list[float] = []
    added: list[float] = []
    cables: list[int] = []
    for question in questions:
        engine.ask(question, facets=True)
        for _ in range(args.rounds):
            without, with_ = timed(engine, question, False), timed(engine, question, True)
            plain.append(without)
            faceted.append(with_)
            added.append(with_ - without)
        facets = engine.ask(question, facets=True).facets
        cables.append(facets.cables if facets else 0)
    engine.close()
    p50_plain, p50_facets = statistics.median(plain), statistics.median(faceted)
    print(
        f"{len(questions)} questions x {args.rounds} rounds; counted cables per question: "
        f"median {statistics.median(cables):.0f}, max {max(cables)}"
    )
    print(
        f"warm ask p50 without facets {p50_plain:.1f} ms, with {p50_facets:.1f} ms "
        f"(ratio {p50_facets / p50_plain:.3f})"
    )
    print(
        f"added per question: median {statistics.median(added):.2f} ms, "
        f"p95 {sorted(added)[int(0.95 * (len(added) - 1))]:.2f} ms (noise of a shared machine)"
    )
    print(f"the facets step alone: median {statistics.median(own):.2f} ms, max {max(own):.2f} ms")
    return 0 if p50_facets - p50_plain <= 20 else 1


if __name__ == "__main__":
    raise SystemExit(main())
