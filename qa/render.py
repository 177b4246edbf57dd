"""Human and Markdown output of answers and cables.

Cable text is untrusted: it reaches the terminal only as plain strings appended
to `rich.text.Text` (never parsed as markup) after `corpus.display.shown` has
made control characters inert, so a cable cannot move the cursor, retitle the terminal or
restyle the output.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from rich.text import Text

from corpus.dates import shown_day
from corpus.display import shown
from qa.answer import Answer, Facets, Hit, Neighbours
from qa.filter_words import filter_lines, nothing_found

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|!])")


def _meta_line(hit: Hit) -> str:
    tags = f" · {' '.join(hit.tags)}" if hit.tags else ""
    outside = f" · {OUTSIDE}" if hit.outside_dates else ""
    return f"{hit.date}{outside} · {hit.origin} · {hit.classification}{tags}"


OUTSIDE = "outside the dates asked"
"""Beside the date of a result shown below the preferred dates (`Filters.dates_preferred`)."""


OPEN_MARK, CLOSE_MARK = "»", "«"
"""Around the answering sentence where styles do not show (a pipe, a file)."""


def one_line(text: str) -> str:
    """A paragraph on one line, its list items run together: piped output gives each
    paragraph one line, so that `grep` finds a point with its citation."""
    return text.replace("\n", " ")


def render_hit(hit: Hit, out: Text, *, marks: bool = False) -> None:
    """One result; `marks` (piped output) puts the answering sentence between » and « as
    well as in bold, and the paragraph on one line (`one_line`)."""
    out.append(f"{hit.rank}. ", style="bold")
    out.append(shown(hit.citation), style="bold cyan")
    out.append(f"  {hit.score:.3f}\n", style="dim")
    out.append(shown(hit.subject) + "\n", style="bold")
    out.append(shown(_meta_line(hit)) + "\n", style="dim")
    start, end = hit.highlight
    start, end = max(0, min(start, len(hit.text))), max(0, min(end, len(hit.text)))
    flat = one_line if marks else str
    sentence = shown(flat(hit.text[start:end]))
    if marks and sentence:
        sentence = f"{OPEN_MARK}{sentence}{CLOSE_MARK}"
    out.append(shown(flat(hit.text[:start])))
    out.append(sentence, style="bold yellow")
    out.append(shown(flat(hit.text[end:])) + "\n")
    if hit.also:
        out.append(shown(also_line(hit)) + "\n", style="dim")


def also_line(hit: Hit) -> str:
    """The copies folded into a result (`Hit.also`), on one line of their own."""
    return f"also in {', '.join(hit.also)}"


def render_text(answer: Answer, *, marks: bool = False) -> Text:
    out = Text()
    for line in filter_lines(answer.filters):
        out.append(shown(line) + "\n", style="dim")
    if not answer.hits:
        out.append(shown(nothing_found(answer.filters)) + "\n", style="yellow")
        return out
    if not answer.answered:
        out.append("Nothing strong found; the closest paragraphs:\n", style="yellow")
    for i, hit in enumerate(answer.hits):
        if i:
            out.append("\n")
        render_hit(hit, out, marks=marks)
    return out


def render_neighbours(found: Neighbours, *, marks: bool = False) -> Text:
    """`qa similar`: the source paragraph's citation, then its neighbours, each with the
    citations of the copies folded into it; `marks` as in `render_hit`."""
    out = Text()
    out.append("Paragraphs like ", style="dim")
    out.append(shown(found.source.citation), style="bold cyan")
    out.append(f" ({shown(found.source.subject)})\n", style="dim")
    if not found.hits:
        out.append("No other cable in the store.\n", style="yellow")
    for hit, same in zip(found.hits, found.same_text, strict=True):
        out.append("\n")
        render_hit(hit, out, marks=marks)
        if same:
            out.append("the same text\n", style="yellow")
    return out


def facet_lines(facets: Facets, top: int = 8) -> list[str]:
    """The facets as a few lines: periods in order, the commonest posts and TAGs."""

    def line(name: str, counts: dict[str, int], n: int | None = None) -> str:
        shown = list(counts.items())[:n]
        more = f" (+{len(counts) - len(shown)} more)" if len(shown) < len(counts) else ""
        return f"{name}: " + ", ".join(f"{key} {value}" for key, value in shown) + more

    return [
        f"best matching cables: {facets.cables}",
        line("quarters" if facets.by == "quarter" else "years", facets.years),
        line("origins", facets.origins, top),
        line("tags", facets.tags, top),
    ]


def render_facets(facets: Facets) -> Text:
    out = Text()
    for text in facet_lines(facets):
        out.append(shown(text) + "\n", style="dim")
    return out


_SPACES = re.compile(r"\s+")
COMPACT_INDENT = 3


def _trim_left(text: str, room: int) -> str:
    """The end of `text`, at most `room` characters, starting at a word ("…" when cut)."""
    if len(text) <= room:
        return text
    cut = text[len(text) - room + 1 :]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if 0 <= space < len(cut) - 1 else cut)


def _trim_right(text: str, room: int) -> str:
    """The start of `text`, at most `room` characters, ending at a word ("…" when cut)."""
    if len(text) <= room:
        return text
    cut = text[: max(room - 1, 0)]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut) + "…"


def snippet(hit: Hit, room: int) -> tuple[str, str, str]:
    """The answering sentence with as much context either side as `room` characters allow,
    on one line: (before, sentence, after)."""
    text = shown(hit.text)
    start, end = hit.highlight
    start, end = max(0, min(start, len(text))), max(0, min(end, len(text)))
    before, sentence, after = (
        _SPACES.sub(" ", part) for part in (text[:start], text[start:end], text[end:])
    )
    before = before.lstrip()
    after = after.rstrip()
    if not sentence.strip():  # no sentence marked: the paragraph's opening
        return "", "", _trim_right((before + sentence + after).strip(), room)
    if len(sentence) >= room:
        return "", _trim_right(sentence, room), ""
    spare = room - len(sentence)
    before = _trim_left(before, min(len(before), spare // 2))
    after = _trim_right(after, spare - len(before))
    return before, sentence, after


def _indented(body: Text, width: int) -> Text:
    """`body` word-wrapped to `width` less the indent, each line indented, none padded."""
    from rich.console import Console

    out = Text()
    for line in body.wrap(Console(width=width), max(width - COMPACT_INDENT, 20)):
        line.rstrip()
        out.append(" " * COMPACT_INDENT)
        out.append_text(line)
        out.append("\n")
    return out


def _wrap_at_dots(line: str, width: int) -> str:
    """A filter line wrapped between its " · " parts, so that a name stays with its value."""
    parts = line.split(" · ")
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += " · " + part
        else:
            lines.append(" " * COMPACT_INDENT + part)
    return "\n".join(lines)


def render_compact(answer: Answer, width: int) -> Text:
    """For a terminal: each result in one to three lines of the answering sentence with a
    little context, under its citation, date, origin and subject. Wrapped here, to `width`:
    the citation line is cut short rather than wrapped, so a citation is never split."""
    out = Text()
    for line in filter_lines(answer.filters):
        out.append(_wrap_at_dots(shown(line), width) + "\n", style="dim")
    if not answer.hits:
        out.append(shown(nothing_found(answer.filters)) + "\n", style="yellow")
    elif not answer.answered:
        out.append("Nothing strong found; the closest paragraphs:\n", style="yellow")
    room = max(3 * (width - COMPACT_INDENT) - 15, 40)  # words wrap short of the margin
    for i, hit in enumerate(answer.hits):
        top = Text()
        top.append(f"{hit.rank}. ".ljust(COMPACT_INDENT), style="bold")
        top.append(shown(hit.citation), style="bold cyan")
        outside = f" ({OUTSIDE})" if hit.outside_dates else ""
        top.append(shown(f" · {hit.date}{outside} · {hit.origin}"), style="dim")
        top.truncate(width, overflow="ellipsis")
        body = Text()
        body.append(shown(hit.subject) + "\n", style="bold")
        before, sentence, after = snippet(hit, room)
        body.append(before)
        body.append(sentence, style="bold yellow")
        body.append(after)
        if hit.also:
            body.append("\n" + shown(also_line(hit)), style="dim")
        if i or out.plain:
            out.append("\n")
        out.append_text(top)
        out.append("\n")
        out.append_text(_indented(body, width))
    if answer.hits:
        tip = f'whole paragraphs: --full, or qa show "{shown(answer.hits[0].citation)}"'
        out.append("\n" + (tip if len(tip) <= width else "--full: whole paragraphs"), style="dim")
    return out


def _md_escape(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", shown(text))


def _marked_markdown(text: str, span: tuple[int, int]) -> str:
    """The paragraph escaped for Markdown, the answering sentence in bold (line by line,
    with the bold marks hugging the words: `** x**` would not render)."""
    start, end = span
    out = [""]
    for segment, bold in ((text[:start], False), (text[start:end], True), (text[end:], False)):
        for i, piece in enumerate(segment.replace("\r", "").split("\n")):
            if i:
                out.append("")
            escaped = _md_escape(piece)
            if bold and escaped.strip():
                lead = escaped[: len(escaped) - len(escaped.lstrip())]
                trail = escaped[len(escaped.rstrip()) :]
                escaped = f"{lead}**{escaped.strip()}**{trail}"
            out[-1] += escaped
    return "\n".join(out)


def render_markdown(answer: Answer) -> str:
    """Blockquotes with citations, ready to paste into notes or an article."""
    lines = [f"**Q:** {_md_escape(answer.question)}", ""]
    if notes := filter_lines(answer.filters):
        lines += [f"_{_md_escape(line)}_" for line in notes] + [""]
    if answer.facets is not None:
        lines += [f"- {_md_escape(line)}" for line in facet_lines(answer.facets)] + [""]
    if not answer.hits:
        lines += [f"_{_md_escape(nothing_found(answer.filters))}_", ""]
    elif not answer.answered:
        lines += ["_Nothing strong found; the closest paragraphs:_", ""]
    for hit in answer.hits:
        body = _marked_markdown(hit.text, hit.highlight)
        quoted = "\n".join(f"> {line}" if line else ">" for line in body.split("\n"))
        lines += [
            quoted,
            ">",
            f"> — **{_md_escape(hit.citation)}**, {_md_escape(hit.subject)} "
            f"({hit.date}{', ' + OUTSIDE if hit.outside_dates else ''}, "
            f"{_md_escape(hit.origin)}, {_md_escape(hit.classification)})",
            *([f"> _{_md_escape(also_line(hit))}_"] if hit.also else []),
            "",
        ]
    return "\n".join(lines).rstrip() + "\n"


def tag_meanings(tags: Sequence[str]) -> str:
    """`PREL (External Political Relations) · MX (Mexico)`, for the TAGs the dictionary
    knows (`corpus/data/tags.tsv`); empty when it knows none."""
    from corpus.tags import describe_tag

    known = [(t, m) for t in tags if (m := describe_tag(t))]
    return " · ".join(f"{t} ({m})" for t, m in known)


def render_cable(cable: Any, para: str | None = None, *, flat: bool = False) -> Text:
    """A stored cable (`embeddings.ledger.StoredCable`), or one of its paragraphs; `flat`
    (piped output) gives each paragraph one line (`one_line`)."""
    out = Text()
    out.append(shown(cable.id), style="bold cyan")
    out.append("  " + shown(cable.subject or "") + "\n", style="bold")
    day = shown_day(cable.date, getattr(cable, "date_approximate", False))
    meta = f"{day} · {cable.origin} · {cable.classification}"
    if cable.tags:
        meta += " · " + " ".join(cable.tags)
    out.append(shown(meta) + "\n", style="dim")
    if meanings := tag_meanings(cable.tags):
        out.append(shown("TAGS: " + meanings) + "\n", style="dim")
    if cable.refs:
        out.append(shown("REF: " + " ".join(cable.refs)) + "\n", style="dim")
    if cable.partial:
        out.append("(partial extract of the original cable)\n", style="dim italic")
    paragraphs = [p for p in cable.paragraphs if para is None or p.number == para]
    if para is not None and not paragraphs:
        out.append(f"no paragraph {shown(para)} in {shown(cable.id)}\n", style="yellow")
        return out
    for p in paragraphs:
        out.append("\n")
        if p.heading and para is None:
            out.append(shown(p.heading) + "\n", style="bold underline")
        label = f"¶{p.number}" if p.numbered else f"[{p.number}]"
        mark = f" ({p.mark})" if p.mark else ""
        out.append(shown(label + mark) + " ", style="bold cyan")
        out.append(shown(one_line(p.text) if flat else p.text) + "\n")
    return out
