"""Files already ingested, so that a re-run over unchanged files parses nothing.

Parsing the 1,295 shared pages takes about 10 s and a 1.6 GB ``cables.csv``
half an hour, while an unchanged re-run should take a second. The ledger
keeps, for every file whose cables were all settled, its size, modification
time, a digest of its bytes, the parser it was read with, and the cables it
gave (with their content hashes) and the errors it raised. A later run skips
the file when all of these still hold:

- size and modification time unchanged (as ``git`` and ``make`` trust), or
  failing that an unchanged byte digest (a copy or a fresh clone);
- the same parser: a digest of the ``corpus`` package's own files, so any
  change to the readers re-reads every file (and then re-encodes only the
  cables whose content changed), the same cut into windows (`CUT`), and the
  same year hint (``--year``);
- every cable still in the ledger with the same content hash.

The file's errors are reported again as they would be on a re-read.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sources(
    path TEXT PRIMARY KEY, size INTEGER, mtime_ns INTEGER, digest TEXT, parser TEXT,
    cables TEXT, errors TEXT)
"""
_DIGEST_CHUNK = 1 << 20

CUT = "items"
"""How paragraphs are cut into windows (`embeddings.passages.token_tools`), kept with
every cable's content hash (`stored_hash`) and every file's record: a store cut another
way is cut anew by the next ingest of the same files, which encodes only the windows that
are new (`embeddings.reuse` keeps the others' vectors). "items": each list item of a
multi-point paragraph is a window of its own too."""


ROW = "tags-json"
"""How the ledger writes a cable's row, kept with its content hash: "tags-json", TAGS as a
JSON list (`corpus.tags.packed`; space-separated before, which split `CLINTON, HILLARY` in
two). A store written another way has every cable's row written anew by the next ingest
of the same files, its vectors reused."""


def stored_hash(content_hash: str) -> str:
    """What the ledger keeps of a cable: what was parsed, how it was cut, how it is kept."""
    return f"{content_hash}+cut={CUT}+row={ROW}"


@lru_cache(maxsize=1)
def parser_digest() -> str:
    """What the readers are: their source files and data, hashed."""
    import corpus

    root = Path(corpus.__file__).resolve().parent
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts):
        h.update(str(path.relative_to(root)).encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with path.open("rb") as handle:
        while chunk := handle.read(_DIGEST_CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    size: int
    mtime_ns: int
    digest: str | None = None  # computed only when the stat differs from the record

    @classmethod
    def of(cls, path: Path) -> Fingerprint:
        """Taken before a file is read: a file that changes while it is read then
        fails to match next time, and is read again."""
        info = path.stat()
        return cls(info.st_size, info.st_mtime_ns, file_digest(path))


@dataclass(frozen=True, slots=True)
class SourceRecord:
    """What one file gave when it was last read, and what it was then."""

    cables: tuple[tuple[str, str], ...]  # (cable id, content hash)
    errors: tuple[str, ...]
    size: int = 0
    mtime_ns: int = 0
    digest: str = ""
    parser: str = ""


class Sources:
    """The ``sources`` table of the ledger; one per thread (SQLite connections are)."""

    def __init__(self, conn: sqlite3.Connection, *, year: int | None = None) -> None:
        """``year``: the hint files without a date are read with; it is part of how
        they were read, so a file read with another hint (or none) is read again."""
        self.conn = conn
        conn.execute(_SCHEMA)
        self.parser = parser_digest() + f"+cut={CUT}" + ("" if year is None else f"+year={year}")

    def last(self, path: Path) -> SourceRecord | None:
        """The record of ``path``'s last reading, by whatever reader."""
        row = self.conn.execute(
            "SELECT size, mtime_ns, digest, parser, cables, errors FROM sources WHERE path=?",
            (str(path.resolve()),),
        ).fetchone()
        if row is None:
            return None
        return SourceRecord(
            tuple((c, h) for c, h in json.loads(row[4])),
            tuple(json.loads(row[5])),
            size=row[0],
            mtime_ns=row[1],
            digest=str(row[2]),
            parser=row[3],
        )

    def unchanged(
        self,
        path: Path,
        record: SourceRecord,
        stored: Callable[[list[str]], dict[str, str]],
    ) -> bool:
        """Whether ``path``, last read as ``record`` (`last`), can be skipped: the same
        reader, the same bytes, and the ledger still holding what it gave (``stored``
        gives the ledger's content hashes of the cables named)."""
        if record.parser != self.parser:
            return False
        try:
            info = path.stat()
            if info.st_size != record.size:
                return False
            if info.st_mtime_ns != record.mtime_ns:
                if file_digest(path) != record.digest:
                    return False
                self.conn.execute(
                    "UPDATE sources SET mtime_ns=? WHERE path=?",
                    (info.st_mtime_ns, str(path.resolve())),
                )
        except OSError:
            return False
        hashes = stored([c for c, _h in record.cables])
        return all(hashes.get(c) == h for c, h in record.cables)

    def given_elsewhere(self, cable_ids: Iterable[str], besides: Iterable[Path]) -> set[str]:
        """Those of ``cable_ids`` that the last reading of a file other than ``besides``
        gave."""
        wanted, skip = set(cable_ids), {str(path.resolve()) for path in besides}
        found: set[str] = set()
        for path, cables in self.conn.execute("SELECT path, cables FROM sources"):
            if path not in skip:
                found.update(c for c, _h in json.loads(cables) if c in wanted)
        return found

    def remember(
        self,
        path: Path,
        before: Fingerprint,
        cables: Sequence[tuple[str, str]],
        errors: Sequence[str],
    ) -> None:
        """Record a file read in full, as it was before the read (``before``)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO sources VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                str(path.resolve()),
                before.size,
                before.mtime_ns,
                before.digest,
                self.parser,
                json.dumps(list(cables)),
                json.dumps(list(errors)),
            ),
        )
