"""Command palette: open a cable by typing its ID."""

from __future__ import annotations

from functools import partial
from typing import Protocol, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content

from qa.tui.screens.open_cable import parse_cable_id


class OpensCables(Protocol):
    def open_cable(self, cable_id: str, paragraph: str | None = None) -> None: ...
    def action_open_cable(self) -> None: ...


class CableIdProvider(Provider):
    """Typing `06MEXICO3305` (or `open 06mexico3305`) offers to open that cable."""

    async def discover(self) -> Hits:
        app = cast(OpensCables, self.app)
        yield DiscoveryHit(
            "Open cable by ID…", app.action_open_cable, help="Read a cable from the store"
        )

    async def search(self, query: str) -> Hits:
        app = cast(OpensCables, self.app)
        text = query.strip()
        if text.lower().startswith("open "):
            text = text[5:]
        cable_id = parse_cable_id(text)
        if cable_id is not None:
            yield Hit(
                100.0,
                Content.assemble("Open cable ", (cable_id, "bold")),
                partial(app.open_cable, cable_id),
                text=f"Open cable {cable_id}",
                help="Read the whole cable",
            )
        matcher = self.matcher(query)
        score = matcher.match("Open cable by ID…")
        if score > 0:
            yield Hit(score, matcher.highlight("Open cable by ID…"), app.action_open_cable)
