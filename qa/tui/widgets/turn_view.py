"""One question of the conversation and what came back for it."""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import AwaitMount
from textual.widgets import Button, Static

from corpus.display import shown_line
from qa.answer import Answer, Facets
from qa.tui.session import Turn, describe_filters
from qa.tui.widgets.result_card import ResultCard

NOTHING_STRONG = "Nothing strong found. The closest paragraphs are below; judge them with care."


class FilterChip(Button):
    """A filter in force for an answer; pressing it asks again without that filter."""

    def __init__(self, name: str, value: str, inferred: bool) -> None:
        how = "from question" if inferred else "filter"
        label = Content.assemble((f"{name}", "bold"), f" {value} ({how}) ✕")
        super().__init__(label, compact=True, classes="filter-chip")
        self.filter_name = name


FACETS_SHOWN = 3
"""Buttons per facet under an answer: its commonest periods, posts and TAGs."""


class FacetChip(Button):
    """A period, post or TAG common among the answer's best cables; pressing it narrows
    the next questions' filters to it."""

    def __init__(self, name: str, value: str, count: int) -> None:
        super().__init__(Content(f"{value} · {count}"), compact=True, classes="facet-chip")
        self.facet_name = name
        self.facet_value = value


def facet_chips(facets: Facets) -> list[FacetChip]:
    periods = sorted(facets.years.items(), key=lambda kv: (-kv[1], kv[0]))
    return [
        FacetChip(name, value, count)
        for name, counts in (
            ("period", periods),
            ("origin", list(facets.origins.items())),
            ("tag", list(facets.tags.items())),
        )
        for value, count in counts[:FACETS_SHOWN]
    ]


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
        yield Horizontal(classes="chips")
        yield Horizontal(classes="facets")
        yield Static(Content("Searching…"), classes="status pending")

    def show_answer(self, answer: Answer) -> AwaitMount:
        self.turn = replace(self.turn, answer=answer)
        chips = self.query_one(".chips", Horizontal)
        chips.remove_children()
        chips.mount_all(
            FilterChip(name, value, name in answer.filters.inferred)
            for name, value in describe_filters(answer.filters)
        )
        if answer.facets is not None and answer.facets.cables:
            facets = self.query_one(".facets", Horizontal)
            n = answer.facets.cables
            label = Static(
                Content(f"{n} best cable{'s' if n != 1 else ''}:"), classes="facets-label"
            )
            facets.mount_all([label, *facet_chips(answer.facets)])
        status = self.query_one(".status", Static)
        status.remove_class("pending")
        if not answer.hits:
            status.update(Content("Nothing found. Try other words or fewer filters."))
            status.add_class("weak")
        elif not answer.answered:
            status.update(Content(NOTHING_STRONG))
            status.add_class("weak")
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
