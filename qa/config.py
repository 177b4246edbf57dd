"""One frozen `Settings`: command-line flag > `QA_*` environment variable > default.

Kept free of heavy imports: `qa --help` must stay fast.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from embeddings.names import DEFAULT_MODEL, DEVICES
from qa.errors import SettingsError


def default_store() -> Path:
    """The platform's user data folder (``~/.local/share/cable-qa`` on Linux)."""
    from platformdirs import user_data_path

    return user_data_path("cable-qa", appauthor=False)


@dataclass(frozen=True, slots=True)
class Settings:
    store: Path
    """Store folder: the SQLite ledger, the Chroma data (local mode) and the lock."""

    chroma_url: str | None = None
    """A Chroma server (``http://host:port``); None keeps Chroma inside the store folder."""

    model: str = DEFAULT_MODEL
    """sentence-transformers model name or path; the store records it and refuses another."""

    device: str = "auto"
    """Where the model runs: auto (cuda when available), cpu or cuda."""

    batch_size: int = 64
    """Paragraph windows encoded per model call during ingest."""

    infer_filters: bool = True
    """Read dates, places, classifications, TAGs and cable IDs from the question."""

    server: str | None = None
    """A `qa serve` URL (``http://host:port``): ask, show, similar, stats and the TUI go
    there, and this machine needs no store and no model."""

    store_named: bool = False
    """True when ``--store`` or ``QA_STORE`` named the store: only the default store is ever
    created by a question (with the built-in sample); a named one must exist."""

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """Build settings from ``QA_*`` variables, then apply non-None overrides (flags)."""
        env = os.environ
        base = cls(
            store=Path(env["QA_STORE"]).expanduser() if env.get("QA_STORE") else default_store(),
            chroma_url=env.get("QA_CHROMA_URL") or None,
            model=env.get("QA_MODEL") or DEFAULT_MODEL,
            device=env.get("QA_DEVICE") or "auto",
            server=env.get("QA_SERVER") or None,
        )
        given = {k: v for k, v in overrides.items() if v is not None}
        given.setdefault("store_named", bool(env.get("QA_STORE")))
        if "store" in given:
            given["store"] = Path(given["store"]).expanduser()
            given["store_named"] = True
        if given.get("device", "auto") not in DEVICES:
            raise SettingsError(f"--device must be one of {', '.join(DEVICES)}")
        return replace(base, **given)
