"""Reference IDs: every citation and cross-reference resolves to one canonical spelling.

A cable is written `PARIS 104`, `PARIS 000104`, `05 PARIS 104` or `05PARIS104`
depending on who wrote it; the store, the REF links and the questions people
type must all agree on `05PARIS104`.
"""

from __future__ import annotations

import re

from corpus.dates import full_year

# `05PARIS104`, `06 MEXICO 3305`, `09STATE11937`; the year is two digits, the origin
# code letters (a few carry spaces when written out: `BUENOS AIRES 1462`).
_CANONICAL = re.compile(r"^(?P<year>\d{2})(?P<origin>[A-Z][A-Z]+)(?P<number>\d{1,7})$")
# Glued as written: also with the year in full and the number padded, as the later
# releases write it (`1979TEHRAN08980` is `79TEHRAN8980`).
_GLUED = re.compile(r"^(?:19|20)?(?P<year>\d{2})(?P<origin>[A-Z][A-Z]+)(?P<number>\d{1,7})$")
_WRITTEN = re.compile(
    r"^\s*(?:(?:19|20)?(?P<year>\d{2})\s+)?(?P<origin>[A-Za-z][A-Za-z .'-]*?[A-Za-z])"
    r"\s*(?P<number>\d{1,7})\s*$"
)
# One reference inside a REF line: optional year (`05` or `2005`), origin words, number.
_REF_ITEM = re.compile(
    r"(?<![\w/-])(?:(?:19|20)?(?P<year>\d{2})\s*)?"
    r"(?P<origin>[A-Za-z][A-Za-z'-]*[A-Za-z](?:\s[A-Za-z][A-Za-z'-]*[A-Za-z]){0,2})"
    r"(?:\s+|(?<=[A-Z]{4}))(?P<number>\d{1,7})(?![\d/.:]|-(?!-)|\s*(?:OF|of)\s+\d)"
)
# Free text, in any case: `06MEXICO3305` glued (`1979TEHRAN08980` too), or `06 MEXICO
# 3305` with the year written.
_FREE = re.compile(
    r"\b(?:(?:19|20)(?=\d\d[A-Z]))?(?P<year>\d{2})\s?"
    r"(?P<origin>[A-Z]{3,}(?:\s[A-Z]{3,})?)\s?(?P<number>\d{1,7})\b",
    re.IGNORECASE,
)
# Words of a REF line that look like origins but are list labels or prose.
_NOT_ORIGINS = frozenset(
    {
        "REF",
        "REFS",
        "REFTEL",
        "AND",
        "OF",
        "THE",
        "NO",
        "NOTAL",
        "SEPTEL",
        "DATED",
        "ON",
        "AT",
        "IN",
        "TO",
        "FROM",
        "FOR",
        "CA",
        "PARA",
        "PARAS",
        "PAGE",
        "TAB",
        "EO",
        "DECL",
        "ALSO",
        "SEE",
        "AS",
        "BY",
        "PREVIOUS",
        "SECTION",
        "E",
        "O",
        "JAN",
        "FEB",
        "MAR",
        "APR",
        "MAY",
        "JUN",
        "JUL",
        "AUG",
        "SEP",
        "SEPT",
        "OCT",
        "NOV",
        "DEC",
        "JANUARY",
        "FEBRUARY",
        "MARCH",
        "APRIL",
        "JUNE",
        "JULY",
        "AUGUST",
        "SEPTEMBER",
        "OCTOBER",
        "NOVEMBER",
        "DECEMBER",
        "CIRCULAR",
        "TELCON",
        "EMAIL",
        "MEMO",
        "STATUS",
        "REPORT",
        "USC",
        "CFR",
        "RES",
        "UNSCR",
        "RESOLUTION",
        "DTG",
    }
)


# Words that open a reference without being its origin: `EMBASSY VIENNA 12`.
_SENDERS = frozenset({"EMBASSY", "AMEMBASSY", "AMCONSUL", "CONSULATE", "USMISSION"})
# Words that mark an item as a report, not a cable: `DAO MADRID IIR 6 889 0272 08`.
_NOT_CABLES = frozenset({"IIR", "DAO", "USDAO", "TDX", "FBIS", "FAM", "FAH"})
_LEADING = _NOT_ORIGINS | _SENDERS
"""Words dropped from the front of a reference's origin."""
_REJECTED = _NOT_ORIGINS | _NOT_CABLES
"""Words that make an item no cable reference at all."""
MOST_PER_DAY = {"STATE": 1000, "": 200}
"""More cables than a post numbers in a day, on average over the year so far: the
Department (`STATE`) and any other post. In the shared corpus the most are 496 a day
(07STATE152317, on day 307) and 76 (06BEIJING23571, day 311); a number above this
times the citing cable's day of the year is last year's."""
# Other spellings of an origin's code in reference IDs.
_ALIASES = {"SECSTATE": "STATE"}


def _code(origin: str) -> str:
    return re.sub(r"[^A-Z]", "", origin.upper())


def _two_digit(year: int | str | None) -> str | None:
    if year is None:
        return None
    return f"{int(year) % 100:02d}"


def canonical_id(text: str, year: int | str | None = None) -> str | None:
    """`MEXICO 003305` + 2006 → `06MEXICO3305`; None when `text` is not an ID.

    A year written in the text wins over `year` (a 2006 cable citing `05 PARIS 1`); a
    glued four-digit year is the later releases' spelling (`1979TEHRAN08980`).
    """
    text = text.strip()
    glued = _GLUED.match(text.upper())
    if glued:
        return f"{glued['year']}{glued['origin']}{int(glued['number'])}"
    written = _WRITTEN.match(text)
    if not written:
        return None
    yy = written["year"] or _two_digit(year)
    code = _code(written["origin"])
    if yy is None or len(code) < 2:
        return None
    return f"{yy}{code}{int(written['number'])}"


def id_year(cable_id: str) -> int | None:
    """The year a canonical ID states: `04ANKARA7211` → 2004, `66BUENOSAIRES2481` → 1966."""
    glued = _CANONICAL.match(cable_id)
    if not glued:
        return None
    return full_year(int(glued["year"]))


def parse_refs(
    text: str, year: int | str, cited_by: str | None = None, *, day: int | None = None
) -> tuple[str, ...]:
    """The cables a REF line cites, canonical and in order, without repeats.

    A reference states its year (`05 PARIS 7528`, `2009 BERLIN 1528`) or leaves it
    to the convention that a bare number is this year's traffic (`year`, the
    citing cable's). Numbers restart every January, so a bare number that this
    year's traffic cannot have reached yet is last year's: one of the citing
    cable's own post above its own number (`cited_by` 05PARIS104 citing `PARIS
    8729`), or one above what any post sends in the `day` days of the year so far
    (`MOST_PER_DAY`: `SECSTATE 170928` cited on January 2). Items that are not
    cables (intelligence reports, `DAO MADRID IIR 6 889 0272 08`; a redacted
    `XXXXXXXXXXXX 123`; the Foreign Affairs Manual, `7 FAM 180`) are left out.
    """
    own = _CANONICAL.match(cited_by) if cited_by else None
    found: list[str] = []
    for match in _REF_ITEM.finditer(text):
        words = match["origin"].upper().split()
        while words and words[0] in _LEADING:
            words.pop(0)
        if not words or any(word in _REJECTED for word in words):
            continue
        if len(words[-1]) == 1:  # a list label glued to the origin: `A. PARIS`
            continue
        code = _code(" ".join(words))
        code = _ALIASES.get(code, code)
        if set(code) == {"X"}:  # redacted
            continue
        number = int(match["number"])
        written = match["year"]
        yy = written or _two_digit(year)
        if not written and (
            (own and own["origin"] == code and number > int(own["number"]))
            or (day is not None and number > day * MOST_PER_DAY.get(code, MOST_PER_DAY[""]))
        ):
            yy = _two_digit(int(year) - 1)
        ref = f"{yy}{code}{number}"
        if ref not in found:
            found.append(ref)
    return tuple(found)


def find_cable_ids(text: str) -> list[str]:
    """Canonical IDs written in free text, such as a question naming `06MEXICO3305`."""
    return list(dict.fromkeys(ref for ref, _span in cable_id_spans(text)))


def cable_id_spans(text: str) -> list[tuple[str, tuple[int, int]]]:
    """Each ID written in free text, canonical, with where it is written."""
    return [
        (f"{m['year']}{_code(m['origin'])}{int(m['number'])}", m.span())
        for m in _FREE.finditer(text)
    ]
