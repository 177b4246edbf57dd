"""Content words of a question: what the lexical index and the highlighter look for.

Questions carry many words that every cable contains ("what did the embassy
say about"); OR-ing them into an FTS5 query costs hundreds of milliseconds at a
million paragraphs and adds only noise to the ranking.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)
_SUFFIX = re.compile(r"(?:ations?|ing|ings|edly|ed|es|s|ly|ment|ments|ity|ies|ive|al)$")

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "done",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "him",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "say",
        "says",
        "said",
        "tell",
        "told",
        "think",
        "thought",
        "know",
        "known",
        "want",
        "wanted",
        "according",
        "regarding",
        "happen",
        "happened",
        "anything",
        "something",
        "someone",
        "anyone",
        "thing",
        "things",
        "kind",
        "way",
        "ways",
        "get",
        "got",
        "make",
        "made",
        "going",
        "went",
        "come",
        "came",
        "give",
        "gave",
        "take",
        "took",
        "see",
        "saw",
        "seem",
        "seemed",
        "much",
        "many",
        "us",
        "u.s",
        "embassy",
        "embassies",
        "cable",
        "cables",
        "post",
        "mission",
        "officials",
        "official",
        "government",
        "report",
        "reported",
        "reports",
        "reporting",
        "describe",
        "described",
        "view",
        "views",
        "discuss",
        "discussed",
        "concern",
        "concerns",
        "concerned",
        "ask",
        "asked",
        "mention",
        "mentioned",
        "per",
        "via",
    ]
)


# A capitalised word after another word: a name, not the question's first word.
# An initial before it ("P.W. Botha") counts as a word too.
_NAME = re.compile(
    r"(?:(?<=\w\s)|(?<=[A-Z]\.\s))(?:[A-Z][a-z][\w'-]*\w|[A-Z]{3,})|(?<=\b[a-z]{2}-)[A-Z][a-z]{3,}"
)


# What may stand between two words of one name: a space, initials ("George W. Bush").
_SAME_NAME = re.compile(r"\s+(?:[A-Z]\.\s*)*")


def name_runs(text: str) -> list[tuple[str, ...]]:
    """Proper names a question mentions ("Icesave", "Nazarbayev"), possessives dropped,
    grouped into the names they spell: "Lakhdar Boumediene" is one person, whose last
    word (the surname) is the part spelt the same in every transliteration."""
    runs: list[list[str]] = []
    end = -1
    for m in _NAME.finditer(text):
        name = m.group().removesuffix("'s")
        if len(name) < 4 or name.lower() in STOPWORDS:
            end = -1
            continue
        if end >= 0 and runs and _SAME_NAME.fullmatch(text, end, m.start()):
            runs[-1].append(name)
        else:
            runs.append([name])
        end = -1 if m.group().endswith("'s") else m.end()
    return [tuple(r) for r in runs]


_ABBREVIATIONS: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    # "the Russian government", "Sweden's government": GOR, GOS (the post's own country)
    (re.compile(r"\b([A-Z][a-z]+)(?:['’]s)? [Gg]overnment\b"), lambda m: _government(m[1])),
    (re.compile(r"\b[Gg]overnment of ([A-Z][a-z]+)"), lambda m: _government(m[1])),
    (
        re.compile(r"\b(?:US|U\.S\.|American|United States) government|\bWashington\b"),
        lambda m: "USG",
    ),
    (
        re.compile(r"\bforeign (?:ministry|office)\b|\bministry of foreign affairs", re.I),
        lambda m: "MFA",
    ),
    (re.compile(r"\bdefen[cs]e ministry|\bministry of defen[cs]e", re.I), lambda m: "MOD"),
    (re.compile(r"\bprime minister", re.I), lambda m: "PM"),
    (re.compile(r"\bforeign minister", re.I), lambda m: "FM"),
)


def _government(country: str) -> str:
    """GOR for "Russian", GOS for "Sweden"; nothing for "Which" or "The" government, nor
    for the American one (USG)."""
    return "" if country.lower() in STOPWORDS or country == "American" else "GO" + country[0]


def abbreviations(question: str) -> list[str]:
    """The abbreviations cables write for what the question spells out.

    Cables say "GOR" for the Russian government, "MFA", "PM", "FM" and "USG";
    questions say it in words, which BM25 cannot match and the embedding model
    hardly knows. Searched as extra words, on the development set (276
    questions) they took Recall@5 from 0.884 to 0.892 and cable Recall@5 from
    0.960 to 0.964 (43 questions spell one out; none lost).
    """
    found: list[str] = []
    for pattern, abbreviate in _ABBREVIATIONS:
        for m in pattern.finditer(question):
            if (abbreviation := abbreviate(m).lower()) and abbreviation not in found:
                found.append(abbreviation)
    return found


_COMBINING = re.compile(r"[\u0300-\u036f]+")


_APOSTROPHES = str.maketrans(dict.fromkeys("\u2019\u2018\u02bc`\u00b4", "'"))


def fold(text: str) -> str:
    """Lower case without diacritics ("Céline" is "celine"), as the FTS5 index folds words,
    every apostrophe written "'" (cables write "Abu-Fu’ad" where a question types
    "Abu-Fu'ad").

    One regex over the decomposed text: a Python loop over its characters took
    10 ms for the five cables `Engine._stray` reads."""
    folded = _COMBINING.sub("", unicodedata.normalize("NFKD", text.lower()))
    return folded.translate(_APOSTROPHES)


def starts_a_word(prefix: str, text: str) -> bool:
    """Whether a word of `text` begins with `prefix` ("oil" in "oil price", not in
    "turmoil"). `str.find` and a look at the character before: a regex starting with
    \\b scanned 4 KB in 120 µs against 4 µs, since it cannot skip ahead to the prefix."""
    at = text.find(prefix)
    while at >= 0:
        if at == 0 or not (text[at - 1].isalnum() or text[at - 1] == "_"):
            return True
        at = text.find(prefix, at + 1)
    return False


def name_parts(name: str) -> list[str]:
    """The parts of a hyphenated name that name something ("Afghanistan-Pakistan",
    "Gulf-based"): the store indexes them as separate words."""
    return [p for p in name.split("-") if len(p) > 2] or [name]


def name_key(name: str) -> str:
    """The prefix of a name that its other forms share: "Hungary" and "Hungarian"
    ("hunga"), "Scuds" and "Scud" ("scud"), "Malaysian" and "Malaysia" ("malaysi")."""
    key = name.lower().removesuffix("'s")
    if len(key) > 4 and key.endswith("s"):
        key = key[:-1]
    return key[: max(5, len(key) - 2)]


def words(text: str) -> list[str]:
    lowered = text.lower()
    if "’" in lowered:
        lowered = lowered.replace("’", "'")
    return _WORD.findall(lowered)


@functools.lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """A crude stem good enough to match "negotiations" with "negotiate"."""
    word = word.lower().removesuffix("'s")
    if len(word) <= 4:
        return word
    return _SUFFIX.sub("", word)[:7] or word[:7]


def content_terms(text: str) -> list[str]:
    """Distinct non-stop words in order; numbers kept (resolution numbers, ¶ numbers)."""
    seen: list[str] = []
    for w in words(text):
        if w in STOPWORDS or (len(w) < 2 and not w.isdigit()) or w in seen:
            continue
        seen.append(w)
    return seen
