"""The whole release, projected: `qa ingest` of a generated full-layout `cables.csv` for a
fixed time, per backend, and the wall time 251,287 cables would take on this machine.

    .venv/bin/python bench/release.py [--seconds 600] [--rows 20000]
                                      [--backends torch,onnx-int8] [--device cpu]

The CSV holds real cable texts: the 300 rows of the shared sample, repeated
under new reference IDs (as `bench/parse.py` makes its 200k-row file), so
every row is a new cable to encode. Each backend ingests it with the
command's default settings (``embeddings.ingest.ingest``, what ``qa ingest``
calls) into its own store for ``--seconds`` of wall time and is then
interrupted as by a user's Ctrl-C (committed work is kept). Printed per
backend:

- the busy seconds of each stage (reading and parsing, windowing, encoding,
  ledger, Chroma), which overlap since they run in three threads;
- the steady rate: paragraphs encoded per second of wall time from the first
  encoded batch to the last (model loading is left out; everything that
  competes with the model for the cores, parsing the CSV and writing, is in);
- the projection for 251,287 cables at this file's paragraphs per cable;
- the steady rate in windows per second against the model alone (the backend's
  `encode` on the CSV's first windows, timed in this process just before).
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.parse import check_generated, write_csv  # noqa: E402
from embeddings.progress import format_duration  # noqa: E402

RELEASE_CABLES = 251_287


def paragraphs_per_cable(path: Path) -> float:
    from corpus.formats import read
    from corpus.models import Cable

    cables = [c for c in read(path) if isinstance(c, Cable)]
    return sum(len(c.paragraphs) for c in cables) / max(1, len(cables))


def model_rate(csv: Path, backend: str, device: str, work: Path, n: int) -> float:
    """Windows per second of the model alone (the backend's encoder, one `encode` call of
    batches of 64, threads left to the library) on the first `n` windows of the CSV:
    the baseline the ingest's steady rate is set against, in this process and run."""
    import time

    from corpus.formats import read
    from corpus.models import Cable
    from embeddings.encoder import load_encoder
    from embeddings.passages import prepare, token_windower

    encoder = load_encoder(device=device, backend=backend, cache_dir=work / "onnx")
    split = token_windower(encoder.name, encoder.max_tokens)
    texts: list[str] = []
    for item in read(csv):
        if isinstance(item, Cable):
            try:
                texts.extend(prepare(item, split)[1])
            except ValueError:  # the ingest skips such a cable too
                continue
        if len(texts) >= n:
            break
    texts = texts[:n]
    encoder.encode(texts[:64])  # warm-up
    t0 = time.perf_counter()
    encoder.encode(texts, batch_size=64)
    return len(texts) / (time.perf_counter() - t0)


def run(csv: Path, store: Path, backend: str, device: str, limit: float) -> dict[str, Any]:
    """One backend in this process, as `qa ingest` runs it (default settings), stopped by
    a Ctrl-C after ``limit`` seconds; the progress snapshots give the steady rate."""
    from embeddings.ingest import IngestOptions, ingest
    from embeddings.progress import IngestProgress

    points: list[IngestProgress] = []
    # a real SIGINT, as a user's Ctrl-C: `_thread.interrupt_main` only simulates it inside
    # Python, and a 240 s run never acted on it (it went on for 15 minutes)
    timer = threading.Timer(limit, os.kill, (os.getpid(), signal.SIGINT))
    timer.start()
    try:
        summary = ingest(
            [csv],
            IngestOptions(store_dir=store, device=device, backend=backend, progress=points.append),
            export_onnx=False,
        )
    finally:
        timer.cancel()
    encoding = [p for p in points if p.records > 0]
    steady = windows = None
    if len(encoding) >= 2:
        first, last = encoding[0], encoding[-1]
        if last.elapsed > first.elapsed:
            span = last.elapsed - first.elapsed
            steady = (last.paragraphs - first.paragraphs) / span
            windows = (last.records - first.records) / span
    return {
        "summary": summary,
        "steady": steady,
        "windows": windows,
        "encoded": encoding[-1] if encoding else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=600.0, help="ingest time per backend")
    parser.add_argument("--rows", type=int, default=20_000, help="rows of the generated CSV")
    parser.add_argument("--backends", default="torch,onnx-int8")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda", "auto"))
    parser.add_argument(
        "--baseline-windows", type=int, default=1000, help="windows the model alone encodes"
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="bench-release-"))
    csv = work / "cables.csv"
    write_csv(csv, args.rows)
    check_generated(csv)
    per_cable = paragraphs_per_cable(REPO.parent / "shared" / "corpus" / "cables-sample.csv")
    load = os.getloadavg()
    print(
        f"generated {csv.stat().st_size / 1e6:.0f} MB, {args.rows} rows of real cable text "
        f"({per_cable:.2f} paragraphs per cable); load {load[0]:.2f} on {os.cpu_count()} cores"
    )
    rates: dict[str, float] = {}
    for backend in args.backends.split(","):
        store = work / f"store-{backend}"
        alone = model_rate(csv, backend, args.device, work, args.baseline_windows)
        got = run(csv, store, backend, args.device, args.seconds)
        summary = got["summary"]
        print(f"\n[{backend} on {args.device}] {args.seconds:.0f} s, then Ctrl-C")
        print(f"  {summary.line()}")
        print("  busy seconds: " + ", ".join(f"{k} {v:.1f}" for k, v in summary.stages.items()))
        if got["encoded"] is not None:
            p = got["encoded"]
            print(f"  encoded {p.paragraphs:,} paragraphs ({p.records:,} windows)")
        steady = got["steady"]
        if not isinstance(steady, float):
            print("  too short to see a steady rate: raise --seconds")
            continue
        rates[backend] = steady
        wall = RELEASE_CABLES * per_cable / steady
        print(f"  steady: {steady:.1f} paragraphs/s of wall time")
        print(
            f"  {got['windows']:.1f} windows/s against {alone:.1f} for the model alone on "
            f"the CSV's first {args.baseline_windows} windows: ratio "
            f"{got['windows'] / alone:.2f}"
        )
        print(
            f"  projected for {RELEASE_CABLES:,} cables ({RELEASE_CABLES * per_cable:,.0f} "
            f"paragraphs): {format_duration(wall)} ({wall / 3600:.1f} h)"
        )
    if len(rates) == 2:
        (a, ra), (b, rb) = rates.items()
        print(f"\n{b} / {a}: {rb / ra:.2f}x")
    print(f"load after: {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
