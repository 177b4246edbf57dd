"""The vector type every encoder returns and the normalisation they share (a leaf)."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Vectors = npt.NDArray[np.float32]


def normalise_rows(vectors: npt.NDArray[Any]) -> Vectors:
    """Zero rows (empty input) stay zero instead of turning into NaN."""
    out = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(out, axis=1, keepdims=True)
    result: Vectors = (out / np.maximum(norms, 1e-12)).astype(np.float32, copy=False)
    return result
