"""Real model, real Chroma, real cables from ../shared/corpus: the whole ask path."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qa.answer import Filters
from qa.engine import Engine
from qa.evaluate import run_eval

pytestmark = pytest.mark.slow

QUESTIONS = [
    (
        "06MADRID293",
        "Who forced Spain's chief prosecutor at the National Court to step down?",
        "06MADRID293 ¶1",
    ),
    ("09ASTANA95", "Why did Kazakhstan move its capital away from Almaty?", "09ASTANA95 ¶9"),
    ("06MEXICO3305", "How well does Mexico control its southern border?", "06MEXICO3305 ¶5"),
]


@pytest.mark.parametrize(("case", "question", "citation"), QUESTIONS, ids=[c[0] for c in QUESTIONS])
def test_real_question_finds_its_paragraph(
    real_engine: Engine, case: str, question: str, citation: str
) -> None:
    answer = real_engine.ask(question, k=5)
    assert answer.answered
    assert citation in [h.citation for h in answer.hits[:3]]
    for hit in answer.hits:
        start, end = hit.highlight
        assert 0 <= start < end <= len(hit.text)


def test_off_topic_question_is_not_answered(real_engine: Engine) -> None:
    answer = real_engine.ask("What is the best recipe for blueberry muffins?")
    assert not answer.answered
    assert answer.hits


def test_a_question_joining_what_no_cable_joins_is_not_answered(real_engine: Engine) -> None:
    # Nazarbayev is in 09ASTANA95, Norway's fighter choice in 08OSLO522; no cable has both.
    answer = real_engine.ask("What did Nazarbayev tell Norway about its choice of fighter jet?")
    assert not answer.answered
    assert answer.hits
    assert real_engine.ask("What did Nazarbayev tell Petraeus about Iran?").answered


def test_inferred_cable_and_year(real_engine: Engine) -> None:
    answer = real_engine.ask("What does 09ASTANA95 say about Yeltsin?")
    assert answer.filters.cable_ids == ("09ASTANA95",)
    assert answer.hits[0].citation == "09ASTANA95 ¶8"
    answer = real_engine.ask("border security cables from June 2006")
    assert (answer.filters.since, answer.filters.until) == ("2006-06-01", "2006-06-30")
    # An inferred date ranks rather than excludes: the June 2006 cable's paragraphs come first.
    inside = [h.cable_id == "06MEXICO3305" for h in answer.hits]
    assert inside[0] and inside == sorted(inside, reverse=True)


def test_a_named_cable_the_store_lacks_is_said(real_engine: Engine) -> None:
    answer = real_engine.ask("What does 99MADRID1 say about the chief prosecutor?")
    assert answer.filters.dropped == (("cable_ids", "99MADRID1"),)
    assert not answer.answered
    assert answer.hits


def test_follow_up(real_engine: Engine) -> None:
    history = ["What did Nazarbayev tell Petraeus about Iran and the bomb?"]
    answer = real_engine.ask("And did he raise it with Medvedev and Putin?", history=history)
    assert answer.hits[0].citation == "09ASTANA95 ¶6"


def test_explicit_filter_in_plain_modes(real_engine: Engine) -> None:
    for mode in ("dense", "lexical"):
        answer = real_engine.ask("terrorism", filters=Filters(origin="madrid"), mode=mode)
        assert answer.hits and {h.origin for h in answer.hits} == {"Embassy Madrid"}


def test_eval_report(real_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    rows = [
        {
            "id": "madrid",
            "question": QUESTIONS[0][1],
            "kind": "paraphrase",
            "gold": [{"cable_id": "06MADRID293", "para": "1"}],
        },
        {
            "id": "muffins",
            "question": "blueberry muffin recipe",
            "kind": "unanswerable",
            "gold": [],
        },
    ]
    rows.append({**rows[0], "id": "padded", "gold": [{"cable_id": "06MADRID000293", "para": "¶1"}]})
    rows.append(
        {**rows[0], "id": "no-such-para", "gold": [{"cable_id": "06MADRID293", "para": "40"}]}
    )
    path.write_text("\n".join(json.dumps(r) for r in rows))
    report = run_eval(real_engine, path, k=10, paragraphs=real_engine.paragraph_numbers)
    data = report.to_json()
    ranks = {q["id"]: q["rank"] for q in data["questions"]}
    assert list(ranks) == ["madrid", "muffins", "padded", "no-such-para"]
    assert ranks["madrid"] is not None and ranks["madrid"] <= 3
    assert ranks["padded"] == ranks["madrid"]  # 06MADRID000293 ¶1 is 06MADRID293 ¶1
    assert ranks["no-such-para"] is None
    assert data["overall"]["unanswerable_answered_false"] == 1.0
    assert data["unknown_paragraphs"] == [{"id": "no-such-para", "citation": "06MADRID293 ¶40"}]
    assert "overall" in report.format()
