"""What `qa ask` and `qa show` print, in process with click's runner, on the hand-made store.

The engine is the real one over the hand-made store; only the model is the
deterministic bag-of-words encoder, so these run in milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qa.cli import cli
from qa.config import Settings
from qa.engine import Engine
from tests.fakes import BagEncoder

Invoke = Callable[..., Result]


@pytest.fixture
def qa(monkeypatch: pytest.MonkeyPatch, hand_store: Path) -> Invoke:
    """`qa --store HAND --model bag ...` with the engine given the bag-of-words encoder."""

    def engine(settings: Settings) -> Engine:
        return Engine(settings, encoder=BagEncoder())

    monkeypatch.setattr("qa.engine.Engine", engine)

    def invoke(*args: str, **kw: Any) -> Result:
        base = ["--store", str(hand_store), "--model", BagEncoder.name]
        return CliRunner().invoke(cli, [*base, *args], catch_exceptions=False, **kw)

    return invoke


def test_plain_output_prints_the_values_applied(qa: Invoke) -> None:
    out = qa("ask", "cables from the embassy in Paris since March 2004 on terrorism")
    assert out.exit_code == 0, out.output
    first = out.output.splitlines()[0]
    assert first == "filters read from the question: since 2004-03-01 · origin Embassy Paris"
    data = json.loads(qa("ask", "--json", "cables from Paris since March 2004 on terrorism").output)
    assert data["filters"] == {
        "since": "2004-03-01",
        "origin": "Embassy Paris",
        "inferred": ["since", "origin"],
    }


def test_given_and_read_filters_are_told_apart(qa: Invoke) -> None:
    out = qa("ask", "--tag", "PTER", "terrorism trial in 2005")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[:2] == [
        "filters: tag PTER",
        "filters read from the question: 2005 preferred",
    ]


def test_a_cable_the_store_lacks_is_said_not_searched_as_if_unnamed(qa: Invoke) -> None:
    """Before, an ID the store lacks was dropped without a word, and the closest
    paragraphs of other cables came as if they answered about it."""
    question = "What does 99MADRID1 say about the prosecutor?"
    out = qa("ask", "-k", "2", question)
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[:2] == [
        "no cable 99MADRID1: shown from other cables",
        "Nothing strong found; the closest paragraphs:",
    ]
    data = json.loads(qa("ask", "--json", question).output)
    assert data["filters"]["dropped"] == {"cable_ids": "99MADRID1"}
    assert data["answered"] is False and data["results"]


def test_dropped_filter_says_why(qa: Invoke) -> None:
    out = qa("ask", "secret cables from the embassy in Madrid in 2006 on the prosecutor")
    assert out.exit_code == 0, out.output
    assert (
        "no SECRET cable from Embassy Madrid in 2006: shown without the classification"
        in out.output
    )
    assert "06MADRID293 ¶1" in out.output
    data = json.loads(
        qa(
            "ask", "--json", "secret cables from the embassy in Madrid in 2006 on the prosecutor"
        ).output
    )
    assert data["filters"]["dropped"] == {"classification": "SECRET"}
    assert data["filters"]["origin"] == "Embassy Madrid"


def test_filters_that_leave_nothing_are_named(qa: Invoke) -> None:
    out = qa("ask", "--origin", "Narnia", "--tag", "pter", "terrorism trial")
    assert out.exit_code == 0, out.output
    assert out.output.splitlines() == [
        "filters: origin Narnia · tag PTER",
        "Nothing found: the store has no cable from Narnia (qa stats lists what it has).",
    ]
    both = qa("ask", "--origin", "Paris", "--since", "2009-01-01", "terrorism trial")
    assert "no cable from Paris since 2009-01-01 (each filter alone matches some)" in both.output
    data = json.loads(qa("ask", "--json", "--since", "2030", "terrorism").output)
    assert data["filters"]["unmatched"] == ["since"] and data["results"] == []
    md = qa("ask", "--markdown", "--tag", "ZZZZ", "terrorism").output
    assert "_Nothing found: the store has no cable tagged ZZZZ" in md


def test_since_after_until_is_refused(qa: Invoke) -> None:
    out = qa("ask", "--since", "2010", "--until", "2005", "terrorism")
    assert out.exit_code == 2
    assert "--since: 2010 is after --until 2005" in out.output


# -- off the terminal: marks instead of styles, no hard wrap -----------------------------------

PARIS_1 = "French officials described the trial of the terrorism suspects as a test case."


def test_piped_ask_marks_the_answering_sentence(qa: Invoke) -> None:
    out = qa("ask", "-k", "1", "How did French officials describe the terrorism trial?")
    assert out.exit_code == 0, out.output
    assert f"»{PARIS_1}«" in out.output.splitlines()


def test_piped_show_does_not_wrap(qa: Invoke) -> None:
    out = qa("show", "05PARIS104")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert f"¶1 (C) {PARIS_1}" in lines
    assert all(line == line.rstrip() for line in lines)


# -- citations paste back ------------------------------------------------------------------------

CITATIONS = [
    ("as printed", ("05PARIS104 ¶2",)),
    ("two words", ("05PARIS104", "¶2")),
    ("record id", ("05PARIS104:2",)),
    ("lower case", ("05paris104 ¶2",)),
    ("number apart", ("05paris104", "2")),
    ("no space", ("05PARIS104¶2",)),
]


@pytest.mark.parametrize(("case", "args"), CITATIONS, ids=[c[0] for c in CITATIONS])
def test_citations_paste_back(qa: Invoke, case: str, args: tuple[str, ...]) -> None:
    out = qa("show", *args)
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[-1].startswith("¶2 (C) The minister praised wheat farmers")
    assert "¶1" not in out.output


def test_show_json_is_the_servers_cable_object(qa: Invoke) -> None:
    """`qa show --json` prints what `GET /v1/cables/ID` sends (`qa.answer.cable_json`)."""
    whole = json.loads(qa("show", "--json", "05PARIS104").output)
    assert (whole["id"], whole["date"]) == ("05PARIS104", "2005-01-07")
    assert [p["number"] for p in whole["paragraphs"]] == ["1", "2"]
    assert whole["paragraphs"][0]["text"] == PARIS_1
    one = json.loads(qa("show", "--json", "05paris104 ¶2").output)
    assert one == {**whole, "paragraphs": whole["paragraphs"][1:]}
    missing = qa("show", "--json", "05PARIS104:9")
    assert missing.exit_code == 1 and missing.stdout == ""


def test_two_paragraphs_are_refused(qa: Invoke) -> None:
    out = qa("show", "05PARIS104 ¶2", "1")
    assert out.exit_code == 2
    assert "two paragraphs given: ¶2 and ¶1" in out.stderr


def test_missing_paragraph_is_one_line(qa: Invoke) -> None:
    out = qa("show", "05PARIS104:9")
    assert out.exit_code == 1
    assert out.stderr.strip() == "Error: 05PARIS104 has no paragraph ¶9 (it has ¶1, ¶2)"


def run_in_pty(args: list[str], columns: int, env: dict[str, str] | None = None) -> str:
    """`qa ARGS` in a new process whose stdout is a terminal `columns` wide."""
    import os
    import pty
    import subprocess
    import sys

    from tests.conftest import REPO

    primary, secondary = pty.openpty()
    full = dict(os.environ, COLUMNS=str(columns), LINES="40", TERM="xterm-256color")
    full.update(env or {})
    full.pop("QA_STORE", None)
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", *args],
        stdin=secondary,
        stdout=secondary,
        stderr=secondary,
        cwd=REPO,
        env=full,
    )
    os.close(secondary)
    chunks = []
    while True:
        try:
            data = os.read(primary, 4096)
        except OSError:  # EIO: the other end closed
            break
        if not data:
            break
        chunks.append(data)
    proc.wait(timeout=60)
    os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


def test_show_wraps_only_on_a_terminal(hand_store: Path) -> None:
    import re

    raw = run_in_pty(
        ["--store", str(hand_store), "--model", BagEncoder.name, "show", "05PARIS104"], 40
    )
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", raw).replace("\r", "")
    lines = [line for line in text.split("\n") if line]
    assert max(len(line) for line in lines) <= 40, lines
    assert any(line.startswith("¶1 (C) French officials") for line in lines)
    assert PARIS_1 not in text, "the paragraph is wrapped on a 40-column terminal"
    assert "test case." in text


def test_terminal_ask_styles_instead_of_marking(
    qa: Invoke, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("qa.terminal.to_terminal", lambda: True)
    monkeypatch.setattr("qa.terminal.width", lambda: 200)
    question = "How did French officials describe the terrorism trial?"
    compact = qa("ask", "-k", "1", question)
    assert compact.exit_code == 0, compact.output
    assert "»" not in compact.output
    assert compact.output.splitlines()[:3] == [
        "1. 05PARIS104 ¶1 · 2005-01-07 · Embassy Paris",
        "   FRANCE: TERRORISM TRIAL OPENS",
        f"   {PARIS_1}",
    ]
    for flag in ("--full", "-v"):
        full = qa("ask", "-k", "1", flag, question)
        lines = full.output.splitlines()
        assert lines[0].startswith("1. 05PARIS104 ¶1  ")
        assert lines[1:4] == [
            "FRANCE: TERRORISM TRIAL OPENS",
            "2005-01-07 · Embassy Paris · SECRET//NOFORN · PTER FR",
            PARIS_1,
        ]


def test_long_output_goes_through_the_pager_on_a_terminal(hand_store: Path, tmp_path: Path) -> None:
    paged = tmp_path / "paged.txt"
    args = ["--store", str(hand_store), "--model", BagEncoder.name, "show", "05PARIS104"]
    pager = {"PAGER": f"cat > {paged}", "LINES": "4"}
    shown = run_in_pty(args, 80, pager)
    assert "French officials" in paged.read_text()
    assert "French officials" not in shown
    paged.unlink()
    shown = run_in_pty([*args, "--no-pager"], 80, pager)
    assert not paged.exists() and "French officials" in shown
    shown = run_in_pty(args, 80, {**pager, "LINES": "40"})
    assert not paged.exists() and "French officials" in shown, "one screen is not paged"


# -- qa eval warns instead of misleading ---------------------------------------------------------


def test_eval_reports_questions_citing_cables_not_in_the_store(qa: Invoke, tmp_path: Path) -> None:
    paris, mexico = (
        {"cable_id": "05PARIS104", "para": "1"},
        {"cable_id": "06MEXICO3305", "para": "4"},
    )
    rows = [
        {"id": "a", "question": "terrorism trial in France", "gold": [paris]},
        {"id": "b", "question": "border tunnels", "gold": [mexico]},
        {"id": "c", "question": "Mars colony plans", "gold": [], "kind": "unanswerable"},
        {"id": "d", "question": "terrorism trial", "gold": [{**paris, "para": "99"}, paris]},
    ]
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    out = qa("eval", str(path))
    assert out.exit_code == 0, out.output
    assert out.stderr.splitlines() == [
        "1 of 4 questions cite only cables not in this store; scored on the other 3",
        "1 gold paragraph not in its stored cable (qa show lists a cable's paragraphs): "
        "05PARIS104 ¶99 (d)",
    ]
    row = next(line for line in out.stdout.splitlines() if line.startswith("unanswerable"))
    assert row.split()[2:7] == ["-"] * 5, row
    data = json.loads(qa("eval", "--json", str(path)).stdout)
    assert data["not_in_store"] == ["b"]
    assert data["unknown_paragraphs"] == [{"id": "d", "citation": "05PARIS104 ¶99"}]
    assert [q["id"] for q in data["questions"]] == ["a", "c", "d"]


def test_eval_of_an_empty_file_is_one_line(qa: Invoke, tmp_path: Path) -> None:
    path = tmp_path / "empty.jsonl"
    path.write_text("")
    out = qa("eval", str(path))
    assert out.exit_code == 1
    assert out.stderr.strip() == f"Error: {path} holds no questions (one JSON object a line)"
