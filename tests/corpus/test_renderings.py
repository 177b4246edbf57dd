"""The shared pages as the text files users hold, read back against the pages themselves.

Both tests print their counts (run with `-s` to see them).
"""

from __future__ import annotations

import contextlib
from collections import Counter

from corpus.errors import ParseError
from corpus.formats.text import parse_text
from corpus.models import Cable
from tests.corpus.renderings import all_pages, bare_of, page_of, with_fields

ROUND_TRIP = 60
# Pages whose cable text is another cable's (the corpus README names 07PARIS2725): refused as
# pages; read bare, the text is that other cable, with its own ID and date (or refused).
MISLABELLED = {"07PARIS2725": "07MOSCOW5154", "09CHISINAU694": "09ULAANBAATAR234"}


def fields(c: Cable) -> tuple[object, ...]:
    return (c.id, c.date, c.origin, c.classification, c.subject, [p.number for p in c.paragraphs])


def test_fields_above_the_telegram_read_back_as_the_page() -> None:
    """60 pages spread over the corpus, rendered as a text dump writes them: ID, subject,
    date line, classification, origin (and the partial-extract note) above the telegram."""
    pages = all_pages()
    chosen = pages[:: len(pages) // ROUND_TRIP][:ROUND_TRIP]
    same, hashes = [], []
    for path in chosen:
        try:
            page = page_of(path)
        except ParseError:  # another cable's text (test_bare_telegrams_...): none to compare
            continue
        text = parse_text(with_fields(page, bare_of(path)), str(path))
        if fields(text) == fields(page):
            same.append(page.id)
        if text.content_hash == page.content_hash:
            hashes.append(page.id)
    print(
        f"\nfields above the telegram: {len(same)} of {len(chosen)} read back as their page"
        f" ({len(hashes)} with its content hash)"
    )
    assert len(chosen) == ROUND_TRIP and len(same) >= 58 and len(hashes) >= 58


def test_bare_telegrams_never_get_a_wrong_year_or_id() -> None:
    """All pages as bare telegram text: a date within a day of the page's, or the right year
    marked approximate, or a one-line error; never a wrong year, never another cable's ID."""
    counts: Counter[str] = Counter()
    wrong: list[str] = []
    for path in all_pages():
        try:
            page = page_of(path)
        except ParseError as error:  # a page that holds another cable's text is refused
            assert "another cable's" in error.reason
            counts["page refused, holding another cable's text"] += 1
            # read bare, the text is that cable whole (routing line and date), or refused
            with contextlib.suppress(ParseError):
                assert parse_text(bare_of(path), str(path)).id == MISLABELLED[path.stem]
            continue
        try:
            got = parse_text(bare_of(path), str(path))
        except ParseError as error:
            counts["one-line error"] += 1
            assert "\n" not in error.reason
            continue
        if got.id != page.id:
            wrong.append(f"{page.id} read as {got.id}")
        if got.created.year != page.created.year:
            wrong.append(f"{page.id}: year {got.created.year}, page {page.date}")
        elif got.date_approximate:
            counts["right year, marked approximate"] += 1
        elif abs((got.created.date() - page.created.date()).days) <= 1:
            counts["date within a day"] += 1
        else:
            wrong.append(f"{page.id}: {got.date}, page {page.date}")
    print("\nbare telegrams:", dict(counts), "wrong:", len(wrong))
    assert wrong == []
    assert sum(counts.values()) == len(all_pages())
