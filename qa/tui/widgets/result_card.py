"""One cited paragraph in the transcript: the answering sentence first, with a line of
context; Space shows the whole paragraph, Enter opens the cable, `c` copies."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from corpus.display import shown, shown_line
from qa.answer import Answer, Hit
from qa.render import OUTSIDE, also_line, snippet

HIGHLIGHT_STYLE = "bold $text-warning on $warning-muted"
CITATION_STYLE = "bold $text-accent"
CONTEXT = 120
"""Characters of context around the answering sentence in a folded card, split either
side: about a line at 80 columns."""
LONGEST_SENTENCE = 400
"""A folded card cuts a longer answering sentence (one with no full stop for pages)."""


def cleaned(hit: Hit) -> tuple[str, int, int]:
    """The hit's text made inert (`shown`: one character for each, so the answering
    sentence's offsets still hold); (-1, -1) when there is none."""
    text = shown(hit.text)
    start, end = hit.highlight
    return (text, start, end) if 0 <= start < end <= len(text) else (text, -1, -1)


def folded(hit: Hit) -> tuple[str, str, str]:
    """(before, sentence, after): the answering sentence with some context, on one line,
    as `qa ask` shows it on a terminal (`qa.render.snippet`); "…" marks a cut."""
    text, start, end = cleaned(hit)
    inert = replace(hit, text=text, highlight=(max(start, 0), max(end, 0)))
    return snippet(inert, min(end - start, LONGEST_SENTENCE) + CONTEXT)


def is_cut(hit: Hit) -> bool:
    """Whether the folded card leaves part of the paragraph out."""
    before, sentence, after = folded(hit)
    whole = " ".join(cleaned(hit)[0].split())
    return len(" ".join((before + sentence + after).split())) < len(whole)


def card_content(hit: Hit, *, expanded: bool = True) -> Content:
    """The card's text, built from plain strings so cable text is never markup: the whole
    paragraph (`expanded`), else the answering sentence with a line of context."""
    text, start, end = cleaned(hit)
    if expanded:
        body = (
            Content.assemble(text[:start], (text[start:end], HIGHLIGHT_STYLE), text[end:])
            if start >= 0
            else Content(text)
        )
    else:
        before, sentence, after = folded(hit)
        body = Content.assemble(before, (sentence, HIGHLIGHT_STYLE), after)
    subject = shown_line(hit.subject) or "(no subject)"
    facts = [hit.date + (f" ({OUTSIDE})" if hit.outside_dates else ""), hit.origin]
    meta = " · ".join(shown_line(v) for v in (*facts, hit.classification) if v)
    parts: list[str | tuple[str, str] | Content] = [
        (f"{hit.rank:>2} ", "bold"),
        (hit.citation, CITATION_STYLE),
        "  ",
        (subject, "bold"),
        "\n",
        (meta, "$text-muted"),
        "\n",
        body,
    ]
    if hit.also:
        parts += ["\n", (shown_line(also_line(hit)), "$text-muted")]
    if is_cut(hit):
        more = "Space: fold" if expanded else "Space: the whole paragraph"
        parts += ["\n", (more, "italic $text-muted")]
    return Content.assemble(*parts)


class ResultCard(Static, can_focus=True):
    """A hit from an answer, folded to its answering sentence; Space unfolds it, Enter or a
    click opens its cable at the paragraph."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open cable"),
        Binding("space", "fold", "Whole ¶"),
        Binding("c", "app.copy_citation", "Copy citation"),
        Binding("down,j", "app.focus_next", "Next", show=False),
        Binding("up,k", "app.focus_previous", "Previous", show=False),
        Binding("escape", "app.focus_question", "Question", show=False),
    ]

    expanded: reactive[bool] = reactive(False, init=False)
    """The whole paragraph shown, not only the answering sentence and its context."""

    class Open(Message):
        """The user wants to read the cable around this hit."""

        def __init__(self, hit: Hit, answer: Answer) -> None:
            super().__init__()
            self.hit = hit
            self.answer = answer

    def __init__(self, hit: Hit, answer: Answer) -> None:
        super().__init__(card_content(hit, expanded=False), markup=False, classes="result-card")
        self.hit = hit
        self.answer = answer

    def watch_expanded(self, expanded: bool) -> None:
        self.update(card_content(self.hit, expanded=expanded))
        self.set_class(expanded, "expanded")

    def action_fold(self) -> None:
        self.expanded = not self.expanded

    def action_open(self) -> None:
        self.post_message(self.Open(self.hit, self.answer))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_open()
