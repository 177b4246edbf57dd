"""Each filter inference rule, with cases named after the real cables they would find."""

from __future__ import annotations

import pytest

from qa import filters as flt
from qa.answer import Filters

ORIGINS = (
    "Embassy Madrid",
    "Embassy Mexico",
    "Consulate Monterrey",
    "USEU Brussels",
    "Embassy Brussels",
    "Embassy Buenos Aires",
    "Embassy Paris",
    "Secretary of State",
    "Embassy Astana",
    "Embassy Oslo",
)
PLACES = flt.post_places(ORIGINS)
TAGS = frozenset({"PREL", "PGOV", "PTER", "SMIG", "MX", "SP", "NATO", "KZ"})

ORIGIN_CASES = [
    ("06MADRID293", "What did the embassy in Madrid say about ETA?", "Embassy Madrid"),
    ("05PARIS104", "what did they report from Paris about the trial?", "Embassy Paris"),
    ("USEU", "USEU Brussels on data privacy", "USEU Brussels"),
    ("06MEXICO3305", "cables from Mexico on border security", "Embassy Mexico"),
    ("09ASTANA95", "the Astana embassy's view of Iran", "Embassy Astana"),
    ("66BUENOSAIRES2481", "reporting from Buenos Aires on fishing", "Embassy Buenos Aires"),
    ("08OSLO522", "What did the U.S. embassy in Oslo's staff say?", "Embassy Oslo"),
    ("07MONTERREY", "the consulate in Monterrey on cartels", "Consulate Monterrey"),
    # After a plain cue, a place in lower case, and the cue's words in any case
    ("lower-case", "what did the embassy in paris say before 2005", "Embassy Paris"),
    ("capitals", "What did the Embassy in Madrid report about ETA?", "Embassy Madrid"),
    (
        "lower-case-two-words",
        "cables from the embassy in buenos aires on debt",
        "Embassy Buenos Aires",
    ),
]


@pytest.mark.parametrize(
    ("case", "question", "expected"), ORIGIN_CASES, ids=[c[0] for c in ORIGIN_CASES]
)
def test_parse_origin(case: str, question: str, expected: str) -> None:
    found = flt.parse_origin(question, PLACES)
    assert found is not None
    assert found[0] == expected
    start, end = found[1]
    assert question[start:end]


def test_the_span_ends_with_the_place() -> None:
    """The words that name the post leave the search text; the words after it stay."""
    question = "what did the embassy in paris say before 2005"
    found = flt.parse_origin(question, PLACES)
    assert found is not None
    start, end = found[1]
    assert question[start:end] == "the embassy in paris"


NO_ORIGIN = [
    ("06MEXICO3305", "How many migrants from Mexico crossed the border?"),
    ("09STATE11937", "What did the Secretary of State ask for?"),
    ("05PARIS104", "What happened in Lyon?"),
]


@pytest.mark.parametrize(("case", "question"), NO_ORIGIN, ids=[c[0] for c in NO_ORIGIN])
def test_no_origin(case: str, question: str) -> None:
    assert flt.parse_origin(question, PLACES) is None


CLASSIFICATIONS = [
    ("09ASTANA95", "secret cables about Iran", "SECRET"),
    ("06MEXICO3305", "Confidential reporting on border crime", "CONFIDENTIAL"),
    ("06MADRID293", "unclassified cables on prosecutors", "UNCLASSIFIED"),
    ("05PARIS104", "anything classified as secret on Beghal", "SECRET"),
    ("09ASTANA95_talks", "did they hold secret talks with Iran", None),
]


@pytest.mark.parametrize(
    ("case", "question", "expected"), CLASSIFICATIONS, ids=[c[0] for c in CLASSIFICATIONS]
)
def test_parse_classification(case: str, question: str, expected: str | None) -> None:
    found = flt.parse_classification(question)
    assert (found[0] if found else None) == expected


TAG_CASES = [
    ("06MADRID293", "PTER cables on Spanish prosecutors", "PTER"),
    ("06MEXICO3305", "cables tagged smig on the border", "SMIG"),
    ("06MEXICO3305_country", "tagged MX: what about fraud?", "MX"),
    ("09ASTANA95", "What did NATO allies say about Afghanistan?", None),
    ("08OSLO522", "What about OSLO?", None),
]


@pytest.mark.parametrize(("case", "question", "expected"), TAG_CASES, ids=[c[0] for c in TAG_CASES])
def test_parse_tag(case: str, question: str, expected: str | None) -> None:
    found = flt.parse_tag(question, TAGS)
    assert (found[0] if found else None) == expected


IDS = [
    ("06MEXICO3305", "what does 06MEXICO3305 say about fraud?", ("06MEXICO3305",)),
    ("05PARIS104", "compare 05PARIS104 with 09ASTANA95", ("05PARIS104", "09ASTANA95")),
    ("none", "what did Petraeus say in 2009?", ()),
    ("year in full", "what did 1979TEHRAN08980 advise?", ("79TEHRAN8980",)),
    ("twice", "is 06MEXICO3305 the same as 06 mexico 3305?", ("06MEXICO3305",)),
]


@pytest.mark.parametrize(("case", "question", "expected"), IDS, ids=[c[0] for c in IDS])
def test_parse_cable_ids(case: str, question: str, expected: tuple[str, ...]) -> None:
    assert flt.parse_cable_ids(question)[0] == expected


def test_each_written_id_is_taken_out_of_the_searched_words() -> None:
    """The spans cover every way the ID was written, so none of it is searched as words."""
    question = "what did 1979TEHRAN08980 and 06 Mexico 3305 say?"
    _ids, spans = flt.parse_cable_ids(question)
    assert [question[a:b] for a, b in spans] == ["1979TEHRAN08980", "06 Mexico 3305"]


def test_infer_drops_unknown_ids_and_reports_names() -> None:
    inf = flt.infer(
        "secret cables from Madrid in 2006: what does 06MADRID293 and 99NOWHERE1 say?",
        places=PLACES,
        tags=TAGS,
        known_ids=frozenset({"06MADRID293"}),
    )
    assert inf.cable_ids == ("06MADRID293",)
    assert inf.names() == ("since", "until", "origin", "classification", "cable_ids")


def test_ids_the_store_lacks_are_let_go_and_said() -> None:
    """A question naming only cables the store lacks is not filtered to nothing, nor
    silently searched as if it named none: the IDs are let go at once and said
    (`dropped`, read by `Judge` as a sign the store cannot answer)."""
    inf = flt.infer(
        "what does 99NOWHERE1 say about 98NOWHERE2's Madrid tunnels?",
        places=PLACES,
        tags=TAGS,
        known_ids=frozenset({"06MADRID293"}),
    )
    assert (inf.cable_ids, inf.absent_ids) == ((), ("99NOWHERE1", "98NOWHERE2"))
    merged = flt.merge(Filters(), inf)
    assert merged.cable_ids == ()
    assert merged.inferred == ("cable_ids:ignored",)
    assert merged.dropped == (("cable_ids", "99NOWHERE1 98NOWHERE2"),)
    assert flt.merge(Filters(cable_ids=("06MADRID293",)), inf).dropped == ()
    held = flt.infer(
        "what do 99NOWHERE1 and 06MADRID293 say?",
        places=PLACES,
        tags=TAGS,
        known_ids=frozenset({"06MADRID293"}),
    )
    assert (held.cable_ids, held.absent_ids) == (("06MADRID293",), ())


def test_merge_keeps_explicit_options() -> None:
    inf = flt.infer("secret cables from Madrid in 2006", places=PLACES, tags=TAGS)
    merged = flt.merge(Filters(origin="Paris", until="2005-12-31"), inf)
    assert (merged.origin, merged.since, merged.until) == ("Paris", None, "2005-12-31")
    assert merged.classification == "SECRET"
    assert merged.inferred == ("classification",)


def test_strip_spans_leaves_the_topic() -> None:
    q = "What did the embassy in Madrid say about ETA in 2006?"
    inf = flt.infer(q, places=PLACES, tags=TAGS)
    assert flt.strip_spans(q, inf.spans) == "What did say about ETA ?"


OWN_DATES = [
    ("cables from Paris since March 2008", True),
    ("cables from the embassy in Paris since March 2004 on terrorism", True),
    ("cables from 2008 about Iran", True),
    ("2008 cables on ETA", True),
    ("cables sent in 2008 about Iran", True),
    ("telegrams from the embassy in 2007 about Chavez", True),
    ("reporting from early 2009 on the coup", True),
    ("in 2008 the embassy reported on ETA", True),
    ("In 2008, the embassy in Madrid warned about ETA", True),
    ("cables from the 1990s on Angola", True),
    ("secret cables from Madrid about ETA in 2008", False),
    ("what did the embassy in Madrid say about ETA in 2008", False),
    ("Who was shot dead in 2002?", False),
    ("What happened to the peace talks in 2006?", False),
]


@pytest.mark.parametrize(("question", "own"), OWN_DATES, ids=[q for q, _ in OWN_DATES])
def test_a_date_that_dates_the_cables(question: str, own: bool) -> None:
    inferred = flt.infer(question, places={"paris": "Paris", "madrid": "Madrid"}, tags=frozenset())
    assert inferred.since or inferred.until, question
    assert inferred.own_dates is own
    merged = flt.merge(Filters(), inferred)
    assert merged.strict_dates is own and merged.dates_preferred is not own
