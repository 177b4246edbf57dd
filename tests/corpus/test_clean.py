"""Cleaning that must give the same text whichever source a cable came from."""

from __future__ import annotations

import pytest

from corpus.clean import clean_text, decode_entities

CASES = [
    (
        "08ASTANA338-quote",
        "Hollingsworth &pounding on the table8 and",
        "Hollingsworth “pounding on the table” and",
    ),
    ("08TEGUCIGALPA459-quote", "Jose Manuel &Mel8 Zelaya", "Jose Manuel “Mel” Zelaya"),
    ("08ASTANA338-apostrophe", "Idenov,s version", "Idenov’s version"),
    ("08ASTANA338-oreilly", "CEO Dave O,Reilly", "CEO Dave O’Reilly"),
    (
        "08BRASILIA351-apostrophe",
        "the Lula administration,s focus",
        "the Lula administration’s focus",
    ),
    ("05PARIS104-list-comma", "France, Spain, and Italy", "France, Spain, and Italy"),
    ("06MEXICO3305-escape", "GOM\x1b[31m help", "GOM[31m help"),
]


@pytest.mark.parametrize(("case", "raw", "expected"), CASES, ids=[c[0] for c in CASES])
def test_clean_text(case: str, raw: str, expected: str) -> None:
    assert clean_text(decode_entities(raw)) == expected


def test_entities_need_semicolons() -> None:
    assert decode_entities("a &amp; b&#x000A;&pound c") == "a & b\n&pound c"
