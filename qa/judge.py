"""Stage four of a question: is anything found strong enough to call it answered?

`rescore.answered` weighs the scores; this stage adds two signs in the
question's names that the store cannot answer it, read from the store.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from corpus.dates import day_of_iso
from qa import retrieve
from qa.answer import Filters
from qa.rescore import Candidate, Tuning, answered
from qa.state import StoreState
from qa.terms import fold, name_key, name_parts, name_runs, starts_a_word

if TYPE_CHECKING:
    from embeddings.view import LedgerView


class Judge:
    def __init__(self, view: LedgerView, tuning: Tuning) -> None:
        self._view = view
        self.tuning = tuning

    def answered(
        self,
        question: str,
        ranked: Sequence[Candidate],
        applied: Filters,
        *,
        follow_up: bool,
        state: StoreState,
        stats: retrieve.TermStats,
    ) -> bool:
        unknown, stray = self.name_signs(question, ranked, state, stats)
        return answered(
            ranked,
            self.tuning,
            unknown_names=len(unknown),
            stray_names=len(stray),
            relaxed=not follow_up and self._relaxed(applied, ranked),
            filtered=not applied.is_empty(),
        )

    def _relaxed(self, applied: Filters, ranked: Sequence[Candidate]) -> bool:
        """Whether a filter the question stated matched nothing, a sign the store cannot
        answer it; not a date that the best cable comes after: a cable tells of events
        years before it ("freed in late 1973", in a profile of 2005)."""
        ignored = {n.removesuffix(":ignored") for n in applied.inferred if n.endswith(":ignored")}
        if not ignored:
            return False
        until = dict(applied.dropped).get("until")
        if ignored - {"since", "until"} or until is None or not ranked:
            return True
        facts = self._view.cable_facts([ranked[0].cable_id])
        return not facts or (facts[0].date or 0) <= day_of_iso(until)

    def name_signs(
        self,
        question: str,
        ranked: Sequence[Candidate],
        state: StoreState,
        stats: retrieve.TermStats,
    ) -> tuple[list[str], list[str]]:
        """Two signs in the question's names that the store cannot answer it.

        Unknown names: no paragraph holds them. Stray names: rare names that no one
        of the best cables holds with the others. A question that joins things the
        store only knows apart (Portugal's prime minister Socrates on CIA flights
        through the Azores, where no cable names both) asks about a matter the store
        does not hold, and its best candidates are about one of the two. Only rare
        names count there (`Tuning.rare_name_share` of paragraphs at most): a common
        one ("American", "Iraq") often goes unwritten in the cable that answers.

        A name matches in any of its forms (`_name_match`): "Hungary" finds
        "Hungarian", "Scuds" finds "Scud". One FTS5 count per name, capped at the
        rarity bar, serves both signs; a name the word sample already shows to be
        common is not counted at all.
        """
        cap = max(self.tuning.rare_name_floor, int(state.paragraphs * self.tuning.rare_name_share))
        unknown: list[str] = []
        rare: list[str] = []
        for name in names(question, state.places):
            counts: dict[str, int] = {}
            for part in name_parts(name):
                if stats.postings(part.lower()) > 2 * cap:
                    counts[part] = cap + 1  # common in the sample, so known and not rare
                    continue
                counts[part] = self._view.matches(_name_match(part), cap + 1)
            if not any(counts.values()):
                unknown.append(name)
            rare += [part for part, n in counts.items() if 0 < n <= cap]
        return unknown, self._stray(rare, ranked)

    def _stray(self, rare: Sequence[str], ranked: Sequence[Candidate]) -> list[str]:
        """The `rare` names that the best cable for them does not hold (see `name_signs`).

        The best cables' text is read and searched here: asking FTS5 which of them
        hold a name joins every match to its cable, 20-75 ms for a name in a few
        thousand paragraphs at a million.
        """
        cables = list(dict.fromkeys(c.cable_id for c in ranked))[: self.tuning.name_cables]
        if not rare or not cables:
            return []
        keys = {part: fold(name_key(part)) for part in rare}
        held = []
        for cable_id in cables:
            text = self._cable_text(cable_id)
            held.append({part for part, key in keys.items() if starts_a_word(key, text)})
        return [part for part in rare if part not in max(held, key=len)]

    def _cable_text(self, cable_id: str) -> str:
        """A cable's subject, headings and paragraphs, folded (`fold`) into one string."""
        cable = self._view.cable(cable_id)
        if cable is None:
            return ""
        parts = [cable.subject or ""]
        for p in cable.paragraphs:
            parts += [p.heading or "", p.text]
        return fold(" ".join(parts))


SEATS = frozenset(["pentagon", "kremlin", "langley", "whitehall", "elysee", "élysée"])
"""Buildings a question names for the government in them ("Which Pentagon official"),
where cables write the office ("Assistant Secretary of Defense", "DoD", "GOR")."""


def names(question: str, places: dict[str, str]) -> list[str]:
    """The question's names, each by its last word ("Lakhdar Boumediene" by
    "Boumediene", the part spelt the same in every transliteration), less the
    cities of posts and the `SEATS` of governments: those are known even where no
    paragraph writes them."""
    out: list[str] = []
    for run in name_runs(question):
        name = run[-1]
        if name.lower() not in places and name.lower() not in SEATS and name not in out:
            out.append(name)
    return out


def _name_match(name: str) -> str:
    """An FTS5 query for a name in any of its forms: its prefix (`name_key`), or the
    word itself, which FTS5 stems as it stemmed the paragraphs ("Conservative" and
    "conserv"; the prefix "conserva" alone would miss them)."""
    return retrieve.fts_query([name.lower()], prefixes=[name_key(name)])
