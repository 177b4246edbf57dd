"""Facets of a question: how its best matching cables spread over time, posts and TAGs.

Which cables: those of the question's ranked candidates (the dense and the
lexical retriever's best `search.CANDIDATES` each, under the filters that held,
so up to a few hundred paragraphs) whose fused score is at least `BAR` times
the best one's, leaving out those outside a date read from the question. Each
cable counts once however many of its paragraphs pass. The candidates are
already ranked by then: facets cost one read of those cables' dates, posts and
TAGs.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from corpus.tags import unpacked
from qa.answer import Facets
from qa.rescore import Candidate

if TYPE_CHECKING:
    from embeddings.view import CableFacts, LedgerView

BAR = 0.5
"""A candidate counts when its fused score is at least this share of the best one's."""
QUARTERS_WITHIN = 2
"""When the counted cables span at most this many years, periods are quarters."""


UNKNOWN_ORIGIN = "unknown"
"""Counted for cables whose origin the store does not know: a count, not a post to
filter by."""


def counted_cables(ranked: Sequence[Candidate]) -> list[str]:
    """The cables the facets count, best first (see the module's docstring)."""
    inside = [c for c in ranked if not c.outside]
    if not inside:
        return []
    bar = BAR * max(c.score for c in inside)
    return list(dict.fromkeys(c.cable_id for c in inside if c.score >= bar))


def facets(view: LedgerView, ranked: Sequence[Candidate]) -> Facets:
    return count(view.cable_facts(counted_cables(ranked)))


def count(rows: Sequence[CableFacts]) -> Facets:
    """Per year (or quarter), origin and TAG, how many of these cables."""
    years = sorted({r.date // 10000 for r in rows if r.date})
    by = "quarter" if years and years[-1] - years[0] < QUARTERS_WITHIN else "year"
    periods: Counter[str] = Counter()
    origins: Counter[str] = Counter()
    tags: Counter[str] = Counter()
    for r in rows:
        if r.date:
            year, month = r.date // 10000, r.date // 100 % 100
            periods[
                f"{year}-Q{(max(month, 1) - 1) // 3 + 1}" if by == "quarter" else str(year)
            ] += 1
        origins[r.origin or UNKNOWN_ORIGIN] += 1
        tags.update(set(unpacked(r.tags)))
    return Facets(
        cables=len(rows),
        by=by,
        years=dict(sorted(periods.items())),
        origins=_most_first(origins),
        tags=_most_first(tags),
    )


def _most_first(counts: Counter[str]) -> dict[str, int]:
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
