"""The model and Chroma of an ingest, each opened when first needed."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from embeddings.encoder import Encoder
from embeddings.ledger import Ledger
from embeddings.tally import Tally


class Lazy:
    """The model and Chroma, each opened when first needed (Chroma after a repair)."""

    def __init__(
        self,
        store_dir: Path,
        chroma_url: str | None,
        load: Callable[[], Encoder],
        tally: Tally,
    ) -> None:
        self.store_dir, self.chroma_url, self.load, self.tally = store_dir, chroma_url, load, tally
        self._encoder: Encoder | None = None
        self._chroma: Any = None
        self.notes: list[str] = []

    def encoder(self) -> Encoder:
        if self._encoder is None:
            t0 = time.perf_counter()
            encoder = self.load()
            ledger = Ledger.open(self.store_dir)
            try:
                ledger.claim_model(encoder.name, encoder.dimension)
            finally:
                ledger.close()
            self._encoder = encoder
            self.tally.timed("model_load", time.perf_counter() - t0)
        return self._encoder

    def chroma(self, model: str, dimension: int) -> Any:
        if self._chroma is None:
            from embeddings.store import Chroma, repair

            ledger = Ledger.open(self.store_dir)
            try:
                chroma = Chroma(self.store_dir, self.chroma_url, model, dimension)
                note = repair(chroma, ledger)
            finally:
                ledger.close()
            self._chroma = chroma
            if note:
                self.notes.append(note)
        return self._chroma
