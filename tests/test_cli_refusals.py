"""Input the CLI refuses before any work, each in one line that says what it wants: an
empty store, no terminal for the TUI, a date that is no date, a citation that is no
citation, a -k that is no count, and options a command does not take."""

from __future__ import annotations

import json
import os
import pty
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import EXAMPLES, cli, parse_citation
from qa.errors import no_paragraph
from qa.limits import MAX_K
from tests.conftest import REPO, SEED, cable_html, spliced_page
from tests.fakes import run_qa

EMPTY_STORE_READERS = [
    ("ask", ("ask", "Iran")),
    ("ask json", ("ask", "--json", "Iran")),
    ("show", ("show", "06MEXICO3305")),
    ("similar", ("similar", "06MEXICO3305 ¶4")),
    ("eval", ("eval", str(REPO / "eval" / "dev.jsonl"))),
]


@pytest.fixture(scope="module")
def empty_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store made by an ingest of one empty file: a ledger, and no cable in it."""
    folder = tmp_path_factory.mktemp("empty")
    (folder / "empty.txt").write_bytes(b"")
    store = folder / "store"
    out = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(folder / "empty.txt")])
    assert out.exit_code == 1, out.output  # the file failed; the store is made all the same
    assert (store / "ledger.sqlite3").is_file()
    return store


def test_an_ingest_that_skipped_an_input_exits_1(tmp_path: Path) -> None:
    """A script must see that a file or a CSV row was not read: the summary and each
    skipped input are printed as ever (what was read is stored: `tests/test_cli_ingest.py`),
    and the exit status is 1, not 0."""
    row = '"1","13/45/2008 10:00","08OSLO999","Embassy Oslo","UNCLASSIFIED","","","text"\n'
    (tmp_path / "bad.csv").write_text(row, encoding="utf-8")
    store = tmp_path / "store"
    first = CliRunner().invoke(cli, ["--store", str(store), "ingest", str(tmp_path / "bad.csv")])
    assert first.exit_code == 1, first.output
    assert "bad.csv" in first.output and "0 new" in first.output and "1 failed" in first.output
    out = CliRunner().invoke(
        cli, ["--store", str(store), "ingest", "--json", str(tmp_path / "bad.csv")]
    )
    assert out.exit_code == 1 and '"failed": 1' in out.output  # --json too


def test_a_page_stored_by_an_earlier_reader_and_refused_now_is_withdrawn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the real model and Chroma: the store no longer cites the refused page's ID."""
    folder = tmp_path / "pages"
    folder.mkdir()
    page = spliced_page(folder)
    shutil.copy(cable_html("08OSLO522"), folder)  # the cable whose text it holds
    store = ["--store", str(tmp_path / "store")]
    with monkeypatch.context() as earlier:  # a reader without the own-text check
        earlier.setattr("corpus.assemble._check_own_text", lambda *_args: None)
        earlier.setattr("embeddings.sources.parser_digest", lambda: "an earlier reader")
        assert CliRunner().invoke(cli, [*store, "ingest", str(folder)]).exit_code == 0
    assert CliRunner().invoke(cli, [*store, "show", "08OSLO523"]).exit_code == 0
    out = CliRunner().invoke(cli, [*store, "ingest", str(folder)])
    assert out.exit_code == 1, out.output
    assert f"withdrawn 08OSLO523: {page.resolve()} no longer gives it" in out.stderr
    shown = CliRunner().invoke(cli, [*store, "show", "08OSLO523"])
    assert shown.exit_code == 1 and "08OSLO523" in shown.output
    cited = json.loads(CliRunner().invoke(cli, [*store, "ask", "--json", "Norway"]).output)
    assert {r["cable_id"] for r in cited["results"]} == {"08OSLO522"}


@pytest.mark.parametrize(
    ("case", "args"), EMPTY_STORE_READERS, ids=[r[0] for r in EMPTY_STORE_READERS]
)
def test_an_empty_store_says_so_and_how_to_fill_it(
    empty_store: Path, case: str, args: tuple[str, ...]
) -> None:
    out = CliRunner().invoke(cli, ["--store", str(empty_store), *args])
    assert out.exit_code == 1, out.output  # as a store that is not there
    assert out.stderr.strip() == (
        f"Error: the store {empty_store} holds no cables yet: add some with "
        f"`qa ingest PATH... --store {empty_store}`"
    )


def test_an_empty_store_opens_no_tui(empty_store: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("qa.cli._interactive", lambda: True)
    monkeypatch.setattr("qa.tui.app.run", lambda *a, **kw: pytest.fail("the TUI opened"))
    out = CliRunner().invoke(cli, ["--store", str(empty_store), "tui"])
    assert out.exit_code == 1, out.output
    assert "holds no cables yet" in out.stderr


def test_stats_of_an_empty_store_says_it_is_empty(empty_store: Path) -> None:
    out = CliRunner().invoke(cli, ["--store", str(empty_store), "stats"])
    assert out.exit_code == 0, out.output
    assert out.stdout.strip() == (
        f"the store {empty_store} is empty: no cables yet (add some with "
        f"`qa ingest PATH... --store {empty_store}`)"
    )
    as_json = CliRunner().invoke(cli, ["--store", str(empty_store), "stats", "--json"])
    assert as_json.exit_code == 0 and '"cables": 0' in as_json.stdout  # the contract's keys


def _qa(*args: str, stdin: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TERM": "xterm"}
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args],
        stdin=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=30,
    )


NO_TERMINAL = "Error: `qa tui` needs a terminal, and standard {} is not one"


def test_the_tui_without_a_terminal_refuses_at_once(tmp_path: Path) -> None:
    """No stdin terminal (`</dev/null`): one line and status 2, not a TUI drawing forever."""
    out = _qa("--store", str(tmp_path / "none"), "tui", stdin=subprocess.DEVNULL)
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().startswith(NO_TERMINAL.format("input")), out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""


def test_the_tui_with_its_output_piped_refuses_at_once(tmp_path: Path) -> None:
    master, slave = pty.openpty()
    try:
        out = _qa("--store", str(tmp_path / "none"), "tui", stdin=slave)
    finally:
        os.close(slave)
        os.close(master)
    assert out.returncode == 2, out.stderr
    assert out.stderr.strip().startswith(NO_TERMINAL.format("output")), out.stderr
    assert len(out.stderr.strip().splitlines()) == 1 and out.stdout == ""


BAD_DATES = [
    ("two-digit year", "09-02-01"),
    ("year 9", "0009-02-01"),
    ("before 1900", "1899-12-31"),
    ("after 2100", "2101"),
    ("day first", "01-02-2009"),
    ("no such day", "2006-13-40"),
    ("words", "March"),
    ("empty", ""),
]


@pytest.mark.parametrize("option", ["--since", "--until"])
@pytest.mark.parametrize(("case", "value"), BAD_DATES, ids=[d[0] for d in BAD_DATES])
def test_a_date_option_must_be_a_date(option: str, case: str, value: str, tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ask", option, value, "Iran"])
    assert out.exit_code == 2, out.output
    error = out.stderr.strip().splitlines()[-1]
    assert error == (
        f"Error: Invalid value for {option}: {value!r} is not a date: write YYYY-MM-DD"
        " (or YYYY-MM, YYYY), a year from 1900 to 2100"
    ), error


GOOD_DATES = [
    ("year", "1966"),
    ("month", "2008-02"),
    ("day", "2010-02-28"),
    ("one digit", "2008-2-3"),
]


@pytest.mark.parametrize(("case", "value"), GOOD_DATES, ids=[d[0] for d in GOOD_DATES])
def test_a_date_option_in_range_gets_to_the_store(case: str, value: str, tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), "ask", "--since", value, "Iran"])
    assert out.exit_code == 1 and "no store at" in out.stderr, out.output


CITATIONS = [
    ("06MEXICO3305", "06MEXICO3305", None),
    ("lower case", "06mexico3305", "06MEXICO3305", None),
    ("¶", "06MEXICO3305 ¶4", "06MEXICO3305", "4"),
    ("record id", "06MEXICO3305:4", "06MEXICO3305", "4"),
    ("two words", "06MEXICO3305 4", "06MEXICO3305", "4"),
    ("letter", "06BEIJING23571 ¶3B", "06BEIJING23571", "3b"),
    ("para", "06BEIJING23571 para 3", "06BEIJING23571", "3"),
    ("par.", "06BEIJING23571 par. 3", "06BEIJING23571", "3"),
    ("paragraph", "06BEIJING23571 Paragraph 3b", "06BEIJING23571", "3b"),
    ("unnumbered", "10PARIS174 [2]", "10PARIS174", "2"),
    ("written out", "06 MEXICO 3305", "06MEXICO3305", None),
    ("leading zeros", "06MEXICO003305 ¶4", "06MEXICO3305", "4"),
    ("year in full", "2006MEXICO003305 ¶4", "06MEXICO3305", "4"),
]


@pytest.mark.parametrize(
    ("case", "text", "cable_id", "para"),
    [c if len(c) == 4 else (c[0], *c) for c in CITATIONS],
    ids=[c[0] for c in CITATIONS],
)
def test_citations_as_people_write_them(
    case: str, text: str, cable_id: str, para: str | None
) -> None:
    assert parse_citation(text) == (cable_id, para)


@pytest.mark.parametrize(
    ("para", "expected"), [("¶3B", "3b"), ("para 3", "3"), ("par. 3", "3"), ("paragraph 3", "3")]
)
def test_a_paragraph_given_apart(para: str, expected: str) -> None:
    assert parse_citation("06BEIJING23571", para) == ("06BEIJING23571", expected)


ACCEPTED = 'write a cable ID and maybe a paragraph, e.g. 06MEXICO3305 or "06MEXICO3305 ¶4"'
MALFORMED = [
    ("empty", "", "the citation is empty"),
    ("blank", "   ", "the citation is empty"),
    ("no paragraph after ¶", "10PARIS174 ¶", "'10PARIS174 ¶' is not a citation"),
    ("garbage", "garbage!!", "'garbage!!' is not a citation"),
    ("no number", "PARIS", "'PARIS' is not a citation"),
]


@pytest.mark.parametrize("command", ["show", "similar"])
@pytest.mark.parametrize(("case", "text", "expected"), MALFORMED, ids=[m[0] for m in MALFORMED])
def test_a_malformed_citation_says_what_is_accepted(
    command: str, case: str, text: str, expected: str, tmp_path: Path
) -> None:
    out = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), command, text])
    assert out.exit_code == 2, out.output
    error = out.stderr.strip().splitlines()[-1]
    assert error == f"Error: Invalid value for CABLE_ID: {expected}: {ACCEPTED}", error


def test_a_paragraph_letter_matches_in_either_case(monkeypatch: pytest.MonkeyPatch) -> None:
    """`qa show "06BEIJING23571 ¶3B"` finds ¶3b (the store is a fake: only the check runs)."""
    from corpus.models import Paragraph

    class Cable:
        id = "06BEIJING23571"
        paragraphs = (Paragraph("3", "x", None, None, True), Paragraph("3b", "y", None, None, True))

    class Engine:
        def __enter__(self) -> Engine:
            return self

        def __exit__(self, *exc: object) -> None:
            pass

        def cable(self, cable_id: str) -> Cable | None:
            return Cable() if cable_id == Cable.id else None

    shown: list[str | None] = []
    monkeypatch.setattr("qa.cli.engine_for", lambda settings, **kw: Engine())

    def render(cable: Cable, para: str | None, **kw: object) -> str:
        shown.append(para)
        return ""

    monkeypatch.setattr("qa.render.render_cable", render)
    for text in ("06BEIJING23571 ¶3B", "06beijing23571 ¶3b"):
        out = CliRunner().invoke(cli, ["show", text])
        assert out.exit_code == 0, out.output
    assert shown == ["3b", "3b"]
    out = CliRunner().invoke(cli, ["show", "06BEIJING23571 ¶3C"])
    assert out.exit_code == 1, out.output
    assert out.stderr.strip() == "Error: 06BEIJING23571 has no paragraph ¶3c (it has ¶3, ¶3b)"


@pytest.mark.parametrize("command", [("ask", "Iran"), ("similar", "06MEXICO3305 ¶4")])
@pytest.mark.parametrize("k", ["abc", "0", str(MAX_K + 1), "1.5"])
def test_k_says_what_it_takes(command: tuple[str, str], k: str, tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["--store", str(tmp_path / "s"), command[0], "-k", k, command[1]])
    assert out.exit_code == 2, out.output
    error = out.stderr.strip().splitlines()[-1]
    assert error == (
        f"Error: Invalid value for '-k': {k!r} is not a count: -k takes an integer"
        f" from 1 to {MAX_K}"
    ), error


@pytest.mark.parametrize("command", ["ingest", "serve", "eval"])
def test_commands_that_refuse_server_do_not_offer_it(command: str) -> None:
    out = CliRunner().invoke(cli, [command, "--help"])
    assert out.exit_code == 0, out.output
    assert "--server URL " not in out.output  # the option; the text may name clients


@pytest.mark.parametrize("command", ["ask", "show", "similar", "stats", "tui"])
def test_commands_that_ask_a_server_offer_it(command: str) -> None:
    out = CliRunner().invoke(cli, [command, "--help"])
    assert "--server URL" in out.output


def test_server_given_anyway_is_still_refused(tmp_path: Path) -> None:
    out = CliRunner().invoke(cli, ["ingest", "--server", "http://x:1", str(SEED)])
    assert out.exit_code == 2
    assert "`qa ingest` runs where the store is" in out.stderr


@pytest.mark.parametrize("example", EXAMPLES["serve"])
def test_serve_examples_start_a_server(example: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """With no token in the environment, each example gets as far as serving."""
    served: list[str] = []
    monkeypatch.delenv("QA_TOKEN", raising=False)
    monkeypatch.delenv("QA_SERVER", raising=False)
    module = sys.modules["qa.cli.serve"]  # `qa.cli.serve` the attribute is the command
    monkeypatch.setattr(module, "require_store", lambda settings: None)
    monkeypatch.setattr(module, "check_store_model", lambda settings: None)
    monkeypatch.setattr("qa.server.serve", lambda settings, host, **kw: served.append(host))
    out = CliRunner().invoke(cli, shlex.split(example)[1:])
    assert out.exit_code == 0, out.output
    assert served, example


def test_a_repair_made_before_reading_is_said(tmp_path: Path) -> None:
    """The vector index lost (a Chroma folder deleted by hand) is rebuilt from the ledger
    when the next ingest writes to it, and the text summary says so, as --json does in
    `notes`. Separate processes: Chroma keeps a client per folder within one."""
    store = tmp_path / "store"
    assert run_qa("ingest", str(SEED), store=store).returncode == 0
    shutil.rmtree(store / "chroma")
    out = run_qa("ingest", str(cable_html("08OSLO522")), store=store)
    assert out.returncode == 0, out.stderr
    assert "repaired the store: rebuilt the vector index from the ledger" in out.stderr
    assert "1 new" in out.stdout


@pytest.mark.parametrize(
    ("held", "shown"),
    [
        (
            ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "12", "13", "14", "15"],
            "¶1–¶10, ¶12–¶15",
        ),
        (["0", "1", "2", "3a", "3b", "4"], "¶0–¶2, ¶3a, ¶3b, ¶4"),
        (["1", "2", "4"], "¶1, ¶2, ¶4"),
        ([str(n) for n in range(1, 40, 2)], "¶1, ¶3, ¶5, ¶7, …, ¶35, ¶37, ¶39"),
    ],
)
def test_a_missing_paragraph_is_told_with_those_the_cable_has(held: list[str], shown: str) -> None:
    """06MOSCOW12751's ¶11 is only a heading, which the reader gives to ¶12: `show ¶11`
    says so at a glance, as it does a typo."""
    assert no_paragraph("06MOSCOW12751", "11", held) == (
        f"06MOSCOW12751 has no paragraph ¶11 (it has {shown})"
    )
    assert no_paragraph("X", "1", []) == "X has no paragraph ¶1"
