"""Header lines of a cable: where they end, and what they say.

The header decides the cable's identity (classification line, DTG, FM line)
and its searchable metadata (SUBJECT, TAGS, REF). It is written in many
variants: lower case, several fields on one line, `TAGS` without a colon,
a SUBJECT cut by a page header. Everything before the last header field is
routing and is not searched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from corpus.dates import MONTHS, full_year, parse_date_line
from corpus.starts import DASHES, PARA_START
from corpus.subject import stops_subject
from corpus.tags import parse_tags

FIELD = re.compile(
    r"^[ \t]*(?:\(U\)[ \t]*)?(?P<key>E\.?[ \t]?O\.?(?=[ \t]*1\d{4})|TAGS?\b|SUBJECT\b|SUBJ\b"
    r"|UBJECT(?=[ \t]*:)|REFS?\b|REFTEL\b|REFERENCES?\b(?![ \t]+ID)|CLASSI?FIED[ \t]+BY\b)"
    r"[ \t]*:?[ \t]*(?P<value>.*)$",
    re.IGNORECASE,
)
# `(?<![ \t])`: a run of spaces is tried once, from its start (linear on giant lines).
INLINE_FIELD = re.compile(r"(?<![ \t])[ \t]+(?=(?:TAGS|SUBJECT)[ \t]*:)", re.IGNORECASE)
INLINE_REF = re.compile(r"(?<![ \t])[ \t]+(?=REF(?:S|TEL)?:)")
# On an E.O. line, `TAG PTER, PGOV` needs no colon to be the next field.
INLINE_TAGS = re.compile(r"(?<![ \t])[ \t]+(?=TAGS?\b)", re.IGNORECASE)
# `DEPARTMENT FOR WHA AND PM E.O. 12958: DECL: 03/26/2018 TAGS: PREL BR`: routing with the
# E.O. field run into it (split off only where TAGS follow on the line).
INLINE_EO = re.compile(r"[ \t](?=E\.?[ \t]?O\.?[ \t]*1\d{4}[ \t]*:[ \t]*DECL\b)", re.IGNORECASE)
GLUED_PARA = re.compile(r"(?<=\S)[ \t]+(?=1[ \t]*\.[ \t]*\([A-Z/]{1,6}\))")
# `C O N F I D E N T I A L SECTION 01 OF 03 MEXICO 003305`, `UNCLAS STATE 011937`; also
# spaced letters after a stray one or two (`SS E C R E T`, `CO N F I D E N T I A L`, and
# `CSE C R E T` where a page spliced one cable's text into another's: 09MOSCOW1108).
CLASS_LINE = re.compile(
    r"^[ \t]*(?P<class>[A-Za-z]{1,3}(?:[ \t][A-Za-z]){3,}|UNCLAS(?:SIFIED)?|CONFIDENTIAL|SECRET"
    r"|LIMITED[ \t]+OFFICIAL[ \t]+USE)(?:[ \t]+E[ \t]*F[ \t]*T[ \t]*O)?"
    r"(?:[ \t]+(?:SECTION|section)[ \t]+\d+[ \t]+(?:OF|of)[ \t]+\d+)?"
    r"[ \t]+(?P<origin>[A-Za-z][A-Za-z .'-]*?)[ \t]+(?P<number>\d{3,8})[ \t]*$"
)
CAVEAT_LINE = re.compile(
    r"^[ \t]*(?P<caveat>NOFORN|SENSITIVE|EXDIS|NODIS|LIMDIS|STADIS|SBU|FOR OFFICIAL USE ONLY)"
    r"[ \t]*$",
    re.IGNORECASE,
)
# `SENSITIVE BUT UNCLASSIFIED - PLEASE PROTECT ACCORDINGLY.`: a handling caveat, not text.
SBU_LINE = re.compile(r"^[ \t]*SENSITIVE[ \t]+BUT[ \t]+UNCLASSIFIED\b.{0,60}$", re.IGNORECASE)
DATE_FIELD = re.compile(r"^[ \t]*(?:DATE|CREATED)[ \t]*:", re.IGNORECASE)
DTG = re.compile(
    r"^[ \t]*[OPRZ]{1,2}[ \t]+(?P<day>\d{2})(?P<hour>\d{2})(?P<minute>\d{2})Z[ \t]+"
    r"(?P<month>[A-Z]{3})[ \t]+(?P<year>\d{2,4})[ \t]*$"
)
# `DE RUEHMO #1108/01 1191330`: the routing line, with the telegram's number (its last four
# digits: `#3571` for 06BEIJING23571).
ROUTING_LINE = re.compile(
    r"^[ \t]*DE[ \t]+[A-Z]{4,6}[ \t]+#[ \t]*(?P<number>\d{1,7})(?:/\d+)?[ \t]+\d{7}[ \t]*$"
)
FROM_LINE = re.compile(r"^[ \t]*FM[ \t]+(?:[A-Z]+/)?(?P<origin>[A-Z][A-Z .'-]+?)[ \t]*$")
STATED_ID = re.compile(
    r"^[ \t]*(?:(?:Reference[ \t]+ID|Ref[ \t]+ID|ID|ORIGIN|Cable)[ \t]*:?[ \t]*)?"
    r"(?P<id>\d{2}[A-Z]{2,}\d{1,7})[ \t]*$",
    re.IGNORECASE,
)
REF_ITEM_LINE = re.compile(
    r"^[ \t]*(?:\(?[A-Za-z][.)][ \t]|\d{2}[ \t]+[A-Za-z]|[A-Z]+(?:[ \t]+[A-Z]+){0,2}[ \t]+\d)"
)
# Each code ends where its letters end and each separator has one reading: the pattern stays
# linear on long lines (a looser one backtracked exponentially on a 30-letter word).
TAG_LINE = re.compile(
    r"^[ \t]*(?:[A-Za-z]{2,6}(?![A-Za-z])(?:[ \t]*\([^)]*\))?[ \t]*(?:,[ \t]*)?)+$"
)
# Identity lines (classification, DTG, FM, ID) are short; longer lines are not tried, which
# keeps the quadratic worst case of their patterns off giant lines.
MAX_IDENTITY_LINE = 300
MAX_SUBJECT_LINE = 160


@dataclass(frozen=True, slots=True)
class Header:
    """What the header lines say; `end` is the index of the first body line."""

    end: int = 0
    subject: str = ""
    tags: tuple[str, ...] = ()
    ref: str = ""
    classified_by: str | None = None
    classification: str | None = None
    origin_code: str | None = None
    number: int | None = None
    sent_from: str | None = None
    sent: datetime | None = None
    stated_id: str | None = None
    routed: int | None = None
    """The telegram number of the routing line (`ROUTING_LINE`), at most four digits."""


def split_fields(lines: list[str]) -> list[str]:
    """One field per line: `E.O. ... TAGS: ... SUBJECT: ...` becomes three lines."""
    out: list[str] = []
    for line in lines:
        field = FIELD.match(line)
        eo = INLINE_EO.search(line) if not field and len(line) <= MAX_IDENTITY_LINE else None
        if eo and INLINE_TAGS.search(line, eo.end()):
            out.append(line[: eo.start()])
            line = line[eo.end() :]
            field = FIELD.match(line)
        if field and _key(field["key"]) in ("E", "TAG", "SUBJ"):
            parts = INLINE_FIELD.split(line)
            if _key(field["key"]) == "SUBJ":
                parts = [p for part in parts for p in INLINE_REF.split(part)]
            if _key(field["key"]) == "E":
                parts = [p for part in parts for p in INLINE_TAGS.split(part, maxsplit=1)]
            out.extend(parts)
        elif field and _key(field["key"]) == "CLASSIFIED":
            out.extend(GLUED_PARA.split(line, maxsplit=1))
        else:
            out.append(line)
    return out


def _continues(key: str, lines: list[str], index: int) -> bool:
    line = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else ""
    if PARA_START.match(line) or FIELD.match(line):
        return False
    if key == "REF":
        return bool(line.strip()) or bool(REF_ITEM_LINE.match(following))
    if not line.strip():
        return False
    if key == "TAG":
        return TAG_LINE.match(line) is not None
    if key.startswith("SUBJ"):
        return not (
            stops_subject(line)
            or DASHES.match(line)
            or (DASHES.match(following) and not _framed(lines, index + 1))  # a heading
            or _identity_line(line)
        )
    return key == "CLASSIFIED"


def _words_below(lines: list[str], blank: int, subject: list[str]) -> bool:
    """After an empty `SUBJECT:` and a blank line, a short line standing alone (a blank line
    or the next field after it) is the subject; a line of running text is the body.

    A subject wrapped over a blank line (`...FUNDS TO PROTECT THE` / blank / `ENVIRONMENT -
    MAKING REAL PROGRESS` / blank / `REF: ...`) goes on in the line below when a header
    field (not another SUBJECT) comes next: it is still the header, not the body."""
    below = next((i for i in range(blank + 1, len(lines)) if lines[i].strip()), None)
    if below is None or len(lines[below]) > MAX_SUBJECT_LINE:
        return False
    if not any(subject):
        after = lines[below + 1] if below + 1 < len(lines) else ""
        return not after.strip() or FIELD.match(after) is not None
    if below != blank + 1 or not _continues("SUBJ", lines, below):
        return False
    nxt = next((i for i in range(below + 1, len(lines)) if lines[i].strip()), None)
    field = FIELD.match(lines[nxt]) if nxt is not None else None
    return field is not None and _key(field["key"]) != "SUBJ"


def _framed(lines: list[str], rule: int) -> bool:
    """The rule at `rule` opens a framed title (`-----`, `Summary`, `-----`)."""
    return rule + 2 < len(lines) and DASHES.match(lines[rule + 2]) is not None


def _identity_line(line: str) -> bool:
    """A classification or caveat line: the start of a (repeated) telegram header."""
    return len(line) <= MAX_IDENTITY_LINE and bool(
        CLASS_LINE.match(line) or CAVEAT_LINE.match(line) or SBU_LINE.match(line)
    )


def _key(raw: str) -> str:
    raw = raw.upper()
    if raw.startswith("UBJ"):  # `UBJECT:`, its first letter lost
        return "SUBJ"
    if raw.startswith("CLASS"):  # `Classfied By:` as written in 09ASHGABAT757
        return "CLASSIFIED"
    for key in ("E", "TAG", "SUBJ", "REF", "CLASSIFIED"):
        if raw.startswith(key):
            return key
    return raw


def _dtg(match: re.Match[str]) -> datetime | None:
    try:
        return datetime(
            full_year(int(match["year"])),
            MONTHS[match["month"]],
            int(match["day"]),
            int(match["hour"]),
            int(match["minute"]),
        )
    except (KeyError, ValueError):
        return None


def parse_header(lines: list[str]) -> Header:
    """Fields from the top of the cable, up to its first paragraph."""
    values: dict[str, list[str]] = {}
    found: dict[str, object] = {}
    end = 0
    key: str | None = None
    for index, line in enumerate(lines):
        if key is not None and _continues(key, lines, index):
            values[key].append(line.strip())
            end = index + 1
            continue
        if key == "SUBJ" and not line.strip() and _words_below(lines, index, values["SUBJ"]):
            continue  # `SUBJECT:` on its own line, the words below a blank line
        key = None
        field = FIELD.match(line)
        if field:
            key = _key(field["key"])
            if key == "SUBJ" and any(values.get("SUBJ", ())):
                key = "SUBJ_REPEAT"  # a header repeated further down (09ISLAMABAD3037)
            values.setdefault(key, []).append(field["value"].strip())
            end = index + 1
            continue
        if PARA_START.match(line):
            break
        _identity(line, found)
        if "class" in found and "class_line" not in found:
            found["class_line"] = index
        if CAVEAT_LINE.match(line) or SBU_LINE.match(line):
            caveat = "SENSITIVE" if SBU_LINE.match(line) else line.strip().upper()
            found.setdefault("caveats", []).append(caveat)  # type: ignore[attr-defined]
            end = max(end, index + 1) if "class_line" in found else end
        if "class_line" in found and end <= int(found["class_line"]):  # type: ignore[call-overload]
            end = int(found["class_line"]) + 1  # type: ignore[call-overload]
    return _header(end, values, found)


def _identity(line: str, found: dict[str, object]) -> None:
    if len(line) > MAX_IDENTITY_LINE:
        return
    if "class" not in found and (match := CLASS_LINE.match(line)):
        found["class"] = match["class"]
        found["origin_code"] = re.sub(r"[^A-Z]", "", match["origin"].upper())
        found["number"] = int(match["number"])
    elif "routed" not in found and (match := ROUTING_LINE.match(line)):
        found["routed"] = int(match["number"])
    elif "sent" not in found and (match := DTG.match(line)):
        found["sent"] = _dtg(match)
    elif "from" not in found and (match := FROM_LINE.match(line)):
        found["from"] = match["origin"]
    elif "id" not in found and (match := STATED_ID.match(line)):
        found["id"] = match["id"].upper()
    elif "sent" not in found and (stamp := parse_date_line(line)) and _dated(line, found):
        found["sent"] = stamp


def _dated(line: str, found: dict[str, object]) -> bool:
    """A date line is the cable's own above the classification line or labelled `Date:`.

    Below it, an unlabelled date belongs to something else (`Date of source:` on the line
    before, 08STATE116943).
    """
    return "class" not in found or DATE_FIELD.match(line) is not None


def _header(end: int, values: dict[str, list[str]], found: dict[str, object]) -> Header:
    def joined(key: str) -> str:
        return " ".join(" ".join(part for part in values.get(key, []) if part).split())

    classification = found.get("class")
    caveats = found.get("caveats", [])
    return Header(
        end=end,
        subject=_subject(joined("SUBJ"), joined("SUBJ_REPEAT")),
        tags=parse_tags(" ".join(values.get("TAG", []))),
        ref="\n".join(values.get("REF", [])),
        classified_by=joined("CLASSIFIED") or None,
        classification=(
            normalise_classification(str(classification), list(caveats))  # type: ignore[call-overload]
            if classification
            else None
        ),
        origin_code=found.get("origin_code"),  # type: ignore[arg-type]
        number=found.get("number"),  # type: ignore[arg-type]
        sent_from=found.get("from"),  # type: ignore[arg-type]
        sent=found.get("sent"),  # type: ignore[arg-type]
        stated_id=found.get("id"),  # type: ignore[arg-type]
        routed=found.get("routed"),  # type: ignore[arg-type]
    )


def _subject(first: str, repeated: str) -> str:
    """A repeated SUBJECT line counts only where it completes a cut-off first one."""
    if len(repeated) > len(first) and repeated.casefold().startswith(first.casefold()):
        return repeated
    return first


_LEVELS = ("CONFIDENTIAL", "SECRET", "UNCLASSIFIED", "UNCLAS")


def normalise_classification(word: str, caveats: list[str]) -> str:
    """`C O N F I D E N T I A L` + NOFORN → `CONFIDENTIAL//NOFORN`, as the cable site writes it."""
    level = re.sub(r"\s+", "", word).upper()
    # `SSECRET`, `CSECRET`: a stray letter or two before the spaced word (`CLASS_LINE`)
    level = next((k for k in _LEVELS if level.endswith(k) and len(level) - len(k) <= 2), level)
    if level.startswith("UNCLAS"):
        level = "UNCLASSIFIED"
    elif level.startswith("LIMITED"):
        level = "LIMITED OFFICIAL USE"
    if "NOFORN" in caveats and level in ("SECRET", "CONFIDENTIAL"):
        return f"{level}//NOFORN"
    if level == "UNCLASSIFIED" and ({"SENSITIVE", "SBU"} & set(caveats)):
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    return level
