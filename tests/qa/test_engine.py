"""The engine over a real ledger, FTS5 index and Chroma, with a deterministic encoder."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.answer import Filters
from qa.engine import Engine
from qa.errors import EngineError
from qa.rescore import Tuning
from tests.fakes import BagEncoder


def test_ask_ranks_the_answering_paragraph_first(hand_engine: Engine) -> None:
    answer = hand_engine.ask("Why did the chief prosecutor resign?", k=3)
    top = answer.hits[0]
    assert (top.citation, top.date, top.origin) == (
        "06MADRID293 ¶1",
        "2006-02-03",
        "Embassy Madrid",
    )
    assert top.tags == ("PGOV", "PTER", "SP")
    # a why question: the act, and the sentence after it (where cables give the reason)
    assert top.text[slice(*top.highlight)] == (
        "The chief prosecutor resigned after a dispute over terrorism cases."
        " Observers expect a successor within weeks."
    )
    assert [h.rank for h in answer.hits] == list(range(1, len(answer.hits) + 1))


def test_json_schema(hand_engine: Engine) -> None:
    data = hand_engine.ask("wheat exports", k=2).to_json()
    assert list(data) == ["question", "filters", "answered", "results"]
    assert data["filters"] == {"inferred": []}
    first = data["results"][0]
    assert list(first) == [
        "rank",
        "cable_id",
        "paragraph",
        "citation",
        "score",
        "text",
        "highlight",
        "subject",
        "date",
        "origin",
        "classification",
        "tags",
        "outside_dates",
        "also",
    ]
    assert first["citation"] == "09ASTANA95 ¶2" and first["outside_dates"] is False
    assert first["also"] == []
    assert set(first["highlight"]) == {"start", "end"}


FILTERED = [
    ("05PARIS104", Filters(origin="paris"), {"05PARIS104"}),
    ("09ASTANA95", Filters(since="2008-01-01"), {"09ASTANA95"}),
    ("06MADRID293", Filters(until="2006-12-31", classification="unclassified"), {"06MADRID293"}),
    ("05PARIS104_secret", Filters(classification="SECRET"), {"05PARIS104", "09ASTANA95"}),
    ("06MADRID293_tag", Filters(tag="pgov"), {"06MADRID293"}),
]


@pytest.mark.parametrize(("case", "filters", "cables"), FILTERED, ids=[c[0] for c in FILTERED])
@pytest.mark.parametrize("mode", ["hybrid", "dense", "lexical"])
def test_explicit_filters_restrict_every_mode(
    hand_engine: Engine, case: str, filters: Filters, cables: set[str], mode: str
) -> None:
    answer = hand_engine.ask("terrorism wheat fishing prosecutor", filters=filters, mode=mode)
    assert answer.hits
    assert {h.cable_id for h in answer.hits} <= cables
    assert answer.filters.inferred == ()


EMPTY = [
    ("origin", Filters(origin="Narnia"), ("origin",)),
    ("dates", Filters(since="2030-01-01"), ("since",)),
    ("a gap between dates", Filters(since="2007-01-01", until="2008-12-31"), ("since", "until")),
    ("tag of two", Filters(origin="Paris", tag="ZZZZ"), ("tag",)),
    ("both", Filters(origin="Narnia", classification="TOP SECRET"), ("origin", "classification")),
    ("only together", Filters(origin="Paris", since="2009-01-01"), ()),
    ("class and tag", Filters(classification="SECRET", tag="SP"), ()),
]


@pytest.mark.parametrize(("case", "filters", "unmatched"), EMPTY, ids=[c[0] for c in EMPTY])
def test_nothing_found_says_which_given_filter_matches_no_cable(
    hand_engine: Engine, case: str, filters: Filters, unmatched: tuple[str, ...]
) -> None:
    answer = hand_engine.ask("terrorism wheat fishing prosecutor", filters=filters)
    assert answer.hits == ()
    assert answer.filters.unmatched == unmatched
    data = answer.to_json()["filters"]
    assert data.get("unmatched", []) == list(unmatched)
    assert Filters.from_json(data).unmatched == unmatched  # what a `--server` client reads


def test_filters_that_match_are_not_listed_as_unmatched(hand_engine: Engine) -> None:
    answer = hand_engine.ask("terrorism trial", filters=Filters(origin="Paris"))
    assert answer.hits and answer.filters.unmatched == ()
    assert "unmatched" not in answer.to_json()["filters"]


def test_inferred_filters_are_reported(hand_engine: Engine) -> None:
    answer = hand_engine.ask("secret cables from Paris about the terrorism trial")
    assert answer.filters.origin == "Embassy Paris"
    assert answer.filters.classification == "SECRET"
    assert set(answer.filters.inferred) == {"origin", "classification"}
    assert {h.cable_id for h in answer.hits} == {"05PARIS104"}


def test_cable_id_in_question(hand_engine: Engine) -> None:
    answer = hand_engine.ask("what does 09ASTANA95 say about wheat?")
    assert answer.filters.cable_ids == ("09ASTANA95",)
    assert answer.hits[0].citation == "09ASTANA95 ¶2"


def test_inferred_filter_that_leaves_nothing_is_dropped(hand_engine: Engine) -> None:
    answer = hand_engine.ask("What did the embassy in Madrid say about the prosecutor in 2009?")
    assert answer.filters.origin == "Embassy Madrid"
    assert answer.filters.since is None
    assert answer.filters.inferred == ("origin", "since:ignored", "until:ignored")
    assert answer.hits[0].citation == "06MADRID293 ¶1"


def test_no_inference_when_turned_off(hand_store: object, hand_engine: Engine) -> None:
    engine = Engine(replace(hand_engine.settings, infer_filters=False), encoder=hand_engine.encoder)
    try:
        answer = engine.ask("secret cables from Paris about the terrorism trial")
        assert answer.filters == Filters()
        assert len({h.cable_id for h in answer.hits}) > 1
    finally:
        engine.close()


def test_plain_modes_skip_inference(hand_engine: Engine) -> None:
    for mode in ("dense", "lexical"):
        answer = hand_engine.ask("secret cables from Paris about the trial", mode=mode)
        assert answer.filters.inferred == ()
        assert answer.hits


def test_follow_up_borrows_the_earlier_topic_and_filters(hand_engine: Engine) -> None:
    first = "What did the president say about Iran's nuclear weapons?"
    assert hand_engine.ask(first).hits[0].citation == "09ASTANA95 ¶1"
    answer = hand_engine.ask("and what about 2005?", history=[first])
    assert answer.filters.since == "2005-01-01"
    assert answer.hits[0].cable_id == "05PARIS104"  # the year ranks; others follow, demoted
    answer = hand_engine.ask("and the fishing?", history=["secret cables from Paris on trials"])
    assert answer.filters.origin == "Embassy Paris"
    assert answer.hits[0].citation == "05PARIS104 ¶2"


def test_unknown_mode_is_an_error(hand_engine: Engine) -> None:
    with pytest.raises(EngineError, match="mode"):
        hand_engine.ask("x", mode="sparse")


def test_cable_lookup(hand_engine: Engine) -> None:
    cable = hand_engine.cable("05paris104")
    assert cable is not None and [p.number for p in cable.paragraphs] == ["1", "2"]
    assert hand_engine.cable("99NOWHERE1") is None


def test_a_name_the_store_never_mentions_is_not_answered(hand_engine: Engine) -> None:
    engine = Engine(
        hand_engine.settings, tuning=Tuning(min_cos=-1.0, min_score=-9.0), encoder=BagEncoder()
    )
    try:
        known = engine.ask("What did the president say about Iran and Moscow?")
        assert known.answered
        unknown = engine.ask("What did the president say about Iran and Zyxwarov?")
        assert not unknown.answered
        assert unknown.hits[0].citation == "09ASTANA95 ¶1"
    finally:
        engine.close()


def test_rare_names_no_one_cable_holds_together_are_not_answered(hand_engine: Engine) -> None:
    engine = Engine(
        hand_engine.settings, tuning=Tuning(min_cos=-1.0, min_score=-9.0), encoder=BagEncoder()
    )
    try:
        together = engine.ask("What did the president say about Iran and Moscow?")
        assert together.answered  # both in 09ASTANA95 ¶1
        apart = engine.ask("What did the president say about Moscow and the Atlantic?")
        assert not apart.answered  # Moscow in 09ASTANA95, the Atlantic only in 06MADRID293
        signs = engine.judge.name_signs(
            "About Moscow and the Atlantic?", [], engine.state(), engine.search.term_stats()
        )
        assert signs[1] == []  # nothing ranked
    finally:
        engine.close()


def test_an_inferred_year_ranks_but_does_not_exclude(hand_engine: Engine) -> None:
    # "in 2006" may date the event rather than the cable: a 2009 report still answers.
    answer = hand_engine.ask("What did the president tell the commander about wheat in 2006?")
    assert answer.filters.since == "2006-01-01"
    assert "since" in answer.filters.inferred
    assert "09ASTANA95" in {h.cable_id for h in answer.hits}
    in_range = [h for h in answer.hits if h.date.startswith("2006")]
    assert in_range, "cables inside the year stay among the hits"


def test_a_preferred_year_marks_what_lies_outside_and_strict_dates_exclude_it(
    hand_engine: Engine,
) -> None:
    question = "What did the president tell the commander about wheat in 2006?"
    answer = hand_engine.ask(question)
    assert answer.filters.dates_preferred and answer.to_json()["filters"]["dates_preferred"]
    wheat = next(h for h in answer.hits if h.cable_id == "09ASTANA95")
    assert wheat.outside_dates and wheat.to_json()["outside_dates"] is True
    assert all(not h.outside_dates for h in answer.hits if h.date.startswith("2006"))
    strict = hand_engine.ask(question, filters=Filters(strict_dates=True))
    assert not strict.filters.dates_preferred
    assert "dates_preferred" not in strict.to_json()["filters"]
    assert all(h.date.startswith("2006") for h in strict.hits), strict.hits
    assert not any(h.outside_dates for h in strict.hits)


def test_a_year_that_dates_the_cables_is_a_filter(hand_engine: Engine) -> None:
    answer = hand_engine.ask("cables from 2006 about wheat and the commander")
    assert answer.filters.strict_dates and not answer.filters.dates_preferred
    assert all(h.date.startswith("2006") for h in answer.hits), answer.hits


def test_a_year_after_the_last_cable_refuses_unless_the_question_looks_ahead_to_it(
    hand_engine: Engine,
) -> None:
    engine = Engine(
        hand_engine.settings, tuning=Tuning(min_cos=-1.0, min_score=-9.0), encoder=BagEncoder()
    )
    try:
        # no cable of the store is dated 2012: it cannot report what happened then
        event = engine.ask("What did the president say about Iran's nuclear weapons in 2012?")
        assert not event.answered
        assert event.filters.dropped
        # but cables written before 2012 say what was foreseen for it
        ahead = engine.ask(
            "What did the president say Iran would do about nuclear weapons in 2012?"
        )
        assert ahead.answered and not ahead.filters.dropped
        assert ahead.hits[0].citation == "09ASTANA95 ¶1"
    finally:
        engine.close()
