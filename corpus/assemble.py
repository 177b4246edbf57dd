"""From cleaned cable text and whatever metadata the source gave, to one `Cable`.

Every format funnels through `build_cable`, so HTML, CSV, markdown and plain
text of the same cable give the same paragraphs and the same content hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from corpus.clean import clean_text
from corpus.errors import ParseError
from corpus.header import Header, parse_header, split_fields
from corpus.ids import canonical_id, parse_refs
from corpus.models import Cable
from corpus.paragraphs import normalise_body, parse_paragraphs, split_signer

# `AMEMBASSY MEXICO` → `Embassy Mexico`, as the cable site names origins.
_ORIGIN_PREFIXES = (
    ("AMEMBASSY", "Embassy"),
    ("AMCONSUL", "Consulate"),
    ("USMISSION", "Mission"),
    ("USDEL", "US Delegation"),
    ("USOFFICE", "US Office"),
    ("AMINTERESTS SECTION", "US Interests Section"),
)
_ORIGIN_SPECIAL = {
    "SECSTATE WASHDC": "Secretary of State",
    "SECSTATE WASHINGTON DC": "Secretary of State",
    "USEU BRUSSELS": "USEU Brussels",
    "USUN NEW YORK": "USUN New York",
    "USMISSION USNATO": "Mission USNATO",
    "USMISSION USUN NEW YORK": "USUN New York",
}
_KEEP_UPPER = frozenset({"US", "USNATO", "UNVIE", "USOSCE", "USEU", "USUN", "OECD", "UN", "DC"})


@dataclass(frozen=True, slots=True)
class Known:
    """Metadata a source states outright (the cable site's table, a CSV row)."""

    id: str | None = None
    created: datetime | None = None
    origin: str | None = None
    classification: str | None = None
    references: tuple[str, ...] = ()
    partial: bool = False


def origin_name(sent_from: str) -> str:
    """`AMEMBASSY BUENOS AIRES` → `Embassy Buenos Aires`."""
    text = " ".join(sent_from.upper().split())
    if text in _ORIGIN_SPECIAL:
        return _ORIGIN_SPECIAL[text]
    for prefix, name in _ORIGIN_PREFIXES:
        if text.startswith(prefix + " "):
            return f"{name} {_title(text[len(prefix) + 1 :])}"
    return _title(text)


def _title(text: str) -> str:
    return " ".join(w if w in _KEEP_UPPER else w.capitalize() for w in text.split())


def content_hash(cable: Cable) -> str:
    """sha256 over what was parsed, not where it came from: HTML and CSV of one cable agree."""
    canonical = {
        "id": cable.id,
        "created": cable.created.strftime("%Y-%m-%d %H:%M"),
        "origin": cable.origin,
        "classification": cable.classification,
        "subject": cable.subject,
        "tags": list(cable.tags),
        "references": list(cable.references),
        "paragraphs": [[p.number, p.mark, p.text] for p in cable.paragraphs],
    }
    data = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def build_cable(text: str, known: Known, source: str, *, one_prefix: bool = False) -> Cable:
    """Parse cleaned cable text; `known` fills (and overrides) what the text says."""
    lines = split_fields(normalise_body(clean_text(text)))
    header = parse_header(lines)
    body, _signer = split_signer(lines[header.end :])
    paragraphs = parse_paragraphs(body, partial=known.partial, one_prefix=one_prefix)
    if not paragraphs and known.id is None:
        raise ParseError(source, "no cable text found")
    created = known.created or _created(header)
    if created is None:
        raise ParseError(source, "no date: neither a DTG line nor an E.O. declassification date")
    cable_id = known.id or _cable_id(header, created)
    if cable_id is None:
        raise ParseError(source, "no reference ID: no ID line and no classification line")
    references = parse_refs(header.ref, created.year) if header.ref else ()
    cable = Cable(
        id=cable_id,
        created=created,
        origin=known.origin or _origin(header),
        classification=known.classification or header.classification or "UNKNOWN",
        subject=_subject(header.subject),
        tags=header.tags,
        references=references or known.references,
        classified_by=header.classified_by,
        partial=known.partial,
        source=source,
        paragraphs=paragraphs,
    )
    return _with_hash(cable)


def _with_hash(cable: Cable) -> Cable:
    from dataclasses import replace

    return replace(cable, content_hash=content_hash(cable))


def _subject(subject: str) -> str:
    return re.sub(r"\s+", " ", subject).strip()


def _created(header: Header) -> datetime | None:
    if header.sent is not None:
        return header.sent
    if header.decl is not None and header.decl.year >= 1960:
        # A cable is declassified ten years after it is written unless it says otherwise.
        try:
            return header.decl.replace(year=header.decl.year - 10)
        except ValueError:
            return header.decl - timedelta(days=3652)
    return None


def _cable_id(header: Header, created: datetime) -> str | None:
    if header.stated_id:
        return canonical_id(header.stated_id)
    if header.origin_code and header.number is not None:
        return canonical_id(f"{header.origin_code} {header.number}", created.year)
    return None


def _origin(header: Header) -> str:
    if header.sent_from:
        return origin_name(header.sent_from)
    if header.origin_code:
        return "Secretary of State" if header.origin_code == "STATE" else _title(header.origin_code)
    return "Unknown"
