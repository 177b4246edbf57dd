"""The one display policy (`corpus.display`): what each kind of character is shown as."""

from __future__ import annotations

import pytest

from corpus.display import CONTROL, shown, shown_line

POLICY = [
    ("06MEXICO3305_markup", "border [bold red]x[/] tunnels", "border [bold red]x[/] tunnels"),
    ("08ASTANA338_esc", "Quote \x1b[31mred\x1b[0m end", "Quote ␛[31mred␛[0m end"),
    ("00HARARE6677_c0", "bell\x07 null\x00 bs\x08", "bell\ufffd null\ufffd bs\ufffd"),
    ("09KUWAIT110_c1", "before\x9b2J after\x85", "before\ufffd2J after\ufffd"),
    ("05PARIS104_del", "rub out\x7f", "rub out\ufffd"),
    ("07KABUL185_cr", "line\rnext\r\nlast", "line\nnext\n\nlast"),
    ("10NAIROBI59_tab_newline", "tab\there\nnext", "tab\there\nnext"),
    ("09RIYADH651_vt_ff", "page\x0bvt\x0cff", "page\ufffdvt\ufffdff"),
    ("09SANAA1669_bidi_override", "user\u202egpj.exe\u202c", "user\ufffdgpj.exe\ufffd"),
    ("10RIYADH61_bidi_isolate", "\u2066a\u2067b\u2068c\u2069", "\ufffda\ufffdb\ufffdc\ufffd"),
    ("09BEIJING1970_unicode", "Beijing 北京 “quoted” ¶4 \u00a0", "Beijing 北京 “quoted” ¶4 \u00a0"),
]


@pytest.mark.parametrize(("case", "raw", "expected"), POLICY, ids=[c[0] for c in POLICY])
def test_shown_policy_keeps_offsets(case: str, raw: str, expected: str) -> None:
    assert shown(raw) == expected
    assert len(shown(raw)) == len(raw)  # a highlight's offsets hold in the shown text
    assert not CONTROL.search(shown(raw))


def test_shown_line_folds_lines_after_the_policy() -> None:
    assert (
        shown_line(" 06MEXICO3305\r\n\x1b[2J  BORDER\tVIOLENCE ")
        == "06MEXICO3305 ␛[2J BORDER VIOLENCE"
    )


def test_every_control_character_is_inert() -> None:
    for code in (*range(0x00, 0x20), *range(0x7F, 0xA0)):
        out = shown(chr(code))
        assert out in ("\t", "\n", "␛", "\ufffd"), hex(code)
