"""What the TUI needs from the engine, written as a protocol.

`qa.engine` pulls in the model and Chroma; the TUI imports it only inside a
worker thread, and this protocol lets the widgets stay typed without it. Whichever
engine answers, a cable comes back as a `corpus.models.ShownCable`.
"""

from __future__ import annotations

from typing import Protocol

from corpus.models import Paragraph, ShownCable
from qa.answer import Asker, Neighbours


class EngineLike(Asker, Protocol):
    """The engine's questions (`qa.answer.Asker`) and cable look-ups, as the TUI uses them."""

    def similar(self, cable_id: str, para: str, *, k: int = 10) -> Neighbours: ...

    def cable(self, cable_id: str) -> ShownCable[Paragraph] | None: ...

    def referencing(self, cable_id: str) -> list[str]: ...

    def close(self) -> None: ...
