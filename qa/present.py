"""Stage five of a question: the ranked candidates as cited hits, each with the
sentence that answers marked."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from corpus.dates import iso_day
from corpus.tags import unpacked
from qa.answer import Hit, citation
from qa.highlight import best_sentence, mark, term_weights
from qa.rescore import Candidate

if TYPE_CHECKING:
    from embeddings.view import LedgerView


def fold_key(text: str) -> str:
    """Texts that differ only in spacing and case are the same text."""
    return " ".join(text.split()).casefold()


def present(
    view: LedgerView,
    ranked: Sequence[Candidate],
    question: str,
    *,
    k: int | None = None,
    asked: bool = True,
    intent: str | None = None,
    marked_by: str | None = None,
) -> tuple[Hit, ...]:
    """The first `k` (all when None) of `ranked` as hits, a paragraph with the text of one
    above it folded into that one (`Hit.also`) rather than shown again.

    `asked`: `question` is a question, whose kind (who, when, why; read from `intent`
    when given, see `qa.understand.Understanding.intent`) guides the mark; False for a
    paragraph's own text (`qa similar`), marked by shared words alone. The mark weighs
    the words of `marked_by` when given (a follow-up's own:
    `qa.understand.Understanding.marked_by`), those of `question` otherwise."""
    if not ranked:
        return ()
    pids = [c.pid for c in ranked]
    rows = view.hit_rows(pids)
    firsts: dict[str, Candidate] = {}
    copies: dict[str, list[str]] = {}
    for c in ranked:
        if c.pid not in rows:
            continue
        row = rows[c.pid]
        key = fold_key(row.text)
        if key in firsts:
            copies[key].append(citation(row.cable_id, row.number))
        elif k is None or len(firsts) < k:
            firsts[key], copies[key] = c, []
    weights = term_weights(question, [rows[c.pid].text for c in firsts.values()])

    def marker(text: str) -> tuple[int, int]:
        if asked:
            return mark(text, marked_by or question, weights, intent=intent)
        return best_sentence(text, question, weights)

    hits: list[Hit] = []
    for key, c in firsts.items():
        row = rows[c.pid]
        hits.append(
            Hit(
                rank=len(hits) + 1,
                cable_id=row.cable_id,
                paragraph=row.number,
                score=c.score,
                text=row.text,
                highlight=marker(row.text),
                subject=row.subject or "",
                date=iso_day(row.date),
                origin=row.origin or "",
                classification=row.classification or "",
                tags=unpacked(row.tags),
                outside_dates=c.outside,
                also=tuple(copies[key]),
            )
        )
    return tuple(hits)
