"""The keys, on `?`: what a reader can do from where they are."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS: tuple[tuple[str, str], ...] = (
    ("Enter", "ask the question / open the focused result"),
    ("Up / Down", "recall earlier questions; move between results"),
    ("Tab / Shift+Tab", "move between the input and the results"),
    ("Space", "the whole paragraph of the focused result, or fold it"),
    ("c", "copy the focused citation with subject, date, origin"),
    ("Ctrl+F", "filters for the next questions"),
    ("Ctrl+T", "strict dates: a question's date excludes other cables"),
    ("Ctrl+O", "open a cable by ID"),
    ("Ctrl+S", "export the session to Markdown"),
    ("Ctrl+P", "command palette"),
    ("Ctrl+N", "new conversation (forget earlier questions)"),
    ("Facet buttons", "narrow the next questions to that period, post or TAG"),
    ("In a cable", "n/p next/previous hit, m more like this, r references, c copy, Esc back"),
    ("?", "this help"),
    ("Ctrl+Q", "quit"),
)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "app.pop_screen", "Close")
    ]

    def compose(self) -> ComposeResult:
        width = max(len(k) for k, _ in KEYS) + 2
        lines = Content.assemble(
            ("Keys\n", "bold"),
            *(
                part
                for key, what in KEYS
                for part in ((key.ljust(width), "bold $text-accent"), what + "\n")
            ),
        )
        with Vertical(id="help-dialog"):
            yield Static(lines.rstrip(), id="help-text")
            yield Static(Content("Esc to close"), id="help-close")
