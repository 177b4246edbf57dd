"""Help that shows how: examples at the end of every --help, the README's command
lines all accepted, and plain `qa` off a terminal prints the help instead of a TUI."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import EXAMPLES, cli
from tests.conftest import REPO

COMMANDS = ("", "ingest", "ask", "eval", "show", "stats", "tui", "serve")


def help_text(command: str) -> str:
    out = CliRunner().invoke(cli, [*command.split(), "--help"])
    assert out.exit_code == 0, out.output
    return out.output


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c or "qa")
def test_help_ends_with_real_examples(command: str) -> None:
    text = help_text(command)
    head, _, tail = text.rpartition("\nExamples:\n")
    assert head, text
    examples = [line.strip() for line in tail.splitlines()]
    assert 2 <= len(examples) <= 3, examples
    assert examples == list(EXAMPLES[command or "qa"])
    for example in examples:
        argv = shlex.split(example)
        assert argv[0] == "qa"
        if command:
            assert command in argv, example
        out = CliRunner().invoke(cli, [*argv[1:], "--help"])
        assert out.exit_code == 0, (example, out.output)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c or "qa")
def test_help_names_no_file_that_is_not_shipped(command: str) -> None:
    assert not re.search(r"\w+\.md\b|DESIGN|eval/dev", help_text(command))


def readme_command_lines() -> list[str]:
    """Every `qa ...` line of the README's shell blocks."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```sh\n(.*?)```", text, flags=re.DOTALL)
    return [line.strip() for b in blocks for line in b.splitlines() if line.startswith("qa ")]


README_LINES = readme_command_lines()


def test_the_readme_has_the_command_block() -> None:
    assert len(README_LINES) >= 12
    assert {shlex.split(line, comments=True)[1] for line in README_LINES} >= {
        "ingest", "ask", "eval", "show", "stats", "tui"
    }  # fmt: skip


@pytest.mark.parametrize("line", README_LINES)
def test_readme_command_lines_are_accepted(line: str) -> None:
    argv = shlex.split(line.split(" | ")[0], comments=True)  # qa's part of a pipeline
    out = CliRunner().invoke(cli, [*argv[1:], "--help"])
    assert out.exit_code == 0, out.output
    assert "No such option" not in out.output


def test_plain_qa_off_a_terminal_prints_help_and_exits_2() -> None:
    out = CliRunner().invoke(cli, [], prog_name="qa")
    assert out.exit_code == 2
    assert out.output.startswith("Usage: qa [OPTIONS] [COMMAND] [ARGS]...")
    assert "Examples:" in out.output


def test_plain_qa_on_a_terminal_opens_the_tui(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr("qa.cli._interactive", lambda: True)
    out = CliRunner().invoke(cli, ["--store", str(tmp_path / "missing")])
    assert out.exit_code == 1  # the TUI's own check of its store ran
    assert "no store at" in out.stderr
