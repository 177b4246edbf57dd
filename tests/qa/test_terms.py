"""Question words: content terms for FTS5, names for the answerability check."""

from __future__ import annotations

import pytest

from qa.terms import content_terms, name_runs, names

NAMES = [
    (
        "09ASTANA95",
        "What did Nazarbayev tell Petraeus about Iran's bomb?",
        ["Nazarbayev", "Petraeus", "Iran"],
    ),
    ("06MADRID293", "Who forced Spain's chief prosecutor Fungairino out?", ["Spain", "Fungairino"]),
    (
        "10BUENOSAIRES71",
        "How did Argentina obstruct British-licensed drilling?",
        ["Argentina", "British-licensed"],
    ),
    ("90CAPETOWN97", "What did the ANC and SWAPO say?", ["SWAPO"]),
    ("89PRETORIA1", "What did Mandela say to P.W. Botha?", ["Mandela", "Botha"]),
]


@pytest.mark.parametrize(("case", "question", "expected"), NAMES, ids=[c[0] for c in NAMES])
def test_names(case: str, question: str, expected: list[str]) -> None:
    assert names(question) == expected


RUNS = [
    (
        "09PARIS933",
        "Why did the French want Lakhdar Boumediene's file shared?",
        [("French",), ("Lakhdar", "Boumediene")],
    ),
    (
        "initials",
        "Did George W. Bush meet Putin's aide Sechin?",
        [("George", "Bush"), ("Putin",), ("Sechin",)],
    ),
    ("possessive ends a name", "Was Spain's Zapatero told?", [("Spain",), ("Zapatero",)]),
    ("title and name", "What did Prime Minister Ansip say?", [("Prime", "Minister", "Ansip")]),
]


@pytest.mark.parametrize(("case", "question", "expected"), RUNS, ids=[c[0] for c in RUNS])
def test_name_runs_group_the_words_of_one_name(
    case: str, question: str, expected: list[tuple[str, ...]]
) -> None:
    assert name_runs(question) == expected


def test_content_terms_drop_question_words_and_repeats() -> None:
    assert content_terms("What did the embassy say about ETA and eta in 2006?") == ["eta", "2006"]
