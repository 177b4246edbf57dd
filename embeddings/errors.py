"""Typed store and encoder errors (the tree is in `corpus.errors`): each message is one
line the CLI can print as is."""

from __future__ import annotations

from corpus.errors import CableQAError


class StoreError(CableQAError):
    """The store is missing, corrupt, locked or built for another model."""


class ModelMismatchError(StoreError):
    """The store's vectors came from another model; mixing them would rank nonsense."""

    def __init__(self, stored: str, wanted: str) -> None:
        super().__init__(f"store was built with model {stored}; this run uses {wanted}")
        self.stored = stored
        self.wanted = wanted


class StoreLockedError(StoreError):
    """Another ingest holds the writer lock: two writers lose each other's vectors."""


class EncoderError(CableQAError):
    """A model that cannot be found, loaded or run."""


class ExportUnsupportedError(EncoderError):
    """A model whose module stack the hand-made ONNX export does not reproduce."""
