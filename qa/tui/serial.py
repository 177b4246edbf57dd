"""One engine call at a time, whichever worker thread makes it.

Workers run in fresh threads: the viewer may load a cable while a question
runs. The engine holds a SQLite connection and a model, so calls are
serialised here rather than trusting every layer below to be thread-safe.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from qa.answer import Answer, Filters, Neighbours
from qa.tui.ports import EngineLike, StoredCableLike


class SerialEngine:
    def __init__(self, engine: EngineLike) -> None:
        self.engine = engine
        self._lock = threading.Lock()

    def ask(
        self,
        question: str,
        *,
        k: int = 10,
        filters: Filters | None = None,
        history: Sequence[str] = (),
        infer: bool = True,
    ) -> Answer:
        """``infer=False`` asks without reading filters from the question (a filter
        the user removed must not be read back); True leaves it to the settings.
        Answers come with their facets, which the TUI shows under the question."""
        with self._lock:
            return self.engine.ask(
                question,
                k=k,
                filters=filters,
                history=history,
                infer=None if infer else False,
                facets=True,
            )

    def similar(self, cable_id: str, para: str, *, k: int = 10) -> Neighbours:
        with self._lock:
            return self.engine.similar(cable_id, para, k=k)

    def cable(self, cable_id: str) -> StoredCableLike | None:
        with self._lock:
            return self.engine.cable(cable_id)

    def referencing(self, cable_id: str) -> list[str]:
        with self._lock:
            return [str(ref) for ref in self.engine.referencing(cable_id)]

    def close(self) -> None:
        with self._lock:
            self.engine.close()
