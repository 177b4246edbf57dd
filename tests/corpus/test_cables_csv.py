"""The 300 sample rows read like the cablegate pages of the same cables."""

from __future__ import annotations

from pathlib import Path

import pytest

import corpus
from corpus.models import Cable
from tests.conftest import CABLEGATE, SAMPLE_CSV
from tests.paragraph_counts import CAREFUL_SAMPLE, count_paragraphs


def test_csv_rows_match_their_html_pages(shared_corpus: Path) -> None:
    read = list(corpus.read(SAMPLE_CSV))
    rows = [r for r in read if isinstance(r, Cable)]
    refused = sorted((e.row, e.reason.split(" (")[0]) for e in read if not isinstance(e, Cable))
    # the two rows whose text is another cable's, as on their pages (tests/corpus/test_html.py)
    assert refused == [
        (7, "its text is STATE 68250's, not 88BAGHDAD28's"),
        (244, "its text is MOSCOW 5154's, not 07PARIS2725's"),
    ]
    assert len(rows) == 298
    pages = {c.id: c for c in corpus.read(CABLEGATE) if isinstance(c, Cable)}
    mismatched = []
    for row in rows:
        assert isinstance(row, Cable)
        page = pages[row.id]
        fields = ("id", "date", "origin", "classification", "subject", "tags", "references")
        if any(getattr(row, f) != getattr(page, f) for f in fields) or [
            p.number for p in row.paragraphs
        ] != [p.number for p in page.paragraphs]:
            mismatched.append(row.id)
        elif row.content_hash != page.content_hash:
            mismatched.append(f"{row.id} (hash)")
    assert mismatched == []


@pytest.mark.bench
def test_numbered_paragraph_count() -> None:
    parsed, careful = count_paragraphs(CABLEGATE)
    print(f"numbered paragraphs: parsed {parsed}, careful-count estimate {careful:.0f}")
    assert abs(parsed - careful) / careful < 0.02
    assert CAREFUL_SAMPLE
