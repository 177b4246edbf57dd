"""Cablegate pages, one named case per quirk of the corpus README."""

from __future__ import annotations

from functools import cache

import pytest

from corpus.errors import ParseError
from corpus.formats.html import parse_html
from corpus.models import Cable
from corpus.paragraphs import normalise_body, parse_paragraphs, split_signer
from tests.conftest import cable_html


@cache
def cable(cable_id: str) -> Cable:
    path = cable_html(cable_id)
    return parse_html(path.read_text(encoding="utf-8"), str(path))


def numbers(c: Cable) -> str:
    return " ".join(p.number for p in c.paragraphs)


def headed(lines: list[str]) -> list[tuple[str, str | None, str]]:
    """Each paragraph of hand-written body lines as (number, heading, text)."""
    return [(p.number, p.heading, p.text) for p in parse_paragraphs(lines)]


NUMBERS = [
    ("04MADRID4687", "7 8 9"),  # partial extract starting at ¶7
    ("08STATE15220", "1 2 3 4 5 6 7 8 9 10"),  # anchors on REF items
    ("06MADRID293", "1 2 3 4 5"),  # anchors on years at a line start
    ("08OSLO522", "1 2 3 4 5 6"),  # ¶1 glued to the Classified By line, no par1 anchor
    ("05PARIS4760", "1 2 3 4 5 6 7"),  # `3.. (SBU)`
    ("09RIYADH651", " ".join(str(n) for n in range(1, 25))),  # `2.In interviews`
    ("07BAGHDAD3504", " ".join(str(n) for n in range(1, 12))),  # `(C) 1. The`
    ("10NAIROBI59", " ".join(str(n) for n in range(1, 13))),  # no blank lines
    ("09BEIJING2963", "1 2 1b 2b 3 4 5 6 7 8 9 10 11"),  # restarted numbering
    ("10CARACAS107", "1 2 3 4 5 6 7 8"),  # no numbered paragraphs
    # glued page markers; the cable goes from ¶11 to ¶18, its last
    ("08BRASILIA351", " ".join(str(n) for n in [*range(1, 12), 18])),
    ("00HARARE6677", " ".join(str(n) for n in range(1, 13))),  # PAGE headers
    ("04ANKARA348", " ".join(str(n) for n in range(1, 13))),  # one-line header
    ("08ASTANA338", "1 2 3 4 5 6"),  # TAGS without colon
    ("10RIYADH61", " ".join(str(n) for n in range(1, 11))),  # no SUBJECT
    ("09KUWAIT110", "1 2 3 4 5 6 7 8"),  # metadata block in the body
    ("08TEGUCIGALPA459", " ".join(str(n) for n in range(1, 17))),  # SUBJECT … REF: inline
    ("66BUENOSAIRES2481", "1 2 3 4 5 6 7 8"),  # all-caps 1966 telegram
    ("05PARIS104", "1 2 3 4 5"),
    ("86MADRID5480", "1 2 3"),
    ("04MADRID961", "1 2 3 4 5 6"),
    ("09LAPAZ1784", "1 2 3 4 5 6 7 8 9 10 12 13 14 15 16 17"),  # `¶7. 6. The`, empty ¶11
    ("09SANAA1669", "1 2 3 4 5 6 7 8 9 10"),  # stray `6. END SUMMARY.`
    ("09BEIJING1970", " ".join(str(n) for n in range(1, 14))),  # stray `15.` line
    ("09RIODEJANEIRO311", "1 2 3 4 5 6 7"),  # ¶1 without a mark
    ("10MEXICO141", " ".join(str(n) for n in range(1, 12))),
    # a start run into the sentence before it: `impeachment. 4. (C) Zardari`
    ("08ISLAMABAD2802", " ".join(str(n) for n in range(1, 14))),
    ("07KABUL185", " ".join(str(n) for n in range(1, 20))),  # inline 16, then 17 on its line
    ("07SANTIAGO983", " ".join(str(n) for n in range(1, 19))),  # also `9. ( C)`
    ("09STATE82013", " ".join(str(n) for n in range(1, 29))),  # all but ¶1 run in
    # a one-line paragraph over a dashed heading was read as a heading and lost
    ("08STATE37957", "1 2 3 4 5 6"),  # `5. (U) Please report response ...` then a heading
    ("90CAPETOWN97", " ".join(str(n) for n in range(1, 18))),  # ¶1 `CONFIDENTIAL - ENTIRE TEXT.`
    ("07LAPAZ2385", " ".join(str(n) for n in range(1, 14))),  # no ¶0 of `- - - - Summary`
    # numbers out of order that the cable's numbering then follows
    ("09PARIS815", "1 5 6 7 8 9 10 11"),  # ¶2-4 not in the release: all was ¶1
    ("08MADRID1366", "1 2 3 11"),  # `XXXXXXXXXXXX` then the last paragraph, ¶11
    ("09BAGHDAD3195", "1 2 3 4 5 6 7 8 12 13 14 15 16 17"),  # ¶12-17 were inside ¶8
    ("06MADRID934", "1 2 3 4 5 6 7 10 9 10b 11 12 13 14 15"),  # the cable's own 10, 9, 10
    # an unclassified cable that marks no paragraph skips items left out of the release
    ("09HARARE888", "1 3 8 11 12 13 14"),  # all was ¶1
    ("08BRASILIA1396", " ".join(str(n) for n in [*range(1, 10), 11])),  # `10.` run into ¶9
    # a page gives a stretch again, the first copy of its last paragraph cut off
    ("09BRUSSELS1580", " ".join(str(n) for n in range(1, 11))),  # ¶4-7 again inside ¶7
    ("09CAPETOWN204", "1 2 3 4"),  # ¶1-3 again inside ¶4, then the rest of ¶4's sentence
]


@pytest.mark.parametrize(("case", "expected"), NUMBERS, ids=[n[0] for n in NUMBERS])
def test_paragraph_numbers(case: str, expected: str) -> None:
    assert numbers(cable(case)) == expected


HEADERS = [
    ("06MADRID293", "SPAIN: CHIEF PROSECUTOR FORCED TO QUIT", ("PGOV", "PTER", "SP"), ()),
    (
        "08STATE15220",
        "further scheming by german firm to export test chamber to iranian ballistic missile"
        " program",
        ("PARM", "PREL", "ETTC", "MTCRE", "KSCA", "GM", "IR"),
        ("05STATE201650", "05BERLIN3726", "05STATE211408", "05BERLIN3954", "06STATE36325"),
    ),
    (
        "04MADRID4687",
        "DEPUTY FM LEON ON CUBA, IRAQ, AFGHANISTAN, BILATERAL RELATIONS",
        ("PREL", "PGOV", "PHUM", "SP"),
        (),
    ),
    (
        "00HARARE6677",
        "ASSISTANT SECRETARY MEETS WITH ZIMBABWE OPPOSITION LEADER",
        ("PGOV", "PREL", "ECON", "PINR", "ZI", "SA"),
        ("00HARARE6584",),
    ),
    (
        "08ASTANA338",
        "CHEVRON INCIDENT REFLECTS CHANGING DYNAMICS IN KAZAKHSTAN’S ENERGY HIERARCHY",
        ("PGOV", "PREL", "EPET", "PINR", "KZ"),
        ("08ASTANA65", "08ASTANA225"),
    ),
    ("10RIYADH61", "", ("ECON", "PREL", "EFIN", "KTFN", "SA"), ()),
    (
        "09KUWAIT110",
        'THE INTERIOR MINISTER\'S REMEDY FOR TERRORISTS: "LET THEM DIE."',
        ("PREL", "PTER", "PINR", "KU", "IR"),
        ("09KUWAIT95",),
    ),
    (
        "08TEGUCIGALPA459",
        "PRESIDENT JOSE MANUEL ZELAYA ROSALES: PERSONAL REFLECTIONS OF AMBASSADOR FORD",
        (
            "PGOV",
            "PINR",
            "PREL",
            "KDEM",
            "ECON",
            "SOCI",
            "KCRM",
            "ENRG",
            "EFIN",
            "SNAR",
            "SMIG",
            "MARR",
            "MASS",
            "MOPS",
            "HO",
        ),
        (),
    ),
    (
        "86MADRID5480",
        "QADHAFI RETALIATES AGAINST SPANISH EXPULSIONS",
        ("PTER", "PINR", "PREL", "SP", "LY"),
        ("86MADRID5426", "86MADRID5425", "86MADRID5418"),
    ),
    (
        "05PARIS104",
        "GTMO AND DJAMEL BEGHAL TRIAL UPDATES",
        ("FR", "PGOV", "PINR", "PREL", "KISL"),
        ("04PARIS8729", "04PARIS8918"),
    ),
    (
        "10NAIROBI59",
        "U.S. POLICY TO ADVANCE THE REFORM AGENDA",
        ("PREL", "PGOV", "KCOR", "KE"),
        (
            "09NAIROBI1811",
            "10NAIROBI31",
            "10NAIROBI50",
            "10NAIROBI11",
            "09NAIROBI2485",
            "09NAIROBI2483",
            "09NAIROBI2475",
            "09NAIROBI2401",
        ),
    ),
    (
        "07BAGHDAD3504",
        "PSD INCIDENT UPDATE: EMBASSY APPROVES CONDOLENCE PAYMENTS, GOI INVESTIGATION REPORT"
        " RELEASED, RSO ACTIVITY",
        ("AMGT", "ASEC", "PREL", "APER", "IZ"),
        None,
    ),
]


REFERENCES = [
    # Labels after each reference: `(A) 2005 STATE 165022`, `(B) 2005 MOSCOW 11807`...
    ("09STATE14070", ("05STATE165022", "05MOSCOW11807", "05STATE117165", "05MOSCOW8915",
                      "04STATE257697", "04MOSCOW15123", "04STATE188657", "04MOSCOW14726")),
    ("03ABUDHABI2641", ("03ABUDHABI1384",)),  # `REF: Abu Dhabi 1384`
    ("09BRASILIA244", ("09BRASILIA123",)),  # a page marker glued to the REF line
    ("08RIYADH7", ("07STATE170928",)),  # `SECSTATE 170928` cited on January 2, 2008
    ("10RIYADH184", ("09DHAHRAN201", "09RIYADH1302", "09RIYADH1397", "09RIYADH1492",
                     "09RIYADH1557", "09RIYADH1642", "10RIYADH103", "10STATE3080",
                     "10STATE11182")),  # `A. 09DHAHRAN 201`
]  # fmt: skip


@pytest.mark.parametrize(("case", "refs"), REFERENCES, ids=[r[0] for r in REFERENCES])
def test_references(case: str, refs: tuple[str, ...]) -> None:
    assert cable(case).references == refs


@pytest.mark.parametrize(("case", "subject", "tags", "refs"), HEADERS, ids=[h[0] for h in HEADERS])
def test_header(
    case: str, subject: str, tags: tuple[str, ...], refs: tuple[str, ...] | None
) -> None:
    c = cable(case)
    assert c.subject == subject
    assert c.tags == tags
    if refs is not None:
        assert c.references[: len(refs)] == refs


TEXT = [
    # (case, paragraph, must contain, must not contain)
    ("08OSLO522", "1", "Summary: The GON decision making process", "Classified By"),
    ("09STATE93327", "22", "the most urgent cyber threat", "00093327"),
    ("08BRASILIA351", "4", "against terrorism.", "BRASILIA 00000351"),
    # A page marker's post is at most 10 characters: the words before it stay text.
    ("08TEGUCIGALPA459", "10", "at Soto Cano Air Force Base", "00000459"),
    ("10BRASILIA108", "3", "commitment period of the Kyoto Protocol and", "00000108"),
    ("08STOCKHOLM51", "6", "engagement in Georgia and Ukraine. Comment", "00000051"),
    ("07KABUL185", "18", "With the expected arrival of Deputy Secretary", "SIPDIS"),
    ("90CAPETOWN97", "7", "FULLY EXPECTS PRESIDENT FW DE KLERK TO MAKE", "PAGE 03"),
    ("00HARARE6677", "4", "ESSENTIALLY, A COALITION GOVERNMENT", "291400Z"),
    ("08ASTANA338", "1", "Idenov’s version", "Idenov,s"),
    ("08ASTANA338", "1", "“pounding on the table”", "table8"),
    ("08TEGUCIGALPA459", "1", "“Mel”", "&Mel8"),
    ("09LAPAZ1784", "7", "The current rise in the net amount", "¶"),
    ("04MADRID4687", "7", "Spain is politically divided", "XXXXXXXXXXXX//"),
    ("10CARACAS107", "1", "On January 5, 2010 Caracas held", "(SBU)"),
    ("66BUENOSAIRES2481", "2", "DOES NOT RPT NOT REACH FALKLANDS", "NATIONAL ARCHIVES"),
    ("09KUWAIT110", "1", "During a February 3 meeting", "DESTINATION"),
    # the last line of a paragraph over a dashed heading was read as a heading and lost
    ("08STATE37957", "4", "related issues.\nEnd talking points for Pakistan.", "REPORTING"),
    ("08STATE37957", "5", "Please report response if possible by April 17, 2008.", "CONTACT"),
    # the header an old telegram repeats at each section, where the section broke
    ("00HARARE6677", "5", "IF IT WAITS THAT LONG, THERE WILL BE “NOTHING TO VOTE", "PTQ1865"),
    ("00HARARE6677", "9", "HE TOLD THE BRITISH TO REFRAIN", "SECTION 03 OF 03"),
    ("90CAPETOWN97", "9", "MOST SUITABLE VENUE. END COMMENT.)", "FENDRICK"),
    # the subject a page repeats as a running header, run into the text
    ("09STATE82013", "6", "keep us from taking credit for our", "SUBJECT"),
    ("09BAKU478", "5", "perceived discrimination, and few government", "SUBJECT"),
]


@pytest.mark.parametrize(
    ("case", "number", "present", "absent"),
    TEXT,
    ids=[f"{t[0]}-{t[1]}-{i}" for i, t in enumerate(TEXT)],
)
def test_paragraph_text(case: str, number: str, present: str, absent: str) -> None:
    text = {p.number: p.text for p in cable(case).paragraphs}[number]
    assert present in text
    assert absent not in text
    assert "  " not in text


MARKS = [
    ("09RIYADH651", "5", "S/NF"),
    ("05PARIS4760", "3", "SBU"),
    ("07BAGHDAD3504", "1", "C"),
    ("08OSLO522", "1", "C"),
    ("10CARACAS107", "2", "S/NF"),
    ("08STATE15220", "1", "U"),
    ("09BEIJING2963", "1b", "S"),
    ("10NAIROBI59", "12", "C"),
]


@pytest.mark.parametrize(("case", "number", "mark"), MARKS, ids=[f"{m[0]}-{m[1]}" for m in MARKS])
def test_marks(case: str, number: str, mark: str) -> None:
    assert {p.number: p.mark for p in cable(case).paragraphs}[number] == mark


HEADINGS = [
    ("05PARIS104", "5", "DJAMEL BEGHAL TRIAL"),
    ("07BAGHDAD3504", "1", "Summary"),
    ("09BEIJING2963", "2b", "Iran"),
    ("04MADRID4687", "7", "U.S.-SPAIN RELATIONS"),
    ("08OSLO522", "2", "The Decision Making Process"),
    ("05PARIS4760", "3", "Future of the EU"),
    # a bare title line with no dashes under it, before the next paragraph
    ("09ASTANA95", "5", "IRAN"),
    ("04MADRID1187", "2", "The Case for Withdrawal"),
    ("02BRASILIA4227", "15", "WASHINGTON AGENDA"),
]


@pytest.mark.parametrize(("case", "number"), [("09ASTANA95", "4"), ("04MADRID1187", "1")], ids=str)
def test_bare_title_leaves_the_paragraph_before(case: str, number: str) -> None:
    text = {p.number: p.text for p in cable(case).paragraphs}[number]
    assert not text.rstrip().endswith(("IRAN", "The Case for Withdrawal")), text[-60:]


@pytest.mark.parametrize(
    ("case", "number", "heading"), HEADINGS, ids=[f"{h[0]}-{h[1]}" for h in HEADINGS]
)
def test_headings(case: str, number: str, heading: str) -> None:
    assert {p.number: p.heading for p in cable(case).paragraphs}[number] == heading


META = [
    ("04MADRID4687", True, "CONFIDENTIAL", "Embassy Madrid", "2004-12-13"),
    ("08OSLO522", False, "CONFIDENTIAL", "Embassy Oslo", "2008-09-22"),
    ("09KUWAIT110", False, "SECRET//NOFORN", "Embassy Kuwait", "2009-02-05"),
    ("10CARACAS107", False, "SECRET//NOFORN", "Embassy Caracas", "2010-01-28"),
]


@pytest.mark.parametrize(
    ("case", "partial", "classification", "origin", "date"), META, ids=[m[0] for m in META]
)
def test_metadata(
    case: str, partial: bool, classification: str, origin: str, date: str | None
) -> None:
    c = cable(case)
    assert (c.id, c.partial, c.classification, c.origin) == (case, partial, classification, origin)
    if date is not None:
        assert c.date == date
    assert not any(p.numbered is False for p in c.paragraphs) or case == "10CARACAS107"


def test_a_start_run_into_a_line_is_split_only_where_it_continues_the_numbering() -> None:
    lines = [
        "1. (C) The minister spoke first. 2. (C) He then raised the loan.",
        "He cited article 3. 7. (S) Nothing follows that.",
        "",
        "3. (C) Talks ended late.",
    ]
    got = [(p.number, p.mark, p.text) for p in parse_paragraphs(lines)]
    assert got == [
        ("1", "C", "The minister spoke first."),
        ("2", "C", "He then raised the loan. He cited article 3. 7. (S) Nothing follows that."),
        ("3", "C", "Talks ended late."),
    ]


def test_a_stretch_the_page_gives_twice_is_read_once() -> None:
    p1 = "1. (C) The minister of finance met the visiting delegation on Monday in the capital."
    p2 = "2. (C) He said the budget would be cut by a tenth over the next two years."
    p2_ocr = "2. (C) He said the budgct would be cut by a tenth over the next two years."
    p3 = "3. (C) Comment: the cuts will fall hardest on the provinces and their"
    tail = "hospitals. End comment."

    def read(lines: list[str]) -> list[tuple[str, str]]:
        return [(p.number, p.text) for p in parse_paragraphs(lines)]

    # the repeat goes on past the first copy: the second copy is kept, whole
    cut = "3. (C) Comment: the cuts will fall"
    again = [p1, "", p2, "", cut, p2_ocr, "", p3, tail, "", "4. (C) Nothing more."]
    assert [n for n, _ in read(again)] == ["1", "2", "3", "4"]
    assert read(again)[2][1].endswith("their hospitals. End comment.")
    # it stops inside the first copy: the repeat goes, the cut sentence's end joins it
    inside = [p1, "", p2, "", p3, p1, "", p2, "", tail]
    assert read(inside) == [
        ("1", p1[7:]),
        ("2", p2[7:]),
        (
            "3",
            "Comment: the cuts will fall hardest on the provinces and their hospitals."
            " End comment.",
        ),
    ]
    # a restart with other words, or a list of contents the sections repeat, stays
    other = [
        p1,
        "",
        p2,
        "",
        "1. (C) Another list opens here with words of its own, all of them new.",
    ]
    assert [n for n, _ in read(other)] == ["1", "2", "1b"]
    iran = "1. (U) Iran: the papers led with the protests and the arrests in the capital."
    contents = ["1. (U) Iran", "2. (U) Healthcare reform", "", iran, "", p2]
    assert "the arrests in the capital" in " ".join(t for _, t in read(contents))


HEADED = [
    (
        # a line over a heading is text when the heading follows
        "line-over-a-heading",
        [
            "1. (C) The talks went well and both sides agreed to meet",
            "again.",
            "",
            "-----------",
            "NEXT STEPS",
            "-----------",
            "",
            "2. (C) Reply by April 17.",
            "",
            "----------------",
            "POINT OF CONTACT",
            "----------------",
            "",
            "3. (U) The desk officer is Chris.",
        ],
        [
            ("1", None, "The talks went well and both sides agreed to meet again."),
            ("2", "NEXT STEPS", "Reply by April 17."),
            ("3", "POINT OF CONTACT", "The desk officer is Chris."),
        ],
    ),
    (
        # a rule of spaced dashes is a rule
        "spaced-dashes",
        [
            "1. (C) Growth slowed. End Summary.",
            "",
            "Ortega's Faltering Economy",
            "- - - - - - - - - - - -",
            "",
            "2. (C) Exports fell.",
        ],
        [
            ("1", None, "Growth slowed. End Summary."),
            ("2", "Ortega's Faltering Economy", "Exports fell."),
        ],
    ),
]


@pytest.mark.parametrize(("case", "lines", "expected"), HEADED, ids=[h[0] for h in HEADED])
def test_headings_and_the_text_above_them(
    case: str, lines: list[str], expected: list[tuple[str, str | None, str]]
) -> None:
    assert headed(lines) == expected


def test_a_heading_framed_by_rules_over_two_lines_is_one_heading() -> None:
    lines = [
        "1. (C) We ask China to act on these shipments.",
        "",
        "-------------------",
        "Background: Missile Parts Shipped via Beijing Between North",
        "Korea and Iran.",
        "-------------------",
        "",
        "2. (S) Iran and North Korea cooperate.",
        "",
        "Pakistan",
        "--------",
        "President Pervez Musharraf",
        "LTG Hamid Javaid, Chief of Staff",
        "Outreach to the Middle East",
        "---------------------------",
        "",
        "3. (C) The Speaker asked about the visit.",
    ]
    got = headed(lines)
    assert got[0] == ("1", None, "We ask China to act on these shipments.")
    heading = "Background: Missile Parts Shipped via Beijing Between North Korea and Iran."
    assert got[1][1] == heading
    # a rule that underlines the line above it frames nothing: the names stay text
    assert got[1][2].startswith("Iran and North Korea cooperate.")
    assert got[1][2].endswith("President Pervez Musharraf LTG Hamid Javaid, Chief of Staff")
    assert got[2][1:] == ("Outreach to the Middle East", "The Speaker asked about the visit.")


def test_numbers_out_of_order_that_the_numbering_follows_open_paragraphs() -> None:
    def numbers_of(paragraphs: list[str]) -> list[str]:
        lines = [line for text in paragraphs for line in (text, "")]
        return [p.number for p in parse_paragraphs(lines)]

    def para(number: int, mark: str = "C") -> str:
        return f"{number}. ({mark}) Paragraph {number} of the cable goes on for a while here."

    # skipped numbers (paragraphs not released), then the numbering goes on
    assert numbers_of([para(1), para(5), para(6)]) == ["1", "5", "6"]
    # the cable's own slip: 7, 10, 9, 10, 11
    assert numbers_of([para(7), para(10), para(9), para(10), para(11)]) == [
        "7",
        "10",
        "9",
        "10b",
        "11",
    ]
    # the cable's last paragraph after a skip, but not one that nothing goes on from
    assert numbers_of([para(1), para(2), para(9)]) == ["1", "2", "9"]
    assert numbers_of([para(1), para(9), para(3)]) == ["1", "3"]
    # nor a list's "(a)"
    assert numbers_of([para(1), para(5, "a"), para(6, "a")]) == ["1"]


def test_a_ref_list_goes_on_past_a_blank_line_with_a_post_of_several_words() -> None:
    from corpus.header import REF_ITEM_LINE

    for item in ("RIO DE JANEIRO 353", "ABU DHABI 409", "STATE 1612", "B. 06 KUWAIT 4664"):
        assert REF_ITEM_LINE.match(item), item
    assert not REF_ITEM_LINE.match("The ministers met at 10 on Monday")
    c = cable("09RIODEJANEIRO365")  # its last REF item after a blank line, not a ¶0
    assert c.references == ("09RIODEJANEIRO329", "09RIODEJANEIRO346", "09RIODEJANEIRO353")
    assert c.paragraphs[0].number == "1"


def test_a_page_cut_off_in_its_cable_text_is_refused() -> None:
    """Its only complete `<pre>` is the routing header: read, it stood in for the cable."""
    path = cable_html("08OSLO522")
    text = path.read_text(encoding="utf-8")
    cut = text[: text.rindex("</pre>") - 200]
    with pytest.raises(ParseError, match=r"cut\.html: page cut off"):
        parse_html(cut, "cut.html")
    assert len(parse_html(text, str(path)).paragraphs) == 6


def test_an_id_cell_that_is_no_reference_id_is_refused() -> None:
    """Cited as written, it would name a cable that does not exist; a zero-padded one is read."""
    text = cable_html("08OSLO522").read_text(encoding="utf-8")
    with pytest.raises(ParseError, match=r"odd\.html: unreadable reference ID 'OSLO'"):
        parse_html(text.replace(">08OSLO522<", ">OSLO<", 1), "odd.html")
    assert (
        parse_html(text.replace(">08OSLO522<", ">08OSLO000522<", 1), "pad.html").id == "08OSLO522"
    )


UNMARKED = [
    # (case, body lines, paragraph numbers): a cable that marks no paragraph
    ("skip-after-a-sentence", ["1. Summary of the week.", "3. Warthogs delay arrival."], "1 3"),
    (
        "skip-after-a-redaction",
        ["1. First item.", "XXXXXXXXXXXX", "8. Prisons remain dire."],
        "1 8",
    ),
    ("no-skip-mid-sentence", ["1. The list holds the", "3. Items named below."], "1"),
    ("no-skip-lower-case", ["1. First item ends.", "3. items named below."], "1"),
    ("no-skip-back-after", ["1. First item ends.", "5. Fifth item.", "2. Second."], "1 2"),
]


@pytest.mark.parametrize(("case", "lines", "expected"), UNMARKED, ids=[u[0] for u in UNMARKED])
def test_unmarked_skips(case: str, lines: list[str], expected: str) -> None:
    assert " ".join(p.number for p in parse_paragraphs(lines)) == expected


NOTICES = [
    # (case, what follows the last paragraph): the post's web-site notice in its shapes
    ("paris", "Please visit Paris' Classified Website at: \nhttp://www.state.sgov.gov/p/eur/paris/index.c fm"),  # noqa: E501
    ("paris-one-line", "Please visit Paris' Classified Website at: http://www.state.sgov.gov/p/eur/paris/index.c fm"),  # noqa: E501
    ("tel-aviv", "*****************************\nVisit Embassy Tel Aviv's Classified Website: \nhttp://www.state.sgov.gov/p/nea/telaviv \n \nYou can also access this site through the State Department's \nClassified SIPRNET website. \n*****************************"),  # noqa: E501
    ("kuwait", "For more reporting from Embassy Kuwait, visit: \nvisit Kuwait's Classified Website at: \n \nhttp://www.intelink.sgov.gov/wiki/Portal:Kuwa it \n*****************************"),  # noqa: E501
    ("amman", "Visit Embassy Amman's classified website at\nhttp://www.state.sgov.gov/p/nea/amman/ or access the site through the State Department's SIPRNET home page/"),  # noqa: E501
    ("mexico", "Visit Mexico City's Classified Web Site at \nhttp://www.state.sgov.gov/p/wha/mexicocity and the North American \nPartnership Blog at http://www.intelink.gov/communities/state/nap /"),  # noqa: E501
    ("ankara-quoted", '"Visit Ankara\'s Classified Web Site at http://www.intelink.s gov.gov/wiki/Portal:Turkey"'),  # noqa: E501
    ("paris-capitals", "PLEASE VISIT PARIS' CLASSIFIED WEBSITE AT: \nHTTP://WWW.STATE.SGOV.GOV/P/EUR/PARIS/INDEX.C FM \n"),  # noqa: E501
    ("paris-capitals-whole", "PLEASE VISIT PARIS' CLASSIFIED WEBSITE AT: \nHTTP://WWW.STATE.SGOV.GOV/P/EUR/PARIS/INDEX.CFM"),
    ("paris-page-marker", "Please visit Paris' Classified Website at: \n \nPARIS 00000743  003 OF 003 \n \n \nhttp://www.state.sgov.gov/p/eur/paris/index.c fm \n"),  # noqa: E501
    ("tel-aviv-page-marker", "********************************************* ******************** \nVisit Embassy Tel Aviv's Classified Website: \nhttp://www.state.sgov.gov/p/nea/telaviv \n \nTEL AVIV 00002652  005 OF 005 \n \n \n \nYou can also access this site through the State Department's \nClassified SIPRNET website. \n********************************************* ******************** "),  # noqa: E501
]  # fmt: skip


@pytest.mark.parametrize(("case", "notice"), NOTICES, ids=[n[0] for n in NOTICES])
def test_the_web_site_notice_leaves_text_and_signer(case: str, notice: str) -> None:
    body = f"1. (C) The talks went well.\n\n2. (C) Comment: they will go on. End Comment.\n{notice}\nBEECROFT\n"  # noqa: E501
    lines, signer = split_signer(normalise_body(body))
    assert [(p.number, p.text) for p in parse_paragraphs(lines)] == [
        ("1", "The talks went well."),
        ("2", "Comment: they will go on. End Comment."),
    ]
    assert signer == "BEECROFT"


def test_a_page_header_by_routing_indicator_leaves_the_text() -> None:
    body = (
        "1. (C) SUMMARY: FRANCK GELLET, FRENCH DAS-EQUIVALENT FOR THE\n"
        "PAGE 02 RUEHFRA2440 C O N F I D E N T I A L PARIS 002440\n"
        "PERSIAN GULF, SHARED HIS VIEWS.\n\n"
        "PAGE 03 RUEHFRA0170 S E C R E T\n\n2. (S) THE FIRST IS THAT.\n"
    )
    texts = [p.text for p in parse_paragraphs(normalise_body(body))]
    assert texts == [
        "SUMMARY: FRANCK GELLET, FRENCH DAS-EQUIVALENT FOR THE PERSIAN GULF, SHARED HIS VIEWS.",
        "THE FIRST IS THAT.",
    ]


SPLICED = [
    ("88BAGHDAD28", "STATE 68250"),
    ("07PARIS2725", "MOSCOW 5154"),
    ("09CHISINAU694", "ULAANBAATAR 234"),
]


@pytest.mark.parametrize(("case", "telegram"), SPLICED, ids=[s[0] for s in SPLICED])
def test_a_page_that_holds_another_cables_text_is_refused(case: str, telegram: str) -> None:
    """The cable site has pages whose text (from the classification line down) is another
    telegram's, under the page's routing header and metadata: stored, 88BAGHDAD28 ¶4 would
    cite a 2009 State cable's words as a 1988 cable from Baghdad."""
    path = cable_html(case)
    with pytest.raises(ParseError, match=rf"its text is {telegram}'s, not {case}'s"):
        parse_html(path.read_text(encoding="utf-8"), str(path))


TELEGRAM = """Reference ID: {id}
Date: 2009-04-29 13:01

{line}
NOFORN
SIPDIS

E.O. 12958: DECL: 04/29/2019
TAGS: PREL KN
SUBJECT: WAITING AND WATCHING

1. (C) The border towns were quiet this week.
"""


@pytest.mark.parametrize(
    ("line", "refused", "classification"),
    [
        ("C O N F I D E N T I A L MOSCOW 001108", False, "CONFIDENTIAL//NOFORN"),
        ("CONFIDENTIAL SECTION 01 OF 02 MOSCOW 1108", False, "CONFIDENTIAL//NOFORN"),
        ("SS E C R E T MOSCOW 001108", False, "SECRET//NOFORN"),  # a stray letter
        ("CO N F I D E N T I A L MOSCOW 001108", False, "CONFIDENTIAL//NOFORN"),
        ("C O N F I D E N T I A L MOSCOW 001109", True, ""),
        ("CSE C R E T SECTION 01 OF 02 SHENYANG 000004", True, ""),  # 09MOSCOW1108's page
    ],
)
def test_the_classification_line_must_number_the_cable_it_heads(
    line: str, refused: bool, classification: str
) -> None:
    from corpus.formats.text import parse_text

    text = TELEGRAM.format(id="09MOSCOW1108", line=line)
    if refused:
        with pytest.raises(ParseError, match=r"hand\.txt: its text is \w+ \d+'s, not 09MOSCOW1"):
            parse_text(text, "hand.txt")
        return
    got = parse_text(text, "hand.txt")
    assert (got.id, got.classification) == ("09MOSCOW1108", classification)


def test_text_spliced_under_another_telegrams_routing_line_is_refused() -> None:
    """Read bare, with no reference ID: the routing line (`DE RUEHMO #1108`) and its date are
    one telegram's, the classification line another's. Read, it would be 09SHENYANG4 of
    April 2009: an ID and a date of neither."""
    from corpus.formats.text import parse_text

    routing = "VZCZCXRO2039\nDE RUEHMO #1108/01 1191330\nO 291330Z APR 09\nFM AMEMBASSY MOSCOW\n"
    body = TELEGRAM.split("\n", 3)[3]  # without the Reference ID and Date lines
    spliced = routing + body.format(line="CSE C R E T SECTION 01 OF 02 SHENYANG 000004")
    with pytest.raises(ParseError, match=r"SHENYANG 4's, under the routing line of telegram #1108"):
        parse_text(spliced, "bare.txt")
    own = routing + body.format(line="C O N F I D E N T I A L MOSCOW 001108")
    assert (parse_text(own, "bare.txt").id, parse_text(own, "bare.txt").date) == (
        "09MOSCOW1108",
        "2009-04-29",
    )
