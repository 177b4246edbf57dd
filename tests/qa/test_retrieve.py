"""The lexical retriever at its edges: term budget, and filters applied here or in SQL."""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import cast

import numpy as np
import pytest

from corpus.models import Cable
from embeddings.ledger import Ledger
from embeddings.view import LedgerView
from qa import retrieve
from qa.answer import Filters
from qa.rescore import Tuning
from tests.fakes import BagEncoder
from tests.qa.conftest import hand_cable, whole_paragraph

COMMON = ["government", "minister", "officials", "said", "meeting", "week"]
RARE = ["fungairino", "taheri", "icesave", "gripen", "marange", "otunbayeva", "alakrana", "tomcat"]
POSTS = ("Embassy Madrid", "Embassy Paris", "Embassy Oslo", "Embassy Astana")


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LedgerView]:
    """120 invented cables over four posts and 2005-2009: common words everywhere,
    each rare word in a few paragraphs."""
    from embeddings.ingest import IngestOptions, ingest_cables

    rng = random.Random(7)
    cables = []
    for i in range(120):
        paras = []
        for j in range(4):
            words = rng.sample(COMMON, 4) + ([RARE[(i + j) % len(RARE)]] if j == 0 else [])
            paras.append(" ".join(words) + f" item {i} {j}.")
        cables.append(
            hand_cable(
                f"0{5 + i % 5}TEST{i}",
                paras,
                subject=f"TEST {i}",
                created=datetime(2005 + i % 5, 1 + i % 12, 1 + i % 28),
                origin=POSTS[i % 4],
            )
        )
    store = tmp_path_factory.mktemp("lexical-store")
    ingest_cables(
        iter(cables), IngestOptions(store_dir=store, encoder=BagEncoder(), windower=whole_paragraph)
    )
    view = LedgerView.open(store)
    yield view
    view.close()


FILTERS = [
    ("year", Filters(since="2007-01-01", until="2007-12-31")),
    ("origin", Filters(origin="Paris")),
    ("year and origin", Filters(since="2006-01-01", until="2006-12-31", origin="Oslo")),
    ("nothing passes", Filters(origin="Tegucigalpa")),
]


@pytest.mark.parametrize("overfetch", [20, 1], ids=["filtered-here", "sql-fallback"])
@pytest.mark.parametrize(("case", "filters"), FILTERS, ids=[c[0] for c in FILTERS])
def test_filtering_matches_here_equals_the_sql_join(
    view: LedgerView,
    monkeypatch: pytest.MonkeyPatch,
    case: str,
    filters: Filters,
    overfetch: int,
) -> None:
    monkeypatch.setattr(retrieve, "OVERFETCH", overfetch)
    index = retrieve.VectorIndex.load(view)
    keep = index.paragraph_filter(view, filters)
    for terms in (["minister", "gripen"], ["taheri"], ["minister", "week", "border"]):
        columns = Tuning().bm25_columns
        joined = retrieve.lexical(view, terms, filters, 20, columns)
        here = retrieve.lexical(view, terms, filters, 20, columns, keep=keep)
        assert [p for p, _ in here] == [p for p, _ in joined], (case, terms)
        assert here == pytest.approx(joined)


def test_term_stats_estimate_how_common_words_are(view: LedgerView) -> None:
    stats = retrieve.TermStats.sample(view)
    assert stats.sampled == 480  # fewer paragraphs than the sample: all of them
    assert stats.postings("minister") > 200
    assert 10 <= stats.postings("gripen") <= 20
    assert stats.postings("nowhere") == pytest.approx(0.5)


def test_term_stats_count_the_paragraphs_a_rewritten_store_holds() -> None:
    """Cables written again (changed, or cut anew) leave their old ids unused: the sample
    draws ids in proportion and scales by the paragraphs there are, not the newest id."""

    class Rewritten:  # ids 1-6,000, of which the even ones remain
        def newest_paragraph(self) -> int:
            return 6000

        def paragraph_count(self) -> int:
            return 3000

        def paragraph_texts(self, pids: Sequence[int]) -> list[str]:
            return [f"minister {'gripen' if p % 100 == 0 else 'talks'}" for p in pids if p % 2 == 0]

    stats = retrieve.TermStats.sample(cast(LedgerView, Rewritten()))
    assert stats.paragraphs == 3000 and stats.sampled == 3000  # every id drawn, half there
    assert stats.postings("minister") == pytest.approx(3000)
    assert stats.postings("gripen") == pytest.approx(60)


def test_lexical_terms_keep_the_rarest_within_the_budget(
    view: LedgerView, monkeypatch: pytest.MonkeyPatch
) -> None:
    stats = retrieve.TermStats.sample(view)
    question = "What did the minister say in a meeting about the Gripen and Taheri?"
    everything = ["minister", "meeting", "gripen", "taheri"]
    assert retrieve.lexical_terms(question, stats) == everything
    monkeypatch.setattr(retrieve, "LEXICAL_POSTINGS", 100)
    assert retrieve.lexical_terms(question, stats) == ["gripen", "taheri"]
    monkeypatch.setattr(retrieve, "LEXICAL_POSTINGS", 1)
    assert retrieve.lexical_terms("minister meeting", stats) in (
        ["minister"],
        ["meeting"],
    )  # the rarer of two common words, at least one term
    assert retrieve.lexical_terms(question, None) == everything


def test_paragraph_filter_refuses_paragraphs_newer_than_the_index(view: LedgerView) -> None:
    index = retrieve.VectorIndex.load(view)
    keep = index.paragraph_filter(view, Filters(origin="Paris"))
    top = int(index.pids.max())
    assert not keep(np.array([top + 1, top + 1000], dtype=np.int64)).any()


def test_term_stats_are_cached_until_the_store_grows(view: LedgerView, tmp_path: Path) -> None:
    cache = tmp_path / "cache" / "qa-terms.json"
    first = retrieve.TermStats.load(view, cache)
    assert cache.exists() and first.sampled == 480
    cache.write_text(cache.read_text().replace('"sampled": 480', '"sampled": 479'))
    assert retrieve.TermStats.load(view, cache).sampled == 479  # read back, not sampled
    cache.write_text(cache.read_text().replace('"paragraphs": 480', '"paragraphs": 100'))
    assert retrieve.TermStats.load(view, cache).sampled == 480  # grown: sampled again
    cache.write_text("not json")
    assert retrieve.TermStats.load(view, cache).sampled == 480


def test_row_metadata_is_extended_after_an_add_and_matches_a_rebuild(tmp_path: Path) -> None:
    from embeddings.ingest import IngestOptions, ingest_cables

    def cables(first: int, count: int) -> list[Cable]:
        return [
            hand_cable(
                f"09TEST{i}",
                [f"paragraph one of {i}", f"paragraph two of {i}"],
                subject=f"TEST {i}",
                created=datetime(2009, 1, 1 + i % 28),
                origin=POSTS[i % 4],
            )
            for i in range(first, first + count)
        ]

    def add(items: list[Cable]) -> None:
        ingest_cables(
            iter(items),
            IngestOptions(store_dir=tmp_path, encoder=BagEncoder(), windower=whole_paragraph),
        )

    add(cables(0, 6))
    led = Ledger.open(tmp_path)
    try:
        first = retrieve.VectorIndex.load(LedgerView(led))
        add(cables(6, 4))
        extended = retrieve.VectorIndex.load(LedgerView(led))
        assert extended.pids.size == first.pids.size + 8
        assert np.array_equal(extended.pids[: first.pids.size], first.pids)
        for path in (tmp_path / "cache").iterdir():
            path.unlink()
        rebuilt = retrieve.VectorIndex.load(LedgerView(led))
        assert np.array_equal(extended.pids, rebuilt.pids)
        assert np.array_equal(extended.cables, rebuilt.cables)
        assert np.array_equal(np.asarray(extended.vectors), np.asarray(rebuilt.vectors))
    finally:
        led.close()


def test_fts_query_quotes_terms_and_stars_prefixes() -> None:
    assert retrieve.fts_query(['say "no"', "AND"], prefixes=["hunga"]) == (
        '"say ""no""" OR "AND" OR "hunga"*'
    )


def test_a_store_without_vectors_finds_nothing_and_does_not_fail() -> None:
    """A server started before the first ingest: its index is empty, not broken."""
    empty = retrieve.VectorIndex(
        np.empty((0, 0), dtype=np.float32),
        np.empty(0, dtype=np.int64),
        np.empty(0, dtype=np.int64),
        0,
    )
    query = np.ones(384, dtype=np.float32)
    assert empty.search(query, 10) == []
    assert empty.search(query, 10, np.empty(0, dtype=np.bool_)) == []
