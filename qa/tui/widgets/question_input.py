"""The question input, with shell-like recall of earlier questions."""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import Input


class QuestionInput(Input):
    """Up and Down walk through the questions asked so far, newest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up", "recall(-1)", "Earlier question", show=False),
        Binding("down", "recall(1)", "Later question", show=False),
        Binding("tab", "app.focus_results", "Results", show=False),
    ]

    def __init__(self, **kwargs: object) -> None:
        super().__init__(placeholder="Ask a question about the cables…", **kwargs)  # type: ignore[arg-type]
        self.history: list[str] = []
        self._cursor: int | None = None  # index into history while recalling
        self._draft = ""

    def remember(self, question: str) -> None:
        if question and (not self.history or self.history[-1] != question):
            self.history.append(question)
        self._cursor = None

    def action_recall(self, step: int) -> None:
        if not self.history:
            return
        if self._cursor is None:
            if step > 0:
                return
            self._draft = self.value
            self._cursor = len(self.history)
        self._cursor = max(0, self._cursor + step)
        if self._cursor >= len(self.history):
            self._cursor = None
            self.value = self._draft
        else:
            self.value = self.history[self._cursor]
        self.cursor_position = len(self.value)
