"""The CLI's boundary: an error the project raises on purpose is one line and status 1,
a bug says it is one (status 70), with the traceback only under QA_DEBUG=1."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

import corpus.errors
import embeddings.errors
import qa.errors
from corpus.errors import CableQAError
from qa.cli import BUG_EXIT, cli

ERRORS = [
    corpus.errors.ParseError,
    embeddings.errors.StoreError,
    embeddings.errors.ModelMismatchError,
    embeddings.errors.StoreLockedError,
    embeddings.errors.EncoderError,
    embeddings.errors.ExportUnsupportedError,
    qa.errors.SettingsError,
    qa.errors.EngineError,
    qa.errors.RetrievalError,
    qa.errors.EvalError,
]


@pytest.mark.parametrize("error", ERRORS, ids=lambda e: e.__name__)
def test_every_error_is_in_the_one_tree(error: type[Exception]) -> None:
    assert issubclass(error, CableQAError)
    assert error.__doc__, "each error says what it means"


def _stats_raising(
    exc: BaseException, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, debug: bool = False
) -> tuple[int, str]:
    """`qa stats` on a store whose reading raises `exc`: (status, stderr)."""
    import embeddings.stats

    def fail(*args: object, **kwargs: object) -> None:
        raise exc

    store = tmp_path / "store"
    store.mkdir()
    (store / "ledger.sqlite3").touch()
    monkeypatch.setattr(embeddings.stats, "stats", fail)
    if debug:
        monkeypatch.setenv("QA_DEBUG", "1")
    else:
        monkeypatch.delenv("QA_DEBUG", raising=False)
    out = CliRunner().invoke(cli, ["--store", str(store), "stats"])
    return out.exit_code, out.stderr


CASES = [
    ("store", embeddings.errors.StoreError("store ledger x is unreadable\nmore"), 1),
    ("eval", qa.errors.EvalError("line 2: not JSON"), 1),
    ("disk", OSError(28, "No space left on device"), 1),
    ("bug", ZeroDivisionError("division by zero"), BUG_EXIT),
    ("bug-empty", KeyError(), BUG_EXIT),
]


@pytest.mark.parametrize(("case", "exc", "status"), CASES, ids=[c[0] for c in CASES])
def test_one_line_for_errors_and_for_bugs(
    case: str, exc: Exception, status: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = _stats_raising(exc, tmp_path, monkeypatch)
    assert code == status, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in stderr, stderr
    if status == 1:
        assert lines[0] == f"Error: {str(exc).splitlines()[0]}"
    else:
        assert "this is a bug, please report it" in lines[0]
        assert "QA_DEBUG=1" in lines[0]
        assert lines[0].endswith(f"{type(exc).__name__}: {str(exc) or type(exc).__name__}")


def test_a_bug_under_qa_debug_shows_its_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    code, stderr = _stats_raising(ZeroDivisionError("boom"), tmp_path, monkeypatch, debug=True)
    assert code == BUG_EXIT
    assert stderr.startswith("Traceback (most recent call last):"), stderr
    assert "in fail" in stderr  # the frame that raised
    last = stderr.strip().splitlines()[-1]
    assert last == "Error: this is a bug, please report it: ZeroDivisionError: boom"
