"""Dates read from a question, as the inclusive range a reader would mean.

"since March 2008" starts on 2008-03-01 and stays open; "after February 2008"
starts the day after February ends; "before 1991" ends on 1990-12-31;
"between March and June 2008", "from 2005 to 2007" and "2005-2007" are ranges;
"in the 1990s", "early 2008", "late 2009", "the last week of March 2008",
"the first half of 2007", "Q3 2008" and "spring 2006" are periods. A bare year
is a date only after a word that makes it one ("in 2009", "2009 cables"): "the
2004 Madrid bombing" names an event, not a filter. A date its clause looks ahead to
("might sign more pacts with the FDP in 2013", "who would win the election in 2012")
names when something was planned or foreseen, which cables written before it discuss:
it is no date of the question's (`prospective`).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta

Span = tuple[int, int]

YEAR = r"(?:19[6-9]\d|20[0-2]\d)"
MONTHS = {
    name: i
    for i, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")"
_DECADE_WORDS = {"sixties": 1960, "seventies": 1970, "eighties": 1980, "nineties": 1990}
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1, "final": -1}
_SEASONS = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}
_EDGES = {"early": 0, "beginning": 0, "start": 0, "mid": 1, "middle": 1, "late": 2, "end": 2}

_POINT = re.compile(
    rf"""(?<![\w'])
    (?:(?P<the>the)\s+)?
    (?:
        (?P<edge>early|mid|late|(?:beginning|start|middle|end)\s+of)(?:-|\s+)(?:the\s+)?
      | (?P<week>first|second|third|fourth|last|final)\s+week\s+(?:of|in)\s+
      | (?P<part>first|second|third|fourth|last|final)\s+(?P<unit>half|quarter)\s+of\s+
      | (?P<season>spring|summer|autumn|fall)\s+(?:of\s+)?
    )?
    (?:
        (?P<iso>{YEAR})-(?P<isom>0[1-9]|1[0-2])(?:-(?P<isod>[0-3]\d))?(?![\d-])
      | (?P<d1>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<m1>{MONTH})\.?,?\s+(?P<y1>{YEAR})
      | (?P<m2>{MONTH})\.?\s+(?P<d2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+(?P<y2>{YEAR})
      | (?P<m3>{MONTH})\.?,?\s+(?:of\s+)?(?P<y3>{YEAR})
      | Q(?P<q>[1-4])\s+(?P<y4>{YEAR})
      | (?P<dec>(?:19|20)\d0|'\d0|(?<=the\s)[6-9]0)'?s
      | (?P<decw>sixties|seventies|eighties|nineties)
      | (?P<y5>{YEAR})
      | (?P<m6>{MONTH})\b\.?
    )(?!\w)""",
    re.IGNORECASE | re.VERBOSE,
)
# The word before a date says which way it points.
_CUE = re.compile(
    r"(?:^|(?<=\W))(?P<op>since|as\s+of|after|later\s+than|before|prior\s+to|earlier\s+than|"
    r"until|till|til|through|thru|up\s+to|in|during|of|from|about|around|on|throughout|"
    r"within|between)\s+$",
    re.IGNORECASE,
)
_OPS = {
    "since": "since",
    "as of": "since",
    "after": "after",
    "later than": "after",
    "before": "before",
    "prior to": "before",
    "earlier than": "before",
    "until": "until",
    "till": "until",
    "til": "until",
    "through": "until",
    "thru": "until",
    "up to": "until",
}
_JOIN = re.compile(r"\s*(?P<join>and|to|until|till|through|thru|[-–—])\s*", re.IGNORECASE)
_NOUN_AFTER = re.compile(r"\s+(?:cables?|reporting|telegrams?)\b", re.IGNORECASE)
_BETWEEN_ENDS = re.compile(r"\s*,?\s*(?:(?:and|but)\s+)?$", re.IGNORECASE)
# A word looking ahead, with no clause break ("," ";" ":" "?" "that") between it and
# the date. Not "may" (the month), "due" ("due to": because) nor "plan" (most often
# the noun: "NATO's defence plan to cover the Baltic states in late 2009").
_AHEAD = re.compile(
    r"\b(?:will|would|might|could|shall|going\s+to|planned|planning|intends?|intended|"
    r"expects?|expected|expecting|predicts?|predicted|anticipated?|(?:hopes?|hoped)\s+to|"
    r"scheduled|upcoming|next)\b(?:(?![,;:?]|\bthat\b).)*$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class DateRange:
    since: str | None
    until: str | None
    span: Span


@dataclass(frozen=True, slots=True)
class _Point:
    """One date expression: its first and last day (None for a month without a year)."""

    start: int
    end: int
    first: date | None
    last: date | None
    month: int | None  # a month named without a year ("between March and June 2008")
    standalone: bool  # a date even with no cue word before it ("the May 2010 election")
    event: bool = False  # "after the February 2010 earthquake": the event's date, not a bound


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _edge(first: date, last: date, unit: str, which: int) -> tuple[date, date]:
    """Early, mid or late in a period: thirds of a month or a year, 3-3-4 years of a decade."""
    if unit == "decade":
        lo, hi = ((0, 3), (4, 6), (7, 9))[which]
        return date(first.year + lo, 1, 1), date(first.year + hi, 12, 31)
    if unit == "year":
        lo, hi = ((1, 4), (5, 8), (9, 12))[which]
        return date(first.year, lo, 1), _month_end(first.year, hi)
    if unit == "month":
        days = ((1, 10), (11, 20), (21, last.day))[which]
        return first.replace(day=days[0]), first.replace(day=days[1])
    return first, last


def _week(first: date, last: date, nth: int) -> tuple[date, date]:
    if nth < 0:
        return last - timedelta(days=6), last
    start = first + timedelta(days=7 * (nth - 1))
    return start, min(start + timedelta(days=6), last)


def _part(first: date, last: date, unit: str, nth: int, part: str) -> tuple[date, date]:
    """The first half, the third quarter... of a year (a month: its halves only)."""
    if unit == "month":
        if part != "half":
            return first, last
        return (first, first.replace(day=15)) if nth == 1 else (first.replace(day=16), last)
    size = 6 if part == "half" else 3
    count = 12 // size
    nth = count if nth < 0 else min(nth, count)
    month = 1 + size * (nth - 1)
    return date(first.year, month, 1), _month_end(first.year, month + size - 1)


def _base(m: re.Match[str]) -> tuple[date, date, str] | None:
    """The period the core of a match names, and its unit."""
    if m["iso"]:
        year, month = int(m["iso"]), int(m["isom"])
        if m["isod"]:
            day = date(year, month, int(m["isod"]))
            return day, day, "day"
        return date(year, month, 1), _month_end(year, month), "month"
    if m["y1"] or m["y2"]:
        month = MONTHS[(m["m1"] or m["m2"]).lower()]
        day = date(int(m["y1"] or m["y2"]), month, int(m["d1"] or m["d2"]))
        return day, day, "day"
    if m["y3"]:
        year, month = int(m["y3"]), MONTHS[m["m3"].lower()]
        return date(year, month, 1), _month_end(year, month), "month"
    if m["q"]:
        year, q = int(m["y4"]), int(m["q"])
        return date(year, 3 * q - 2, 1), _month_end(year, 3 * q), "quarter"
    if m["dec"] or m["decw"]:
        if m["decw"]:
            start = _DECADE_WORDS[m["decw"].lower()]
        else:
            digits = m["dec"].lstrip("'")
            start = int(digits) if len(digits) == 4 else 1900 + int(digits)
        return date(start, 1, 1), date(start + 9, 12, 31), "decade"
    if m["y5"]:
        year = int(m["y5"])
        return date(year, 1, 1), date(year, 12, 31), "year"
    return None


def _point(text: str, m: re.Match[str], cued: bool) -> _Point | None:
    month_word = m["m1"] or m["m2"] or m["m3"] or m["m6"]
    qualified = bool(m["edge"] or m["week"] or m["part"] or m["season"])
    if month_word and month_word.islower() and not (cued or qualified):
        return None  # "officials may 2010 budget cuts": the verb, not the month
    if m["m6"]:
        if qualified:
            return None
        return _Point(m.start(), m.end(), None, None, MONTHS[m["m6"].lower()], False)
    if m["y5"] and m["the"] and not qualified:
        return None  # "after the 2004 bombing": an event's year, not a date filter
    try:
        base = _base(m)
    except ValueError:  # 2008-02-30, 31 June 2008
        return None
    if base is None:
        return None
    first, last, unit = base
    try:
        if m["edge"]:
            first, last = _edge(first, last, unit, _EDGES[m["edge"].split()[0].lower()])
        elif m["week"] and unit in ("month", "year"):
            first, last = _week(first, last, _ORDINALS[m["week"].lower()])
        elif m["part"] and unit in ("month", "year"):
            nth = _ORDINALS[m["part"].lower()]
            first, last = _part(first, last, unit, nth, m["unit"].lower())
        elif m["season"] and unit == "year":
            month = _SEASONS[m["season"].lower()]
            first, last = date(first.year, month, 1), _month_end(first.year, month + 2)
    except ValueError:
        return None
    standalone = qualified or bool(m["iso"] or m["q"])
    standalone |= bool(month_word and month_word[0].isupper() and unit in ("day", "month"))
    standalone |= bool(_NOUN_AFTER.match(text, m.end()))
    event = bool(m["the"]) and not qualified and unit in ("day", "month")
    return _Point(m.start(), m.end(), first, last, None, standalone, event)


FIRST_YEAR, LAST_YEAR = 1900, 2100
"""The years a date option may name: any other is a typo (`09-02-01` is no year 9, and a
filter from year 9 would silently admit every cable)."""


def parse_option(value: str, *, end: bool = False) -> str:
    """A date option, YYYY, YYYY-MM or YYYY-MM-DD with a year of four digits from
    `FIRST_YEAR` to `LAST_YEAR`, as one day: the first of the period, or with `end` its
    last (`--until 2008-02` is 2008-02-29). ValueError if not such a date. The CLI, the
    server and the TUI's filter panel all read dates with it."""
    parts = value.strip().split("-")
    if len(parts[0]) != 4 or not parts[0].isdigit() or not FIRST_YEAR <= int(parts[0]) <= LAST_YEAR:
        raise ValueError(value)
    numbers = [int(part) for part in parts]
    if len(numbers) == 1:
        day = date(numbers[0], 12, 31) if end else date(numbers[0], 1, 1)
    elif len(numbers) == 2:
        day = _month_end(*numbers) if end else date(numbers[0], numbers[1], 1)
    elif len(numbers) == 3:
        day = date(*numbers)
    else:
        raise ValueError(value)
    return day.isoformat()


def _cue(text: str, start: int) -> tuple[str | None, int]:
    """The word before a date that says how to read it, and where that word starts."""
    if c := _CUE.search(text, max(0, start - 20), start):
        op = re.sub(r"\s+", " ", c["op"].lower())
        return op, c.start()
    return None, start


def _range_end(text: str, p: _Point, op: str | None) -> _Point | None:
    """The second end of "between X and Y", "from X to Y", "X-Y"."""
    j = _JOIN.match(text, p.end)
    if j is None or (j["join"].lower() == "and") != (op == "between"):
        return None
    if op not in (None, "between", "from", "in", "during", "since"):
        return None
    m2 = _POINT.match(text, j.end())
    if m2 is None:
        return None
    q = _point(text, m2, True)
    if q is None or q.first is None or q.last is None:
        return None
    return q


def _resolve_month(p: _Point, partner: _Point) -> _Point:
    """A month named without a year takes the year of the range's other end."""
    if p.month is None or partner.first is None:
        return p
    year = partner.first.year - (p.month > partner.first.month)
    return _Point(p.start, p.end, date(year, p.month, 1), _month_end(year, p.month), None, True)


def _read(text: str, m: re.Match[str]) -> tuple[date | None, date | None, Span] | None:
    """The range one match means, read with its cue word and a range partner."""
    op, op_start = _cue(text, m.start())
    p = _point(text, m, op is not None)
    if p is None:
        return None
    begin = op_start if op is not None else p.start
    if (q := _range_end(text, p, op)) is not None:
        p = _resolve_month(p, q)
        if p.first is not None and p.last is not None and q.first and q.last:
            return min(p.first, q.first), max(p.last, q.last), (begin, q.end)
    if p.first is None or p.last is None:
        return None
    kind = "in" if p.event else _OPS.get(op or "", "in")
    if op is None and not p.standalone:
        return None
    if kind == "since":
        return p.first, None, (begin, p.end)
    if kind == "after":
        return p.last + timedelta(days=1), None, (begin, p.end)
    if kind == "before":
        return None, p.first - timedelta(days=1), (begin, p.end)
    if kind == "until":
        return None, p.last, (begin, p.end)
    return p.first, p.last, (begin, p.end)


def parse_dates(text: str) -> DateRange | None:
    """The first date expression, as an inclusive ISO range (open ends as None), that
    is not `prospective`.

    An open range followed by one open the other way joins it: "after 2005 and
    before 2008" is 2006-01-01 to 2007-12-31.
    """
    pos = 0
    while (m := _POINT.search(text, pos)) is not None:
        found = _read(text, m)
        if found is None:
            pos = m.end() if m.end() > m.start() else m.start() + 1
            continue
        since, until, (start, end) = found
        if prospective(text, start):
            pos = end
            continue
        if (since is None) != (until is None):
            nxt = _POINT.search(text, end)
            if nxt is not None and _BETWEEN_ENDS.match(_cue_free(text, end, nxt.start())):
                other = _read(text, nxt)
                if other is not None and (other[0] is None) != (since is None):
                    since, until = since or other[0], until or other[1]
                    end = other[2][1]
        return DateRange(_iso(since), _iso(until), (start, end))
    return None


def prospective(text: str, start: int) -> bool:
    """Whether the date starting at `start` is one its clause looks ahead to ("expected
    to announce in 1990", "would win the election in 2012"): the time of a plan or a
    forecast, which cables dated before it report, not the time the question is about.
    Left as a date, one after the store's last cable refused questions it answers."""
    return _AHEAD.search(text, max(0, start - 80), start) is not None


def _cue_free(text: str, start: int, end: int) -> str:
    """The text between two dates, less the second date's cue word."""
    _, op_start = _cue(text, end)
    return text[start:op_start] if op_start >= start else ""


def _iso(day: date | None) -> str | None:
    return None if day is None else day.isoformat()
