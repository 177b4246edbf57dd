"""Which sentence to mark: ways of choosing it, scored on the labelled answer spans.

    .venv/bin/python bench/highlight.py --store STORE [--questions eval/dev.jsonl] [--also FILE]
                                        [--cache FILE] [--folds 5]

Runs the engine once over the question set (cached in ``--cache``: the top 10
paragraphs of every question, whose texts also weigh the question's words as
the engine does), then scores each way of marking on every labelled gold
paragraph: marked when the chosen stretch and the answer span overlap by at
least half of the shorter (`qa.evaluate.marks_answer`). Also answer@1 as
`qa eval` counts it, on the cached ranking. A parameter is chosen on the
training folds and scored on the held-out one; the held-out figures are the
ones to quote.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.folds import question_files, splits, tuning_parser  # noqa: E402
from qa.evalfile import read_questions  # noqa: E402
from qa.evaluate import marks_answer  # noqa: E402
from qa.highlight import Span, best_sentence, mark, term_weights  # noqa: E402

Marker = Callable[[str, str, dict[str, float]], Span]


def collect(store: Path, files: list[Path], cache: Path) -> list[dict[str, Any]]:
    if cache.is_file():
        data: list[dict[str, Any]] = json.loads(cache.read_text(encoding="utf-8"))
        return data
    from qa.config import Settings
    from qa.engine import Engine

    engine = Engine(Settings.from_env(store=store))
    out = []
    try:
        for q in (q for path in files for q in read_questions(path)):
            answer = engine.ask(q.question, k=10, filters=q.filters, history=q.history)
            out.append(
                {
                    "id": q.id,
                    "question": q.question,
                    "search_text": answer.question,
                    "hits": [[h.cable_id, h.paragraph, h.text] for h in answer.hits],
                    "gold": [[c, p, q.answers.get((c, p))] for c, p in q.gold],
                }
            )
    finally:
        engine.close()
    cache.write_text(json.dumps(out), encoding="utf-8")
    return out


def score(items: list[dict[str, Any]], marker: Marker) -> tuple[int, int, int, int]:
    """(gold paragraphs marked, labelled gold paragraphs, answer@1 hits, answerable)."""
    marked = labelled = at1 = answerable = 0
    for item in items:
        gold = {(c, p): a for c, p, a in item["gold"]}
        if not gold:
            continue
        answerable += 1
        weights = term_weights(item["question"], [t for _c, _p, t in item["hits"]])
        texts = {(c, p): t for c, p, t in item["hits"]}
        for key, span in gold.items():
            if span is None or key not in texts:
                continue
            labelled += 1
            marked += marks_answer(texts[key], marker(texts[key], item["question"], weights), span)
        if item["hits"]:
            c, p, t = item["hits"][0]
            span = gold.get((c, p))
            if span and marks_answer(t, marker(t, item["question"], weights), span):
                at1 += 1
    return marked, labelled, at1, answerable


def length(items: list[dict[str, Any]], marker: Marker) -> float:
    """Mean length of the mark, in characters, over the labelled gold paragraphs found."""
    sizes = []
    for item in items:
        weights = term_weights(item["question"], [t for _c, _p, t in item["hits"]])
        texts = {(c, p): t for c, p, t in item["hits"]}
        for c, p, span in item["gold"]:
            if span and (c, p) in texts:
                start, end = marker(texts[(c, p)], item["question"], weights)
                sizes.append(end - start)
    return sum(sizes) / max(len(sizes), 1)


GRID = [
    {"type_bonus": tb, "why_carry": wc, "pair_ratio": pr}
    for tb in (0.0, 0.5, 1.0, 2.0)
    for wc in (0.0, 0.3, 0.6, 1.0)
    for pr in (0.0, 0.5, 0.7, 0.9)
]
# Pairing at a lower ratio marks more (0.3: 326 characters on average, always pairing
# 349, against 232 for the labelled answers) and so overlaps more answers by the half
# that counts; a mark that grows towards the paragraph marks nothing. 0.5 is the floor.
OFF = {"type_bonus": 0.0, "why_carry": 0.0, "pair_ratio": 0.0}


def tuned(params: dict[str, Any]) -> Marker:
    return lambda t, q, w: mark(t, q, w, **params)


def cross_validate(items: list[dict[str, Any]], folds: int) -> None:
    """Pick the parameters on the other folds, score them on each held-out fold."""
    held = base = total = 0
    for f, train, test in splits(items, folds):
        best = max(GRID, key=lambda p: (score(train, tuned(p))[0], -sum(map(float, p.values()))))
        m, n, _a1, _ans = score(test, tuned(best))
        held, base, total = held + m, base + score(test, tuned(OFF))[0], total + n
        print(f"  fold {f}: chose {best}, held-out {m}/{n}")
    print(f"held-out over {folds} folds: word overlap {base / total:.3f}, tuned {held / total:.3f}")


def main() -> int:
    args = tuning_parser(__doc__, "/tmp/highlight-cache.json").parse_args()
    items = collect(args.store, question_files(args), args.cache)

    def show(name: str, marker: Marker, subset: list[dict[str, Any]] | None = None) -> None:
        m, n, a1, ans = score(subset if subset is not None else items, marker)
        share = m / max(n, 1)
        print(
            f"{name:<40} marked {m:>3}/{n:<3} ({share:.3f})  answer@1 {a1 / max(ans, 1):.3f}"
            f"  mean mark {length(subset if subset is not None else items, marker):.0f} chars"
        )

    show("word overlap (the old mark)", lambda t, q, w: best_sentence(t, q, w))
    show("the engine's mark (all data)", mark)
    cross_validate(items, args.folds)
    return 0


if __name__ == "__main__":
    sys.exit(main())
