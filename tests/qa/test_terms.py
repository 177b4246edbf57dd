"""Question words: content terms for FTS5, names for the answerability check."""

from __future__ import annotations

import pytest

from qa.terms import content_terms, names

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


def test_content_terms_drop_question_words_and_repeats() -> None:
    assert content_terms("What did the embassy say about ETA and eta in 2006?") == ["eta", "2006"]
