"""Ingest progress: the numbers, an input-size estimate for the ETA, and how it is shown.

On a terminal one stderr line is rewritten in place (a status while the model
loads, then cables, paragraphs, rate and ETA from the first encoded batch);
off a terminal (a log, CI) a plain line is printed every 10 s. No Rich or
Textual here, so the ingest path stays light and cable text can never reach a
markup parser (only counts are printed).
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

CSV_BYTES_PER_CABLE = 6400
"""The 2011 cables.csv: about 1.6 GB for 251,287 rows."""
_CABLE_SUFFIXES = frozenset({".html", ".htm", ".md", ".txt"})
_COMPRESSED_SUFFIXES = frozenset({".gz", ".bz2", ".xz"})
CSV_COMPRESSION = 3
"""How many times smaller a compressed cables.csv is: the shared 300-row sample's is 2.7
times with gzip, 3.6 with bzip2 and xz."""
LOG_INTERVAL_S = 10.0
TTY_INTERVAL_S = 0.25


@dataclass(frozen=True, slots=True)
class IngestProgress:
    """A snapshot; ``done`` counts every settled cable (written, skipped or failed)."""

    done: int
    written: int
    paragraphs: int
    """Paragraphs encoded so far (a paragraph split into windows counts by its share)."""
    records: int
    """Windows encoded so far."""
    elapsed: float
    """Wall seconds since the ingest started."""
    total: int | None  # estimated cables in the input; None when unknown
    encode_seconds: float = 0.0
    remaining_pieces: float | None = None
    """Word pieces still to encode, estimated from the input read so far."""
    status: str | None = None
    """What the ingest is doing when it is not encoding (loading the model)."""
    pieces: int = 0
    """Word pieces encoded so far: what the ETA's rate counts, since each chunk of windows
    is encoded longest first and a window-count rate would start slow."""

    @property
    def rate(self) -> float:
        """Paragraphs encoded per second of encoding."""
        return self.paragraphs / self.encode_seconds if self.encode_seconds > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds of encoding left at the rate so far, in word pieces; None before there
        is a rate."""
        if self.remaining_pieces is None or self.pieces <= 0 or self.encode_seconds <= 0:
            return None
        return max(0.0, self.remaining_pieces * self.encode_seconds / self.pieces)


def estimate_cables(paths: Sequence[Path]) -> int | None:
    """Cables in the input, from file names and CSV sizes: cheap, good enough for an ETA."""
    total = 0
    try:
        for path in paths:
            files = [path] if path.is_file() else (p for p in path.rglob("*") if p.is_file())
            for f in files:
                names = [s.lower() for s in f.suffixes] or [""]
                squeezed = names[-1] in _COMPRESSED_SUFFIXES  # cables.csv.gz: look at .csv
                suffix = names[-2] if squeezed and len(names) > 1 else names[-1]
                if suffix == ".csv":
                    size = f.stat().st_size * (CSV_COMPRESSION if squeezed else 1)
                    total += max(1, size // CSV_BYTES_PER_CABLE)
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
    total = f"/{max(p.total, p.done):,}" if p.total else ""
    if p.status:
        return f"{p.status}… {format_duration(p.elapsed)}"
    eta = f", ETA {format_duration(p.eta)}" if p.eta is not None else ""
    rate = f" ({p.rate:.1f}/s)" if p.encode_seconds > 0 else ""
    return (
        f"{p.done:,}{total} cables, {p.written:,} written, {p.paragraphs:,} paragraphs "
        f"encoded{rate}, {format_duration(p.elapsed)}{eta}"
    )


class TerminalProgress:
    """Rewrites one stderr line, cut to the terminal's width so it never wraps."""

    def __init__(self, stream: TextIO | None = None, *, interval: float = TTY_INTERVAL_S) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._last = -float("inf")
        self._width = 0

    def __call__(self, p: IngestProgress) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        room = max(20, shutil.get_terminal_size((80, 24)).columns - 1)
        line = format_progress(p)[:room]
        pad = " " * max(0, self._width - len(line))
        self._width = len(line)
        self.stream.write(f"\r{line}{pad}")
        self.stream.flush()

    def close(self) -> None:
        """End the progress line so the summary starts on a clean one."""
        if self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0


class LogProgress:
    """A plain line every ``interval`` seconds (the status, or the counts): for logs and
    CI. Nothing in the first interval, so a short run's stderr holds only its errors."""

    def __init__(self, stream: TextIO | None = None, *, interval: float = LOG_INTERVAL_S) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.interval = interval
        self._last = time.monotonic()

    def __call__(self, p: IngestProgress) -> None:
        now = time.monotonic()
        if now - self._last < self.interval:
            return
        self._last = now
        self.stream.write(format_progress(p) + "\n")
        self.stream.flush()

    def close(self) -> None:
        return None


Progress = Callable[[IngestProgress], None]


def progress_for(stream: TextIO | None = None) -> TerminalProgress | LogProgress:
    """The terminal line on a terminal, timed plain lines anywhere else."""
    out = stream if stream is not None else sys.stderr
    on_tty = out.isatty() and os.environ.get("TERM") != "dumb"
    return TerminalProgress(out) if on_tty else LogProgress(out)
