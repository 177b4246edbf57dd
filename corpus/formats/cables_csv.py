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
from typing import TextIO

from corpus.assemble import Known, build_cable
from corpus.clean import decode_entities
from corpus.errors import ParseError
from corpus.formats.compressed import READ_ERRORS, open_bytes
from corpus.ids import canonical_id
from corpus.models import Cable, ReadError

ROW_START = re.compile(r'^"\d+","\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}",')
FIELDS = 8
# Far beyond any cable (the longest bodies run to a few hundred KB): a longer record is not one.
MAX_RECORD_CHARS = 8 * 1024 * 1024


def looks_like(head: str) -> bool:
    return ROW_START.match(head) is not None


def _records(path: Path, encoding: str = "utf-8") -> Iterator[tuple[int, str]]:
    """(row number, raw record text), one record at a time; oversized records left out."""
    with path.open(encoding=encoding, errors="replace", newline="") as handle:
        for row, record, problem in _raw_records(handle):
            if problem is None:
                yield row, record


def _raw_records(handle: TextIO) -> Iterator[tuple[int, str, str | None]]:
    """(row number, raw record text, why it cannot be read or None).

    Memory stays bounded whatever the file holds: the text of an oversized record
    (a giant line) is dropped as it is read, and zero bytes in one (a file extended
    with `truncate`) end the file, which is not read to its end.
    """
    row = 0
    lines: list[str] = []
    size = 0
    problem: str | None = None
    for line, kind in _lines(handle):
        if row == 0 or ROW_START.match(line):
            if row:
                yield row, "".join(lines), problem
            row, lines, size, problem = row + 1, [], 0, None
        size += len(line)
        if kind == BINARY:
            problem = "zero bytes in an overlong row: the rest of the file is not read"
        elif kind == LONG or size > MAX_RECORD_CHARS:
            problem = problem or f"row longer than {MAX_RECORD_CHARS // 2**20} MB, skipped"
        if problem is None:
            lines.append(line)
        else:
            lines = []
    if row:
        yield row, "".join(lines), problem


WHOLE, LONG, BINARY = "whole", "long", "binary"


def _lines(handle: TextIO) -> Iterator[tuple[str, str]]:
    """Lines and their kind; of an overlong line only its opening is kept."""
    while line := handle.readline(MAX_RECORD_CHARS):
        if len(line) < MAX_RECORD_CHARS or line[-1] in "\r\n":
            yield line, WHOLE
            continue
        if "\x00" in line:
            yield line[:200], BINARY
            return
        while (more := handle.readline(MAX_RECORD_CHARS)) and more[-1] not in "\r\n":
            pass
        yield line[:200], LONG


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


def read_csv(path: Path, encoding: str = "utf-8") -> Iterator[Cable | ReadError]:
    """Every row as a `Cable` or a `ReadError` naming it; a failing read ends the file only.
    A compressed file is read through its decompressor (`corpus.formats.compressed`)."""
    source = str(path)
    try:
        raw, _compression = open_bytes(path)
        with io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="") as handle:
            for row, record, problem in _raw_records(handle):
                yield (
                    _row(record, source, row)
                    if problem is None
                    else ReadError(source, problem, row, refused=True)
                )
    except READ_ERRORS as error:
        yield ReadError(source, f"read failed: {getattr(error, 'strerror', None) or error}")


def _row(record: str, source: str, row: int) -> Cable | ReadError:
    try:
        return parse_row(record, source, row)
    except ParseError as error:
        return ReadError(source, error.reason, row, refused=error.final)
    except csv.Error as error:
        return ReadError(source, f"unreadable row: {error}", row, refused=True)
    except Exception as error:  # a parser bug must not end the file: report it with the row
        return ReadError(source, f"csv reader failed: {type(error).__name__}: {error}", row)
