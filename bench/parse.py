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

CORPUS = REPO.parent / "shared" / "corpus"
CABLEGATE = CORPUS / "cablegate-2010"
SAMPLE_CSV = CORPUS / "cables-sample.csv"
ROWS = 200_000
# Numbered paragraphs counted by reading 40 random cables (seeds 11 and 23) line by line:
# stray numbers (`6. END SUMMARY.`, a wrapped `15.`) are not paragraphs; 09STATE80163's
# `15. Collection requirements` is (the cable jumps from ¶3 to ¶15).
CAREFUL_SAMPLE = {
    "09RIODEJANEIRO329": 11,
    "10CARACAS163": 6,
    "09SANAA1669": 10,
    "09RIODEJANEIRO311": 7,
    "09TELAVIV1324": 13,
    "10MEXICO141": 11,
    "08LAPAZ2670": 4,
    "08KUALALUMPUR317": 0,
    "09TELAVIV654": 7,
    "09SARAJEVO103": 9,
    "09BEIJING1970": 13,
    "07ALGIERS1809": 10,
    "05BOGOTA7402": 21,
    "10MUSCAT71": 5,
    "09BERLIN1609": 10,
    "09MOSCOW821": 12,
    "09KABUL4182": 12,
    "10ADDISABABA163": 14,
    "09ISLAMABAD24": 8,
    "07PARIS3919": 22,
    "08LONDON1350": 5,
    "09ANKARA1594": 0,
    "09PRETORIA2245": 12,
    "04RANGOON88": 2,
    "08MUSCAT565": 14,
    "10STATE8675": 9,
    "09RIYADH1121": 11,
    "05MADRID171": 11,
    "07LAPAZ383": 14,
    "07ANKARA1258": 6,
    "09STATE80163": 4,
    "09MOSCOW3010": 13,
    "05ISTANBUL890": 5,
    "09TELAVIV936": 12,
    "10ZAGREB97": 8,
    "09PARIS1228": 3,
    "09ISLAMABAD2449": 7,
    "06LAPAZ2910": 13,
    "08MADRID6": 14,
    "05PARIS5335": 13,
}


def numbered(cable: Cable) -> int:
    return sum(1 for p in cable.paragraphs if p.numbered and p.number != "0")


def count_paragraphs() -> tuple[int, float]:
    """(numbered paragraphs parsed, careful count extrapolated from the hand-checked sample)."""
    cables = [c for c in corpus.read(CABLEGATE) if isinstance(c, Cable)]
    parsed = sum(numbered(c) for c in cables)
    by_id = {c.id: c for c in cables}
    sample_parsed = sum(numbered(by_id[i]) for i in CAREFUL_SAMPLE)
    ratio = sum(CAREFUL_SAMPLE.values()) / sample_parsed
    return parsed, parsed * ratio


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
    parsed, careful = count_paragraphs()
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
