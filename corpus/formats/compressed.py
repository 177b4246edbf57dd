"""A file's bytes, through its decompressor when its first bytes show one.

Releases are passed around compressed (`cables.csv.gz`), so every reader opens
files here: gzip, bzip2 and xz are found by their first bytes, like formats,
whatever the file is named.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO, cast

_DECOMPRESSORS: tuple[tuple[bytes, str, Callable[[Path], io.BufferedIOBase]], ...] = (
    (b"\x1f\x8b", "gzip", gzip.GzipFile),
    (b"BZh", "bzip2", bz2.BZ2File),
    (b"\xfd7zXZ\x00", "xz", lzma.LZMAFile),
)

READ_ERRORS = (OSError, EOFError, lzma.LZMAError, zlib.error)
"""What reading a file's bytes may raise, through a decompressor too: a damaged or cut-off
gzip, bzip2 or xz file (`BadGzipFile` and bzip2's errors are `OSError`s; a stream that
ends early, `EOFError`; damaged deflate data, `zlib.error`)."""


def open_bytes(path: Path) -> tuple[BinaryIO, str | None]:
    """`path` opened for its bytes, decompressed, and the compression its first bytes show
    (None: none). A plain file is opened once; a compressed one again, by its
    decompressor (which reads the file as a file opened "rb" is read)."""
    handle = path.open("rb")
    try:
        magic = handle.read(6)
        for signature, name, decompressor in _DECOMPRESSORS:
            if magic.startswith(signature):
                handle.close()
                return cast(BinaryIO, decompressor(path)), name
        handle.seek(0)
    except BaseException:
        handle.close()
        raise
    return handle, None
