"""`qa eval`: retrieval figures for a question set, recomputable from the per-question list.

Recall@k counts a question when any gold paragraph ranks within k; MRR@10
uses the first gold paragraph. A result cites the paragraphs with its text folded
into it (`Hit.also`) too: a gold paragraph folded there ranks where the result does.
Unanswerable questions (`gold: []`) count only towards the share answered false.
Latency is wall time per `ask()`, so it includes encoding the question.

A gold paragraph may carry its answer span (`"answer": "exact text"`).
answer@1 counts a question whose first result is a gold paragraph with its
answer marked: the marked sentence and the span overlap by at least half of
the shorter of the two. answer@5 does the same for the first gold paragraph in
the top 5. Both are shares of the answerable questions whose gold paragraphs
carry spans ("-" when none do).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from qa.answer import Answer, Asker, citation
from qa.evalfile import Question, read_questions

KS = (1, 5, 10)


@dataclass(frozen=True, slots=True)
class Outcome:
    id: str
    kind: str
    answerable: bool
    rank: int | None
    cable_rank: int | None
    answered: bool
    latency_ms: float
    labelled: bool = False
    """Its gold paragraphs carry answer spans: it counts towards answer@k."""
    marked: bool = False
    """The first gold paragraph found has its answer span marked."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "rank": self.rank,
            "cable_rank": self.cable_rank,
            "answered": self.answered,
        }
        if self.labelled:
            out["answer_marked"] = self.marked
        return out


def judge(q: Question, answer: Answer, latency_ms: float) -> Outcome:
    gold = set(q.gold)
    gold_cables = {c for c, _ in q.gold}
    # a hit is each paragraph it cites: its own and the copies of its text folded into it
    first = next((h for h in answer.hits if gold.intersection(h.cited())), None)
    cable_rank = next(
        (h.rank for h in answer.hits if gold_cables.intersection(c for c, _ in h.cited())), None
    )
    labelled = bool(q.gold) and all(g in q.answers for g in q.gold)
    marked = first is not None and marks_answer(
        first.text, first.highlight, q.answers.get(min(gold.intersection(first.cited())))
    )
    return Outcome(
        q.id,
        q.kind,
        bool(q.gold),
        first.rank if first else None,
        cable_rank,
        answer.answered,
        latency_ms,
        labelled,
        marked,
    )


def marks_answer(text: str, highlight: tuple[int, int], span: str | None) -> bool:
    """The marked stretch and the answer span overlap by at least half of the shorter."""
    if not span:
        return False
    at = text.find(span)
    if at < 0:
        return False
    start, end = highlight
    overlap = min(end, at + len(span)) - max(start, at)
    shorter = min(end - start, len(span))
    return shorter > 0 and overlap >= shorter / 2


@dataclass(frozen=True, slots=True)
class Figures:
    """None where no question counts towards a figure (a kind of unanswerable questions
    has no recall): shown as "-", never as 0."""

    questions: int
    answerable: int
    recall: dict[int, float | None]
    mrr10: float | None
    cable_recall5: float | None
    unanswerable_false: float | None
    answerable_false: float | None
    latency_p50_ms: float
    latency_p95_ms: float
    answer_at: dict[int, float | None] = field(default_factory=dict)
    """answer@1 and answer@5 (see the module docstring)."""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"questions": self.questions, "answerable": self.answerable}
        out.update({f"recall@{k}": _round(v) for k, v in self.recall.items()})
        out["mrr@10"] = _round(self.mrr10)
        out["cable_recall@5"] = _round(self.cable_recall5)
        out.update({f"answer@{k}": _round(v) for k, v in self.answer_at.items()})
        out["unanswerable_answered_false"] = _round(self.unanswerable_false)
        out["answerable_answered_false"] = _round(self.answerable_false)
        out["latency_p50_ms"] = round(self.latency_p50_ms, 1)
        out["latency_p95_ms"] = round(self.latency_p95_ms, 1)
        return out


def _round(x: float | None) -> float | None:
    return None if x is None else round(x, 4)


def _percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q
    lo = int(pos)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def _ranked_within(k: int) -> Callable[[Outcome], bool]:
    return lambda o: o.rank is not None and o.rank <= k


def _marked_within(k: int) -> Callable[[Outcome], bool]:
    return lambda o: o.marked and o.rank is not None and o.rank <= k


def _share(outcomes: Sequence[Outcome], test: Callable[[Outcome], bool]) -> float | None:
    return sum(map(test, outcomes)) / len(outcomes) if outcomes else None


def figures(outcomes: Sequence[Outcome]) -> Figures:
    ans = [o for o in outcomes if o.answerable]
    unans = [o for o in outcomes if not o.answerable]
    recall = {k: _share(ans, _ranked_within(k)) for k in KS}
    mrr = (
        sum(1.0 / o.rank for o in ans if o.rank is not None and o.rank <= 10) / len(ans)
        if ans
        else None
    )
    lat = [o.latency_ms for o in outcomes]
    labelled = [o for o in ans if o.labelled]
    answer_at = {k: _share(labelled, _marked_within(k)) for k in (1, 5)}
    return Figures(
        questions=len(outcomes),
        answerable=len(ans),
        recall=recall,
        mrr10=mrr,
        cable_recall5=_share(ans, lambda o: o.cable_rank is not None and o.cable_rank <= 5),
        unanswerable_false=_share(unans, lambda o: not o.answered),
        answerable_false=_share(ans, lambda o: not o.answered),
        latency_p50_ms=_percentile(lat, 0.5),
        latency_p95_ms=_percentile(lat, 0.95),
        answer_at=answer_at,
    )


@dataclass(frozen=True, slots=True)
class EvalReport:
    mode: str
    k: int
    overall: Figures
    by_kind: dict[str, Figures]
    outcomes: tuple[Outcome, ...] = field(default=())
    total: int = 0
    """Questions in the file, scored or not."""
    not_in_store: tuple[str, ...] = ()
    """IDs of the questions left out because the store holds none of their gold cables."""
    unknown_paragraphs: tuple[tuple[str, str], ...] = ()
    """(question ID, citation) of each gold paragraph that its stored cable does not have:
    a number the labels and the reader count differently (a heading the reader gives to
    the paragraph after it, a paragraph written twice). The question is still scored."""

    def to_json(self) -> dict[str, Any]:
        return {
            "mode": self.mode,
            "k": self.k,
            "overall": self.overall.to_json(),
            "by_kind": {kind: f.to_json() for kind, f in self.by_kind.items()},
            "questions": [o.to_json() for o in self.outcomes],
            "not_in_store": list(self.not_in_store),
            "unknown_paragraphs": [{"id": q, "citation": c} for q, c in self.unknown_paragraphs],
        }

    def warnings(self) -> list[str]:
        """A line for stderr when questions were left out, and one when gold paragraphs
        are not in their stored cables (the first three named)."""
        out = []
        if self.not_in_store:
            n = len(self.not_in_store)
            out.append(
                f"{n} of {self.total} questions cite only cables not in this store; "
                f"scored on the other {self.total - n}"
            )
        if self.unknown_paragraphs:
            n = len(self.unknown_paragraphs)
            named = ", ".join(f"{c} ({q})" for q, c in self.unknown_paragraphs[:3])
            more = f" and {n - 3} more" if n > 3 else ""
            out.append(
                f"{n} gold paragraph{'s' * (n > 1)} not in {'their' if n > 1 else 'its'} "
                f"stored cable (qa show lists a cable's paragraphs): {named}{more}"
            )
        return out

    def format(self) -> str:
        """The figures as a table that fits an 80-column terminal (73 columns); the
        latency of the whole set on the first line (`--json` has it by kind too)."""
        o = self.overall
        head = (
            f"{'kind':<13}{'n':>4}{'R@1':>6}{'R@5':>6}{'R@10':>6}{'MRR10':>6}{'cR@5':>6}"
            f"{'ans@1':>6}{'ans@5':>6}{'unans→F':>8}{'ans→F':>6}"
        )
        lines = [
            f"mode {self.mode}, k={self.k}; latency p50 {o.latency_p50_ms:.1f} ms,"
            f" p95 {o.latency_p95_ms:.1f} ms",
            head,
            "-" * len(head),
        ]
        rows = [*sorted(self.by_kind.items()), ("overall", o)]
        for kind, f in rows:
            lines.append(
                f"{kind[:12]:<13}{f.questions:>4}{_fig(f.recall[1]):>6}{_fig(f.recall[5]):>6}"
                f"{_fig(f.recall[10]):>6}{_fig(f.mrr10):>6}{_fig(f.cable_recall5):>6}"
                f"{_fig(f.answer_at.get(1)):>6}{_fig(f.answer_at.get(5)):>6}"
                f"{_pct(f.unanswerable_false):>8}{_pct(f.answerable_false):>6}"
            )
        return "\n".join(lines)


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def _fig(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def run_eval(
    engine: Asker,
    path: Path,
    *,
    mode: str = "hybrid",
    k: int = 10,
    paragraphs: Callable[[str], Collection[str] | None] | None = None,
) -> EvalReport:
    """Score every question of the file. With `paragraphs` (a cable's stored paragraph
    numbers, None when it is not stored), a question whose gold cables are all missing
    from the store is left out and listed in `EvalReport.not_in_store` (it would count
    as a miss the engine could not avoid), and a gold paragraph its stored cable lacks is
    listed in `EvalReport.unknown_paragraphs`."""
    questions = list(read_questions(path))
    missing: list[str] = []
    unknown: list[tuple[str, str]] = []
    if paragraphs is not None:
        stored = {c: paragraphs(c) for c in {c for q in questions for c, _ in q.gold}}
        missing = [q.id for q in questions if q.gold and all(stored[c] is None for c, _ in q.gold)]
        unknown = [
            (q.id, citation(c, p))
            for q in questions
            for c, p in q.gold
            if (numbers := stored[c]) is not None and p not in numbers
        ]
    outcomes: list[Outcome] = []
    for q in questions:
        if q.id in missing:
            continue
        start = time.perf_counter()
        answer = engine.ask(q.question, k=k, filters=q.filters, history=q.history, mode=mode)
        outcomes.append(judge(q, answer, (time.perf_counter() - start) * 1000))
    kinds = sorted({o.kind for o in outcomes})
    by_kind = {kind: figures([o for o in outcomes if o.kind == kind]) for kind in kinds}
    report = EvalReport(mode, k, figures(outcomes), by_kind, tuple(outcomes))
    return replace(
        report,
        total=len(questions),
        not_in_store=tuple(missing),
        unknown_paragraphs=tuple(unknown),
    )
