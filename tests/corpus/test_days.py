"""A cable's date, written the one way the store and every front end write it."""

from __future__ import annotations

from datetime import datetime

import pytest

from corpus.dates import day_number, day_of_iso, iso_day, shown_day

DAYS = [
    ("06MEXICO3305", datetime(2006, 6, 15, 23, 11), 20060615, "2006-06-15"),
    ("66BUENOSAIRES2481", datetime(1966, 12, 30), 19661230, "1966-12-30"),
    ("10CARACAS107", datetime(2010, 2, 1, 0, 0), 20100201, "2010-02-01"),
]


@pytest.mark.parametrize(("case", "when", "number", "iso"), DAYS, ids=[c[0] for c in DAYS])
def test_day_number_and_iso_day(case: str, when: datetime, number: int, iso: str) -> None:
    assert day_number(when) == number
    assert iso_day(number) == iso == when.date().isoformat()
    assert day_of_iso(iso) == number


SHOWN = [
    ("05PARIS104", 20050107, False, "2005-01-07"),
    ("08STATE15220-year-only", 20080101, True, "2008-01-01 (year only)"),
    ("no-date", None, False, "0000-00-00"),
    ("zero", 0, False, "0000-00-00"),
]


@pytest.mark.parametrize(("case", "day", "approx", "text"), SHOWN, ids=[c[0] for c in SHOWN])
def test_shown_day(case: str, day: int | None, approx: bool, text: str) -> None:
    assert shown_day(day, approx) == text
