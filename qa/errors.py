"""The errors `qa` raises on purpose: branches of the one tree in `corpus.errors`."""

from __future__ import annotations

from corpus.errors import CableQAError


class SettingsError(CableQAError, ValueError):
    """A setting (a flag or a ``QA_*`` variable) outside what it can be."""


class EngineError(CableQAError):
    """A question the engine cannot run (bad mode, unusable store)."""


class RetrievalError(EngineError):
    """The store cannot answer a query (missing index, model mismatch, broken Chroma)."""


class EvalError(CableQAError):
    """An evaluation file that cannot be read (no questions, a line without id or question)."""


class ServerError(CableQAError):
    """A `qa serve` that cannot be reached, refuses the request, or fails (`qa.client`)."""
