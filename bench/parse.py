"""Parse throughput on the shared corpus, paragraph counts, and peak RSS streaming a 200k-row CSV.

Run: .venv/bin/python bench/parse.py
"""

from __future__ import annotations

import gzip
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from itertools import islice
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
    """`rows` rows of real cable text, the 300 sample rows over and over, each under an
    ID of its own that keeps its telegram's number: the reader refuses a row whose
    classification line numbers another telegram than its ID (`corpus.assemble`), so
    the copies differ in the ID's year and post (`10BENCHAB522`, the post's letters
    counting the rows), not in its number."""
    records = [r for _, r in _records(SAMPLE_CSV)]
    numbers = [re.search(r'^"\d+","[^"]*","[^"]*?(\d+)"', r) for r in records]
    own = [int(m[1]) if m else i for i, m in enumerate(numbers)]
    with path.open("w", encoding="utf-8", newline="") as out:
        for index in range(rows):
            record = records[index % len(records)]
            new_id = f"{10 + index // 100_000:02d}BENCH{_letters(index)}{own[index % len(records)]}"
            out.write(
                re.sub(r'^"\d+","([^"]*)","[^"]*"', f'"{index + 1}","\\1","{new_id}"', record)
            )


def check_generated(path: Path, rows: int = 600) -> None:
    """Stop, in one line, when the reader refuses more of the generated rows than of the
    sample's own: a refused row costs no encoding, and a projection over such a file
    times nothing (as happened once the reader refused rows whose ID numbers another
    telegram)."""
    sample = list(corpus.read(SAMPLE_CSV))
    own = sum(not isinstance(r, Cable) for r in sample) / max(len(sample), 1)
    head = list(islice(corpus.read(path), rows))
    refused = [r for r in head if not isinstance(r, Cable)]
    if len(refused) > own * len(head) + 1:
        raise SystemExit(
            f"{path}: the reader refuses {len(refused)} of its first {len(head)} generated rows "
            f"(the sample: {own:.1%}), e.g. {refused[0].reason}"
        )


def _letters(n: int) -> str:
    """0 -> "A", 25 -> "Z", 26 -> "BA": a post name's letters, unique for each `n`."""
    out = ""
    while True:
        n, digit = divmod(n, 26)
        out = chr(ord("A") + digit) + out
        if n == 0:
            return out


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
        check_generated(path)
        squeezed = Path(folder) / "cables.csv.gz"
        with path.open("rb") as plain, gzip.open(squeezed, "wb", compresslevel=6) as out:
            shutil.copyfileobj(plain, out)
        rates = {}
        for name, file in (("CSV", path), ("gzipped CSV", squeezed), ("CSV again", path)):
            size = file.stat().st_size
            start = time.perf_counter()
            child = subprocess.run(
                [sys.executable, __file__, "--stream", str(file)],
                check=True,
                capture_output=True,
                text=True,
            )
            elapsed = time.perf_counter() - start
            count, peak_kb = (int(x) for x in child.stdout.split())
            rates[name] = count / elapsed
            print(
                f"{name} {rows} rows ({size / 1e6:.0f} MB): {count} cables, "
                f"{count / elapsed:.0f} cables/s, peak RSS {peak_kb / 1024:.0f} MB"
            )
    plain_rate = (rates["CSV"] + rates["CSV again"]) / 2
    print(f"gzipped against plain, same run: {rates['gzipped CSV'] / plain_rate:.2f} of the rate")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--stream":
        stream(sys.argv[2])
    else:
        main()
