"""`qa ingest` as users run it: progress on a terminal and off it, and a re-run that costs nothing.

Real subprocesses, the real model and a real store in a temporary folder.
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import cable_html

PAGES = ("08OSLO522", "05PARIS4760", "10CARACAS107", "09RIYADH651")
NOT_ON_A_RERUN = ("torch", "sentence_transformers", "transformers", "chromadb")


def _env(store: Path) -> dict[str, str]:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", QA_STORE=str(store))
    env.pop("QA_CHROMA_URL", None)
    env.pop("QA_THREADS", None)
    return env


def _on_a_terminal(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    """Run with stderr on a pseudo-terminal: (status, stdout, what the terminal showed)."""
    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "qa.cli", *args],
        stdout=subprocess.PIPE,
        stderr=slave,
        stdin=subprocess.DEVNULL,
        env={**env, "TERM": "xterm", "COLUMNS": "80"},
    )
    os.close(slave)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        shown.extend(chunk)
    os.close(master)
    out = proc.stdout.read().decode() if proc.stdout else ""
    return proc.wait(timeout=600), out, shown.decode(errors="replace")


@pytest.mark.slow
def test_progress_on_a_terminal_off_it_and_a_rerun_that_loads_nothing(
    tmp_path: Path, shared_corpus: Path
) -> None:
    store = tmp_path / "store"
    env = _env(store)
    files = [str(cable_html(c)) for c in PAGES]

    status, out, shown = _on_a_terminal(["ingest", *files[:3]], env)
    assert status == 0, shown
    assert "loading the model all-MiniLM-L6-v2 (torch)…" in shown  # from the first second
    assert "paragraphs encoded (" in shown  # the bar, from the first batch
    assert "\r" in shown and all(len(line) <= 80 for line in shown.replace("\r", "\n").split("\n"))
    assert out.startswith("ingested 3 new, 0 changed, 0 unchanged, 0 failed cables:")
    assert "paragraphs/s)" in out and "encoding " in out

    piped = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ingest", *files], capture_output=True, text=True, env=env
    )
    assert piped.returncode == 0, piped.stderr
    assert "\r" not in piped.stderr  # a log gets whole lines, one every 10 s
    assert all(" cables, " in line or "loading" in line for line in piped.stderr.splitlines())
    assert piped.stdout.startswith("ingested 1 new, 0 changed, 3 unchanged")

    broken = tmp_path / "broken.html"
    broken.write_bytes(b"\x00\x01 not a cable \x00" * 40)
    quiet = subprocess.run(
        [sys.executable, "-m", "qa.cli", "ingest", "--quiet", *files, str(broken)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert quiet.returncode == 1  # the rest is stored, and a script can tell
    assert quiet.stderr.splitlines() == [f"skipped {broken}: binary file, not a cable"]
    assert "nothing to encode" in quiet.stdout

    code = (
        "import sys\n"
        "from qa.cli import cli\n"
        f"try:\n    cli(['ingest', '--quiet', *{files!r}], prog_name='qa')\n"
        "except SystemExit as e:\n    assert e.code in (0, None), e.code\n"
        f"print('LOADED', [m for m in {NOT_ON_A_RERUN!r} if m in sys.modules])\n"
    )
    rerun = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert rerun.returncode == 0, rerun.stderr
    assert "ingested 0 new, 0 changed, 4 unchanged" in rerun.stdout
    assert rerun.stdout.strip().splitlines()[-1] == "LOADED []", rerun.stdout
