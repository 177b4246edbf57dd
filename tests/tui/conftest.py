"""What the TUI tests run on: `FakeEngine` (real cables, answers in milliseconds) for
the Pilot and snapshot tests, and, for the end-to-end tests marked slow, a small real
store: real cables, the real model, a temporary folder."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from qa.config import Settings
from tests.conftest import SEED, cable_html
from tests.fakes import FakeEngine

CABLES = ("06MADRID3104", "06MADRID2657", "06MADRID1914", "06PARIS1681")
"""06MADRID3104 refers to 06MADRID2657, which refers to 06MADRID1914."""

HOSTILE_CABLE = """\
VZCZCXRO0001
R 011200Z JAN 09
FM AMEMBASSY TESTPOST
TO RUEHC/SECSTATE WASHDC 0001

U N C L A S S I F I E D TESTPOST 000123

SIPDIS

E.O. 12958: N/A
TAGS: [PREL](#) [KPAO](#)
SUBJECT: MARKUP [bold red]x[/] IN A SUBJECT

1. (U) Summary: The lighthouse keepers of the harbour asked for [bold red]x[/] more \
lamps and an escape \x1b[31mred\x1b[0m sequence in their petition. End summary.

2. (U) The harbour lighthouse petition was delivered to the ministry of ports.

SMITH
"""
"""Hand-written in the seed's layout: markup and an ANSI escape inside cable text."""


def screen_text(app: Any) -> str:
    """What the terminal shows, as plain text (Textual's compositor, no styles)."""
    strips = app.screen._compositor.render_strips()
    return "\n".join(strip.text.rstrip() for strip in strips)


@pytest.fixture(scope="session")
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings for an app given its engine: the store folder is never opened."""
    return Settings(store=tmp_path / "store")


@pytest.fixture(scope="session")
def hostile_engine(tmp_path_factory: pytest.TempPathFactory) -> FakeEngine:
    folder = tmp_path_factory.mktemp("hostile-cable")
    cable = folder / "TESTPOST123.md"
    cable.write_text(HOSTILE_CABLE, encoding="utf-8")
    return FakeEngine([cable])


def _ingest(paths: list[Path], store: Path) -> None:
    from embeddings.ingest import IngestOptions, ingest

    summary = ingest(paths, IngestOptions(store_dir=store))
    assert summary.failed == 0, summary.line()


@pytest.fixture(scope="session")
def tui_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    store = tmp_path_factory.mktemp("tui-store")
    _ingest([SEED, *(cable_html(c) for c in CABLES)], store)
    return store


@pytest.fixture(scope="session")
def tui_settings(tui_store: Path) -> Settings:
    return Settings(store=tui_store)


@pytest.fixture(scope="session")
def real_engine(tui_settings: Settings) -> Iterator[Any]:
    from qa.engine import Engine

    eng = Engine(tui_settings)
    eng.warm()
    yield eng
    eng.close()
