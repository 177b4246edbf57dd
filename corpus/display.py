"""How untrusted text is shown: the one policy for every front end and report.

Cable text, cable metadata and store contents are untrusted. They reach a
terminal only as plain strings (Rich `Text`, Textual `Content`, never parsed
as markup) after `shown` has made them inert, character by character:

- newline (LF): itself; paragraphs have lines.
- tab: itself; Rich and Textual expand it to spaces.
- carriage return (CR): a newline; a bare CR lets later text overwrite earlier text.
- ESC (U+001B): ␛ (U+241B), visible, so a reader sees that the cable held one.
- every other C0 control (U+0000-U+001F), DEL (U+007F) and C1 control
  (U+0080-U+009F): � (U+FFFD); no bell, no cursor move, no CSI.
- bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): �;
  they reorder what follows, so shown text could read otherwise than it is.
- everything else: itself.

One character in, one character out: offsets into the raw text (a hit's
highlight) stay valid in the shown text. This is display only; what a cable
holds is normalised once at read time (`corpus.clean`), and a question typed
by a person is checked by `qa.limits`, which uses `CONTROL` below.

`corpus` is the lowest layer that shows text (`embeddings.stats` formats `qa
stats`), so the policy lives here and every layer above imports it.
"""

from __future__ import annotations

import re

VISIBLE_ESCAPE = "\u241b"
"""What ESC is shown as: ␛."""

REPLACEMENT = "\ufffd"
"""What every other control or bidi formatting character is shown as."""

BIDI = (*range(0x202A, 0x202F), *range(0x2066, 0x206A))
"""Bidi embeddings, overrides (LRE, RLE, PDF, LRO, RLO) and isolates (LRI, RLI, FSI, PDI)."""

CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""C0 controls but tab and newline, DEL and C1: the characters no text means to hold."""

_TABLE: dict[int, str] = {
    **{code: REPLACEMENT for code in (*range(0x00, 0x20), *range(0x7F, 0xA0), *BIDI)},
    ord("\t"): "\t",
    ord("\n"): "\n",
    ord("\r"): "\n",
    0x1B: VISIBLE_ESCAPE,
}


def shown(text: str) -> str:
    """`text` made inert for a terminal, one character for each (the table above)."""
    return text.translate(_TABLE)


def shown_line(text: str) -> str:
    """`shown`, folded onto one line: for headers, list entries and report columns."""
    return " ".join(shown(text).split())
