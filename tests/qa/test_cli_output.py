"""What `qa ask` and `qa show` print, in process with click's runner, on the hand-made store.

The engine is the real one over the hand-made store; only the model is the
deterministic bag-of-words encoder, so these run in milliseconds.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from qa.cli import cli
from qa.config import Settings
from qa.engine import Engine
from tests.qa.conftest import BagEncoder

Invoke = Callable[..., Result]


@pytest.fixture
def qa(monkeypatch: pytest.MonkeyPatch, hand_store: Path) -> Invoke:
    """`qa --store HAND --model bag ...` with the engine given the bag-of-words encoder."""

    def engine(settings: Settings) -> Engine:
        return Engine(settings, encoder=BagEncoder())

    monkeypatch.setattr("qa.engine.Engine", engine)

    def invoke(*args: str, **kw: Any) -> Result:
        base = ["--store", str(hand_store), "--model", BagEncoder.name]
        return CliRunner().invoke(cli, [*base, *args], catch_exceptions=False, **kw)

    return invoke


def test_plain_output_prints_the_values_applied(qa: Invoke) -> None:
    out = qa("ask", "cables from the embassy in Paris since March 2004 on terrorism")
    assert out.exit_code == 0, out.output
    first = out.output.splitlines()[0]
    assert first == "filters read from the question: since 2004-03-01 · origin Embassy Paris"


def test_given_and_read_filters_are_told_apart(qa: Invoke) -> None:
    out = qa("ask", "--tag", "PTER", "terrorism trial in 2005")
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[:2] == [
        "filters: tag PTER",
        "filters read from the question: since 2005-01-01 · until 2005-12-31",
    ]


def test_dropped_filter_says_why(qa: Invoke) -> None:
    out = qa("ask", "secret cables from the embassy in Madrid in 2006 on the prosecutor")
    assert out.exit_code == 0, out.output
    assert (
        "no SECRET cable from Embassy Madrid in 2006: shown without the classification"
        in out.output
    )
    assert "06MADRID293 ¶1" in out.output
    data = json.loads(
        qa(
            "ask", "--json", "secret cables from the embassy in Madrid in 2006 on the prosecutor"
        ).output
    )
    assert data["filters"]["dropped"] == {"classification": "SECRET"}
    assert data["filters"]["origin"] == "Embassy Madrid"
