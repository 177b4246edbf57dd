"""A real `qa serve` subprocess on a free loopback port, for the server and TUI tests."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from qa.client import RemoteEngine
from qa.errors import ServerError
from tests.reliability.test_misuse import closed_port

REPO = Path(__file__).resolve().parents[1]


@contextmanager
def running_server(store: Path, token: str, *, workers: int = 2) -> Iterator[str]:
    """The server's URL once it answers /health; stopped with SIGTERM on exit."""
    port = closed_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", QA_TOKEN=token)
    cmd = [sys.executable, "-m", "qa.cli", "serve", "--store", str(store), "--port", str(port)]
    proc = subprocess.Popen(
        [*cmd, "--workers", str(workers)], env=env, cwd=REPO, stderr=subprocess.PIPE, text=True
    )
    client = RemoteEngine(url, token=token)
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                client.health()
                break
            except ServerError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    proc.kill()
                    raise RuntimeError(f"qa serve did not start: {proc.communicate()[1]}") from None
                time.sleep(0.3)
        yield url
    finally:
        client.close()
        proc.terminate()
        proc.wait(timeout=30)
