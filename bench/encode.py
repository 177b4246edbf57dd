"""Encoding speed and fidelity of each backend on the same real cable paragraphs.

    .venv/bin/python bench/encode.py [--limit 1000] [--batch-size 64] [--cache-dir DIR]

Prints paragraphs/s for torch (1 and 2 threads), ONNX fp32 and ONNX int8, the
ratios to torch with 1 thread, cosine statistics against torch, top-10
neighbour overlap, and the wall time of a cold process that encodes one query
through `load_query_encoder`. Paragraphs come from ../shared/corpus, split on
blank lines: the corpus package is not needed.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
CABLEGATE = (
    Path(os.environ.get("QA_SHARED_CORPUS", REPO.parent / "shared" / "corpus")) / "cablegate-2010"
)
_LAST_PRE = re.compile(r"<pre>(?P<body>(?:(?!<pre>).)*?)</pre>\s*(?:(?!<pre>).)*\Z", re.S)
_TAG = re.compile(r"<[^>]+>")
_BLANK = re.compile(r"\n\s*\n")

COLD_QUERY = """
import sys, time
t0 = time.perf_counter()
from pathlib import Path
from embeddings.encoder import load_query_encoder
enc = load_query_encoder("all-MiniLM-L6-v2", cache_dir=Path(sys.argv[1]))
t1 = time.perf_counter()
enc.encode(["What did the embassy in Mexico want on border violence?"])
t2 = time.perf_counter()
print(f"{t1 - t0:.3f} {t2 - t1:.3f} {int('torch' in sys.modules)}")
"""


def paragraphs(limit: int) -> list[str]:
    """Every paragraph of at least 80 characters, cables in name order, one in three
    kept so that the sample spans many cables."""
    out: list[str] = []
    for page in sorted(CABLEGATE.glob("cable/*/*/*.html")):
        match = _LAST_PRE.search(page.read_text(encoding="utf-8", errors="replace"))
        if not match:
            continue
        text = html.unescape(_TAG.sub("", match.group("body")))
        out.extend(p.strip() for p in _BLANK.split(text) if len(p.strip()) >= 80)
        if len(out) >= 3 * limit:
            break
    return out[::3][:limit]


def timed(encoder: object, texts: list[str], batch_size: int) -> tuple[np.ndarray, float]:
    encoder.encode(texts[:batch_size], batch_size=batch_size)  # type: ignore[attr-defined]
    started = time.perf_counter()
    vectors = encoder.encode(texts, batch_size=batch_size)  # type: ignore[attr-defined]
    return vectors, len(texts) / (time.perf_counter() - started)


def neighbour_overlap(a: np.ndarray, b: np.ndarray, k: int = 10) -> float:
    """How far each backend agrees on which paragraphs are nearest one another."""
    top_a = np.argsort(-(a @ a.T), axis=1)[:, 1 : k + 1]
    top_b = np.argsort(-(b @ b.T), axis=1)[:, 1 : k + 1]
    return float(np.mean([len(set(x) & set(y)) / k for x, y in zip(top_a, top_b, strict=True)]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    cache = args.cache_dir or Path(tempfile.mkdtemp(prefix="qa-bench-onnx-"))

    from embeddings.encoder import load_encoder

    texts = paragraphs(args.limit)
    mean_chars = sum(map(len, texts)) / len(texts)
    print(
        f"{len(texts)} paragraphs, mean {mean_chars:.0f} chars, batch {args.batch_size}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}"
    )

    import torch

    results: dict[str, tuple[np.ndarray, float]] = {}
    torch_enc = load_encoder(threads=1, device="cpu")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        results[f"torch x{threads}"] = timed(torch_enc, texts, args.batch_size)
    for backend in ("onnx", "onnx-int8"):
        for threads in (1, 2):
            enc = load_encoder(backend=backend, cache_dir=cache, threads=threads, device="cpu")
            results[f"{backend} x{threads}"] = timed(enc, texts, args.batch_size)

    reference, base = results["torch x1"]
    fp32 = results["onnx x1"][0]
    print(f"{'backend':<14}{'para/s':>8}{'ratio':>7}{'cos mean':>10}{'cos min':>9}{'top10':>7}")
    for name, (vectors, rate) in results.items():
        cos = np.sum(vectors * reference, axis=1)
        overlap = neighbour_overlap(reference, vectors)
        print(
            f"{name:<14}{rate:>8.1f}{rate / base:>7.2f}{cos.mean():>10.4f}{cos.min():>9.4f}"
            f"{overlap:>7.2f}"
        )
    int8 = results["onnx-int8 x1"][0]
    cos8 = np.sum(int8 * fp32, axis=1)
    print(f"int8 vs onnx fp32: cosine mean {cos8.mean():.4f} min {cos8.min():.4f}")

    for run in (1, 2, 3):
        started = time.perf_counter()
        out = subprocess.run(
            [sys.executable, "-c", COLD_QUERY, str(cache)],
            capture_output=True,
            text=True,
            check=True,
            cwd=REPO,
        ).stdout.split()
        wall = time.perf_counter() - started
        print(
            f"cold query encode #{run}: {wall:.2f} s wall (load {out[0]} s, encode {out[1]} s, "
            f"torch imported: {out[2] == '1'})"
        )


if __name__ == "__main__":
    main()
