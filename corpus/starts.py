"""Where a cable's numbered paragraphs start: the lines that open them, chosen so that the
numbers continue the cable's own sequence; `corpus.paragraphs` cuts the body at them.

A marked start run into the sentence before it (`... the impeachment. 4. (C) Zardari
said`, where the page lost its line break) is split off when it continues the sequence:
2% of the shared corpus's cables had one, its text cited under the paragraph before. A
stretch that a page gives twice (2 cables of the shared corpus) is read once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MARK = r"[A-Z]{1,4}(?:\s?//?\s?[A-Z]{1,8}(?:[ ,]+[A-Z]{2,6})*)*|[a-z]{1,3}(?:/[a-z]{1,2})?"
# `1. (C)`, `1.(C)`, `12.  (S/NF)`, `3.. (SBU)`, `2.In`, `¶7.`, `(C) 1. The`, `9. ( C)`.
PARA_START = re.compile(
    rf"^[ \t]*(?:¶[ \t]*)?(?:\((?P<pre>{MARK})\)[ \t]*)?(?P<num>[1-9]\d{{0,2}})[ \t]*\.{{1,2}}"
    rf"(?:[ \t]*\([ \t]?(?P<mark>{MARK})[ \t]?\)[ \t]*|[ \t]+|(?=[A-Z(\"“'])|$)(?P<rest>.*)$"
)
# `... blocked the impeachment. 4. (C) Zardari said`: a numbered start with its mark, run
# into the sentence before it where the page lost a line break. Upper-case marks only.
INLINE_START = re.compile(
    r"(?<=[.!?:\"”')\]])[ \t]+(?=(?:¶[ \t]*)?[1-9]\d{0,2}[ \t]*\.{1,2}[ \t]*"
    r"\([ \t]?[A-Z]{1,4}(?:\s?//?\s?[A-Z]{1,8})*[ \t]?\)[ \t])"
)
DASHES = re.compile(r"^[ \t]*(?:[-=_][ \t]?){3,}[-=_ \t]*$")
SLASH_HEADING = re.compile(r"^[ \t]*//(?P<title>[^/].{0,100}?)//[ \t]*$")


def is_heading(lines: list[str], index: int) -> bool:
    """A short line over a line of dashes (blank lines between allowed), or `//TITLE//`."""
    line = lines[index].strip()
    if SLASH_HEADING.match(line):
        return True
    if not line or len(line) > 100 or DASHES.match(line) or line.endswith(","):
        return False
    after = index + 1
    while after < len(lines) and not lines[after].strip() and after - index < 3:
        after += 1
    return after < len(lines) and DASHES.match(lines[after]) is not None


@dataclass(frozen=True, slots=True)
class Start:
    line: int
    number: int
    mark: str | None
    rest: str


def _candidates(lines: list[str]) -> list[Start]:
    starts = []
    for index, line in enumerate(lines):
        match = PARA_START.match(line)
        if match:
            mark = match["mark"] or match["pre"]
            starts.append(Start(index, int(match["num"]), mark, match["rest"]))
    return starts


def _opens_block(lines: list[str], index: int) -> bool:
    if index == 0:
        return True
    before = lines[index - 1].strip()
    if not before or DASHES.match(before) or REDACTED.match(before):
        return True
    return is_heading(lines, index - 1)


REDACTED = re.compile(r"^X{6,}$")
"""A line the release blanked out (`XXXXXXXXXXXX`), often a whole paragraph."""


def select_starts(lines: list[str], *, partial: bool, one_prefix: bool) -> list[Start]:
    """Keep the candidates that continue the cable's own numbering, or that its numbering
    goes on from after a skip or a slip of its own (`_goes_on`)."""
    candidates = _candidates(lines)
    chosen: list[Start] = []
    marked = False
    for position, start in enumerate(candidates):
        last = chosen[-1].number if chosen else 0
        expected = last + 1
        number = start.number
        if one_prefix and number != expected and str(number) == f"1{expected}":
            number = expected
            start = Start(start.line, number, start.mark, start.rest)
        block = _opens_block(lines, start.line)
        if not chosen:
            ok = number == 1 or start.mark is not None or partial or (block and number <= 3)
        elif number == expected:
            ok = (
                start.mark is not None
                or not marked
                or not _goes_on(candidates, position, number - 1)
            )
        elif not marked and start.mark is None and expected < number <= expected + MAX_SKIP:
            ok = _unmarked_skip(lines, candidates, position)
        elif expected < number <= expected + 2:
            ok = start.mark is not None and (block or bool(_goes_on(candidates, position, number)))
        elif number == 1 or number == last:
            ok = start.mark is not None and block and (not marked or start.mark is not None)
        elif expected < number <= expected + MAX_SKIP or number < last:
            after = _goes_on(candidates, position, number)
            if after is None:  # the last marked start: a skip ends the cable
                after = number > last and block
            ok = _classified(start.mark) and after
        else:
            ok = False
        if ok:
            if not chosen:
                marked = start.mark is not None
            chosen.append(start)
    return chosen


MAX_SKIP = 40
"""The most paragraph numbers a cable may skip (paragraphs left out of the release:
09PARIS815 goes from ¶1 to ¶5, 08PARIS1698 from ¶2 to ¶36), when the start after it
goes on from it or it opens the cable's last paragraph."""
CLASSIFICATIONS = frozenset(["U", "C", "S", "SBU", "LOU", "TS", "FOUO"])


def _goes_on(candidates: list[Start], position: int, number: int) -> bool | None:
    """Whether the next marked start after `position` is `number` + 1, None when there is
    none. It tells a number out of the expected order that the cable's numbering then
    follows (09PARIS815 skips to ¶5 and goes on with ¶6; 06MADRID934 numbers ¶7, ¶10,
    ¶9, ¶10), and an unmarked start that a marked one of the same number follows."""
    for later in candidates[position + 1 :]:
        if later.mark is not None:
            return later.number == number + 1
    return None


RUNS_ON = re.compile(r"[A-Za-z,;:-]$")
"""A line ending so that the next one goes on with its sentence."""


def _unmarked_skip(lines: list[str], candidates: list[Start], position: int) -> bool:
    """In a cable that marks no paragraph (09HARARE888 goes ¶1, ¶3, ¶8, ¶11: the items
    between were left out of the release), a number past the expected one opens a
    paragraph where one may start: its text opens with a capital, the line before ends
    its sentence (or a block opens), and the next start, if any, comes later."""
    start = candidates[position]
    if not start.rest[:1].isupper():
        return False
    if not _opens_block(lines, start.line) and RUNS_ON.search(lines[start.line - 1].rstrip()):
        return False
    after = candidates[position + 1] if position + 1 < len(candidates) else None
    return after is None or after.number > start.number


def _classified(mark: str | None) -> bool:
    """A paragraph's classification mark, "(C)" or "(S//NF)", not a list's "(a)"."""
    return mark is not None and re.split(r"[/ ,]", mark.upper(), maxsplit=1)[0] in CLASSIFICATIONS


def with_inline_starts(lines: list[str], *, partial: bool, one_prefix: bool) -> list[str]:
    """`lines` with each start run into a line (`INLINE_START`) put on a line of its own,
    where it continues the cable's numbering; the others stay where they were."""
    split: list[str] = []
    inline: list[bool] = []
    for line in lines:
        parts = INLINE_START.split(line)
        split += parts
        inline += [False] + [True] * (len(parts) - 1)
    if len(split) == len(lines):
        return lines
    chosen = {s.line for s in select_starts(split, partial=partial, one_prefix=one_prefix)}
    out: list[str] = []
    for index, (part, run_in) in enumerate(zip(split, inline, strict=True)):
        if run_in and index not in chosen:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    return out


def paragraph_starts(
    lines: list[str], *, partial: bool, one_prefix: bool
) -> tuple[list[str], list[Start]]:
    """A body's lines with its run-in starts split off and a stretch a page gives twice
    read once (`with_inline_starts`, `without_repeats`), and where each paragraph starts."""
    lines = with_inline_starts(lines, partial=partial, one_prefix=one_prefix)
    return without_repeats(lines, partial=partial, one_prefix=one_prefix)


def without_repeats(
    lines: list[str], *, partial: bool, one_prefix: bool
) -> tuple[list[str], list[Start]]:
    """`lines` less a stretch of paragraphs that the page gives twice, and the starts of
    what is left (`select_starts`, which finding a repeat needs anyway).

    Some pages repeat a stretch of the telegram after a page marker, the first copy of
    its last paragraph cut off where the page broke. A start that goes back to a number
    already taken, opening with the same words as the paragraph that took it, is such a
    repeat; a restart with other words (a second numbered list) is left alone. Where the
    repeat goes on past the first copy (09BRUSSELS1580 gives ¶4-7 again, in the middle
    of ¶7, then ¶8-10), the first copy is dropped: the second is the whole one. Where it
    does not (09CAPETOWN204 gives ¶1-3 again in the middle of ¶4, then the end of ¶4's
    cut sentence), the repeat is dropped and that end joins the sentence it ends.
    """
    chosen = select_starts(lines, partial=partial, one_prefix=one_prefix)
    for _ in range(MAX_REPEATS):
        found = _repeat(lines, chosen)
        if found is None:
            break
        first, again = found
        reached = max(s.number for s in chosen if s.line < again.line)
        if any(s.line > again.line and s.number > reached for s in chosen):
            lines = lines[: first.line] + lines[again.line :]
        else:
            lines = _join_cut_end(lines[: again.line], _cut_end(lines[again.line :]))
        lines = with_inline_starts(lines, partial=partial, one_prefix=one_prefix)
        chosen = select_starts(lines, partial=partial, one_prefix=one_prefix)
    return lines, chosen


def _repeat(lines: list[str], chosen: list[Start]) -> tuple[Start, Start] | None:
    """The first start that repeats a paragraph already taken, and the one it repeats."""
    taken: dict[int, Start] = {}
    for start in _candidates(lines):
        first = taken.get(start.number)
        if first is not None and _same_opening(_opening(lines, first), _opening(lines, start)):
            return first, start
        if start in chosen:
            taken.setdefault(start.number, start)
    return None


def _cut_end(lines: list[str]) -> list[str]:
    """The last block of `lines` when it opens in lower case: the rest of a sentence."""
    block: list[str] = []
    for line in reversed(lines):
        if not line.strip():
            break
        block.insert(0, line)
    if len(block) == len(lines) or not block or not block[0].lstrip()[:1].islower():
        return []
    return block


def _join_cut_end(lines: list[str], end: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    if not end or not lines:
        return lines + end
    return [*lines[:-1], f"{lines[-1].rstrip()} {end[0].strip()}", *end[1:]]


MAX_REPEATS = 3
OPENING_WORDS = 12


def _opening(lines: list[str], start: Start) -> list[str]:
    """The first words of the paragraph `start` opens, lower-cased."""
    out = re.findall(r"\w+", start.rest.lower())
    index = start.line + 1
    while len(out) < OPENING_WORDS and index < len(lines) and lines[index].strip():
        if PARA_START.match(lines[index]):
            break
        out += re.findall(r"\w+", lines[index].lower())
        index += 1
    return out[:OPENING_WORDS]


def _same_opening(a: list[str], b: list[str]) -> bool:
    """Paragraphs of some length opening with the same words in the same places, but for
    a letter misread here and there (a list of contents, whose lines the sections repeat,
    is too short to count)."""
    if min(len(a), len(b)) < OPENING_WORDS:
        return False
    return sum(x == y for x, y in zip(a, b, strict=True)) >= 0.75 * OPENING_WORDS
