"""One frozen picture of the store, read once per generation and passed through a
question's stages: no stage asks the store again what another already read."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.filters import post_places

if TYPE_CHECKING:
    from embeddings.view import LedgerView


@dataclass(frozen=True, slots=True)
class StoreState:
    generation: int
    """The ledger's write counter: a new value means another process wrote."""
    places: dict[str, str]
    """Lower-cased place name -> origin value to filter on (`filters.post_places`)."""
    tags: frozenset[str]
    """Every TAG a stored cable carries: which four capitals in a question are TAGs."""
    records: int
    """Vector records (paragraph windows): decides exact scan or HNSW."""
    paragraphs: int
    """How many paragraphs the store holds: what a name's rarity is a share of."""

    @classmethod
    def read(cls, view: LedgerView, generation: int) -> StoreState:
        return cls(
            generation=generation,
            places=post_places(view.origins()),
            tags=view.tags(),
            records=view.records(),
            paragraphs=view.paragraph_count(),
        )
