"""The one set of fakes the tests share: deterministic encoders in place of the model,
and `run_qa`, the `qa` command in a new process.

The encoders are a hashed bag of words: the same text always gives the same unit
vector and texts sharing words are near, which is all the store's and the
engine's logic needs; the real model is exercised by the tests marked slow.
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import numpy.typing as npt

from tests.conftest import REPO

_WORD = re.compile(r"\w+")


class HashEncoder:
    """64 dimensions, one signed bucket per word; counts its calls."""

    name = "hash-bow-64"
    dimension = 64
    max_tokens = 256

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dimension] += 1.0 if h & 1 << 20 else -1.0
            out[i, 0] += 1e-3  # no zero rows
        normed: npt.NDArray[np.float32] = out / np.linalg.norm(out, axis=1, keepdims=True)
        return normed


class BagEncoder(HashEncoder):
    """The same vectors under another model name: the engine tests' stores."""

    name = "bag-of-words-64"


class PausedEncoder(HashEncoder):
    """Slower than the writer, like the real model, so an ingest lasts and commits as it goes."""

    def __init__(self, pause: float) -> None:
        super().__init__()
        self.pause = pause

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        time.sleep(self.pause)
        return super().encode(texts, batch_size=batch_size)


class InterruptingEncoder(HashEncoder):
    """Ctrl-C arrives while the model runs its `at`-th call."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        if self.calls + 1 == self.at:
            raise KeyboardInterrupt
        return super().encode(texts, batch_size=batch_size)


def run_qa(
    *args: str | bytes,
    store: Path | None = None,
    data: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    preexec_fn: Callable[[], object] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`qa ARGS` in a new process, offline, from the repository: `store` names the store
    (else none is named), `data` holds the default one, `env` adds variables."""
    full = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    full.pop("QA_CHROMA_URL", None)
    full.pop("QA_STORE", None)
    if store is not None:
        full["QA_STORE"] = str(store)
    if data is not None:
        full["XDG_DATA_HOME"] = str(data)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=full,
        cwd=REPO,
        timeout=timeout,
        preexec_fn=preexec_fn,
    )
