"""Window spans: fit the model, cover the text, overlap, and cut at sensible places."""

from __future__ import annotations

import html
import itertools
import re
import time
from typing import Any

import pytest

from embeddings.windows import context_tokens, item_spans, load_tokenizer, windows
from tests.conftest import SEED, cable_html

_LAST_PRE = re.compile(r"<pre>(?P<body>(?:(?!<pre>).)*?)</pre>\s*(?:(?!<pre>).)*\Z", re.S)
_TAG = re.compile(r"<[^>]+>")
_PARA_15 = re.compile(r"¶15\.(?P<text>.*)\Z", re.S)


def cable_text(cable_id: str) -> str:
    """Raw text of a cablegate page: its last <pre>, tags stripped, entities decoded."""
    page = cable_html(cable_id).read_text(encoding="utf-8", errors="replace")
    match = _LAST_PRE.search(page)
    assert match, f"{cable_id}: no <pre> block"
    return html.unescape(_TAG.sub("", match.group("body")))


@pytest.fixture(scope="module")
def tok() -> Any:
    return load_tokenizer("all-MiniLM-L6-v2")


@pytest.fixture(scope="module")
def long_paragraph() -> str:
    """09STATE80163 ¶15: one numbered paragraph of about 50k characters."""
    match = _PARA_15.search(cable_text("09STATE80163"))
    assert match, "09STATE80163 has no ¶15"
    return match.group("text").strip()


def pieces(tok: Any, text: str) -> int:
    return len(tok.encode(text, add_special_tokens=False).ids)


def check_spans(tok: Any, text: str, spans: list[tuple[int, int]], room: int, overlap: int) -> None:
    assert spans[0][0] == 0
    assert spans[-1][1] == len(text)
    for start, end in spans:
        assert 0 <= start < end <= len(text)
        assert pieces(tok, text[start:end]) <= room, (start, end)
    for (s1, e1), (s2, e2) in itertools.pairwise(spans):
        assert s1 < s2 and e1 < e2, "windows must advance"
        if overlap:
            assert s2 < e1
            assert pieces(tok, text[s2:e1]) >= overlap
        else:
            assert text[e1:s2].strip() == "", "nothing may fall between two windows"


SHORT = [
    (
        "06MEXICO3305",
        "(C) The Ambassador met the incoming administration's team on border violence.",
    ),
    ("10CARACAS107", "UNNUMBERED OPENING TEXT OF A CABLE WITHOUT PARAGRAPH NUMBERS"),
    ("04MADRID4687", "... XXXXXXXXXXXX told poloff that the trial would resume ..."),
    ("empty", ""),
]


@pytest.mark.parametrize(("case", "text"), SHORT, ids=[c[0] for c in SHORT])
def test_short_paragraph_is_one_window(tok: Any, case: str, text: str) -> None:
    assert windows(text, tok) == [(0, len(text))]


def test_real_long_paragraph_09STATE80163(tok: Any, long_paragraph: str) -> None:
    assert len(long_paragraph) > 20_000
    spans = windows(long_paragraph, tok, context_tokens=20)
    check_spans(tok, long_paragraph, spans, room=256 - 2 - 20, overlap=32)
    # every cut falls between words; most fall after a sentence or clause
    ends = [e for _, e in spans[:-1]]
    assert all(long_paragraph[e].isspace() for e in ends)
    sentence_ends = sum(long_paragraph[e - 1] in ".!?;:" for e in ends)
    assert sentence_ends >= len(ends) // 2


SENTENCE = "THE AMBASSADOR RAISED BORDER VIOLENCE WITH THE MINISTER, WHO AGREED TO ACT. "
HANDMADE = [
    ("90CAPETOWN97", SENTENCE * 120),
    ("09RIYADH651", ("word " * 3000).strip()),
    ("04MADRID4687", "XXXXXXXXXXXX/" * 400),
    ("07KABUL185", ("a" * 90 + " ") * 200),
    ("08ASTANA338", "&how Idenov,s plan now8 " * 500),
]


@pytest.mark.parametrize(("case", "text"), HANDMADE, ids=[c[0] for c in HANDMADE])
@pytest.mark.parametrize("overlap", [0, 32], ids=["no-overlap", "overlap-32"])
def test_handmade_long_texts_fit_and_overlap(tok: Any, case: str, text: str, overlap: int) -> None:
    spans = windows(text, tok, max_tokens=128, overlap=overlap)
    assert len(spans) > 1
    check_spans(tok, text, spans, room=126, overlap=overlap)


def test_sentence_text_cuts_after_sentences(tok: Any) -> None:
    text = SENTENCE * 120
    spans = windows(text, tok)
    assert all(text[e - 1] == "." for _, e in spans[:-1])
    assert all(text[s - 1] == " " for s, _ in spans[1:])


def test_context_prefix_shrinks_windows(tok: Any, long_paragraph: str) -> None:
    plain = windows(long_paragraph, tok)
    prefixed = windows(long_paragraph, tok, context_tokens=60)
    assert len(prefixed) > len(plain)
    check_spans(tok, long_paragraph, prefixed, room=256 - 2 - 60, overlap=32)


@pytest.mark.parametrize(
    ("case", "subject", "heading", "expected"),
    [
        ("06MEXICO3305", "BORDER VIOLENCE", None, "border violence. "),
        (
            "05PARIS104",
            "BEGHAL TRIAL",
            "DJAMEL BEGHAL TRIAL",
            "beghal trial. djamel beghal trial. ",
        ),
        ("10RIYADH61", "", None, ""),
    ],
    ids=["06MEXICO3305", "05PARIS104", "10RIYADH61"],
)
def test_context_tokens_counts_the_prefix(
    tok: Any, case: str, subject: str, heading: str | None, expected: str
) -> None:
    assert context_tokens(tok, subject, heading) == pieces(tok, expected)


def test_windows_are_linear_on_huge_text(tok: Any, long_paragraph: str) -> None:
    huge = (long_paragraph + "\n") * 10  # about 500k characters
    started = time.perf_counter()
    spans = windows(huge, tok)
    elapsed = time.perf_counter() - started
    print(f"windows on {len(huge):,} chars: {len(spans)} spans in {elapsed:.2f} s")
    assert elapsed < 10.0  # a quadratic cut (re-tokenising per window) takes minutes
    assert spans[-1][1] == len(huge)


def test_truncating_tokenizer_is_refused(tok: Any) -> None:
    from tokenizers import Tokenizer

    truncating = Tokenizer.from_str(tok.to_str())
    truncating.enable_truncation(max_length=128)
    with pytest.raises(ValueError, match="truncation"):
        windows("text", truncating)


def test_overlap_larger_than_window_is_refused(tok: Any) -> None:
    with pytest.raises(ValueError, match="overlap"):
        windows("text", tok, max_tokens=64, overlap=32)


ITEMS = [
    ("dashes", "Activities:\n-- Tour the border.\n-- Fund radios.\n-- Invite Congress.", 3),
    ("single dash and bullet", "Points:\n- one point\n• another point", 2),
    ("one item is no list", "Lead-in sentence.\n-- the only item", 0),
    ("dashes inside a line", "Fighting -- and looting -- went on.\nThen it stopped.", 0),
    ("rules are not items", "TITLE\n----------\n-- first\n-- second", 2),
]


@pytest.mark.parametrize(("case", "text", "count"), ITEMS, ids=[c[0] for c in ITEMS])
def test_each_item_of_a_multi_point_paragraph_is_a_span(case: str, text: str, count: int) -> None:
    spans = item_spans(text)
    assert len(spans) == count
    for start, end in spans:
        line = text[start:end]
        assert line.lstrip()[:1] in "-•" and "\n" not in line and line == line.rstrip()


def test_the_cut_adds_a_window_for_each_item_of_06MEXICO3305_para4() -> None:
    """¶4 of the sample is eight "--" points in 3,100 characters: besides the windows
    that cover it, each point is read on its own, so a question about one point meets
    that point's words alone, not a third of the paragraph."""
    import corpus
    from embeddings.passages import token_windower

    cut = token_windower("all-MiniLM-L6-v2", 256)
    cable = next(c for c in corpus.read(SEED) if not isinstance(c, corpus.ReadError))
    para = next(p for p in cable.paragraphs if p.number == "4")
    spans = cut(cable.subject, para.heading, para.text)
    tok = load_tokenizer("all-MiniLM-L6-v2")
    covering = windows(
        para.text, tok, context_tokens=context_tokens(tok, cable.subject, para.heading)
    )
    assert spans[: len(covering)] == covering and len(covering) == 3
    items = [para.text[a:b] for a, b in spans[len(covering) :]]
    assert len(items) == 8 and all(i.startswith("-- ") for i in items)
    assert items[5].startswith("-- The OASISS program")
