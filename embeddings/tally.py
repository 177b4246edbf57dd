"""Counting an ingest: the summary, the shared counters, and the test kill switch."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from embeddings.errors import StoreError
from embeddings.progress import IngestProgress

KILL_ENV = "QA_TEST_KILL_AT"
STAGES = ("encoded", "ledger", "chroma", "synced")


STAGE_NAMES = ("model_load", "read", "prepare", "encode", "ledger", "chroma")
"""Where an ingest's time goes. Reading (parsing and hash checks) and preparing
(windowing with the tokenizer) run in one thread, encoding in another, the
ledger and Chroma writes in a third: the stages overlap, and their sum can
exceed the wall time. ``onnx_export`` (the query side's model, made once after
the first ingest) is added by `ingest` when it runs."""


@dataclass(frozen=True, slots=True)
class IngestSummary:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    duplicates: int = 0  # the same cable again in this run (e.g. its HTML page and CSV row)
    paragraphs: int = 0
    """Paragraphs the model encoded (a changed cable's unchanged ones keep their vectors)."""
    records: int = 0
    reused: int = 0
    """Records that kept the stored vector of an unchanged window (`embeddings.reuse`)."""
    seconds: float = 0.0
    """Wall time of the whole command: model loading and the ONNX export included."""
    errors: list[str] = field(default_factory=list)
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)  # repairs done at start
    encode_seconds: float = 0.0
    """Seconds the model spent encoding: what ``rate`` divides by."""
    stages: dict[str, float] = field(default_factory=dict)
    """Busy seconds per stage (see STAGE_NAMES)."""
    withdrawn: list[str] = field(default_factory=list)
    """`ID: file` of each cable removed because its file, unchanged, no longer gives it
    (`Pipeline.withdraw`)."""

    @property
    def rate(self) -> float:
        """Paragraphs encoded per second of encoding."""
        return self.paragraphs / self.encode_seconds if self.encode_seconds > 0 else 0.0

    def line(self) -> str:
        dup = f", {self.duplicates} duplicate" if self.duplicates else ""
        reused = f", {self.reused} windows reused" if self.reused else ""
        head = "interrupted after" if self.interrupted else "ingested"
        speed = (
            f"encoding {self.rate:.1f} paragraphs/s"
            if self.encode_seconds > 0
            else "nothing to encode"
        )
        return (
            f"{head} {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.failed} failed cables{dup}: {self.paragraphs} paragraphs, "
            f"{self.records} records{reused} in {self.seconds:.1f} s ({speed})"
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["seconds"] = round(self.seconds, 3)
        out["encode_seconds"] = round(self.encode_seconds, 3)
        out["stages"] = {k: round(v, 3) for k, v in self.stages.items()}
        out["paragraphs_per_s"] = round(self.rate, 2)
        return out


class KillSwitch:
    """``QA_TEST_KILL_AT=stage:n`` SIGKILLs the process at the n-th pass of a stage.

    Lets tests reproduce a crash at an exact point of the write protocol.
    """

    def __init__(self, spec: str | None) -> None:
        self.stage, self.at, self.seen = "", 0, 0
        if spec:
            stage, _, n = spec.partition(":")
            if stage not in STAGES or not n.isdigit():
                raise StoreError(f"{KILL_ENV} must be one of {'|'.join(STAGES)}:N, not {spec!r}")
            self.stage, self.at = stage, int(n)

    def __call__(self, stage: str) -> None:
        if stage == self.stage:
            self.seen += 1
            if self.seen >= self.at:
                os.kill(os.getpid(), signal.SIGKILL)


class Tally:
    """Counters shared by the three threads, and the progress callback."""

    def __init__(
        self,
        total: int | None,
        progress: Callable[[IngestProgress], None] | None,
        started: float | None = None,
    ):
        self.lock = threading.Lock()
        self.start = time.monotonic() if started is None else started
        self.total, self.progress = total, progress
        self.new = self.changed = self.unchanged = self.failed = self.duplicates = 0
        self.paragraphs = self.records = self.reused = 0
        self.read_cables = 0  # settled by the reader
        self.read_pieces = 0  # word pieces of the windows it queued to encode
        self.encoded_windows = self.encoded_pieces = 0
        self.encoded_paragraphs = 0.0
        self.errors: list[str] = []
        self.stages: dict[str, float] = dict.fromkeys(STAGE_NAMES, 0.0)
        self.status: str | None = None
        self.settled: set[str] = set()
        """Cables stored or found unchanged in this run: what a file needs to be remembered."""

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)
            self.report()

    def fail(self, error: str) -> None:
        with self.lock:
            self.failed += 1
            self.read_cables += 1
            self.errors.append(error)
            self.report()

    def queued(self, pieces: int) -> None:
        """The reader handed one cable to the encoder, ``pieces`` word pieces to encode."""
        with self.lock:
            self.read_cables += 1
            self.read_pieces += pieces

    def encoded(self, windows: int, pieces: int, paragraphs: float, seconds: float) -> None:
        with self.lock:
            self.encoded_windows += windows
            self.encoded_pieces += pieces
            self.encoded_paragraphs += paragraphs
            self.stages["encode"] += seconds
            self.report()

    def timed(self, stage: str, seconds: float) -> None:
        with self.lock:
            self.stages[stage] += seconds

    def settle(self, cable_ids: Iterable[str]) -> None:
        with self.lock:
            self.settled.update(cable_ids)

    def set_status(self, status: str | None) -> None:
        with self.lock:
            self.status = status
            self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.snapshot())

    def tick(self) -> None:
        with self.lock:
            self.report()

    def _remaining_pieces(self) -> float | None:
        queued = self.read_pieces - self.encoded_pieces
        if self.total is None or self.read_cables == 0:
            return None
        unread = max(0, self.total - self.read_cables)
        return queued + unread * self.read_pieces / self.read_cables

    def snapshot(self) -> IngestProgress:
        written = self.new + self.changed
        done = written + self.unchanged + self.failed + self.duplicates
        return IngestProgress(
            done=done,
            written=written,
            paragraphs=round(self.encoded_paragraphs),
            records=self.encoded_windows,
            elapsed=time.monotonic() - self.start,
            total=self.total,
            encode_seconds=self.stages["encode"],
            remaining_pieces=self._remaining_pieces(),
            status=self.status,
            pieces=self.encoded_pieces,
        )

    def summary(self, interrupted: bool, notes: list[str], withdrawn: list[str]) -> IngestSummary:
        return IngestSummary(
            self.new,
            self.changed,
            self.unchanged,
            self.failed,
            self.duplicates,
            self.paragraphs,
            self.records,
            self.reused,
            time.monotonic() - self.start,
            list(self.errors),
            interrupted,
            notes,
            self.stages["encode"],
            dict(self.stages),
            list(withdrawn),
        )
