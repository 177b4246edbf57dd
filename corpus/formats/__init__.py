"""Format detection and `read(path)`: files, folders, any mix of formats.

The format is decided by content, not by extension, and a file that cannot be
read becomes a `ReadError` value: one bad file never stops a run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from corpus.errors import ParseError
from corpus.formats import cables_csv, html, markdown
from corpus.formats.text import parse_text
from corpus.models import Cable, ReadError

Parser = Callable[[str, str], Cable]
HEAD_BYTES = 8192
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
) -> Iterator[Cable | ReadError]:
    """Cables (and errors) from a file, a folder walked recursively, or several paths."""
    if isinstance(path, (str, os.PathLike)):
        yield from _read_path(Path(path))
        return
    for item in path:
        yield from _read_path(Path(item))


def _read_path(path: Path) -> Iterator[Cable | ReadError]:
    if path.is_dir():
        for child in _walk(path):
            yield from _read_file(child)
    elif path.exists():
        yield from _read_file(path)
    else:
        yield ReadError(str(path), "no such file or folder")


def _walk(folder: Path) -> Iterator[Path]:
    try:
        children = sorted(folder.iterdir())
    except OSError:
        return
    for child in children:
        if child.name.startswith("."):
            continue
        if child.is_dir():
            yield from _walk(child)
        elif child.is_file():
            yield child


def _read_file(path: Path) -> Iterator[Cable | ReadError]:
    source = str(path)
    try:
        with path.open("rb") as handle:
            head_bytes = handle.read(HEAD_BYTES)
    except OSError as error:
        yield ReadError(source, f"cannot open: {error.strerror or error}")
        return
    if not head_bytes.strip():
        yield ReadError(source, "empty file")
        return
    if b"\x00" in head_bytes:
        yield ReadError(source, "binary file, not a cable")
        return
    head = head_bytes.decode("utf-8", errors="replace")
    kind = detect(head)
    if kind == "csv":
        yield from cables_csv.read_csv(path)
        return
    try:
        data = path.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("cp1252", errors="replace")
        yield READERS[kind](text, source)
    except ParseError as error:
        yield ReadError(source, error.reason, error.row)
    except Exception as error:  # a parser bug must not end the run: report it with the file
        yield ReadError(source, f"{kind} reader failed: {type(error).__name__}: {error}")
