"""The record's own fields above the telegram, as text renderings of the release write them.

```
04ANKARA7211
ERDOGAN AND AK PARTY AFTER TWO YEARS IN POWER
Thu Dec 30 10:10:00 +0100 2004
SECRET
Embassy Ankara
```
then the cable text. The fields come in any order, with or without labels
(`Reference ID:`, `Date:`, ...). They state what the telegram only implies (its
date above all), so what they say wins. A block is taken as one only when it
names at least two of ID, date, classification and origin: one stray line
proves nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from corpus.dates import parse_date_line
from corpus.header import CAVEAT_LINE, CLASS_LINE, DTG, FIELD, STATED_ID
from corpus.ids import canonical_id
from corpus.paragraphs import PAGE_LINE
from corpus.starts import DASHES, PARA_START

LABELLED = re.compile(
    r"^[ \t]*(?P<label>Reference[ \t]+ID|Ref[ \t]+ID|Cable[ \t]+ID|Canonical[ \t]+ID|ID|Identifier"
    r"|Subject|Title|Classification|Origin|Source|Released|Release[ \t]+date)[ \t]*:[ \t]*"
    r"(?P<value>.*?)[ \t]*$",
    re.IGNORECASE,
)
CLASSIFICATION = re.compile(
    r"^[ \t]*(?P<value>(?:TOP[ \t]+)?SECRET|CONFIDENTIAL|UNCLASSIFIED"
    r"|LIMITED[ \t]+OFFICIAL[ \t]+USE)"
    r"(?P<caveats>(?:[ \t]*//[ \t]*[A-Z][A-Z ]*)*)[ \t]*$"
)
# `Embassy Beijing`, `Consulate Shanghai`, `Secretary of State`, `USEU Brussels`, `UNVIE`.
ORIGIN = re.compile(
    r"^[ \t]*(?P<value>(?:Embassy|Consulate|Mission|Secretary[ \t]+of[ \t]+State"
    r"|US[ \t]+(?:Interests[ \t]+Section|Mission|Delegation|Office|Consulate|Embassy)"
    r"|USEU|USUN|UNVIE|USNATO|USOSCE|Iran[ \t]+RPO|REO|PRT|American[ \t]+Institute)"
    r"(?:[ \t]+[A-Z][A-Za-z.'()-]*(?:,)?){0,5})[ \t]*$"
)
PARTIAL = re.compile(r"partial[ \t]+extract|full[ \t]+text[ \t]+of[ \t]+the[ \t]+original", re.I)
TELEGRAM_START = re.compile(r"^[ \t]*(?:VZCZC|ZCZC|SIPDIS\b|¶|UNCLAS\b|E\.?[ \t]?O\.?[ \t]*1\d{4})")
IDENTITY = ("id", "created", "classification", "origin")
MAX_BLOCK_LINES = 24


@dataclass(frozen=True, slots=True)
class RecordFields:
    """What the block above the telegram states; `end` is the first line of the telegram."""

    end: int = 0
    id: str | None = None
    created: datetime | None = None
    subject: str | None = None
    classification: str | None = None
    origin: str | None = None
    partial: bool = False


def _labelled(label: str, value: str) -> tuple[str, object] | None:
    label = " ".join(label.lower().split())
    if label.endswith("id") or label == "identifier":
        stated = canonical_id(value)
        return ("id", stated) if stated else None
    if label in ("subject", "title"):
        return "subject", value
    if label == "classification":
        return "classification", " ".join(value.upper().split())
    if label in ("origin", "source"):
        return "origin", value
    return "released", value


def classify(line: str) -> tuple[str, object] | None:
    """(field, value) for a line that is one of the record's fields, else None."""
    if len(line) > 300:
        return None
    if (stamp := parse_date_line(line)) is not None:
        return "created", stamp
    if (match := LABELLED.match(line)) is not None:
        return _labelled(match["label"], match["value"])
    if (match := STATED_ID.match(line)) is not None and canonical_id(match["id"]):
        return "id", canonical_id(match["id"])
    if (match := CLASSIFICATION.match(line)) is not None:
        return "classification", re.sub(r"[ \t]*//[ \t]*", "//", " ".join(line.split()))
    if (match := ORIGIN.match(line)) is not None:
        return "origin", " ".join(match["value"].split())
    if PARTIAL.search(line):
        return "partial", True
    return None


def starts_telegram(line: str) -> bool:
    """The first line of the cable text itself: header, routing, paragraph or rule."""
    return bool(
        TELEGRAM_START.match(line)
        or CLASS_LINE.match(line)
        or CAVEAT_LINE.match(line)
        or DTG.match(line)
        or PARA_START.match(line)
        or DASHES.match(line)
        or PAGE_LINE.match(line)
        or (FIELD.match(line) and not LABELLED.match(line))
    )


def parse_record_fields(lines: list[str]) -> RecordFields:
    """The record's fields from the top of a text file; `RecordFields()` when there are none."""
    found: dict[str, object] = {}
    end = 0
    pending: tuple[int, str] | None = None  # an unlabelled line: the subject if a field follows
    for index, line in enumerate(lines[:MAX_BLOCK_LINES]):
        if not line.strip():
            continue
        field = classify(line)
        if field is not None and field[0] == "subject" and "subject" in found:
            field = None
        if field is None:
            if pending is not None or "subject" in found or starts_telegram(line):
                break
            pending = (index, line.strip())
            continue
        name, value = field
        if pending is not None:
            found["subject"], pending = pending[1], None
        if name == "created" and "created" in found:
            name = "released"  # a second date: the release, after the cable's own
        if name in found and name not in ("released", "partial"):
            break
        found[name] = value
        end = index + 1
    if pending is not None and "subject" not in found and _closes_block(lines, pending[0]):
        found["subject"], end = pending[1], pending[0] + 1
    if sum(name in found for name in IDENTITY) < 2:
        return RecordFields()
    return RecordFields(
        end=end,
        id=found.get("id"),  # type: ignore[arg-type]
        created=found.get("created"),  # type: ignore[arg-type]
        subject=found.get("subject"),  # type: ignore[arg-type]
        classification=found.get("classification"),  # type: ignore[arg-type]
        origin=found.get("origin"),  # type: ignore[arg-type]
        partial=bool(found.get("partial")),
    )


def _closes_block(lines: list[str], index: int) -> bool:
    """An unlabelled last line of the block is the subject when the telegram starts after it."""
    for line in lines[index + 1 :]:
        if line.strip():
            return starts_telegram(line)
    return False
