"""Text files as users hold them: the record's fields above the telegram, and dates that
are stated, never guessed. Each case names its cable (loaded from the shared corpus) or
the quirk a hand-written imitation reproduces."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import pytest

import corpus
from corpus.formats.text import parse_text
from corpus.models import Cable, ReadError
from tests.conftest import SEED
from tests.corpus.renderings import bare, page, rendered

Expected = dict[str, object]


class Case(NamedTuple):
    name: str  # the cable it comes from (or `hand`) and the quirk it shows
    text: Callable[[], str]
    expect: Expected | Callable[[], Expected]  # a callable when it needs the shared corpus
    year: int | None = None


def read_one(text: str, tmp_path: Path, year: int | None) -> Cable | ReadError:
    path = tmp_path / "cable.txt"
    path.write_bytes(text.encode("utf-8"))
    (result,) = corpus.read(path, year=year)
    return result


def check(case: Case, tmp_path: Path) -> None:
    expect = case.expect() if callable(case.expect) else case.expect
    result = read_one(case.text(), tmp_path, case.year)
    if "error" in expect:
        assert isinstance(result, ReadError), f"expected an error, read {result}"
        assert str(expect["error"]) in result.reason and "\n" not in result.reason
        return
    assert isinstance(result, Cable), str(result)
    got = {
        "id": result.id,
        "date": result.date,
        "approximate": result.date_approximate,
        "origin": result.origin,
        "classification": result.classification,
        "subject": result.subject,
        "tags": result.tags,
        "partial": result.partial,
        "numbers": " ".join(p.number for p in result.paragraphs),
    }
    assert {k: got[k] for k in expect} == expect


def same_as_page(cable_id: str, *fields: str) -> dict[str, object]:
    c = page(cable_id)
    values = {
        "id": c.id,
        "date": c.date,
        "origin": c.origin,
        "classification": c.classification,
        "subject": c.subject,
        "partial": c.partial,
        "numbers": " ".join(p.number for p in c.paragraphs),
        "approximate": False,
    }
    return {k: values[k] for k in fields or values}


ALL = ("id", "date", "origin", "classification", "subject", "partial", "numbers", "approximate")
TELEGRAM = "C O N F I D E N T I A L BEIJING 000812\n\nE.O. 12958: DECL: 03/19/2032\nTAGS: PREL CH\n"
BODY = "SUBJECT: CHINA: VIEWS ON THE SIX-PARTY TALKS\n\n1. (C) Summary: The MFA said little.\n"
HAND = TELEGRAM + BODY


CASES = [
    # -- the record's fields above the telegram ------------------------------------------------
    Case(
        "04ANKARA7211-fields-in-dump-order-ruby-date",
        lambda: rendered("04ANKARA7211"),
        lambda: same_as_page("04ANKARA7211", *ALL),
    ),
    Case(
        "03ABUDHABI2641-fields-in-dump-order",
        lambda: rendered("03ABUDHABI2641"),
        lambda: same_as_page("03ABUDHABI2641", *ALL),
    ),
    Case(
        "04MADRID4687-partial-extract-note",
        lambda: rendered("04MADRID4687"),
        lambda: same_as_page("04MADRID4687", "id", "partial", "numbers", "date"),
    ),
    Case(
        "05PARIS104-labelled-fields",
        lambda: rendered(
            "05PARIS104",
            (
                "Reference ID: 05PARIS104",
                "Subject: FRENCH TERRORISM TRIAL",
                "Date: 2005-01-06 10:10",
                "Classification: CONFIDENTIAL",
                "Origin: Embassy Paris",
            ),
        ),
        {
            "id": "05PARIS104",
            "date": "2005-01-06",
            "subject": "FRENCH TERRORISM TRIAL",
            "classification": "CONFIDENTIAL",
            "origin": "Embassy Paris",
            "approximate": False,
        },
    ),
    Case(
        "05PARIS104-fields-reversed",
        lambda: rendered(
            "05PARIS104",
            (
                "Embassy Paris",
                "CONFIDENTIAL",
                "Thu Jan 06 10:10:00 +0100 2005",
                "FRENCH TERRORISM TRIAL",
                "05PARIS104",
            ),
        ),
        {
            "id": "05PARIS104",
            "date": "2005-01-06",
            "subject": "FRENCH TERRORISM TRIAL",
            "origin": "Embassy Paris",
        },
    ),
    Case(
        "09KUWAIT110-classification-with-caveat",
        lambda: rendered("09KUWAIT110"),
        lambda: same_as_page("09KUWAIT110", "id", "classification", "date"),
    ),
    Case(
        "09STATE11937-origin-secretary-of-state",
        lambda: rendered("09STATE11937"),
        lambda: same_as_page("09STATE11937", "id", "origin", "date"),
    ),
    Case(
        "10RIYADH61-no-subject-line",
        lambda: rendered("10RIYADH61"),
        lambda: same_as_page("10RIYADH61", "id", "subject", "date"),
    ),
    Case(
        "07MADRID210-subject-starting-FM-is-no-routing-line",
        lambda: rendered("07MADRID210"),
        lambda: same_as_page("07MADRID210", "id", "subject", "origin"),
    ),
    Case(
        "hand-iso-date-line",
        lambda: "08BEIJING812\n2008-03-19 10:10\nCONFIDENTIAL\nEmbassy Beijing\n\n" + HAND,
        {
            "id": "08BEIJING812",
            "date": "2008-03-19",
            "approximate": False,
            "origin": "Embassy Beijing",
        },
    ),
    Case(
        "hand-csv-style-date",
        lambda: "Date: 03/19/2008 10:10\nReference ID: 08BEIJING812\n\n" + HAND,
        {"date": "2008-03-19", "id": "08BEIJING812"},
    ),
    Case(
        "hand-released-date-is-not-the-date",
        lambda: "08BEIJING812\nCreated: 2008-03-19\nReleased: 2011-08-30\nCONFIDENTIAL\n\n" + HAND,
        {"date": "2008-03-19"},
    ),
    Case(
        "hand-second-unlabelled-date-is-the-release",
        lambda: (
            "08BEIJING812\nWed Mar 19 10:10:00 +0100 2008\nTue Aug 30 00:00:00 +0100 2011\n\n"
            + HAND
        ),
        {"date": "2008-03-19"},
    ),
    Case(
        "hand-crlf-line-ends",
        lambda: ("08BEIJING812\nWed Mar 19 10:10:00 +0100 2008\nCONFIDENTIAL\n\n" + HAND).replace(
            "\n", "\r\n"
        ),
        {"id": "08BEIJING812", "date": "2008-03-19", "classification": "CONFIDENTIAL"},
    ),
    Case(
        "hand-entity-in-subject-field",
        lambda: "08BEIJING812\nCHINA&#8217;S VIEWS\n2008-03-19\nCONFIDENTIAL\n\n" + HAND,
        {"subject": "CHINA\u2019S VIEWS"},
    ),
    Case(
        "hand-mark-opens-subject-field",
        lambda: "08BEIJING812\n(C/NF) CHINA: VIEWS\n2008-03-19\nSECRET//NOFORN\n\n" + HAND,
        {"subject": "CHINA: VIEWS", "classification": "SECRET//NOFORN"},
    ),
    Case(
        "hand-fields-omitted-stay-unknown",
        lambda: "08BEIJING812\n2008-03-19\n\n" + TELEGRAM + "1. (C) The MFA said little.\n",
        {"subject": "", "origin": "Beijing", "classification": "CONFIDENTIAL"},
    ),
    Case(
        "hand-no-classification-line-no-origin",
        lambda: "08BEIJING812\n2008-03-19\n\nTAGS: PREL CH\n\n1. (C) The MFA said little.\n",
        {"subject": "", "origin": "Unknown", "classification": "UNKNOWN", "tags": ("PREL", "CH")},
    ),
    Case(
        "hand-empty-subject-not-filled-from-next-line",
        lambda: (
            "08BEIJING812\n2008-03-19\n\n"
            + TELEGRAM
            + "SUBJECT:\nClassified By: Ambassador, reasons 1.4 (b)\n\n1. (C) Little.\n"
        ),
        {"subject": ""},
    ),
    Case(
        "hand-empty-subject-then-running-text-is-no-subject",
        lambda: (
            "08BEIJING812\n2008-03-19\n\n"
            + TELEGRAM
            + "SUBJECT:\n\nThe MFA said little about the talks today,\nand less about the visit.\n"
        ),
        {"subject": "", "numbers": "1"},
    ),
    Case("hand-one-stray-line-is-no-block", lambda: "CONFIDENTIAL\n" + HAND, {"error": "no date"}),
    Case(
        "09ISLAMABAD3037-guardian-date-above-the-telegram",
        lambda: bare("09ISLAMABAD3037"),
        {"id": "09ISLAMABAD3037", "date": "2009-12-18", "approximate": False},
    ),
    # -- dates: stated, or the year certain and marked, or a one-line error ------------------------
    Case(
        "04ANKARA7211-bare-decl-2029-is-no-date", lambda: bare("04ANKARA7211"), {"error": "no date"}
    ),
    Case(
        "03ABUDHABI2641-bare-decl-2008-is-no-date",
        lambda: bare("03ABUDHABI2641"),
        {"error": "Date:"},
    ),
    Case(
        "66BUENOSAIRES2481-bare-nara-declassification",
        lambda: bare("66BUENOSAIRES2481"),
        {"error": "no date"},
    ),
    Case("86MADRID5480-bare-decl-oadr", lambda: bare("86MADRID5480"), {"error": "no date"}),
    Case(
        "08STATE116943-date-of-source-is-not-the-date",
        lambda: bare("08STATE116943"),
        {"error": "no date"},
    ),
    Case(
        "04ANKARA7211-bare-with-year-hint",
        lambda: bare("04ANKARA7211"),
        {"id": "04ANKARA7211", "date": "2004-01-01", "approximate": True},
        2004,
    ),
    Case(
        "04ANKARA7211-stated-id-gives-the-year",
        lambda: "04ANKARA7211\n" + bare("04ANKARA7211"),
        {"id": "04ANKARA7211", "date": "2004-01-01", "approximate": True},
    ),
    Case(
        "04ANKARA7211-labelled-id-beats-year-hint",
        lambda: "Reference ID: 04ANKARA7211\n" + bare("04ANKARA7211"),
        {"id": "04ANKARA7211", "approximate": True, "date": "2004-01-01"},
        1999,
    ),
    Case(
        "07PARIS2725-mislabelled-page-text-is-its-own-cable",
        lambda: bare("07PARIS2725"),
        {"id": "07MOSCOW5154", "approximate": False},
    ),
    Case(
        "09CHISINAU694-mislabelled-page-text-is-its-own-cable",
        lambda: bare("09CHISINAU694"),
        {"id": "09ULAANBAATAR234", "date": "2009-08-13"},
    ),
    Case(
        "06MEXICO3305-seed-dtg-beats-year-hint",
        lambda: SEED.read_text(encoding="utf-8"),
        {"id": "06MEXICO3305", "date": "2006-06-15", "approximate": False},
        1999,
    ),
    Case(
        "hand-dtg-line",
        lambda: "O 191010Z MAR 08\nFM AMEMBASSY BEIJING\n" + HAND,
        {"id": "08BEIJING812", "date": "2008-03-19", "origin": "Embassy Beijing"},
    ),
    Case(
        "hand-labelled-date-in-telegram-header",
        lambda: TELEGRAM + "DATE: 2008-03-19\n" + BODY,
        {"id": "08BEIJING812", "date": "2008-03-19"},
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_text_file(case: Case, tmp_path: Path) -> None:
    check(case, tmp_path)


def test_year_hint_reaches_folders(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text(HAND.replace("BEIJING 000812", "BEIJING 000813"))
    (tmp_path / "b.txt").write_text(HAND)
    got = [c.id for c in corpus.read(tmp_path, year=2008) if isinstance(c, Cable)]
    assert got == ["08BEIJING813", "08BEIJING812"]


def test_parse_text_takes_the_hint_too() -> None:
    assert parse_text(HAND, "x", year=2008).date_approximate
