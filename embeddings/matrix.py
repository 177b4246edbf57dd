"""The record matrix: every record's vector and ids, for the exact scan, cached on disk.

Reading every vector blob from the ledger costs seconds at a million records, so the
matrix is cached in the store's `cache` folder under `Ledger.cache_key` and, after an
ingest that only added cables, extended rather than rebuilt.
"""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple, Protocol

import numpy as np
import numpy.typing as npt

from corpus.atomic import write_atomic

CACHE_DIR = "cache"


class RecordMatrix(NamedTuple):
    """Every record of the store, in record-id order: what the exact vector scan reads."""

    rids: npt.NDArray[np.int64]
    vectors: npt.NDArray[np.float32]
    pids: npt.NDArray[np.int64]
    cables: npt.NDArray[np.int64]
    """`cables.rowid` of each record's cable."""


class RecordSource(Protocol):
    """What the cache asks of the ledger (`embeddings.ledger.Ledger`)."""

    @property
    def store_dir(self) -> Path: ...
    def cache_key(self) -> str: ...
    def count(self, table: str) -> int: ...
    def records_after(self, rid: int) -> RecordMatrix: ...


def record_matrix(source: RecordSource) -> RecordMatrix:
    """Every record's vector, id, paragraph and cable, cached in the store's `cache`
    folder under `cache_key` (the vectors as ``.npy``, the ids as ``.npz``).

    The vectors come back memory-mapped (read-only): opening costs nothing and
    only the rows a query touches are read (at 1M records a full load read 1.5 GB
    first). After an ingest that only added cables, the previous cache is
    extended with the new records: rebuilding it at 1M records read every blob
    and joined every record again (17 s of the 34 s a first question took).
    """
    key = source.cache_key()
    cache = source.store_dir / CACHE_DIR
    found = _load_cache(cache, key)
    if found is not None:
        return found
    matrix = _extended(source, cache, key) or source.records_after(0)
    if source.cache_key() == key:
        _save_cache(cache, key, matrix)
    return matrix


def _extended(source: RecordSource, cache: Path, key: str) -> RecordMatrix | None:
    """An older cache of the same deletion count plus the records added since, or None."""
    older = _previous_key(cache, key)
    old = None if older is None else _load_cache(cache, older)
    if old is None:
        return None
    new = source.records_after(int(old.rids[-1]) if old.rids.size else 0)
    if old.rids.size + new.rids.size != source.count("records") or (
        new.vectors.size and new.vectors.shape[1] != old.vectors.shape[1]
    ):
        return None
    return RecordMatrix(*(np.concatenate([a, b]) for a, b in zip(old, new, strict=True)))


def _previous_key(cache: Path, key: str) -> str | None:
    """The newest cache key older than `key` with the same deletion count (see
    `Ledger.cache_key`), or None."""
    gen, deletions = (int(x) for x in key.split("-"))
    best: tuple[int, str] | None = None
    for path in cache.glob(f"rows-*-{deletions}.npz"):
        middle = path.name[len("rows-") : -len(".npz")]
        head, _, tail = middle.partition("-")
        older = head.isdigit() and tail == str(deletions) and int(head) < gen
        if older and (best is None or int(head) > best[0]):
            best = (int(head), middle)
    return None if best is None else best[1]


def _load_cache(cache: Path, key: str) -> RecordMatrix | None:
    try:
        with np.load(cache / f"rows-{key}.npz") as rows:
            rids, pids, cables = rows["rids"], rows["pids"], rows["cables"]
        vectors = np.load(cache / f"vectors-{key}.npy", mmap_mode="r")
    except (OSError, ValueError, KeyError):
        return None
    if not rids.size == pids.size == cables.size == len(vectors):
        return None
    return RecordMatrix(rids, vectors, pids, cables)


def _save_cache(cache: Path, key: str, matrix: RecordMatrix) -> None:
    """Write atomically and drop every other key; a read-only store just skips it."""
    try:
        cache.mkdir(exist_ok=True)
        write_atomic(cache / f"vectors-{key}.npy", lambda tmp: np.save(tmp, matrix.vectors))
        write_atomic(
            cache / f"rows-{key}.npz",
            lambda tmp: np.savez(tmp, rids=matrix.rids, pids=matrix.pids, cables=matrix.cables),
        )
        keep = {f"vectors-{key}.npy", f"rows-{key}.npz"}
        for old in [*cache.glob("*.npy"), *cache.glob("*.npz")]:
            if old.name not in keep:
                old.unlink(missing_ok=True)
    except OSError:
        pass
