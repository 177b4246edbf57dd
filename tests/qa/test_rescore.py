"""Fusion features: coverage of the question's rarer words."""

from __future__ import annotations

from dataclasses import replace

import pytest

from qa.rescore import Candidate, Tuning, answered, coverage, fused, opening, rescore


def _cands(*texts: str) -> list[Candidate]:
    return [
        Candidate(pid=i, cos=0.5, cable_id=f"C{i}", para="1", text=t)
        for i, t in enumerate(texts, 1)
    ]


COVERAGE = [
    (
        "72TEHRAN5055",
        "How did the police chief explain the killing of General Taheri?",
        ("General Taheri was killed by terrorists, the police chief said.", "The police met."),
        0,
    ),
    (
        "08OSLO522",
        "Which negotiations did Norway hold over fighter jets?",
        ("Norway is negotiating.", "Oslo held negotiations over the fighter jets."),
        1,
    ),
]


@pytest.mark.parametrize(
    ("case", "question", "texts", "best"), COVERAGE, ids=[c[0] for c in COVERAGE]
)
def test_coverage_favours_the_paragraph_holding_more_rare_words(
    case: str, question: str, texts: tuple[str, ...], best: int
) -> None:
    cands = _cands(*texts, "Unrelated text about the weather.", "Another unrelated line.")
    coverage(question, cands)
    scores = [c.coverage for c in cands]
    assert max(range(len(scores)), key=scores.__getitem__) == best
    assert all(0.0 <= s <= 1.0 for s in scores)


def test_a_rare_word_outweighs_a_common_one() -> None:
    cands = _cands("Taheri was shot.", "Iran protested.", "Iran again.", "Iran and more.")
    coverage("What did Iran say about Taheri?", cands)
    assert cands[0].coverage > cands[1].coverage > 0.0


def test_a_short_stem_needs_a_word_start() -> None:
    cands = _cands("Turmoil in the capital.", "Oil prices rose.")
    coverage("What happened to oil?", cands)
    assert (cands[0].coverage, cands[1].coverage) == (0.0, 1.0)


def test_no_content_words_means_no_coverage() -> None:
    cands = _cands("Anything at all.")
    cands[0].coverage = 0.7
    coverage("What did they say?", cands)
    assert cands[0].coverage == 0.0


def test_rescore_breaks_a_cosine_tie_with_coverage() -> None:
    cands = _cands("Nothing relevant here.", "Fungairino was forced out as chief prosecutor.")
    ranked = rescore(cands, Tuning(), "Who forced out prosecutor Fungairino?")
    assert [c.pid for c in ranked] == [2, 1]
    assert ranked[0].score > ranked[1].score


def test_rescore_without_coverage_weight_keeps_cosine_order() -> None:
    cands = _cands("Nothing relevant here.", "Fungairino was forced out as chief prosecutor.")
    cands[0].cos = 0.6
    words_off = Tuning(coverage_weight=0.0, sentence_weight=0.0, typed_weight=0.0)
    ranked = rescore(cands, words_off, "Who forced out prosecutor Fungairino?")
    assert [c.pid for c in ranked] == [1, 2]
    assert all(c.coverage == 0.0 for c in ranked)


def test_a_follow_up_leans_towards_the_cables_the_conversation_found() -> None:
    cands = [
        Candidate(pid=1, cos=0.52, cable_id="09ASTANA95", para="6"),
        Candidate(pid=2, cos=0.55, cable_id="09KUWAIT760", para="4"),
    ]
    assert rescore(cands, Tuning())[0].cable_id == "09KUWAIT760"
    ranked = rescore(cands, Tuning(), prior={"09ASTANA95": 1.0})
    assert ranked[0].cable_id == "09ASTANA95"
    half = rescore(cands, Tuning(conversation_weight=0.04), prior={"09ASTANA95": 0.5})
    assert half[0].cable_id == "09KUWAIT760", "a weak prior does not override a clear lead"


def test_answered_needs_a_strong_cosine_and_a_strong_fused_score() -> None:
    tuning = Tuning(min_cos=0.45, min_score=0.70)

    def ranked(cos: float, score: float) -> list[Candidate]:
        return [Candidate(1, cos=cos, score=score), Candidate(2, cos=cos - 0.1, score=score - 0.1)]

    assert answered(ranked(0.62, 0.85), tuning)
    assert not answered(ranked(0.62, 0.66), tuning)  # topical: no rare question word held
    assert not answered(ranked(0.40, 0.90), tuning)  # words match, meaning does not
    assert not answered(ranked(0.62, 0.85), tuning, unknown_names=1)
    assert not answered(ranked(0.62, 0.85), tuning, stray_names=1)
    assert not answered(ranked(0.62, 0.85), tuning, relaxed=True)
    assert not answered([], tuning)
    assert answered(ranked(0.62, 0.66), tuning, filtered=True)  # the filter speaks for it
    outside = ranked(0.62, 0.66)
    outside[0].outside = True
    assert not answered(outside, tuning, filtered=True)


def test_a_cable_dated_after_the_questions_date_keeps_its_score_for_the_bar() -> None:
    """The date ranks a cable outside it lower; the bar does not hold it against one dated
    after it, which reports the event (before it, the cable cannot have)."""
    tuning = Tuning(min_cos=0.45, min_score=0.70, outside_penalty=0.15)
    before = [Candidate(1, cos=0.62, score=0.66, outside=True)]
    later = [Candidate(1, cos=0.62, score=0.66, outside=True, later=True)]
    assert fused(later, tuning) == pytest.approx(0.81)
    assert fused(later, replace(tuning, outside_penalty=0.0)) == pytest.approx(0.66)
    assert fused(before, tuning) == pytest.approx(0.66)
    assert answered(later, tuning, filtered=True)
    assert not answered(before, tuning, filtered=True)


def test_near_ties_go_to_another_cable() -> None:
    cands = [
        Candidate(1, cos=0.800, cable_id="A", para="1", seq=0),
        Candidate(2, cos=0.795, cable_id="A", para="2", seq=1),
        Candidate(3, cos=0.790, cable_id="B", para="1", seq=0),
        Candidate(4, cos=0.700, cable_id="C", para="1", seq=0),
    ]
    plain = Tuning(cable_weight=0.0, coverage_weight=0.0, same_cable_penalty=0.0)
    assert [c.pid for c in rescore(cands, plain)] == [1, 2, 3, 4]
    spread = rescore(cands, Tuning(cable_weight=0.0, coverage_weight=0.0))
    assert [c.pid for c in spread] == [1, 3, 2, 4]  # A's second paragraph lost 0.02
    assert [round(c.score, 3) for c in spread] == [0.8, 0.79, 0.775, 0.7]
    far = [Candidate(5, cos=0.9, cable_id="A", seq=0), Candidate(6, cos=0.85, cable_id="A", seq=1)]
    assert [c.pid for c in rescore([*far, Candidate(7, cos=0.6, cable_id="B")], Tuning())] == [
        5,
        6,
        7,
    ]  # a clear lead is kept


_COSINE = Tuning(coverage_weight=0.0, lexical_weight=0.0, cable_weight=0.0, same_cable_penalty=0.0)
"""Fused score = cosine, so only closeness moves the order."""


def _closeness_cands() -> list[Candidate]:
    """Four candidates whose fused order is 1-2-3-4; only 3 holds the question in one
    sentence (and the number asked for)."""
    texts = (
        "The ministry spoke of refugees. Later, the camps in the north were discussed.",
        "Refugees crossed the border. Camps were opened in the north.",
        "Some 12,000 refugees now live in the northern camps, the ministry said.",
        "Refugees in the northern camps number 30,000, officials said.",
    )
    return [
        Candidate(pid=i, cos=0.70 - 0.01 * i, cable_id=f"C{i}", para="3", seq=2, text=t)
        for i, t in enumerate(texts, 1)
    ]


def test_a_cables_opening_paragraph_gets_no_closeness_bonus() -> None:
    """A summary names the cable's actors and matters in a few long sentences: holding the
    question's words together there does not say it answers (`Tuning.opening_closeness`)."""
    question = "What did Soliman tell Mullen about Iran funding Hamas each month?"
    summary = "During an April 21 meeting with Mullen, Soliman spoke of Iran, Hamas and funding."
    detail = "Iran gave Hamas $25 million a month, he said. Soliman wanted that stopped."
    cands = [
        Candidate(1, cos=0.70, cable_id="09CAIRO746", para="1", seq=0, text=summary),
        Candidate(2, cos=0.69, cable_id="09CAIRO746", para="6", seq=5, text=detail),
    ]
    ranked = rescore(cands, _COSINE, question)
    assert [c.pid for c in ranked] == [2, 1]
    assert ranked[1].sentence > ranked[0].sentence and ranked[1].bonus == 0.0
    full = rescore(cands, replace(_COSINE, opening_closeness=1.0), question)
    assert [c.pid for c in full] == [1, 2]
    after_zero = Candidate(3, cable_id="X", para="1", seq=1)
    assert opening(after_zero) and not opening(Candidate(4, cable_id="X", para="2", seq=1))


def test_closeness_reorders_the_first_few_by_the_sentence_holding_the_question() -> None:
    question = "How many refugees live in the northern camps?"
    plain = rescore(
        _closeness_cands(), replace(_COSINE, sentence_weight=0, typed_weight=0), question
    )
    near = rescore(_closeness_cands(), _COSINE, question)
    assert [c.pid for c in plain] == [1, 2, 3, 4]
    assert near[0].pid == 3  # the question's words, and a number, in one sentence
    assert {c.pid for c in near[:3]} == {c.pid for c in plain[:3]}  # who makes it: unchanged
    assert near[3].pid == 4  # past `rerank_depth`: not re-ordered, even though it holds all
    scores = [c.score for c in near]
    assert scores == sorted(scores, reverse=True)
    assert near[0].typed == 1.0 and near[0].sentence > near[1].sentence


def test_the_answered_bar_reads_the_score_before_closeness() -> None:
    question = "How many refugees live in the northern camps?"
    plain = rescore(
        _closeness_cands(), replace(_COSINE, sentence_weight=0, typed_weight=0), question
    )
    near = rescore(_closeness_cands(), _COSINE, question)
    assert near[0].score > plain[0].score
    assert fused(near, _COSINE) == pytest.approx(plain[0].score)
    bar = Tuning(min_cos=0.0, min_score=plain[0].score + 1e-6)
    assert not answered(near, bar) and not answered(plain, bar)


def test_rescoring_again_leaves_no_stale_closeness_bonus() -> None:
    question = "How many refugees live in the northern camps?"
    cands = _closeness_cands()
    rescore(cands, _COSINE, question)
    again = rescore(cands, replace(_COSINE, sentence_weight=0, typed_weight=0), question)
    assert all(c.bonus == 0.0 for c in again)
    assert fused(again, _COSINE) == pytest.approx(again[0].score)
