"""Pilot tests of more like this (`m` in the cable viewer) and of the facet buttons under
an answer, on a hand-made store with the bag-of-words encoder: they run in seconds."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from qa.answer import Filters
from qa.client import RemoteEngine
from qa.config import Settings
from qa.engine import Engine
from qa.server import create_app
from qa.tui.app import CableQAApp
from qa.tui.saved import Saved, load, save, session_path
from qa.tui.screens.cable_viewer import CableScreen
from qa.tui.session import narrowed
from qa.tui.widgets.turn_view import FacetChip
from tests.fakes import BagEncoder
from tests.qa.conftest import whole_paragraph
from tests.qa.test_explore import COPIES
from tests.tui.test_app import ask, settle, sync


@pytest.fixture(scope="module")
def copies(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Engine]]:
    from embeddings.ingest import IngestOptions, ingest_cables

    store: Path = tmp_path_factory.mktemp("tui-copies")
    ingest_cables(
        iter(COPIES), IngestOptions(store_dir=store, encoder=BagEncoder(), windower=whole_paragraph)
    )
    settings = Settings(store=store, model=BagEncoder.name)
    engine = Engine(settings, encoder=BagEncoder())
    yield settings, engine
    engine.close()


@pytest.fixture
def remote_copies(copies: Any) -> Iterator[RemoteEngine]:
    """The thin client over `qa serve`'s app on the same store, in process (no port)."""
    settings, _ = copies
    app = create_app(
        settings, workers=1, engine_factory=lambda: Engine(settings, encoder=BagEncoder())
    )
    with TestClient(app) as http:
        remote = RemoteEngine(str(http.base_url))
        remote._http.close()
        remote._http = http
        yield remote


@pytest.mark.parametrize("over", ["engine", "server"])
@sync
async def test_m_opens_the_closest_paragraph_of_another_cable(
    copies: Any, over: str, request: pytest.FixtureRequest
) -> None:
    settings, engine = copies
    if over == "server":  # the same keys through `RemoteEngine.similar` and /similar
        engine = request.getfixturevalue("remote_copies")
    app = CableQAApp(settings, engine=engine)
    async with app.run_test(size=(100, 30)) as pilot:
        assert app.engine is not None
        await app.push_screen(CableScreen(app.engine, "07LONDON1", "1"))
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CableScreen) and screen.cable_id != "07LONDON1"
        # the closest is a copy of the paragraph's text, opened at that paragraph
        assert (screen.cable_id, screen.paragraph) in {("07ROME2", "2"), ("07BERLIN3", "1")}
        assert screen.query_one(".para.marked").id == f"para-{screen.paragraph}"
        await pilot.press("n")  # the next neighbour: the near copy in Oslo
        await settle(pilot)
        assert (screen.cable_id, screen.paragraph) == ("08OSLO4", "1")
        await pilot.press("escape")
        await pilot.pause()
        back = app.screen
        assert isinstance(back, CableScreen) and back.cable_id == "07LONDON1"


@sync
async def test_facet_buttons_narrow_the_next_questions(copies: Any) -> None:
    settings, engine = copies
    app = CableQAApp(settings, engine=engine)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, "Will the finance minister resign?")
        chips = list(app.query_one("#turn-1").query(FacetChip))
        assert {c.facet_name for c in chips} == {"period", "origin", "tag"}
        origin = next(c for c in chips if c.facet_name == "origin")
        origin.press()
        await pilot.pause()
        assert app.filters.origin == origin.facet_value
        period = next(c for c in chips if c.facet_name == "period")
        period.press()
        await pilot.pause()
        assert app.filters.origin == origin.facet_value  # narrowed, not replaced
        assert app.filters.since is not None and app.filters.since[:4] == period.facet_value[:4]
        await ask(pilot, "the budget dispute")
        answer = app.turns[-1].answer
        assert answer is not None and answer.hits
        assert {h.origin for h in answer.hits} == {origin.facet_value}


def test_narrowed() -> None:
    assert narrowed(Filters(tag="PREL"), "period", "2006-Q2") == Filters(
        since="2006-04-01", until="2006-06-30", tag="PREL"
    )
    assert narrowed(Filters(), "period", "2008") == Filters(since="2008-01-01", until="2008-12-31")
    inferred = Filters(origin="Paris", inferred=("origin",))
    assert narrowed(inferred, "tag", "ECON") == Filters(origin="Paris", tag="ECON")


@sync
async def test_a_session_goes_on_where_it_was_left(copies: Any, tmp_path: Path) -> None:
    settings, engine = copies
    path = tmp_path / "tui-session.json"
    app = CableQAApp(settings, engine=engine, session=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, "Will the finance minister resign?")
        next(c for c in app.query(FacetChip) if c.facet_name == "tag").press()
        await pilot.pause()
        await ask(pilot, "and the budget?")
        first = app.turns[0]
        filters = app.filters
    again = CableQAApp(settings, engine=engine, session=path)
    async with again.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert [t.question for t in again.turns] == [
            "Will the finance minister resign?",
            "and the budget?",
        ]
        assert again.turns[0] == first  # answers, facets and filters as they were
        assert again.filters == filters and again.history == [t.question for t in again.turns]
        assert not again.query("#welcome")
        assert len(again.query_one("#turn-1").query(FacetChip)) > 0
        await ask(pilot, "olive harvests")  # numbering goes on
        assert again.query_one("#turn-3") is not None
    assert len(load(path).turns) == 3


@sync
async def test_filters_and_a_new_conversation_are_kept_at_once(copies: Any, tmp_path: Path) -> None:
    """Filters chosen (a facet, Ctrl+T) or a new conversation (Ctrl+N) are in the session
    file when chosen, not only with the next answer: quitting then loses none of them."""
    settings, engine = copies
    path = tmp_path / "tui-session.json"
    app = CableQAApp(settings, engine=engine, session=path)
    async with app.run_test(size=(100, 30)) as pilot:
        await ask(pilot, "Will the finance minister resign?")
        assert load(path).filters == Filters() and load(path).history
        next(c for c in app.query(FacetChip) if c.facet_name == "tag").press()
        await pilot.pause()
        assert load(path).filters.tag and load(path).filters == app.filters
        await pilot.press("ctrl+t")
        await pilot.pause()
        assert load(path).filters.strict_dates
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert load(path).history == () and len(load(path).turns) == 1


def test_unreadable_or_unwritable_sessions(tmp_path: Path) -> None:
    path = tmp_path / "tui-session.json"
    assert load(path) == Saved()
    path.write_text("{not json", encoding="utf-8")
    assert load(path) == Saved()
    path.write_text('{"version": 99, "turns": []}', encoding="utf-8")
    assert load(path) == Saved()
    assert not save(tmp_path / "missing" / "tui-session.json", Saved(filters=Filters(tag="X")))


def test_qa_tui_new_starts_afresh(
    copies: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import qa.tui.app

    store = tmp_path / "store"
    store.mkdir()
    path = session_path(store)
    save(path, Saved(history=("earlier",)))
    seen: list[Saved] = []
    monkeypatch.setattr(qa.tui.app.CableQAApp, "run", lambda self: seen.append(self.restored))
    qa.tui.app.run(Settings(store=store))
    qa.tui.app.run(Settings(store=store), new=True)
    assert [s.history for s in seen] == [("earlier",), ()]
    assert load(path).history == ("earlier",)  # kept until the new session is saved over it
