"""Ranking features, tuned on training folds and scored on the held-out ones.

    .venv/bin/python bench/rank.py --store STORE [--questions eval/dev.jsonl]
                                   [--also eval/holdout.jsonl] [--cache FILE] [--folds 5]

Runs the engine once over the question set and keeps, for every question, the
candidates it fused (both scores, the paragraph's text, the conversation's
prior, the words its kind is read from) in ``--cache``. Then each setting of
the fusion weights re-ranks those same candidates with `qa.rescore.rescore`,
exactly as the engine would, and is scored by Recall@1, MRR@10 and cable
Recall@5 over the answerable questions. A setting is chosen on the training
folds (best MRR@10, then Recall@1) and scored on the held-out fold (only
settings that keep the engine's Recall@5 and cable Recall@5 on the training
questions may be chosen); the held-out figures are the ones to quote. The
first line is the engine's own `Tuning`, on the same cache.
"""

from __future__ import annotations

import itertools
import pickle
import sys
from collections.abc import Iterator, Sequence
from dataclasses import fields, replace
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.folds import question_files, splits, tuning_parser  # noqa: E402
from qa.evalfile import read_questions  # noqa: E402
from qa.rescore import Candidate, Tuning, rescore  # noqa: E402

Row = dict[str, Any]


def collect(store: Path, questions: Path | Sequence[Path], cache: Path) -> list[Row]:
    """Per answerable question: its gold, and the candidates as the engine fused them."""
    if cache.is_file():
        rows: list[Row] = pickle.loads(cache.read_bytes())
        return rows
    import qa.engine
    from qa.config import Settings

    seen: list[tuple[list[Candidate], str, dict[str, float], str | None]] = []
    real = qa.engine.rescore

    def capture(cands: Sequence[Candidate], tuning: Tuning, query: str = "", **kw: Any) -> Any:
        seen.append(
            ([replace(c) for c in cands], query, dict(kw.get("prior") or {}), kw.get("intent"))
        )
        return real(cands, tuning, query, **kw)

    qa.engine.rescore = capture  # type: ignore[assignment]
    engine = qa.engine.Engine(Settings(store=store))
    engine.warm()
    rows = []
    files = [questions] if isinstance(questions, Path) else list(questions)
    for q in (q for path in files for q in read_questions(path)):
        if not q.gold:
            continue
        seen.clear()
        engine.ask(q.question, filters=q.filters, history=q.history)
        cands, query, prior, intent = seen[-1]
        rows.append({"id": q.id, "kind": q.kind, "gold": q.gold, "cands": cands, "query": query,
                     "prior": prior, "intent": intent})  # fmt: skip
    qa.engine.rescore = real  # type: ignore[assignment]
    cache.write_bytes(pickle.dumps(rows))
    return rows


def features(rows: Sequence[Row]) -> None:
    """Weigh each question's words over its candidates once (`coverage` does not depend
    on the weights being tuned), and have `rescore` take those instead of recounting."""
    import qa.rescore

    real = qa.rescore.coverage
    known: dict[tuple[str, int], dict[str, float]] = {}
    for r in rows:
        known[(r["query"], r["cands"][0].pid if r["cands"] else -1)] = real(r["query"], r["cands"])

    def cached(query: str, cands: Sequence[Candidate]) -> dict[str, float]:
        weight = known.get((query, cands[0].pid if cands else -1))
        return real(query, cands) if weight is None else weight

    qa.rescore.coverage = cached  # type: ignore[assignment]


def score(rows: Sequence[Row], tuning: Tuning) -> dict[str, list[float]]:
    """Per question: reciprocal rank in the top 10, hit at 1, cable hit in the top 5."""
    out: dict[str, list[float]] = {}
    for r in rows:
        ranked = rescore(
            [replace(c) for c in r["cands"]],
            tuning,
            r["query"],
            prior=r["prior"],
            intent=r.get("intent"),
        )
        top = [(c.cable_id, c.para) for c in ranked[:10]]
        gold = set(r["gold"])
        cables = {c for c, _ in gold}
        rank = next((i for i, cp in enumerate(top, 1) if cp in gold), None)
        crank = next((i for i, (c, _) in enumerate(top[:5], 1) if c in cables), None)
        out[r["id"]] = [1 / rank if rank else 0.0, float(rank == 1), float(rank is not None
                        and rank <= 5), float(crank is not None)]  # fmt: skip
    return out


def summary(per: dict[str, list[float]], ids: Sequence[str]) -> tuple[float, ...]:
    n = len(ids) or 1
    return tuple(sum(per[i][k] for i in ids) / n for k in range(4))


def line(label: str, fig: tuple[float, ...]) -> str:
    mrr, r1, r5, c5 = fig
    return f"{label:<24} MRR10 {mrr:.3f}  R@1 {r1:.3f}  R@5 {r5:.3f}  cR@5 {c5:.3f}"


def _keeps(fig: tuple[float, ...], floor: tuple[float, ...]) -> bool:
    """A setting may be chosen only if it keeps Recall@5 (within one question in a
    hundred) and cable Recall@5 of the engine's own on the same training questions."""
    return fig[2] >= floor[2] - 0.01 and fig[3] >= floor[3]


def grid(base: Tuning, space: dict[str, Sequence[float]]) -> Iterator[Tuning]:
    names = list(space)
    for values in itertools.product(*(space[n] for n in names)):
        yield replace(base, **dict(zip(names, values, strict=True)))


def main() -> None:
    parser = tuning_parser(__doc__ or "", "bench/out/rank-cache.pkl")
    parser.add_argument("--grid", default="", help="NAME=v1,v2;NAME=... over Tuning's fields")
    args = parser.parse_args()
    args.cache.parent.mkdir(parents=True, exist_ok=True)
    rows = collect(args.store, question_files(args), args.cache)
    features(rows)
    known = {f.name for f in fields(Tuning)}
    space: dict[str, list[float]] = {}
    for part in filter(None, args.grid.split(";")):
        name, _, values = part.partition("=")
        if name not in known:
            raise SystemExit(f"--grid: {name!r} is not a field of Tuning")
        cast = type(getattr(Tuning(), name))  # rerank_depth=2,3 stays an int
        space[name] = [cast(float(v)) for v in values.split(",")]
    base = Tuning()
    settings = list(grid(base, space)) if space else [base]
    per = [score(rows, t) for t in settings]
    ids = [r["id"] for r in rows]
    print(f"{len(rows)} answerable questions, {len(settings)} settings")
    base_per = score(rows, base)
    print(line("engine's Tuning", summary(base_per, ids)))
    held: dict[str, list[float]] = {}
    for f, train, test in splits(rows, args.folds):
        tr = [r["id"] for r in train]
        floor = summary(base_per, tr)
        keeps = [i for i in range(len(settings)) if _keeps(summary(per[i], tr), floor)]
        best = max(keeps or [0], key=lambda i: summary(per[i], tr)[:2])
        chosen = {n: getattr(settings[best], n) for n in space}
        print(line(f"fold {f} (training)", summary(per[best], tr)), "chose", chosen)
        for r in test:
            held[r["id"]] = per[best][r["id"]]
    print(line("held out", summary(held, ids)))
    best_all = max(range(len(settings)), key=lambda i: summary(per[i], ids)[:2])
    chosen = {n: getattr(settings[best_all], n) for n in space}
    print(line("best on all (not held out)", summary(per[best_all], ids)), chosen)


if __name__ == "__main__":
    main()
