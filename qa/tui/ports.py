"""What the TUI needs from the engine, written as protocols.

`qa.engine` pulls in the model and Chroma; the TUI imports it only inside a
worker thread, and these protocols let the widgets stay typed without it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from qa.answer import Asker, Neighbours


class StoredParagraphLike(Protocol):
    @property
    def number(self) -> str: ...
    @property
    def text(self) -> str: ...
    @property
    def mark(self) -> str | None: ...
    @property
    def heading(self) -> str | None: ...
    @property
    def numbered(self) -> bool: ...


class StoredCableLike(Protocol):
    @property
    def id(self) -> str: ...
    @property
    def created(self) -> str: ...  # ISO date and time
    @property
    def date(self) -> int: ...  # yyyymmdd
    @property
    def date_approximate(self) -> bool: ...
    @property
    def origin(self) -> str: ...
    @property
    def classification(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def tags(self) -> tuple[str, ...]: ...
    @property
    def refs(self) -> tuple[str, ...]: ...
    @property
    def classified_by(self) -> str | None: ...
    @property
    def partial(self) -> bool: ...
    @property
    def paragraphs(self) -> Sequence[StoredParagraphLike]: ...


class EngineLike(Asker, Protocol):
    """The engine's questions (`qa.answer.Asker`) and cable look-ups, as the TUI uses them."""

    def similar(self, cable_id: str, para: str, *, k: int = 10) -> Neighbours: ...

    def cable(self, cable_id: str) -> StoredCableLike | None: ...

    def referencing(self, cable_id: str) -> list[str]: ...

    def close(self) -> None: ...
