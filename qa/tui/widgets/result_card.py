"""One cited paragraph in the transcript: focus it to copy, press Enter to open it."""

from __future__ import annotations

from typing import ClassVar

from textual import events
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.message import Message
from textual.widgets import Static

from corpus.display import shown, shown_line
from qa.answer import Answer, Hit

HIGHLIGHT_STYLE = "bold $text-warning on $warning-muted"
CITATION_STYLE = "bold $text-accent"


def card_content(hit: Hit) -> Content:
    """The card's text, built from plain strings so cable text is never markup."""
    text = shown(hit.text)  # one character for each: the highlight's offsets still hold
    start, end = (max(0, min(i, len(text))) for i in hit.highlight)
    body = (
        Content.assemble(text[:start], (text[start:end], HIGHLIGHT_STYLE), text[end:])
        if 0 <= start < end
        else Content(text)
    )
    subject = shown_line(hit.subject) or "(no subject)"
    meta = " · ".join(shown_line(v) for v in (hit.date, hit.origin, hit.classification) if v)
    return Content.assemble(
        (f"{hit.rank:>2} ", "bold"),
        (hit.citation, CITATION_STYLE),
        "  ",
        (subject, "bold"),
        "\n",
        (meta, "$text-muted"),
        "\n",
        body,
    )


class ResultCard(Static, can_focus=True):
    """A hit from an answer; Enter or a click opens its cable at the paragraph."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open cable"),
        Binding("c", "app.copy_citation", "Copy citation"),
        Binding("down,j", "app.focus_next", "Next", show=False),
        Binding("up,k", "app.focus_previous", "Previous", show=False),
        Binding("escape", "app.focus_question", "Question", show=False),
    ]

    class Open(Message):
        """The user wants to read the cable around this hit."""

        def __init__(self, hit: Hit, answer: Answer) -> None:
            super().__init__()
            self.hit = hit
            self.answer = answer

    def __init__(self, hit: Hit, answer: Answer) -> None:
        super().__init__(card_content(hit), markup=False, classes="result-card")
        self.hit = hit
        self.answer = answer

    def action_open(self) -> None:
        self.post_message(self.Open(self.hit, self.answer))

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.focus()
        self.action_open()
