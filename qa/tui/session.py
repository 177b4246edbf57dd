"""The conversation as data: what was asked, what came back, and its Markdown export.

Kept free of Textual so the export can be tested and reused on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from corpus.display import shown, shown_line
from qa.answer import Answer, AskOptions, Filters, Hit
from qa.dates import parse_option


@dataclass(frozen=True, slots=True)
class Turn:
    """One question and, once the engine has replied, its answer or error."""

    number: int
    question: str
    filters: Filters | None = None  # explicit filters the question was asked with
    answer: Answer | None = None
    error: str | None = None
    infer: bool = True  # False once the user removed a filter the engine read from the question

    def options(self, *, k: int, history: Sequence[str]) -> AskOptions:
        """How the TUI asks this turn's question: with facets, shown under it, and its
        filters read from its words as the settings say, unless `infer` is False."""
        infer = None if self.infer else False
        return {"k": k, "filters": self.filters, "history": history, "infer": infer, "facets": True}


def citation_line(hit: Hit) -> str:
    """A citation as people paste it into their writing."""
    subject = shown_line(hit.subject) or "(no subject)"
    return f"{hit.citation}, “{subject}”, {hit.date}, {shown_line(hit.origin)}"


def describe_filters(filters: Filters) -> list[tuple[str, str]]:
    """(field, shown value) for each restriction in force, in a stable order; "dates" says
    whether dates read from a question exclude other cables ("strict", `Ctrl+T`) or only
    rank them ("preferred")."""
    shown: list[tuple[str, str]] = []
    for name in ("since", "until", "origin", "classification", "tag"):
        value = getattr(filters, name)
        if value:
            shown.append((name, shown_line(str(value))))
    if filters.cable_ids:
        shown.append(("cable_ids", ", ".join(filters.cable_ids)))
    if filters.strict_dates:
        shown.append(("dates", "strict"))
    elif filters.dates_preferred:
        shown.append(("dates", "preferred"))
    return shown


def summary(filters: Filters) -> str:
    """The restrictions in force on one line: "origin Madrid; dates strict"."""
    return "; ".join(f"{name} {value}" for name, value in describe_filters(filters))


def narrowed(filters: Filters, name: str, value: str) -> Filters:
    """`filters` narrowed to one facet of an answer (`qa.answer.Facets`): a "period"
    ("2006" or "2006-Q2"), an "origin" or a "tag"; every restriction now explicit."""
    if name == "period":
        year, _, quarter = value.partition("-Q")
        first, last = (
            (year, year)
            if not quarter
            else (
                f"{year}-{3 * int(quarter) - 2:02}",
                f"{year}-{3 * int(quarter):02}",
            )
        )
        since, until = parse_option(first), parse_option(last, end=True)
        return replace(filters, since=since, until=until, inferred=())
    changes: dict[str, Any] = {name: value}
    return replace(filters, **changes, inferred=())


def with_strict_dates(filters: Filters, strict: bool = True) -> Filters:
    """`filters` whose dates read from a question exclude other cables (`strict`) or only
    rank them."""
    return replace(filters, strict_dates=strict)


def without(filters: Filters, name: str) -> Filters:
    """`filters` less one restriction, every remaining one now explicit."""
    if name == "dates":
        return replace(filters, strict_dates=False)
    changes: dict[str, Any] = {name: () if name == "cable_ids" else None}
    return replace(filters, **changes, inferred=())


def _filters_md(filters: Filters) -> str:
    parts = []
    for name, value in describe_filters(filters):
        how = " (read from the question)" if name in filters.inferred else ""
        parts.append(f"{name}: {value}{how}")
    return "; ".join(parts)


def _quote(text: str) -> str:
    return "\n".join(f"> {line}" if line else ">" for line in shown(text).splitlines())


def turn_markdown(turn: Turn) -> str:
    lines = [f"## {turn.number}. {shown_line(turn.question)}", ""]
    if turn.error is not None:
        lines += [f"*The question failed: {shown_line(turn.error)}*", ""]
        return "\n".join(lines)
    answer = turn.answer
    if answer is None:
        lines += ["*No answer yet.*", ""]
        return "\n".join(lines)
    if not answer.filters.is_empty():
        lines += [f"Filters: {_filters_md(answer.filters)}", ""]
    if not answer.answered:
        lines += ["*Nothing strong found; the closest paragraphs follow.*", ""]
    for hit in answer.hits:
        lines += [f"{hit.rank}. **{citation_line(hit)}** ({shown_line(hit.classification)})", ""]
        lines += [_quote(hit.text), ""]
    return "\n".join(lines)


def export_path(folder: Path) -> Path:
    """`cable-qa-session.md` in `folder`, numbered past the exports already there."""
    path = folder / "cable-qa-session.md"
    n = 2
    while path.exists():
        path = folder / f"cable-qa-session-{n}.md"
        n += 1
    return path


def session_markdown(turns: list[Turn]) -> str:
    """The whole session, every citation with its paragraph, as Markdown."""
    out = ["# cable-qa session", ""]
    for turn in turns:
        out.append(turn_markdown(turn))
    cited = list(dict.fromkeys(h.citation for t in turns if t.answer for h in t.answer.hits))
    if cited:
        out += ["## Citations", ""] + [f"- {c}" for c in cited] + [""]
    return "\n".join(out)
