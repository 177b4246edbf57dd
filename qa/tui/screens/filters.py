"""The filters panel: restrictions that apply to the next questions."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label

from qa.answer import Filters
from qa.dates import parse_option

FIELDS: tuple[tuple[str, str, str], ...] = (
    ("since", "Since", "YYYY-MM-DD or YYYY"),
    ("until", "Until", "YYYY-MM-DD or YYYY"),
    ("origin", "Origin", "e.g. Mexico, Paris, Secretary of State"),
    ("classification", "Classification", "e.g. CONFIDENTIAL, SECRET"),
    ("tag", "TAG", "e.g. PREL, SMIG, MX"),
)


class FilterError(ValueError):
    """A value in the panel that the engine could not use."""


def parse_date(text: str, *, end: bool) -> str | None:
    """A date from the panel as `--since`/`--until` read it (`qa.dates.parse_option`):
    YYYY, YYYY-MM or YYYY-MM-DD, a partial date meaning its first or last day."""
    text = text.strip()
    if not text:
        return None
    try:
        return parse_option(text, end=end)
    except ValueError:
        raise FilterError(f"not a date: {text!r} (use YYYY-MM-DD or YYYY)") from None


def parse_filters(values: dict[str, str]) -> Filters:
    since = parse_date(values.get("since", ""), end=False)
    until = parse_date(values.get("until", ""), end=True)
    if since and until and since > until:
        raise FilterError(f"since {since} is after until {until}")
    tag = values.get("tag", "").strip().upper() or None
    return Filters(
        since=since,
        until=until,
        origin=values.get("origin", "").strip() or None,
        classification=values.get("classification", "").strip().upper() or None,
        tag=tag,
    )


class FiltersScreen(ModalScreen[Filters | None]):
    """Returns the new filters, or None when cancelled."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, current: Filters) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="filters-dialog"):
            yield Label(Content("Filters for the next questions"), id="filters-title")
            with Grid(id="filters-grid"):
                for name, label, hint in FIELDS:
                    yield Label(Content(label))
                    value = getattr(self.current, name) or ""
                    yield Input(value, placeholder=hint, id=f"filter-{name}")
            yield Label(Content(""), id="filters-error")
            with Horizontal(id="filters-buttons"):
                yield Button(Content("Apply"), variant="primary", id="apply")
                yield Button(Content("Clear all"), id="clear")
                yield Button(Content("Cancel"), id="cancel")

    def values(self) -> dict[str, str]:
        return {name: self.query_one(f"#filter-{name}", Input).value for name, _, _ in FIELDS}

    @on(Input.Submitted)
    @on(Button.Pressed, "#apply")
    def apply(self) -> None:
        try:
            filters = parse_filters(self.values())
        except FilterError as exc:
            self.query_one("#filters-error", Label).update(Content(str(exc)))
            return
        self.dismiss(replace(filters, strict_dates=self.current.strict_dates))  # Ctrl+T's

    @on(Button.Pressed, "#clear")
    def clear(self) -> None:
        self.dismiss(Filters())

    @on(Button.Pressed, "#cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
