"""The line above the question box: what the TUI is doing, and the filters in force."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from qa.answer import Filters
from qa.tui.session import describe_filters, summary


class StatusBar(Static):
    def show(self, note: str, state: str, filters: Filters) -> None:
        """`state` ("loading", "ready", "failed") is the bar's style class."""
        self.set_classes(state)
        parts: list[str | tuple[str, str]] = []
        if note:
            parts.append((note, "bold"))
        if describe_filters(filters):
            if parts:
                parts.append("  ")
            parts.append(("Filters: ", "$text-muted"))
            parts.append(summary(filters))
        elif not note:
            parts.append(("No filters (Ctrl+F to add)", "$text-muted"))
        self.update(Content.assemble(*parts))
