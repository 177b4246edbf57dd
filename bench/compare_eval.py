"""Two `qa eval --json` outputs, question by question: what moved, and by how many questions.

    .venv/bin/python bench/compare_eval.py BEFORE.json AFTER.json [--names A B]
                                           [--questions eval/dev.jsonl]

Prints the headline figures of each side in questions (not only shares), the
difference in questions, and every question whose rank, cable rank or
answered flag differs. Exit status 0 when the two are identical question by
question, 1 otherwise: a refactor that must change nothing checks with it.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

K = 5


def load(path: Path) -> dict[str, dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return {q["id"]: q for q in data["questions"]}


def counts(questions: dict[str, dict[str, Any]], answerable: set[str]) -> dict[str, float]:
    """R@5, cable R@5 and MRR@10 as numbers of questions (MRR as a sum of reciprocal ranks)."""
    picked = [questions[i] for i in answerable if i in questions]
    return {
        "R@1": sum(1 for q in picked if q["rank"] == 1),
        f"R@{K}": sum(1 for q in picked if q["rank"] is not None and q["rank"] <= K),
        f"cable R@{K}": sum(
            1 for q in picked if q["cable_rank"] is not None and q["cable_rank"] <= K
        ),
        "MRR@10 (sum)": round(sum(1 / q["rank"] for q in picked if q["rank"]), 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--names", nargs=2, default=("before", "after"))
    parser.add_argument(
        "--questions",
        type=Path,
        default=Path(__file__).resolve().parents[1] / "eval" / "dev.jsonl",
        help="the question set both ran on (which questions have gold paragraphs)",
    )
    args = parser.parse_args()
    a, b = load(args.before), load(args.after)
    if set(a) != set(b):
        print(f"different questions: {len(set(a) ^ set(b))} in one file only")
    common = sorted(set(a) & set(b))
    lines = args.questions.read_text(encoding="utf-8").splitlines()
    gold = {q["id"]: q["gold"] for q in map(json.loads, filter(str.strip, lines))}
    answerable = {i for i in common if gold.get(i)}
    ca, cb = counts(a, answerable), counts(b, answerable)
    name_a, name_b = args.names
    print(f"{'figure':<16}{name_a:>12}{name_b:>12}{'difference':>12}")
    for key in ca:
        print(f"{key:<16}{ca[key]:>12}{cb[key]:>12}{cb[key] - ca[key]:>+12.2f}")
    moved = [
        i
        for i in common
        if (a[i]["rank"], a[i]["cable_rank"], a[i]["answered"])
        != (b[i]["rank"], b[i]["cable_rank"], b[i]["answered"])
    ]
    print(f"\n{len(moved)} of {len(common)} questions differ")
    for i in moved:
        qa, qb = a[i], b[i]
        print(
            f"  {i:<10} rank {qa['rank']} → {qb['rank']}, cable rank {qa['cable_rank']} → "
            f"{qb['cable_rank']}, answered {qa['answered']} → {qb['answered']}"
        )
    return 1 if moved else 0


if __name__ == "__main__":
    sys.exit(main())
