"""Printing for people: styled and wrapped on a terminal, through a pager when longer
than the screen (like git: `PAGER`, default `less` with `LESS=FRX`); elsewhere plain,
one line per line of text, never wrapped, for scripts and files."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from rich.console import Console
from rich.text import Text


def to_terminal() -> bool:
    """Whether stdout is a terminal, as Rich judges it (FORCE_COLOR and TTY_COMPATIBLE count)."""
    return Console().is_terminal


def width() -> int:
    return Console().width


def echo(renderable: Any, *, page: bool = False) -> None:
    """Print `renderable`; with `page`, output longer than the terminal goes to the pager."""
    if isinstance(renderable, Text):
        renderable.rstrip()  # print ends the last line itself
    console = Console(highlight=False)
    if not console.is_terminal:
        console.print(renderable, soft_wrap=True)
        return
    if not page or not sys.stdout.isatty():  # FORCE_COLOR into a pipe: styles, no pager
        console.print(renderable)
        return
    with console.capture() as capture:
        console.print(renderable)
    out = capture.get()
    if out.count("\n") <= console.height or not run_pager(out):
        sys.stdout.write(out)
        sys.stdout.flush()


def run_pager(text: str) -> bool:
    """Show `text` in the user's pager; False when there is none to run (then print it)."""
    command = os.environ.get("PAGER", "less").strip()
    if command in ("", "cat"):
        return False
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # quit if one screen, keep colours, leave the screen as is
    env.setdefault("LV", "-c")
    try:
        proc = subprocess.Popen(command, shell=True, stdin=subprocess.PIPE, env=env)
    except OSError:
        return False
    assert proc.stdin is not None
    try:
        proc.stdin.write(text.encode(sys.stdout.encoding or "utf-8", "replace"))
        proc.stdin.close()
    except BrokenPipeError:  # the pager quit before reading it all, or never started
        pass
    while True:
        try:
            code = proc.wait()
            break
        except KeyboardInterrupt:  # the pager handles Ctrl+C itself
            continue
    return code != 127  # 127: the shell found no such pager
