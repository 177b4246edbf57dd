"""Each stage of a question on its own, over the hand-made store: the engine's `ask`
is only their sequence (tests/qa/test_engine.py covers the whole)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from embeddings.view import LedgerView
from qa import filters as flt
from qa.answer import Filters
from qa.config import Settings
from qa.judge import Judge, names
from qa.present import present
from qa.rescore import Candidate, Tuning, rescore
from qa.search import Search
from qa.state import StoreState
from qa.understand import Understanding, carry, understand
from tests.fakes import BagEncoder
from tests.qa.conftest import HAND_CABLES


@pytest.fixture
def view(hand_store: Path) -> Iterator[LedgerView]:
    view = LedgerView.open(hand_store)
    yield view
    view.close()


@pytest.fixture
def state(view: LedgerView) -> StoreState:
    return StoreState.read(view, view.generation())


@pytest.fixture
def search(hand_store: Path, view: LedgerView, state: StoreState) -> Search:
    settings = Settings(store=hand_store, model=BagEncoder.name)
    search = Search(settings, view, Tuning(), encoder=BagEncoder())
    search.use(state)
    return search


def test_the_state_is_read_once_and_frozen(view: LedgerView, state: StoreState) -> None:
    assert state.generation == view.generation()
    assert state.places["madrid"] == "Embassy Madrid"
    assert {"PTER", "PREL", "KZ"} <= state.tags
    paragraphs = sum(len(c.paragraphs) for c in HAND_CABLES)
    assert (state.records, state.paragraphs) == (paragraphs, paragraphs)
    with pytest.raises(AttributeError):
        state.records = 0  # type: ignore[misc]


UNDERSTAND = [
    ("alone", "wheat exports", (), "wheat exports", None, Filters()),
    (
        "a post read from the words",
        "What did the embassy in Madrid say about fishing?",
        (),
        None,
        None,
        Filters(origin="Embassy Madrid", inferred=("origin",)),
    ),
    (
        "a follow-up borrows topic and filters",
        "and the fishing?",
        ("secret cables from Paris on trials",),
        None,
        "and the fishing?",
        None,
    ),
]


@pytest.mark.parametrize(
    ("case", "question", "history", "text", "own", "filters"),
    UNDERSTAND,
    ids=[c[0] for c in UNDERSTAND],
)
def test_understand(
    state: StoreState,
    view: LedgerView,
    case: str,
    question: str,
    history: tuple[str, ...],
    text: str | None,
    own: str | None,
    filters: Filters | None,
) -> None:
    asked = understand(
        question, Filters(), history, infer=True, state=state, known=view.known_cables
    )
    if text is not None:
        assert asked.text == text
    assert asked.own == own
    if filters is not None:
        assert asked.filters == filters
    if history:
        assert "trials" in asked.text and asked.filters.origin == "Embassy Paris"
        assert asked.intent == history[0]  # "and the fishing?" asks what the earlier asked


def test_a_follow_ups_own_question_word_says_what_it_asks_for(
    state: StoreState, view: LedgerView
) -> None:
    """ "When was he put on a plane?" after a why-question asks for a date: the type of
    answer the mark and `rescore` look for is the follow-up's, not the earlier one's."""
    history = ("Why did a Thai court refuse to extradite Viktor Bout in 2009?",)
    asked = understand(
        "When was he put on a plane?",
        Filters(),
        history,
        infer=True,
        state=state,
        known=view.known_cables,
    )
    assert "Bout" in asked.text and asked.intent == "When was he put on a plane?"
    alone = understand(history[0], Filters(), (), infer=True, state=state, known=view.known_cables)
    assert alone.intent == alone.text


def test_a_follow_ups_answer_is_marked_by_its_own_words(
    state: StoreState, view: LedgerView
) -> None:
    """The earlier question's words found the cable; the follow-up's say which sentence
    answers it. A follow-up that only re-aims the earlier question, or has no words of its
    own, is marked by the joined text."""
    history = ("What did Mubarak tell Senator Kerry about Iran?",)

    def asked(question: str, earlier: tuple[str, ...] = history) -> Understanding:
        return understand(
            question, Filters(), earlier, infer=True, state=state, known=view.known_cables
        )

    own = asked("And what did he say about the Palestinians?")
    assert "Kerry" in own.text and own.marked_by == "And what did he say about the Palestinians?"
    reaimed = asked("And what about Syria?")
    assert reaimed.marked_by == reaimed.text and "Kerry" in reaimed.marked_by
    bare = asked("And then?")
    assert bare.marked_by == bare.text
    alone = asked(history[0], ())
    assert alone.marked_by == alone.text


def test_understand_asks_the_store_only_about_cable_ids(state: StoreState) -> None:
    asked: list[tuple[str, ...]] = []

    def known(ids: object) -> frozenset[str]:
        asked.append(tuple(ids))  # type: ignore[arg-type]
        return frozenset({"05PARIS104"})

    got = understand(
        "What does 05PARIS104 or 99NOWHERE1 say?",
        Filters(),
        (),
        infer=True,
        state=state,
        known=known,
    )
    assert asked == [("05PARIS104", "99NOWHERE1")]
    assert got.filters.cable_ids == ("05PARIS104",)
    off = understand(
        "What does 05PARIS104 say?", Filters(), (), infer=False, state=state, known=known
    )
    assert off.filters == Filters() and len(asked) == 1


def test_a_follow_up_keeps_earlier_filters_it_does_not_restate() -> None:
    earlier = flt.Inference(origin="Embassy Paris", since="2005-01-01", until="2005-12-31")
    assert carry(flt.Inference(since="2009-01-01"), earlier).origin == "Embassy Paris"
    assert carry(flt.Inference(since="2009-01-01"), earlier).until is None  # dates restated
    assert carry(None, earlier).since == "2005-01-01"


def test_a_follow_up_keeps_the_dates_strict_when_they_dated_the_cables() -> None:
    """ "cables from 2008 about Iran", then "and Syria?": the 2008 still excludes."""
    earlier = flt.Inference(since="2008-01-01", until="2008-12-31", own_dates=True)
    kept = carry(flt.Inference(origin="Embassy Damascus"), earlier)
    assert (kept.since, kept.own_dates) == ("2008-01-01", True)
    restated = carry(flt.Inference(since="2009-01-01"), earlier)
    assert not restated.own_dates  # its own dates, read as its own words say


def test_search_gives_every_candidate_both_scores(search: Search) -> None:
    cands, applied = search.search("Why did the chief prosecutor resign?", Filters(), 5, None)
    assert applied == Filters()
    best = max(cands, key=lambda c: c.bm25)
    assert (best.cable_id, best.para) == ("06MADRID293", "1")
    assert best.lex_rank == 1 and best.dense_rank is not None and best.cos != 0.0
    assert all(c.cos != 0.0 for c in cands)  # the lexical-only ones got theirs afterwards
    assert all(c.text for c in cands)


def test_search_lets_inferred_filters_go_when_nothing_matches(search: Search) -> None:
    filters = Filters(origin="Embassy Oslo", inferred=("origin",))
    cands, applied = search.search("wheat exports", filters, 5, None)
    assert cands and applied.origin is None
    assert applied.inferred == ("origin:ignored",)
    assert applied.dropped == (("origin", "Embassy Oslo"),)
    explicit = Filters(origin="Embassy Oslo")
    assert search.search("wheat exports", explicit, 5, None) == ([], explicit)


def test_search_ranks_outside_an_inferred_date_rather_than_excluding(search: Search) -> None:
    filters = Filters(since="2006-01-01", until="2006-12-31", inferred=("since", "until"))
    cands, _ = search.search("wheat exports", filters, 5, None)
    outside = {c.cable_id for c in cands if c.outside}
    assert "09ASTANA95" in outside and "06MADRID293" not in outside
    assert all(c.later == (c.outside and c.cable_id[:2] > "06") for c in cands)


@pytest.mark.parametrize("mode", ["dense", "lexical"])
def test_plain_modes_rank_by_their_own_score(search: Search, mode: str) -> None:
    ranked = search.plain("wheat exports", 3, Filters(), mode)
    scores = [c.score for c in ranked]
    assert scores == sorted(scores, reverse=True)
    assert ranked[0].cable_id == "09ASTANA95"


def test_names_leave_out_the_cities_of_posts(state: StoreState) -> None:
    assert names("What did Madrid say to Zapatero about Moscow?", state.places) == [
        "Zapatero",
        "Moscow",
    ]
    # the seat of a government, which cables name by its office ("Secretary of Defense")
    assert names("Which Pentagon official met Zapatero at the Kremlin?", state.places) == [
        "Zapatero"
    ]


def test_judge(view: LedgerView, state: StoreState, search: Search) -> None:
    judge = Judge(view, Tuning(min_cos=-1.0, min_score=-9.0))
    question = "What did the president say about Iran and Zyxwarov?"
    cands, applied = search.search(question, Filters(), 5, None)
    ranked = rescore(cands, judge.tuning, question)
    stats = search.term_stats()
    unknown, stray = judge.name_signs(question, ranked, state, stats)
    assert unknown == ["Zyxwarov"] and stray == []
    assert not judge.answered(question, ranked, applied, follow_up=False, state=state, stats=stats)
    known = "What did the president say about Iran and Moscow?"
    ranked = rescore(search.search(known, Filters(), 5, None)[0], judge.tuning, known)
    assert judge.answered(known, ranked, applied, follow_up=False, state=state, stats=stats)
    relaxed = Filters(inferred=("origin:ignored",))
    assert not judge.answered(known, ranked, relaxed, follow_up=False, state=state, stats=stats)
    assert ranked[0].cable_id == "09ASTANA95"  # of 2009-01-20

    def dropped(until: str) -> Filters:
        inferred = ("since:ignored", "until:ignored")
        return Filters(inferred=inferred, dropped=(("since", "1973-01-01"), ("until", until)))

    # a year no cable is dated in, that the best cable looks back on, still answers
    assert judge.answered(
        known, ranked, dropped("1973-12-31"), follow_up=False, state=state, stats=stats
    )
    # not one after the best cable, nor one with another filter gone unmatched too
    assert not judge.answered(
        known, ranked, dropped("2013-12-31"), follow_up=False, state=state, stats=stats
    )
    both = replace(dropped("1973-12-31"), inferred=("origin:ignored", "since:ignored"))
    assert not judge.answered(known, ranked, both, follow_up=False, state=state, stats=stats)


def test_present_cites_and_marks_the_answering_sentence(view: LedgerView) -> None:
    pid = next(p.pid for p in view.cable("09ASTANA95").paragraphs if p.number == "1")  # type: ignore[union-attr]
    hits = present(view, [Candidate(pid, score=0.5), Candidate(10**9)], "nuclear weapons Iran")
    assert len(hits) == 1  # a paragraph no longer stored is left out
    hit = hits[0]
    assert (hit.rank, hit.citation, hit.date, hit.score) == (1, "09ASTANA95 ¶1", "2009-01-20", 0.5)
    assert hit.text[slice(*hit.highlight)] == (
        "The president said Iran must never acquire nuclear weapons."
    )
    assert present(view, [], "anything") == ()
    joined = "nuclear weapons Iran and what did he raise with Moscow"
    by_own = present(view, [Candidate(pid)], joined, marked_by="what did he raise with Moscow")[0]
    assert by_own.text[slice(*by_own.highlight)] == "He raised it with Moscow."
