"""Unchanged files are skipped unread; anything that could change their cables reads them again.

Real cablegate pages copied into a temporary folder, a real Chroma store, and
the hash encoder.
"""

from __future__ import annotations

import html
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import corpus.formats
from embeddings import client as chroma_client
from embeddings import sources
from embeddings.ingest import IngestOptions, IngestSummary, ingest
from embeddings.ledger import Ledger
from tests.conftest import cable_html, spliced_page
from tests.embeddings.conftest import char_windower
from tests.fakes import HashEncoder

PAGES = ("10CARACAS107", "08OSLO522", "05PARIS4760")


@pytest.fixture
def folder(tmp_path: Path, shared_corpus: Path) -> Path:
    cables = tmp_path / "cables"
    cables.mkdir()
    for cable_id in PAGES:
        shutil.copy(cable_html(cable_id), cables / f"{cable_id}.html")
    (cables / "broken.html").write_bytes(b"\x00\x01\x02 not a cable \x00" * 50)
    return cables


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files the ingest opens and parses."""
    opened: list[str] = []
    real = corpus.formats.read_file

    def spy(path: Path, *, year: int | None = None) -> Iterator[object]:
        opened.append(path.name)
        return real(path, year=year)

    monkeypatch.setattr(corpus.formats, "read_file", spy)
    return opened


def run(store: Path, *paths: Path, year: int | None = None) -> IngestSummary:
    return ingest(
        list(paths),
        IngestOptions(store_dir=store, encoder=HashEncoder(), windower=char_windower, year=year),
        export_onnx=False,
    )


def counts(s: IngestSummary) -> tuple[int, int, int, int, int]:
    return (s.new, s.changed, s.unchanged, s.failed, s.duplicates)


def test_unchanged_files_are_not_read_again_and_their_errors_still_show(
    tmp_path: Path, folder: Path, reads: list[str]
) -> None:
    first = run(tmp_path / "store", folder)
    assert counts(first) == (3, 0, 0, 1, 0)
    assert sorted(reads) == sorted([*(f"{c}.html" for c in PAGES), "broken.html"])
    reads.clear()
    again = run(tmp_path / "store", folder)
    assert reads == []
    assert counts(again) == (0, 0, 3, 1, 0)
    assert again.errors == first.errors and "broken.html" in again.errors[0]
    assert again.encode_seconds == 0 and "nothing to encode" in again.line()


def test_a_touched_file_is_checked_by_its_bytes_and_an_edited_one_is_read(
    tmp_path: Path, folder: Path, reads: list[str]
) -> None:
    store = tmp_path / "store"
    run(store, folder)
    page = folder / "08OSLO522.html"
    stat = page.stat()
    os.utime(page, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))  # a fresh copy
    reads.clear()
    assert counts(run(store, folder)) == (0, 0, 3, 1, 0) and reads == []
    page.write_bytes(page.read_bytes() + b"\n<!-- saved again -->\n")  # bytes, not the cable
    reads.clear()
    assert counts(run(store, folder)) == (0, 0, 3, 1, 0)
    assert reads == ["08OSLO522.html"]
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("Norway", "Norwegia", 1), encoding="utf-8")
    reads.clear()
    assert counts(run(store, folder)) == (0, 1, 2, 1, 0)
    assert reads == ["08OSLO522.html"]


def test_a_new_parser_reads_everything_again_but_encodes_nothing(
    tmp_path: Path, folder: Path, reads: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    run(store, folder)
    monkeypatch.setattr(sources, "parser_digest", lambda: "another parser")
    reads.clear()
    summary = run(store, folder)
    assert counts(summary) == (0, 0, 3, 1, 0) and summary.records == 0
    assert len(reads) == 4


def test_a_cable_missing_from_the_ledger_makes_its_file_read_again(
    tmp_path: Path, folder: Path, reads: list[str]
) -> None:
    store = tmp_path / "store"
    run(store, folder)
    ledger = Ledger.open(store)
    try:
        ledger.conn.execute("UPDATE cables SET content_hash='stale' WHERE id='05PARIS4760'")
    finally:
        ledger.close()
    reads.clear()
    assert counts(run(store, folder)) == (0, 1, 2, 1, 0)
    assert reads == ["05PARIS4760.html"]


def test_the_same_cable_in_two_files_stays_a_duplicate_when_skipped(
    tmp_path: Path, folder: Path, reads: list[str]
) -> None:
    store = tmp_path / "store"
    copy = tmp_path / "copy.html"
    shutil.copy(folder / "10CARACAS107.html", copy)
    assert counts(run(store, folder, copy)) == (3, 0, 0, 1, 1)
    reads.clear()
    assert counts(run(store, folder, copy)) == (0, 0, 3, 1, 1) and reads == []


def test_parser_digest_covers_the_readers() -> None:
    digest = sources.parser_digest()
    assert len(digest) == 32 and digest == sources.parser_digest()


def test_a_year_hint_reads_undated_files_again(tmp_path: Path, reads: list[str]) -> None:
    folder = tmp_path / "bare"
    folder.mkdir()
    page = cable_html("08OSLO522").read_text(encoding="utf-8")
    bare = page.rsplit("<pre>", 1)[1].split("</pre>", 1)[0]
    text = html.unescape(bare)
    text = "\n".join(line for line in text.splitlines() if "DECL" not in line)
    (folder / "oslo.txt").write_text(text, encoding="utf-8")
    store = tmp_path / "store"
    first = run(store, folder)
    hinted = run(store, folder, year=2008)
    assert (first.failed, hinted.new) == (1, 1), (first.errors, hinted.errors)
    assert "--year" in first.errors[0]
    reads.clear()
    again = run(store, folder, year=2008)
    assert counts(again) == (0, 0, 1, 0, 0) and reads == []


# -- what the same bytes no longer give is withdrawn -------------------------------------------


def store_as_an_earlier_reader(store: Path, *paths: Path) -> IngestSummary:
    """Ingest as a reader without the own-text check did (and with another digest)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("corpus.assemble._check_own_text", lambda *_args: None)
        patch.setattr(sources, "parser_digest", lambda: "an earlier reader")
        return run(store, *paths)


def stored(store: Path) -> tuple[list[str], set[str]]:
    """The ledger's cables, and the cables Chroma holds records of."""
    ledger = Ledger.open(store)
    try:
        cables = sorted(r[0] for r in ledger.conn.execute("SELECT id FROM cables"))
    finally:
        ledger.close()
    col = chroma_client.reopen(store, None, "hash-bow-64", 64)
    return cables, {m["cable_id"] for m in col.get(include=["metadatas"])["metadatas"]}


def test_a_cable_the_same_bytes_no_longer_give_is_withdrawn(
    tmp_path: Path, folder: Path, reads: list[str]
) -> None:
    store, page = tmp_path / "store", spliced_page(folder)
    assert store_as_an_earlier_reader(store, folder).new == 4
    assert "08OSLO523" in stored(store)[0]
    now = run(store, folder)
    assert now.withdrawn == [f"08OSLO523: {page.resolve()} no longer gives it"]
    assert any("08OSLO523.html: its text is OSLO 522's" in e for e in now.errors)
    cables, in_chroma = stored(store)
    assert cables == sorted(PAGES) and in_chroma == set(PAGES)
    reads.clear()
    again = run(store, folder)
    assert again.withdrawn == [] and reads == [] and counts(again) == (0, 0, 3, 2, 0)


def test_a_file_whose_bytes_changed_keeps_what_it_gave(tmp_path: Path, folder: Path) -> None:
    """A cut-off or damaged copy must not unstore the cable its whole copy gave."""
    store, page = tmp_path / "store", spliced_page(folder)
    store_as_an_earlier_reader(store, folder)
    page.write_text(page.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    now = run(store, folder)
    assert now.withdrawn == [] and "08OSLO523" in stored(store)[0]


def test_a_cable_another_file_gives_is_not_withdrawn(tmp_path: Path, folder: Path) -> None:
    store, page = tmp_path / "store", spliced_page(folder)
    own = tmp_path / "own"
    own.mkdir()
    text = page.read_text(encoding="utf-8").replace("OSLO 000522", "OSLO 000523")
    (own / "08OSLO523.html").write_text(text, encoding="utf-8")
    store_as_an_earlier_reader(store, folder, own)
    assert run(store, folder).withdrawn == []  # the other file's last reading gave it
    assert "08OSLO523" in stored(store)[0]
    store_as_an_earlier_reader(store, folder, own)
    assert run(store, folder, own).withdrawn == []  # the other file gives it this run
    assert "08OSLO523" in stored(store)[0]


def bare_oslo(folder: Path) -> Path:
    """08OSLO522's text with no dated line: its year must come from `--year`."""
    folder.mkdir()
    page = cable_html("08OSLO522").read_text(encoding="utf-8")
    text = html.unescape(page.rsplit("<pre>", 1)[1].split("</pre>", 1)[0])
    text = "\n".join(line for line in text.splitlines() if "DECL" not in line)
    (folder / "oslo.txt").write_text(text, encoding="utf-8")
    return folder


def test_an_ingest_without_the_year_withdraws_nothing(tmp_path: Path) -> None:
    """Forgetting `--year` the second time is no verdict on the file: the one line asks
    for the year, and the cable read with it stays."""
    folder, store = bare_oslo(tmp_path / "bare"), tmp_path / "store"
    assert run(store, folder, year=2008).new == 1
    later = run(store, folder)
    assert later.failed == 1 and "--year" in later.errors[0]
    assert later.withdrawn == [] and stored(store) == (["08OSLO522"], {"08OSLO522"})


def test_a_year_hint_that_changes_an_id_withdraws_the_earlier_one(tmp_path: Path) -> None:
    folder, store = bare_oslo(tmp_path / "bare"), tmp_path / "store"
    assert run(store, folder, year=2007).new == 1
    later = run(store, folder, year=2008)
    assert later.new == 1 and later.withdrawn == [
        f"07OSLO522: {folder / 'oslo.txt'} no longer gives it"
    ]
    assert stored(store) == (["08OSLO522"], {"08OSLO522"})


def test_a_withdrawal_cut_short_before_chroma_is_finished_next_time(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The ledger drops the cable and marks it pending in one transaction; should the
    process die before Chroma drops its records, the next ingest's repair does."""
    store = tmp_path / "store"
    spliced_page(folder)
    store_as_an_earlier_reader(store, folder)

    def dies(*_args: object, **_kw: object) -> int:
        raise KeyboardInterrupt

    with monkeypatch.context() as patch:
        patch.setattr("embeddings.store.Chroma.sync", dies)
        with pytest.raises(KeyboardInterrupt):
            run(store, folder)
    cables, in_chroma = stored(store)
    assert "08OSLO523" not in cables and "08OSLO523" in in_chroma  # cut short between
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(cable_html("06MADRID293"), other)  # something to write: Chroma is opened
    after = run(store, other)
    assert after.notes == ["finished an interrupted write of 1 cable"], after.notes
    cables, in_chroma = stored(store)
    assert "08OSLO523" not in in_chroma and in_chroma == set(cables)


def test_a_reading_that_fails_withdraws_nothing(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A reader's bug (or a read error) says nothing of what a file holds: the cables
    its earlier reading gave stay, where a refusal for what the bytes hold withdraws."""
    store = tmp_path / "store"
    spliced_page(folder)
    store_as_an_earlier_reader(store, folder)

    def broken(*_args: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setitem(corpus.formats.READERS, "html", broken)
    now = run(store, folder)
    assert sum("html reader failed" in e for e in now.errors) == 4
    assert now.withdrawn == [] and len(stored(store)[0]) == 4


def test_a_cable_no_file_read_now_gives_is_withdrawn_whatever_their_records_said(
    tmp_path: Path, folder: Path
) -> None:
    """Two copies of the refused page, read in one run: each one's record (from the
    earlier reader) names the cable, but neither gives it now."""
    store, page = tmp_path / "store", spliced_page(folder)
    second = tmp_path / "second"
    second.mkdir()
    shutil.copy(page, second)
    store_as_an_earlier_reader(store, folder, second)
    now = run(store, folder, second)
    assert [w.split(":")[0] for w in now.withdrawn] == ["08OSLO523"], now.withdrawn
    assert "08OSLO523" not in stored(store)[0]


def test_a_file_whose_reading_failed_still_counts_as_giving_what_it_gave(
    tmp_path: Path, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store, page = tmp_path / "store", spliced_page(folder)
    second = tmp_path / "second"
    second.mkdir()
    shutil.copy(page, second)
    store_as_an_earlier_reader(store, folder, second)
    parse = corpus.formats.READERS["html"]

    def fails_in_second(text: str, source: str, year: int | None) -> object:
        if str(second) in source:
            raise RuntimeError("a bug")
        return parse(text, source, year)

    monkeypatch.setitem(corpus.formats.READERS, "html", fails_in_second)
    now = run(store, folder, second)
    assert now.withdrawn == [] and "08OSLO523" in stored(store)[0]
