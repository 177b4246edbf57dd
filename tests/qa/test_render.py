"""Output: citations, emphasis, and cable text that cannot act on the terminal."""

from __future__ import annotations

import pytest
from rich.console import Console

from qa.answer import Answer, Filters, Hit
from qa.filter_words import filter_lines, nothing_found
from qa.render import render_markdown, render_text


def hit(text: str, highlight: tuple[int, int], **kw: str) -> Hit:
    return Hit(
        rank=1,
        cable_id="06MEXICO3305",
        paragraph="4",
        score=0.81234,
        text=text,
        highlight=highlight,
        subject=kw.get("subject", "BORDER SECURITY"),
        date="2006-06-15",
        origin="Embassy Mexico",
        classification="CONFIDENTIAL",
        tags=("PREL", "SMIG"),
    )


def plain(text: object) -> str:
    console = Console(width=200, color_system=None, force_terminal=False)
    with console.capture() as cap:
        console.print(text)
    return cap.get()


def test_render_text_emphasises_the_sentence_and_cites() -> None:
    text = "Criminals exploit weak points. We need accountability now. Nothing else."
    answer = Answer("q", Filters(), True, (hit(text, (31, 58)),))
    out = render_text(answer)
    rendered = plain(out)
    assert "06MEXICO3305 ¶4" in rendered
    assert "2006-06-15 · Embassy Mexico · CONFIDENTIAL" in rendered
    emphasised = [out.plain[s.start : s.end] for s in out.spans if "yellow" in str(s.style)]
    assert emphasised == ["We need accountability now."]


def test_markup_in_cable_text_stays_literal() -> None:
    text = "[bold red]not markup[/] and [link=http://x]y[/link] \x1b]0;title\x07"
    out = render_text(Answer("q", Filters(), True, (hit(text, (0, 5), subject="[b]S[/b]"),)))
    rendered = plain(out)
    assert "[bold red]not markup[/]" in rendered
    assert "[b]S[/b]" in rendered
    assert "\x1b" not in rendered and "\x07" not in rendered


def test_unanswered_says_so_then_lists_candidates() -> None:
    filters = Filters(since="2008-03-01", inferred=("since",))
    answer = Answer("q", filters, False, (hit("Some text.", (0, 10)),))
    rendered = plain(render_text(answer))
    lines = rendered.splitlines()
    assert lines[0] == "filters read from the question: since 2008-03-01 preferred"
    assert lines[1].startswith("Nothing strong found")
    assert "06MEXICO3305 ¶4" in lines[2]


def test_markdown_quotes_and_cites() -> None:
    md = render_markdown(Answer("Who *pays*?", Filters(), True, (hit("A *b* c.\nD.", (0, 8)),)))
    assert md.splitlines()[0] == "**Q:** Who \\*pays\\*?"
    # the answering sentence in bold, the cable's own asterisks escaped
    assert "> **A \\*b\\* c.**\n> D.\n>\n> — **06MEXICO3305 ¶4**, BORDER SECURITY" in md


def test_markdown_bold_spans_lines_and_hugs_words() -> None:
    md = render_markdown(Answer("q", Filters(), True, (hit("One. Two\nthree. Four.", (5, 16)),)))
    assert "> One. **Two**\n> **three.** Four." in md


FILTER_LINES = [
    (
        "05PARIS104_read",
        Filters(since="2008-03-01", origin="Embassy Paris", inferred=("since", "origin")),
        ["filters read from the question: since 2008-03-01 preferred · origin Embassy Paris"],
    ),
    (
        "given_and_read",
        Filters(tag="PREL", until="2005-12-31", inferred=("until",)),
        ["filters: tag PREL", "filters read from the question: until 2005-12-31 preferred"],
    ),
    (
        "04MADRID4687_classification_dropped",
        Filters(
            since="2004-01-01",
            until="2004-12-31",
            origin="Embassy Madrid",
            inferred=("since", "until", "origin", "classification:ignored"),
            dropped=(("classification", "SECRET"),),
        ),
        [
            "filters read from the question: 2004 preferred · origin Embassy Madrid",
            "no SECRET cable from Embassy Madrid in 2004: shown without the classification",
        ],
    ),
    (
        "08OSLO522_dates_and_tag_dropped",
        Filters(
            origin="Embassy Oslo",
            inferred=("origin", "tag:ignored", "since:ignored", "until:ignored"),
            dropped=(("tag", "PTER"), ("since", "2008-03-01"), ("until", "2008-06-30")),
        ),
        [
            "filters read from the question: origin Embassy Oslo",
            "no cable from Embassy Oslo tagged PTER from 2008-03-01 to 2008-06-30: "
            "shown without the TAG and the dates",
        ],
    ),
    (
        "an_id_the_store_lacks",
        Filters(inferred=("cable_ids:ignored",), dropped=(("cable_ids", "99NOWHERE1"),)),
        ["no cable 99NOWHERE1: shown from other cables"],
    ),
    (
        "ids_that_the_origin_excludes",
        Filters(
            origin="Paris",
            inferred=("cable_ids:ignored",),
            dropped=(("cable_ids", "06MADRID293 06MADRID294"),),
        ),
        [
            "filters: origin Paris",
            "no cable among 06MADRID293 06MADRID294 from Paris: shown from other cables",
        ],
    ),
]


@pytest.mark.parametrize(
    ("case", "filters", "expected"), FILTER_LINES, ids=[c[0] for c in FILTER_LINES]
)
def test_filter_lines_give_values_and_reasons(
    case: str, filters: Filters, expected: list[str]
) -> None:
    assert filter_lines(filters) == expected


def test_markdown_states_the_filters() -> None:
    filters = Filters(origin="Embassy Paris", inferred=("origin",))
    md = render_markdown(Answer("q", filters, True, (hit("A.", (0, 2)),)))
    assert "_filters read from the question: origin Embassy Paris_" in md


LONG = (
    "1. (C) Summary: The Government of Mexico has not yet matched its northern border efforts "
    "in the south. We need Mexico to secure its southern border against smugglers and criminal "
    "gangs who exploit weak points along the Guatemalan frontier. Officials promised a plan by "
    "the end of the year, but no funds were assigned in the 2006 budget and several agencies "
    "dispute who leads."
)
SENTENCE = (LONG.index("We need"), LONG.index("frontier.") + len("frontier."))


@pytest.mark.parametrize("width", [40, 60, 80, 120])
def test_compact_fits_one_to_three_lines_under_the_citation(width: int) -> None:
    from qa.render import render_compact

    answer = Answer("q", Filters(), True, (hit(LONG, SENTENCE), hit("Short. Two.", (7, 11))))
    out = render_compact(answer, width)
    lines = out.plain.splitlines()
    assert all(len(line) <= width and line == line.rstrip() for line in lines), lines
    assert lines[0].startswith("1. 06MEXICO3305 ¶4 · 2006-06-15 · Emb"), "cut, not wrapped"
    assert lines[1] == "   BORDER SECURITY"
    body = lines[2 : lines.index("", 1)]
    assert 1 <= len(body) <= 3, body
    assert all(line.startswith("   ") for line in body)
    emphasised = " ".join(out.plain[s.start : s.end] for s in out.spans if "yellow" in str(s.style))
    assert emphasised.startswith("We need Mexico to secure")


def test_full_output_never_breaks_a_tag() -> None:
    tags = ("PREL", "PGOV", "SMIG", "SNAR", "KCRM", "MX", "ASEC", "PTER")
    wide = Hit(
        1,
        "06MEXICO3305",
        "4",
        0.5,
        "Text.",
        (0, 5),
        "S",
        "2006-06-15",
        "Embassy Mexico",
        "CONFIDENTIAL",
        tags,
    )
    console = Console(width=24, color_system=None, force_terminal=False)
    with console.capture() as cap:
        console.print(render_text(Answer("q", Filters(), True, (wide,))))
    words = cap.get().split()
    assert all(tag in words for tag in tags), cap.get()


def test_compact_filter_line_wraps_between_values() -> None:
    from qa.render import render_compact

    filters = Filters(
        since="2005-01-01",
        until="2005-12-31",
        origin="Embassy Madrid",
        inferred=("since", "until", "origin"),
    )
    lines = render_compact(Answer("q", filters, True, (hit("A.", (0, 2)),)), 50).plain.splitlines()
    assert lines[:2] == [
        "filters read from the question: 2005 preferred",
        "   origin Embassy Madrid",
    ]


def test_qa_show_gives_tag_meanings_and_keeps_unknown_codes() -> None:
    from types import SimpleNamespace

    from qa.render import render_cable, tag_meanings

    assert tag_meanings(("PREL", "MX", "ZZQQ")) == (
        "PREL (external political relations) · MX (Mexico)"
    )
    assert tag_meanings(("ZZQQ",)) == ""
    cable = SimpleNamespace(
        id="06MEXICO3305",
        subject="S",
        date=20060615,
        date_approximate=True,
        origin="Embassy Mexico",
        classification="CONFIDENTIAL",
        tags=("PREL", "ZZQQ"),
        refs=(),
        partial=False,
        paragraphs=(),
    )
    lines = render_cable(cable).plain.splitlines()
    assert lines[1] == "2006-06-15 (year only) · Embassy Mexico · CONFIDENTIAL · PREL ZZQQ"
    assert lines[2] == "TAGS: PREL (external political relations)"


def test_piped_output_gives_each_paragraph_one_line() -> None:
    """A paragraph's list items are lines of their own on a terminal; piped (marks on,
    `flat`), each paragraph is one line that `grep` finds with its citation."""
    from types import SimpleNamespace

    from qa.render import render_cable

    text = "The GOM listed three steps:\n-- more police;\n-- news reports checked."
    start = text.index("-- news")
    answer = Answer("q", Filters(), True, (hit(text, (start, len(text))),))
    piped = render_text(answer, marks=True).plain
    assert [line for line in piped.splitlines() if "news reports" in line] == [
        "The GOM listed three steps: -- more police; »-- news reports checked.«"
    ]
    assert "\n-- news" in render_text(answer).plain
    paragraph = SimpleNamespace(number="4", numbered=True, mark="C", heading=None, text=text)
    cable = SimpleNamespace(
        id="06MEXICO3305",
        subject="S",
        date=20060615,
        origin="Embassy Mexico",
        classification="CONFIDENTIAL",
        tags=(),
        refs=(),
        partial=False,
        paragraphs=(paragraph,),
    )
    shown = render_cable(cable, flat=True).plain.splitlines()
    assert shown[-1] == "¶4 (C) " + text.replace("\n", " ")
    assert render_cable(cable).plain.endswith("\n-- news reports checked.\n")


NOTHING = [
    ("no filter", Filters(), "Nothing found."),
    ("only inferred", Filters(origin="Embassy Paris", inferred=("origin",)), "Nothing found."),
    (
        "one unmatched",
        Filters(origin="Narnia", tag="PREL", unmatched=("origin",)),
        "Nothing found: the store has no cable from Narnia (qa stats lists what it has).",
    ),
    (
        "dates",
        Filters(since="2030-01-01", until="2030-12-31", unmatched=("since", "until")),
        "Nothing found: the store has no cable in 2030 (qa stats lists what it has).",
    ),
    (
        "together",
        Filters(classification="SECRET", origin="Paris", tag="PTER", since="1966-01-01"),
        "Nothing found: the store has no SECRET cable from Paris tagged PTER since 1966-01-01"
        " (each filter alone matches some).",
    ),
]


@pytest.mark.parametrize(("case", "filters", "expected"), NOTHING, ids=[n[0] for n in NOTHING])
def test_nothing_found_names_the_filter_to_change(
    case: str, filters: Filters, expected: str
) -> None:
    assert nothing_found(filters) == expected
    answer = Answer("q", filters, False)
    assert expected in render_text(answer).plain
    assert expected in render_markdown(answer)
