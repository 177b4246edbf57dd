"""From cleaned cable text and whatever metadata the source gave, to one `Cable`.

Every format funnels through `build_cable`, so HTML, CSV, markdown and plain
text of the same cable give the same paragraphs and the same content hash.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import datetime

from corpus.clean import clean_text
from corpus.errors import ParseError
from corpus.header import Header, parse_header, split_fields
from corpus.ids import canonical_id, id_year, parse_refs
from corpus.models import Cable
from corpus.paragraphs import normalise_body, parse_paragraphs, split_signer
from corpus.sections import without_section_headers
from corpus.subject import clean_subject, without_running_subject

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
    subject: str | None = None


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
    canonical: dict[str, object] = {
        "id": cable.id,
        "created": cable.created.strftime("%Y-%m-%d %H:%M"),
        "origin": cable.origin,
        "classification": cable.classification,
        "subject": cable.subject,
        "tags": list(cable.tags),
        "references": list(cable.references),
        "paragraphs": [[p.number, p.mark, p.text] for p in cable.paragraphs],
    }
    if cable.date_approximate:  # only then: the hashes of dated cables stay as they were
        canonical["date_approximate"] = True
    data = json.dumps(canonical, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def build_cable(
    text: str, known: Known, source: str, *, one_prefix: bool = False, year: int | None = None
) -> Cable:
    """Parse cleaned cable text; `known` fills (and overrides) what the text says.

    `year` is the reader's word for the year of a file that does not state its date.
    """
    lines = split_fields(normalise_body(clean_text(text)))
    header = parse_header(lines)
    subject = known.subject or header.subject
    body = without_running_subject(without_section_headers(lines[header.end :], subject), subject)
    body, _signer = split_signer(body)
    paragraphs = parse_paragraphs(body, partial=known.partial, one_prefix=one_prefix)
    if not paragraphs and known.id is None:
        raise ParseError(source, "no cable text found")
    stated_id = known.id or (canonical_id(header.stated_id) if header.stated_id else None)
    created, approximate = _created(known, header, stated_id, year, source)
    cable_id = stated_id or _cable_id(header, created)
    if cable_id is None:
        raise ParseError(
            source, "no reference ID: add a `Reference ID:` line (e.g. 06MEXICO3305) above the text"
        )
    _check_own_text(header, cable_id, source)
    day = None if approximate else created.timetuple().tm_yday
    references = parse_refs(header.ref, created.year, cable_id, day=day) if header.ref else ()
    cable = Cable(
        id=cable_id,
        created=created,
        origin=known.origin or _origin(header),
        classification=known.classification or header.classification or "UNKNOWN",
        subject=known.subject if known.subject is not None else clean_subject(header.subject),
        tags=header.tags,
        references=references or known.references,
        classified_by=header.classified_by,
        partial=known.partial,
        source=source,
        paragraphs=paragraphs,
        date_approximate=approximate,
    )
    return _with_hash(cable)


def _check_own_text(header: Header, cable_id: str, source: str) -> None:
    """Refuse a page whose text is another cable's: its classification line (`SECRET
    SECTION 01 OF 04 ISLAMABAD 000416`) numbers another telegram than its reference ID
    (10MEXICO614) or its routing line (`DE RUEHME #0614`). Some pages of the cable site
    carry such a spliced text under the routing header and the metadata of the other;
    stored, each paragraph would be cited under an ID, a date and a post that are not its
    own (read bare, the routing line's date with the text's number: an ID that is no
    cable's)."""
    own = re.search(r"\d+$", cable_id)
    if header.number is None or header.origin_code is None or own is None:
        return
    number = int(own[0])
    text = f"its text is {header.origin_code} {header.number}'s"
    if header.number != number:
        where = f"not {cable_id}'s (another cable's text under this ID"
    elif header.routed is not None and header.routed != header.number % 10_000:
        where = f"under the routing line of telegram #{header.routed} (another cable's date"
    else:
        return
    raise ParseError(source, f"{text}, {where}: skipped rather than cited under it)")


def _with_hash(cable: Cable) -> Cable:
    from dataclasses import replace

    return replace(cable, content_hash=content_hash(cable))


def _created(
    known: Known, header: Header, stated_id: str | None, year: int | None, source: str
) -> tuple[datetime, bool]:
    """(date, approximate): a dated field, else the first of January of a certain year.

    A declassification date is never used: it is set by whoever classified the cable,
    from one to twenty-five years on, and a year derived from it was wrong for one
    cable in five of the shared pages.
    """
    stated = known.created or header.sent
    if stated is not None:
        return stated, False
    certain = id_year(stated_id) if stated_id else year
    if certain is not None:
        return datetime(certain, 1, 1), True
    raise ParseError(source, _NO_DATE, final=False)  # a --year would read it


_NO_DATE = (
    "no date: add a `Date: YYYY-MM-DD` line or the reference ID (e.g. 06MEXICO3305) above the"
    " cable text, or give its year (`qa ingest --year YYYY`; a DECL date does not say when a"
    " cable was written)"
)


def _cable_id(header: Header, created: datetime) -> str | None:
    """The ID built from the origin and number, when the text states none."""
    if header.origin_code and header.number is not None:
        return canonical_id(f"{header.origin_code} {header.number}", created.year)
    return None


def _origin(header: Header) -> str:
    if header.sent_from:
        return origin_name(header.sent_from)
    if header.origin_code:
        return "Secretary of State" if header.origin_code == "STATE" else _title(header.origin_code)
    return "Unknown"
