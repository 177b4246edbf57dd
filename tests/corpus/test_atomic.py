"""Files written whole or not at all (`corpus.atomic`)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from corpus.atomic import write_atomic, write_text_atomic


def test_text_replaces_the_file_and_leaves_no_temporary(tmp_path: Path) -> None:
    path = tmp_path / "session.json"
    path.write_text("old", encoding="utf-8")
    write_text_atomic(path, "new “text”")
    assert path.read_text(encoding="utf-8") == "new “text”"
    assert [p.name for p in tmp_path.iterdir()] == ["session.json"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    path = tmp_path / "terms.json"
    path.write_text("old", encoding="utf-8")

    def half_then_fail(tmp: Path) -> None:
        tmp.write_text("half", encoding="utf-8")
        raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_atomic(path, half_then_fail)
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["terms.json"]


def test_writers_that_add_a_suffix_find_it_already_there(tmp_path: Path) -> None:
    """`numpy.save` and `numpy.savez` add .npy/.npz unless the name ends so."""
    vectors = np.arange(6, dtype=np.float32).reshape(2, 3)
    write_atomic(tmp_path / "vectors-3-0.npy", lambda tmp: np.save(tmp, vectors))
    write_atomic(tmp_path / "rows-3-0.npz", lambda tmp: np.savez(tmp, rids=np.arange(2)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rows-3-0.npz", "vectors-3-0.npy"]
    assert np.array_equal(np.load(tmp_path / "vectors-3-0.npy"), vectors)


def test_a_missing_folder_is_an_error_not_a_stray_file(tmp_path: Path) -> None:
    with pytest.raises(OSError):
        write_text_atomic(tmp_path / "absent" / "x.json", "{}")
    assert list(tmp_path.iterdir()) == []
