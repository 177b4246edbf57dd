"""Format detection and `read(path)`: files, folders, any mix of formats.

The format is decided by content, not by extension, and a file that cannot be
read becomes a `ReadError` value: one bad file never stops a run. A file
compressed with gzip, bzip2 or xz (`cables.csv.gz`, as releases are passed
around) is read through its decompressor, found by its first bytes too.
"""

from __future__ import annotations

import codecs
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Protocol

from corpus.errors import ParseError
from corpus.formats import cables_csv, html, markdown
from corpus.formats.compressed import READ_ERRORS, open_bytes
from corpus.formats.text import parse_text
from corpus.models import Cable, ReadError


class Parser(Protocol):
    """`year`: what the reader says of the year of files that state no date."""

    def __call__(self, text: str, source: str, year: int | None = None) -> Cable: ...


HEAD_BYTES = 8192
# The largest cablegate page is 115 KB; a single-cable file far past that is not a cable, and
# reading it whole (a 2 GB file, a line of tens of MB) would stall a run.
MAX_FILE_BYTES = 8 * 1024 * 1024
# Detection order matters: a CSV body may hold markdown-like lines, an HTML page anything.
READERS: dict[str, Parser] = {
    "html": html.parse_html,
    "markdown": markdown.parse_markdown,
    "text": parse_text,
}


def detect(head: str) -> str:
    """`csv`, `html`, `markdown` or `text`, from the first bytes of a file."""
    if cables_csv.looks_like(head):
        return "csv"
    if html.looks_like(head):
        return "html"
    if markdown.looks_like(head):
        return "markdown"
    return "text"


def read(
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    year: int | None = None,
) -> Iterator[Cable | ReadError]:
    """Cables (and errors) from a file, a folder walked recursively, or several paths.

    `year` is the year of files that state no date of their own (no date line, DTG or
    reference ID): their cables are kept with that year, marked approximate, instead of
    being reported as errors. A date a file states always wins over it.
    """
    if isinstance(path, (str, os.PathLike)):
        yield from _read_path(Path(path), year)
        return
    for item in path:
        yield from _read_path(Path(item), year)


def sniff_encoding(head: bytes) -> str | None:
    """The text encoding of a file from its first bytes; None when they look binary.

    A byte-order mark decides; without one, UTF-16 shows as a zero byte in every other
    position (the high byte of ASCII text), and any other zero byte means binary.
    """
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" not in head:
        return "utf-8"
    half = len(head) // 2
    even, odd = head[0 : 2 * half : 2].count(0), head[1 : 2 * half : 2].count(0)
    if half and odd >= 0.9 * half and even <= 0.05 * half:
        return "utf-16-le"
    if half and even >= 0.9 * half and odd <= 0.05 * half:
        return "utf-16-be"
    return None


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode(data: bytes, encoding: str) -> str:
    """UTF-8 falls back to cp1252, the other encoding cables were saved in; never raises."""
    if encoding == "utf-8":
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return data.decode("cp1252", errors="replace")
    return data.decode(encoding, errors="replace")


def files(
    path: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
) -> Iterator[Path | ReadError]:
    """The files `read` would read, in its order; a path or folder that cannot be
    listed is a `ReadError`. Lets a caller skip files it knows before reading them."""
    if isinstance(path, (str, os.PathLike)):
        yield from _files(Path(path))
        return
    for item in path:
        yield from _files(Path(item))


def _read_path(path: Path, year: int | None) -> Iterator[Cable | ReadError]:
    for item in _files(path):
        if isinstance(item, ReadError):
            yield item
        else:
            yield from read_file(item, year=year)


def _files(path: Path) -> Iterator[Path | ReadError]:
    if path.is_dir():
        yield from _walk(path, set())
    elif path.exists() or path.is_symlink():
        yield path
    else:
        yield ReadError(str(path), "no such file or folder")


def _walk(folder: Path, seen: set[tuple[int, int]]) -> Iterator[Path | ReadError]:
    """Every non-hidden entry is read or reported; a folder reached twice (a link loop) once."""
    try:
        info = folder.stat()
        if (info.st_dev, info.st_ino) in seen:
            return
        seen.add((info.st_dev, info.st_ino))
        children = sorted(folder.iterdir())
    except OSError as error:
        yield ReadError(str(folder), f"cannot list folder: {error.strerror or error}")
        return
    for child in children:
        if child.name.startswith("."):
            continue
        try:
            is_dir = stat.S_ISDIR(child.stat().st_mode)
        except OSError:
            is_dir = False  # a broken link or a link loop: `read_file` names the problem
        if is_dir:
            yield from _walk(child, seen)
        else:
            yield child


def read_file(path: Path, *, year: int | None = None) -> Iterator[Cable | ReadError]:
    """The cables of one file (a CSV gives many), or why it cannot be read; `year` as
    for `read`."""
    source = str(path)
    compression = None
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):
            yield ReadError(source, "not a regular file")
            return
        opened, compression = open_bytes(path)
        # a compressed file's size says nothing of its text's: read up to the limit
        size = info.st_size if compression is None else 0
        with opened as handle:
            head_bytes = handle.read(HEAD_BYTES)
            encoding = sniff_encoding(head_bytes)
            kind = detect(decode(head_bytes, encoding)) if encoding else "binary"
            rest = b""
            if kind not in ("csv", "binary") and size <= MAX_FILE_BYTES:
                rest = handle.read(MAX_FILE_BYTES + 1 - len(head_bytes))
    except READ_ERRORS as error:
        if compression is not None:  # a damaged copy: not a refusal of what it holds
            yield ReadError(source, f"cannot decompress ({compression}): {error}")
        else:
            yield ReadError(source, f"cannot open: {getattr(error, 'strerror', None) or error}")
        return
    if not head_bytes.strip():
        yield ReadError(source, "empty file")
    elif encoding is None:
        yield ReadError(source, _binary(head_bytes))
    elif kind == "csv":
        yield from cables_csv.read_csv(path, encoding)
    elif max(size, len(head_bytes) + len(rest)) > MAX_FILE_BYTES:
        shown = _size(max(size, len(head_bytes) + len(rest)))
        yield ReadError(source, f"too large for a cable: {shown} (limit {_size(MAX_FILE_BYTES)})")
    else:
        yield _parse(decode(head_bytes + rest, encoding), kind, source, year)


_ARCHIVES = ((b"7z\xbc\xaf\x27\x1c", "7z"), (b"PK\x03\x04", "zip"), (b"Rar!", "rar"))


def _binary(head: bytes) -> str:
    """Why bytes that are no text are no cable: an archive (the 2011 release came as a 7z
    file) is named, so that the reader knows to unpack it."""
    for signature, name in _ARCHIVES:
        if head.startswith(signature):
            return f"a {name} archive: unpack it and ingest what it holds"
    if len(head) > 262 and head[257:262] == b"ustar":
        return "a tar archive: unpack it and ingest what it holds"
    return "binary file, not a cable"


def _parse(text: str, kind: str, source: str, year: int | None) -> Cable | ReadError:
    try:
        return READERS[kind](text, source, year)
    except ParseError as error:
        return ReadError(source, error.reason, error.row, refused=error.final)
    except Exception as error:  # a parser bug must not end the run: report it with the file
        return ReadError(source, f"{kind} reader failed: {type(error).__name__}: {error}")


def _size(count: int) -> str:
    if count < 1024:
        return f"{count} bytes"
    value = count / 1024
    for unit in ("KB", "MB"):
        if value < 1024:
            return f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GB"
