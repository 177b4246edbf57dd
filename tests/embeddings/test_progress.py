"""Progress numbers, ETA, the terminal line, and the stats text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from embeddings.ingest import IngestOptions, ingest_cables
from embeddings.progress import (
    IngestProgress,
    LogProgress,
    TerminalProgress,
    estimate_cables,
    format_duration,
    format_progress,
    progress_for,
)
from embeddings.stats import format_stats, stats
from embeddings.tally import Tally
from tests.conftest import CABLEGATE, COMPRESSORS, CSV_HEAD, SAMPLE_CSV, SEED
from tests.embeddings.conftest import char_windower, make_cable
from tests.fakes import HashEncoder


@pytest.mark.parametrize(
    ("seconds", "expected"),
    [(4.4, "4s"), (75, "1m15s"), (3 * 3600 + 125, "3h02m")],
    ids=["seconds", "minutes", "hours"],
)
def test_format_duration(seconds: float, expected: str) -> None:
    assert format_duration(seconds) == expected


def test_rate_is_per_second_of_encoding_and_eta_from_word_pieces_left() -> None:
    p = IngestProgress(
        done=50,
        written=40,
        paragraphs=500,
        records=600,
        elapsed=30.0,
        total=200,
        encode_seconds=10.0,
        remaining_pieces=180_000.0,
        pieces=60_000,
    )
    assert p.rate == 50.0  # 500 paragraphs in 10 s of encoding, not 30 s of wall time
    assert p.eta == 30.0  # 180,000 word pieces at 6,000 a second
    assert format_progress(p) == (
        "50/200 cables, 40 written, 500 paragraphs encoded (50.0/s), 30s, ETA 30s"
    )
    assert IngestProgress(0, 0, 0, 0, 0.0, None).eta is None


def test_eta_is_not_thrown_by_the_longest_windows_going_first() -> None:
    """Each chunk is encoded longest first: two 250-piece windows, then eight of 50. At a
    steady 100 pieces a second the first batch takes 5 s and 400 pieces are left: 4 s,
    where a count of windows (8 left at 2.5 s each) would say 20 s."""
    tally = Tally(total=1, progress=None)
    tally.queued(2 * 250 + 8 * 50)
    tally.encoded(2, 500, 0.2, 5.0)
    assert tally.snapshot().eta == pytest.approx(4.0)
    tally.encoded(8, 400, 0.8, 4.0)
    assert tally.snapshot().eta == 0.0


def test_status_line_while_the_model_loads() -> None:
    p = IngestProgress(3, 0, 0, 0, 4.2, 10, status="loading the model all-MiniLM-L6-v2 (torch)")
    assert format_progress(p) == "loading the model all-MiniLM-L6-v2 (torch)… 4s"


def test_estimate_counts_pages_and_csv_rows(shared_corpus: Path) -> None:
    pages = sum(1 for _ in CABLEGATE.rglob("*.html"))
    assert estimate_cables([CABLEGATE]) == pages
    assert estimate_cables([SEED]) == 1
    rows = estimate_cables([SAMPLE_CSV])
    assert rows is not None and 100 <= rows <= 1000  # 300 rows in the sample


@pytest.mark.parametrize("suffix", ["gz", "bz2", "xz"])
def test_a_compressed_csv_is_estimated_at_its_text_size(suffix: str, tmp_path: Path) -> None:
    squeeze = COMPRESSORS[suffix]
    text = CSV_HEAD.read_bytes()
    (tmp_path / "cables.csv").write_bytes(text)
    (tmp_path / f"CABLES.CSV.{suffix.upper()}").write_bytes(squeeze(text))
    plain = estimate_cables([tmp_path / "cables.csv"])
    squeezed = estimate_cables([tmp_path / f"CABLES.CSV.{suffix.upper()}"])
    assert plain is not None and squeezed is not None
    assert plain / 2 <= squeezed <= plain * 2
    (tmp_path / "notes.txt.gz").write_bytes(squeeze(b"a page"))
    assert estimate_cables([tmp_path / "notes.txt.gz"]) == 1


def test_off_a_terminal_a_plain_line_every_interval() -> None:
    out = io.StringIO()
    log = progress_for(out)
    assert isinstance(log, LogProgress)
    log.interval = 3600.0
    log(IngestProgress(1, 1, 10, 10, 1.0, 2, 1.0))  # too soon: a short run prints nothing
    log(IngestProgress(1, 1, 10, 10, 1.0, 2, 1.0, status="loading the model m (torch)"))
    log.interval = 0.0
    log(IngestProgress(1, 1, 10, 10, 1.5, 2, 1.0, status="loading the model m (torch)"))
    log(IngestProgress(2, 2, 20, 20, 2.0, 2, 2.0))
    log.close()
    lines = out.getvalue().splitlines()
    assert "\r" not in out.getvalue()
    assert lines == [
        "loading the model m (torch)… 2s",
        "2/2 cables, 2 written, 20 paragraphs encoded (10.0/s), 2s",
    ]


class FakeTty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_terminal_progress_rewrites_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TERM", "xterm")
    out = FakeTty()
    bar = progress_for(out)
    assert isinstance(bar, TerminalProgress)
    bar.interval = 0
    bar(IngestProgress(1, 1, 10, 10, 1.0, 2, 1.0))
    bar(IngestProgress(2, 2, 20, 20, 2.0, 2, 2.0))
    bar.close()
    text = out.getvalue()
    assert text.count("\r") == 4 and "\n" not in text and "2/2 cables" in text


def test_terminal_line_never_wraps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "40")
    out = FakeTty()
    bar = TerminalProgress(out, interval=0)
    bar(IngestProgress(123456, 123456, 1234567, 1234567, 100.0, 251287, 90.0, 9e6))
    assert max(len(part) for part in out.getvalue().split("\r")) <= 39


def test_stats_counts_and_cleans_untrusted_metadata(tmp_path: Path) -> None:
    cables = [
        make_cable("06MEXICO3305", ["border violence", "migration"]),
        make_cable("05PARIS104", ["trial"], origin="Embassy Paris\x1b[31m", year=2005),
    ]
    ingest_cables(
        cables, IngestOptions(store_dir=tmp_path, encoder=HashEncoder(), windower=char_windower)
    )
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
    assert "\x1b" not in text and "Embassy Paris␛[31m: 1" in text


def test_stats_fit_the_terminal_and_stay_one_line_piped() -> None:
    """On an 80-column terminal the long lists wrap between items under the values;
    piped, each list stays on one line for grep."""
    from embeddings.stats import format_stats

    origins = {f"Embassy Place{i}": 100 - i for i in range(25)}
    d = {
        "store": "/s", "size_bytes": 1000, "chroma": "/s/chroma", "model": "m", "dimension": 384,
        "cables": 300, "paragraphs": 3000, "records": 4000,
        "by_year": {str(y): 10 for y in range(1990, 2011)},
        "by_classification": {"SECRET//NOFORN": 100, "CONFIDENTIAL": 200},
        "by_origin": origins,
    }  # fmt: skip
    wrapped = format_stats(d, 80).splitlines()
    assert max(len(line) for line in wrapped) <= 80
    assert [line[:12] for line in wrapped if line.startswith("by ")] == [
        "by year     ",
        "by class    ",
        "by origin   ",
    ]
    assert all(line.startswith(" " * 12) for line in wrapped if not line[:1].strip())
    assert "Embassy Place19: 81 (+5 more)" in format_stats(d, 80)
    piped = format_stats(d).splitlines()
    assert len(piped) == 9
    assert piped[-1].endswith("Embassy Place19: 81 (+5 more)")
