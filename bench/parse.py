"""Parse throughput on the shared corpus, paragraph counts, and peak RSS streaming a 200k-row CSV.

Run: .venv/bin/python bench/parse.py
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import corpus  # noqa: E402
from corpus.formats.cables_csv import _records  # noqa: E402
from corpus.models import Cable  # noqa: E402
from tests.paragraph_counts import count_paragraphs  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
CABLEGATE = CORPUS / "cablegate-2010"
SAMPLE_CSV = CORPUS / "cables-sample.csv"
ROWS = 200_000


def write_csv(path: Path, rows: int) -> None:
    records = [r for _, r in _records(SAMPLE_CSV)]
    with path.open("w", encoding="utf-8", newline="") as out:
        for index in range(rows):
            record = records[index % len(records)]
            new_id = f"{10 + index // 100_000:02d}BENCH{index}"
            out.write(
                re.sub(r'^"\d+","([^"]*)","[^"]*"', f'"{index + 1}","\\1","{new_id}"', record)
            )


def stream(path: str) -> None:
    """Child process: read every row, keep nothing, report peak RSS."""
    count = sum(1 for r in corpus.read(path) if isinstance(r, Cable))
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"{count} {peak_kb}")


def main() -> None:
    start = time.perf_counter()
    results = list(corpus.read(CABLEGATE))
    elapsed = time.perf_counter() - start
    errors = [r for r in results if not isinstance(r, Cable)]
    print(
        f"cablegate pages: {len(results)} read, {len(errors)} errors, "
        f"{len(results) / elapsed:.0f} cables/s"
    )
    parsed, careful = count_paragraphs(CABLEGATE)
    print(
        f"numbered paragraphs: parsed {parsed}, careful-count estimate {careful:.0f} "
        f"({100 * (parsed - careful) / careful:+.2f}%)"
    )
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else ROWS
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "cables.csv"
        write_csv(path, rows)
        size = path.stat().st_size
        start = time.perf_counter()
        child = subprocess.run(
            [sys.executable, __file__, "--stream", str(path)],
            check=True,
            capture_output=True,
            text=True,
        )
        elapsed = time.perf_counter() - start
        count, peak_kb = (int(x) for x in child.stdout.split())
    print(
        f"CSV {rows} rows ({size / 1e6:.0f} MB): {count} cables, {count / elapsed:.0f} cables/s, "
        f"peak RSS {peak_kb / 1024:.0f} MB"
    )


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--stream":
        stream(sys.argv[2])
    else:
        main()
