"""The `qa` command as users run it: a real subprocess, real model, real store."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.fakes import REPO, run_qa

HEAVY = ("torch", "sentence_transformers", "chromadb", "textual", "numpy", "transformers")
COMMANDS = ("ingest", "ask", "eval", "show", "stats", "tui", "serve")


@pytest.mark.parametrize(
    "command", [(), *((c,) for c in COMMANDS)], ids=lambda c: " ".join(c) or "qa"
)
def test_help_imports_nothing_heavy(command: tuple[str, ...]) -> None:
    code = (
        "import sys, time; t = time.perf_counter()\n"
        "from qa.cli import cli\n"
        f"try:\n    cli([*{list(command)!r}, '--help'], prog_name='qa')\n"
        "except SystemExit as e:\n    assert e.code == 0, e.code\n"
        f"heavy = [m for m in {HEAVY!r} if m in sys.modules]\n"
        "print('HEAVY', heavy, 'SECONDS', round(time.perf_counter() - t, 3))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    line = out.stdout.strip().splitlines()[-1]
    assert line.startswith("HEAVY [] "), line
    print(f"qa {' '.join(command)} --help: {line.split()[-1]} s in-process")


def test_help_wall_time_is_printed() -> None:
    start = time.perf_counter()
    out = subprocess.run([sys.executable, "-m", "qa.cli", "--help"], capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    assert out.returncode == 0 and "ask" in out.stdout
    print(f"qa --help wall: {elapsed:.3f} s")


@pytest.mark.parametrize(
    ("case", "args", "expected"),
    [
        ("empty question", ("ask", "   "), "the question is empty"),
        ("no words", ("ask", "???"), "the question '???' has no words"),
        ("nothing piped in", ("ask", "-"), "the question is empty"),
        ("huge question", ("ask", "x" * 100_001), "characters long: ask in at most 10,000"),
        ("bad since", ("ask", "border", "--since", "2006-13-40"), "is not a date"),
        ("json and markdown", ("ask", "border", "--json", "--markdown"), "choose one of"),
        ("bad device", ("--device", "tpu", "stats"), "Invalid value for '--device'"),
        ("missing eval file", ("eval", "/nonexistent/dev.jsonl"), "does not exist"),
    ],
    ids=lambda v: v if isinstance(v, str) and len(v) < 40 else "",
)
def test_misuse_gives_one_line(
    case: str, args: tuple[str, ...], expected: str, tmp_path: Path
) -> None:
    out = run_qa(*args, store=tmp_path / "store")
    assert out.returncode != 0, case
    assert expected in out.stderr, out.stderr
    assert "Traceback" not in out.stderr
    assert not (tmp_path / "store").exists(), "a refused command must not create a store"


@pytest.mark.parametrize(
    ("piped", "expected"),
    [
        (" \n\t\n", "the question is empty"),
        ("-\n", "the question '-' has no words"),
        (
            "a" * 40_005,
            "the question on standard input is longer than 10,000 characters,"
            " the most a question may have",
        ),
    ],
    ids=["blank", "no words", "huge"],
)
def test_a_piped_question_is_checked_like_a_typed_one(
    piped: str, expected: str, tmp_path: Path
) -> None:
    out = run_qa("ask", "-", store=tmp_path / "store", stdin=piped)
    assert out.returncode == 2 and out.stderr.strip() == f"Error: {expected}", out.stderr
    assert not (tmp_path / "store").exists()


def test_show_without_store_is_one_line(tmp_path: Path) -> None:
    out = run_qa("show", "06MEXICO3305", store=tmp_path / "nothing")
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1, out.stderr


@pytest.mark.slow
def test_first_ask_indexes_the_sample_and_cites_it(tmp_path: Path) -> None:
    """Only the default store (here under XDG_DATA_HOME) is created by a question."""
    data = tmp_path / "data"
    out = run_qa("ask", "What should Mexico do about its southern border?", data=data)
    assert out.returncode == 0, out.stderr
    assert "indexing the built-in sample cable 06MEXICO3305" in out.stderr
    assert f"{data / 'cable-qa'}" in out.stderr
    assert "06MEXICO3305 ¶" in out.stdout

    again = run_qa("ask", "--json", "-k", "3", "Who is accountable for border violence?", data=data)
    assert again.returncode == 0, again.stderr
    assert "indexing" not in again.stderr
    answer = json.loads(again.stdout)
    assert set(answer) == {"question", "filters", "answered", "results"}
    assert 1 <= len(answer["results"]) <= 3
    first = answer["results"][0]
    assert set(first) == {
        "rank", "cable_id", "paragraph", "citation", "score", "text", "highlight",
        "subject", "date", "origin", "classification", "tags", "outside_dates", "also",
    }  # fmt: skip
    assert first["citation"] == f"06MEXICO3305 ¶{first['paragraph']}"
    assert first["date"] == "2006-06-15"
    start, end = first["highlight"]["start"], first["highlight"]["end"]
    assert 0 <= start < end <= len(first["text"])

    # "-": the question from standard input, its line breaks read as spaces
    piped = "Who is accountable\nfor border violence?\n"
    from_stdin = run_qa("ask", "--json", "-k", "3", "-", data=data, stdin=piped)
    assert from_stdin.returncode == 0, from_stdin.stderr
    assert json.loads(from_stdin.stdout) == answer


# The package alone is the thin client; the `local` extra holds a store (pyproject.toml).
# A module set to None in sys.modules is one that is not installed: its import fails with
# ModuleNotFoundError and find_spec finds nothing.
WITHOUT_LOCAL = (
    "import sys\n"
    "from qa.cli.boundary import LOCAL_MODULES\n"
    "for m in LOCAL_MODULES:\n    sys.modules[m] = None\n"
    "import qa.cli\n"
    "qa.cli._interactive = lambda: True\n"  # `qa tui` as on a terminal: it refuses a pipe first
    "from qa.cli import cli\n"
    "cli(sys.argv[1:], prog_name='qa')\n"
)


@pytest.mark.parametrize(
    ("args", "command"),
    [
        (("ask", "Who resigned?"), "qa ask"),  # the default store, made of the sample
        (("--store", "{store}", "ask", "Who resigned?"), "qa ask"),
        (("--store", "{store}", "show", "06MEXICO3305"), "qa show"),
        (("--store", "{store}", "stats"), "qa stats"),
        (("--store", "{store}", "tui"), "qa tui"),
        (("--store", "{store}", "ingest", "{sample}"), "qa ingest"),
        (("--store", "{store}", "eval", "{questions}"), "qa eval"),
        (("serve",), "qa serve"),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_without_the_local_extra_a_local_command_says_what_to_install(
    args: tuple[str, ...], command: str, tmp_path: Path
) -> None:
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "a", "question": "Who resigned?", "gold": []}\n')
    names = {"store": str(tmp_path / "store"), "sample": str(tmp_path), "questions": questions}
    out = subprocess.run(
        [sys.executable, "-c", WITHOUT_LOCAL, *(a.format(**names) for a in args)],
        capture_output=True,
        text=True,
        env={
            **{k: v for k, v in os.environ.items() if not k.startswith("QA_")},
            "XDG_DATA_HOME": str(tmp_path / "data"),
        },
        cwd=REPO,
        timeout=60,
    )
    assert out.returncode == 1, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert lines[0].startswith(f"Error: {command} needs the local engine"), lines[0]
    assert "pip install 'cable-qa[local]'" in lines[0] and "--server URL" in lines[0]
    assert not (tmp_path / "store").exists() and not (tmp_path / "data").exists()


def test_the_packages_own_dependencies_are_the_thin_clients() -> None:
    tomllib = pytest.importorskip("tomllib")
    from qa.cli.boundary import LOCAL_MODULES

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0].lower() for r in requirements}

    own = names(project["dependencies"])
    local = names(project["optional-dependencies"]["local"])
    assert own == {"click", "platformdirs", "httpx", "textual"}
    modules = {m.replace("_", "-") for m in LOCAL_MODULES} - {"transformers"}
    assert modules <= local, modules - local
    assert not own & local
