"""Ingest throughput against the model's own speed, on the same real paragraphs.

    .venv/bin/python bench/ingest.py [--limit 200] [--device cpu] [--backend torch]
                                     [--batch-size 64] [--corpus DIR] [--store DIR]

Loads the model once, then (1) times ``encoder.encode`` on exactly the texts
the ingest will encode (every window of every paragraph, context included),
and (2) times a full ``ingest`` of the same files into an empty store: read,
hash check, windowing, encoding, ledger and Chroma writes; then (1) again, and
the baseline is the mean of the two model-only runs (A-B-A, against drift). The ingest should
hide everything but the model: the ratio of (2) to (1) must stay ≥ 0.90.
Machine load is printed before and after, since the cores are shared.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

SHARED = Path(os.environ.get("QA_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))
TARGET = 0.90


def pick_files(corpus: Path, limit: int | None) -> list[Path]:
    files = sorted(corpus.rglob("*.html")) if corpus.is_dir() else [corpus]
    return files[:limit] if limit else files


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "cablegate-2010")
    parser.add_argument("--limit", type=int, default=200, help="cables (files) to ingest")
    parser.add_argument("--device", default="cpu", choices=("auto", "cpu", "cuda"))
    parser.add_argument("--backend", default="torch", choices=("torch", "onnx", "onnx-int8"))
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--model", default="all-MiniLM-L6-v2")
    parser.add_argument("--store", type=Path, default=None, help="empty folder (default: temp)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    from corpus.formats import read
    from corpus.models import Cable
    from embeddings.encoder import load_encoder
    from embeddings.ingest import ingest, prepare, token_windower

    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    store = args.store or work / "store"
    load_before = load()
    t0 = time.perf_counter()
    encoder = load_encoder(
        args.model, device=args.device, backend=args.backend, cache_dir=work / "onnx"
    )
    load_s = time.perf_counter() - t0
    files = pick_files(args.corpus, args.limit)
    split = token_windower(encoder.name, encoder.max_tokens)
    texts: list[str] = []
    paragraphs = 0
    seen: set[str] = set()
    for f in files:
        for item in read(f):
            if isinstance(item, Cable) and item.id not in seen:
                seen.add(item.id)
                paragraphs += len(item.paragraphs)
                texts.extend(prepare(item, split)[1])
    encoder.encode(texts[: args.batch_size], batch_size=args.batch_size)  # warm-up

    def raw() -> float:
        t0 = time.perf_counter()
        encoder.encode(texts, batch_size=args.batch_size)
        return time.perf_counter() - t0

    # A-B-A: the model alone before and after the ingest, so a load that drifts
    # while the benchmark runs (these cores are shared) weighs on both sides alike.
    raw_before = raw()
    summary = ingest(
        files,
        store_dir=store,
        encoder=encoder,
        windower=split,
        batch_size=args.batch_size,
        export_onnx=False,
    )
    raw_after = raw()
    raw_s = (raw_before + raw_after) / 2
    raw_rate = paragraphs / raw_s
    ingest_rate = summary.paragraphs / summary.seconds
    figures = {
        "cables": summary.new,
        "paragraphs": summary.paragraphs,
        "windows": len(texts),
        "records": summary.records,
        "failed": summary.failed,
        "model_load_s": round(load_s, 2),
        "raw_encode_s": round(raw_s, 2),
        "raw_encode_before_after_s": [round(raw_before, 2), round(raw_after, 2)],
        "ingest_s": round(summary.seconds, 2),
        "raw_paragraphs_per_s": round(raw_rate, 2),
        "ingest_paragraphs_per_s": round(ingest_rate, 2),
        "ratio": round(ingest_rate / raw_rate, 3),
        "load_before": load_before,
        "load_after": load(),
        "device": args.device,
        "backend": args.backend,
        "batch_size": args.batch_size,
    }
    if summary.paragraphs != paragraphs:
        figures["warning"] = "ingest wrote a different number of paragraphs than were encoded"
    if args.json:
        print(json.dumps(figures))
    else:
        print(f"machine load before: {figures['load_before']}")
        print(
            f"{len(files)} files, {summary.new} cables, {paragraphs} paragraphs, "
            f"{len(texts)} windows ({args.backend} on {args.device}, batch {args.batch_size})"
        )
        print(
            f"model.encode       {raw_rate:8.1f} paragraphs/s ({raw_s:.1f} s: mean of "
            f"{raw_before:.1f} s before and {raw_after:.1f} s after the ingest)"
        )
        print(f"ingest             {ingest_rate:8.1f} paragraphs/s ({summary.seconds:.1f} s)")
        verdict = "ok" if figures["ratio"] >= TARGET else f"BELOW {TARGET}"  # type: ignore[operator]
        print(f"ratio              {figures['ratio']:8.3f} ({verdict})")
        print(f"machine load after: {figures['load_after']}")
        print(summary.line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
