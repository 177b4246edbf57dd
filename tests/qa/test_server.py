"""`qa serve` and its thin clients.

The fast tests drive the ASGI app in-process over the hand-made store; the
`server` tests start a real `qa serve` subprocess on a free loopback port, on
real cables with the real model, and ask it through the real client and the
`qa --server` command, comparing every answer with the in-process engine's.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from qa.answer import Answer, Filters, cable_json
from qa.cli import cli
from qa.client import RemoteEngine, filters_json
from qa.config import Settings
from qa.engine import Engine
from qa.errors import ServerError
from qa.server import create_app
from tests.embeddings.test_server import chroma_url  # noqa: F401 (a fixture)
from tests.fakes import BagEncoder
from tests.qa.conftest import HAND_CABLES, whole_paragraph
from tests.reliability.test_misuse import closed_port
from tests.serving import REPO, running_server

TOKEN = "test-token-5f1c0d"
HEAVY = ("torch", "sentence_transformers", "chromadb", "textual", "numpy", "transformers")


# -- in-process: the hand-made store -------------------------------------------------------


@pytest.fixture
def api(hand_store: Path) -> Iterator[TestClient]:
    settings = Settings(store=hand_store, model=BagEncoder.name)
    app = create_app(
        settings,
        token=TOKEN,
        workers=2,
        engine_factory=lambda: Engine(settings, encoder=BagEncoder()),
    )
    with TestClient(app, headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        yield client


def test_ask_equals_the_engine(api: TestClient, hand_engine: Engine) -> None:
    body = {"question": "terrorism trial", "k": 3, "filters": {"since": "2005"}}
    got = api.post("/v1/ask", json=body)
    assert got.status_code == 200, got.text
    want = hand_engine.ask("terrorism trial", k=3, filters=Filters(since="2005-01-01"))
    assert got.json() == want.to_json()
    assert Answer.from_json(got.json()).to_json() == want.to_json()


@pytest.mark.parametrize("strict", [False, True])
def test_dates_from_the_question_rank_or_exclude_as_in_process(
    api: TestClient, hand_engine: Engine, strict: bool
) -> None:
    """A date read from the question ranks (results outside it marked) unless
    strict_dates is sent; the client rebuilds both from the server's JSON."""
    question = "terrorism cases in 2006"
    sent = Filters(strict_dates=strict)
    body = {"question": question, "k": 5, "filters": filters_json(sent)}
    got = api.post("/v1/ask", json=body)
    assert got.status_code == 200, got.text
    want = hand_engine.ask(question, k=5, filters=sent)
    assert got.json() == want.to_json()
    remote = Answer.from_json(got.json())
    assert remote.to_json() == want.to_json()
    assert remote.filters.strict_dates == want.filters.strict_dates == strict
    assert [h.outside_dates for h in remote.hits] == [h.outside_dates for h in want.hits]
    assert any(h.outside_dates for h in want.hits) != strict


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        ({"question": "  "}, 422, "the question is empty"),
        ({"question": " ?! "}, 422, "the question '?!' has no words"),
        ({"question": "x" * 100_000}, 413, "request body is over"),
        ({"question": "x" * 20_000}, 422, "characters long: ask in at most 10,000"),
        ({"question": "wheat", "k": 10**6}, 422, "k must be an integer from 1 to 200"),
        ({"question": "wheat", "k": "5"}, 422, "k must be an integer"),
        ({"question": "wheat", "filters": {"since": "2006-13-40"}}, 422, "is not a date"),
        ({"question": "wheat", "filters": {"year": 2006}}, 422, "unknown filter 'year'"),
        ({"question": "wheat", "filters": {"strict_dates": 1}}, 422, "strict_dates must be"),
        ({"question": "wheat", "history": "earlier"}, 422, "history must be a list"),
        ({"k": 3}, 422, "question is required"),
        ([1, 2], 400, "must be a JSON object"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_requests_get_one_line(
    api: TestClient, body: object, status: int, says: str, hand_engine: Engine
) -> None:
    got = api.post("/v1/ask", json=body)
    assert got.status_code == status, got.text
    assert says in got.json()["error"] and "\n" not in got.json()["error"]
    assert api.post("/v1/ask", json={"question": "wheat"}).status_code == 200  # still serving


def test_malformed_json_and_unknown_cable(api: TestClient) -> None:
    got = api.post("/v1/ask", content=b'{"question": "wheat",', headers={"Content-Type": "json"})
    assert (got.status_code, got.json()) == (400, {"error": "the request body is not JSON"})
    got = api.get("/v1/cables/99NOWHERE1")
    assert (got.status_code, got.json()) == (404, {"error": "99NOWHERE1 is not in the store"})
    assert api.get("/v1/cables/05PARIS104/paragraphs/9").status_code == 404
    assert api.get("/v1/cables/05paris104", params={"para": "2"}).json()["paragraphs"][0][
        "number"
    ] == ("2")
    assert api.get("/v1/nothing").status_code == 404
    assert api.get("/openapi.json").json()["openapi"].startswith("3.")


def test_similar_equals_the_engine(api: TestClient, hand_engine: Engine) -> None:
    got = api.get("/v1/cables/06madrid293/paragraphs/1/similar", params={"k": 3})
    assert got.status_code == 200, got.text
    want = hand_engine.similar("06MADRID293", "1", k=3)
    assert got.json() == want.to_json() and want.hits
    default = api.get("/v1/cables/06MADRID293/paragraphs/1/similar").json()
    assert default == hand_engine.similar("06MADRID293", "1").to_json()


SIMILAR_REFUSED = [
    ("99NOWHERE1", "1", {}, 404, "99NOWHERE1 is not in the store"),
    ("06MADRID293", "9", {}, 404, "06MADRID293 has no paragraph ¶9 (it has ¶1"),  # ¶2) or ¶1–¶5)
    ("06MADRID293", "1", {"k": "0"}, 422, "k must be an integer from 1 to 200"),
    ("06MADRID293", "1", {"k": str(10**6)}, 422, "k must be an integer from 1 to 200"),
    ("06MADRID293", "1", {"k": "-3"}, 422, "k must be an integer from 1 to 200"),
    ("06MADRID293", "1", {"k": "9" * 5000}, 422, "k must be an integer from 1 to 200"),
    ("06MADRID293", "1", {"k": "five"}, 422, "k must be an integer from 1 to 200"),
]


def similar_path(cable_id: str, para: str) -> str:
    return f"/v1/cables/{cable_id}/paragraphs/{para}/similar"


@pytest.mark.parametrize(
    ("cable_id", "para", "params", "status", "says"),
    SIMILAR_REFUSED,
    ids=[f"{c}-{p}-{q.get('k', '')[:8]}" for c, p, q, _, _ in SIMILAR_REFUSED],
)
def test_similar_refusals_are_one_line(
    api: TestClient, cable_id: str, para: str, params: dict[str, str], status: int, says: str
) -> None:
    got = api.get(similar_path(cable_id, para), params=params)
    assert got.status_code == status and got.json()["error"].startswith(says), got.text
    assert api.get(similar_path("06MADRID293", "1")).status_code == 200  # still serving


class BrokenEngine:
    def ask(self, question: str, **kwargs: Any) -> Any:
        raise RuntimeError("the ledger went away\nTraceback (most recent call last): ...")

    def close(self) -> None:
        pass


def test_an_engine_failure_is_one_line_500(hand_store: Path) -> None:
    settings = Settings(store=hand_store, model=BagEncoder.name)
    app = create_app(settings, workers=1, engine_factory=BrokenEngine)
    with TestClient(app, raise_server_exceptions=False) as api:
        got = api.post("/v1/ask", json={"question": "wheat"})
        assert (got.status_code, got.json()) == (
            500,
            {"error": "the server failed: the ledger went away"},
        )
        assert api.get("/health").status_code == 200


def test_tokens(api: TestClient) -> None:
    for headers in ({"Authorization": "Bearer wrong"}, {"Authorization": ""}):
        for path in ("/health", "/v1/stats", "/v1/cables/05PARIS104", "/openapi.json"):
            got = api.get(path, headers=headers)
            assert got.status_code == 401, path
            assert got.json() == {"error": "a valid bearer token is required"}
    assert api.get("/health").json()["status"] == "ok"


def test_the_thin_client_asks_in_hybrid_mode_only() -> None:
    remote = RemoteEngine(f"http://127.0.0.1:{closed_port()}")  # refused before any request
    with pytest.raises(ServerError, match=r"^a server answers in hybrid mode only, not 'dense'$"):
        remote.ask("wheat exports", mode="dense")
    with pytest.raises(ServerError, match="cannot reach the server"):
        remote.ask("wheat exports", mode="hybrid")
    remote.close()


class SlowEngine:
    """The hand engine, but the question "slow" waits until the test releases it."""

    def __init__(self, settings: Settings) -> None:
        self.engine = Engine(settings, encoder=BagEncoder())
        self.entered = threading.Event()
        self.release = threading.Event()

    def ask(self, question: str, **kwargs: Any) -> Any:
        if question == "slow":
            self.entered.set()
            self.release.wait(timeout=30)
        return self.engine.ask(question, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


def test_a_slow_question_blocks_no_other(hand_store: Path) -> None:
    """While one question is held unanswered, others are answered: were they queued behind
    it, they would wait out its 30 s hold, and it would no longer be pending."""
    import uvicorn

    settings = Settings(store=hand_store, model=BagEncoder.name)
    engines: list[SlowEngine] = []

    def factory() -> SlowEngine:
        engines.append(SlowEngine(settings))
        return engines[-1]

    app = create_app(settings, workers=2, engine_factory=factory)
    port = closed_port()
    server = uvicorn.Server(uvicorn.Config(app, port=port, log_level="warning"))
    thread = threading.Thread(target=server.run)
    thread.start()
    try:
        while not server.started:
            time.sleep(0.05)
        remote = RemoteEngine(f"http://127.0.0.1:{port}")
        slow = threading.Thread(target=RemoteEngine(remote.url).ask, args=("slow",))
        slow.start()
        deadline = time.monotonic() + 60
        while not any(e.entered.is_set() for e in engines):
            assert time.monotonic() < deadline, "the slow question never reached an engine"
            time.sleep(0.02)
        remote.health()
        assert remote.ask("wheat exports").hits
        assert remote.cable("05PARIS104") is not None
        assert slow.is_alive()  # still held: the others did not wait for it
        for engine in engines:
            engine.release.set()
        slow.join()
        remote.close()
    finally:
        for engine in engines:
            engine.release.set()
        server.should_exit = True
        thread.join(timeout=30)


@pytest.mark.server
def test_serve_over_a_chroma_server(
    tmp_path: Path,
    chroma_url: str,  # noqa: F811 (the fixture imported above)
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`qa serve` with the vectors on a Chroma server: its warm engines search the
    server's index, and answer as an engine of the same store in process."""
    from embeddings.ingest import IngestOptions, ingest_cables
    from qa import retrieve

    store = tmp_path / "store"
    ingest_cables(
        iter(HAND_CABLES),
        IngestOptions(
            store_dir=store, chroma_url=chroma_url, encoder=BagEncoder(), windower=whole_paragraph
        ),
    )
    monkeypatch.setattr(retrieve, "EXACT_SCAN_MAX", 0)  # a long-lived engine uses the server
    settings = Settings(store=store, chroma_url=chroma_url, model=BagEncoder.name)
    local = Engine(settings, encoder=BagEncoder())
    local.warm()
    app = create_app(
        settings, workers=1, engine_factory=lambda: Engine(settings, encoder=BagEncoder())
    )
    with TestClient(app) as api:
        for question in ("terrorism trial", "wheat exports", "nuclear weapons in Astana"):
            got = api.post("/v1/ask", json={"question": question, "k": 3}).json()
            assert got == local.ask(question, k=3).to_json()
        assert api.get("/v1/stats").json()["chroma"] == chroma_url
    local.close()


def test_non_local_bind_needs_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "QA_TOKEN"}
    out = subprocess.run(
        [sys.executable, "-m", "qa.cli", "serve", "--host", "0.0.0.0", "--store", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=60,
    )
    assert out.returncode == 2
    assert "opens the store to the network: give a token" in out.stderr


# -- a real `qa serve` on real cables --------------------------------------------------------


@pytest.fixture(scope="module")
def server(real_store: Path) -> Iterator[str]:
    with running_server(real_store, TOKEN) as url:
        yield url


QUESTIONS = [
    ("What did the embassy want Mexico to do about its southern border?", {}, ()),
    ("Who resigned in Madrid?", {"since": "2006-01-01"}, ()),
    ("nuclear weapons", {"origin": "Astana", "classification": "SECRET"}, ()),
    ("And what did he say about Moscow?", {}, ("What did the president of Kazakhstan say?",)),
]


@pytest.mark.slow
@pytest.mark.server
def test_remote_answers_equal_local(server: str, real_engine: Engine, real_store: Path) -> None:
    remote = RemoteEngine(server, token=TOKEN)
    try:
        for question, filters, history in QUESTIONS:
            f = Filters(**filters)
            got = remote.ask(question, k=5, filters=f, history=history)
            want = real_engine.ask(question, k=5, filters=f, history=history)
            assert got.to_json() == want.to_json(), question
        cable = remote.cable("06mexico3305")
        stored = real_engine.cable("06MEXICO3305")
        assert cable is not None and stored is not None
        assert [(p.number, p.text) for p in cable.paragraphs] == [
            (p.number, p.text) for p in stored.paragraphs
        ]
        assert remote.cable("99NOWHERE1") is None
        assert remote.referencing("06MEXICO3305") == real_engine.referencing("06MEXICO3305")
        stats = remote.stats()
        assert stats["cables"] == 5 and stats["paragraphs"] > 0
    finally:
        remote.close()
    with pytest.raises(ServerError, match="refused the token"):
        RemoteEngine(server, token="wrong").ask("border")
    with pytest.raises(ServerError, match="asks for a token: set QA_TOKEN"):
        RemoteEngine(server).stats()


@pytest.mark.slow
@pytest.mark.server
def test_remote_similar_equals_local(server: str, real_engine: Engine) -> None:
    """More like this over HTTP is the in-process engine's; refusals are one line and
    leave the server serving."""
    remote = RemoteEngine(server, token=TOKEN)
    try:
        for cable_id, para, k in [("06MEXICO3305", "4", 10), ("06madrid293", "1", 3)]:
            want = real_engine.similar(cable_id, para, k=k)
            assert remote.similar(cable_id, para, k=k).to_json() == want.to_json()
        for cable_id, para, params, status, says in SIMILAR_REFUSED:
            got = remote._http.get(similar_path(cable_id, para), params=params)
            assert got.status_code == status and got.json()["error"].startswith(says), got.text
        with pytest.raises(
            ServerError, match=r"^06MEXICO3305 has no paragraph ¶99 \(it has ¶1–¶\d+\)$"
        ):
            remote.similar("06MEXICO3305", "99")
        assert remote.similar("06MEXICO3305", "4", k=1).hits  # still serving
    finally:
        remote.close()


@pytest.mark.slow
@pytest.mark.server
def test_thin_client_command(
    server: str, real_engine: Engine, real_store: Path, tmp_path: Path
) -> None:
    """`qa --server URL ask/show/similar/stats` with no store here and none of the `local`
    extra's modules installed (`LOCAL_MODULES`, made unimportable), importing neither numpy
    nor torch; `similar` prints what it prints in process."""
    code = (
        "import sys\nfrom qa.cli.boundary import LOCAL_MODULES\n"
        "for m in LOCAL_MODULES:\n    sys.modules[m] = None\n"
        "from qa.cli import cli\n"
        "try:\n    cli(sys.argv[1:], prog_name='qa')\nexcept SystemExit as e:\n"
        "    assert not e.code, e.code\n"
        f"heavy = [m for m in {HEAVY!r} if sys.modules.get(m) is not None]\n"
        "print('HEAVY', heavy, file=sys.stderr)\n"
    )
    env = dict(os.environ, QA_SERVER=server, QA_TOKEN=TOKEN, QA_STORE=str(tmp_path / "none"))

    def qa(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", code, *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=REPO,
            timeout=120,
        )

    asked = qa("ask", "--json", "-k", "3", "--since", "2006", "Who resigned in Madrid?")
    assert "HEAVY []" in asked.stderr, asked.stderr
    want = real_engine.ask("Who resigned in Madrid?", k=3, filters=Filters(since="2006-01-01"))
    assert json.loads(asked.stdout) == want.to_json()
    plain = qa("ask", "--json", "--no-infer", "secret cables from Astana since 2009")
    want = real_engine.ask("secret cables from Astana since 2009", infer=False)
    assert json.loads(plain.stdout) == want.to_json() and not want.filters.inferred
    shown = qa("show", "06MEXICO3305 ¶4")
    assert shown.stdout.startswith("06MEXICO3305") and "¶4" in shown.stdout, shown.stderr
    assert "HEAVY []" in shown.stderr
    as_json = json.loads(qa("show", "--json", "06MEXICO3305").stdout)
    assert as_json == cable_json(real_engine.cable("06MEXICO3305"))
    stats = qa("stats")
    assert "cables      5" in stats.stdout and "HEAVY []" in stats.stderr
    near = qa("similar", "--json", "-k", "4", "06MEXICO3305 ¶4")
    assert "HEAVY []" in near.stderr, near.stderr
    assert json.loads(near.stdout) == real_engine.similar("06MEXICO3305", "4", k=4).to_json()
    local = CliRunner().invoke(
        cli, ["--store", str(real_store), "similar", "-k", "4", "06MEXICO3305", "4"]
    )
    assert local.exit_code == 0, local.output
    assert qa("similar", "-k", "4", "06MEXICO3305", "4").stdout == local.output
    unknown = qa("similar", "06MEXICO3305", "99")
    assert "06MEXICO3305 has no paragraph ¶99" in unknown.stderr
    missing = qa("show", "99NOWHERE1")
    assert "99NOWHERE1 is not in the store" in missing.stderr
    env["QA_TOKEN"] = "wrong"
    refused = qa("ask", "border")
    assert "refused the token" in refused.stderr


BENCH_STORE = Path(os.environ.get("QA_BENCH_STORE", REPO / "bench" / "out" / "store"))


@pytest.mark.slow
@pytest.mark.server
def test_dev_questions_equal_on_real_cables(real_store: Path) -> None:
    """The same 20 dev-set questions on the five-cable store of the tests."""
    assert_dev_questions_equal(real_store)


@pytest.mark.bench
@pytest.mark.server
@pytest.mark.skipif(not (BENCH_STORE / "ledger.sqlite3").is_file(), reason="no bench store")
def test_dev_questions_equal_on_the_bench_store() -> None:
    """20 dev-set questions (7 of them follow-ups) on the shared-corpus store (make bench)."""
    assert_dev_questions_equal(BENCH_STORE)


def assert_dev_questions_equal(store: Path) -> None:
    rows = [json.loads(line) for line in (REPO / "eval" / "dev.jsonl").open(encoding="utf-8")]
    follow_ups = [r for r in rows if r.get("history")][:7]
    chosen = [r for r in rows if not r.get("history")][:13] + follow_ups
    engine = Engine(Settings(store=store))
    engine.warm()  # as the server's engines are: long-lived
    with running_server(store, TOKEN) as url:
        remote = RemoteEngine(url, token=TOKEN)
        for row in chosen:
            history = tuple(row.get("history", ()))
            got = remote.ask(row["question"], history=history)
            assert got.to_json() == engine.ask(row["question"], history=history).to_json()
        remote.close()
    engine.close()
