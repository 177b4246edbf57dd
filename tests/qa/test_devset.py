"""The development set itself: every gold paragraph exists in the cable as the reader reads it."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

import corpus
from qa.evalfile import read_questions
from tests.conftest import cable_html

EVAL = Path(__file__).resolve().parents[2] / "eval"
DEV = EVAL / "dev.jsonl"
HOLDOUT = EVAL / "holdout.jsonl"
SHORT = EVAL / "short.jsonl"
POINTS = EVAL / "points.jsonl"
KINDS = {"paraphrase", "name", "filtered", "followup", "multi", "factoid", "unanswerable"}


@pytest.mark.parametrize(
    ("path", "least"),
    [(DEV, 150), (HOLDOUT, 40), (SHORT, 80), (POINTS, 60)],
    ids=["dev", "holdout", "short", "points"],
)
def test_every_gold_paragraph_is_a_paragraph_of_its_cable(path: Path, least: int) -> None:
    questions = list(read_questions(path))
    ids = Counter(q.id for q in questions)
    assert not [i for i, n in ids.items() if n > 1], "question ids repeat"
    kinds = Counter(q.kind for q in questions)
    assert set(kinds) <= KINDS
    assert ("unanswerable" in kinds) == (path != POINTS)  # points: answerable by design
    missing: list[str] = []
    numbers: dict[str, set[str]] = {}
    texts: dict[tuple[str, str], str] = {}
    for q in questions:
        assert bool(q.gold) == (q.kind != "unanswerable"), q.id
        for cable_id, para in q.gold:
            if cable_id not in numbers:
                cables = [
                    c
                    for c in corpus.read(cable_html(cable_id))
                    if not isinstance(c, corpus.ReadError)
                ]
                numbers[cable_id] = {p.number for c in cables for p in c.paragraphs}
                texts.update(((cable_id, p.number), p.text) for c in cables for p in c.paragraphs)
            if para not in numbers[cable_id]:
                missing.append(f"{q.id}: {cable_id} ¶{para}")
            elif q.answers[(cable_id, para)] not in texts[(cable_id, para)]:
                missing.append(f"{q.id}: {cable_id} ¶{para}: the answer span is not in its text")
    assert not missing
    assert len(questions) >= least and len(numbers) >= least * 2 // 3
