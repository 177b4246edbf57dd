"""Typed parse failures; `corpus.read` turns them into `ReadError` values."""

from __future__ import annotations


class ParseError(Exception):
    """A file (or CSV row) that is not a readable cable."""

    def __init__(self, path: str, reason: str, row: int | None = None) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason
        self.row = row
