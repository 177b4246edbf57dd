"""The one set of fakes the tests share: deterministic encoders in place of the model,
`FakeEngine` in place of the whole engine for the TUI, and `run_qa`, the `qa` command
in a new process.

The encoders are a hashed bag of words: the same text always gives the same unit
vector and texts sharing words are near, which is all the store's and the
engine's logic needs; the real model is exercised by the tests marked slow.
"""

from __future__ import annotations

import hashlib
import math
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from corpus.dates import day_number
from corpus.models import Paragraph, ShownCable
from qa.answer import Answer, Asking, AskOptions, Filters, Hit, Neighbours
from qa.highlight import mark, term_weights
from qa.terms import content_terms, stem, words
from tests.conftest import DATA, REPO, SEED

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from embeddings.view import CableFacts

_WORD = re.compile(r"\w+")


class HashEncoder:
    """64 dimensions, one signed bucket per word; counts its calls."""

    name = "hash-bow-64"
    dimension = 64
    max_tokens = 256

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        self.calls += 1
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in _WORD.findall(text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=4).digest(), "little")
                out[i, h % self.dimension] += 1.0 if h & 1 << 20 else -1.0
            out[i, 0] += 1e-3  # no zero rows
        normed: npt.NDArray[np.float32] = out / np.linalg.norm(out, axis=1, keepdims=True)
        return normed


class RecordingEncoder(HashEncoder):
    """Keeps each batch it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.batches: list[list[str]] = []

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        self.batches.append(list(texts))
        return super().encode(texts, batch_size=batch_size)


class BagEncoder(HashEncoder):
    """The same vectors under another model name: the engine tests' stores."""

    name = "bag-of-words-64"


class PausedEncoder(HashEncoder):
    """Slower than the writer, like the real model, so an ingest lasts and commits as it goes."""

    def __init__(self, pause: float) -> None:
        super().__init__()
        self.pause = pause

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        time.sleep(self.pause)
        return super().encode(texts, batch_size=batch_size)


class InterruptingEncoder(HashEncoder):
    """Ctrl-C arrives while the model runs its `at`-th call."""

    def __init__(self, at: int) -> None:
        super().__init__()
        self.at = at

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        if self.calls + 1 == self.at:
            raise KeyboardInterrupt
        return super().encode(texts, batch_size=batch_size)


def run_qa(
    *args: str | bytes,
    store: Path | None = None,
    data: Path | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 600,
    preexec_fn: Callable[[], object] | None = None,
    stdin: str | None = None,
) -> subprocess.CompletedProcess[str]:
    """`qa ARGS` in a new process, offline, from the repository: `store` names the store
    (else none is named), `data` holds the default one, `env` adds variables, `stdin` is
    piped in (else standard input is empty)."""
    full = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    full.pop("QA_CHROMA_URL", None)
    full.pop("QA_STORE", None)
    if store is not None:
        full["QA_STORE"] = str(store)
    if data is not None:
        full["XDG_DATA_HOME"] = str(data)
    full.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "qa.cli", *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        errors="replace",
        env=full,
        cwd=REPO,
        timeout=timeout,
        preexec_fn=preexec_fn,
        input=stdin if stdin is not None else "",
    )


# -- an engine for the TUI's tests ---------------------------------------------------------

FAKE_CABLES = (SEED, *sorted(DATA.glob("*.html")))
"""The seed and the real cables of `tests/data`: what `FakeEngine` answers from."""


class FakeEngine:
    """The engine as the TUI uses it (`qa.tui.ports.EngineLike`), in memory and in
    milliseconds: real cables, filters read from the question by `qa.filters` as the
    engine reads them, paragraphs ranked by the share of the question's words they hold
    (rare words weigh more), the answering sentence marked by `qa.highlight.mark`.

    An answer whose best paragraph holds less than `strong` of the question's weight
    is "nothing strong found". Every call to `ask` is kept in `asked`."""

    def __init__(self, paths: Sequence[Path] = FAKE_CABLES, *, strong: float = 0.6) -> None:
        from corpus import read
        from corpus.models import Cable
        from qa.filters import post_places

        self.strong = strong
        self.asked: list[tuple[str, Filters | None, tuple[str, ...]]] = []
        self.closed = False
        self.cables: dict[str, ShownCable[Paragraph]] = {}
        for path in paths:
            for cable in read(path):
                if isinstance(cable, Cable):
                    self.cables[cable.id] = ShownCable(
                        cable.id,
                        cable.created.isoformat(),
                        day_number(cable.created),
                        cable.origin,
                        cable.classification,
                        cable.subject,
                        cable.tags,
                        cable.references,
                        cable.classified_by,
                        cable.partial,
                        cable.paragraphs,
                    )
        self.rows = [
            (cable, para, frozenset(stem(w) for w in words(para.text)))
            for cable in self.cables.values()
            for para in cable.paragraphs
            if para.text.strip()
        ]
        df: Counter[str] = Counter(s for _, _, stems in self.rows for s in stems)
        n = len(self.rows)
        self.idf = {s: math.log(1 + n / (1 + c)) for s, c in df.items()}
        self.places = post_places({c.origin for c in self.cables.values()})
        self.tag_codes = frozenset(t for c in self.cables.values() for t in c.tags)

    # -- EngineLike ------------------------------------------------------------------------

    def ask(self, question: str, **options: Unpack[AskOptions]) -> Answer:
        """Every mode ranks the same way here."""
        from qa.facets import count
        from qa.filters import infer as read_filters
        from qa.filters import merge, strip_spans

        opts = Asking(**options)
        filters, history, k = opts.filters, opts.history, opts.k
        self.asked.append((question, filters, tuple(history)))
        explicit = replace(filters or Filters(), inferred=(), dropped=())
        inference = None
        if opts.infer is not False:
            inference = read_filters(
                question, places=self.places, tags=self.tag_codes, known_ids=frozenset(self.cables)
            )
        applied = merge(explicit, inference)
        text = strip_spans(question, inference.spans) if inference else question
        if history:  # a follow-up reads the conversation's first question too, weighed less
            text = f"{text} {history[0]}"
        terms = {stem(w): 1.0 for w in content_terms(text)}
        for w in content_terms(history[0] if history else ""):
            terms[stem(w)] = min(terms.get(stem(w), 0.5), 0.5)
        total = sum(self.idf.get(s, 1.0) * w for s, w in terms.items()) or 1.0
        scored: list[tuple[float, bool, ShownCable[Paragraph], Paragraph]] = []
        for cable, para, stems in self.rows:
            outside = not _dates_hold(applied, cable.created[:10])
            if outside and not applied.dates_preferred:
                continue
            if not _others_hold(applied, cable):
                continue
            score = sum(self.idf.get(s, 1.0) * w for s, w in terms.items() if s in stems) / total
            if score > 0:
                scored.append((score * (0.5 if outside else 1.0), outside, cable, para))
        scored.sort(key=lambda r: (-r[0], r[2].id, r[3].number))
        top = scored[:k]
        weights = term_weights(text, [p.text for _, _, _, p in top])
        hits = tuple(
            _hit(i, cable, para, score, mark(para.text, text, weights), outside)
            for i, (score, outside, cable, para) in enumerate(top, 1)
        )
        spread = None
        if opts.facets:
            best = list(dict.fromkeys(c.id for s, o, c, _ in top if not o and s >= top[0][0] / 2))
            spread = count([_facts(self.cables[c]) for c in best])
        answered = bool(top) and top[0][0] >= self.strong
        return Answer(question, applied, answered, hits, spread)

    def similar(self, cable_id: str, para: str, *, k: int = 10) -> Neighbours:
        cable = self.cables[cable_id]
        source = next(p for p in cable.paragraphs if p.number == para)
        own = frozenset(stem(w) for w in content_terms(source.text))
        scored = sorted(
            (
                (len(own & stems) / (len(own | stems) or 1), other.id, p.number, other, p)
                for other, p, stems in self.rows
                if other.id != cable_id and own & stems
            ),
            key=lambda r: (-r[0], r[1], r[2]),
        )[:k]
        hits = tuple(
            _hit(i, other, p, score, (0, 0), False)
            for i, (score, _, _, other, p) in enumerate(scored, 1)
        )
        n = len(hits)
        return Neighbours(_hit(0, cable, source, 1.0, (0, 0), False), hits, (False,) * n)

    def cable(self, cable_id: str) -> ShownCable[Paragraph] | None:
        return self.cables.get(cable_id)

    def referencing(self, cable_id: str) -> list[str]:
        return sorted(c.id for c in self.cables.values() if cable_id in c.refs)

    def close(self) -> None:
        self.closed = True


def _dates_hold(filters: Filters, date: str) -> bool:
    return (filters.since is None or date >= filters.since) and (
        filters.until is None or date <= filters.until
    )


def _others_hold(filters: Filters, cable: ShownCable[Paragraph]) -> bool:
    return (
        (filters.origin is None or filters.origin.lower() in cable.origin.lower())
        and (
            filters.classification is None
            or cable.classification.upper().startswith(filters.classification.upper())
        )
        and (filters.tag is None or filters.tag in cable.tags)
        and (not filters.cable_ids or cable.id in filters.cable_ids)
    )


def _hit(
    rank: int,
    cable: ShownCable[Paragraph],
    para: Paragraph,
    score: float,
    span: tuple[int, int],
    out: bool,
) -> Hit:
    return Hit(
        rank=rank,
        cable_id=cable.id,
        paragraph=para.number,
        score=round(score, 6),
        text=para.text,
        highlight=span,
        subject=cable.subject,
        date=cable.created[:10],
        origin=cable.origin,
        classification=cable.classification,
        tags=cable.tags,
        outside_dates=out,
    )


def _facts(cable: ShownCable[Paragraph]) -> CableFacts:
    from embeddings.view import CableFacts

    return CableFacts(cable.id, cable.date, cable.origin, " ".join(cable.tags))
