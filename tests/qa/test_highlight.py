"""Sentence offsets and the choice of the answering sentence."""

from __future__ import annotations

import pytest

from qa.highlight import best_sentence, mark, sentences, term_weights

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


MARK_CASES = [
    (
        "why: the reason in the sentence after the act, both marked",
        "THE MINISTRY CANCELLED THE TENDER IN MAY. OFFICIALS FEARED A LEGAL CHALLENGE FROM"
        " THE LOSING BIDDER. THE EMBASSY WILL FOLLOW UP.",
        "Why did the ministry cancel the tender?",
        "THE MINISTRY CANCELLED THE TENDER IN MAY. OFFICIALS FEARED A LEGAL CHALLENGE FROM"
        " THE LOSING BIDDER.",
    ),
    (
        "how many: the sentence with the number wins a tie on words",
        "Refugees crossed the border all week. Officials counted 4,000 refugees at the camp.",
        "How many refugees reached the camp?",
        "Officials counted 4,000 refugees at the camp.",
    ),
    (
        "who: a title beats a bare mention",
        "The decree on the election was debated. The Interior Minister signed the decree.",
        "Who signed the decree?",
        "The Interior Minister signed the decree.",
    ),
    (
        "when: a date, not the first mention",
        "The pipeline was debated. Talks on the pipeline resume on March 3.",
        "When do the pipeline talks resume?",
        "Talks on the pipeline resume on March 3.",
    ),
    (
        "a fact over two sentences: a strong neighbour joins the mark",
        "The weather was mild. Antonov met the delegation on arms sales to Venezuela."
        " Antonov stressed that no restriction barred selling MANPADS. Lunch followed.",
        "What did Antonov say about arms sales and MANPADS for Venezuela?",
        "Antonov met the delegation on arms sales to Venezuela. Antonov stressed that no"
        " restriction barred selling MANPADS.",
    ),
    (
        "a weak neighbour stays out",
        "Antonov arrived. Antonov stressed that arms sales and MANPADS to Venezuela were"
        " legal. Lunch followed.",
        "What did Antonov say about arms sales and MANPADS for Venezuela?",
        "Antonov stressed that arms sales and MANPADS to Venezuela were legal.",
    ),
    (
        "no question words anywhere: the first sentence, never a pair",
        "Nothing relevant here. Nor here.",
        "Why did the ambassador resign?",
        "Nothing relevant here.",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "question", "expected"), MARK_CASES, ids=[c[0] for c in MARK_CASES]
)
def test_mark(case: str, text: str, question: str, expected: str) -> None:
    assert text[slice(*mark(text, question))] == expected, case


def test_the_kind_of_answer_comes_from_the_intent_when_given() -> None:
    """A follow-up searches with the earlier question's words joined to its own; the
    kind of answer it wants (a title for "who") is its own (`intent`), not the earlier
    question's (a number for "how many")."""
    text = "Kazakhstan sent 30 troops in 2008. The troops were led by General Ivanov."
    joined = "How many soldiers did Kazakhstan send? Who led them"
    assert text[slice(*mark(text, joined, pair_ratio=0.0))].startswith("Kazakhstan sent")
    own = "Who led them?"
    assert text[slice(*mark(text, joined, pair_ratio=0.0, intent=own))].startswith("The troops")
