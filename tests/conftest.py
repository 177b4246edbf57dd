"""Shared fixtures, and where real cables come from.

`tests/data/` holds 40 real cablegate pages chosen for their quirks (under 2 MB),
so the unit tests run from a bare clone. Corpus-scale tests read the shared
corpus (`QA_CORPUS`, else `../shared/corpus`) and are skipped, each with one line
saying so, where it is absent; `.ci/run` refuses to run without it.
"""

from __future__ import annotations

import bz2
import gzip
import lzma
import os
from collections.abc import Callable
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
SHARED_CORPUS = Path(
    os.environ.get("QA_CORPUS")
    or os.environ.get("QA_SHARED_CORPUS")
    or REPO.parent / "shared" / "corpus"
)
CABLEGATE = SHARED_CORPUS / "cablegate-2010"
SAMPLE_CSV = SHARED_CORPUS / "cables-sample.csv"
CSV_HEAD = DATA / "cables-sample-head.csv"
COMPRESSORS: dict[str, Callable[[bytes], bytes]] = {
    "gz": gzip.compress,
    "bz2": bz2.compress,
    "xz": lzma.compress,
}
"""How cables are passed around compressed, by file suffix (`corpus.formats.compressed`)."""
"""The first five rows of the shared `cables-sample.csv`, for tests that need a few."""
SEED = REPO / "corpus" / "samples" / "06MEXICO3305.md"
"""The seed cable as the package ships it (the same file as the shared corpus's seed)."""


def need_corpus() -> Path:
    """The shared corpus, or skip the test that needs it with one line."""
    if not CABLEGATE.is_dir():
        pytest.skip(f"needs the shared corpus (none at {SHARED_CORPUS}; set QA_CORPUS)")
    return SHARED_CORPUS


def cable_html(cable_id: str) -> Path:
    """The cablegate page of a real cable, by its reference ID: from `tests/data`, else
    from the shared corpus (skipping the test where neither has it)."""
    local = DATA / f"{cable_id}.html"
    if local.is_file():
        return local
    need_corpus()
    hits = sorted(CABLEGATE.glob(f"cable/*/*/{cable_id}.html"))
    if not hits:
        raise FileNotFoundError(f"{cable_id} is not in {CABLEGATE}")
    return hits[0]


def spliced_page(folder: Path) -> Path:
    """08OSLO522's page under the ID cell 08OSLO523, written into ``folder``: its
    classification line numbers another telegram, and the reader refuses it."""
    page = cable_html("08OSLO522").read_text(encoding="utf-8")
    path = folder / "08OSLO523.html"
    path.write_text(page.replace(">08OSLO522<", ">08OSLO523<", 1), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    return need_corpus()
