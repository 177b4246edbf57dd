"""Ingest progress: the numbers, an input-size estimate for the ETA, and a terminal line.

Plain ``\\r`` lines on stderr: no Rich or Textual here, so the ingest path
stays light and cable text can never reach a markup parser (only counts are
printed).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

CSV_BYTES_PER_CABLE = 6400
"""The 2011 cables.csv: about 1.6 GB for 251,287 rows."""
_CABLE_SUFFIXES = frozenset({".html", ".htm", ".md", ".txt"})


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """A snapshot; ``done`` counts every settled cable (written, skipped or failed)."""

    done: int
    written: int
    paragraphs: int
    records: int
    elapsed: float
    total: int | None  # estimated cables in the input; None when unknown

    @property
    def rate(self) -> float:
        """Paragraphs written per second."""
        return self.paragraphs / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the cable rate so far; None before there is a rate."""
        if self.total is None or self.done == 0 or self.elapsed <= 0:
            return None
        return max(0.0, (self.total - self.done) * self.elapsed / self.done)


def estimate_cables(paths: Sequence[Path]) -> int | None:
    """Cables in the input, from file names and CSV sizes: cheap, good enough for an ETA."""
    total = 0
    try:
        for path in paths:
            files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
            for f in files:
                suffix = f.suffix.lower()
                if suffix == ".csv":
                    total += max(1, f.stat().st_size // CSV_BYTES_PER_CABLE)
                elif suffix in _CABLE_SUFFIXES:
                    total += 1
    except OSError:
        return None
    return total or None


def format_duration(seconds: float) -> str:
    s = round(seconds)
    if s < 60:
        return f"{s}s"
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s // 3600}h{s % 3600 // 60:02d}m"


def format_progress(p: IngestProgress) -> str:
    total = f"/{max(p.total, p.done)}" if p.total else ""
    eta = f", ETA {format_duration(p.eta)}" if p.eta is not None and p.done else ""
    return (
        f"{p.done}{total} cables, {p.written} written, {p.paragraphs} paragraphs "
        f"({p.rate:.1f}/s), {format_duration(p.elapsed)}{eta}"
    )


class TerminalProgress:
    """Rewrites one stderr line at most every ``interval`` seconds; silent off a terminal."""

    def __init__(self, stream: TextIO | None = None, *, interval: float = 0.5) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = self.stream.isatty() and os.environ.get("TERM") != "dumb"
        self.interval = interval
        self._last = 0.0
        self._width = 0

    def __call__(self, p: IngestProgress) -> None:
        now = time.monotonic()
        if not self.enabled or now - self._last < self.interval:
            return
        self._last = now
        line = format_progress(p)
        pad = " " * max(0, self._width - len(line))
        self._width = len(line)
        self.stream.write(f"\r{line}{pad}")
        self.stream.flush()

    def close(self) -> None:
        """End the progress line so the summary starts on a clean one."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
