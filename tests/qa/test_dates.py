"""Dates read from a question: each phrasing gives the range a reader would mean."""

from __future__ import annotations

import pytest

from qa.dates import parse_dates

N = None
PHRASINGS = [
    # (case, question, since, until)
    ("since month", "cables from Paris since March 2008", "2008-03-01", N),
    ("since month lower", "reporting since march 2008 on Iran", "2008-03-01", N),
    ("since year", "Norwegian aid since 2008", "2008-01-01", N),
    ("since day", "what changed since 2008-03-15?", "2008-03-15", N),
    ("since day words", "since 15 March 2008", "2008-03-15", N),
    ("as of", "as of June 2009", "2009-06-01", N),
    ("after month", "cables after February 2008", "2008-03-01", N),
    ("after leap month", "after February 2007", "2007-03-01", N),
    ("after year", "Venezuelan oil after 2009", "2010-01-01", N),
    ("after mid-year", "what happened after mid-2008", "2008-09-01", N),
    ("later than", "anything later than 2006", "2007-01-01", N),
    ("before year", "apartheid talks before 1991", N, "1990-12-31"),
    ("before month", "before March 2008", N, "2008-02-29"),
    ("before day", "before March 15, 2008", N, "2008-03-14"),
    ("prior to", "reporting prior to 2003", N, "2002-12-31"),
    ("earlier than", "cables earlier than May 2005", N, "2005-04-30"),
    ("until month", "until March 2008", N, "2008-03-31"),
    ("until year", "from Madrid until 2004", N, "2004-12-31"),
    ("through year", "through 2007", N, "2007-12-31"),
    ("up to", "up to June 2006", N, "2006-06-30"),
    ("through end of", "through the end of 2008", N, "2008-12-31"),
    ("between years", "prosecutors between 2005 and 2007", "2005-01-01", "2007-12-31"),
    ("between reversed", "between 2007 and 2005", "2005-01-01", "2007-12-31"),
    ("between months", "between March and June 2008", "2008-03-01", "2008-06-30"),
    ("between month years", "between March 2008 and June 2009", "2008-03-01", "2009-06-30"),
    ("from to years", "terror trials from 2003 to 2004", "2003-01-01", "2004-12-31"),
    ("from to months", "from March to June 2008", "2008-03-01", "2008-06-30"),
    ("from to across new year", "from November to February 2008", "2007-11-01", "2008-02-29"),
    ("from through", "from 2005 through 2007", "2005-01-01", "2007-12-31"),
    ("from until", "from May 2006 until August 2006", "2006-05-01", "2006-08-31"),
    ("year dash year", "2005-2007 reporting on ETA", "2005-01-01", "2007-12-31"),
    ("year en dash year", "in 2005–2007", "2005-01-01", "2007-12-31"),
    ("after and before", "after 2005 and before 2008", "2006-01-01", "2007-12-31"),
    ("since until", "since March 2006, until 2007", "2006-03-01", "2007-12-31"),
    ("in year", "What did Nazarbayev say about Iran in 2009?", "2009-01-01", "2009-12-31"),
    ("year cables", "2009 cables on Saudi succession", "2009-01-01", "2009-12-31"),
    ("in month", "border security cables from June 2006", "2006-06-01", "2006-06-30"),
    ("month abbreviation", "what about Sept. 2005?", "2005-09-01", "2005-09-30"),
    ("month of year", "in March of 2006", "2006-03-01", "2006-03-31"),
    ("capital month anywhere", "the May 2010 parliamentary election", "2010-05-01", "2010-05-31"),
    (
        "capital month of event",
        "the accord of the December 2009 summit",
        "2009-12-01",
        "2009-12-31",
    ),
    (
        "capital month after of",
        "ETA's ceasefire announcement of March 2006",
        "2006-03-01",
        "2006-03-31",
    ),
    ("event after", "looting after the February 2010 earthquake", "2010-02-01", "2010-02-28"),
    ("event before", "just before the January 2010 London gathering", "2010-01-01", "2010-01-31"),
    ("on day", "the meeting on 15 March 2008", "2008-03-15", "2008-03-15"),
    ("on us day", "on March 15, 2008", "2008-03-15", "2008-03-15"),
    ("iso month", "in 2008-03", "2008-03-01", "2008-03-31"),
    ("decade", "ETA in the 1990s", "1990-01-01", "1999-12-31"),
    ("decade apostrophe", "what happened in the '90s", "1990-01-01", "1999-12-31"),
    ("decade words", "in the nineties", "1990-01-01", "1999-12-31"),
    ("since decade", "since the 1990s", "1990-01-01", N),
    ("early decade", "in the early 1990s", "1990-01-01", "1993-12-31"),
    ("late decade", "during the late 1990s", "1997-01-01", "1999-12-31"),
    ("early year", "cables from early 2008", "2008-01-01", "2008-04-30"),
    ("mid year", "in mid-2007", "2007-05-01", "2007-08-31"),
    ("late year", "Iran talks in late 2009", "2009-09-01", "2009-12-31"),
    ("late year bare", "late 2009 elections", "2009-09-01", "2009-12-31"),
    ("early month", "in early March 2008", "2008-03-01", "2008-03-10"),
    ("late month", "late February 2008", "2008-02-21", "2008-02-29"),
    ("end of year", "at the end of 2008", "2008-09-01", "2008-12-31"),
    ("beginning of year", "at the beginning of 2006", "2006-01-01", "2006-04-30"),
    ("last week of month", "the last week of March 2008", "2008-03-25", "2008-03-31"),
    ("first week of month", "in the first week of June 2006", "2006-06-01", "2006-06-07"),
    ("second week of month", "during the second week of May 2005", "2005-05-08", "2005-05-14"),
    ("last week of year", "in the last week of 2008", "2008-12-25", "2008-12-31"),
    ("first half", "in the first half of 2007", "2007-01-01", "2007-06-30"),
    ("second half", "in the second half of 2007", "2007-07-01", "2007-12-31"),
    ("third quarter", "the third quarter of 2008", "2008-07-01", "2008-09-30"),
    ("q notation", "Q3 2008 oil exports", "2008-07-01", "2008-09-30"),
    ("season", "spring 2006 talks", "2006-03-01", "2006-05-31"),
    ("season of", "in the fall of 2008", "2008-09-01", "2008-11-30"),
    (
        "look-ahead before a clause break",
        "Which talks were planned, and what did they agree in March 2009?",
        "2009-03-01",
        "2009-03-31",
    ),
    (
        "plan the noun",
        "What did the envoys say of NATO's defence plan to cover the Baltics in late 2009?",
        "2009-09-01",
        "2009-12-31",
    ),
    (
        "look-ahead only for the later date",
        "What did he say in 2009 about the pacts he might sign in 2013?",
        "2009-01-01",
        "2009-12-31",
    ),
]


@pytest.mark.parametrize(
    ("case", "question", "since", "until"), PHRASINGS, ids=[p[0] for p in PHRASINGS]
)
def test_phrasing_gives_the_range_meant(
    case: str, question: str, since: str | None, until: str | None
) -> None:
    found = parse_dates(question)
    assert found is not None, question
    assert (found.since, found.until) == (since, until), question
    start, end = found.span
    assert question[start:end].strip() == question[start:end] != ""


NOT_DATES = [
    ("event year", "What happened after the 2004 Madrid train bombing investigation?"),
    ("verb may", "Which officials may 2010 budget cuts affect?"),
    ("resolution number", "What does resolution 1701 require?"),
    ("no date at all", "Who replaced the chief prosecutor of the National Court?"),
    ("bare year", "the 2006 budget law"),
    ("month without year", "what did they say in March?"),
    ("ages", "men in their 20s"),
    ("impossible day", "on 31 June 2008"),
    # a year its clause looks ahead to: when a plan or forecast was for, not a date of
    # the question's (a year after the store's last cable refused the question)
    ("a plan's year", "Why did the press seize on his remark that he might sign pacts in 2013?"),
    ("a forecast's year", "Who did officials think would win the presidential election in 2012?"),
    ("an expectation", "What did the embassy expect de Klerk to announce in 1990?"),
    ("scheduled", "What was scheduled for the summit in June 2011?"),
]


@pytest.mark.parametrize(("case", "question"), NOT_DATES, ids=[c[0] for c in NOT_DATES])
def test_not_a_date(case: str, question: str) -> None:
    assert parse_dates(question) is None


OPTIONS = [
    ("year", "2008", False, "2008-01-01"),
    ("year end", "2008", True, "2008-12-31"),
    ("month", "2008-02", False, "2008-02-01"),
    ("leap month end", "2008-02", True, "2008-02-29"),
    ("december end", "2008-12", True, "2008-12-31"),
    ("day", "2008-03-15", True, "2008-03-15"),
]


@pytest.mark.parametrize(("case", "value", "end", "expected"), OPTIONS, ids=[o[0] for o in OPTIONS])
def test_date_options(case: str, value: str, end: bool, expected: str) -> None:
    from qa.dates import parse_option

    assert parse_option(value, end=end) == expected


@pytest.mark.parametrize(
    "value",
    # a two-digit year is no year 9 (the CLI, the server and the TUI panel all read dates so)
    ["2006-13-40", "2008-02-30", "March", "2008-1-2-3", "", "09-02-01", "9", "1899", "2101"],
)
def test_bad_date_options(value: str) -> None:
    from qa.dates import parse_option

    with pytest.raises(ValueError):
        parse_option(value)
