"""Rules of the layout that import-linter cannot see: only `embeddings` knows the
ledger's schema, no module grows past the house limit, and the tests never import the
benchmarks (what both need lives in the packages or in `tests/`)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.conftest import REPO

SQL = re.compile(
    r"\b(SELECT\b.+\bFROM|INSERT\s+INTO|UPDATE\s+\w+\s+SET|DELETE\s+FROM|CREATE\s+TABLE)\b"
    r"|\.execute(many|script)?\(|\bimport\s+sqlite3\b|\bfts\s+MATCH\b",
)
MAX_LINES = 400
"""The house limit (DESIGN.md): a module past it holds more than one job."""
PACKAGES = ("corpus", "embeddings", "qa")
BENCH_IMPORT = re.compile(r"^\s*(?:from\s+bench(?:\.|\s)|import\s+bench\b)", re.MULTILINE)


def _modules(package: str) -> list[Path]:
    return sorted((REPO / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("qa"), ids=lambda p: str(p.relative_to(REPO)))
def test_qa_runs_no_sql(path: Path) -> None:
    """The engine asks `embeddings.view.LedgerView`; the schema may change without it."""
    hits = [
        f"{path.relative_to(REPO)}:{n}: {line.strip()}"
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line)
    ]
    assert not hits, "\n".join(hits)


def test_the_sql_check_sees_sql() -> None:
    for line in (
        'conn.execute("SELECT count(*) FROM records")',
        "    'SELECT pid, text FROM paragraphs WHERE pid IN (?)'",
        "import sqlite3",
        '"SELECT 1 FROM fts WHERE fts MATCH ?"',
    ):
        assert SQL.search(line), line
    for line in (
        "Select the best answer from the hits",
        "UPDATE the view",
        "selected = [h for h in hits]",
    ):
        assert not SQL.search(line), line


@pytest.mark.parametrize(
    "path",
    [path for package in PACKAGES for path in _modules(package)],
    ids=lambda p: str(p.relative_to(REPO)),
)
def test_modules_stay_small(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(REPO)} has {lines} lines"


@pytest.mark.parametrize("path", _modules("tests"), ids=lambda p: str(p.relative_to(REPO)))
def test_tests_never_import_bench(path: Path) -> None:
    """A test that imports `bench/` breaks when a benchmark changes, and a clone with
    only the packages and their tests cannot run it."""
    found = BENCH_IMPORT.findall(path.read_text(encoding="utf-8"))
    assert not found, f"{path.relative_to(REPO)} imports bench: {found}"


def test_the_bench_import_check_sees_imports() -> None:
    for line in (
        "from bench.parse import CAREFUL_SAMPLE",
        "    import bench",
        "from bench import x",
    ):
        assert BENCH_IMPORT.search(line), line
    for line in ("from benchmarks import x", "# bench/fuzz.py is the long run", "bench = 1"):
        assert not BENCH_IMPORT.search(line), line
