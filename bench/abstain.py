"""Where to set the "nothing strong found" bar: cross-validated on the development set.

    .venv/bin/python bench/abstain.py --store STORE [--questions eval/dev.jsonl] [--also FILE]
                                      [--cache FILE] [--folds 5] [--max-refused 0.05]

Runs the engine once over the question set, recording what `qa.rescore.answered`
sees for each question (best cosine of the top 3, best fused score, and the
signs it refuses on outright), then picks `min_cos` and `min_score` on the
training folds (the most unanswerable questions refused while at most
``--max-refused`` of the answerable ones are) and scores them on the held-out
fold. The held-out rates are the ones to quote; the choice on all questions is
printed last.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.folds import question_files, splits, tuning_parser  # noqa: E402

COS = [round(0.20 + 0.01 * i, 2) for i in range(36)]
SCORE = [round(0.55 + 0.01 * i, 2) for i in range(31)]


def collect(store: Path, files: list[Path], cache: Path) -> list[dict[str, Any]]:
    if cache.is_file():
        data: list[dict[str, Any]] = json.loads(cache.read_text(encoding="utf-8"))
        return data
    import qa.rescore
    from qa.config import Settings
    from qa.engine import Engine
    from qa.evalfile import read_questions

    seen: dict[str, Any] = {}
    original = qa.rescore.answered

    def spy(ranked: Any, tuning: Any, **signs: Any) -> bool:
        seen.update(
            best_cos=max((c.cos for c in ranked[:3]), default=0.0),
            score=qa.rescore.fused(ranked, tuning),
            outside=bool(ranked and ranked[0].outside),
            refused=not ranked
            or bool(signs.get("unknown_names") or signs.get("stray_names") or signs.get("relaxed")),
            filtered=bool(signs.get("filtered")),
        )
        return bool(original(ranked, tuning, **signs))

    for module in [m for name, m in sys.modules.items() if name.startswith("qa.")]:
        if getattr(module, "answered", None) is original:
            module.answered = spy  # type: ignore[attr-defined]
    engine = Engine(Settings.from_env(store=store))
    out = []
    try:
        for q in (q for path in files for q in read_questions(path)):
            seen.clear()
            engine.ask(q.question, k=10, filters=q.filters, history=q.history)
            out.append({"id": q.id, "answerable": bool(q.gold), **seen})
    finally:
        engine.close()
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


def says_answered(row: dict[str, Any], min_cos: float, min_score: float) -> bool:
    """`qa.rescore.answered` with these two bars."""
    if row["refused"]:
        return False
    if row["filtered"] and not row["outside"]:
        return bool(row["best_cos"] >= min_cos)
    return bool(row["best_cos"] >= min_cos and row["score"] >= min_score)


def rates(rows: list[dict[str, Any]], bars: tuple[float, float]) -> tuple[int, int, int, int]:
    """(unanswerable refused, unanswerable, answerable refused, answerable)."""
    un = [r for r in rows if not r["answerable"]]
    an = [r for r in rows if r["answerable"]]
    return (
        sum(not says_answered(r, *bars) for r in un),
        len(un),
        sum(not says_answered(r, *bars) for r in an),
        len(an),
    )


def choose(rows: list[dict[str, Any]], max_refused: float) -> tuple[float, float]:
    def key(bars: tuple[float, float]) -> tuple[float, ...]:
        u, _nu, a, na = rates(rows, bars)
        ok = a <= max_refused * na
        return (ok, u - a, -bars[0], -bars[1])  # then the lowest bars

    return max(((c, s) for c in COS for s in SCORE), key=key)


def main() -> int:
    parser = tuning_parser(__doc__, "/tmp/abstain-cache.json")
    parser.add_argument("--max-refused", type=float, default=0.05)
    args = parser.parse_args()
    rows = collect(args.store, question_files(args), args.cache)
    from qa.rescore import Tuning

    now = (Tuning().min_cos, Tuning().min_score)
    totals = [0, 0, 0, 0]
    base = [0, 0, 0, 0]
    for f, train, test in splits(rows, args.folds):
        bars = choose(train, args.max_refused)
        got = rates(test, bars)
        totals = [t + g for t, g in zip(totals, got, strict=True)]
        base = [t + g for t, g in zip(base, rates(test, now), strict=True)]
        print(f"  fold {f}: min_cos {bars[0]}, min_score {bars[1]}: held-out {got}")

    def line(name: str, r: list[int]) -> str:
        return (
            f"{name}: unanswerable refused {r[0]}/{r[1]} ({r[0] / max(r[1], 1):.2f}), "
            f"answerable refused {r[2]}/{r[3]} ({r[2] / max(r[3], 1):.3f})"
        )

    print(line(f"today's bars {now}", base))
    print(line("held-out, bars chosen on the other folds", totals))
    print(f"chosen on all questions: {choose(rows, args.max_refused)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
