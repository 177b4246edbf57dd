"""Beyond the top ten: more like this (`Engine.similar`, `qa similar`) and a
question's facets (`Engine.ask(facets=True)`, `qa ask --facets`), on hand-made
stores with the bag-of-words encoder."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from embeddings.view import CableFacts
from qa import facets as facets_module
from qa.answer import Answer, Neighbours
from qa.cli import cli
from qa.config import Settings
from qa.engine import Engine
from qa.errors import EngineError
from qa.evalfile import Question
from qa.evaluate import judge
from qa.render import render_compact, render_markdown, render_text
from qa.rescore import Candidate
from qa.tui.widgets.result_card import card_content
from tests.fakes import BagEncoder
from tests.qa.conftest import hand_cable, whole_paragraph

SUMMARY = "The press reported that the finance minister will resign over the budget dispute."
NEAR = "The press reported that the finance minister may resign over the budget dispute."

COPIES = tuple(
    hand_cable(cable_id, texts, subject=subject, created=created, origin=origin, tags=tags)
    for cable_id, texts, subject, created, origin, tags in [
        (
            "07LONDON1",
            [SUMMARY, "The finance minister will resign over the budget, the press reported."],
            "UK: PRESS",
            datetime(2007, 3, 1),
            "Embassy London",
            ("PREL",),
        ),
        (
            "07ROME2",
            ["Olive harvests were poor.", SUMMARY],
            "ITALY: PRESS",
            datetime(2007, 4, 1),
            "Embassy Rome",
            ("PREL",),
        ),
        (
            "07BERLIN3",
            [" ".join(SUMMARY.upper().split())],
            "GERMANY: PRESS",
            datetime(2007, 5, 1),
            "Embassy Berlin",
            ("PREL",),
        ),
        (
            "08OSLO4",
            [NEAR, "Fishing quotas were discussed."],
            "NORWAY: PRESS",
            datetime(2008, 1, 9),
            "Embassy Oslo",
            ("ECON", "NO"),
        ),
    ]
)


@pytest.fixture(scope="module")
def copies_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    from embeddings.ingest import IngestOptions, ingest_cables

    store = tmp_path_factory.mktemp("copies")
    ingest_cables(
        iter(COPIES), IngestOptions(store_dir=store, encoder=BagEncoder(), windower=whole_paragraph)
    )
    engine = Engine(Settings(store=store, model=BagEncoder.name), encoder=BagEncoder())
    yield engine
    engine.close()


def test_similar_folds_copies_and_leaves_out_the_own_cable(copies_engine: Engine) -> None:
    found = copies_engine.similar("07london1", "1")
    assert found.source.citation == "07LONDON1 ¶1"
    cited = [h.citation for h in found.hits]
    assert "07LONDON1 ¶2" not in cited  # the own cable's paragraphs are not neighbours
    first = found.hits[0]
    # the exact copies (spacing and case aside) are one result, the first, marked so
    assert {first.citation, *found.also[0]} == {"07ROME2 ¶2", "07BERLIN3 ¶1"}
    assert found.same_text[0] and first.score > found.hits[1].score
    assert cited[1] == "08OSLO4 ¶1" and not found.same_text[1]
    assert [h.rank for h in found.hits] == list(range(1, len(found.hits) + 1))
    assert len(set(cited)) == len(cited)


def test_a_question_shows_copies_once_under_the_first(copies_engine: Engine) -> None:
    """The same paragraph sent under three IDs (spacing and case aside) is one result,
    citing the other two, and `k` results are still shown: a slot is not spent on it."""
    answer = copies_engine.ask("finance minister will resign over the budget dispute", k=3)
    cited = [h.citation for h in answer.hits]
    assert len(cited) == 3 and len({h.text.casefold() for h in answer.hits}) == 3, cited
    top = next(h for h in answer.hits if h.also)
    copies = {"07LONDON1 ¶1", "07ROME2 ¶2", "07BERLIN3 ¶1"}
    assert {top.citation, *top.also} == copies and not copies & set(cited) - {top.citation}
    assert sum(bool(h.also) for h in answer.hits) == 1
    back = Answer.from_json(json.loads(json.dumps(answer.to_json())))
    assert [h.also for h in back.hits] == [h.also for h in answer.hits]  # scores rounded
    shown = render_text(answer, marks=True).plain
    assert f"also in {', '.join(top.also)}" in shown
    assert f"_also in {', '.join(top.also)}_" in render_markdown(answer)
    assert f"also in {', '.join(top.also)}" in render_compact(answer, 80).plain
    assert f"also in {', '.join(top.also)}" in card_content(top).plain


def test_a_gold_paragraph_folded_into_a_result_ranks_where_it_does(
    copies_engine: Engine,
) -> None:
    answer = copies_engine.ask("finance minister will resign over the budget dispute", k=3)
    top = next(h for h in answer.hits if h.also)
    cable_id, para = top.also[-1].split(" ¶")
    spans = {(cable_id, para): "will resign over the budget dispute"}
    question = Question("q1", "finance minister", ((cable_id, para),), answers=spans)
    outcome = judge(question, answer, 1.0)
    assert (outcome.rank, outcome.cable_rank) == (top.rank, top.rank) and outcome.marked


def test_similar_keeps_k_after_folding(copies_engine: Engine) -> None:
    found = copies_engine.similar("07LONDON1", "1", k=2)
    assert len(found.hits) == 2 and found.hits[1].citation == "08OSLO4 ¶1"


def test_similar_past_the_threshold_asks_the_hnsw_index(
    copies_engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A warm engine past `exact_scan_max` records takes neighbours from Chroma's HNSW
    index, as its questions do, with the same answer on a store this small."""
    from qa import similar

    exact = copies_engine.similar("07LONDON1", "1")
    engine = Engine(
        copies_engine.settings, encoder=BagEncoder(), exact_scan_max=0
    )  # every store is past 0 records
    try:
        engine.warm()

        def refuse(*args: Any) -> None:
            raise AssertionError("scanned every vector")

        monkeypatch.setattr(similar, "exact_pool", refuse)
        found = engine.similar("07LONDON1", "1")
        assert engine.search._index is None  # the vectors were never loaded here
    finally:
        engine.close()
    assert [h.citation for h in found.hits] == [h.citation for h in exact.hits]
    assert found.also == exact.also and found.same_text == exact.same_text
    assert [h.score for h in found.hits] == pytest.approx([h.score for h in exact.hits], abs=1e-5)


def test_neighbours_json_reads_back(copies_engine: Engine) -> None:
    """`Neighbours.from_json` inverts `to_json` (the server's client reads `qa similar`'s
    object with it), and what it reads back prints as the engine's own."""
    from qa.render import render_neighbours

    found = copies_engine.similar("07LONDON1", "1")
    back = Neighbours.from_json(found.to_json())
    assert back.to_json() == found.to_json() and Neighbours.from_json(back.to_json()) == back
    assert back.source == replace(found.source, rank=1, score=1.0, highlight=(0, 0))
    assert (back.also, back.same_text) == (found.also, found.same_text)
    assert render_neighbours(back, marks=True).plain == render_neighbours(found, marks=True).plain
    bare = {k: v for k, v in found.to_json().items() if k not in {"subject", "tags"}}
    assert Neighbours.from_json(bare).source.subject == ""  # an older server's object


def test_similar_refuses_what_is_not_stored(copies_engine: Engine) -> None:
    with pytest.raises(EngineError, match="not in the store"):
        copies_engine.similar("99NOWHERE1", "1")
    with pytest.raises(EngineError, match="has no paragraph ¶7"):
        copies_engine.similar("07LONDON1", "7")


def test_qa_similar_command(copies_engine: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    store = copies_engine.settings.store
    monkeypatch.setattr("qa.engine.Engine", lambda s: Engine(s, encoder=BagEncoder()))
    base = ["--store", str(store), "--model", BagEncoder.name]

    def qa(*args: str) -> Any:
        return CliRunner().invoke(cli, [*base, *args], catch_exceptions=False)

    out = qa("similar", "--json", "07LONDON1 ¶1")
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert (data["citation"], data["results"][0]["same_text"]) == ("07LONDON1 ¶1", True)
    assert {"rank", "citation", "also", "same_text", "text"} <= set(data["results"][0])
    assert qa("similar", "--json", "07london1:1").output == out.output
    assert qa("similar", "--json", "07LONDON1", "¶1").output == out.output
    text = qa("similar", "07LONDON1", "1", "-k", "2").output
    assert text.startswith("Paragraphs like 07LONDON1 ¶1 (UK: PRESS)")
    assert "the same text" in text and "also in 07" in text and "2. 08OSLO4 ¶1" in text
    unnamed = qa("similar", "07london1")
    assert unnamed.exit_code == 2  # no paragraph named: the cable's own ID in the hint
    assert 'name a paragraph: qa similar "07LONDON1 ¶1" (or 07LONDON1 1)' in unnamed.output
    missing = qa("similar", "07LONDON1", "9")
    assert missing.exit_code == 1 and "has no paragraph ¶9" in missing.output


# -- facets -----------------------------------------------------------------------------------


def _spy_ranked(monkeypatch: pytest.MonkeyPatch) -> list[list[Candidate]]:
    import qa.engine

    seen: list[list[Candidate]] = []
    real = qa.engine.rescore

    def spy(*args: Any, **kw: Any) -> list[Candidate]:
        ranked = real(*args, **kw)
        seen.append(list(ranked))
        return ranked

    monkeypatch.setattr(qa.engine, "rescore", spy)
    return seen


@pytest.mark.parametrize(
    "question", ["terrorism trial", "wheat and fishing", "the finance minister resigns", "zzz"]
)
def test_facets_count_exactly_the_candidate_cables(
    hand_engine: Engine, monkeypatch: pytest.MonkeyPatch, question: str
) -> None:
    seen = _spy_ranked(monkeypatch)
    answer = hand_engine.ask(question, facets=True)
    assert answer.facets is not None
    ranked = seen[-1]
    # brute force: every candidate at or above half the best score, each cable once
    best = max((c.score for c in ranked if not c.outside), default=0.0)
    cables = {c.cable_id for c in ranked if not c.outside and c.score >= 0.5 * best}
    stored = [hand_engine.cable(c) for c in cables]
    years = Counter(c.created[:4] for c in stored)  # created: ISO text
    if years and int(max(years)) - int(min(years)) < 2:
        years = Counter(f"{c.created[:4]}-Q{(int(c.created[5:7]) - 1) // 3 + 1}" for c in stored)
    assert answer.facets.cables == len(cables)
    assert answer.facets.years == dict(years)
    assert answer.facets.origins == dict(Counter(c.origin for c in stored))
    assert answer.facets.tags == dict(Counter(t for c in stored for t in c.tags))


def test_facets_only_when_asked(hand_engine: Engine) -> None:
    assert hand_engine.ask("terrorism trial").facets is None
    assert "facets" not in hand_engine.ask("terrorism trial").to_json()
    data = hand_engine.ask("terrorism trial", facets=True).to_json()
    assert list(data["facets"]) == ["cables", "by", "years", "origins", "tags"]


def test_facet_periods_and_order() -> None:
    rows = [
        CableFacts("A", 20060115, "Embassy Paris", "PREL FR"),
        CableFacts("B", 20060520, "Embassy Paris", "PREL"),
        CableFacts("C", 20071231, "Embassy Rome", "PREL IT"),
        CableFacts("D", None, None, None),
    ]
    short = facets_module.count(rows)
    assert (short.by, short.years) == ("quarter", {"2006-Q1": 1, "2006-Q2": 1, "2007-Q4": 1})
    assert list(short.origins.items()) == [
        ("Embassy Paris", 2),
        ("Embassy Rome", 1),
        ("unknown", 1),
    ]
    assert list(short.tags.items()) == [("PREL", 3), ("FR", 1), ("IT", 1)]
    long = facets_module.count([*rows, CableFacts("E", 20090101, "Embassy Rome", "")])
    assert (long.by, long.years) == ("year", {"2006": 2, "2007": 1, "2009": 1})
    assert facets_module.count([]).cables == 0


def test_qa_ask_facets(monkeypatch: pytest.MonkeyPatch, hand_store: Path) -> None:
    monkeypatch.setattr("qa.engine.Engine", lambda s: Engine(s, encoder=BagEncoder()))
    base = ["--store", str(hand_store), "--model", BagEncoder.name, "ask"]
    run = CliRunner().invoke
    data = json.loads(run(cli, [*base, "--json", "--facets", "terrorism trial"]).output)
    assert set(data["facets"]) == {"cables", "by", "years", "origins", "tags"}
    assert "facets" not in json.loads(run(cli, [*base, "--json", "terrorism trial"]).output)
    text = run(cli, [*base, "--facets", "terrorism trial"]).output
    assert text.startswith("best matching cables: ")
    assert "\norigins: " in text and "\ntags: " in text
    markdown = run(cli, [*base, "--markdown", "--facets", "terrorism trial"]).output
    assert "\n- best matching cables: " in markdown and "\n- origins: " in markdown


@pytest.mark.slow
def test_real_model_similar_and_facets(real_engine: Engine) -> None:
    found = real_engine.similar("06MADRID293", "1", k=5)
    assert found.hits and all(h.cable_id != "06MADRID293" for h in found.hits)
    scores = [h.score for h in found.hits]
    assert scores == sorted(scores, reverse=True) and -1.0 <= scores[-1] <= scores[0] <= 1.0
    answer = real_engine.ask("Why did Spain's chief prosecutor resign?", facets=True)
    assert answer.facets is not None and answer.facets.cables >= 1
    assert sum(answer.facets.origins.values()) == answer.facets.cables


def test_a_paragraph_is_marked_by_shared_words_not_read_as_a_question() -> None:
    """`qa similar` marks neighbours against the source paragraph: its "why" must not
    turn on the why-question rules (the next sentence carrying the reason)."""
    from embeddings.view import HitRow
    from qa.present import present
    from qa.rescore import Candidate

    text = "The minister resigned. The minister left office."
    source = "Nobody says why the minister resigned."

    class Rows:  # the one lookup `present` makes of the store
        def hit_rows(self, pids: list[int]) -> dict[int, HitRow]:
            return {1: HitRow(1, "07LONDON1", "2", text, "UK", 20070301, "London", "U", "")}

    as_question = present(Rows(), [Candidate(1)], source)[0]  # type: ignore[arg-type]
    as_paragraph = present(Rows(), [Candidate(1)], source, asked=False)[0]  # type: ignore[arg-type]
    assert text[slice(*as_paragraph.highlight)] == "The minister resigned."
    assert as_question.highlight != as_paragraph.highlight
