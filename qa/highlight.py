"""The answering sentence inside a paragraph, as character offsets for the front ends.

Cable sentences end in ". " followed by a capital, a quote or a bracket; all-caps
telegrams make capitals useless as a signal, so abbreviations common in cables
("U.S.", "AMB.", "GOM.") are guarded rather than guessed from case. The chosen
sentence is the one sharing the most question words, weighted by rarity within
the paragraph's own candidates so that a name counts for more than "security".
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from qa.terms import content_terms, stem, words

Span = tuple[int, int]

_CLOSE = "'\"\u201d\u2019)\\]"
_OPEN = "'\"\u201c\u2018(\\["
_SENTENCE_END = re.compile(rf"[.!?;][{_CLOSE}]*(?=\s+(?:[{_OPEN}]|--)?\s*[A-Z0-9(])")
_LAST_WORD = re.compile(rf"(?P<word>[\w.]+)[.!?;][{_CLOSE}]*$")
_ABBREVIATIONS = frozenset(
    [
        "u.s",
        "u.n",
        "mr",
        "ms",
        "mrs",
        "dr",
        "amb",
        "st",
        "gen",
        "col",
        "lt",
        "gov",
        "sen",
        "rep",
        "dep",
        "asst",
        "sec",
        "min",
        "pres",
        "e.g",
        "i.e",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "para",
        "ref",
    ]
)


def sentences(text: str) -> list[Span]:
    """[start, end) of each sentence, leading and trailing spaces excluded."""
    spans: list[Span] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        last = _LAST_WORD.search(text, max(start, m.start() - 24), m.end())
        word = last["word"].lower() if last else ""
        if len(word) == 1 or word in _ABBREVIATIONS:
            continue
        spans.append(_trim(text, start, m.end()))
        start = m.end()
    if start < len(text):
        spans.append(_trim(text, start, len(text)))
    return [s for s in spans if s[1] > s[0]]


def _trim(text: str, start: int, end: int) -> Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def best_sentence(text: str, question: str, weights: dict[str, float] | None = None) -> Span:
    """The sentence that shares the most (weighted) question stems; the first on ties.

    Falls back to the first sentence when nothing matches, and to the whole
    text when it has no sentence breaks.
    """
    spans = sentences(text)
    if not spans:
        return (0, len(text))
    wanted = {stem(t) for t in content_terms(question)}
    best, best_score = spans[0], 0.0
    for span in spans:
        got = {stem(w) for w in words(text[span[0] : span[1]])} & wanted
        score = sum((weights or {}).get(s, 1.0) for s in got)
        if score > best_score + 1e-9:
            best, best_score = span, score
    return best


def term_weights(question: str, texts: Sequence[str]) -> dict[str, float]:
    """Inverse document frequency of each question stem over the candidate paragraphs."""
    stems = {stem(t) for t in content_terms(question)}
    n = max(len(texts), 1)
    counts = dict.fromkeys(stems, 0)
    for text in texts:
        present = {stem(w) for w in words(text)} & stems
        for s in present:
            counts[s] += 1
    return {s: math.log(1 + n / (1 + c)) for s, c in counts.items()}
