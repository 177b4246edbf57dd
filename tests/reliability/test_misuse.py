"""Misuse through the `qa` command: wrong model, corrupt or missing store, unreachable
server, strange questions, and cable text that tries to drive the terminal.

Every refusal is one line on stderr and a non-zero exit, never a traceback;
odd but valid Unicode gets a normal answer.
"""

from __future__ import annotations

import json
import resource
import shutil
import signal
import socket
import sqlite3
import subprocess
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from embeddings import store as chroma_store
from embeddings.ingest import IngestOptions, ingest_cables
from embeddings.ledger import LEDGER_NAME, Ledger
from qa.cli import QuestionError, check_question
from qa.config import Settings
from qa.engine import Engine
from tests.conftest import SEED, cable_html
from tests.embeddings.conftest import char_windower, make_cable
from tests.fakes import HashEncoder, run_qa

HOSTILE_ID = "06MEXICO9999"
MARKUP = ("[bold red]x[/]", "[link=file:///etc/passwd]y[/link]", "[bold red]SMUGGLING[/]")
ESCAPES = ("\x1b[31m", "\x1b]0;title\x07", "\x1b[2J")

# A hand-written telegram in the shape of a real one, carrying Rich markup and
# terminal control sequences in its subject and paragraphs.
HOSTILE_TELEGRAM = "\n".join(
    [
        "VZCZCXYZ0000",
        "R 151920Z JUN 06",
        "FM AMEMBASSY MEXICO",
        "TO SECSTATE WASHDC 1234",
        "",
        "C O N F I D E N T I A L MEXICO 009999",
        "",
        "E.O. 12958: DECL: 06/15/2016",
        "TAGS: PREL, MX",
        "SUBJECT: [bold red]SMUGGLING[/] TUNNELS \x1b[31mRED\x1b[0m",
        "",
        "1. (C) Smuggling tunnels under the border fence [bold red]x[/] were found near"
        " Nogales, and [link=file:///etc/passwd]y[/link] officials said more tunnels exist."
        " \x1b]0;title\x07 The tunnels carried drugs.",
        "",
        "2. (SBU) Customs officers \x1b[2J\x1b[H seized cocaine in the tunnels;"
        " [blink]z[/blink] marked the exits.",
        "",
        "GARZA",
        "",
    ]
)
RAW_TEXT = "Tunnel guards \x1b[31m[bold red]x[/]\x1b]0;title\x07 and \x1b[2J were paid."
"""Written into the ledger as it stands, past the readers (which drop ESC), so the
renderers themselves are put to the test."""


def assert_one_line_error(out: subprocess.CompletedProcess[str], *needles: str) -> str:
    assert out.returncode != 0, out.stdout
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]
    return lines[0]


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
    return port


@pytest.fixture(scope="module")
def hash_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store built with another model (the hash encoder), as the fast cases need."""
    store = tmp_path_factory.mktemp("hash") / "store"
    cables = [make_cable(f"06MEXICO{4000 + i}", [f"border tunnel {i}", "fence"]) for i in range(5)]
    summary = ingest_cables(
        cables, IngestOptions(store_dir=store, encoder=HashEncoder(), windower=char_windower)
    )
    assert summary.new == 5
    return store


def copy_store(store: Path, into: Path) -> Path:
    target = into / "copy"
    shutil.copytree(store, target, ignore=shutil.ignore_patterns("lock"))
    return target


# -- store made with another model ---------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("ingest", str(SEED)), ("ask", "Who guards the border?")],
    ids=["ingest", "ask"],
)
def test_store_of_another_model_is_refused(hash_store: Path, args: tuple[str, ...]) -> None:
    out = run_qa(*args, store=hash_store)
    assert_one_line_error(out, "store was built with model hash-bow-64", "all-MiniLM-L6-v2")
    assert not (hash_store / "onnx").exists(), "refusing must not export a model into the store"


# -- corrupt and missing stores --------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [("stats",), ("show", "06MEXICO4001"), ("ask", "border"), ("ingest", str(SEED)), ("eval",)],
    ids=["stats", "show", "ask", "ingest", "eval"],
)
def test_garbage_ledger_is_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    store = tmp_path / "store"
    store.mkdir()
    garbage = bytes(range(256)) * 64
    (store / LEDGER_NAME).write_bytes(garbage)
    if args == ("eval",):
        args = ("eval", str(write_eval(tmp_path)))
    out = run_qa(*args, store=store)
    assert_one_line_error(out, "ledger", "unreadable")
    assert (store / LEDGER_NAME).read_bytes() == garbage, "a corrupt ledger is left as found"


def write_eval(folder: Path) -> Path:
    path = folder / "dev.jsonl"
    row = {"id": "q1", "question": "border?", "gold": [{"cable_id": "06MEXICO4001", "para": "1"}]}
    path.write_text(json.dumps(row) + "\n")
    return path


@pytest.mark.parametrize(
    "args", [("show", "06MEXICO3305"), ("stats",), ("eval",)], ids=["show", "stats", "eval"]
)
def test_missing_store_is_one_line(tmp_path: Path, args: tuple[str, ...]) -> None:
    store = tmp_path / "nothing"
    if args == ("eval",):
        args = ("eval", str(write_eval(tmp_path)))
    out = run_qa(*args, store=store)
    assert_one_line_error(out, f"no store at {store}", "qa ingest")
    assert not store.exists(), "reading must not create a store"


def test_deleted_chroma_folder_is_rebuilt_from_the_ledger(hash_store: Path, tmp_path: Path) -> None:
    store = copy_store(hash_store, tmp_path)
    shutil.rmtree(store / "chroma")
    held = run_qa("stats", "--json", store=store)  # the ledger alone answers
    assert held.returncode == 0 and json.loads(held.stdout)["records"] == 10, held.stderr
    cables = [make_cable(f"06MEXICO{4000 + i}", [f"border tunnel {i}", "fence"]) for i in range(5)]
    summary = ingest_cables(
        cables, IngestOptions(store_dir=store, encoder=HashEncoder(), windower=char_windower)
    )
    assert (summary.new, summary.unchanged) == (0, 5)
    assert summary.notes and "rebuilt the vector index" in summary.notes[0], summary.notes
    report = chroma_store.verify(store, sample=10)
    assert report.ok and report.chroma_records == 10, report.line()


# -- questions -------------------------------------------------------------------------------------

QUESTIONS_REFUSED = [
    ("06MEXICO3305-empty", "", "the question is empty"),
    ("06MEXICO3305-blank", " \t\n ", "the question is empty"),
    ("06MEXICO3305-nul-only", "\x00\x00", "the question is empty"),
    ("06MEXICO3305-100kb", "border " * 14_286, "characters long: ask in at most 10,000"),
    ("06MEXICO3305-surrogate", "border \udced\udca0\udc80", "not UTF-8 text"),
]


@pytest.mark.parametrize(
    ("case", "question", "message"), QUESTIONS_REFUSED, ids=[c[0] for c in QUESTIONS_REFUSED]
)
def test_check_question_refuses(case: str, question: str, message: str) -> None:
    with pytest.raises(QuestionError, match=message):
        check_question(question)


def test_check_question_turns_nul_into_space() -> None:
    assert check_question("border\x00fence\x1b[31m") == "border fence [31m"


@pytest.mark.parametrize(
    ("case", "argv", "message"),
    [
        ("06MEXICO3305-empty", "", "the question is empty"),
        ("06MEXICO3305-100kb", "x" * 100_000, "characters long: ask in at most 10,000"),
        ("06MEXICO3305-argv-bytes", b"border \xed\xa0\x80 \xff", "not UTF-8 text"),
    ],
    ids=["06MEXICO3305-empty", "06MEXICO3305-100kb", "06MEXICO3305-argv-bytes"],
)
def test_refused_questions_through_the_cli(
    hash_store: Path, case: str, argv: str | bytes, message: str
) -> None:
    out = run_qa("ask", argv, store=hash_store)
    assert_one_line_error(out, message)


ODD = [
    ("06MEXICO3305-rtl", "ما هي سياسة المكسيك على الحدود الجنوبية؟ border"),
    ("06MEXICO3305-rlo", "\u202eredrob\u202c southern border control"),
    ("06MEXICO3305-combining", "b\u0337\u0321o\u0334r\u0336d\u0338e\u0335r\u0337 control"),
    ("06MEXICO3305-emoji", "🇲🇽 southern border 🚧👮\u200d♀️ control?"),
    ("06MEXICO3305-nul", "southern\x00border control"),
    ("06MEXICO3305-cjk-fullwidth", "墨西哥 ｂｏｒｄｅｒ　ｃｏｎｔｒｏｌ"),
]


ARGV_ODD = [c for c in ODD if "\x00" not in c[1]]  # argv cannot carry NUL


@pytest.mark.parametrize(("case", "question"), ODD, ids=[c[0] for c in ODD])
def test_engine_answers_odd_unicode(hash_store: Path, case: str, question: str) -> None:
    engine = Engine(Settings(store=hash_store, model=HashEncoder.name), encoder=HashEncoder())
    try:
        for mode in ("hybrid", "dense", "lexical"):
            answer = engine.ask(question, k=3, mode=mode)
            json.dumps(answer.to_json(), ensure_ascii=False).encode("utf-8")
            for hit in answer.hits:
                assert 0 <= hit.highlight[0] <= hit.highlight[1] <= len(hit.text)
    finally:
        engine.close()


# -- the real model, end to end -------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hostile cable and the seed, ingested by `qa ingest` with the real model."""
    base = tmp_path_factory.mktemp("real")
    store = base / "store"
    hostile = base / f"{HOSTILE_ID}.txt"
    hostile.write_text(HOSTILE_TELEGRAM, encoding="utf-8")
    out = run_qa("ingest", str(hostile), str(SEED), str(cable_html("05PARIS104")), store=store)
    assert out.returncode == 0, out.stderr
    assert "3 new" in out.stdout, out.stdout
    conn = sqlite3.connect(store / LEDGER_NAME)
    with conn:
        conn.execute(
            "UPDATE paragraphs SET text = ? WHERE cable_id = ? AND number = '2'",
            (RAW_TEXT + " Customs officers seized cocaine in the tunnels.", HOSTILE_ID),
        )
    conn.close()
    return store


def assert_inert(stdout: str, markup: Sequence[str] = MARKUP) -> None:
    """Cable text came out as text: markup literally, no control sequence of the cable."""
    for literal in markup:
        assert literal in stdout, literal
    for seq in (*ESCAPES, "\x07"):
        assert seq not in stdout


TERMINALS = [
    ("pipe", {"TERM": "dumb"}),
    ("color-terminal", {"TERM": "xterm-256color", "FORCE_COLOR": "1", "COLUMNS": "120"}),
]


@pytest.mark.slow
@pytest.mark.parametrize(("case", "env"), TERMINALS, ids=[t[0] for t in TERMINALS])
def test_cable_text_never_drives_the_terminal(
    real_store: Path, case: str, env: dict[str, str]
) -> None:
    question = "Who found smuggling tunnels under the border fence near Nogales?"
    ask = run_qa("ask", "-k", "3", question, store=real_store, env=env)
    assert ask.returncode == 0, ask.stderr
    assert f"{HOSTILE_ID} ¶1" in ask.stdout
    show = run_qa("show", HOSTILE_ID, store=real_store, env=env)
    assert show.returncode == 0, show.stderr
    for out in (ask.stdout, show.stdout):
        assert_inert(out)
        if case == "pipe":
            assert "\x1b" not in out
    assert "[bold red]x[/]" in show.stdout.split("¶2", 1)[1], "the raw ¶2 text is shown"
    markdown = run_qa("ask", "--markdown", "-k", "3", question, store=real_store, env=env)
    assert markdown.returncode == 0, markdown.stderr
    assert "\x1b" not in markdown.stdout
    unescaped = markdown.stdout.replace("\\[", "[").replace("\\]", "]")
    assert_inert(unescaped, MARKUP[:2])


@pytest.mark.slow
def test_json_answer_keeps_control_characters_escaped(real_store: Path) -> None:
    out = run_qa("ask", "--json", "-k", "5", "Who guards the tunnels?", store=real_store)
    assert out.returncode == 0, out.stderr
    assert "\x1b" not in out.stdout and "\x07" not in out.stdout
    texts = [r["text"] for r in json.loads(out.stdout)["results"]]
    assert any(RAW_TEXT in t for t in texts), "JSON carries the stored text exactly"


@pytest.mark.slow
@pytest.mark.parametrize(
    ("case", "question"), ODD[:4] + ODD[5:], ids=[c[0] for c in ODD[:4] + ODD[5:]]
)
def test_odd_unicode_question_gets_an_answer(real_store: Path, case: str, question: str) -> None:
    out = run_qa("ask", "--json", "-k", "3", question, store=real_store)
    assert out.returncode == 0, out.stderr
    answer = json.loads(out.stdout)
    assert answer["question"] == question.strip()
    assert answer["results"], "a valid question gets the closest paragraphs"


@pytest.mark.slow
def test_deleted_chroma_folder_does_not_stop_questions(real_store: Path, tmp_path: Path) -> None:
    store = copy_store(real_store, tmp_path)
    shutil.rmtree(store / "chroma")
    out = run_qa("ask", "--json", "-k", "3", "smuggling tunnels near Nogales", store=store)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["results"][0]["cable_id"] == HOSTILE_ID


@pytest.mark.slow
@pytest.mark.parametrize(
    "args",
    [("ask", "Who guards the border?"), ("ingest", str(SEED))],
    ids=["ask", "ingest"],
)
def test_unreachable_chroma_server_is_one_line(
    real_store: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    url = f"http://127.0.0.1:{closed_port()}"
    store = copy_store(real_store, tmp_path)
    out = run_qa(*args, "--chroma-url", url, store=store)
    assert_one_line_error(out, url)
    led = Ledger.open(store)  # the local store is untouched
    try:
        assert led.count("cables") == 3
    finally:
        led.close()


def small_disk(limit: int) -> Callable[[], object]:
    """Writes past ``limit`` bytes fail with EFBIG, as on a full disk, instead of a signal."""

    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        hard = resource.getrlimit(resource.RLIMIT_FSIZE)[1]
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))

    return apply


@pytest.mark.slow
def test_full_disk_during_qa_ingest_is_one_line_and_a_rerun_completes(
    real_store: Path, tmp_path: Path
) -> None:
    store = copy_store(real_store, tmp_path)
    more = str(cable_html("08OSLO522"))
    # --quiet: past 10 s a log gets progress lines too; the error stays one line
    full = run_qa("ingest", "--quiet", more, store=store, preexec_fn=small_disk(200_000))
    line = assert_one_line_error(full, "disk full", str(store), "re-run")
    assert full.returncode == 1, line
    held = run_qa("stats", "--json", store=store)
    assert held.returncode == 0, held.stderr
    before = json.loads(held.stdout)
    # The ledger commit may have gone through with the Chroma write left pending.
    assert (before["cables"], before["pending"]) in ((3, 0), (4, 1)), before
    done = run_qa("ingest", "--json", more, store=store)
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["new"] + summary["unchanged"] == 1 and summary["failed"] == 0, summary
    after = json.loads(run_qa("stats", "--json", store=store).stdout)
    assert (after["cables"], after["pending"]) == (4, 0), after
    report = chroma_store.verify(store, sample=50)
    assert report.ok, report.line()
