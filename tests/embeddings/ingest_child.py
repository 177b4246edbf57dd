"""Run as a child process by the crash tests: ingest hand-made cables with the hash encoder.

``python -m tests.embeddings.ingest_child STORE N_CABLES [VERSION]``; honours
``QA_TEST_KILL_AT`` like any ingest. Prints the summary as JSON.
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

from embeddings.ingest import IngestOptions, ingest_cables, summary_json
from tests.embeddings.conftest import char_windower, make_cable
from tests.fakes import PausedEncoder


def cables(n: int, version: str) -> list:  # type: ignore[type-arg]
    # Version 2 changes every third cable and shortens it, so replaced cables
    # must lose records.
    # Distinct words per paragraph keep the vectors apart, as real paragraphs are.
    rng = random.Random(3305)
    vocab = [f"w{k}" for k in range(2000)]
    out = []
    for i in range(n):
        paras = [f"cable {i} paragraph {j} " + " ".join(rng.sample(vocab, 12)) for j in range(6)]
        if version == "2" and i % 3 == 0:
            paras = [
                f"cable {i} revised paragraph {j} " + " ".join(rng.sample(vocab, 12))
                for j in range(2)
            ]
        out.append(make_cable(f"06MEXICO{4000 + i}", paras, version=version if i % 3 == 0 else "1"))
    return out


def main() -> int:
    store, n = Path(sys.argv[1]), int(sys.argv[2])
    version = sys.argv[3] if len(sys.argv) > 3 else "1"
    summary = ingest_cables(
        cables(n, version),
        IngestOptions(
            store_dir=store,
            encoder=PausedEncoder(0.05),  # slower than the writer: each buffer its own commit
            windower=char_windower,
            batch_size=16,
            buffer=256,  # four buffers of the 900 windows
        ),
    )
    print(summary_json(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
