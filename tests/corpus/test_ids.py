"""REF lines and written IDs, as real cables write them."""

from __future__ import annotations

import pytest

from corpus.ids import canonical_id, find_cable_ids, parse_refs

REFS = [
    # Numbers restart each January: PARIS 8729, cited by PARIS 104, is last year's.
    ("05PARIS104", "A. PARIS 8729 B. PARIS 8918", 2005, ("04PARIS8729", "04PARIS8918")),
    ("10STATE9124", "A: STATE 120288", 2010, ("09STATE120288",)),
    ("08MADRID552", "MADRID 449", 2008, ("08MADRID449",)),
    (
        "10BERLIN128",
        "A. STATE 8403 B. 2009 BERLIN 1528 C. 2009 BERLIN 1377",
        2010,
        ("10STATE8403", "09BERLIN1528", "09BERLIN1377"),
    ),
    (
        "07MADRID1805",
        "A. SECSTATE 121837 B. 2006 MADRID 1914",
        2007,
        ("07STATE121837", "06MADRID1914"),
    ),
    (
        "08MADRID1092",
        "A. MADRID 790 B. MADRID 1021 C. DAO MADRID IIR 6 889 0272 08 D. XXXXXXXXXXXX 55",
        2008,
        ("08MADRID790", "08MADRID1021"),
    ),
    ("embassy", "EMBASSY VIENNA 12", 2009, ("09VIENNA12",)),
    (
        "08STATE15220",
        "a. 05 state 201650\nB. 05 berlin 3726",
        2008,
        ("05STATE201650", "05BERLIN3726"),
    ),
    ("06MEXICO3305", "MEXICO 3297 AND PREVIOUS", 2006, ("06MEXICO3297",)),
    (
        "86MADRID5480",
        "A) MADRID 5426, B) MADRID 5425, C) MADRID 5418",
        1986,
        ("86MADRID5426", "86MADRID5425", "86MADRID5418"),
    ),
    (
        "10NAIROBI59",
        "09 NAIROBI 1811; 10 NAIROBI 31; 10 NAIROBI 50",
        2010,
        ("09NAIROBI1811", "10NAIROBI31", "10NAIROBI50"),
    ),
    (
        "66BUENOSAIRES2481",
        "STATE 106206 CIRCULAR; STATE CA-3400 NOV 2, 1966",
        1966,
        ("66STATE106206",),
    ),
    ("05MADRID171", "B. B) MADRID 156", 2005, ("05MADRID156",)),
    ("09KUWAIT110", "KUWAIT 0095", 2009, ("09KUWAIT95",)),
    ("08TEGUCIGALPA459", "OFFICIAL BIOS ON FILE", 2008, ()),
    ("08ASTANA338", "A. ASTANA 65 B. ASTANA 225", 2008, ("08ASTANA65", "08ASTANA225")),
    # A label after a reference, `B)` or `(B)`, or a marked line, does not hide it.
    (
        "08RIGA496",
        "A) RIGA 478 B) RIGA 472 C) RIGA 492",
        2008,
        ("08RIGA478", "08RIGA472", "08RIGA492"),
    ),
    (
        "09ISTANBUL440",
        "(A) ANKARA 1516 (EXDIS) (B) ISTANBUL 421 (C)\n     ISTANBUL 290",
        2009,
        ("09ANKARA1516", "09ISTANBUL421", "09ISTANBUL290"),
    ),
    ("10BRASILIA108", "2009 BRASILIA 1381\n(U) THIS CABLE IS SENSITIVE", 2010, ("09BRASILIA1381",)),
    # Origins in title case; a bare number of the own post above its own number.
    ("09PARIS1267", "Paris 559", 2009, ("09PARIS559",)),
    (
        "10BUENOSAIRES95",
        "Buenos Aires 0118; Buenos Aires 0071",
        2010,
        ("09BUENOSAIRES118", "10BUENOSAIRES71"),
    ),
    # The year glued to the origin, the origin glued to the number, a date after `--`.
    ("10SHENYANG5", "A. 10SHENYANG 003  B. 09SHENYANG 167", 2010, ("10SHENYANG3", "09SHENYANG167")),
    ("09STATE63812", "A. ASHGABAT687\nB. ASHGABAT733", 2009, ("09ASHGABAT687", "09ASHGABAT733")),
    (
        "09STATE37561",
        "A. 08 KIGALI 00830--05/DEC/2008\nB. 08 STATE 122706--19/NOV/2008",
        2009,
        ("08KIGALI830", "08STATE122706"),
    ),
    # Not cables: the Foreign Affairs Manual, an e-mail's date, list items glued to numbers.
    (
        "09STATE119085",
        "(A) 08 STATE 061194\n(B) 7 FAM 180\n(H) 9 FAM 42.1 N4, PN2-5, and PN7",
        2009,
        ("08STATE61194",),
    ),
    (
        "07KUWAIT808",
        "C. HARRIS/CATO E-MAIL DATED 21-APR-2007\nD. Kuwait 730",
        2007,
        ("07KUWAIT730",),
    ),
]


@pytest.mark.parametrize(("case", "text", "year", "expected"), REFS, ids=[r[0] for r in REFS])
def test_parse_refs(case: str, text: str, year: int, expected: tuple[str, ...]) -> None:
    cited_by = case if case[:2].isdigit() else None
    assert parse_refs(text, year, cited_by) == expected


CANONICAL = [
    ("06MEXICO3305", "MEXICO 003305", 2006, "06MEXICO3305"),
    ("08STATE15220-ref", "05 BERLIN 3726", None, "05BERLIN3726"),
    ("09STATE11937", "STATE 11937", 2009, "09STATE11937"),
    ("05PARIS104", "PARIS 000104", 2005, "05PARIS104"),
    ("05PARIS104-glued", "05paris104", None, "05PARIS104"),
    ("66BUENOSAIRES2481", "BUENOS AIRES 2481", 1966, "66BUENOSAIRES2481"),
    ("no-year", "PARIS 104", None, None),
    ("four-digit-year", "2006 MADRID 3104", None, "06MADRID3104"),
    ("glued-short-post", "ROME 1406", 2008, "08ROME1406"),
    ("glued-no-space", "ROME1406", 2008, "08ROME1406"),
    ("glued-title-case", "Rome1406", 2008, "08ROME1406"),
    # The later releases write the year in full and pad the number.
    ("full-year-glued", "1979TEHRAN08980", None, "79TEHRAN8980"),
    ("full-year-glued-2000s", "2006mexico003305", 1979, "06MEXICO3305"),
    ("full-year-not-a-year", "3006MEXICO3305", None, None),
]


@pytest.mark.parametrize(
    ("case", "text", "year", "expected"), CANONICAL, ids=[c[0] for c in CANONICAL]
)
def test_canonical_id(case: str, text: str, year: int | None, expected: str | None) -> None:
    assert canonical_id(text, year) == expected


FREE = [
    ("06MEXICO3305", "what did 06MEXICO3305 say?", ["06MEXICO3305"]),
    ("06MEXICO3305-spaced", "the cable 06 MEXICO 3305 on borders", ["06MEXICO3305"]),
    ("09STATE11937", "compare 09STATE11937 and 05PARIS104", ["09STATE11937", "05PARIS104"]),
    ("none", "border violence in 2006", []),
    ("full-year", "what did 1979TEHRAN08980 report?", ["79TEHRAN8980"]),
    ("no-break-spaces", "the cable 06\u00a0Mexico\u00a03305", ["06MEXICO3305"]),
    ("full-year-spaced-is-prose", "in 2009 PARIS 5 was quiet", []),
]


@pytest.mark.parametrize(("case", "text", "expected"), FREE, ids=[f[0] for f in FREE])
def test_find_cable_ids(case: str, text: str, expected: list[str]) -> None:
    assert find_cable_ids(text) == expected


# (case, REF text, the citing cable's date, expected). A bare number the post cannot
# have reached in the days of the year so far is last year's; without a day, this year's.
BY_DAY = [
    ("08RIYADH7", "SECSTATE 170928", (2008, 2), ("07STATE170928",)),
    ("10RABAT5", "STATE 130969 (NOTAL)", (2010, 4), ("09STATE130969",)),
    ("09SEOUL59", "A. TOKYO 3114", (2009, 12), ("08TOKYO3114",)),
    ("state-later", "SECSTATE 170928", (2008, 200), ("08STATE170928",)),
    ("post-later", "TOKYO 3114", (2009, 40), ("09TOKYO3114",)),
    ("no-day", "SECSTATE 170928", (2008, None), ("08STATE170928",)),
    ("written-year", "2010 STATE 130969", (2010, 4), ("10STATE130969",)),
]


@pytest.mark.parametrize(("case", "text", "when", "expected"), BY_DAY, ids=[b[0] for b in BY_DAY])
def test_parse_refs_by_day(
    case: str, text: str, when: tuple[int, int | None], expected: tuple[str, ...]
) -> None:
    year, day = when
    assert parse_refs(text, year, day=day) == expected
