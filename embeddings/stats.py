"""What the store holds, from the ledger alone: no model, no Chroma client needed."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from corpus.display import shown_line
from embeddings.ledger import Ledger

TOP = 20  # origins listed by `format_stats`; the JSON keeps them all


def folder_size(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_blocks * 512
            except OSError:
                continue
    return total


def stats(store_dir: Path, chroma_url: str | None = None) -> dict[str, Any]:
    """JSON-ready counts; ``size_bytes`` is what the folder takes on disk (sparse files too)."""
    ledger = Ledger.open(store_dir)
    try:
        conn = ledger.conn

        def grouped(column: str) -> dict[str, int]:
            rows = conn.execute(
                f"SELECT {column}, count(*) FROM cables GROUP BY 1 ORDER BY 2 DESC, 1"
            )
            return {str(k if k is not None else ""): int(n) for k, n in rows}

        return {
            "cables": ledger.count("cables"),
            "approximate_dates": ledger.approximate_dates(),
            "paragraphs": ledger.count("paragraphs"),
            "records": ledger.count("records"),
            "model": ledger.model(),
            "dimension": ledger.dimension(),
            "generation": ledger.generation(),
            "pending": len(ledger.pending()),
            "store": str(store_dir),
            "chroma": chroma_url or str(store_dir / "chroma"),
            "size_bytes": folder_size(store_dir),
            "by_year": dict(sorted(grouped("year").items())),
            "by_origin": grouped("origin"),
            "by_classification": grouped("classification"),
        }
    finally:
        ledger.close()


def _size(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} TB"


LABEL = 12
"""The width of the labels' column ("by origin   ")."""


def _listed(label: str, items: list[str], width: int | None) -> list[str]:
    """`label` and its items joined by ", "; within `width`, wrapped between items under
    the values' column (an item is never split), else on one line."""
    head = label.ljust(LABEL)
    if width is None:
        return [head + ", ".join(items)]
    lines, line = [], head
    for i, item in enumerate(items):
        piece = item + ("," if i < len(items) - 1 else "")
        if len(line) > LABEL and len(line) + 1 + len(piece) > width:
            lines.append(line)
            line = " " * LABEL
        line += ("" if len(line) == LABEL else " ") + piece
    return [*lines, line]


def format_stats(d: dict[str, Any], width: int | None = None) -> str:
    """The store's counts as text; `width` (a terminal's) wraps the long lists."""
    lines = [
        f"store       {d['store']} ({_size(d['size_bytes'])})",
        f"chroma      {d['chroma']}",
        f"model       {d['model'] or '(none yet)'} ({d['dimension'] or '?'}-d)",
        f"cables      {d['cables']}"
        + (f" ({d['approximate_dates']} dated by year only)" if d.get("approximate_dates") else ""),
        f"paragraphs  {d['paragraphs']}",
        f"records     {d['records']}",
    ]
    if d.get("pending"):
        lines.append(f"pending     {d['pending']} cables await their vector-index write")
    years = d["by_year"]
    if years:
        lines += _listed("by year", [f"{y}: {n}" for y, n in years.items()], width)
    classes = [f"{shown_line(str(c)) or '?'}: {n}" for c, n in d["by_classification"].items()]
    lines += _listed("by class", classes, width)
    origins = list(d["by_origin"].items())
    listed = [f"{shown_line(str(o))}: {n}" for o, n in origins[:TOP]]
    if len(origins) > TOP:
        listed[-1] += f" (+{len(origins) - TOP} more)"
    lines += _listed("by origin", listed, width)
    return "\n".join(lines)
