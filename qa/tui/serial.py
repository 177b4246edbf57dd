"""One engine call at a time, whichever worker thread makes it.

Workers run in fresh threads: the viewer may load a cable while a question
runs. The engine holds a SQLite connection and a model, so calls are
serialised here rather than trusting every layer below to be thread-safe.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING

from corpus.models import Paragraph, ShownCable
from qa.answer import Answer, AskOptions, Neighbours
from qa.tui.ports import EngineLike

if TYPE_CHECKING:
    from typing_extensions import Unpack


class SerialEngine:
    def __init__(self, engine: EngineLike) -> None:
        self.engine = engine
        self._lock = threading.Lock()

    def ask(self, question: str, **options: Unpack[AskOptions]) -> Answer:
        with self._lock:
            return self.engine.ask(question, **options)

    def similar(self, cable_id: str, para: str, *, k: int = 10) -> Neighbours:
        with self._lock:
            return self.engine.similar(cable_id, para, k=k)

    def cable(self, cable_id: str) -> ShownCable[Paragraph] | None:
        with self._lock:
            return self.engine.cable(cable_id)

    def referencing(self, cable_id: str) -> list[str]:
        with self._lock:
            return [str(ref) for ref in self.engine.referencing(cable_id)]

    def close(self) -> None:
        with self._lock:
            self.engine.close()
