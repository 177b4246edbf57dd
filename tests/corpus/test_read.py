"""`corpus.read`: the seed, detection by content, and bad input reported without stopping."""

from __future__ import annotations

import shutil
from itertools import islice
from pathlib import Path

import pytest

import corpus
from corpus.formats.cables_csv import _records
from corpus.models import Cable, ReadError
from tests.conftest import CSV_HEAD, SEED, cable_html


def cables(path: Path) -> list[Cable | ReadError]:
    return list(corpus.read(path))


def test_seed() -> None:
    (c,) = cables(SEED)
    assert isinstance(c, Cable)
    assert (c.id, c.date, c.origin, c.classification) == (
        "06MEXICO3305",
        "2006-06-15",
        "Embassy Mexico",
        "CONFIDENTIAL",
    )
    assert c.tags == ("PREL", "SMIG", "MX")
    assert c.subject == "ENGAGING THE NEW MEXICAN ADMINISTRATION ON IMMIGRATION AND BORDER SECURITY"
    assert c.references == ("06MEXICO3297",)
    assert [p.number for p in c.paragraphs] == [str(n) for n in range(1, 10)]
    text = {p.number: p.text for p in c.paragraphs}
    assert "need to expand the range of incidents" in text["4"]
    assert "prosecution in Mexico, has been a success" in text["4"]
    assert "involves cut-off dates for participation" in text["9"]
    assert all("00003305" not in t and "SIPDIS" not in t for t in text.values())
    assert text["9"].endswith("prosecutions in Mexico.")
    assert {p.number: p.heading for p in c.paragraphs}["2"] == (
        "A Constructive Approach to Border Violence"
    )


def test_seed_as_plain_text_with_an_id_line(tmp_path: Path) -> None:
    body = SEED.read_text(encoding="utf-8").replace("[", "").replace("](#)", "")
    path = tmp_path / "cable.txt"
    path.write_text("06MEXICO3305\n" + body.replace("#### ", ""), encoding="utf-8")
    (c,) = cables(path)
    assert isinstance(c, Cable)
    assert c.id == "06MEXICO3305" and c.origin == "Embassy Mexico"


def test_html_detected_by_content_not_extension(tmp_path: Path) -> None:
    path = tmp_path / "08OSLO522.dat"
    shutil.copy(cable_html("08OSLO522"), path)
    (c,) = cables(path)
    assert isinstance(c, Cable) and c.id == "08OSLO522"


def test_bad_inputs_each_give_one_error_and_the_run_goes_on(tmp_path: Path) -> None:
    (tmp_path / "a_binary.bin").write_bytes(b"\x00\x01\x02PK\x03\x04" * 50)
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_page.html").write_text(
        "<!DOCTYPE html><html><body><p>Not a cable.</p></body></html>", encoding="utf-8"
    )
    shutil.copy(cable_html("05PARIS104"), tmp_path / "d_05PARIS104.html")
    rows = [record for _, record in islice(_records(CSV_HEAD), 3)]
    rows[1] = rows[1].rstrip()[:-1] + "\r\n"  # the body loses its closing quote
    (tmp_path / "e_cables.csv").write_text("".join(rows), encoding="utf-8", newline="")
    (tmp_path / ".hidden.txt").write_bytes(b"\x00")
    results = cables(tmp_path)
    errors = [r for r in results if isinstance(r, ReadError)]
    good = [r.id for r in results if isinstance(r, Cable)]
    assert [Path(e.source).name for e in errors] == [
        "a_binary.bin",
        "b_empty.txt",
        "c_page.html",
        "e_cables.csv",
    ]
    assert errors[3].row == 2
    assert good[0] == "05PARIS104" and len(good) == 3


@pytest.mark.parametrize("case", ["06MEXICO3305"], ids=["06MEXICO3305-missing"])
def test_missing_path_is_an_error(case: str, tmp_path: Path) -> None:
    (error,) = cables(tmp_path / f"{case}.md")
    assert isinstance(error, ReadError) and "no such file" in error.reason
