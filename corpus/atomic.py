"""Files written whole or not at all: readers never see a half-written cache or session.

The store folder is shared by processes (a TUI and an ingest, two `qa ask` at once),
and any of them may be killed mid-write; a rename within a folder is atomic, so a
file is written beside its final name and renamed over it.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path


def write_atomic(path: Path, write: Callable[[Path], object]) -> None:
    """Call `write` with a temporary path beside `path` (same suffix, so writers that
    add one, like `numpy.save`, leave it be), then rename it over `path`.

    The temporary name holds the process and thread, so concurrent writers never share
    one, and `write` creates it as it would `path` (the umask's permissions, not
    `mkstemp`'s owner-only ones). When `write` or the rename fails the temporary file
    is removed and the error raised.
    """
    tmp = path.with_name(f".{path.stem}.{os.getpid()}-{threading.get_ident()}.tmp{path.suffix}")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()


def write_text_atomic(path: Path, text: str) -> None:
    """`text` as UTF-8 in `path`, whole or not at all."""
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
