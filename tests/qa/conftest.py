"""Engine fixtures: a hand-made store with a deterministic encoder, and a real-model store.

The hand-made store goes through the real ingest, ledger, FTS5 index and
Chroma; only the model is replaced by a hashed bag of words, so ranking logic
is testable in milliseconds. The real store ingests a few real cables from
../shared/corpus with the real model (tests marked slow).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

import pytest

from corpus.models import Cable, Paragraph
from qa.config import Settings
from qa.engine import Engine
from tests.conftest import SEED, cable_html
from tests.fakes import BagEncoder

_WORD = re.compile(r"\w+")

REAL_CABLES = ("06MADRID293", "09ASTANA95", "08OSLO522", "04MADRID4687")


def whole_paragraph(subject: str, heading: str | None, text: str) -> list[tuple[int, int]]:
    return [(0, len(text))]


def hand_cable(
    cable_id: str,
    paragraphs: Sequence[str],
    *,
    subject: str,
    created: datetime,
    origin: str,
    classification: str = "CONFIDENTIAL",
    tags: tuple[str, ...] = ("PREL",),
) -> Cable:
    paras = tuple(Paragraph(str(i + 1), t, mark="C") for i, t in enumerate(paragraphs))
    digest = hashlib.sha256(f"{cable_id}|{'|'.join(paragraphs)}".encode()).hexdigest()
    return Cable(
        id=cable_id,
        created=created,
        origin=origin,
        classification=classification,
        subject=subject,
        tags=tags,
        source=f"hand-made/{cable_id}",
        content_hash=digest,
        paragraphs=paras,
    )


# Invented text in the shape of real cables (IDs borrowed only as names).
HAND_CABLES = (
    hand_cable(
        "06MADRID293",
        [
            "The chief prosecutor resigned after a dispute over terrorism cases. Observers "
            "expect a successor within weeks.",
            "Fishing quotas in the Atlantic were discussed at length. No agreement emerged.",
        ],
        subject="SPAIN: PROSECUTOR RESIGNS",
        created=datetime(2006, 2, 3),
        origin="Embassy Madrid",
        classification="UNCLASSIFIED//FOR OFFICIAL USE ONLY",
        tags=("PGOV", "PTER", "SP"),
    ),
    hand_cable(
        "09ASTANA95",
        [
            "The president said Iran must never acquire nuclear weapons. He raised it with Moscow.",
            "Wheat exports grew strongly over the year.",
        ],
        subject="KAZAKHSTAN: PRESIDENT MEETS COMMANDER",
        created=datetime(2009, 1, 20),
        origin="Embassy Astana",
        classification="SECRET",
        tags=("PREL", "KZ"),
    ),
    hand_cable(
        "05PARIS104",
        [
            "French officials described the trial of the terrorism suspects as a test case.",
            "The minister praised wheat farmers and regretted the fishing dispute.",
        ],
        subject="FRANCE: TERRORISM TRIAL OPENS",
        created=datetime(2005, 1, 7),
        origin="Embassy Paris",
        classification="SECRET//NOFORN",
        tags=("PTER", "FR"),
    ),
)


@pytest.fixture(scope="session")
def hand_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from embeddings.ingest import IngestOptions, ingest_cables

    store = tmp_path_factory.mktemp("hand-store")
    summary = ingest_cables(
        iter(HAND_CABLES),
        IngestOptions(store_dir=store, encoder=BagEncoder(), windower=whole_paragraph),
    )
    assert (summary.new, summary.failed) == (len(HAND_CABLES), 0), summary.line()
    return store


@pytest.fixture
def hand_engine(hand_store: Path) -> Iterator[Engine]:
    engine = Engine(Settings(store=hand_store, model=BagEncoder.name), encoder=BagEncoder())
    yield engine
    engine.close()


@pytest.fixture(scope="session")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Five real cables ingested with the real model (and its ONNX query export)."""
    from embeddings.ingest import IngestOptions, ingest

    store = tmp_path_factory.mktemp("real-store")
    summary = ingest(
        [SEED, *(cable_html(c) for c in REAL_CABLES)], IngestOptions(store_dir=store, device="cpu")
    )
    assert (summary.new, summary.failed) == (1 + len(REAL_CABLES), 0), summary.line()
    return store


@pytest.fixture
def real_engine(real_store: Path) -> Iterator[Engine]:
    engine = Engine(Settings(store=real_store))
    yield engine
    engine.close()
