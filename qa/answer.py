"""What the engine is asked and returns: the contract shared by the CLI, the TUI and
`qa eval`.

Pure data, no heavy imports, so front ends can import it on their fast path.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

if TYPE_CHECKING:
    from typing_extensions import Unpack


@dataclass(frozen=True, slots=True)
class Criteria:
    """Which cables may answer: what explicit filters restrict and what a question states
    (`qa.filters.Inference`)."""

    since: str | None = None
    until: str | None = None
    origin: str | None = None
    classification: str | None = None
    tag: str | None = None
    cable_ids: tuple[str, ...] = ()

    def names(self) -> tuple[str, ...]:
        """The fields set, in declaration order."""
        return tuple(name for name in _CRITERIA if getattr(self, name))


_CRITERIA = tuple(f.name for f in fields(Criteria))


@dataclass(frozen=True, slots=True)
class Filters(Criteria):
    """Restrictions on which paragraphs may answer.

    Dates are ISO ``YYYY-MM-DD`` strings, inclusive. ``origin`` and
    ``classification`` match case-insensitively against the stored values
    (origin: substring of e.g. "Embassy Mexico"; classification: prefix, so
    "SECRET" also admits "SECRET//NOFORN"). ``cable_ids`` restricts to cables
    named in the question. ``inferred`` names the fields the engine read from
    the question rather than from explicit options; ``dropped`` holds the
    inferred ones the engine let go because no cable matched them all, with
    their values (cable IDs joined by spaces), so a front end can say why.
    """

    inferred: tuple[str, ...] = ()
    dropped: tuple[tuple[str, str], ...] = ()
    unmatched: tuple[str, ...] = ()
    """Set only when nothing was found: the given filters that no cable of the store
    matches on its own (empty when only their combination matches none), so a front end
    can say which one to change."""
    strict_dates: bool = False
    """Dates read from the question exclude other cables. Otherwise they only rank: a
    date in a question often names the event, not the cable ("shot dead in 2002", in a
    2009 report), so cables outside it are shown below, marked. Set by ``--strict-dates``
    or by a question that dates the cables themselves ("cables from 2008")."""

    @property
    def dates_preferred(self) -> bool:
        """Dates read from the question that rank rather than exclude."""
        return not self.strict_dates and bool({"since", "until"} & set(self.inferred))

    def is_empty(self) -> bool:
        return not self.names()

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            k: v
            for k, v in asdict(self).items()
            if v not in (None, ()) and k not in ("inferred", "dropped", "unmatched", "strict_dates")
        }
        if "cable_ids" in out:
            out["cable_ids"] = list(out["cable_ids"])
        out["inferred"] = list(self.inferred)
        if self.dropped:
            out["dropped"] = dict(self.dropped)
        if self.unmatched:
            out["unmatched"] = list(self.unmatched)
        if self.dates_preferred:
            out["dates_preferred"] = True
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Filters:
        """The filters whose `to_json()` is `d`. `dropped` may also come as a list of
        pairs; inferred dates not marked `dates_preferred` exclude (`strict_dates`)."""
        inferred = tuple(d.get("inferred", ()))
        dropped = d.get("dropped") or ()
        pairs = dropped.items() if isinstance(dropped, dict) else dropped
        return cls(
            since=d.get("since"),
            until=d.get("until"),
            origin=d.get("origin"),
            classification=d.get("classification"),
            tag=d.get("tag"),
            cable_ids=tuple(d.get("cable_ids", ())),
            inferred=inferred,
            dropped=tuple((str(k), str(v)) for k, v in pairs),
            unmatched=tuple(str(n) for n in d.get("unmatched", ()) if n in _CRITERIA),
            strict_dates=bool({"since", "until"} & set(inferred)) and not d.get("dates_preferred"),
        )


def citation(cable_id: str, para: str) -> str:
    """How a paragraph is cited: `06MEXICO3305 ¶4`."""
    return f"{cable_id} ¶{para}"


_CITATION = re.compile(
    r"^(?P<id>.+?)(?:\s*[¶:#]\s*|\s+(?:paragraph|para|par)\.?\s*|\s+)\[?(?P<para>\w+)\]?$",
    re.IGNORECASE,
)
_PARA = re.compile(r"^(?:¶|paragraph|para\.?|par\.?)?\s*\[?(?P<para>\w+)\]?$", re.IGNORECASE)


def read_citation(text: str) -> tuple[str, str | None] | None:
    """(cable ID, paragraph or None) of a citation as people write one: "06MEXICO3305 ¶4",
    "06MEXICO3305:4" (a record ID), "06mexico3305", "08OSLO000522" (as the cable site pads
    it), "06MEXICO3305 para 4", "06MEXICO3305 [2]" (an unnumbered paragraph); the ID
    canonical (`corpus.ids.canonical_id`), the paragraph as `read_para` gives it. None
    when the text names no cable."""
    from corpus.ids import canonical_id

    text = text.strip()
    if (canonical := canonical_id(text)) is not None:
        return canonical, None
    if (m := _CITATION.match(text)) and (canonical := canonical_id(m["id"])) is not None:
        return canonical, m["para"].lower()
    return None


def read_para(text: str) -> str | None:
    """A paragraph number as people write one ("4", "¶4", "para 4", "[2]", "3B"), in lower
    case as the store numbers them ("3b"); None when it is none."""
    m = _PARA.match(text.strip())
    return m["para"].lower() if m else None


@dataclass(frozen=True, slots=True)
class Hit:
    """One cited paragraph."""

    rank: int
    cable_id: str
    paragraph: str  # the cable's own ¶ number, "4"
    score: float
    text: str  # the whole paragraph
    highlight: tuple[int, int]  # [start, end) of the answering sentence in text
    subject: str
    date: str  # YYYY-MM-DD
    origin: str
    classification: str
    tags: tuple[str, ...] = ()
    outside_dates: bool = False
    """Outside the dates the question prefers (`Filters.dates_preferred`): shown because
    it ranks, not because it matches them."""
    also: tuple[str, ...] = ()
    """Citations of paragraphs with exactly this text (spacing and case aside), folded
    into this one (`qa.present.fold_key`): a cable sent again, a report quoted whole."""

    @property
    def citation(self) -> str:
        return citation(self.cable_id, self.paragraph)

    def cited(self) -> tuple[tuple[str, str], ...]:
        """(cable ID, ¶ number) of this paragraph and of each copy folded into it."""
        copies = (c.rpartition(" ¶") for c in self.also)
        return ((self.cable_id, self.paragraph), *((c, n) for c, _, n in copies))

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "cable_id": self.cable_id,
            "paragraph": self.paragraph,
            "citation": self.citation,
            "score": round(float(self.score), 6),
            "text": self.text,
            "highlight": {"start": self.highlight[0], "end": self.highlight[1]},
            "subject": self.subject,
            "date": self.date,
            "origin": self.origin,
            "classification": self.classification,
            "tags": list(self.tags),
            "outside_dates": self.outside_dates,
            "also": list(self.also),
        }

    @classmethod
    def from_json(cls, h: dict[str, Any]) -> Hit:
        return cls(
            rank=h["rank"],
            cable_id=h["cable_id"],
            paragraph=h["paragraph"],
            score=h["score"],
            text=h["text"],
            highlight=(h["highlight"]["start"], h["highlight"]["end"]),
            subject=h["subject"],
            date=h["date"],
            origin=h["origin"],
            classification=h["classification"],
            tags=tuple(h["tags"]),
            outside_dates=bool(h.get("outside_dates")),
            also=tuple(str(c) for c in h.get("also", ())),
        )


@dataclass(frozen=True, slots=True)
class Answer:
    """The ranked paragraphs for one question.

    ``answered`` is False when nothing was strong enough; ``hits`` still lists
    the best candidates so the user can judge.
    """

    question: str
    filters: Filters
    answered: bool
    hits: tuple[Hit, ...] = field(default=())
    facets: Facets | None = None
    """Only when asked for (`Engine.ask(facets=True)`)."""

    def to_json(self) -> dict[str, Any]:
        out = {
            "question": self.question,
            "filters": self.filters.to_json(),
            "answered": self.answered,
            "results": [h.to_json() for h in self.hits],
        }
        if self.facets is not None:
            out["facets"] = self.facets.to_json()
        return out

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Answer:
        """The answer whose `to_json()` is `d` (the `qa ask --json` object)."""
        facets = d.get("facets")
        return cls(
            d["question"],
            Filters.from_json(d["filters"]),
            bool(d["answered"]),
            tuple(Hit.from_json(h) for h in d["results"]),
            None if facets is None else Facets(**facets),
        )


@dataclass(frozen=True, slots=True)
class Facets:
    """How the cables that match a question best spread over time, posts and TAGs.

    Each count is of cables, not paragraphs (see `qa.facets` for which cables).
    `years` holds years ("2006"), or quarters ("2006-Q1") when `by` is "quarter";
    every mapping is ordered: periods oldest first, origins and TAGs most cables first.
    """

    cables: int
    by: str  # "year" or "quarter"
    years: dict[str, int]
    origins: dict[str, int]
    tags: dict[str, int]

    def to_json(self) -> dict[str, Any]:
        return {
            "cables": self.cables,
            "by": self.by,
            "years": dict(self.years),
            "origins": dict(self.origins),
            "tags": dict(self.tags),
        }


@dataclass(frozen=True, slots=True)
class Neighbours:
    """The paragraphs of other cables closest to one paragraph (`Engine.similar`).

    Each hit's `also` lists the paragraphs with exactly its text, folded into it;
    `same_text[i]` says whether that text is the source's own."""

    source: Hit
    hits: tuple[Hit, ...]
    same_text: tuple[bool, ...]

    @property
    def also(self) -> tuple[tuple[str, ...], ...]:
        return tuple(hit.also for hit in self.hits)

    def to_json(self) -> dict[str, Any]:
        results = []
        for hit, same in zip(self.hits, self.same_text, strict=True):
            results.append({**hit.to_json(), "same_text": same})
        source = self.source
        return {
            "cable_id": source.cable_id,
            "paragraph": source.paragraph,
            "citation": source.citation,
            "text": source.text,
            "subject": source.subject,
            "date": source.date,
            "origin": source.origin,
            "classification": source.classification,
            "tags": list(source.tags),
            "results": results,
        }

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Neighbours:
        """The neighbours whose `to_json()` is `d` (the `qa similar --json` object); the
        source, which is not ranked, comes back with rank 1, score 1 and no highlight (and
        blank facts from a server that sends only its citation and text)."""
        blank = {"subject": "", "date": "", "origin": "", "classification": "", "tags": []}
        source = Hit.from_json(
            {**blank, **d, "rank": 1, "score": 1.0, "highlight": {"start": 0, "end": 0}}
        )
        results = d["results"]
        return cls(
            source,
            tuple(Hit.from_json(r) for r in results),
            tuple(bool(r.get("same_text")) for r in results),
        )


class AskOptions(TypedDict, total=False):
    """How a question is asked, as keywords: the fields of `Asking`, each optional."""

    k: int
    filters: Filters | None
    history: Sequence[str]
    mode: str
    infer: bool | None
    facets: bool


@dataclass(frozen=True, slots=True)
class Asking:
    """`AskOptions` with the defaults filled in: what an `Asker` reads, so each one takes
    ``**options`` and no implementation declares the defaults again. Type checkers hold
    the two in step: `Asking(**options)` refuses a key of `AskOptions` not declared here."""

    k: int = 10  # how many hits
    filters: Filters | None = None  # explicit restrictions
    history: Sequence[str] = ()  # the conversation's earlier questions, oldest first
    mode: str = "hybrid"  # or "dense" / "lexical": `qa eval`'s baselines
    infer: bool | None = None  # read filters from the question (None: `Settings.infer_filters`)
    facets: bool = False  # count how the best matching cables spread (`qa.facets`)


class Asker(Protocol):
    """What answers questions: `qa.engine.Engine`, and what stands in for it (the TUI's
    `SerialEngine`, a test's fake). `qa eval` and the TUI's engine port ask through it;
    `qa.client.RemoteEngine` refuses any `mode` but hybrid (a server answers in hybrid)."""

    def ask(self, question: str, **options: Unpack[AskOptions]) -> Answer: ...


def cable_json(cable: Any, para: str | None = None) -> dict[str, Any]:
    """A stored cable (`embeddings.ledger.StoredCable`, or a `qa.client.RemoteCable`) as
    JSON, as `qa show --json` prints it and `GET /v1/cables/ID` sends it; with `para`,
    only that paragraph."""
    from corpus.dates import iso_day

    return {
        "id": cable.id,
        "created": cable.created,
        "date": iso_day(cable.date),
        "date_approximate": bool(getattr(cable, "date_approximate", False)),
        "origin": cable.origin,
        "classification": cable.classification,
        "subject": cable.subject,
        "tags": list(cable.tags),
        "refs": list(cable.refs),
        "classified_by": cable.classified_by,
        "partial": bool(cable.partial),
        "paragraphs": [
            {
                "number": p.number,
                "text": p.text,
                "mark": p.mark,
                "heading": p.heading,
                "numbered": bool(p.numbered),
            }
            for p in cable.paragraphs
            if para is None or p.number == para
        ],
    }
