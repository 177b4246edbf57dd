"""The eval file reader and the figures, recomputable from the per-question list."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answer import Answer, Filters, Hit
from qa.evaluate import EvalError, Outcome, Question, figures, judge, read_questions


def _hit(rank: int, cable_id: str, para: str) -> Hit:
    return Hit(rank, cable_id, para, 1.0 / rank, "t", (0, 1), "s", "2006-06-15", "o", "C")


def test_read_questions_parses_history_and_filters(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    rows = [
        {
            "id": "a",
            "question": "Q1",
            "gold": [{"cable_id": "06MEXICO3305", "para": "4"}],
            "kind": "followup",
            "history": ["Q0"],
            "filters": {"year": 2006, "origin": "Mexico"},
        },
        {"id": "b", "question": "Q2", "gold": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    qs = list(read_questions(path))
    assert qs[0].history == ("Q0",)
    assert qs[0].filters == Filters(since="2006-01-01", until="2006-12-31", origin="Mexico")
    assert (qs[1].kind, qs[1].gold, qs[1].filters) == ("default", (), None)


def test_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text('{"id": "a", "question": "Q", "gold": []}\n{"id": "b"}\n')
    with pytest.raises(EvalError, match="line 2"):
        list(read_questions(path))


def test_judge_finds_first_gold_paragraph_and_cable() -> None:
    q = Question("a", "q", (("06MEXICO3305", "4"), ("06MEXICO3305", "6")))
    hits = (_hit(1, "09ASTANA95", "4"), _hit(2, "06MEXICO3305", "2"), _hit(3, "06MEXICO3305", "6"))
    out = judge(q, Answer("q", Filters(), True, hits), 12.0)
    assert (out.rank, out.cable_rank, out.answered) == (3, 2, True)


def test_figures_schema_and_values() -> None:
    outcomes = [
        Outcome("a", "name", True, 1, 1, True, 10.0),
        Outcome("b", "name", True, 4, 1, True, 20.0),
        Outcome("c", "paraphrase", True, None, 7, False, 30.0),
        Outcome("d", "unanswerable", False, None, None, False, 40.0),
    ]
    f = figures(outcomes).to_json()
    assert list(f) == [
        "questions",
        "answerable",
        "recall@1",
        "recall@5",
        "recall@10",
        "mrr@10",
        "cable_recall@5",
        "unanswerable_answered_false",
        "answerable_answered_false",
        "latency_p50_ms",
        "latency_p95_ms",
    ]
    assert f["recall@1"] == round(1 / 3, 4)
    assert f["recall@5"] == round(2 / 3, 4)
    assert f["mrr@10"] == round((1 + 1 / 4) / 3, 4)
    assert f["cable_recall@5"] == round(2 / 3, 4)
    assert (f["unanswerable_answered_false"], f["answerable_answered_false"]) == (1.0, 0.3333)
    assert f["latency_p50_ms"] == 25.0
    assert outcomes[1].to_json() == {"id": "b", "rank": 4, "cable_rank": 1, "answered": True}
