"""`corpus.read`: the seed, detection by content, and bad input reported without stopping."""

from __future__ import annotations

import gzip
import shutil
import tarfile
import zipfile
from itertools import islice
from pathlib import Path

import pytest

import corpus
from corpus.formats.cables_csv import _records
from corpus.models import Cable, ReadError
from tests.conftest import COMPRESSORS, CSV_HEAD, SEED, cable_html


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


def test_an_id_written_with_the_year_in_full_reads_as_the_canonical_id(tmp_path: Path) -> None:
    """Later releases write `1966BUENOSAIRES02481` for `66BUENOSAIRES2481`: the same
    cable, which must not be refused or stored under a second ID."""
    (row,) = [record for _, record in islice(_records(CSV_HEAD), 1)]
    assert '"66BUENOSAIRES2481"' in row
    path = tmp_path / "cables.csv"
    path.write_text(row.replace('"66BUENOSAIRES2481"', '"1966BUENOSAIRES02481"'), "utf-8")
    (c,) = cables(path)
    assert isinstance(c, Cable) and c.id == "66BUENOSAIRES2481"


@pytest.mark.parametrize("suffix", sorted(COMPRESSORS))
def test_compressed_files_read_as_what_they_hold(suffix: str, tmp_path: Path) -> None:
    """`cables.csv.gz` (and bzip2, xz) as releases are passed around, and a compressed
    page: the same cables as the plain files, found by content, whatever the name."""
    squeeze = COMPRESSORS[suffix]
    (tmp_path / f"cables.csv.{suffix}").write_bytes(squeeze(CSV_HEAD.read_bytes()))
    (tmp_path / "page.bin").write_bytes(squeeze(cable_html("08OSLO522").read_bytes()))
    plain = [c for c in cables(CSV_HEAD) if isinstance(c, Cable)]
    got = cables(tmp_path)
    assert not [r for r in got if isinstance(r, ReadError)]
    ids = [c.id for c in got if isinstance(c, Cable)]
    assert ids == [*(c.id for c in plain), "08OSLO522"]
    hashes = [c.content_hash for c in got if isinstance(c, Cable)][: len(plain)]
    assert hashes == [c.content_hash for c in plain]


def test_a_cut_off_compressed_csv_gives_its_rows_and_one_error(tmp_path: Path) -> None:
    whole = gzip.compress(CSV_HEAD.read_bytes())
    path = tmp_path / "cables.csv.gz"
    path.write_bytes(whole[: len(whole) // 2])
    got = cables(path)
    good = [r for r in got if isinstance(r, Cable)]
    assert good and isinstance(got[-1], ReadError)
    assert got[-1].reason.startswith("read failed: Compressed file ended")
    assert not got[-1].refused  # a damaged copy says nothing of what the file holds
    damaged = bytearray(whole)
    damaged[len(whole) // 2 : len(whole) // 2 + 64] = bytes(64)  # deflate data gone bad
    path.write_bytes(bytes(damaged))
    got = cables(path)
    assert isinstance(got[-1], ReadError) and got[-1].reason.startswith("read failed: ")
    ids = [r.id for r in got if isinstance(r, Cable)]
    assert ids == [c.id for c in cables(CSV_HEAD) if isinstance(c, Cable)][: len(ids)]
    page = tmp_path / "page.html.gz"
    page.write_bytes(gzip.compress(cable_html("08OSLO522").read_bytes())[:200])
    (error,) = cables(page)
    assert isinstance(error, ReadError) and error.reason.startswith("cannot decompress (gzip)")


def test_an_archive_is_named_with_what_to_do(tmp_path: Path) -> None:
    """The 2011 release came as a 7z archive: say to unpack it, not "binary file"."""
    with zipfile.ZipFile(tmp_path / "a.zip", "w") as z:
        z.write(CSV_HEAD, "cables.csv")
    with tarfile.open(tmp_path / "b.tar", "w") as t:
        t.add(CSV_HEAD, "cables.csv")
    (tmp_path / "c.7z").write_bytes(b"7z\xbc\xaf\x27\x1c\x00\x04" + bytes(200))
    reasons = [r.reason for r in cables(tmp_path) if isinstance(r, ReadError)]
    assert reasons == [
        f"a {kind} archive: unpack it and ingest what it holds" for kind in ("zip", "tar", "7z")
    ]


@pytest.mark.parametrize("case", ["06MEXICO3305"], ids=["06MEXICO3305-missing"])
def test_missing_path_is_an_error(case: str, tmp_path: Path) -> None:
    (error,) = cables(tmp_path / f"{case}.md")
    assert isinstance(error, ReadError) and "no such file" in error.reason
