"""A small prompt for a cable ID, from the palette or Ctrl+O."""

from __future__ import annotations

import re
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

CABLE_ID = re.compile(
    r"^\s*(?P<year>\d{2})\s*(?P<origin>[A-Za-z][A-Za-z ]*?)\s*(?P<number>\d+)\s*$"
)


def parse_cable_id(text: str) -> str | None:
    """A canonical reference ID from what a person typed (`06mexico 3305` → `06MEXICO3305`)."""
    m = CABLE_ID.match(text)
    if m is None:
        return None
    origin = m["origin"].replace(" ", "").upper()
    return f"{m['year']}{origin}{int(m['number'])}"


class OpenCableScreen(ModalScreen[str | None]):
    """Returns the canonical ID typed, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def compose(self) -> ComposeResult:
        with Vertical(id="open-dialog"):
            yield Label(Content("Open a cable by its reference ID"))
            yield Input(placeholder="e.g. 06MEXICO3305", id="open-id")
            yield Label(Content(""), id="open-error")

    @on(Input.Submitted)
    def submit(self, event: Input.Submitted) -> None:
        cable_id = parse_cable_id(event.value)
        if cable_id is None:
            self.query_one("#open-error", Label).update(
                Content("Not a reference ID: two-digit year, origin, number.")
            )
            return
        self.dismiss(cable_id)

    def action_cancel(self) -> None:
        self.dismiss(None)
