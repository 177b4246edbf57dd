"""The real `qa tui` in a real terminal (tmux): type a question, read a citation."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.serving import REPO, running_server

pytestmark = pytest.mark.slow

QA = Path(sys.executable).with_name("qa")


def capture(session: str) -> str:
    return subprocess.run(
        ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=True
    ).stdout


def wait_for(session: str, needle: str, timeout: float) -> str:
    """Poll the pane: the app runs in another process, so there is no worker to await."""
    deadline = time.monotonic() + timeout
    screen = ""
    while time.monotonic() < deadline:
        screen = capture(session)
        if needle in screen:
            return screen
        time.sleep(0.5)
    raise AssertionError(f"{needle!r} not on screen after {timeout} s:\n{screen}")


@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_qa_tui_in_tmux(tui_store: Path) -> None:
    if not QA.exists():
        pytest.fail(f"the console script is missing: {QA}")
    session = f"qa-tui-{uuid.uuid4().hex[:8]}"
    command = f"HF_HUB_OFFLINE=1 TERM=xterm-256color {QA} --store {tui_store} tui"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command],
        check=True,
    )
    try:
        wait_for(session, "Ask a question", 60)
        wait_for(session, "No filters", 120)  # the engine is open and the model loaded
        subprocess.run(
            [
                "tmux",
                "send-keys",
                "-t",
                session,
                "-l",
                "How should we engage Mexico on border violence?",
            ],
            check=True,
        )
        subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
        screen = wait_for(session, "06MEXICO3305 ¶", 120)
        assert "ENGAGING THE NEW MEXICAN ADMINISTRATION" in screen
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


@pytest.mark.server
@pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")
def test_qa_tui_over_qa_serve_in_tmux(tui_store: Path, tmp_path: Path) -> None:
    """The same TUI as a thin client: no store here, the question answered by `qa serve`."""
    token = uuid.uuid4().hex
    session = f"qa-tui-remote-{uuid.uuid4().hex[:8]}"
    with running_server(tui_store, token) as url:
        command = (
            f"cd {REPO} && HF_HUB_OFFLINE=1 TERM=xterm-256color QA_TOKEN={token} "
            f"QA_STORE={tmp_path / 'none'} {sys.executable} -m qa.cli --server {url} tui"
        )
        subprocess.run(
            ["tmux", "new-session", "-d", "-s", session, "-x", "100", "-y", "30", command],
            check=True,
        )
        try:
            wait_for(session, "No filters", 60)
            keys = ["-l", "How should we engage Mexico on border violence?"]
            subprocess.run(["tmux", "send-keys", "-t", session, *keys], check=True)
            subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
            screen = wait_for(session, "06MEXICO3305 ¶", 60)
            assert "ENGAGING THE NEW MEXICAN ADMINISTRATION" in screen
            subprocess.run(["tmux", "send-keys", "-t", session, "Tab"], check=True)
            subprocess.run(["tmux", "send-keys", "-t", session, "Enter"], check=True)
            wait_for(session, "Classified by: AMBASSADOR", 90)  # the viewer, fed by the server
        finally:
            subprocess.run(["tmux", "kill-session", "-t", session], check=False)
