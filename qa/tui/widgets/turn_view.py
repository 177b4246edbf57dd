"""One question of the conversation and what came back for it."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import Button, Static

from corpus.display import shown_line
from qa.answer import Answer, Facets
from qa.facets import UNKNOWN_ORIGIN
from qa.filter_words import NOTHING, dropped_reason, nothing_found
from qa.tui.session import Turn, describe_filters
from qa.tui.widgets.flow import Flow
from qa.tui.widgets.result_card import ResultCard

NOTHING_STRONG = (
    "Nothing strong found: no paragraph clearly answers this. "
    "The closest ones follow; judge them with care."
)


class FilterChip(Button):
    """A filter in force for an answer; pressing it asks again without that filter (the
    "dates" chip: with the dates read from the question strict, or preferred)."""

    def __init__(self, name: str, value: str, inferred: bool) -> None:
        how = "from question" if inferred else "filter"
        label = Content.assemble((f"{name}", "bold"), f" {value} ({how}) ✕")
        if name == "dates":  # pressing it asks again with the dates strict, or preferred
            turn = "make strict" if value == "preferred" else "make preferred"
            label = Content.assemble(("dates", "bold"), f" {value} ({turn})")
        super().__init__(label, compact=True, classes="filter-chip")
        self.filter_name = name


FACETS_SHOWN = 3
"""Buttons per facet under an answer: its commonest periods, posts and TAGs."""


class FacetChip(Button):
    """A period, post or TAG common among the answer's best cables; pressing it narrows
    the next questions' filters to it."""

    def __init__(self, name: str, value: str, count: int) -> None:
        label = Content(f"{shown_line(value)} · {count}")  # a cable's origin or TAG: inert
        super().__init__(label, compact=True, classes="facet-chip")
        self.facet_name = name
        self.facet_value = value


def facet_groups(facets: Facets) -> list[Flow]:
    """Each facet's name with its commonest values as buttons, kept together on a line
    where they fit."""
    periods = sorted(facets.years.items(), key=lambda kv: (-kv[1], kv[0]))
    groups: list[Flow] = []
    for name, shown, counts in (
        ("period", "quarters" if facets.by == "quarter" else "years", periods),
        ("origin", "posts", [kv for kv in facets.origins.items() if kv[0] != UNKNOWN_ORIGIN]),
        ("tag", "TAGs", list(facets.tags.items())),
    ):
        if counts:
            chips = [FacetChip(name, value, count) for value, count in counts[:FACETS_SHOWN]]
            label = Static(Content(shown), classes="facets-label")
            groups.append(Flow(label, *chips, classes="facet-group"))
    return groups


class TurnView(Vertical):
    """Question line, filter chips, status line and result cards of one turn."""

    class FilterRemoved(Message):
        def __init__(self, turn: Turn, name: str) -> None:
            super().__init__()
            self.turn = turn
            self.name = name

    class FacetChosen(Message):
        def __init__(self, name: str, value: str) -> None:
            super().__init__()
            self.name = name
            self.value = value

    def __init__(self, turn: Turn) -> None:
        super().__init__(classes="turn", id=f"turn-{turn.number}")
        self.turn = turn

    def compose(self) -> ComposeResult:
        yield Static(
            Content.assemble(
                (f"Q{self.turn.number} ", "bold $text-primary"), shown_line(self.turn.question)
            ),
            classes="question",
        )
        for name in ("chips", "facets"):
            row = Flow(classes=name)
            row.display = False  # shown with its buttons: an empty row takes no line
            yield row
        dropped = Static(classes="dropped")
        dropped.display = False  # shown when filters read from the question were let go
        yield dropped
        yield Static(Content("Searching…"), classes="status pending")

    def show_answer(self, answer: Answer) -> AwaitMount:
        self.turn = replace(self.turn, answer=answer)
        chips = self.query_one(".chips", Flow)
        chips.remove_children()
        shown = describe_filters(answer.filters)
        chips.display = bool(shown)
        chips.mount_all(
            FilterChip(name, value, name in answer.filters.inferred) for name, value in shown
        )
        if answer.facets is not None and answer.facets.cables:
            facets = self.query_one(".facets", Flow)
            n = answer.facets.cables
            label = Static(
                Content(f"{n} best cable{'s' if n != 1 else ''}:"),
                classes="facets-label facets-count",
            )
            facets.display = True
            facets.mount_all([label, *facet_groups(answer.facets)])
        dropped = self.query_one(".dropped", Static)
        reason = dropped_reason(answer.filters)  # "no cable 06MEXICO3305: shown from other cables"
        dropped.display = reason is not None
        dropped.update(Content(shown_line(reason or "")))  # values read from the store
        status = self.query_one(".status", Static)
        status.remove_class("pending")
        if not answer.hits:
            why = nothing_found(answer.filters, hint="")
            status.update(Content(why if why != NOTHING else f"{NOTHING} Try other words."))
            status.add_class("weak")
        elif not answer.answered:
            status.update(Content(NOTHING_STRONG))
            status.border_title = "Nothing strong found"
            status.add_class("weak")
            self.add_class("weak")
        else:
            n = len(answer.hits)
            status.update(Content(f"{n} paragraph{'s' if n != 1 else ''}"))
        return self.mount_all(ResultCard(hit, answer) for hit in answer.hits)

    def show_error(self, message: str) -> None:
        self.turn = replace(self.turn, error=message)
        status = self.query_one(".status", Static)
        status.remove_class("pending")
        status.add_class("error")
        status.update(Content(f"Failed: {shown_line(message)}"))

    def show_cancelled(self) -> None:
        status = self.query_one(".status", Static)
        status.remove_class("pending")
        status.update(Content("Superseded by a newer question."))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if isinstance(event.button, FilterChip):
            event.stop()
            self.post_message(self.FilterRemoved(self.turn, event.button.filter_name))
        elif isinstance(event.button, FacetChip):
            event.stop()
            self.post_message(self.FacetChosen(event.button.facet_name, event.button.facet_value))
