"""Messages that worker threads post back to the app."""

from __future__ import annotations

from textual.message import Message

from qa.answer import Answer
from qa.tui.session import Turn


class EngineReady(Message):
    """The model and the store are open; questions can be answered."""


class EngineFailed(Message):
    def __init__(self, error: str) -> None:
        super().__init__()
        self.error = error


class AnswerReady(Message):
    def __init__(self, turn: Turn, answer: Answer) -> None:
        super().__init__()
        self.turn = turn
        self.answer = answer


class AskFailed(Message):
    def __init__(self, turn: Turn, error: str) -> None:
        super().__init__()
        self.turn = turn
        self.error = error


class AskSuperseded(Message):
    """A newer question arrived while this one ran; its answer is dropped."""

    def __init__(self, turn: Turn) -> None:
        super().__init__()
        self.turn = turn
