"""Compare two `qa eval --json` outputs question by question.

    python bench/compare_eval.py before.json after.json

Prints each question whose `rank`, `cable_rank` or `answered` differs, the
questions only one side holds, and a summary line; exits 1 when anything differs.
A refactoring that should not change retrieval must print "identical".
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

FIELDS = ("rank", "cable_rank", "answered")


def per_question(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(q["id"]): q for q in report.get("questions", [])}


def compare(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """One line per difference; empty when every question agrees on every field."""
    old, new = per_question(before), per_question(after)
    lines = [f"{qid}: only before" for qid in old.keys() - new.keys()]
    lines += [f"{qid}: only after" for qid in new.keys() - old.keys()]
    for qid in [q for q in old if q in new]:
        for name in FIELDS:
            if old[qid].get(name) != new[qid].get(name):
                lines.append(f"{qid}: {name} {old[qid].get(name)} -> {new[qid].get(name)}")
    return sorted(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args(argv)
    before = json.loads(args.before.read_text(encoding="utf-8"))
    after = json.loads(args.after.read_text(encoding="utf-8"))
    diffs = compare(before, after)
    for line in diffs:
        print(line)
    count = len(per_question(before))
    fields = ", ".join(FIELDS)
    if diffs:
        print(f"{len(diffs)} differences over {count} questions ({fields})")
        return 1
    print(f"identical: {count} questions agree on {fields}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
