"""Words of a cable's body that its parsed paragraphs do not hold: where the reader loses text.

Run: .venv/bin/python bench/fidelity.py [PAGES_GLOB] [--top 30]

For each cablegate page (default: every page of the shared corpus, `QA_CORPUS` else
`../shared/corpus`), the words of its text from the first paragraph anchor on are
counted against the words of the parsed subject, paragraphs and headings; a word the
page has more often than the parse is lost that many times. What should be lost is
lost too (page markers, "Classified by" lines, the signer, a stretch a page repeats,
an old telegram's repeated section headers), so the median is a few words a cable;
a cable far above it is worth reading. The cables losing most come first, each with
its lost words.
"""

from __future__ import annotations

import argparse
import html
import os
import re
import statistics
import sys
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from corpus.errors import ParseError  # noqa: E402
from corpus.formats.html import parse_html  # noqa: E402

CORPUS = Path(os.environ.get("QA_CORPUS") or REPO.parent / "shared" / "corpus")
WORD = re.compile(r"[A-Za-z]{3,}")
PRE = re.compile(r"<pre>(.*?)</pre>", re.S)
TAG = re.compile(r"<[^>]+>")


def lost_words(page: str, source: str) -> tuple[Counter[str], int] | None:
    """The body's words the parse lacks (with how often), and the body's word count."""
    joined = " ".join(PRE.findall(page))
    start = joined.find("id='par")
    if start < 0:
        return None
    start = joined.find(">", joined.find("</a>", start)) + 1  # past the anchor's markup
    body = Counter(w.lower() for w in WORD.findall(html.unescape(TAG.sub(" ", joined[start:]))))
    cable = parse_html(page, source)
    parts = [cable.subject, *(p.text for p in cable.paragraphs)]
    parts += [p.heading or "" for p in cable.paragraphs]
    parsed = Counter(w.lower() for w in WORD.findall(" ".join(parts)))
    return Counter({w: n - parsed[w] for w, n in body.items() if n > parsed[w]}), body.total()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("pages", nargs="?", default=str(CORPUS / "cablegate-2010/cable/*/*/*.html"))
    parser.add_argument("--top", type=int, default=30)
    args = parser.parse_args()
    root = Path("/") if Path(args.pages).is_absolute() else Path.cwd()
    paths = sorted(root.glob(args.pages.lstrip("/")))
    if not paths:
        print(f"no pages match {args.pages}", file=sys.stderr)
        return 1
    rows, refused = [], []
    for path in paths:
        try:
            found = lost_words(path.read_text(encoding="utf-8", errors="replace"), str(path))
        except ParseError as err:  # a page the reader refuses loses nothing to a wrong parse
            refused.append(str(err))
            continue
        if found is not None:
            lost, total = found
            rows.append((lost.total(), total, path.stem, lost))
    rows.sort(key=lambda r: (-r[0], r[2]))
    print(f"{len(rows)} pages with numbered paragraphs, {sum(r[0] for r in rows)} words lost")
    print("words lost per page:")
    print(
        f"  median {statistics.median(r[0] for r in rows):.0f}, mean "
        f"{statistics.mean(r[0] for r in rows):.1f}, over 100: {sum(r[0] > 100 for r in rows)}"
    )
    print(f"{len(refused)} pages refused by the reader:", *refused, sep="\n  ")
    for lost, total, name, words in rows[: args.top]:
        shown = " ".join(w for w, _ in words.most_common(12))
        print(f"{lost:>5} of {total:>5}  {name:<20} {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
