"""A named store that is not there is refused in one line; only the default store is
ever created by a question (with the built-in sample cable)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from click.testing import CliRunner

from qa.cli import cli
from qa.cli.stores import foreign_files
from tests.conftest import SEED

if TYPE_CHECKING:
    from embeddings.ingest import IngestOptions

READERS = [
    ("ask", ("ask", "What should Mexico do about its southern border?")),
    ("show", ("show", "06MEXICO3305")),
    ("stats", ("stats",)),
    ("eval", ("eval", str(Path(__file__).parents[1] / "eval" / "dev.jsonl"))),
    ("tui", ("tui",)),
]


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """No QA_STORE, a default store under a fresh data folder, and `qa tui` run as on a
    terminal (off one it refuses before any check of its store)."""
    monkeypatch.setattr("qa.cli._interactive", lambda: True)
    monkeypatch.delenv("QA_STORE", raising=False)
    monkeypatch.delenv("QA_CHROMA_URL", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    return {}


@pytest.mark.parametrize(("case", "args"), READERS, ids=[r[0] for r in READERS])
def test_named_store_that_is_missing_is_one_line(
    env: dict[str, str], tmp_path: Path, case: str, args: tuple[str, ...]
) -> None:
    store = tmp_path / "sotre"  # a typo
    out = CliRunner().invoke(cli, ["--store", str(store), *args])
    assert out.exit_code == 1, out.output
    assert out.stderr.strip() == (
        f"Error: no store at {store}: create it with `qa ingest PATH... --store {store}`"
    )
    assert not store.exists(), "a question must not create a named store"
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize(("case", "args"), READERS, ids=[r[0] for r in READERS])
def test_folder_of_cables_is_not_a_store(
    env: dict[str, str], tmp_path: Path, case: str, args: tuple[str, ...]
) -> None:
    folder = tmp_path / "cables"
    folder.mkdir()
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    out = CliRunner().invoke(cli, [*args, "--store", str(folder)])
    assert out.exit_code == 1, out.output
    assert out.stderr.startswith(f"Error: {folder} is not a store: it holds files but no ledger")
    assert len(out.stderr.strip().splitlines()) == 1
    assert sorted(p.name for p in folder.iterdir()) == [SEED.name], "the folder is left as found"


def test_qa_store_env_is_a_named_store(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "typo"
    monkeypatch.setenv("QA_STORE", str(store))
    out = CliRunner().invoke(cli, ["ask", "border"])
    assert out.exit_code == 1
    assert f"no store at {store}" in out.stderr
    assert not store.exists()


class Stop(Exception):
    pass


def test_only_the_default_store_gets_the_sample(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[Path] = []

    def fake_ingest(paths: list[Path], options: IngestOptions, **kw: object) -> None:
        calls.append(options.store_dir)
        raise Stop("stopped before indexing")

    monkeypatch.setattr("embeddings.ingest.ingest", fake_ingest)
    out = CliRunner().invoke(cli, ["ask", "border"])
    default = tmp_path / "data" / "cable-qa"
    assert calls == [default]
    assert f"No store at {default} yet: indexing the built-in sample cable" in out.stderr


def test_default_store_missing_for_show_says_how_to_create(env: dict[str, str]) -> None:
    out = CliRunner().invoke(cli, ["show", "06MEXICO3305"])
    assert out.exit_code == 1
    assert out.stderr.strip().endswith("create it with `qa ingest PATH...`")


def test_ingest_never_writes_a_store_into_a_folder_of_other_files(tmp_path: Path) -> None:
    cables = tmp_path / "cables"
    cables.mkdir()
    page = cables / "note.txt"
    page.write_text("not a store", encoding="utf-8")
    out = CliRunner().invoke(cli, ["--store", str(cables), "ingest", str(page)])
    assert out.exit_code == 1
    assert "is not a store and holds other files" in out.output
    assert sorted(p.name for p in cables.iterdir()) == ["note.txt"]
    stopped = tmp_path / "stopped"  # an ingest killed before its ledger: only the lock
    stopped.mkdir()
    (stopped / "lock").write_text("", encoding="utf-8")
    assert not foreign_files(stopped) and not foreign_files(tmp_path / "new")
