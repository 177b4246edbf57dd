"""Subjects that end where the subject ends, and TAGS read as the codes they mean.

Cases named by cable ID read that cable's page from the shared corpus; `hand-` cases
imitate a quirk of real renderings in a small hand-written telegram.
"""

from __future__ import annotations

import pytest

from corpus.formats.text import parse_text
from corpus.tags import describe_tag, dictionary, parse_tags
from tests.corpus.renderings import page, page_of, readable_pages

HEAD = "C O N F I D E N T I A L BEIJING 000812\n\nE.O. 12958: DECL: 03/19/2032\nTAGS: PREL CH\n"
PARA = "\n1. (C) The MFA said little.\n"


def hand_subject(lines: str) -> str:
    return parse_text("08BEIJING812\n2008-03-19\n\n" + HEAD + lines + PARA, "hand").subject


PAGE_SUBJECTS = [
    ("09BRASILIA1383-classified-by-glued", "BRAZIL: BLACKOUT -CAUSES AND IMPLICATIONS"),
    (
        "10BRASILIA43-classified-by-upper-case",
        "BRAZIL: AMBASSADOR PRESENTS CREDENTIALS TO PRESIDENT LULA",
    ),
    ("09VLADIVOSTOK5-heading-after-page-marker", "FOREST MAFIA ADAPTS TO THE ECONOMIC CRISIS"),
    (
        "09PRETORIA939-framed-summary-heading",
        "PART 1 OF 3: THE LIFE AND TIMES OF SOUTH AFRICA\u2019S NEXT PRESIDENT",
    ),
    ("09HARARE888-row-of-dashes", "ZIM NOTES 11-09-2009"),
    (
        "08PARIS130-spaced-corrected-copy",
        "PRESIDENT SARKOZY ARTICULATES HIS FRAMEWORK FOR FRENCH FOREIGN POLICY",
    ),
    (
        "09ISLAMABAD3037-header-repeated",
        "BALOCH REQUEST UNHCR FACILITATE MOVEMENT OF BRAHMDAGH BUGTI TO IRELAND",
    ),
    (
        "10PRISTINA84-sensitive-but-unclassified",
        "KOSOVO CELEBRATES SECOND ANNIVERSARY WITH SUCCESSES AND CHALLENGES",
    ),
    (
        "06NAIROBI72-mark-opens-subject",
        "INTERNATIONAL DRUG TRAFFICKING RING ENJOYS IMPUNITY IN KENYA",
    ),
    (
        "10STATE9565-release-mark-opens-subject",
        "ARGENTINE REACTION TO POTENTIAL FALKLAND ISLANDS OIL EXPLORATION (C-TN9-01234)",
    ),
    (
        "09KHARTOUM881-second-subject-completes-first",
        "gok/goss agree on timetable for second tank shipment",
    ),
    ("09KABUL1239-subject-label-doubled", "AFGHANISTAN: A SNAPSHOT OF THE NORTHEAST"),
    (
        "06PARIS7579-subject-line-repeated",
        "GOF C/T COORDINATOR\u2019S OVERVIEW OF TERRORISM THREAT",
    ),
    (
        "00HARARE6677-page-header-splits-subject",
        "ASSISTANT SECRETARY MEETS WITH ZIMBABWE OPPOSITION LEADER",
    ),
    (
        "08TEGUCIGALPA459-ref-on-subject-line",
        "PRESIDENT JOSE MANUEL ZELAYA ROSALES: PERSONAL REFLECTIONS OF AMBASSADOR FORD",
    ),
    (
        "04ANKARA7211-subject-over-two-lines",
        "ERDOGAN AND AK PARTY AFTER TWO YEARS IN POWER:"
        " TRYING TO GET A GRIP ON THEMSELVES, ON TURKEY, ON EUROPE",
    ),
    ("09ANKARA1594-date-is-part-of-subject", "TURKISH MEDIA REACTION WEDNESDAY, NOVEMBER 4, 2009"),
    ("10RIYADH61-no-subject-stays-empty", ""),
    (
        "08BRASILIA351-page-marker-glued-to-last-line",
        "SCENESETTER FOR THE VISIT OF MINISTER OF DEFENSE NELSON JOBIM TO WASHINGTON",
    ),
    (
        "09ASHGABAT757-classified-by-misspelt-below",
        "IRAN POST-ELECTION: [Source removed] CALLS RESULTS A \u201cCOUP D\u2019ETAT;\u201d SAYS"
        " INTERNATIONAL COMMUNITY SHOULD DEMAND A RECOUNT",
    ),
    (
        "09LONDON1946-wrapped-over-a-blank-line",
        "SCOTTISH PARLIAMENT HOLDS EMERGENCY SESSION AS DEBATE OVER MEGRAHI DECISION REACHES"
        " FEVER PITCH",
    ),
    (
        "07LONDON4472-last-words-below-a-blank-line",
        "SCENESETTER FOR SECRETARY PETERS\u2019 DECEMBER 7 VISIT TO LONDON",
    ),
]


@pytest.mark.parametrize(("case", "subject"), PAGE_SUBJECTS, ids=[s[0] for s in PAGE_SUBJECTS])
def test_page_subject(case: str, subject: str) -> None:
    assert page(case.split("-")[0]).subject == subject


HAND_SUBJECTS = [
    ("hand-first-letter-lost", "UBJECT: CHINA: VIEWS ON TALKS\n", "CHINA: VIEWS ON TALKS"),
    ("hand-words-below-label", "SUBJECT:\n\nCHINA: VIEWS ON TALKS\n", "CHINA: VIEWS ON TALKS"),
    (
        "hand-backslash-continuation",
        "SUBJECT: CHINA: VIEWS ON TALKS \\\nREF: BEIJING 700\n",
        "CHINA: VIEWS ON TALKS",
    ),
    (
        "hand-paragraph-glued",
        "SUBJECT: CHINA: VIEWS ON TALKS 1. (C) Summary: none.\n",
        "CHINA: VIEWS ON TALKS",
    ),
    (
        "hand-refs-label-glued",
        "SUBJECT: CHINA: VIEWS ON TALKS Ref(s): A. BEIJING 700\n",
        "CHINA: VIEWS ON TALKS",
    ),
    (
        "hand-ref-glued",
        "SUBJECT: CHINA: VIEWS ON TALKS REF: BEIJING 700\n",
        "CHINA: VIEWS ON TALKS",
    ),
    ("hand-entity", "SUBJECT: CHINA&#8217;S VIEWS ON TALKS\n", "CHINA\u2019S VIEWS ON TALKS"),
    (
        "hand-split-over-lines",
        "SUBJECT: CHINA: VIEWS ON\nTHE SIX-PARTY TALKS\n",
        "CHINA: VIEWS ON THE SIX-PARTY TALKS",
    ),
    (
        "hand-sbu-line-below",
        "SUBJECT: CHINA: VIEWS\nSensitive but unclassified - entire text.\n",
        "CHINA: VIEWS",
    ),
    (
        "hand-spaced-classification-glued",
        "SUBJECT: CHINA: VIEWS S E C R E T SECTION 02 OF 02\n",
        "CHINA: VIEWS",
    ),
    ("hand-summary-mark-glued", "SUBJECT: CHINA: VIEWS (C) Summary\n", "CHINA: VIEWS"),
    ("hand-paragraph-mark-apart", "SUBJECT: (C/NF)CHINA: VIEWS\n", "CHINA: VIEWS"),
    (
        "hand-wrapped-over-blank-line",
        "SUBJECT: CHINA: VIEWS ON\n\nTHE SIX-PARTY TALKS\n\nREF: BEIJING 700\n",
        "CHINA: VIEWS ON THE SIX-PARTY TALKS",
    ),
    (
        "hand-heading-below-blank-line-is-body",
        "SUBJECT: CHINA: VIEWS ON TALKS\n\nOverview\n",
        "CHINA: VIEWS ON TALKS",
    ),
    (
        "hand-classified-by-misspelt",
        "SUBJECT: CHINA: VIEWS ON TALKS\nClassfied By: Ambassador, reasons 1.4 (b)\n",
        "CHINA: VIEWS ON TALKS",
    ),
    (
        "hand-page-marker-after-last-word",
        "SUBJECT: CHINA: VIEWS ON TALKS IN WASHINGTON BEIJING 00000812 001.2 OF 002\n",
        "CHINA: VIEWS ON TALKS IN WASHINGTON",
    ),
]


@pytest.mark.parametrize(
    ("case", "lines", "subject"), HAND_SUBJECTS, ids=[s[0] for s in HAND_SUBJECTS]
)
def test_hand_subject(case: str, lines: str, subject: str) -> None:
    assert hand_subject(lines) == subject


def test_no_page_subject_holds_what_follows_it() -> None:
    """Over all 1,289 pages read: no subject carries `Classified By`, `REF:` or a row of dashes."""
    leaks = [
        (c.id, c.subject)
        for c in map(page_of, readable_pages())
        if "classified by" in c.subject.lower() or "REF:" in c.subject.upper() or "---" in c.subject
    ]
    assert leaks == []


PAGE_TAGS = [
    # TAGS after routing and E.O. on one line; `TAG` without a colon on the E.O. line.
    ("08BRASILIA429-after-routing-and-eo", ("PREL", "BR", "MARR", "OVIP")),
    ("09STOCKHOLM194-no-colon-on-eo-line", ("PTER", "PGOV", "ASEC", "EFIN", "ENRG", "KCIP", "SW")),
    (
        "09SANTIAGO324-person-after-ovip",
        ("OVIP", "BIDEN, JOSEPH", "PREL", "ECON", "PGOV", "SOCI", "UK", "PK", "AF"),
    ),
    (
        "09BEIJING2963-lower-case-person-in-parentheses",
        (
            "OVIP",
            "STEINBERG, JAMES B.",
            "PREL",
            "PARM",
            "PGOV",
            "ECON",
            "ETRA",
            "MNUC",
            "MARR",
            "CH",
            "JP",
            "KN",
            "KS",
            "IR",
        ),
    ),
    ("09STATE34688-person-in-parentheses", ("OVIP", "CLINTON, HILLARY", "UAE")),
    (
        "09STATE11937-person-and-second-line",
        ("OVIP", "CLINTON, HILLARY", "PREL", "KPAL", "FR", "IR", "RS", "NATO", "UK", "CN"),
    ),
    ("09LONDON2222-typo-POGOV", ("PGOV", "PREL", "MARR", "MOPS", "MCAP", "KNNP", "PARM", "UK")),
    (
        "09BEIRUT818-typo-MOPPS",
        ("PREL", "PGOV", "PINR", "PTER", "MASS", "MARR", "MOPS", "LE", "SY", "IR", "PK", "AF"),
    ),
    ("09LONDON2225-swapped-letters-AGMT", ("ECON", "EINV", "PGOV", "AMGT", "UK")),
    ("09KABUL4150-glued-KDEMAF-and-repeat", ("KDEM", "PGOV", "PINR", "AF")),
    ("09PARIS1267-glued-EINDETRD", ("ECON", "EIND", "ETRD", "KIPR", "PREL", "FR")),
    (
        "05SOFIA1207-words-in-a-comma-list",
        ("PINR", "KCRM", "PGOV", "EINV", "ECON", "KCOR", "BU", "ORGANIZED CRIME"),
    ),
    (
        "05ROME3585-multi-word-tags",
        (
            "PREL",
            "PGOV",
            "CVIS",
            "IT",
            "ITALY",
            "NATIONAL ELECTIONS",
            "ITALIAN POLITICS",
            "IRAQI FREEDOM",
        ),
    ),
    ("05ANKARA7215-unknown-words-kept", ("ECON", "PGOV", "PINR", "TU", "POLITICAL PARTIES")),
    ("08ASTANA338-no-colon-commas", ("PGOV", "PREL", "EPET", "PINR", "KZ")),
    (
        "08PARIS957-two-typos-two-lines",
        (
            "ECON",
            "PINR",
            "KPAL",
            "NATO",
            "OVIP",
            "PGOV",
            "PREL",
            "PTER",
            "SENV",
            "AF",
            "CH",
            "CO",
            "FR",
            "IR",
            "IS",
            "IZ",
            "LE",
            "LG",
            "RS",
            "SR",
            "SU",
            "YI",
        ),
    ),
]


@pytest.mark.parametrize(("case", "tags"), PAGE_TAGS, ids=[t[0] for t in PAGE_TAGS])
def test_page_tags(case: str, tags: tuple[str, ...]) -> None:
    assert page(case.split("-")[0]).tags == tags


HAND_TAGS = [
    ("hand-glued-ITPHUM", "ITPHUM, PREL", ("IT", "PHUM", "PREL")),
    ("hand-repeats-and-lower-case", "PREL PREL, pgov,prel", ("PREL", "PGOV")),
    (
        "hand-human-rights-words",
        "human rights, counter terrorism, PREL",
        ("HUMAN RIGHTS", "COUNTER TERRORISM", "PREL"),
    ),
    ("hand-unknown-code-kept", "PREL, ZZZZ, XX", ("PREL", "ZZZZ", "XX")),
    ("hand-ambiguous-typo-kept", "ETRA", ("ETRA",)),
]


@pytest.mark.parametrize(("case", "text", "tags"), HAND_TAGS, ids=[t[0] for t in HAND_TAGS])
def test_hand_tags(case: str, text: str, tags: tuple[str, ...]) -> None:
    assert parse_tags(text) == tags


@pytest.mark.parametrize(
    ("tag", "meaning"),
    [
        ("PHUM", "human rights"),
        ("MNUC", "military nuclear applications"),
        ("kdem", "democratisation"),
        ("SR", "Serbia"),
        ("ZZZZ", None),
    ],
    ids=["PHUM", "MNUC", "kdem-lower-case", "SR", "unknown"],
)
def test_meanings(tag: str, meaning: str | None) -> None:
    assert describe_tag(tag) == meaning


def test_dictionary_covers_the_shared_corpus() -> None:
    """Every one-word tag of the 1,289 pages read is in the dictionary, but for words kept as
    written because they are no code of the list (named here, each a real cable's)."""
    known = dictionary()
    assert len(known) >= 400
    outside = {
        tag
        for c in map(page_of, readable_pages())
        for tag in c.tags
        if tag not in known and " " not in tag
    }
    assert outside == {
        "BRUSSELS",
        "INTERPOL",
        "MAR",
        "ITALY",
        "IRAJ",
        "SYR",
        "UE",
        "UAE",
        "NAR",
        "ETRA",
        "PAK",
        "OTR",
    }


def test_entities_are_decoded_once_in_the_subject_as_in_the_body() -> None:
    from corpus.formats.text import parse_text

    cable = parse_text(
        "Reference ID: 06MEXICO9\nDate: 2006-05-01\nSubject: AT&amp;amp;T BID\n\n"
        "1. AT&amp;amp;T made a bid.\n",
        "hand.txt",
    )
    assert cable.subject == "AT&amp;T BID"
    assert cable.paragraphs[0].text.startswith("AT&amp;T made a bid")


def test_a_running_subject_header_leaves_the_body() -> None:
    from corpus.subject import without_running_subject

    subject = "NUCLEAR NONPROLIFERATION TREATY (NPT) BILATERALS WITH UK, FRANCE, AND GERMANY"
    lines = [
        "1. (C) He asked us not to let Russia keep us from taking",
        "SUBJECT: NUCLEAR NONPROLIFERATION TREATY (NPT) BILATERALS WITH UK, FRANCE, AND GERMA"
        " credit for our initiatives.",
        "2. (C) Talks went on in the military contrib SUBJECT: NUCLEAR NON PROLIFERATION"
        " TREATY (NPT)",
        "3. (C) The talks stalled over",
        "SUBJECT: NUCLEAR NONPROLIFERATION TREATY (NPT) BILATERALS WITH UK, FRANCE, AND GERMANY",
        "",
        "the wording.",
        "SUBJECT: THE MINISTER'S VISIT TO PARIS, A QUOTED CABLE'S OWN",
        "SUBJECT: NUCLEAR",  # too little of it to tell
    ]
    assert without_running_subject(lines, subject) == [
        "1. (C) He asked us not to let Russia keep us from taking",
        "credit for our initiatives.",
        "2. (C) Talks went on in the military contrib",
        "3. (C) The talks stalled over",
        "the wording.",
        "SUBJECT: THE MINISTER'S VISIT TO PARIS, A QUOTED CABLE'S OWN",
        "SUBJECT: NUCLEAR",
    ]
    # a header line between two sentences keeps the break between them
    after = ["The talks ended.", "SUBJECT: " + subject, "", "Next day they resumed."]
    assert without_running_subject(after, subject) == [
        "The talks ended.",
        "",
        "Next day they resumed.",
    ]


def test_a_section_header_repeated_in_the_body_leaves_it() -> None:
    from corpus.sections import without_section_headers

    subject = "ASSISTANT SECRETARY MEETS WITH OPPOSITION LEADER"
    header = [
        "",
        " CONFIDENTIAL PTQ1865",
        " ACTION AF-00",
        "INFO LOG-00 NP-00 AID-00 /012W O 291359Z NOV 00 FM AMEMBASSY HARARE TO SECSTATE",
        "C O N F I D E N T I A L SECTION 02 OF 03 HARARE 006677",
        "",
        "LONDON FOR CHARLES GURNEY",
        "E.O. 12958: DECL: 11/29/10",
        "TAGS: PGOV PREL ZI",
        " OPPOSITION LEADER",  # what a page break left of the SUBJECT line
    ]
    text = ["5. (C) IF IT WAITS THAT LONG,", *header, "THERE WILL BE NOTHING TO VOTE FOR."]
    assert without_section_headers(text, subject) == [
        "5. (C) IF IT WAITS THAT LONG,",
        "THERE WILL BE NOTHING TO VOTE FOR.",
    ]
    # between two sentences, the break between them stays
    ended = ["5. (C) HE LEFT.", *header, "", "6. (C) THEN HE CAME BACK."]
    assert without_section_headers(ended, subject) == [
        "5. (C) HE LEFT.",
        "",
        "6. (C) THEN HE CAME BACK.",
    ]
    # all-caps text around it stays: a line opening "TO" above, one with "FOR" below
    caps = ["5. (C) WE WOULD LIKE", "TO SEE A DEAL.", *header[1:], "WE ASKED FOR A MEETING."]
    assert without_section_headers(caps, subject) == [
        "5. (C) WE WOULD LIKE",
        "TO SEE A DEAL.",
        "",
        "WE ASKED FOR A MEETING.",
    ]
    # a section of a law, or a section line with no E.O. or TAGS below it, stays
    law = [
        "1. (C) The bill amends",
        "SECTION 3 OF 12 OF THE PENAL CODE, which the minister said",
        "would pass.",
    ]
    assert without_section_headers(law, subject) == law
