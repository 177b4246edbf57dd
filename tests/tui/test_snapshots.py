"""SVG snapshots of the TUI's screens at 80×24 and 120×40, on `FakeEngine` (real cables,
answers in milliseconds): the answer with its facets, a nothing-strong answer, the cable
viewer, more like this, the filter panel, the keys and the welcome screen.

Regenerate after a deliberate change with `pytest tests/tui --snapshot-update`, and look
at the SVGs before committing them. The input's cursor is held still: it blinks every half
second, and on a loaded machine the picture was sometimes taken with it off.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from qa.config import Settings
from qa.tui.app import CableQAApp
from tests.fakes import FakeEngine

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
QUESTION = "How should we engage Mexico on border violence?"
WEAK = "Did the olive harvest fail in Iceland?"


@pytest.fixture(autouse=True)
def steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cursor stays as focus or the last key left it (shown), whatever the time taken."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


async def settled(pilot: Any) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()  # the transcript (or the viewer) scrolls after a refresh


async def asked(pilot: Any, question: str) -> None:
    pilot.app.query_one("#question").value = question
    await pilot.press("enter")
    await settled(pilot)


async def answered(pilot: Any) -> None:
    await asked(pilot, QUESTION)


async def weak(pilot: Any) -> None:
    await asked(pilot, WEAK)


async def viewer(pilot: Any) -> None:
    await answered(pilot)
    await pilot.press("tab", "down", "enter")
    await settled(pilot)


async def more_like_this(pilot: Any) -> None:
    await viewer(pilot)
    await pilot.press("m")
    await settled(pilot)
    await settled(pilot)


async def filters(pilot: Any) -> None:
    await pilot.press("ctrl+f")
    await pilot.pause()


async def keys(pilot: Any) -> None:
    await answered(pilot)
    await pilot.press("tab", "question_mark")
    await pilot.pause()


async def welcome(pilot: Any) -> None:
    await pilot.pause()


STATES: dict[str, Callable[[Any], Awaitable[None]]] = {
    "welcome": welcome,
    "answered": answered,
    "weak": weak,
    "viewer": viewer,
    "more-like-this": more_like_this,
    "filters": filters,
    "keys": keys,
}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("state", list(STATES), ids=list(STATES))
def test_snapshot(
    snap_compare: Any, fake_engine: FakeEngine, tmp_path: Path, state: str, size: tuple[int, int]
) -> None:
    app = CableQAApp(Settings(store=tmp_path / "store"), engine=fake_engine)
    assert snap_compare(app, terminal_size=size, run_before=STATES[state])
