"""What the tuning benchmarks share: their command line and the cross-validation folds.

A question's fold comes from a hash of its id, so it stays in the same fold
however the question set grows.
"""

from __future__ import annotations

import argparse
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]


def tuning_parser(doc: str, cache: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "dev.jsonl")
    parser.add_argument("--cache", type=Path, default=Path(cache), help="the engine's run")
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument(
        "--also",
        type=Path,
        action="append",
        default=[],
        help="another question file to tune on with --questions (eval/holdout.jsonl); "
        "give a --cache of its own to the combination",
    )
    return parser


def question_files(args: argparse.Namespace) -> list[Path]:
    """--questions and every --also: the files tuned on together."""
    return [args.questions, *args.also]


def fold(qid: str, folds: int) -> int:
    return zlib.crc32(qid.encode()) % folds


def splits(
    rows: list[dict[str, Any]], folds: int
) -> Iterator[tuple[int, list[dict[str, Any]], list[dict[str, Any]]]]:
    """(fold, training rows, held-out rows) for each fold."""
    for f in range(folds):
        yield (
            f,
            [r for r in rows if fold(r["id"], folds) != f],
            [r for r in rows if fold(r["id"], folds) == f],
        )
