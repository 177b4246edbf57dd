"""The cable model every later layer trusts: immutable, hashable, format-free."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from corpus.dates import day_number, iso_day


@dataclass(frozen=True, slots=True)
class Paragraph:
    """One paragraph as the cable numbers it.

    ``number`` is the cable's own number as a string (``"4"``), unique within
    its cable (a restarted or repeated number gets a letter suffix: ``"4b"``).
    ``"0"`` holds searchable text before ¶1. Unnumbered cables number their
    paragraphs in reading order with ``numbered=False``.
    """

    number: str
    text: str
    mark: str | None = None  # classification mark: "C", "S", "U", "SBU", "S/NF", ...
    heading: str | None = None  # section heading above the paragraph
    numbered: bool = True


@dataclass(frozen=True, slots=True)
class Cable:
    """A cable with its header metadata and its paragraphs."""

    id: str  # canonical reference ID: "06MEXICO3305"
    created: datetime
    origin: str  # "Embassy Mexico"
    classification: str  # "CONFIDENTIAL", "SECRET//NOFORN", "UNCLASSIFIED", ...
    subject: str
    tags: tuple[str, ...] = ()
    references: tuple[str, ...] = ()  # canonical IDs from REF lines
    classified_by: str | None = None
    partial: bool = False  # the source holds only an extract
    source: str = ""  # path (and "#row=N" for CSV rows)
    content_hash: str = ""  # sha256 of what was parsed: id, metadata, paragraphs
    paragraphs: tuple[Paragraph, ...] = field(default=())
    # Only the year of `created` is certain (a stated ID or a year hint, no dated field):
    # `created` is then the first of January of that year.
    date_approximate: bool = False

    @property
    def date(self) -> str:
        return iso_day(day_number(self.created))


P = TypeVar("P", bound=Paragraph, covariant=True)


@dataclass(frozen=True, slots=True)
class ShownCable(Generic[P]):
    """A stored cable as every front end shows it: what the ledger returns
    (`embeddings.records.StoredCable` extends it), what `qa serve` sends a thin client,
    and what the TUI reads. ``created`` is ISO text, ``date`` yyyymmdd
    (`corpus.dates.day_number`); `P` is the paragraph type, the ledger's adding its IDs."""

    id: str
    created: str
    date: int
    origin: str
    classification: str
    subject: str
    tags: tuple[str, ...]
    refs: tuple[str, ...]
    classified_by: str | None
    partial: bool
    paragraphs: tuple[P, ...]
    date_approximate: bool = False  # only the year of `created` is certain


@dataclass(frozen=True, slots=True)
class ReadError:
    """A file or CSV row that could not be read; reading goes on after it."""

    source: str
    reason: str
    row: int | None = None
    refused: bool = False
    """Read, and refused for what its bytes hold (a `ParseError`: a bad date, another
    cable's text). False where the reading failed (a read error, a reader's bug) or the
    run's options could read it (an undated file with no `--year`): then nothing follows
    from what the file did not give."""

    def __str__(self) -> str:
        where = f"{self.source} row {self.row}" if self.row is not None else self.source
        return f"{where}: {self.reason}"
