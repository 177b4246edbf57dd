"""The TUI's pure parts: cleaning untrusted text, parsing panel input, the export."""

from __future__ import annotations

import pytest

from corpus.display import shown_line
from corpus.tags import describe_tag
from embeddings.errors import StoreError
from qa.answer import Answer, Filters, Hit
from qa.tui.safe import describe_error
from qa.tui.screens.filters import FilterError, parse_filters
from qa.tui.screens.open_cable import parse_cable_id
from qa.tui.session import Turn, citation_line, session_markdown, without
from qa.tui.widgets.result_card import card_content


def test_shown_line_folds_whitespace() -> None:
    assert shown_line("ENGAGING THE NEW MEXICAN\n  ADMINISTRATION") == (
        "ENGAGING THE NEW MEXICAN ADMINISTRATION"
    )


ID_CASES = [
    ("06MEXICO3305", "06mexico3305", "06MEXICO3305"),
    ("05PARIS104", " 05 PARIS 000104 ", "05PARIS104"),
    ("09STATE11937", "09STATE11937", "09STATE11937"),
    ("not-an-id", "MEXICO 3305", None),
]


@pytest.mark.parametrize(("case", "typed", "canonical"), ID_CASES, ids=[c[0] for c in ID_CASES])
def test_parse_cable_id(case: str, typed: str, canonical: str | None) -> None:
    assert parse_cable_id(typed) == canonical


FILTER_CASES = [
    ("06MEXICO3305", {"since": "2006", "until": "2006-06-30"}, ("2006-01-01", "2006-06-30")),
    ("05PARIS104", {"until": "2005"}, (None, "2005-12-31")),
    ("08OSLO522", {}, (None, None)),
]


@pytest.mark.parametrize(
    ("case", "values", "dates"), FILTER_CASES, ids=[c[0] for c in FILTER_CASES]
)
def test_parse_filters_dates(
    case: str, values: dict[str, str], dates: tuple[str | None, str | None]
) -> None:
    filters = parse_filters(values)
    assert (filters.since, filters.until) == dates


def test_parse_filters_normalises_and_refuses() -> None:
    filters = parse_filters({"origin": " Mexico ", "classification": "secret", "tag": "smig"})
    assert (filters.origin, filters.classification, filters.tag) == ("Mexico", "SECRET", "SMIG")
    with pytest.raises(FilterError):
        parse_filters({"since": "15/06/2006"})
    with pytest.raises(FilterError):
        parse_filters({"since": "2007", "until": "2006"})


@pytest.mark.parametrize(
    ("tag", "meaning"),
    [
        ("PREL", "external political relations"),
        ("smig", "migration"),
        ("MX", "Mexico"),
        ("ZZZZ", None),
    ],
    ids=["06MEXICO3305-PREL", "06MEXICO3305-SMIG", "06MEXICO3305-MX", "unknown"],
)
def test_describe_tag(tag: str, meaning: str | None) -> None:
    assert describe_tag(tag) == meaning


def hand_made_hit(text: str, highlight: tuple[int, int]) -> Hit:
    return Hit(
        1,
        "06MEXICO3305",
        "4",
        0.5,
        text,
        highlight,
        "A [b]SUBJECT[/b]",
        "2006-06-15",
        "Embassy Mexico",
        "CONFIDENTIAL",
        ("PREL",),
    )


def test_card_content_keeps_markup_literal_and_marks_the_sentence() -> None:
    text = "First [bold red]x[/] sentence. \x1b[2J Second one."
    hit = hand_made_hit(text, (0, 30))
    content = card_content(hit)
    assert "First [bold red]x[/] sentence." in content.plain
    assert "\x1b" not in content.plain and "␛[2J" in content.plain
    assert "A [b]SUBJECT[/b]" in content.plain
    marked = [content.plain[s.start : s.end] for s in content.spans if "warning" in str(s.style)]
    assert marked == ["First [bold red]x[/] sentence."]


def test_session_markdown_lists_every_citation() -> None:
    hits = (hand_made_hit("The embassy asked.", (0, 18)),)
    answer = Answer("border?", Filters(origin="Mexico", inferred=("origin",)), True, hits)
    weak = Answer("taliban?", Filters(), False, ())
    md = session_markdown(
        [
            Turn(1, "border?", answer=answer),
            Turn(2, "taliban?", answer=weak),
            Turn(3, "x", error="no store at /tmp/x"),
        ]
    )
    assert "## 1. border?" in md and "origin: Mexico (read from the question)" in md
    assert "> The embassy asked." in md
    assert "Nothing strong found" in md and "The question failed: no store at /tmp/x" in md
    assert "- 06MEXICO3305 ¶4" in md
    assert citation_line(hits[0]) == (
        "06MEXICO3305 ¶4, “A [b]SUBJECT[/b]”, 2006-06-15, Embassy Mexico"
    )


def test_without_drops_one_filter_and_makes_the_rest_explicit() -> None:
    f = Filters(since="2006-01-01", origin="Madrid", inferred=("since", "origin"))
    assert without(f, "since") == Filters(origin="Madrid")
    assert without(Filters(cable_ids=("06MADRID2657",)), "cable_ids") == Filters()


def test_a_notification_names_a_bug_as_one() -> None:
    store = StoreError("no store at /x (run `qa ingest` first)\nmore")
    assert describe_error(store) == "no store at /x (run `qa ingest` first) more"
    assert describe_error(OSError(28, "No space left on device")) == (
        "[Errno 28] No space left on device"
    )
    assert describe_error(KeyError("pid")) == "this is a bug, please report it: KeyError: 'pid'"
    long = describe_error(ZeroDivisionError("x" * 1000))
    assert long.startswith("this is a bug") and len(long) <= 300


def test_facet_chips_show_cable_values_inert_and_offer_no_unknown_post() -> None:
    from qa.answer import Facets
    from qa.tui.widgets.turn_view import FacetChip, facet_groups

    facets = Facets(
        cables=4,
        by="year",
        years={"2008": 4},
        origins={"unknown": 3, "Embassy \x1b[31mOslo": 1},
        tags={"[b]PREL": 1},
    )
    chips = [
        c for g in facet_groups(facets) for c in g._pending_children if isinstance(c, FacetChip)
    ]
    assert [(c.facet_name, c.facet_value) for c in chips] == [
        ("period", "2008"),
        ("origin", "Embassy \x1b[31mOslo"),  # the filter takes the value as stored
        ("tag", "[b]PREL"),
    ]
    labels = [str(c.label) for c in chips]
    assert labels[1] == "Embassy \u241b[31mOslo · 1" and labels[2] == "[b]PREL · 1"
