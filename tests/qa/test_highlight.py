"""Sentence offsets and the choice of the answering sentence."""

from __future__ import annotations

import pytest

from qa.highlight import best_sentence, sentences, term_weights

SPLITS = [
    (
        "06MADRID293",
        "Fungairino stepped down. Santos will take over. The U.S. view is mixed.",
        ["Fungairino stepped down.", "Santos will take over.", "The U.S. view is mixed."],
    ),
    (
        "90CAPETOWN97",
        "THE MINISTER SAID NO. AMB. SMITH REPLIED THAT TALKS WOULD GO ON.",
        ["THE MINISTER SAID NO.", "AMB. SMITH REPLIED THAT TALKS WOULD GO ON."],
    ),
    (
        "09ASTANA95",
        'He said, "Iran is a problem." Petraeus agreed -- fully.',
        ['He said, "Iran is a problem."', "Petraeus agreed -- fully."],
    ),
    ("10CARACAS107", "  no sentence break here  ", ["no sentence break here"]),
]


@pytest.mark.parametrize(("case", "text", "expected"), SPLITS, ids=[c[0] for c in SPLITS])
def test_sentences(case: str, text: str, expected: list[str]) -> None:
    assert [text[s:e] for s, e in sentences(text)] == expected


BEST = [
    (
        "06MADRID293",
        "The story had political overtones. Santos will take over as chief prosecutor. "
        "Nobody expects change.",
        "Who will replace the chief prosecutor?",
        "Santos will take over as chief prosecutor.",
    ),
    (
        "09ASTANA95",
        "Petraeus thanked him. Nazarbayev said a nuclear Iran would be dangerous. It was cold.",
        "What did Nazarbayev think of Iran's nuclear plans?",
        "Nazarbayev said a nuclear Iran would be dangerous.",
    ),
    (
        "08OSLO522",
        "First sentence here. Second one.",
        "completely unrelated words",
        "First sentence here.",
    ),
]


@pytest.mark.parametrize(("case", "text", "question", "expected"), BEST, ids=[c[0] for c in BEST])
def test_best_sentence(case: str, text: str, question: str, expected: str) -> None:
    start, end = best_sentence(text, question)
    assert 0 <= start < end <= len(text)
    assert text[start:end] == expected


def test_rare_terms_outweigh_common_ones() -> None:
    texts = ["security security", "security", "Fungairino security"]
    weights = term_weights("security and Fungairino", texts)
    text = "Security matters to all. Fungairino left."
    assert weights["fungair"] > weights["secur"]
    assert text[slice(*best_sentence(text, "security and Fungairino", weights))] == (
        "Fungairino left."
    )
