"""Cut long paragraphs into overlapping windows the model can read whole.

all-MiniLM-L6-v2 reads 256 word pieces and silently drops the rest, so a
20–50k-character paragraph (09STATE80163 ¶15) embedded whole would be found by
its opening only. Each window is a character span of the paragraph; the ingest
encodes `passage_text(subject, heading, text[start:end])` for each and keeps
them under the paragraph's citation.

Spans come from the fast tokenizer's offsets (one tokenisation per paragraph,
then a bounded look-back per window: linear in the text's length).
"""

from __future__ import annotations

import json
import re
from typing import Any

from corpus.paragraphs import BULLET
from embeddings.encoder import passage_text
from embeddings.errors import EncoderError
from embeddings.onnx_export import TOKENIZER_FILE, model_dir

Tokenizer = Any
"""A `tokenizers.Tokenizer` (the library ships no type information)."""

_SENTENCE_END = frozenset(".!?;:")
_ITEM = re.compile(rf"(?m)^[ \t]*(?:{BULLET})[ \t]+\S.*$")
"""A point of a list on its line: the reader's bullets (lettered and numbered points were
tried as windows too and lowered the figures)."""
_WORD_LOOKBACK = 16
_MIDWORD_MARGIN = 8
"""Word pieces held back when a window must start or end inside a word: the piece
re-tokenised on its own can split into a few more pieces than in context."""


def load_tokenizer(model: str) -> Tokenizer:
    """The model's fast tokenizer with truncation and padding off, as `windows` needs."""
    from tokenizers import Tokenizer as FastTokenizer

    folder = model_dir(model)
    sub = ""
    modules = folder / "modules.json"
    if modules.is_file():
        entries = json.loads(modules.read_text(encoding="utf-8"))
        sub = str(entries[0].get("path", "")) if entries else ""
    path = folder / sub / TOKENIZER_FILE
    if not path.is_file():
        raise EncoderError(f"{model}: no fast tokenizer ({path} is missing)")
    tokenizer = FastTokenizer.from_file(str(path))
    tokenizer.no_truncation()
    tokenizer.no_padding()
    return tokenizer


def context_tokens(tokenizer: Tokenizer, subject: str, heading: str | None) -> int:
    """Word pieces taken by the ``subject. heading. `` prefix of every window."""
    prefix = passage_text(subject, heading, "")
    return len(tokenizer.encode(prefix, add_special_tokens=False).ids) if prefix else 0


def windows(
    text: str,
    tokenizer: Tokenizer,
    *,
    max_tokens: int = 256,
    overlap: int = 32,
    context_tokens: int = 0,
) -> list[tuple[int, int]]:
    """Character spans covering `text`, each fitting the model after the prefix.

    A prefix longer than half the room is counted as half: the model then
    truncates the window's tail, which the next window's overlap repeats.
    """
    if tokenizer.truncation is not None:
        raise ValueError("windows() needs a tokenizer without truncation (load_tokenizer)")
    specials = tokenizer.num_special_tokens_to_add(is_pair=False)
    usable = max_tokens - specials
    room = usable - min(max(context_tokens, 0), usable // 2)
    if overlap < 0 or room <= 2 * (overlap + _MIDWORD_MARGIN):
        raise ValueError(f"{room} word pieces per window cannot hold an overlap of {overlap}")
    offsets: list[tuple[int, int]] = tokenizer.encode(text, add_special_tokens=False).offsets
    n = len(offsets)
    if n <= room:
        return [(0, len(text))]
    starts = [k == 0 or offsets[k][0] > offsets[k - 1][1] for k in range(n)] + [True]
    spans: list[tuple[int, int]] = []
    i = 0
    while True:
        budget = room if starts[i] else room - _MIDWORD_MARGIN
        if i + budget >= n:
            spans.append((0 if i == 0 else offsets[i][0], len(text)))
            return spans
        k = _cut(text, offsets, starts, lo=i + budget // 2, hi=i + budget)
        spans.append((0 if i == 0 else offsets[i][0], offsets[k - 1][1]))
        i = _next_start(starts, k - overlap, floor=i + 1)


def item_spans(text: str) -> list[tuple[int, int]]:
    """Each list item (a line opening with "--", "-", "*" or "•") of a paragraph that
    has at least two: one point of a multi-point paragraph, read on its own."""
    items = [m.span() for m in _ITEM.finditer(text)]
    return items if len(items) >= 2 else []


def _cut(text: str, offsets: list[tuple[int, int]], starts: list[bool], *, lo: int, hi: int) -> int:
    """The token index a window ends before: after a sentence if one ends in the
    second half of the window, else between words, else wherever the budget ends."""
    for k in range(hi, lo, -1):
        end = offsets[k - 1][1]
        if starts[k] and text[end - 1] in _SENTENCE_END:
            return k
    for k in range(hi, lo, -1):
        if starts[k]:
            return k
    return hi - _MIDWORD_MARGIN


def _next_start(starts: list[bool], k: int, *, floor: int) -> int:
    """Step back to a word's first piece so that the overlap never opens mid-word."""
    for j in range(k, max(floor, k - _WORD_LOOKBACK) - 1, -1):
        if starts[j]:
            return j
    return max(k, floor)
