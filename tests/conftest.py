"""Shared fixtures: real cables are read from ../shared/corpus at test time, never copied."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
SHARED_CORPUS = Path(os.environ.get("QA_SHARED_CORPUS", REPO.parent / "shared" / "corpus"))
CABLEGATE = SHARED_CORPUS / "cablegate-2010"
SAMPLE_CSV = SHARED_CORPUS / "cables-sample.csv"
SEED = SHARED_CORPUS / "seed" / "06MEXICO3305.md"


def cable_html(cable_id: str) -> Path:
    """The cablegate page of a real cable, by its reference ID."""
    hits = sorted(CABLEGATE.glob(f"cable/*/*/{cable_id}.html"))
    if not hits:
        raise FileNotFoundError(f"{cable_id} is not in {CABLEGATE}")
    return hits[0]


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    if not SHARED_CORPUS.is_dir():
        pytest.fail(f"the shared corpus is missing: {SHARED_CORPUS}")
    return SHARED_CORPUS
