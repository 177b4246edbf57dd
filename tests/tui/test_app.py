"""Pilot tests of the TUI on a real store with the real model."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any

import pytest

from qa.config import Settings
from qa.tui.app import CableQAApp
from qa.tui.screens.cable_viewer import CableScreen, RefButton
from qa.tui.session import citation_line
from qa.tui.widgets.result_card import ResultCard
from qa.tui.widgets.turn_view import FilterChip
from tests.tui.conftest import screen_text

pytestmark = pytest.mark.slow


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain test (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


BORDER = "How should we engage Mexico on border violence?"


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def ask(pilot: Any, question: str) -> None:
    box = pilot.app.query_one("#question")
    box.focus()
    box.value = question
    await pilot.press("enter")
    await settle(pilot)


def cards(app: CableQAApp, turn: int) -> list[ResultCard]:
    return list(app.query_one(f"#turn-{turn}").query(ResultCard))


@sync
async def test_asking_shows_cited_cards(engine: Any, tui_settings: Settings) -> None:
    app = CableQAApp(tui_settings, engine=engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        shown = cards(app, 1)
        assert shown, "no result cards"
        first = shown[0].hit
        assert first.cable_id == "06MEXICO3305"
        assert app.turns[0].answer is not None and app.turns[0].answer.answered
        text = screen_text(app)
        assert first.citation in text
        assert "ENGAGING THE NEW MEXICAN ADMINISTRATION" in text


@sync
async def test_follow_up_passes_the_conversation(engine: Any, tui_settings: Settings) -> None:
    follow = "What about the southern border?"
    app = CableQAApp(tui_settings, engine=engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        await ask(pilot, follow)
        got = [c.hit.citation for c in cards(app, 2)]
        with_history = [h.citation for h in engine.ask(follow, history=[BORDER]).hits]
        assert got == with_history
        assert app.history == [BORDER, follow]
        assert got and got[0].startswith("06MEXICO3305")
        box = app.query_one("#question")
        box.focus()
        await pilot.press("up")
        assert box.value == follow
        await pilot.press("up")
        assert box.value == BORDER
        await pilot.press("down", "down")
        assert box.value == ""


@sync
async def test_enter_opens_the_viewer_at_the_paragraph(engine: Any, tui_settings: Settings) -> None:
    app = CableQAApp(tui_settings, engine=engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, "Mexico's southern border is largely uncontrolled")
        await pilot.press("tab", "down")
        card = app.focused
        assert isinstance(card, ResultCard) and card is cards(app, 1)[1]
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CableScreen)
        assert (screen.cable_id, screen.paragraph) == (card.hit.cable_id, card.hit.paragraph)
        marked = screen.query(".para.marked")
        assert len(marked) == 1
        body = screen.query_one("#cable-body")
        assert body.scroll_y > 0 or card.hit.paragraph in ("0", "1")
        assert f"¶{card.hit.paragraph}" in screen_text(app)
        assert "PREL (external political relations)" in screen_text(app)
        await pilot.press("n")
        await settle(pilot)
        assert screen.paragraph == cards(app, 1)[2].hit.paragraph


@sync
async def test_filters_panel_changes_results(engine: Any, tui_settings: Settings) -> None:
    app = CableQAApp(tui_settings, engine=engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        assert cards(app, 1)[0].hit.origin == "Embassy Mexico"
        await pilot.press("ctrl+f")
        await pilot.pause()
        app.screen.query_one("#filter-origin").value = "Madrid"
        app.screen.query_one("#filter-since").value = "2006"
        await pilot.click("#apply")
        await pilot.pause()
        assert app.filters.origin == "Madrid" and app.filters.since == "2006-01-01"
        await ask(pilot, BORDER)
        second = cards(app, 2)
        assert second and all("Madrid" in c.hit.origin for c in second)
        assert "Filters:" in screen_text(app)


@sync
async def test_removing_an_inferred_filter_asks_again(engine: Any, tui_settings: Settings) -> None:
    app = CableQAApp(tui_settings, engine=engine)
    async with app.run_test(size=(120, 40)) as pilot:
        await ask(pilot, "What did the court decide about the Spanish Taliban in 2006?")
        answer = app.turns[0].answer
        assert answer is not None and "since" in answer.filters.inferred
        chip = next(c for c in app.query(FilterChip) if c.filter_name == "since")
        await pilot.click(chip)
        await settle(pilot)
        again = app.turns[1].answer
        assert again is not None
        assert again.filters.since is None and "since" not in again.filters.inferred


@sync
async def test_palette_opens_a_cable_by_id(engine: Any, tui_settings: Settings) -> None:
    app = CableQAApp(tui_settings, engine=engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"06madrid2657")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CableScreen) and screen.cable_id == "06MADRID2657"
        refs = {b.cable_id: b.disabled for b in screen.query(RefButton)}
        assert refs["06MADRID1914"] is False  # in the store: openable
        assert refs["06MADRID1799"] is True  # referenced but not in the store
        assert "06MADRID3104" in refs  # it references this cable
        screen.query_one("#references").scroll_visible(animate=False)
        button = next(b for b in screen.query(RefButton) if b.cable_id == "06MADRID1914")
        button.press()
        await settle(pilot)
        assert isinstance(app.screen, CableScreen) and app.screen.cable_id == "06MADRID1914"


@sync
async def test_copy_puts_the_citation_on_the_clipboard(engine: Any, tui_settings: Settings) -> None:
    app = CableQAApp(tui_settings, engine=engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        await pilot.press("tab", "c")
        hit = cards(app, 1)[0].hit
        assert app.clipboard == citation_line(hit)
        assert app.clipboard.startswith(f"{hit.citation}, “ENGAGING THE NEW MEXICAN")
        assert "2006-06-15" in app.clipboard and "Mexico" in app.clipboard


@sync
async def test_export_writes_every_citation(
    engine: Any, tui_settings: Settings, tmp_path: Path
) -> None:
    app = CableQAApp(tui_settings, engine=engine, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        await ask(pilot, "Spanish Taliban court")
        await pilot.press("ctrl+s")
        await pilot.pause()
        exported = (tmp_path / "cable-qa-session.md").read_text(encoding="utf-8")
        for card in app.query(ResultCard):
            assert card.hit.citation in exported
        assert f"## 1. {BORDER}" in exported and "## 2. Spanish Taliban court" in exported


@sync
async def test_missing_store_becomes_a_notification(tmp_path: Path) -> None:
    app = CableQAApp(Settings(store=tmp_path / "missing"))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await ask(pilot, BORDER)
        messages = [n.message for n in app._notifications]
        assert any("no store at" in m for m in messages), messages
        assert app.turns[0].error is not None
        assert "Failed: no store at" in screen_text(app)
        assert app.is_running


@sync
async def test_cable_text_is_shown_literally(hostile_store: Path) -> None:
    app = CableQAApp(Settings(store=hostile_store))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await ask(pilot, "lighthouse keepers petition for lamps")
        text = screen_text(app)
        assert "[bold red]x[/]" in text
        assert "[31mred" in text and "\x1b" not in text
        assert "MARKUP [bold red]x[/] IN A SUBJECT" in text
        await pilot.press("tab", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CableScreen)
        shown = screen_text(app)
        assert "[bold red]x[/]" in shown and "[31mred" in shown and "\x1b" not in shown
