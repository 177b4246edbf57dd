"""The single-writer lock: two Chroma writers at once lose about a third of each other's data."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

from embeddings.errors import StoreLockedError

LOCK_NAME = "lock"


class WriterLock:
    """An exclusive ``flock`` on ``store/lock``; the kernel drops it when the holder dies.

    A lock file left behind by a killed process is therefore harmless: only a
    live holder blocks.
    """

    def __init__(self, store_dir: Path) -> None:
        self.path = store_dir / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> WriterLock:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.read(fd, 64).decode("ascii", "replace").strip() or "another process"
            os.close(fd)
            raise StoreLockedError(
                f"another ingest is writing to {self.path.parent} (pid {holder})"
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode("ascii"))
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
