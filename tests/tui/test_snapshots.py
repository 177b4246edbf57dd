"""SVG snapshots of the TUI's main states at 80×24 and 120×40 (real store, real model).

Regenerate after a deliberate change with `pytest tests/tui --snapshot-update`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from qa.config import Settings
from qa.tui.app import CableQAApp

pytestmark = pytest.mark.slow

SIZES = [(80, 24), (120, 40)]
SIZE_IDS = ["80x24", "120x40"]
QUESTION = "How should we engage Mexico on border violence?"


async def answered(pilot: Any) -> None:
    pilot.app.query_one("#question").value = QUESTION
    await pilot.press("enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()  # the transcript scrolls to the answer after a refresh


async def viewer(pilot: Any) -> None:
    await answered(pilot)
    await pilot.press("tab", "down", "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()  # the viewer scrolls to the ¶ after its first refresh


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
    "viewer": viewer,
    "filters": filters,
    "keys": keys,
}


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("state", list(STATES), ids=list(STATES))
def test_snapshot(
    snap_compare: Any, engine: Any, tui_settings: Settings, state: str, size: tuple[int, int]
) -> None:
    app = CableQAApp(tui_settings, engine=engine)
    assert snap_compare(app, terminal_size=size, run_before=STATES[state])
