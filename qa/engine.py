"""The one headless engine behind the CLI, the TUI and `qa eval`.

A question runs through five stages, each a module with one job:
understand (`qa.understand`: filters and follow-up text) -> search
(`qa.search`: dense and lexical candidates) -> rescore (`qa.rescore`) ->
judge (`qa.judge`: answered?) -> present (`qa.present`: hits, highlights).
One frozen `StoreState`, read once per store generation, passes through them.

Opening it is cheap (the ledger only): the query encoder, the vector matrix
and Chroma load on first use, so `qa show` never pays for them and a cold
`qa ask` pays only for what it needs. Readers notice another process's writes
through the ledger's generation counter and reload.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from qa import followup
from qa.answer import Answer, Asking, AskOptions, Filters, Neighbours
from qa.config import Settings
from qa.errors import EngineError, no_paragraph
from qa.facets import facets as count_facets
from qa.judge import Judge
from qa.present import present
from qa.rescore import Tuning, rescore
from qa.search import CANDIDATES, Search
from qa.similar import neighbours
from qa.state import StoreState
from qa.understand import understand

if TYPE_CHECKING:
    from typing_extensions import Unpack

MODES = ("hybrid", "dense", "lexical")
DATES = ("since", "until")


class Engine:
    def __init__(
        self,
        settings: Settings,
        *,
        tuning: Tuning | None = None,
        encoder: Any = None,
        exact_scan_max: int | None = None,
    ) -> None:
        """`encoder` (an `embeddings.encoder.Encoder`) replaces the store's query encoder:
        a front end that already holds the model, or a store built with another one.
        `exact_scan_max` moves the size past which a warm engine asks Chroma's HNSW index
        (`Search.use_exact`)."""
        from embeddings.view import LedgerView

        self.settings = settings
        self.tuning = tuning or Tuning()
        self.view = LedgerView.open(settings.store)
        if encoder is None:
            self._check_model()
        self.search = Search(settings, self.view, self.tuning, encoder, exact_scan_max)
        self.judge = Judge(self.view, self.tuning)
        self._state: StoreState | None = None

    def _check_model(self) -> None:
        """A store's vectors only compare with its own model's: refuse any other up front."""
        try:
            self.view.require_model(self.settings.model)
        except Exception:
            self.view.close()
            raise

    @property
    def encoder(self) -> Any:
        """The query encoder, once loaded (None before the first question)."""
        return self.search.encoder

    @property
    def conn(self) -> Any:
        """The ledger's SQLite connection, for benchmarks that measure the store itself
        (the engine asks its `LedgerView`)."""
        return self.view.ledger.conn

    def close(self) -> None:
        self.view.close()
        self.search.drop()

    def cable(self, cable_id: str) -> Any:
        """The stored cable (`embeddings.ledger.StoredCable`) or None."""
        return self.view.cable(cable_id.strip().upper())

    def paragraph_numbers(self, cable_id: str) -> list[str] | None:
        """The stored cable's paragraph numbers, in order; None when it is not stored."""
        cable = self.cable(cable_id)
        return None if cable is None else [p.number for p in cable.paragraphs]

    def referencing(self, cable_id: str) -> list[str]:
        """IDs of stored cables whose REF lines cite this one."""
        return list(self.view.referencing(cable_id.strip().upper()))

    def state(self) -> StoreState:
        """The store as it is now: read again only when another process has written."""
        gen = self.view.generation()
        if self._state is None or self._state.generation != gen:
            self._state = StoreState.read(self.view, gen)
            self.search.use(self._state)
        return self._state

    def warm(self) -> None:
        """Load the encoder and the vectors now, so the first question is not the slow one.

        It also marks the engine as long-lived (the TUI, `qa eval`): past
        `retrieve.EXACT_SCAN_MAX` records its unfiltered questions then go to Chroma's
        HNSW index, which it loads here.
        """
        self.state()
        self.search.warm()

    def ask(self, question: str, **options: Unpack[AskOptions]) -> Answer:
        """Options and defaults: `qa.answer.Asking`. `infer` overrides
        `Settings.infer_filters` for this question; `facets` needs hybrid mode."""
        opts = Asking(**options)
        if opts.mode not in MODES:
            raise EngineError(f"mode must be one of {', '.join(MODES)}, not {opts.mode!r}")
        state = self.state()
        explicit = replace(opts.filters or Filters(), inferred=(), dropped=())
        if opts.mode != "hybrid":
            ranked = self.search.plain(question, opts.k, explicit, opts.mode)
            return Answer(
                question, explicit, bool(ranked), present(self.view, ranked[: opts.k], question)
            )
        infer = self.settings.infer_filters if opts.infer is None else opts.infer
        asked = understand(
            question, explicit, opts.history, infer=infer, state=state, known=self.view.known_cables
        )
        cands, applied = self.search.search(asked.text, asked.filters, opts.k, asked.own)
        prior = self._conversation_cables(opts.history, applied) if asked.own is not None else {}
        ranked = rescore(cands, self.tuning, asked.text, prior=prior, intent=asked.intent)
        ok = self.judge.answered(
            question,
            ranked,
            applied,
            follow_up=asked.own is not None,
            state=state,
            stats=self.search.term_stats(),
        )
        spread = count_facets(self.view, ranked) if opts.facets else None
        hits = present(
            self.view,
            ranked[: self.tuning.fold_pool * opts.k],  # room for copies folded into a hit
            asked.text,
            k=opts.k,
            intent=asked.intent,
            marked_by=asked.marked_by,
        )
        if not hits and not explicit.is_empty():
            applied = replace(applied, unmatched=self._unmatched(explicit))
        return Answer(question, applied, ok, hits, spread)

    def _unmatched(self, given: Filters) -> tuple[str, ...]:
        """The given filters that admit no stored cable on their own, the dates as one.
        Inferred ones are not asked: the search lets them go (`Search.search`) before it
        finds nothing."""
        out: list[str] = []
        for group in (("since", "until"), *((n,) for n in given.names() if n not in DATES)):
            names = [n for n in group if getattr(given, n)]
            if names and not self.view.admits_any(Filters(**{n: getattr(given, n) for n in names})):
                out += names
        return tuple(out)

    def similar(self, cable_id: str, para: str, *, k: int = 10) -> Neighbours:
        """The `k` paragraphs of other cables closest to this one (`qa.similar`)."""
        cable_id = cable_id.strip().upper()
        pid = self.view.paragraph_id(cable_id, para)
        if pid is None:
            cable = self.cable(cable_id)
            if cable is None:
                raise EngineError(f"{cable_id} is not in the store {self.settings.store}")
            raise EngineError(no_paragraph(cable_id, para, [p.number for p in cable.paragraphs]))
        self.state()
        found = neighbours(self.view, self.search, pid, k)
        if found is None:
            raise EngineError(f"{cable_id} ¶{para} has no vectors to compare")
        return found

    def _conversation_cables(self, history: Sequence[str], filters: Filters) -> dict[str, float]:
        """The cables the earlier question found, best first, as a prior for a follow-up:
        "did he agree?" is most often answered by the cable the conversation is reading."""
        topic = followup.previous_topic(history)
        if topic is None:
            return {}
        found = self.search.find(topic, filters, CANDIDATES, None)
        ranked = rescore(found, self.tuning, topic)
        cables: list[str] = []
        for c in ranked[: self.tuning.followup_candidates]:
            if c.cable_id not in cables:
                cables.append(c.cable_id)
        return {
            cable: 1.0 / (i + 1) for i, cable in enumerate(cables[: self.tuning.followup_cables])
        }
