"""Date lines as the renderings of the release write them, read whole or not at all;
and a cable's date written the one way the store and every front end write it.

A line counts as a date only when the whole line is one (after an optional
label such as `Date:`): a date inside prose says when something happened, not
when the cable was written.
"""

from __future__ import annotations

import re
from datetime import datetime

MONTH = (
    r"(?P<mon>Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
WEEKDAY = r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?[ \t]+)?"
CLOCK = r"(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::\d{2}(?:\.\d+)?)?"
ZONE = r"(?:[ \t]*(?:Z|UTC|GMT|[+-]\d{2}:?\d{2}))?"
LABELS = r"Date|Created|Sent|Date[ \t]+created|Created[ \t]+on|Date/time"
DATE_LABEL = re.compile(rf"^[ \t]*(?:(?:{LABELS})[ \t]*:[ \t]*)?", re.IGNORECASE)
RELEASED_LABEL = re.compile(r"^[ \t]*(?:Released|Release[ \t]+date)[ \t]*:", re.IGNORECASE)
# `Mon Mar 19 10:10:00 +0100 2007`: Ruby's `Time#to_s`, used by text dumps of the release.
RUBY_DATE = re.compile(
    rf"{WEEKDAY}{MONTH}[ \t]+(?P<day>\d{{1,2}})[ \t]+{CLOCK}{ZONE}[ \t]+(?P<year>\d{{4}})",
    re.IGNORECASE,
)
# `2007-03-19`, `2007-03-19 10:10`, `2007-03-19T10:10:00Z`.
ISO_DATE = re.compile(
    rf"(?P<year>\d{{4}})-(?P<month>\d{{1,2}})-(?P<day>\d{{1,2}})(?:[ T]{CLOCK}{ZONE})?"
)
# `03/19/2007 10:10`, the layout of the full release's csv.
US_DATE = re.compile(
    rf"(?P<month>\d{{1,2}})/(?P<day>\d{{1,2}})/(?P<year>\d{{4}})(?:[ \t]+{CLOCK})?"
)
# `Friday, 18 December 2009, 11:04` and `19 March 2007`.
DAY_MONTH_DATE = re.compile(
    rf"{WEEKDAY}(?P<day>\d{{1,2}})[ \t]+{MONTH},?[ \t]+(?P<year>\d{{4}})(?:,?[ \t]+{CLOCK}{ZONE})?",
    re.IGNORECASE,
)
# `March 19, 2007` and `Monday, March 19, 2007 10:10`.
MONTH_DAY_DATE = re.compile(
    rf"{WEEKDAY}{MONTH}[ \t]+(?P<day>\d{{1,2}}),?[ \t]+(?P<year>\d{{4}})(?:,?[ \t]+{CLOCK}{ZONE})?",
    re.IGNORECASE,
)
DATE_SHAPES = (RUBY_DATE, ISO_DATE, US_DATE, DAY_MONTH_DATE, MONTH_DAY_DATE)
MONTH_NAMES = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTHS = {name: number for number, name in enumerate(MONTH_NAMES, 1)}
# Cables of the release run from 1966 to 2010; a year far outside is not a cable's date.
FIRST_YEAR, LAST_YEAR = 1940, 2030


def full_year(year: int) -> int:
    """A year as cables write it, two digits or four: 06 → 2006, 66 → 1966, 2006 → 2006."""
    return year + (2000 if year < 50 else 1900 if year < 100 else 0)


def parse_date_line(line: str) -> datetime | None:
    """The date a line consists of (after an optional label), or None.

    Time zones are dropped: the wall-clock time as written is kept, so a page's
    `Created` time and a rendering of it agree.
    """
    if len(line) > 120 or RELEASED_LABEL.match(line):
        return None
    text = DATE_LABEL.sub("", line, count=1).strip().rstrip(".")
    for shape in DATE_SHAPES:
        match = shape.fullmatch(text)
        if match:
            return date_from(match)
    return None


def date_from(match: re.Match[str]) -> datetime | None:
    """A datetime from a match with `year`, `day` and `month` or `mon` (and maybe a clock)."""
    groups = match.groupdict()
    month = MONTHS.get(groups["mon"][:3].upper(), 0) if groups.get("mon") else groups.get("month")
    hour, minute = groups.get("hour"), groups.get("minute")
    try:
        stamp = datetime(
            int(match["year"]),
            int(month or 0),
            int(match["day"]),
            int(hour or 0),
            int(minute or 0),
        )
    except ValueError:
        return None
    return stamp if FIRST_YEAR <= stamp.year <= LAST_YEAR else None


YEAR_ONLY = " (year only)"
"""Beside a date of which only the year is certain (`Cable.date_approximate`)."""


def day_number(when: datetime) -> int:
    """yyyymmdd, as the ledger's `date` column keeps a day: it sorts and compares as
    days do, so date filters are integer ranges."""
    return int(when.strftime("%Y%m%d"))


def day_of_iso(iso: str) -> int:
    """yyyymmdd from `YYYY-MM-DD` (a filter's date): `iso_day` the other way."""
    return int(iso.replace("-", ""))


def iso_day(day: int | None) -> str:
    """`YYYY-MM-DD` from a yyyymmdd day (`0000-00-00` for none): how every front end,
    the JSON output and the HTTP API write a cable's date."""
    d = str(int(day or 0)).zfill(8)
    return f"{d[:4]}-{d[4:6]}-{d[6:]}"


def shown_day(day: int | None, approximate: bool = False) -> str:
    """`iso_day`, saying so when only the year is certain: for people, not for JSON."""
    return iso_day(day) + (YEAR_ONLY if approximate else "")
