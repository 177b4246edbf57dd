"""The session file shared by every TUI open on one store: each keeps its own session in
it, writes are atomic, and the newest session is the one reopened."""

from __future__ import annotations

import json
import threading
from dataclasses import replace
from pathlib import Path

from qa.answer import Filters
from qa.config import Settings
from qa.tui.app import CableQAApp
from qa.tui.saved import KEPT, Saved, load, save
from tests.fakes import FakeEngine
from tests.tui.conftest import screen_text
from tests.tui.test_app import ask, sync


def test_two_tuis_keep_their_own_sessions(tmp_path: Path) -> None:
    path = tmp_path / "tui-session.json"
    first, second = Saved(history=("a",)), Saved(history=("b",), filters=Filters(tag="PREL"))
    assert save(path, first, "one") and save(path, second, "two")
    assert load(path) == replace(second, id="two")  # the newest is reopened, with its name
    again = Saved(history=("a", "a2"))
    assert save(path, again, "one")
    assert load(path) == replace(again, id="one")
    sessions = json.loads(path.read_text(encoding="utf-8"))["sessions"]
    assert [s["id"] for s in sessions] == ["one", "two"]  # the other TUI's is kept
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_only_the_newest_sessions_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "tui-session.json"
    for n in range(KEPT + 3):
        save(path, Saved(history=(str(n),)), f"tui-{n}")
    sessions = json.loads(path.read_text(encoding="utf-8"))["sessions"]
    assert [s["id"] for s in sessions] == [f"tui-{n}" for n in range(KEPT + 2, 2, -1)]


def test_saves_at_once_lose_no_session(tmp_path: Path) -> None:
    path = tmp_path / "tui-session.json"
    writers = [f"tui-{n}" for n in range(KEPT)]

    def write(session_id: str) -> None:
        for n in range(20):
            assert save(path, Saved(history=(session_id, str(n))), session_id)

    threads = [threading.Thread(target=write, args=(w,)) for w in writers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    sessions = json.loads(path.read_text(encoding="utf-8"))["sessions"]
    assert sorted(s["id"] for s in sessions) == writers
    assert all(s["history"][1] == "19" for s in sessions)  # each writer's last save


def test_a_version_1_file_still_opens(tmp_path: Path) -> None:
    path = tmp_path / "tui-session.json"
    old = {"version": 1, "history": ["q"], "filters": {"tag": "PREL"}, "turns": []}
    path.write_text(json.dumps(old), encoding="utf-8")
    assert load(path) == Saved(history=("q",), filters=Filters(tag="PREL"))


def test_strict_dates_survive_a_reopen(tmp_path: Path) -> None:
    path = tmp_path / "tui-session.json"
    saved = Saved(filters=Filters(strict_dates=True))
    save(path, saved)
    assert load(path) == replace(saved, id="default")


@sync
async def test_two_tuis_on_one_store(fake_engine: FakeEngine, tmp_path: Path) -> None:
    """Asking in one TUI, then in another open on the same store, then in the first again:
    both conversations stay in the file, and the last to answer is reopened."""
    settings = Settings(store=tmp_path)
    path = tmp_path / "tui-session.json"
    one = CableQAApp(settings, engine=fake_engine, session=path)
    two = CableQAApp(settings, engine=fake_engine, session=path)
    async with one.run_test(size=(80, 24)) as first, two.run_test(size=(80, 24)) as second:
        await ask(first, "Who are the Spanish socialists?")
        await ask(second, "What did Petraeus discuss with Nazarbayev?")
        await ask(first, "And the Spanish troops in Iraq?")
    sessions = json.loads(path.read_text(encoding="utf-8"))["sessions"]
    assert [len(s["turns"]) for s in sessions] == [2, 1]
    again = CableQAApp(settings, engine=fake_engine, session=path)
    async with again.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert [t.question for t in again.turns] == [
            "Who are the Spanish socialists?",
            "And the Spanish troops in Iraq?",
        ]


def test_a_reopened_session_is_replaced_not_copied(tmp_path: Path) -> None:
    """A restart saves the reopened conversation once; two TUIs reopened from it keep
    both of theirs."""
    path = tmp_path / "tui-session.json"
    save(path, Saved(history=("a",)), "old")
    save(path, Saved(history=("a", "b")), "restart", replaces="old")
    ids = [s["id"] for s in json.loads(path.read_text(encoding="utf-8"))["sessions"]]
    assert ids == ["restart"]
    save(path, Saved(history=("a", "b", "c")), "second", replaces="restart")
    save(path, Saved(history=("a", "b", "d")), "third", replaces="restart")
    ids = [s["id"] for s in json.loads(path.read_text(encoding="utf-8"))["sessions"]]
    assert ids == ["third", "second"]
    settings = Settings(store=tmp_path)
    assert CableQAApp(settings, engine=FakeEngine(), session=path).restored.id == "third"


@sync
async def test_a_question_superseded_before_its_answer_reopens_as_such(
    fake_engine: FakeEngine, tmp_path: Path
) -> None:
    from qa.tui.session import Turn

    path = tmp_path / "tui-session.json"
    save(path, Saved(turns=(Turn(1, "an unanswered question"),), history=("x",)))
    app = CableQAApp(Settings(store=tmp_path), engine=fake_engine, session=path)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "Superseded by a newer question." in text and "Searching" not in text
