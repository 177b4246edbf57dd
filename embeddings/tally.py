"""Counting an ingest: the summary, the shared counters, and the test kill switch."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from embeddings.errors import StoreError
from embeddings.progress import IngestProgress

KILL_ENV = "QA_TEST_KILL_AT"
STAGES = ("encoded", "ledger", "chroma", "synced")


@dataclass(frozen=True, slots=True)
class IngestSummary:
    new: int = 0
    changed: int = 0
    unchanged: int = 0
    failed: int = 0
    duplicates: int = 0  # the same cable again in this run (e.g. its HTML page and CSV row)
    paragraphs: int = 0
    records: int = 0
    seconds: float = 0.0
    errors: list[str] = field(default_factory=list)
    interrupted: bool = False
    notes: list[str] = field(default_factory=list)  # repairs done at start

    @property
    def rate(self) -> float:
        return self.paragraphs / self.seconds if self.seconds > 0 else 0.0

    def line(self) -> str:
        dup = f", {self.duplicates} duplicate" if self.duplicates else ""
        head = "interrupted after" if self.interrupted else "ingested"
        return (
            f"{head} {self.new} new, {self.changed} changed, {self.unchanged} unchanged, "
            f"{self.failed} failed cables{dup}: {self.paragraphs} paragraphs, "
            f"{self.records} records in {self.seconds:.1f} s ({self.rate:.1f} paragraphs/s)"
        )

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["seconds"] = round(self.seconds, 3)
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
    """Counters shared by the three threads, and the throttled progress callback."""

    def __init__(self, total: int | None, progress: Callable[[IngestProgress], None] | None):
        self.lock = threading.Lock()
        self.start = time.monotonic()
        self.total, self.progress = total, progress
        self.new = self.changed = self.unchanged = self.failed = self.duplicates = 0
        self.paragraphs = self.records = 0
        self.errors: list[str] = []

    def add(self, **counts: int) -> None:
        with self.lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)
            self.report()

    def fail(self, error: str) -> None:
        with self.lock:
            self.failed += 1
            self.errors.append(error)
            self.report()

    def report(self) -> None:
        if self.progress is not None:
            self.progress(self.snapshot())

    def snapshot(self) -> IngestProgress:
        written = self.new + self.changed
        done = written + self.unchanged + self.failed + self.duplicates
        return IngestProgress(
            done, written, self.paragraphs, self.records, time.monotonic() - self.start, self.total
        )

    def summary(self, interrupted: bool, notes: list[str]) -> IngestSummary:
        return IngestSummary(
            self.new,
            self.changed,
            self.unchanged,
            self.failed,
            self.duplicates,
            self.paragraphs,
            self.records,
            time.monotonic() - self.start,
            list(self.errors),
            interrupted,
            notes,
        )
