"""When a question leans on the conversation, and what it searches with then."""

from __future__ import annotations

import pytest

from qa.followup import combine, leans_on_history, previous_topic, reaims, search_text

LEANS = [
    ("continuation", "And what did Mexico say?", True),
    ("what about", "What about the Interior Ministry?", True),
    ("too few words", "In 2009?", True),
    ("pronoun", "Did he take the issue up with the Kremlin leadership?", True),
    ("demonstrative", "Who else was at that meeting?", True),
    ("bare reaction", "How did the Colombian president respond?", True),
    ("bare reaction, past", "What did the Turkish side decide?", True),
    ("bare say", "What did Mubarak say?", True),
    ("reaction with its object", "How did Qadhafi respond to the Swiss vote on minarets?", False),
    ("stands alone", "Why did Norway choose the American fighter over the Gripen?", False),
    ("say with object", "What did the embassy say about border violence in Nuevo Laredo?", False),
]


@pytest.mark.parametrize(("case", "question", "leans"), LEANS, ids=[c[0] for c in LEANS])
def test_leans_on_history(case: str, question: str, leans: bool) -> None:
    assert leans_on_history(question, question) is leans


def test_search_text_puts_the_earlier_topic_first() -> None:
    history = ["What did Kouchner propose to Uribe in Bogota?"]
    text, topic = search_text("How did the Colombian president respond?", "", history)
    assert topic == history[0]
    assert text.startswith("What did Kouchner propose")
    assert (
        search_text("Why did Norway buy the F-35?", "Why did Norway buy the F-35?", history)[1]
        is None
    )
    assert search_text("And then?", "And then?", [])[1] is None


def test_previous_topic_skips_earlier_follow_ups() -> None:
    history = ["What did the Shah demand from Washington in 1972?", "And then?"]
    assert previous_topic(history) == history[0]
    assert combine("Topic question?", "and what about Iran?") == "Topic question? what about Iran"


INTENT = [
    ("re-aimed: the earlier question's kind", "And what about Jordan's oil needs?", True),
    ("a bare name re-aims too", "And Jordan?", True),
    ("own question word", "And what did he say about the Palestinians?", False),
    ("own who", "Who was put in charge of it?", False),
    ("own yes-or-no", "And did he take it up with the Kremlin?", False),
]


@pytest.mark.parametrize(("case", "question", "earlier"), INTENT, ids=[c[0] for c in INTENT])
def test_a_follow_up_re_aims_the_earlier_question_only_without_its_own_ask(
    case: str, question: str, earlier: bool
) -> None:
    assert reaims(question) is earlier, case
