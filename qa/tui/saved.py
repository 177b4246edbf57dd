"""The TUI's conversation kept in the store folder, so `qa tui` opens where it was left.

One JSON file holding the sessions of the last few TUIs that ran on the store, newest
first; `qa tui` reopens the newest. Each TUI saves only its own session, after every
answer: it reads the file, puts its session first, and writes the whole through a
temporary file of its own (atomic, `os.replace`), under a lock file where the system has
`flock`, so two TUIs open on one store never overwrite each other's conversations.
`qa tui --new` starts afresh. A file that cannot be read (another version, a partial
copy) is set aside as an empty session, never an error; a store the user cannot write
keeps the session in memory only.
"""

from __future__ import annotations

import contextlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from corpus.atomic import write_text_atomic
from qa.answer import Answer, Filters
from qa.tui.session import Turn

SESSION_FILE = "tui-session.json"
VERSION = 2
"""1: one session, the file's whole object; 2: `{"version", "sessions": [...]}`."""
KEPT = 5
"""Sessions kept in the file: the newest, and those of other TUIs that ran lately."""


@dataclass(frozen=True, slots=True)
class Saved:
    turns: tuple[Turn, ...] = ()
    history: tuple[str, ...] = ()
    """The current conversation's questions (what follow-ups read)."""
    filters: Filters = field(default_factory=Filters)
    """The filters set for the next questions."""
    id: str | None = None
    """Its name in the file: a reopened TUI's first save replaces it (`save`'s `replaces`)."""


def session_path(store: Path) -> Path:
    return store / SESSION_FILE


def new_id() -> str:
    """One TUI's name for its session in the file."""
    return uuid.uuid4().hex


def save(
    path: Path, saved: Saved, session_id: str = "default", *, replaces: str | None = None
) -> bool:
    """Put this TUI's session (`session_id`) first in the file, keeping the others but the
    one it `replaces` (the session it reopened, whose turns it holds: a restart must not
    leave a copy); False when the folder cannot be written. Two TUIs reopened from one
    session each keep their own."""
    mine = {
        "id": session_id,
        "history": list(saved.history),
        "filters": _filters_json(saved.filters),
        "turns": [_turn_json(t) for t in saved.turns],
    }
    try:
        with _locked(path):
            others = [s for s in _sessions(path) if s.get("id") not in (session_id, replaces)]
            data = {"version": VERSION, "sessions": [mine, *others][:KEPT]}
            write_text_atomic(path, json.dumps(data, ensure_ascii=False))
    except OSError:
        return False
    return True


def load(path: Path) -> Saved:
    """The newest saved session, or an empty one when there is none that can be read."""
    try:
        sessions = _sessions(path)
        return _saved(sessions[0]) if sessions else Saved()
    except (ValueError, KeyError, TypeError, AttributeError):
        return Saved()


def _sessions(path: Path) -> list[dict[str, Any]]:
    """The sessions in the file, newest first; none when it is missing or unreadable."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(data, dict):
        return []
    if data.get("version") == 1:
        return [data]
    if data.get("version") != VERSION or not isinstance(data.get("sessions"), list):
        return []
    return [s for s in data["sessions"] if isinstance(s, dict)]


def _saved(data: dict[str, Any]) -> Saved:
    turns = tuple(_turn(i, t) for i, t in enumerate(data["turns"], 1))
    name = data.get("id")
    return Saved(
        turns, tuple(map(str, data["history"])), _filters(data["filters"]), name and str(name)
    )


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    """The session file to this process alone while it reads and rewrites it."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): the write is still atomic
        yield
        return
    with path.with_name(f".{path.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _filters_json(filters: Filters) -> dict[str, Any]:
    out = filters.to_json()
    out["dropped"] = [list(pair) for pair in filters.dropped]
    out["strict_dates"] = filters.strict_dates
    return out


def _filters(data: dict[str, Any]) -> Filters:
    filters = Filters.from_json(data)
    if "strict_dates" in data:  # `to_json` alone loses it where no date was read
        filters = replace(filters, strict_dates=bool(data["strict_dates"]))
    return filters


def _turn_json(turn: Turn) -> dict[str, Any]:
    return {
        "question": turn.question,
        "filters": None if turn.filters is None else _filters_json(turn.filters),
        "infer": turn.infer,
        "error": turn.error,
        "answer": None if turn.answer is None else _answer_json(turn.answer),
    }


def _answer_json(answer: Answer) -> dict[str, Any]:
    """`Answer.to_json` with all that reading it back needs: the dropped filters' values
    and the scores unrounded."""
    data = answer.to_json()
    data["filters"] = _filters_json(answer.filters)
    for hit, result in zip(answer.hits, data["results"], strict=True):
        result["score"] = hit.score
    return data


def _answer(data: dict[str, Any]) -> Answer:
    answer = Answer.from_json(data)
    return replace(answer, filters=_filters(data["filters"]))


def _turn(number: int, data: dict[str, Any]) -> Turn:
    filters = data["filters"]
    return Turn(
        number,
        str(data["question"]),
        None if filters is None else _filters(filters),
        None if data["answer"] is None else _answer(data["answer"]),
        data["error"],
        bool(data["infer"]),
    )
