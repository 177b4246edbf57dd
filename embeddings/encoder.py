"""Turn passages into unit vectors: the `Encoder` protocol and its implementations.

Importing this module stays cheap: torch and sentence-transformers load inside
`load_encoder(backend="torch")` only, so `qa --help` and a cold `qa ask` (which
goes through `load_query_encoder`, ONNX Runtime + tokenizers) never pay for them.

CPU threads: by default the libraries' own choice (torch and ONNX Runtime use
every core), which is what a plain ``model.encode`` gets. An earlier rule
that read the 1-minute load average chose one thread right after other work
and halved ingest speed on an otherwise idle 2-core machine; the load average
lags by minutes and says nothing about the cores free now. ``QA_THREADS`` or
``--threads`` override. The query encoder alone uses one thread (a single
short question: a second thread costs more than it brings).

Backends: "onnx-int8" runs 2.1x faster than torch (same run: 8.1 against
3.8/s) with mean cosine 0.9923 (min 0.979) to fp32 and 0.91 top-10
neighbour overlap; it is offered for ingest, never chosen silently.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np

from embeddings.errors import EncoderError
from embeddings.names import (
    BACKENDS,
    DEFAULT_MODEL,
    DEVICES,
    canonical_name,
    quiet_transformers,
    resolve_model,
    threads_asked,
)
from embeddings.vectors import Vectors

if TYPE_CHECKING:
    from embeddings.onnx_export import OnnxEncoder


@runtime_checkable
class Encoder(Protocol):
    """What the ledger, the store and the engine need from a model."""

    name: str
    """The model as the user named it: the store records it and refuses another."""
    dimension: int
    max_tokens: int
    """Word pieces the model reads per passage, special tokens included."""

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> Vectors:
        """float32 array of shape (len(texts), dimension) with L2-normalised rows."""
        ...


def passage_text(subject: str, heading: str | None, text: str) -> str:
    """The subject and section heading go in front so that a window cut from the
    middle of a long paragraph still says what the cable is about."""
    parts = [p for p in (subject.strip(), (heading or "").strip()) if p]
    return ". ".join([*parts, text]) if parts else text


class TorchEncoder:
    """sentence-transformers on torch: the reference every faster path is checked against."""

    def __init__(self, name: str, model: Any) -> None:
        self.name = name
        self._model = model
        dim = model.get_embedding_dimension()
        if dim is None:
            raise EncoderError(f"{name}: the model does not report its embedding dimension")
        self.dimension = int(dim)
        self.max_tokens = int(model.max_seq_length or 512)

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> Vectors:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        out = self._model.encode(
            list(texts),
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(out, dtype=np.float32)


def _torch_device(device: str) -> str:
    import torch

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device == "cuda" and not torch.cuda.is_available():
        raise EncoderError("--device cuda was asked for but no CUDA device is available")
    return device


def _load_torch(model: str, device: str, threads: int | None) -> TorchEncoder:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    quiet_transformers()
    dev = _torch_device(device)
    wanted = threads or threads_asked()
    if dev == "cpu" and wanted:
        torch.set_num_threads(wanted)
    try:
        st = SentenceTransformer(resolve_model(model), device=dev, local_files_only=True)
    except (OSError, ValueError) as exc:
        raise EncoderError(f"cannot load model {model!r}: {exc}") from exc
    return TorchEncoder(canonical_name(model), st)


def load_encoder(
    model: str = DEFAULT_MODEL,
    *,
    device: str = "auto",
    backend: str = "torch",
    cache_dir: Path | None = None,
    threads: int | None = None,
) -> Encoder:
    """The encoder for ingest: torch by default; ONNX backends need `cache_dir`
    (the store's ``onnx`` folder) for the export they create once and reuse."""
    if device not in DEVICES:
        raise EncoderError(f"device must be one of {', '.join(DEVICES)}, not {device!r}")
    if backend == "torch":
        return _load_torch(model, device, threads)
    if backend not in BACKENDS:
        raise EncoderError(f"backend must be one of {', '.join(BACKENDS)}, not {backend!r}")
    if cache_dir is None:
        raise EncoderError(f"backend {backend!r} needs a cache folder for the ONNX export")
    return _load_onnx(
        model, cache_dir, quantized=backend == "onnx-int8", threads=threads, device=device
    )


def _load_onnx(
    model: str,
    cache_dir: Path,
    *,
    quantized: bool,
    threads: int | None,
    device: str,
    quick_start: bool = False,
) -> OnnxEncoder:
    from embeddings.onnx_export import OnnxEncoder, ensure_int8_export, ensure_onnx_export

    folder = ensure_onnx_export(model, cache_dir)
    if quantized:
        ensure_int8_export(folder)
    return OnnxEncoder.open(
        canonical_name(model),
        folder,
        quantized=quantized,
        threads=threads,
        device=device,
        quick_start=quick_start,
    )


def load_query_encoder(model: str = DEFAULT_MODEL, *, cache_dir: Path) -> Encoder:
    """A cold `qa ask` must answer within 2 s, and importing torch alone eats most of
    that: use the ONNX export (made now if missing, about 10 s once), and torch only
    for a model the export cannot reproduce or an export that cannot be written."""
    # One short question per call: a second thread costs more than it brings. Warm
    # `bench/query.py` on the 2-core machine: p50 34 ms with 1 thread, 55 ms with 2.
    threads = threads_asked() or 1
    try:
        return _load_onnx(
            model, cache_dir, quantized=False, threads=threads, device="cpu", quick_start=True
        )
    except EncoderError:
        return load_encoder(model, backend="torch")
