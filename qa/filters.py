"""Filters read from the question itself: dates, posts, classifications, TAGs, cable IDs.

People write "secret cables from Paris in 2009" rather than three options. Each
rule is a pure `parse_x(text)` with a compiled regex beside it; an inferred
filter never overrides an explicit one, and the engine drops it again when it
would leave nothing to search.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace

from qa.answer import Criteria, Filters
from qa.dates import DateRange as DateRange
from qa.dates import parse_dates as parse_dates

Span = tuple[int, int]

# Words naming a post; what follows them in an origin ("Embassy Madrid") is its place.
_POST_PREFIX = re.compile(
    r"^(?:American\s+Institute\s+in|Embassy|Consulate(?:\s+General)?|US\s+Mission(?:\s+to)?|"
    r"Mission|US\s+Office|US\s+Interests\s+Section|Office\s+of\s+the\s+US\s+Representative)\s+",
    re.IGNORECASE,
)
# After a cue this plain ("the embassy in", "cables from"), a place in lower case is one too:
# people type "the embassy in paris".
_ORIGIN_CUE = re.compile(
    r"\b(?i:(?:the\s+)?(?:u\.?s\.?\s+|american\s+)?(?:embassy|consulate(?:\s+general)?|mission|post)"
    r"\s+(?:in|at|to)\s+(?:the\s+)?"
    r"|(?:cables?|reporting|reports?|telegrams?|messages?|traffic)\s+(?:from|out\s+of|by)\s+"
    r"(?:the\s+)?(?:embassy\s+in\s+)?)(?P<place>[A-Za-z][\w'.-]*(?:\s+[A-Za-z][\w'.-]*){0,2})",
)
_PLACE_POST = re.compile(
    r"\b(?P<place>[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2})\s+(?:embassy|consulate|post)\b",
)
_FROM_PLACE = re.compile(r"\bfrom\s+(?P<place>[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,2})")
# "from X" names the reporting post only in questions about what someone reported.
_REPORTING_VERB = re.compile(
    r"\b(?:say|said|says|report|reported|reports|write|wrote|tell|told|describe|described|"
    r"assess|assessed|cable|cabled|think|thought|comment|commented|note|noted)\b",
    re.IGNORECASE,
)
# Origins that, written in a question, name a person rather than the sender.
_SPOKEN_TITLES = frozenset({"secretary of state"})
_POSSESSIVE = re.compile(r"(?:'s|[.,'])$")
_ALIASES = {"washington": "Secretary of State", "state department": "Secretary of State"}

_CLASSIFICATION = re.compile(
    r"\b(?P<level>secret|confidential|unclassified)\s+(?:cables?|telegrams?|reporting|reports?|"
    r"messages?|documents?|traffic)\b"
    r"|\bclassified\s+(?:as\s+)?(?P<level2>secret|confidential)\b",
    re.IGNORECASE,
)

_TAG_CUE = re.compile(r"\b(?:tag(?:ged)?|TAGS?)\s*(?:with\s+|as\s+)?:?\s*(?P<tag>[A-Za-z]{2,6})\b")
_TAG_BARE = re.compile(r"\b(?P<tag>[A-Z]{4})\b(?:[- ](?:cables?|tagged))?")
# Capitalised acronyms that are also TAGs but, written bare, usually mean the organisation.
_ACRONYMS = frozenset({"NATO", "OPEC", "IAEA", "UNSC", "FARC", "OPCW", "UNHCR", "WTO"})


@dataclass(frozen=True, slots=True)
class Inference(Criteria):
    """What a question says about which cables may answer, and where it says it."""

    spans: tuple[Span, ...] = field(default=())
    own_dates: bool = False
    """The dates are the cables' own ("cables from 2008", "in 2008 the embassy
    reported"), not an event's: they exclude rather than rank."""
    absent_ids: tuple[str, ...] = ()
    """Cable IDs the question names that the store lacks, when it names none it holds:
    not a filter (it would admit nothing), but said (`merge`)."""


def post_places(origins: Iterable[str]) -> dict[str, str]:
    """Lower-cased place name -> the origin value to filter on.

    A place with several posts ("Embassy Brasilia" and "Consulate Brasilia")
    maps to the bare place, which the origin filter matches as a substring.
    """
    origins = list(origins)
    places = {origin.lower(): origin for origin in origins}
    for origin in origins:
        place = _POST_PREFIX.sub("", origin).strip()
        if place == origin:
            continue
        key = place.lower()
        shared = key in places and places[key] not in (origin, place)
        places[key] = place if shared else origin
    for alias, origin in _ALIASES.items():
        if origin.lower() in places:
            places.setdefault(alias, origin)
    return places


def _lookup_place(m: re.Match[str], places: dict[str, str]) -> tuple[str, Span] | None:
    """The origin the longest known prefix of `m`'s place names, and the span of `m` up to
    the end of that prefix ("the embassy in paris" of "the embassy in paris say ...")."""
    words = list(re.finditer(r"\S+", m["place"]))
    for n in range(len(words), 0, -1):  # longest prefix first: "Buenos Aires Argentina"
        key = _POSSESSIVE.sub("", " ".join(w[0] for w in words[:n]).lower())
        if key in places:
            return places[key], (m.start(), m.start("place") + words[n - 1].end())
    return None


def parse_origin(text: str, places: dict[str, str]) -> tuple[str, Span] | None:
    """A reporting post named in the question, matched against the store's origins."""
    lowered = text.lower()
    for key, origin in sorted(places.items(), key=lambda kv: -len(kv[0])):
        if " " not in key or key in _ALIASES or key in _SPOKEN_TITLES:
            continue
        if (i := lowered.find(key)) >= 0:
            before, after = lowered[i - 1 : i], lowered[i + len(key) : i + len(key) + 1]
            if not before.isalnum() and not after.isalnum() and key == origin.lower():
                return origin, (i, i + len(key))
    for m in _ORIGIN_CUE.finditer(text):
        if found := _lookup_place(m, places):
            return found
    for m in _PLACE_POST.finditer(text):
        if found := _lookup_place(m, places):
            return found[0], m.span()
    if _REPORTING_VERB.search(text):
        for m in _FROM_PLACE.finditer(text):
            if found := _lookup_place(m, places):
                return found
    return None


def parse_classification(text: str) -> tuple[str, Span] | None:
    """ "secret cables" -> SECRET (a prefix: it also admits SECRET//NOFORN)."""
    if m := _CLASSIFICATION.search(text):
        return (m["level"] or m["level2"]).upper(), m.span()
    return None


def parse_tag(text: str, known: frozenset[str]) -> tuple[str, Span] | None:
    """A TAG code the store knows: after "tagged", or a bare four-letter code."""
    if m := _TAG_CUE.search(text):
        tag = m["tag"].upper()
        if tag in known:
            return tag, m.span()
    for m in _TAG_BARE.finditer(text):
        if m["tag"] in known and m["tag"] not in _ACRONYMS:
            return m["tag"], m.span()
    return None


def parse_cable_ids(text: str) -> tuple[tuple[str, ...], tuple[Span, ...]]:
    """Cable IDs written in the question, canonicalised by `corpus.ids`."""
    from corpus.ids import cable_id_spans

    found = cable_id_spans(text)
    return tuple(dict.fromkeys(ref for ref, _span in found)), tuple(span for _r, span in found)


def infer(
    text: str,
    *,
    places: dict[str, str],
    tags: frozenset[str],
    known_ids: frozenset[str] | None = None,
) -> Inference:
    """Every filter the question states; `known_ids` drops IDs the store lacks (kept as
    `Inference.absent_ids` when it holds none of them)."""
    spans: list[Span] = []
    since = until = origin = classification = tag = None
    own_dates = False
    if dates := parse_dates(text):
        since, until = dates.since, dates.until
        spans.append(dates.span)
        own_dates = dates_the_cables(text, dates.span)
    if found := parse_origin(text, places):
        origin, span = found
        spans.append(span)
    if found := parse_classification(text):
        classification, span = found
        spans.append(span)
    if found := parse_tag(text, tags):
        tag, span = found
        spans.append(span)
    ids, id_spans = parse_cable_ids(text)
    absent: tuple[str, ...] = ()
    if known_ids is not None:
        held = tuple(i for i in ids if i in known_ids)
        absent, ids = (ids if not held else ()), held
    if ids:
        spans.extend(id_spans)
    return Inference(
        since,
        until,
        origin,
        classification,
        tag,
        ids,
        tuple(spans),
        own_dates=own_dates,
        absent_ids=absent,
    )


_CABLES_BEFORE = re.compile(
    # "cables ", "cables from the embassy in Paris ", "cables sent ": the sender, never a
    # topic ("cables from Madrid about ETA in 2008" may date ETA's doings, not the cables)
    r"\b(?:cables?|telegrams?|reporting|reports)\s+"
    r"(?:(?:from|of|by)\s+(?:(?!about\b|on\b|regarding\b|concerning\b|over\b)\S+\s+){1,4})?"
    r"(?:(?:sent|written|dated|filed)\s+)?$",
    re.I,
)
_CABLES_AFTER = re.compile(
    r"^\s*(?:cables?|telegrams?|reporting)\b"
    r"|^\s*,?\s*(?:the\s+)?(?:u\.?s\.?\s+)?(?:embassy|consulate|mission|post|ambassador|"
    r"department|secretary|charge|dcm)\b(?:\s+in\s+\w+)?\s+(?:\w+ed|wrote|said|sent|told)\b",
    re.I,
)


def dates_the_cables(text: str, span: Span) -> bool:
    """Whether the date phrase at `span` dates the cables ("secret cables from 2008",
    "2008 cables", "in 2008 the embassy reported") rather than an event."""
    start, end = span
    return bool(_CABLES_BEFORE.search(text[max(0, start - 60) : start])) or bool(
        _CABLES_AFTER.search(text[end : end + 80])
    )


def merge(explicit: Filters | None, inferred: Inference | None) -> Filters:
    """Explicit options win field by field; inferred values fill only what is unset."""
    base = explicit or Filters()
    if inferred is None:
        return replace(base, inferred=())
    updates: dict[str, object] = {}
    names: list[str] = []
    dates_given = base.since is not None or base.until is not None
    for name in inferred.names():
        if name in ("since", "until") and dates_given:
            continue
        if getattr(base, name):
            continue
        updates[name] = getattr(inferred, name)
        names.append(name)
    if inferred.own_dates and {"since", "until"} & set(names):
        updates["strict_dates"] = True
    dropped: tuple[tuple[str, str], ...] = ()
    if inferred.absent_ids and not base.cable_ids:
        # named, but no cable of the store: let go at once, and said (`dropped_reason`)
        names.append("cable_ids:ignored")
        dropped = (("cable_ids", " ".join(inferred.absent_ids)),)
    return replace(base, **updates, inferred=tuple(names), dropped=dropped)  # type: ignore[arg-type]


def strip_spans(text: str, spans: Sequence[Span]) -> str:
    """The question without its filter phrases: "in 2009" should not steer the search."""
    out, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            out.append(text[last:start])
            last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", " ".join(out)).strip()
