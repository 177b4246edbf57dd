"""The errors `qa` raises on purpose: branches of the one tree in `corpus.errors`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from corpus.errors import CableQAError


class SettingsError(CableQAError, ValueError):
    """A setting (a flag or a ``QA_*`` variable) outside what it can be."""


class EngineError(CableQAError):
    """A question the engine cannot run (bad mode, unusable store)."""


class RetrievalError(EngineError):
    """The store cannot answer a query (missing index, model mismatch, broken Chroma)."""


class EvalError(CableQAError):
    """An evaluation file that cannot be read (no questions, a line without id or question)."""


class ServerError(CableQAError):
    """A `qa serve` that cannot be reached, refuses the request, or fails (`qa.client`)."""


def no_paragraph(cable_id: str, para: str, held: Sequence[str]) -> str:
    """The one line for a paragraph number the cable lacks, with the numbers it holds:
    `06MOSCOW12751 has no paragraph ¶11 (it has ¶1–¶10, ¶12–¶15)` (a skipped number,
    or one whose heading is all it held, is told from a typo at a glance)."""
    runs: list[list[str]] = []
    for number in held:
        last = runs[-1][-1] if runs else ""
        if number.isdigit() and last.isdigit() and int(number) == int(last) + 1:
            runs[-1].append(number)
        else:
            runs.append([number])
    shown = [f"¶{r[0]}–¶{r[-1]}" if len(r) > 2 else ", ".join(f"¶{n}" for n in r) for r in runs]
    if len(shown) > 8:
        shown = [*shown[:4], "…", *shown[-3:]]
    has = f" (it has {', '.join(shown)})" if shown else ""
    return f"{cable_id} has no paragraph ¶{para}{has}"


def missing_paragraph(cable: Any, para: str | None) -> str | None:
    """`no_paragraph`'s line when `cable` (stored, or as a server sends it) lacks paragraph
    `para`; None when it holds it or none is asked for (`qa show`, `GET /v1/cables/ID`)."""
    held = [p.number for p in cable.paragraphs]
    return None if para is None or para in held else no_paragraph(cable.id, para, held)
