"""Cables in, searchable store out: read → skip unchanged → encode → ledger → Chroma.

Reading, encoding and writing run in three threads (`embeddings.pipeline`).
Nothing to do costs nothing: files read before and unchanged since are
skipped unread (`embeddings.sources`), and the model (torch,
sentence-transformers) and Chroma load only when the first cable that needs
encoding reaches the encoder, so an unchanged re-run imports neither.
"""

from __future__ import annotations

import errno
import json
import os
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from corpus.models import Cable, ReadError
from embeddings.encoder import Encoder
from embeddings.errors import ModelMismatchError, StoreError
from embeddings.lazy import Lazy
from embeddings.ledger import Ledger
from embeddings.lock import WriterLock
from embeddings.names import DEFAULT_MODEL, canonical_name
from embeddings.passages import (
    Measure,
    Windower,
    char_lengths,
    model_max_tokens,
    prepare,
    token_tools,
    token_windower,
)
from embeddings.pipeline import DONE, ENCODE_BUFFER, Pipeline
from embeddings.progress import IngestProgress, estimate_cables
from embeddings.tally import KILL_ENV, IngestSummary, KillSwitch, Tally

__all__ = [
    "IngestOptions",
    "IngestProgress",
    "IngestSummary",
    "Windower",
    "ingest",
    "ingest_cables",
    "model_max_tokens",
    "prepare",
    "token_windower",
]

TICK_S = 0.25


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestOptions:
    """How an ingest runs: the store, where the model runs, and what reports progress.

    ``encoder``/``windower`` let a caller reuse a loaded model (the benchmark
    does). ``started`` is when the command began (``time.monotonic()``): the
    summary's time is the command's wall time, the ONNX export included.
    ``year`` is the year of files that state no date of their own (their cables
    are kept with their date marked approximate).
    """

    store_dir: Path
    chroma_url: str | None = None
    model: str = DEFAULT_MODEL
    device: str = "auto"
    batch_size: int = 64
    backend: str = "torch"
    threads: int | None = None
    progress: Callable[[IngestProgress], None] | None = None
    encoder: Encoder | None = None
    windower: Windower | None = None
    started: float | None = None
    buffer: int = ENCODE_BUFFER
    year: int | None = None


def ingest(
    paths: Sequence[Path], options: IngestOptions, *, export_onnx: bool = True
) -> IngestSummary:
    """Ingest files or folders into the store; Ctrl-C keeps committed work.

    A model that wrote anything on torch is exported to ONNX after (``export_onnx``),
    so that later queries need no torch.
    """
    from corpus.formats import files

    started = time.monotonic() if options.started is None else options.started
    options = replace(options, started=started)
    summary = ingest_cables(files(paths), options, total=estimate_cables(paths))
    wrote = summary.new + summary.changed > 0
    if export_onnx and wrote and not summary.interrupted and options.backend == "torch":
        t0 = time.monotonic()
        encoder = options.encoder
        _export_onnx(encoder.name if encoder is not None else options.model, options.store_dir)
        stages = {**summary.stages, "onnx_export": time.monotonic() - t0}
        return replace(summary, seconds=time.monotonic() - started, stages=stages)
    return summary


def ingest_cables(
    items: Iterable[Cable | ReadError | Path],
    options: IngestOptions,
    *,
    total: int | None = None,
) -> IngestSummary:
    """`ingest` for cables already read (or made by hand, or paths of files to read);
    ``total`` feeds the ETA."""
    store_dir, chroma_url, encoder = options.store_dir, options.chroma_url, options.encoder
    kill = KillSwitch(os.environ.get(KILL_ENV))
    name = encoder.name if encoder is not None else canonical_name(options.model)
    tally = Tally(total, options.progress, options.started)
    with WriterLock(store_dir):
        ledger = Ledger.open(store_dir, create=True)
        try:
            stored = ledger.model()
            if stored is not None and stored != name:
                raise ModelMismatchError(stored, name)
            if chroma_url is not None:  # an unreachable server fails now, not after the model
                from embeddings.client import make_client

                make_client(store_dir, chroma_url)
            check_chroma = _chroma_needs_a_look(store_dir, chroma_url, ledger)
            stored_dimension = ledger.dimension()
        finally:
            ledger.close()

        def load() -> Encoder:
            if encoder is not None:
                return encoder
            from embeddings.encoder import load_encoder

            tally.set_status(f"loading the model {name} ({options.backend})")
            try:
                return load_encoder(
                    options.model,
                    device=options.device,
                    backend=options.backend,
                    cache_dir=store_dir / "onnx",
                    threads=options.threads,
                )
            finally:
                tally.set_status(None)

        lazy = Lazy(store_dir, chroma_url, load, tally)
        if check_chroma and stored is not None and stored_dimension is not None:
            lazy.chroma(stored, stored_dimension)  # repair before anything else
        measure: Measure = char_lengths
        if options.windower is not None:
            split = options.windower
        else:
            max_tokens = model_max_tokens(options.model) if encoder is None else encoder.max_tokens
            split, measure = token_tools(name, max_tokens or lazy.encoder().max_tokens)
        pipe = Pipeline(
            store_dir,
            lazy,
            split,
            measure,
            tally,
            options.batch_size,
            kill,
            options.buffer,
            options.year,
        )
        return _run(pipe, items)


def _chroma_needs_a_look(store_dir: Path, chroma_url: str | None, ledger: Ledger) -> bool:
    """Open Chroma (and repair it) at the start only when something may be wrong: an
    interrupted write, a local collection that does not hold the ledger's records (its
    count read from Chroma's SQLite file), or a server (already contacted, so its
    count costs nothing more). Otherwise it opens with the first cable to write, and
    a run with nothing to write never imports chromadb."""
    from embeddings.client import local_count

    if chroma_url is not None or ledger.pending():
        return True
    records = ledger.count("records")
    held = local_count(store_dir)
    if held is None:
        return records > 0
    return held != records


def _run(pipe: Pipeline, items: Iterable[Cable | ReadError | Path]) -> IngestSummary:
    reader = threading.Thread(target=pipe.read, args=(items,), name="ingest-read", daemon=True)
    writer = threading.Thread(target=pipe.write, name="ingest-write", daemon=True)
    ticking = threading.Event()

    def tick() -> None:  # the progress line moves while the model loads or a batch runs
        while not ticking.wait(TICK_S):
            pipe.tally.tick()

    ticker = threading.Thread(target=tick, name="ingest-progress", daemon=True)
    reader.start()
    writer.start()
    ticker.start()
    interrupted = False
    try:
        pipe.encode()
    except KeyboardInterrupt:
        interrupted = True
    except BaseException as exc:
        pipe.failure = pipe.failure or exc
    finally:  # the writer stores what was already encoded (Ctrl-C included), then ends
        pipe.put(pipe.encoded, DONE, force=True, consumer=writer)
        writer.join()
        pipe.stop.set()
        reader.join(timeout=5.0)
        ticking.set()
        ticker.join()
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
    stopped = interrupted or isinstance(pipe.failure, KeyboardInterrupt)
    if not stopped:
        pipe.withdraw()
    pipe.remember_files()
    return pipe.tally.summary(stopped, pipe.lazy.notes, pipe.withdrawn)


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
