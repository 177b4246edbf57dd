"""The 2011 `cables.csv` layout, streamed: the real file is 1.6 GB.

Records are found by their opening (`"N","MM/DD/YYYY HH:MM",`) rather than by
the csv module alone, so one row with a broken quote is reported on its own
instead of swallowing every row after it.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from corpus.assemble import Known, build_cable
from corpus.clean import decode_entities
from corpus.errors import ParseError
from corpus.ids import canonical_id
from corpus.models import Cable, ReadError

ROW_START = re.compile(r'^"\d+","\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}",')
FIELDS = 8


def looks_like(head: str) -> bool:
    return ROW_START.match(head) is not None


def _records(path: Path) -> Iterator[tuple[int, str]]:
    """(row number, raw record text), one record at a time."""
    row = 0
    lines: list[str] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for line in handle:
            if ROW_START.match(line):
                if lines:
                    yield row, "".join(lines)
                row += 1
                lines = [line]
            elif lines:
                lines.append(line)
            else:
                row += 1
                lines = [line]
    if lines:
        yield row, "".join(lines)


def parse_row(record: str, source: str, row: int) -> Cable:
    """One raw record → `Cable`; a malformed record is a `ParseError` naming its row."""
    reader = csv.reader(
        io.StringIO(record, newline=""), escapechar="\\", doublequote=False, strict=True
    )
    fields = next(reader, [])
    if any(extra for extra in reader):
        raise ParseError(source, "text after the last quoted field of the row", row)
    if len(fields) != FIELDS:
        raise ParseError(source, f"expected {FIELDS} quoted fields, found {len(fields)}", row)
    _ident, created, ref_id, origin, classification, refs, _header, body = fields
    try:
        stamp = datetime.strptime(created.strip(), "%m/%d/%Y %H:%M")
    except ValueError as error:
        raise ParseError(source, f"unreadable date {created!r}", row) from error
    cable_id = canonical_id(ref_id)
    if cable_id is None:
        raise ParseError(source, f"unreadable reference ID {ref_id!r}", row)
    references = tuple(
        ref for ref in (canonical_id(item) for item in refs.split(",") if item.strip()) if ref
    )
    known = Known(cable_id, stamp, origin.strip(), classification.strip(), references)
    return build_cable(decode_entities(body), known, f"{source}#row={row}")


def read_csv(path: Path) -> Iterator[Cable | ReadError]:
    source = str(path)
    for row, record in _records(path):
        try:
            yield parse_row(record, source, row)
        except ParseError as error:
            yield ReadError(source, error.reason, row)
        except (csv.Error, ValueError, RecursionError) as error:
            yield ReadError(source, f"unreadable row: {error}", row)
