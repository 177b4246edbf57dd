"""Fuzzing `corpus.read` with mutations of real cables: the long budget (`make bench`).

Each input is a real cable (a cablegate page, the seed markdown, a block of
cables.csv rows) mangled by one to three mutations: truncation, byte flips and
insertions, another encoding, a long line, nested markup, broken CSV quoting,
zero bytes. Inputs are written many to a folder beside intact cables and the
folder is read in one call, so a bad file is seen to never stop a run: no
exception may escape, the intact cables must come out unchanged, and each
mangled file gives one `Cable` or one `ReadError` naming it (a CSV: one per row).

Run: .venv/bin/python bench/fuzz.py [--inputs N] [--seed S]
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import corpus  # noqa: E402
from corpus.models import Cable, ReadError  # noqa: E402
from tests.mutations import bases, check, intact_copies, mutate  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"
SEED = CORPUS / "seed" / "06MEXICO3305.md"
SAMPLE_CSV = CORPUS / "cables-sample.csv"


def cable_page(cable_id: str) -> Path:
    return next((CORPUS / "cablegate-2010").glob(f"cable/*/*/{cable_id}.html"))


@dataclass
class Tally:
    inputs: int = 0
    cables: int = 0
    errors: int = 0
    escaped: int = 0
    problems: list[str] = field(default_factory=list)


def run_batch(
    folder: Path, inputs: list[tuple[str, bytes]], intact: dict[str, Cable], tally: Tally
) -> None:
    """Write the inputs beside the intact cables, read the folder once, check, clean up."""
    mangled = []
    for index, (name, data) in enumerate(inputs):
        path = folder / f"m{index:05d}_{name}"
        path.write_bytes(data)
        mangled.append(path)
    try:
        results = list(corpus.read(folder))
    except Exception:
        tally.escaped += 1
        tally.problems.append(traceback.format_exc(limit=3))
        results = []
    else:
        tally.problems.extend(check(results, mangled, intact))
    tally.inputs += len(inputs)
    tally.cables += sum(1 for r in results if isinstance(r, Cable)) - len(intact)
    tally.errors += sum(1 for r in results if isinstance(r, ReadError))
    for path in mangled:
        path.unlink()


def fuzz(inputs: int, seed: int, batch: int, progress: bool = False) -> Tally:
    """Read `inputs` mutated cables, `batch` to a folder beside an intact cable."""
    rnd = random.Random(seed)
    sources = bases(cable_page, SEED, SAMPLE_CSV)
    names = sorted(sources)
    tally = Tally()
    start = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    try:
        # A small intact cable keeps the per-batch cost on the mangled inputs.
        intact = intact_copies(folder, {"06MEXICO3305.md": sources["06MEXICO3305.md"]})
        while tally.inputs < inputs:
            chosen = [rnd.choice(names) for _ in range(min(batch, inputs - tally.inputs))]
            run_batch(folder, [(n, mutate(sources[n], rnd)) for n in chosen], intact, tally)
            if progress:
                rate = tally.inputs / (time.perf_counter() - start)
                print(f"\r{tally.inputs} inputs, {rate:.0f}/s", end="", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    if progress:
        print(file=sys.stderr)
    return tally


def _job(args: tuple[int, int, int, bool]) -> Tally:
    return fuzz(*args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="mutated files to read")
    parser.add_argument("--seed", type=int, default=2010)
    parser.add_argument("--batch", type=int, default=500, help="inputs per folder read")
    parser.add_argument("--jobs", type=int, default=1, help="processes (each its own seed)")
    args = parser.parse_args()
    start = time.perf_counter()
    if args.jobs <= 1:
        tallies = [fuzz(args.inputs, args.seed, args.batch, progress=True)]
    else:
        shares = [
            args.inputs // args.jobs + (i < args.inputs % args.jobs) for i in range(args.jobs)
        ]
        with multiprocessing.Pool(args.jobs) as pool:
            tallies = pool.map(
                _job, [(n, args.seed + i, args.batch, i == 0) for i, n in enumerate(shares)]
            )
    elapsed = time.perf_counter() - start
    total = Tally()
    for tally in tallies:
        total.inputs += tally.inputs
        total.cables += tally.cables
        total.errors += tally.errors
        total.escaped += tally.escaped
        total.problems.extend(tally.problems)
    print(
        f"fuzz: {total.inputs} inputs, {total.cables} cables, {total.errors} errors, "
        f"{total.escaped} escaped exceptions, {len(total.problems)} contract violations, "
        f"{total.inputs / elapsed:.0f} inputs/s ({elapsed:.0f} s, {args.jobs} job(s))"
    )
    for problem in total.problems[:20]:
        print(f"  {problem}")
    if total.escaped or total.problems:
        sys.exit(1)


if __name__ == "__main__":
    main()
