"""Progress numbers, ETA, the terminal line, and the stats text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from embeddings.ingest import ingest_cables
from embeddings.progress import (
    IngestProgress,
    TerminalProgress,
    estimate_cables,
    format_duration,
    format_progress,
)
from embeddings.stats import format_stats, stats
from tests.conftest import CABLEGATE, SAMPLE_CSV, SEED
from tests.embeddings.conftest import HashEncoder, char_windower, make_cable


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(4.4, "4s"), (75, "1m15s"), (3 * 3600 + 125, "3h02m")],
    ids=["seconds", "minutes", "hours"],
)
def test_format_duration(seconds: float, expected: str) -> None:
    assert format_duration(seconds) == expected


def test_eta_and_line() -> None:
    p = IngestProgress(done=50, written=40, paragraphs=500, records=520, elapsed=10.0, total=200)
    assert p.rate == 50.0 and p.eta == 30.0
    assert format_progress(p) == "50/200 cables, 40 written, 500 paragraphs (50.0/s), 10s, ETA 30s"
    assert IngestProgress(0, 0, 0, 0, 0.0, None).eta is None


def test_estimate_counts_pages_and_csv_rows(shared_corpus: Path) -> None:
    pages = sum(1 for _ in CABLEGATE.rglob("*.html"))
    assert estimate_cables([CABLEGATE]) == pages
    assert estimate_cables([SEED]) == 1
    rows = estimate_cables([SAMPLE_CSV])
    assert rows is not None and 100 <= rows <= 1000  # 300 rows in the sample


def test_terminal_progress_is_silent_off_a_tty() -> None:
    out = io.StringIO()
    bar = TerminalProgress(out, interval=0)
    bar(IngestProgress(1, 1, 1, 1, 1.0, 2))
    bar.close()
    assert out.getvalue() == ""


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_progress_rewrites_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    out = FakeTty()
    bar = TerminalProgress(out, interval=0)
    bar(IngestProgress(1, 1, 10, 10, 1.0, 2))
    bar(IngestProgress(2, 2, 20, 20, 2.0, 2))
    bar.close()
    text = out.getvalue()
    assert text.count("\r") == 4 and "\n" not in text and "2/2 cables" in text


def test_stats_counts_and_cleans_untrusted_metadata(tmp_path: Path) -> None:
    cables = [
        make_cable("06MEXICO3305", ["border violence", "migration"]),
        make_cable("05PARIS104", ["trial"], origin="Embassy Paris\x1b[31m", year=2005),
    ]
    ingest_cables(cables, store_dir=tmp_path, encoder=HashEncoder(), windower=char_windower)
    d = stats(tmp_path)
    assert (d["cables"], d["paragraphs"], d["records"], d["model"], d["dimension"]) == (
        2,
        3,
        3,
        "hash-bow-64",
        64,
    )
    assert d["by_year"] == {"2005": 1, "2006": 1}
    assert d["by_classification"] == {"CONFIDENTIAL": 2}
    assert d["size_bytes"] > 0 and d["pending"] == 0
    text = format_stats(d)
    assert "\x1b" not in text and "Embassy Paris?[31m: 1" in text
