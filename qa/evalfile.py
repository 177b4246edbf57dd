"""The evaluation file `qa eval` reads: one question a line, each field checked.

A line is `{"id", "question", "gold": [{"cable_id", "para", "answer"?}], "kind"?,
"history"?, "filters"?}` (DESIGN.md, "Evaluation file"); `gold: []` marks a question
the cables cannot answer. A misspelt or malformed field is refused in one line naming
the file, the line and the field: ignored or misread, it would score questions against
the wrong cables without a word.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from qa.answer import Filters, read_citation, read_para
from qa.dates import parse_option
from qa.errors import EvalError


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    question: str
    gold: tuple[tuple[str, str], ...]
    kind: str = "default"
    history: tuple[str, ...] = ()
    filters: Filters | None = None
    answers: dict[tuple[str, str], str] = field(default_factory=dict)
    """The answer span of each gold paragraph that has one."""


FILTER_KEYS = ("since", "until", "year", "origin", "classification", "tag")
"""What an eval file's `filters` may hold (DESIGN.md, "Evaluation file")."""
_NO_GOLD = "[] for a question the cables cannot answer"


def parse_filters(raw: object) -> Filters | None:
    """Eval-file filters; `year` is shorthand for that calendar year. Refused, naming the
    field, when misspelt or malformed: a filter ignored or misread would score every
    question against the wrong cables without a word."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise EvalError(f'filters must be an object such as {{"year": 2006}}, not {_shown(raw)}')
    if unknown := [key for key in raw if key not in FILTER_KEYS]:
        raise EvalError(f"filters: unknown key {unknown[0]!r} (known: {', '.join(FILTER_KEYS)})")
    if not raw:
        return None
    since, until = _day(raw, "since"), _day(raw, "until")
    if (year := _year(raw.get("year"))) is not None:
        since, until = since or f"{year:04d}-01-01", until or f"{year:04d}-12-31"
    return Filters(
        since=since,
        until=until,
        origin=_text(raw, "origin"),
        classification=_text(raw, "classification"),
        tag=_text(raw, "tag"),
    )


def _day(raw: dict[str, Any], key: str) -> str | None:
    """A date as `--since`/`--until` read it (`qa.dates.parse_option`: 2009-02-30 is none,
    a partial `until` runs to the end of its month or year)."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, str):
        try:
            return parse_option(value, end=key == "until")
        except ValueError:
            pass
    raise EvalError(f"filters.{key} must be a date YYYY-MM-DD, not {_shown(value)}")


def _year(value: object) -> int | None:
    """A year as a number or a string ("2006" has always been read), as `parse_option`
    reads one."""
    if value is None:
        return None
    if isinstance(value, int | str) and not isinstance(value, bool):
        try:
            return int(parse_option(str(value))[:4])
        except ValueError:
            pass
    raise EvalError(f"filters.year must be a year such as 2006, not {_shown(value)}")


def _text(raw: dict[str, Any], key: str) -> str | None:
    value = raw.get(key)
    if value is None or isinstance(value, str):
        return value
    raise EvalError(f"filters.{key} must be a string, not {_shown(value)}")


def parse_gold(raw: object) -> tuple[tuple[tuple[str, str], ...], dict[tuple[str, str], str]]:
    """The gold paragraphs, and the answer span of each that carries one."""
    if not isinstance(raw, list):
        raise EvalError(f"gold must be a list ({_NO_GOLD}), not {_shown(raw)}")
    gold: list[tuple[str, str]] = []
    answers: dict[tuple[str, str], str] = {}
    for n, entry in enumerate(raw, 1):
        gold.append(key := _gold_key(entry, n))
        answer = entry.get("answer")
        if answer is not None and not isinstance(answer, str):
            raise EvalError(f'gold entry {n}: "answer" must be a string, not {_shown(answer)}')
        if answer and answer.strip():
            answers[key] = answer
    return tuple(gold), answers


def _gold_key(entry: object, n: int) -> tuple[str, str]:
    """(cable ID, ¶ number), read as `qa show` reads a citation: "08OSLO000522" (as the
    cable site pads it) is 08OSLO522, "06mexico3305" is 06MEXICO3305, and "¶4" or 4 is
    "4". Before, such a gold paragraph was never found: the question was left out as
    citing no stored cable, or scored a miss. Text that is no ID is kept as written,
    so the question is left out with that warning (`EvalReport.warnings`)."""
    cable_id, para = (
        (entry.get("cable_id"), entry.get("para")) if isinstance(entry, dict) else (None, None)
    )
    if isinstance(para, int) and not isinstance(para, bool) and para >= 0:
        para = str(para)
    if not (
        isinstance(cable_id, str) and cable_id.strip() and isinstance(para, str) and para.strip()
    ):
        raise EvalError(
            f'each "gold" entry needs "cable_id" and "para", as strings: '
            f"entry {n} is {_shown(entry)}"
        )
    read = read_citation(cable_id)
    canonical = read[0] if read is not None and read[1] is None else cable_id.strip()
    return canonical, read_para(para) or para.strip()


def parse_history(raw: object) -> tuple[str, ...]:
    if raw is None:
        return ()
    if isinstance(raw, list) and all(isinstance(h, str) for h in raw):
        return tuple(raw)
    raise EvalError(f"history must be a list of earlier questions (strings), not {_shown(raw)}")


def _shown(value: object, limit: int = 60) -> str:
    """A value as one short line in an error: a string quoted, anything else as JSON."""
    text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else f"{text[: limit - 3]}..."


def parse_question(line: str, lineno: int) -> Question:
    """One line of the file; an EvalError names the line and what is wrong with it."""
    try:
        raw = json.loads(line)
    except ValueError as exc:
        raise EvalError(f"line {lineno}: not JSON ({exc})") from None
    if not isinstance(raw, dict):
        raise EvalError(f"line {lineno}: not a JSON object")
    for key in ("id", "question"):
        if not str(raw.get(key) or "").strip():
            raise EvalError(f'line {lineno}: no "{key}"')
    if "gold" not in raw:
        raise EvalError(f'line {lineno}: no "gold" ({_NO_GOLD})')
    try:
        gold, answers = parse_gold(raw["gold"])
        history = parse_history(raw.get("history"))
        filters = parse_filters(raw.get("filters"))
    except EvalError as exc:
        raise EvalError(f"line {lineno}: {exc}") from None
    return Question(
        id=str(raw["id"]),
        question=str(raw["question"]),
        gold=gold,
        kind=str(raw.get("kind") or "default"),
        history=history,
        filters=filters,
        answers=answers,
    )


def read_questions(path: Path) -> Iterator[Question]:
    """An EvalError names the file and the line. An id used twice is refused: figures are
    recomputed from the per-question list (`--json`) by id."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise EvalError(f"cannot read {path}: {reason}") from None
    if not any(line.strip() for line in lines):
        raise EvalError(f"{path} holds no questions (one JSON object a line)")
    first_on: dict[str, int] = {}
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            q = parse_question(line, lineno)
            if (first := first_on.setdefault(q.id, lineno)) != lineno:
                raise EvalError(f"line {lineno}: id {q.id!r} is already used on line {first}")
        except EvalError as exc:
            raise EvalError(f"{path} {exc}") from None
        yield q
