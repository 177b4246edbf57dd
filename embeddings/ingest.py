"""Cables in, searchable store out: read → skip unchanged → encode → ledger → Chroma.

The model is the ceiling (about 50 paragraphs/s on two cores), so reading and
windowing run in one thread ahead of it and writing in another behind it:
the encoder always has the next chunk waiting and never waits on SQLite or
Chroma. Every chunk is committed to the ledger before Chroma sees it, so a
kill at any point loses at most the chunk being encoded.
"""

from __future__ import annotations

import errno
import json
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from corpus.models import Cable, ReadError
from embeddings.encoder import Encoder, passage_text
from embeddings.errors import ModelMismatchError, StoreError
from embeddings.ledger import Ledger
from embeddings.lock import WriterLock
from embeddings.progress import IngestProgress, estimate_cables
from embeddings.records import PreparedCable, Window
from embeddings.store import Chroma, repair
from embeddings.tally import KILL_ENV, IngestSummary, KillSwitch, Tally

__all__ = ["IngestProgress", "IngestSummary", "Windower", "ingest", "ingest_cables", "prepare"]

Windower = Callable[[str, str | None, str], list[tuple[int, int]]]
"""(subject, heading, paragraph text) → character spans, each one model input."""

_DONE = object()


@dataclass(slots=True)
class _Work:
    cable: Cable
    windows: tuple[Window, ...]
    texts: list[str]
    replaces: bool


def token_windower(model: str, max_tokens: int) -> Windower:
    """Windows by the model's own tokenizer, so each one fits what the model reads."""
    from embeddings.windows import context_tokens, load_tokenizer, windows

    tokenizer = load_tokenizer(model)
    prefix_cache: dict[tuple[str, str | None], int] = {}

    def split(subject: str, heading: str | None, text: str) -> list[tuple[int, int]]:
        key = (subject, heading)
        if key not in prefix_cache:
            if len(prefix_cache) > 4096:
                prefix_cache.clear()
            prefix_cache[key] = context_tokens(tokenizer, subject, heading)
        return windows(text, tokenizer, max_tokens=max_tokens, context_tokens=prefix_cache[key])

    return split


def prepare(cable: Cable, split: Windower) -> tuple[tuple[Window, ...], list[str]]:
    """A cable's windows and the exact texts the model encodes for them."""
    numbers = [p.number for p in cable.paragraphs]
    if len(set(numbers)) != len(numbers):
        raise ValueError("paragraph numbers repeat")
    wins: list[Window] = []
    texts: list[str] = []
    for i, para in enumerate(cable.paragraphs):
        for w, (start, end) in enumerate(split(cable.subject, para.heading, para.text)):
            wins.append(Window(i, w, start, end))
            texts.append(passage_text(cable.subject, para.heading, para.text[start:end]))
    return tuple(wins), texts


def _read_all(paths: Sequence[Path]) -> Iterator[Cable | ReadError]:
    from corpus.formats import read

    for path in paths:
        try:
            yield from read(path)
        except Exception as exc:  # a reader bug must not end the whole ingest
            yield ReadError(str(path), f"reading stopped: {type(exc).__name__}: {exc}")


class _Pipeline:
    def __init__(
        self,
        store_dir: Path,
        encoder: Encoder,
        split: Windower,
        chroma: Chroma,
        tally: Tally,
        batch_size: int,
        kill: KillSwitch,
    ) -> None:
        self.store_dir, self.encoder, self.split, self.chroma = store_dir, encoder, split, chroma
        self.tally, self.batch_size, self.kill = tally, batch_size, kill
        self.chunk = max(256, batch_size * 8)
        self.stop = threading.Event()
        self.todo: queue.Queue[Any] = queue.Queue(maxsize=4 * self.chunk)
        self.encoded: queue.Queue[Any] = queue.Queue(maxsize=4)
        self.failure: BaseException | None = None

    def read(self, items: Iterable[Cable | ReadError]) -> None:
        ledger = Ledger.open(self.store_dir)
        seen: set[str] = set()
        try:
            for item in items:
                if self.stop.is_set():
                    break
                if isinstance(item, ReadError):
                    self.tally.fail(str(item))
                    continue
                if item.id in seen:
                    self.tally.add(duplicates=1)
                    continue
                seen.add(item.id)
                stored = ledger.hashes([item.id]).get(item.id)
                if stored == item.content_hash:
                    self.tally.add(unchanged=1)
                    continue
                try:
                    wins, texts = prepare(item, self.split)
                except Exception as exc:
                    self.tally.fail(f"{item.source}: {item.id}: {exc}")
                    continue
                self._put(self.todo, _Work(item, wins, texts, stored is not None))
        except BaseException as exc:
            self.failure = self.failure or exc
        finally:
            ledger.close()
            self._put(self.todo, _DONE, force=True)

    def _put(
        self,
        q: queue.Queue[Any],
        item: Any,
        *,
        force: bool = False,
        consumer: threading.Thread | None = None,
    ) -> None:
        """Put `item`, waiting while the queue is full.

        Without `force` the wait ends when the run stops. With it the item is
        delivered unless `consumer` (the thread that drains `q`) has ended: the
        end-of-stream mark must reach a writer still draining a full queue, or
        it waits for it forever (which a fast encoder in front of a slow Chroma
        server did). With `force` and no `consumer`, a stopped run gives up.
        """
        while True:
            if self.stop.is_set() and not force:
                return
            try:
                q.put(item, timeout=0.2)
                return
            except queue.Full:
                if not force:
                    continue
                if consumer is not None:
                    if not consumer.is_alive():
                        return
                elif self.stop.is_set():
                    return

    def encode(self) -> None:
        """Main thread: the model runs here so Ctrl-C lands between or inside its calls."""
        pending: list[_Work] = []
        finished = False
        while not finished and not self.stop.is_set():
            size = 0
            while size < self.chunk:
                item = self.todo.get()
                if item is _DONE:
                    finished = True
                    break
                pending.append(item)
                size += len(item.texts)
            if pending:
                self._encode_chunk(pending)
                pending = []

    def _encode_chunk(self, works: list[_Work]) -> None:
        texts = [t for w in works for t in w.texts]
        vectors = (
            self.encoder.encode(texts, batch_size=self.batch_size)
            if texts
            else (np.zeros((0, self.encoder.dimension), dtype=np.float32))
        )
        batch, at = [], 0
        for w in works:
            n = len(w.texts)
            batch.append(PreparedCable(w.cable, w.windows, vectors[at : at + n], w.replaces))
            at += n
        self.kill("encoded")
        self._put(self.encoded, batch, force=True)

    def write(self) -> None:
        ledger = Ledger.open(self.store_dir)
        try:
            while True:
                item = self.encoded.get()
                if item is _DONE:
                    return
                batch: list[PreparedCable] = list(item)
                done = False
                while len(batch) < 2000:  # merge what queued up while Chroma was busy
                    try:
                        more = self.encoded.get_nowait()
                    except queue.Empty:
                        break
                    if more is _DONE:
                        done = True
                        break
                    batch.extend(more)
                self._write_batch(ledger, batch)
                if done:
                    return
        except BaseException as exc:
            self.failure = self.failure or exc
            self.stop.set()
        finally:
            ledger.close()

    def _write_batch(self, ledger: Ledger, batch: list[PreparedCable]) -> None:
        ledger.write(batch)
        self.kill("ledger")
        ids = [p.cable.id for p in batch]
        self.chroma.delete_cables([p.cable.id for p in batch if p.replaces])
        self.chroma.sync(ledger, ids, replace=False, on_batch=lambda _n: self.kill("chroma"))
        self.kill("synced")
        ledger.clear_pending(ids)
        changed = sum(p.replaces for p in batch)
        self.tally.add(
            new=len(batch) - changed,
            changed=changed,
            paragraphs=sum(len(p.cable.paragraphs) for p in batch),
            records=sum(len(p.windows) for p in batch),
        )


def ingest(
    paths: Sequence[Path],
    *,
    store_dir: Path,
    chroma_url: str | None = None,
    model: str = "all-MiniLM-L6-v2",
    device: str = "auto",
    batch_size: int = 64,
    backend: str = "torch",
    progress: Callable[[IngestProgress], None] | None = None,
    encoder: Encoder | None = None,
    windower: Windower | None = None,
    export_onnx: bool = True,
) -> IngestSummary:
    """Ingest files or folders into the store; Ctrl-C keeps committed work.

    ``encoder``/``windower`` let a caller reuse a loaded model (the benchmark
    does). ``seconds`` in the summary covers the pipeline, not model loading
    or the ONNX export after it.
    """
    summary = ingest_cables(
        _read_all(paths),
        store_dir=store_dir,
        chroma_url=chroma_url,
        model=model,
        device=device,
        batch_size=batch_size,
        backend=backend,
        progress=progress,
        encoder=encoder,
        windower=windower,
        total=estimate_cables(paths),
    )
    if export_onnx and not summary.interrupted and backend == "torch":
        _export_onnx(encoder.name if encoder is not None else model, store_dir)
    return summary


def ingest_cables(
    items: Iterable[Cable | ReadError],
    *,
    store_dir: Path,
    chroma_url: str | None = None,
    model: str = "all-MiniLM-L6-v2",
    device: str = "auto",
    batch_size: int = 64,
    backend: str = "torch",
    progress: Callable[[IngestProgress], None] | None = None,
    encoder: Encoder | None = None,
    windower: Windower | None = None,
    total: int | None = None,
) -> IngestSummary:
    """`ingest` for cables already read (or made by hand); ``total`` feeds the ETA."""
    kill = KillSwitch(os.environ.get(KILL_ENV))
    with WriterLock(store_dir):
        ledger = Ledger.open(store_dir, create=True)
        try:
            stored = ledger.model()
            name = encoder.name if encoder is not None else model
            if stored is not None and stored != name:
                raise ModelMismatchError(stored, name)
            if chroma_url is not None:  # an unreachable server fails now, not after the model
                from embeddings.client import make_client

                make_client(store_dir, chroma_url)
            if encoder is None:
                from embeddings.encoder import load_encoder

                encoder = load_encoder(
                    model, device=device, backend=backend, cache_dir=store_dir / "onnx"
                )
            ledger.claim_model(encoder.name, encoder.dimension)
            chroma = Chroma(store_dir, chroma_url, encoder.name, encoder.dimension)
            note = repair(chroma, ledger)
        finally:
            ledger.close()
        split = windower or token_windower(encoder.name, encoder.max_tokens)
        pipe = _Pipeline(
            store_dir, encoder, split, chroma, Tally(total, progress), batch_size, kill
        )
        return _run(pipe, items, [note] if note else [])


def _run(pipe: _Pipeline, items: Iterable[Cable | ReadError], notes: list[str]) -> IngestSummary:
    reader = threading.Thread(target=pipe.read, args=(items,), name="ingest-read", daemon=True)
    writer = threading.Thread(target=pipe.write, name="ingest-write", daemon=True)
    reader.start()
    writer.start()
    interrupted = False
    try:
        pipe.encode()
    except KeyboardInterrupt:
        interrupted = True
    except BaseException as exc:
        pipe.failure = pipe.failure or exc
    finally:  # the writer stores what was already encoded (Ctrl-C included), then ends
        pipe._put(pipe.encoded, _DONE, force=True, consumer=writer)
        writer.join()
        pipe.stop.set()
        reader.join(timeout=5.0)
    if pipe.failure is not None and not isinstance(pipe.failure, KeyboardInterrupt):
        if isinstance(pipe.failure, StoreError):
            raise pipe.failure
        if _out_of_space(pipe.failure):
            raise StoreError(
                f"ingest stopped: cannot write to the store at {pipe.store_dir} "
                f"(disk full or file size limit: {_first_line(pipe.failure)}); "
                "committed cables are kept, free some space and re-run"
            ) from pipe.failure
        raise StoreError(
            f"ingest stopped: {type(pipe.failure).__name__}: {pipe.failure}; "
            "committed cables are kept, re-run to go on"
        ) from pipe.failure
    return pipe.tally.summary(interrupted or isinstance(pipe.failure, KeyboardInterrupt), notes)


_NO_SPACE_ERRNOS = frozenset({errno.ENOSPC, errno.EFBIG, errno.EDQUOT})
_NO_SPACE_TEXT = ("database or disk is full", "disk i/o error", "no space left", "file too large")


def _out_of_space(exc: BaseException) -> bool:
    """A write refused for want of space, from the OS, the ledger's SQLite or Chroma's.

    Chroma reports it only as text (its SQLite's "disk I/O error"), so the
    message is all there is to go on.
    """
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _NO_SPACE_ERRNOS:
            return True
        if any(t in str(current).lower() for t in _NO_SPACE_TEXT):
            return True
        current = current.__cause__ or current.__context__
    return False


def _first_line(exc: BaseException) -> str:
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


def _export_onnx(model: str, store_dir: Path) -> None:
    """Make later queries fast (no torch import); a model it cannot export stays on torch."""
    try:
        from embeddings.onnx_export import ensure_onnx_export
    except ImportError:
        return
    try:
        ensure_onnx_export(model, store_dir / "onnx")
    except Exception:  # the query side falls back to torch for such models
        return


def summary_json(summary: IngestSummary) -> str:
    return json.dumps(summary.to_json(), sort_keys=True)
