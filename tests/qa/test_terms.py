"""Question words: content terms for FTS5, names for the answerability check."""

from __future__ import annotations

import pytest

from qa.terms import (
    abbreviations,
    content_terms,
    fold,
    name_key,
    name_parts,
    name_runs,
    starts_a_word,
)

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
    assert [name for run in name_runs(question) for name in run] == expected


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


KEYS = [
    ("country and adjective", "Hungary", "hunga", ["hungarian", "hungary"]),
    ("plural", "Scuds", "scud", ["scud"]),
    ("people and country", "Malaysian", "malaysi", ["malaysia"]),
    ("possessive", "Noriega's", "norie", ["noriega"]),
    ("short name kept whole", "Kong", "kong", ["kong"]),
]


@pytest.mark.parametrize(("case", "name", "key", "forms"), KEYS, ids=[c[0] for c in KEYS])
def test_name_key_is_a_prefix_of_the_names_other_forms(
    case: str, name: str, key: str, forms: list[str]
) -> None:
    assert name_key(name) == key
    assert all(f.startswith(key) for f in forms)


def test_name_parts_split_hyphenated_names() -> None:
    assert name_parts("Afghanistan-Pakistan") == ["Afghanistan", "Pakistan"]
    assert name_parts("Gulf-based") == ["Gulf", "based"]
    assert name_parts("al-Maliki") == ["Maliki"]
    assert name_parts("Kong") == ["Kong"]


ABBREVIATIONS = [
    ("adjective government", "What was the Russian government trying to learn?", ["gor"]),
    ("possessive government", "Did Sweden's government object?", ["gos"]),
    ("government of", "What did the Government of Georgia ask?", ["gog"]),
    ("ministries", "Did the foreign ministry or the defence ministry object?", ["mfa", "mod"]),
    ("ministers", "What did the Prime Minister and the foreign minister say?", ["pm", "fm"]),
    ("Washington", "How did Washington respond to the US government's critics?", ["usg"]),
    ("the American government is the USG", "Did the American government agree?", ["usg"]),
    ("nothing to abbreviate", "Why did the president resign?", []),
    ("a question word is no country", "Which government fell? The Government did.", []),
]


@pytest.mark.parametrize(
    ("case", "question", "expected"), ABBREVIATIONS, ids=[c[0] for c in ABBREVIATIONS]
)
def test_abbreviations_cables_use(case: str, question: str, expected: list[str]) -> None:
    assert abbreviations(question) == expected


def test_fold_drops_case_and_diacritics() -> None:
    assert fold("Céline Ségolène ÇA") == "celine segolene ca"


def test_fold_writes_every_apostrophe_alike() -> None:
    """09STATE72112 writes "Abu-Fu’ad al-Dindari"; a question types "Abu-Fu'ad": the name
    must be found in the cable, or the question is refused as joining stray names."""
    assert fold("Abu-Fu’ad") == fold("Abu-Fu'ad") == fold("ABU-FU‘AD") == "abu-fu'ad"


STARTS = [
    ("at the start", "oil", "oil prices rose", True),
    ("after a space", "oil", "the oil price", True),
    ("after punctuation", "oil", "(oil) prices", True),
    ("inside a word only", "oil", "turmoil and toil", False),
    ("inside, then at a start", "oil", "turmoil, then oil", True),
    ("after an underscore", "oil", "snake_oil", False),
    ("absent", "oil", "gas prices", False),
]


@pytest.mark.parametrize(("case", "prefix", "text", "expected"), STARTS, ids=[c[0] for c in STARTS])
def test_starts_a_word(case: str, prefix: str, text: str, expected: bool) -> None:
    assert starts_a_word(prefix, text) is expected
