"""Plain-text cables: the raw telegram, with or without the record's fields above it."""

from __future__ import annotations

from corpus.assemble import Known, build_cable
from corpus.clean import decode_entities
from corpus.formats.record import parse_record_fields
from corpus.models import Cable
from corpus.subject import clean_subject


def parse_text(text: str, source: str, year: int | None = None) -> Cable:
    """`year`: the year of a file that states no date of its own (a reader's hint)."""
    lines = decode_entities(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")
    record = parse_record_fields(lines)
    known = Known(
        id=record.id,
        created=record.created,
        origin=record.origin,
        classification=record.classification,
        partial=record.partial,
        subject=clean_subject(record.subject) if record.subject is not None else None,
    )
    return build_cable("\n".join(lines[record.end :]), known, source, year=year)
