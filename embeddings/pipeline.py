"""The ingest's three threads: read → encode → write, and the model and Chroma opened lazily.

The model is the ceiling (about 50 paragraphs/s on two cores), so reading and
windowing run in one thread ahead of it and writing in another behind it:
the encoder always has the next buffer waiting and never waits on SQLite or
Chroma. Every buffer is committed to the ledger before Chroma sees it, so a
kill at any point loses at most the buffer being encoded.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from corpus.models import Cable, ReadError
from embeddings.encoder import Encoder
from embeddings.lazy import Lazy
from embeddings.ledger import Ledger
from embeddings.passages import Measure, Windower, prepare
from embeddings.records import PreparedCable, Window
from embeddings.reuse import Plan, assemble, plan
from embeddings.sources import Fingerprint, Sources, stored_hash
from embeddings.tally import KillSwitch, Tally

ENCODE_BUFFER = 2048
"""Windows gathered before encoding, sorted by word pieces so each batch pads little
(see `token_tools`); about 40 s of encoding on two cores, which is what a kill
can lose."""

DONE = object()


@dataclass(slots=True)
class _Work:
    cable: Cable
    windows: tuple[Window, ...]
    plan: Plan  # the windows to encode, and the vectors kept from the stored version
    lengths: list[int]  # of plan.texts
    replaces: bool


@dataclass(slots=True)
class _FileRead:
    """A file read in full this run: remembered once all its cables are settled."""

    path: Path
    before: Fingerprint
    cables: list[tuple[str, str]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    earlier: tuple[str, ...] = ()
    """The cables an earlier reader found in the same bytes: those this reading does not
    give are withdrawn (`Pipeline.withdraw`), unless it `failed`."""
    failed: bool = False
    """Some of it could not be read (a read error, a reader's bug), as against refused
    for what its bytes hold: nothing follows from what it did not give."""


class Pipeline:
    def __init__(
        self,
        store_dir: Path,
        lazy: Lazy,
        split: Windower,
        measure: Measure,
        tally: Tally,
        batch_size: int,
        kill: KillSwitch,
        buffer: int,
        year: int | None = None,
    ) -> None:
        self.store_dir, self.lazy, self.split, self.measure = store_dir, lazy, split, measure
        self.tally, self.batch_size, self.kill = tally, batch_size, kill
        self.encoder: Encoder | None = None
        self.chroma: Any = None
        self.chunk = max(buffer, batch_size)
        self.stop = threading.Event()
        # cables read ahead: about three buffers of windows (cables hold about 12), so the
        # encoder never waits and the reader does not run thousands of cables ahead
        self.todo: queue.Queue[Any] = queue.Queue(maxsize=max(64, self.chunk // 4))
        self.encoded: queue.Queue[Any] = queue.Queue(maxsize=4)
        self.failure: BaseException | None = None
        self.files: list[_FileRead] = []
        self.seen: set[str] = set()
        """Cables given this run (by any file, or taken as they came)."""
        self.withdrawn: list[str] = []
        self.year = year

    # -- reading ---------------------------------------------------------------

    def read(self, items: Iterable[Cable | ReadError | Path]) -> None:
        """Paths are files to read (skipped when unchanged); cables and errors are taken as
        they come."""
        from corpus.formats import read_file

        ledger = Ledger.open(self.store_dir)
        sources = Sources(ledger.conn, year=self.year)
        seen = self.seen
        try:
            for item in self._timed(iter(items)):
                if self.stop.is_set():
                    break
                if not isinstance(item, Path):
                    self._take(item, ledger, seen, None)
                    continue
                last = sources.last(item)
                if last is not None and sources.unchanged(item, last, ledger.hashes):
                    self._skip_file(last.cables, last.errors, seen)
                    continue
                try:
                    entry = _FileRead(item, Fingerprint.of(item))
                except OSError:
                    entry = None  # read_file names the problem
                if entry is not None and last and last.digest == entry.before.digest:
                    entry.earlier = tuple(c for c, _h in last.cables)
                for got in self._timed(read_file(item, year=self.year)):
                    if self.stop.is_set():
                        break
                    self._take(got, ledger, seen, entry)
                else:
                    if entry is not None:
                        self.files.append(entry)
        except BaseException as exc:
            self.failure = self.failure or exc
        finally:
            ledger.close()
            self.put(self.todo, DONE, force=True)

    def _timed(self, items: Iterator[Any]) -> Iterator[Any]:
        """Yield ``items``, counting the time spent producing them as reading."""
        while True:
            t0 = time.perf_counter()
            try:
                item = next(items)
            except StopIteration:
                return
            finally:
                self.tally.timed("read", time.perf_counter() - t0)
            yield item

    def _skip_file(
        self, cables: Sequence[tuple[str, str]], errors: Sequence[str], seen: set[str]
    ) -> None:
        fresh = [c for c, _h in cables if c not in seen]
        seen.update(c for c, _h in cables)
        self.tally.settle(fresh)
        self.tally.add(
            unchanged=len(fresh),
            duplicates=len(cables) - len(fresh),
            read_cables=len(cables),
        )
        for error in errors:
            self.tally.fail(error)

    def _take(
        self,
        item: Cable | ReadError,
        ledger: Ledger,
        seen: set[str],
        entry: _FileRead | None,
    ) -> None:
        if isinstance(item, ReadError):
            self.tally.fail(str(item))
            if entry is not None:
                entry.errors.append(str(item))
                entry.failed |= not item.refused
            return
        item = replace(item, content_hash=stored_hash(item.content_hash))
        if entry is not None:
            entry.cables.append((item.id, item.content_hash))
        if item.id in seen:
            self.tally.add(duplicates=1, read_cables=1)
            return
        seen.add(item.id)
        stored = ledger.hashes([item.id]).get(item.id)
        if stored == item.content_hash:
            self.tally.settle([item.id])
            self.tally.add(unchanged=1, read_cables=1)
            return
        t0 = time.perf_counter()
        try:
            wins, texts = prepare(item, self.split)
            kept = {} if stored is None else ledger.window_vectors(item.id)
            todo = plan(wins, texts, kept, len(item.paragraphs))
            lengths = self.measure(todo.texts)
        except Exception as exc:
            error = f"{item.source}: {item.id}: {exc}"
            self.tally.fail(error)
            if entry is not None:
                entry.cables.pop()
                entry.errors.append(error)
            return
        finally:
            self.tally.timed("prepare", time.perf_counter() - t0)
        self.tally.queued(sum(lengths))
        self.put(self.todo, _Work(item, wins, todo, lengths, stored is not None))

    def put(
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

    # -- encoding --------------------------------------------------------------

    def encode(self) -> None:
        """Main thread: the model runs here so Ctrl-C lands between or inside its calls."""
        finished = False
        while not finished and not self.stop.is_set():
            pending: list[_Work] = []
            size = 0
            while size < self.chunk:
                item = self.todo.get()
                if item is DONE:
                    finished = True
                    break
                # the first cable to encode loads the model; one whose every window keeps
                # its stored vector needs none
                if self.encoder is None and (item.plan.texts or not item.plan.kept):
                    self.encoder = self.lazy.encoder()
                pending.append(item)
                # kept windows count too: cables that encode nothing still go on to the
                # writer a buffer at a time, not all at the end of the run
                size += len(item.windows) or 1
            if pending:
                self._encode_chunk(pending)

    def _encode_chunk(self, works: list[_Work]) -> None:
        """Encode the windows that need it, longest first, then hand each cable on with
        its vectors in window order, the kept ones included."""
        texts = [t for w in works for t in w.plan.texts]
        lengths = [n for w in works for n in w.lengths]
        paragraphs = sum(w.plan.paragraphs for w in works)
        dimension = 0 if self.encoder is None else self.encoder.dimension
        vectors = np.zeros((len(texts), dimension), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -lengths[i])
        for at in range(0, len(order), self.batch_size):
            assert self.encoder is not None
            idx = order[at : at + self.batch_size]
            t0 = time.perf_counter()
            vectors[idx] = self.encoder.encode([texts[i] for i in idx], batch_size=len(idx))
            share = paragraphs * len(idx) / len(texts)
            pieces = sum(lengths[i] for i in idx)
            self.tally.encoded(len(idx), pieces, share, time.perf_counter() - t0)
        batch, at = [], 0
        for w in works:
            n, todo = len(w.plan.texts), w.plan
            vecs = assemble(len(w.windows), todo.slots, vectors[at : at + n], todo.kept)
            batch.append(
                PreparedCable(w.cable, w.windows, vecs, w.replaces, len(todo.kept), todo.paragraphs)
            )
            at += n
        self.kill("encoded")
        self.put(self.encoded, batch, force=True)

    # -- writing ---------------------------------------------------------------

    def write(self) -> None:
        ledger = Ledger.open(self.store_dir)
        try:
            while True:
                item = self.encoded.get()
                if item is DONE:
                    return
                batch: list[PreparedCable] = list(item)
                done = False
                while len(batch) < 2000:  # merge what queued up while Chroma was busy
                    try:
                        more = self.encoded.get_nowait()
                    except queue.Empty:
                        break
                    if more is DONE:
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
        if self.chroma is None:  # opened here, so the model encodes while chromadb loads
            t = time.perf_counter()
            if self.encoder is not None:
                model, dimension = self.encoder.name, self.encoder.dimension
            else:  # every window so far kept its vector: the store names its model
                model, dimension = ledger.model() or "", ledger.dimension() or 0
            self.chroma = self.lazy.chroma(model, dimension)
            self.tally.timed("chroma", time.perf_counter() - t)
        t0 = time.perf_counter()
        ledger.write(batch)
        t1 = time.perf_counter()
        self.tally.timed("ledger", t1 - t0)
        self.kill("ledger")
        ids = [p.cable.id for p in batch]
        self.chroma.delete_cables([p.cable.id for p in batch if p.replaces])
        self.chroma.sync(ledger, ids, replace=False, on_batch=lambda _n: self.kill("chroma"))
        self.tally.timed("chroma", time.perf_counter() - t1)
        self.kill("synced")
        ledger.clear_pending(ids)
        self.tally.settle(ids)
        changed = sum(p.replaces for p in batch)
        self.tally.add(
            new=len(batch) - changed,
            changed=changed,
            paragraphs=sum(p.paragraphs for p in batch),
            records=sum(len(p.windows) for p in batch),
            reused=sum(p.reused for p in batch),
        )

    def withdraw(self) -> None:
        """Withdraw what a file's same bytes no longer give, read by a newer reader: a
        page it now refuses as another cable's text, or an ID it now reads otherwise.
        Its earlier reading would stay citable, under an ID the file no longer states.
        A file whose bytes changed keeps its cables (a cut-off copy must not unstore
        them), as does a cable another file gives."""
        read = [f for f in self.files if not f.failed]
        read_from = {c: f.path for f in read for c in f.earlier if c not in self.seen}
        if not read_from:
            return
        ledger = Ledger.open(self.store_dir)
        try:
            sources = Sources(ledger.conn, year=self.year)
            # a file read cleanly this run gives what `seen` holds, whatever its record says
            kept = sources.given_elsewhere(read_from.keys(), {f.path for f in read})
            ids = sorted(set(read_from) - kept)
            gone = ledger.withdraw(ids)
            if not gone:
                return
            if self.chroma is None:
                self.chroma = self.lazy.chroma(ledger.model() or "", ledger.dimension() or 0)
            self.chroma.sync(ledger, gone)  # deletes their records and adds none
            ledger.clear_pending(gone)
        finally:
            ledger.close()
        self.withdrawn = [f"{c}: {read_from[c]} no longer gives it" for c in gone]

    def remember_files(self) -> None:
        """Files whose every cable is settled are skipped unread next time."""
        done = [f for f in self.files if all(c in self.tally.settled for c, _h in f.cables)]
        if not done:
            return
        ledger = Ledger.open(self.store_dir)
        try:
            sources = Sources(ledger.conn, year=self.year)
            ledger.conn.execute("BEGIN IMMEDIATE")
            for f in done:
                sources.remember(f.path, f.before, f.cables, f.errors)
            ledger.conn.execute("COMMIT")
        finally:
            ledger.close()
