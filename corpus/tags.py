"""TAGS as the State Department writes them, normalised against a dictionary of codes.

A TAGS line may use commas, spaces or both, repeat codes, glue two together
(`ITPHUM`), name a person after OVIP (`OVIP BIDEN JOSEPH`), hold words
(`HUMAN RIGHTS`), be in lower case or mistype a code (`POGOV`). A filter on a
tag misses every cable whose tag was read wrongly, so each of these is read as
the code meant; a word that is none of them is kept as written, never dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib import resources

OVIP = "OVIP"
# `ovip (steinberg, james b.)`: parentheses hold a name or a qualifier, read as one tag.
PAREN = re.compile(r"\((?P<inside>[^()]*)\)")
SEGMENT = re.compile(r"[,;]")
WORD = re.compile(r"[A-Z][A-Z0-9.'&/]*")
MAX_PHRASE = 3
# The longest TAGS lines of the release hold a few dozen codes; past this a value is no TAGS
# line as the cable system wrote one, and its words are kept as written without correction
# (correcting each costs a dictionary scan: 20,000 words took seconds).
MAX_TAGS_CHARS = 2000


@dataclass(frozen=True, slots=True)
class TagInfo:
    code: str
    kind: str  # subject, country, region, organization, program, phrase
    meaning: str  # empty where the dictionary knows the code but not what it stands for


@cache
def dictionary() -> dict[str, TagInfo]:
    """The codes of `corpus/data/tags.tsv`, by code."""
    text = resources.files("corpus").joinpath("data/tags.tsv").read_text(encoding="utf-8")
    out: dict[str, TagInfo] = {}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        code, kind, meaning = [*line.split("\t"), "", ""][:3]
        out[code] = TagInfo(code, kind, meaning.strip())
    return out


def describe_tag(tag: str) -> str | None:
    """What a TAGS code means, or None for a code (or name) without a known meaning."""
    info = dictionary().get(" ".join(tag.upper().split()))
    return info.meaning if info is not None and info.meaning else None


@cache
def _subject_codes() -> frozenset[str]:
    return frozenset(c for c, i in dictionary().items() if i.kind == "subject" and len(c) == 4)


def _one_edit(a: str, b: str) -> bool:
    """`a` and `b` differ by one insertion, deletion, substitution or swap of neighbours."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        first, second = [*diff, 0, 0][:2]
        return (
            len(diff) == 2
            and second == first + 1
            and (a[first], a[second]) == (b[second], b[first])
        )
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@lru_cache(maxsize=4096)
def corrected(word: str) -> tuple[str, ...]:
    """The code(s) an unknown word stands for: a glued pair, one typo away, or itself."""
    codes = dictionary()
    if word in codes or len(word) < 4:
        return (word,)
    if len(word) >= 5:
        for cut in range(2, len(word) - 1):
            left, right = word[:cut], word[cut:]
            if left in codes and right in codes and max(len(left), len(right)) >= 4:
                return left, right  # `ITPHUM` = IT + PHUM, `KDEMAF` = KDEM + AF
    near = [code for code in _subject_codes() if _one_edit(word, code)]
    return (near[0],) if len(near) == 1 else (word,)


def parse_tags(text: str) -> tuple[str, ...]:
    """`PREL, PGOV, MX`, `ovip (steinberg, james b.), prel`, `OVIP BIDEN JOSEPH PREL` → tags."""
    if len(text) > MAX_TAGS_CHARS:
        return tuple(dict.fromkeys(WORD.findall(text.upper())))
    tags: dict[str, None] = {}
    position = 0
    for match in PAREN.finditer(text):
        _segments(text[position : match.start()], tags)
        _inside(match["inside"], tags)
        position = match.end()
    _segments(text[position:], tags)
    return tuple(tags)


def _inside(text: str, tags: dict[str, None]) -> None:
    words = WORD.findall(text.upper())
    if words and all(word in dictionary() for word in words):
        tags.update(dict.fromkeys(words))
    elif words:
        tags[" ".join(text.upper().split())] = None


def _segments(text: str, tags: dict[str, None]) -> None:
    for segment in SEGMENT.split(text.upper()):
        words = [word.rstrip(".") for word in WORD.findall(segment)]
        if len(words) > 1 and not any(_known_start(words, i) for i in range(len(words))):
            tags[" ".join(words)] = None  # `Organized Crime`: one tag of several words
            continue
        _words(words, tags)


def _known_start(words: list[str], index: int) -> bool:
    return words[index] in dictionary() or corrected(words[index]) != (words[index],)


def _words(words: list[str], tags: dict[str, None]) -> None:
    codes = dictionary()
    index = 0
    while index < len(words):
        phrase = _phrase(words, index)
        if phrase:
            tags[" ".join(words[index : index + phrase])] = None
            index += phrase
            continue
        name = _name_after_ovip(words, index, tags)
        if name:
            tags[f"{words[index]}, {' '.join(words[index + 1 : index + name])}"] = None
            index += name
            continue
        run = _unknown_run(words, index)
        if run >= 2:  # `POLITICAL PARTIES`: words that are no code, read as one tag
            tags[" ".join(words[index : index + run])] = None
            index += run
            continue
        word = words[index]
        tags.update(dict.fromkeys((word,) if word in codes else corrected(word)))
        index += 1


def _unknown_run(words: list[str], index: int) -> int:
    """How many words from `index` are neither codes nor mistyped ones (all of 4+ letters)."""
    size = 0
    while (
        index + size < len(words)
        and len(words[index + size]) >= 4
        and not _known_start(words, index + size)
        and not _phrase(words, index + size)
    ):
        size += 1
    return size


def _phrase(words: list[str], index: int) -> int:
    """How many words from `index` make a multi-word tag of the dictionary (0: none)."""
    for size in range(MAX_PHRASE, 1, -1):
        if " ".join(words[index : index + size]) in dictionary():
            return size
    return 0


def _name_after_ovip(words: list[str], index: int, tags: dict[str, None]) -> int:
    """`OVIP BIDEN JOSEPH`: a surname and given names (2-3 words) right after OVIP."""
    if not tags or next(reversed(tags)) != OVIP:
        return 0
    size = 0
    while index + size < len(words) and size < 3 and not _known_start(words, index + size):
        size += 1
    return size if size >= 2 else 0


def packed(tags: tuple[str, ...] | list[str]) -> str:
    """TAGS as one text field of a store: a JSON list, since a tag may hold spaces and
    commas (`CLINTON, HILLARY`, `HUMAN RIGHTS`)."""
    return json.dumps(list(tags), ensure_ascii=False)


def packed_tag(tag: str) -> str:
    """One tag as `packed` writes it inside the list (`"CLINTON, HILLARY"`): what a
    filter on the stored text looks for."""
    return json.dumps(tag, ensure_ascii=False)


def unpacked(text: str | None) -> tuple[str, ...]:
    """`packed`'s TAGS again; a store written before kept them space-separated."""
    if not text:
        return ()
    if text.startswith("["):
        return tuple(str(t) for t in json.loads(text))
    return tuple(text.split())
