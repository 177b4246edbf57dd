"""Pilot tests of the TUI on `FakeEngine` (real cables, answers in milliseconds), and one
end-to-end test on a real store with the real model (marked slow)."""

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
from qa.tui.widgets.turn_view import FacetChip, FilterChip
from tests.fakes import FakeEngine
from tests.tui.conftest import screen_text


def sync(test: Callable[..., Coroutine[Any, Any, None]]) -> Callable[..., None]:
    """Run an async Pilot scenario as a plain test (no async plugin needed)."""

    @functools.wraps(test)
    def run(*args: Any, **kwargs: Any) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


BORDER = "How should we engage Mexico on border violence?"
WEAK = "Did the olive harvest fail in Iceland?"
"""Words that `FakeEngine` finds here and there, never together: nothing strong."""
DATED = "Was a German test chamber sold to Iran in 2008?"
"""A date that ranks: the 1988 cable about the chamber comes below, outside the dates."""


async def settle(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def ask(pilot: Any, question: str) -> None:
    box = pilot.app.query_one("#question")
    box.focus()
    box.value = question
    await pilot.press("enter")
    await settle(pilot)


async def open_from_palette(pilot: Any, app: CableQAApp, typed: str) -> CableScreen:
    """Type a cable ID into the command palette and open it; the screen it opened."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*typed)
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, CableScreen)
    return screen


def cards(app: CableQAApp, turn: int) -> list[ResultCard]:
    return list(app.query_one(f"#turn-{turn}").query(ResultCard))


@sync
async def test_the_first_card_shows_the_answering_sentence_at_80x24(
    fake_engine: FakeEngine, settings: Settings
) -> None:
    app = CableQAApp(settings, engine=fake_engine)
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
        sentence = " ".join(first.text[first.highlight[0] : first.highlight[1]].split())
        assert first.highlight[0] > 0  # the sentence is not the paragraph's opening
        lines = " ".join(line.strip() for line in text.splitlines())
        assert sentence in lines  # on screen without scrolling
        assert "Space: the whole paragraph" in text
        # the whole paragraph, and back
        await pilot.press("tab", "space")
        assert shown[0].expanded and first.text.split()[0] in screen_text(app)
        await pilot.press("space")
        assert not shown[0].expanded


@sync
async def test_nothing_strong_is_set_apart(fake_engine: FakeEngine, settings: Settings) -> None:
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, WEAK)
        answer = app.turns[0].answer
        assert answer is not None and answer.hits and not answer.answered
        assert app.query_one("#turn-1").has_class("weak")
        assert "Nothing strong found" in screen_text(app)
        await ask(pilot, BORDER)
        assert not app.query_one("#turn-2").has_class("weak")


@sync
async def test_filters_let_go_are_said(fake_engine: FakeEngine, settings: Settings) -> None:
    """The line `qa ask` prints when filters read from the question were let go: here a
    cable ID the store lacks. Before, the TUI showed nothing of it."""
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, "What does 99MEXICO1 say about border violence?")
        assert "no cable 99MEXICO1: shown from other cables" in screen_text(app)
        assert cards(app, 1)
        await ask(pilot, BORDER)
        assert not app.query_one("#turn-2 .dropped").display


@sync
async def test_facet_buttons_fit_at_80_columns(fake_engine: FakeEngine, settings: Settings) -> None:
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        chips = list(app.query(FacetChip))
        assert len(chips) >= 7
        rows = {c.region.y for c in chips}
        assert len(rows) > 1  # wrapped onto more lines, not scrolled out of sight
        assert all(0 < c.region.right <= 80 for c in chips)
        await pilot.click(chips[-1])
        assert app.filters.tag == chips[-1].facet_value


@sync
async def test_ctrl_t_makes_the_dates_strict(fake_engine: FakeEngine, settings: Settings) -> None:
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, DATED)
        preferred = app.turns[0].answer
        assert preferred is not None and preferred.filters.dates_preferred
        assert any(h.outside_dates for h in preferred.hits)
        assert "dates preferred" in screen_text(app)
        await pilot.press("ctrl+t")
        await settle(pilot)
        assert app.filters.strict_dates
        assert "Filters: dates strict" in screen_text(app)
        again = app.turns[1].answer  # the question asked again, its dates strict
        assert again is not None and again.question == DATED
        assert again.filters.strict_dates and not again.filters.dates_preferred
        assert again.hits and not any(h.outside_dates for h in again.hits)
        assert "dates strict" in screen_text(app)
        await ask(pilot, "Who are the Spanish socialists in 2004?")  # the next ones too
        assert fake_engine.asked[-1][1] is not None and fake_engine.asked[-1][1].strict_dates
        nxt = app.turns[2].answer
        assert nxt is not None and not any(h.outside_dates for h in nxt.hits)
        await pilot.press("ctrl+t")
        assert not app.filters.strict_dates and len(app.turns) == 3  # off: nothing re-asked
        chip = next(
            c for c in app.query_one("#turn-3").query(FilterChip) if c.filter_name == "dates"
        )
        chip.press()  # an answer's "dates strict" chip asks again with them preferred
        await settle(pilot)
        await settle(pilot)
        last = app.turns[3].answer
        assert last is not None and last.filters.dates_preferred


@sync
async def test_follow_up_passes_the_conversation(
    fake_engine: FakeEngine, settings: Settings
) -> None:
    follow = "What about the southern border?"
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        await ask(pilot, follow)
        got = [c.hit.citation for c in cards(app, 2)]
        with_history = [h.citation for h in fake_engine.ask(follow, history=[BORDER]).hits]
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
async def test_enter_opens_the_viewer_at_the_paragraph(
    fake_engine: FakeEngine, settings: Settings
) -> None:
    app = CableQAApp(settings, engine=fake_engine)
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
async def test_filters_panel_changes_results(fake_engine: FakeEngine, settings: Settings) -> None:
    app = CableQAApp(settings, engine=fake_engine)
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
        await ask(pilot, "What does the government say about Afghanistan?")
        second = cards(app, 2)
        assert second and all("Madrid" in c.hit.origin for c in second)
        assert all(c.hit.date >= "2006-01-01" for c in second)
        assert "Filters:" in screen_text(app)


@sync
async def test_removing_an_inferred_filter_asks_again(
    fake_engine: FakeEngine, settings: Settings
) -> None:
    app = CableQAApp(settings, engine=fake_engine)
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


@pytest.mark.slow
@sync
async def test_end_to_end_on_the_real_model(real_engine: Any, tui_settings: Settings) -> None:
    """The one TUI test on the real model and store: an answer, then a cable opened from
    the palette and its references followed."""
    app = CableQAApp(tui_settings, engine=real_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        first = cards(app, 1)[0].hit
        assert first.cable_id == "06MEXICO3305"
        sentence = " ".join(first.text[first.highlight[0] : first.highlight[1]].split())
        assert sentence[:40] in " ".join(line.strip() for line in screen_text(app).splitlines())
        screen = await open_from_palette(pilot, app, "06madrid2657")
        assert screen.cable_id == "06MADRID2657"
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
async def test_palette_opens_a_cable_by_id(fake_engine: FakeEngine, settings: Settings) -> None:
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_from_palette(pilot, app, "08state15220")
        assert screen.cable_id == "08STATE15220"
        assert "further scheming by german firm" in screen_text(app)


@sync
async def test_copy_puts_the_citation_on_the_clipboard(
    fake_engine: FakeEngine, settings: Settings
) -> None:
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        await pilot.press("tab", "c")
        hit = cards(app, 1)[0].hit
        assert app.clipboard == citation_line(hit)
        assert app.clipboard.startswith(f"{hit.citation}, “ENGAGING THE NEW MEXICAN")
        assert "2006-06-15" in app.clipboard and "Mexico" in app.clipboard


@sync
async def test_export_writes_every_citation(
    fake_engine: FakeEngine, settings: Settings, tmp_path: Path
) -> None:
    app = CableQAApp(settings, engine=fake_engine, export_dir=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await ask(pilot, BORDER)
        await ask(pilot, "Spanish Taliban court")
        await pilot.press("ctrl+s")
        await pilot.pause()
        exported = (tmp_path / "cable-qa-session.md").read_text(encoding="utf-8")
        for card in app.query(ResultCard):
            assert card.hit.citation in exported
        assert f"## 1. {BORDER}" in exported and "## 2. Spanish Taliban court" in exported


@pytest.mark.slow
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
async def test_cable_text_is_shown_literally(
    hostile_engine: FakeEngine, settings: Settings
) -> None:
    app = CableQAApp(settings, engine=hostile_engine)
    async with app.run_test(size=(120, 40)) as pilot:
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


@sync
async def test_notifications_are_never_markup(fake_engine: FakeEngine, settings: Settings) -> None:
    """A subject copied or an origin in the filter summary comes from a cable: a
    notification shows it literally, never as markup or an escape sequence."""
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        app.notify("[@click=app.quit]x[/] [/y] \x1b[31mred", title="[b]t[/b]")
        app.query_one("#question").notify("[/z]")  # a widget's goes through the app too
        await pilot.pause()
        shown = list(app._notifications)
        assert [n.markup for n in shown] == [False, False]
        assert shown[0].message == "[@click=app.quit]x[/] [/y] \u241b[31mred"
        assert shown[0].title == "[b]t[/b]" and shown[1].message == "[/z]"
        assert "[/y]" in screen_text(app)
        assert app.is_running


@sync
async def test_a_question_without_words_is_refused_and_kept_in_the_box(
    fake_engine: FakeEngine, settings: Settings
) -> None:
    """The check `qa ask` and `qa serve` make: "???" asks nothing, says why, and stays to
    be mended; a blank line does nothing at all."""
    app = CableQAApp(settings, engine=fake_engine)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await ask(pilot, "   ")
        await ask(pilot, "[/]???")
        assert app.turns == []
        assert [n.message for n in app._notifications] == ["the question '[/]???' has no words"]
        assert app.query_one("#question").value == "[/]???"
        await ask(pilot, BORDER)
        assert len(app.turns) == 1
