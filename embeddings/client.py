"""One way to reach Chroma, local folder or server, so both modes share every code path."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from embeddings.errors import ModelMismatchError, StoreError

COLLECTION = "cable_paragraphs"
CHROMA_DIR = "chroma"


def parse_chroma_url(url: str) -> tuple[str, int, bool]:
    """``http://host:port`` → (host, port, ssl); a bare ``host:port`` means http."""
    parsed = urlparse(url if "://" in url else f"http://{url}")
    if parsed.scheme not in ("http", "https") or not parsed.hostname:
        raise StoreError(f"--chroma-url must look like http://host:port, not {url!r}")
    ssl = parsed.scheme == "https"
    try:
        port = parsed.port or (443 if ssl else 8000)
    except ValueError:
        raise StoreError(f"--chroma-url has a bad port: {url!r}") from None
    return parsed.hostname, port, ssl


def make_client(store_dir: Path, chroma_url: str | None) -> Any:
    """A ``PersistentClient`` in ``store/chroma``, or an ``HttpClient`` for a server."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if chroma_url is None:
        path = store_dir / CHROMA_DIR
        path.mkdir(parents=True, exist_ok=True)
        return chromadb.PersistentClient(path=str(path), settings=settings)
    host, port, ssl = parse_chroma_url(chroma_url)
    try:
        return chromadb.HttpClient(host=host, port=port, ssl=ssl, settings=settings)
    except Exception as exc:  # chromadb raises bare ValueError/ConnectError on connect
        raise StoreError(f"cannot reach Chroma at {chroma_url}: {_one_line(exc)}") from None


def local_count(store_dir: Path) -> int | None:
    """Records of the local collection, read from Chroma's own SQLite file without importing
    chromadb (about 1 s saved on a run with nothing to write); None when the file is
    absent or laid out otherwise than chromadb 1.5 lays it out, so the caller asks
    Chroma itself. Counts what ``collection.count()`` counts: the metadata segment's
    rows, deletions applied."""
    import sqlite3

    path = store_dir / CHROMA_DIR / "chroma.sqlite3"
    if not path.is_file():
        return None
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
        try:
            row = conn.execute(
                "SELECT COUNT(*) FROM embeddings e JOIN segments s ON s.id = e.segment_id"
                " JOIN collections c ON c.id = s.collection"
                " WHERE c.name = ? AND s.scope = 'METADATA'",
                (COLLECTION,),
            ).fetchone()
        finally:
            conn.close()
    except sqlite3.Error:
        return None
    return int(row[0]) if row else None


def forget_clients() -> None:
    """Drop chromadb's per-process client cache.

    Without this a reader never sees vectors another process wrote, and a
    deleted local folder stays open.
    """
    from chromadb.api.shared_system_client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


def check_model(metadata: dict[str, Any] | None, model: str, dimension: int) -> None:
    stored = (metadata or {}).get("model")
    if stored is None:
        raise StoreError(f"Chroma collection {COLLECTION} does not record its model")
    if stored != model:
        raise ModelMismatchError(str(stored), model)
    stored_dim = int((metadata or {}).get("dimension", dimension))
    if stored_dim != dimension:
        raise StoreError(
            f"Chroma collection holds {stored_dim}-d vectors; {model} makes {dimension}-d"
        )


def open_collection(
    store_dir: Path,
    chroma_url: str | None,
    model: str,
    dimension: int,
    *,
    create: bool,
    client: Any | None = None,
) -> Any:
    """The ``cable_paragraphs`` collection, checked against the model that will use it."""
    client = client if client is not None else make_client(store_dir, chroma_url)
    try:
        if create:
            col = client.get_or_create_collection(
                COLLECTION,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"model": model, "dimension": dimension},
                embedding_function=None,
            )
        else:
            col = client.get_collection(COLLECTION, embedding_function=None)
    except StoreError:
        raise
    except Exception as exc:
        where = chroma_url or str(store_dir / CHROMA_DIR)
        raise StoreError(f"cannot open Chroma collection at {where}: {_one_line(exc)}") from None
    check_model(col.metadata, model, dimension)
    return col


def reopen(store_dir: Path, chroma_url: str | None, model: str, dimension: int) -> Any:
    """A fresh view of the collection that sees what other processes wrote since."""
    forget_clients()
    return open_collection(store_dir, chroma_url, model, dimension, create=False)


def _one_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
