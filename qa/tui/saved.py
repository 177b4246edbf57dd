"""The TUI's conversation kept in the store folder, so `qa tui` opens where it was left.

One JSON file, written whole (through a temporary file) after every answer;
`qa tui --new` starts afresh. A file that cannot be read (another version, a
partial copy) is set aside as an empty session, never an error; a store the
user cannot write keeps the session in memory only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from corpus.atomic import write_text_atomic
from qa.answer import Answer, Filters
from qa.tui.session import Turn

SESSION_FILE = "tui-session.json"
VERSION = 1


@dataclass(frozen=True, slots=True)
class Saved:
    turns: tuple[Turn, ...] = ()
    history: tuple[str, ...] = ()
    """The current conversation's questions (what follow-ups read)."""
    filters: Filters = field(default_factory=Filters)
    """The filters set for the next questions."""


def session_path(store: Path) -> Path:
    return store / SESSION_FILE


def save(path: Path, saved: Saved) -> bool:
    """Write the session; False when the folder cannot be written."""
    data = {
        "version": VERSION,
        "history": list(saved.history),
        "filters": _filters_json(saved.filters),
        "turns": [_turn_json(t) for t in saved.turns],
    }
    try:
        write_text_atomic(path, json.dumps(data, ensure_ascii=False))
    except OSError:
        return False
    return True


def load(path: Path) -> Saved:
    """The saved session, or an empty one when there is none that can be read."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != VERSION:
            return Saved()
        turns = tuple(_turn(i, t) for i, t in enumerate(data["turns"], 1))
        return Saved(turns, tuple(map(str, data["history"])), Filters.from_json(data["filters"]))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return Saved()


def _filters_json(filters: Filters) -> dict[str, Any]:
    out = filters.to_json()
    out["dropped"] = [list(pair) for pair in filters.dropped]
    return out


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


def _turn(number: int, data: dict[str, Any]) -> Turn:
    filters = data["filters"]
    return Turn(
        number,
        str(data["question"]),
        None if filters is None else Filters.from_json(filters),
        None if data["answer"] is None else Answer.from_json(data["answer"]),
        data["error"],
        bool(data["infer"]),
    )
