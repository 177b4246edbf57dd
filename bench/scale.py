"""Store scale: write rate, disk, cold open and query latency at N synthetic records.

    .venv/bin/python bench/scale.py --n 20000
    .venv/bin/python bench/scale.py --n 20000 --server
    .venv/bin/python bench/scale.py --n 100000 --store /tmp/scale-100k --keep

The model is left out (the issue asks for the store's figures, not the
encoder's): vectors come from a feature-hashing encoder, so texts that share
words are near and HNSW sees clustered data rather than uniform noise, which
is the easy case for it and not what real embeddings look like. Everything
else is the product's own path: `ingest_cables` writes the ledger, FTS5 and
Chroma, and a fresh process opens `qa.engine.Engine` and asks through it, so
open time and peak memory are what a user's `qa ask` pays.

Paragraph texts, subjects, classifications and TAGs are drawn from the real
cables in ../shared/corpus with a fixed seed; dates spread over 1966-2010 and
origins over 274 posts (the corpus's own, plus invented "Embassy <City>" ones)
so that filters select realistic shares of the store.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from corpus.models import Cable, Paragraph  # noqa: E402

CABLEGATE = REPO.parent / "shared" / "corpus" / "cablegate-2010"
POSTS = 274
FIRST_YEAR, LAST_YEAR = 1966, 2010
SEED = 20101128
QUESTIONS = 50
WINDOW, OVERLAP = 1000, 100
YEAR = ("2008-01-01", "2008-12-31")
ORIGIN = "Embassy Paris"
_WORD = re.compile(r"[a-z]{4,}")
_STOP = frozenset(
    re.findall(
        r"\w+",
        "that this with from have were been will they their which would there about said also "
        "into other than after more such some over when only what under while these those "
        "could should must very most them then your does",
    )
)


class SyntheticEncoder:
    """Feature-hashed bag of words in 384 dimensions: deterministic and ~10k texts/s."""

    name = "synthetic-384"
    dimension = 384
    max_tokens = 256

    def __init__(self) -> None:
        self.seconds = 0.0
        self._buckets: dict[str, tuple[int, float]] = {}

    def _bucket(self, word: str) -> tuple[int, float]:
        hit = self._buckets.get(word)
        if hit is None:
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            hit = (h % self.dimension, 1.0 if h >> 40 & 1 else -1.0)
            if len(self._buckets) < 500_000:
                self._buckets[word] = hit
        return hit

    def encode(self, texts: Sequence[str], *, batch_size: int = 64) -> npt.NDArray[np.float32]:
        start = time.perf_counter()
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            row = out[i]
            for word in text.lower().split():
                b, s = self._bucket(word)
                row[b] += s
            row[i % self.dimension] += 1e-2  # no zero rows
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        self.seconds += time.perf_counter() - start
        return out


def windower(subject: str, heading: str | None, text: str) -> list[tuple[int, int]]:
    """Character windows about the size of the model's 256 word pieces."""
    if len(text) <= WINDOW:
        return [(0, len(text))]
    spans, start = [], 0
    while True:
        end = min(start + WINDOW, len(text))
        spans.append((start, end))
        if end == len(text):
            return spans
        start = end - OVERLAP


# -- synthetic cables from real material -------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Material:
    texts: tuple[str, ...]
    subjects: tuple[str, ...]
    classifications: tuple[str, ...]
    tags: tuple[tuple[str, ...], ...]
    origins: tuple[str, ...]
    origin_weights: tuple[float, ...]
    years: tuple[int, ...]


_SYLLABLES = re.findall(
    r"\w+", "ba ka lo mi ra su te vo zan dor bel fin gar hal ket mon nor pel quin sar tor ul"
)


def _invented_posts(real: Sequence[str], count: int, rng: random.Random) -> list[str]:
    taken = {o.lower() for o in real}
    out: list[str] = []
    while len(out) < count:
        city = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 3))).capitalize()
        name = f"Embassy {city}"
        if name.lower() not in taken:
            taken.add(name.lower())
            out.append(name)
    return out


def load_material(seed: int) -> Material:
    from corpus import read

    rng = random.Random(seed)
    texts: list[str] = []
    subjects, classes, tags, years = [], [], [], []
    origins: Counter[str] = Counter()
    for item in read(CABLEGATE):
        if not isinstance(item, Cable):
            continue
        texts.extend(p.text for p in item.paragraphs if p.text.strip())
        subjects.append(item.subject)
        classes.append(item.classification)
        tags.append(item.tags)
        years.append(item.created.year)
        origins[item.origin] += 1
    real = [o for o, _ in origins.most_common()]
    posts = real + _invented_posts(real, POSTS - len(real), rng)
    # Zipf-like shares: the corpus's busiest posts stay the busiest.
    weights = [1.0 / (rank + 1) ** 0.8 for rank in range(len(posts))]
    return Material(
        tuple(texts), tuple(subjects), tuple(classes), tuple(tags), tuple(posts),
        tuple(weights), tuple(years),
    )  # fmt: skip


def _year(rng: random.Random, m: Material) -> int:
    """Three in ten uniform over the 44 years, the rest as the corpus's own years."""
    if rng.random() < 0.3:
        return rng.randint(FIRST_YEAR, LAST_YEAR)
    return min(max(rng.choice(m.years), FIRST_YEAR), LAST_YEAR)


def _code(origin: str) -> str:
    city = origin.upper().removeprefix("EMBASSY ").removeprefix("CONSULATE ")
    return re.sub(r"[^A-Z]", "", city)[:10] or "POST"


def synthetic_cables(m: Material, records: int, seed: int) -> Iterator[Cable]:
    """Cables of 5-15 real paragraphs each until `records` windows are made."""
    rng = random.Random(seed)
    made = 0
    serial = 0
    while made < records:
        serial += 1
        year = _year(rng, m)
        origin = rng.choices(m.origins, m.origin_weights)[0]
        created = datetime(year, 1, 1, 12) + timedelta(minutes=rng.randrange(365 * 24 * 60))
        paras: list[Paragraph] = []
        for i in range(rng.randint(5, 15)):
            text = rng.choice(m.texts)
            paras.append(Paragraph(str(i + 1), text, mark="C"))
            made += len(windower("", None, text))
            if made >= records:
                break
        cable_id = f"{year % 100:02d}{_code(origin)}{serial}"
        digest = hashlib.sha256(
            f"{cable_id}|{'|'.join(p.text for p in paras)}".encode()
        ).hexdigest()
        pick = rng.randrange(len(m.subjects))
        yield Cable(
            id=cable_id,
            created=created,
            origin=origin,
            classification=m.classifications[pick],
            subject=m.subjects[pick],
            tags=m.tags[pick],
            source=f"synthetic/{cable_id}",
            content_hash=digest,
            paragraphs=tuple(paras),
        )


def questions(m: Material, seed: int) -> dict[str, list[str]]:
    """Hybrid questions from real paragraphs' words; lexical ones of rare and common words."""
    rng = random.Random(seed + 1)
    df: Counter[str] = Counter()
    for text in m.texts:
        df.update(set(_WORD.findall(text.lower())))
    hybrid: list[str] = []
    while len(hybrid) < QUESTIONS:
        words = [w for w in _WORD.findall(rng.choice(m.texts).lower()) if w not in _STOP]
        if len(words) >= 6:
            start = rng.randrange(len(words) - 5)
            hybrid.append(f"What did the cables say about {' '.join(words[start : start + 6])}?")
    rare = sorted(w for w, n in df.items() if 1 <= n <= 2 and len(w) >= 7)
    common = [w for w, _ in df.most_common(200) if w not in _STOP][:60]
    return {
        "hybrid": hybrid,
        "rare": [f"Who mentioned {w}?" for w in rng.sample(rare, QUESTIONS)],
        "common": [f"What about {' '.join(rng.sample(common, 4))}?" for _ in range(QUESTIONS)],
    }


# -- measuring ---------------------------------------------------------------------------------


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * q))]


def disk_bytes(path: Path) -> int:
    """Blocks actually used: Chroma's HNSW files can be sparse."""
    total = 0
    for p in path.rglob("*"):
        if p.is_file() and not p.is_symlink():
            total += p.stat().st_blocks * 512
    return total


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(path: Path) -> tuple[subprocess.Popen[bytes], str]:
    import chromadb

    port = free_port()
    proc = subprocess.Popen(
        [str(Path(sys.executable).with_name("chroma")), "run", "--path", str(path),
         "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 60
    while True:
        try:
            chromadb.HttpClient(host="127.0.0.1", port=port).heartbeat()
            return proc, f"http://127.0.0.1:{port}"
        except Exception:
            if time.monotonic() > deadline or proc.poll() is not None:
                proc.terminate()
                raise SystemExit("chroma run did not come up") from None
            time.sleep(0.2)


def peak_rss_mb(pid: int | None = None) -> float:
    """Peak resident memory: ours from getrusage, a given process's from /proc (VmHWM).

    A child must pass its own pid: its ru_maxrss starts from the parent's
    image it was forked from, VmHWM from what it mapped after exec.
    """
    if pid is None:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def query_side(
    store: Path, chroma_url: str | None, qs: dict[str, list[str]], *, timed: bool = True
) -> dict[str, Any]:
    """Runs in a fresh process: open, first questions, then (`timed`) the timed ones."""
    t = time.perf_counter()
    from qa.answer import Filters
    from qa.config import Settings
    from qa.engine import Engine

    out: dict[str, Any] = {"import_s": time.perf_counter() - t}
    t = time.perf_counter()
    engine = Engine(
        Settings(store=store, chroma_url=chroma_url, model=SyntheticEncoder.name),
        encoder=SyntheticEncoder(),
    )
    out["open_s"] = time.perf_counter() - t
    t = time.perf_counter()
    engine.ask(qs["hybrid"][0], infer=False)
    out["first_unfiltered_s"] = time.perf_counter() - t
    t = time.perf_counter()
    engine.ask(qs["hybrid"][0], filters=Filters(since=YEAR[0], until=YEAR[1]), infer=False)
    out["first_filtered_s"] = time.perf_counter() - t
    out["records"] = engine.state().records
    t = time.perf_counter()
    engine.warm()  # from here a long-lived engine, as the TUI's (HNSW past 300k records)
    out["warm_s"] = time.perf_counter() - t
    if not timed:
        return out
    cases: list[tuple[str, list[str], Filters, str]] = [
        ("hybrid, no filter", qs["hybrid"], Filters(), "hybrid"),
        ("hybrid, year 2008", qs["hybrid"], Filters(since=YEAR[0], until=YEAR[1]), "hybrid"),
        (f"hybrid, origin {ORIGIN}", qs["hybrid"], Filters(origin=ORIGIN), "hybrid"),
        ("hybrid, year + origin", qs["hybrid"],
         Filters(since=YEAR[0], until=YEAR[1], origin=ORIGIN), "hybrid"),
        ("lexical, rare word", qs["rare"], Filters(), "lexical"),
        ("lexical, common words", qs["common"], Filters(), "lexical"),
    ]  # fmt: skip
    rows = []
    for label, texts, filters, mode in cases:
        times, found = [], 0
        for q in texts:
            t = time.perf_counter()
            answer = engine.ask(q, filters=filters, mode=mode, infer=False)
            times.append((time.perf_counter() - t) * 1000)
            found += bool(answer.hits)
        rows.append([label, len(times), pct(times, 0.5), pct(times, 0.95), max(times), found])
    out["rows"] = rows
    conn = engine.conn
    out["share"] = [
        conn.execute(
            "SELECT avg(date BETWEEN 20080101 AND 20081231), avg(origin = ?),"
            " avg(date BETWEEN 20080101 AND 20081231 AND origin = ?) FROM records r"
            " JOIN paragraphs p USING (pid) JOIN cables c ON c.id = p.cable_id",
            (ORIGIN, ORIGIN),
        ).fetchone()
    ][0]
    out["peak_rss_mb"] = peak_rss_mb(os.getpid())  # getrusage would count the parent
    engine.close()
    return out


def run(args: argparse.Namespace) -> None:
    from embeddings.ingest import IngestOptions, ingest_cables

    load_start = os.getloadavg()
    wall = time.perf_counter()
    t = time.perf_counter()
    material = load_material(SEED)
    qs = questions(material, SEED)
    read_s = time.perf_counter() - t
    temp = None
    if args.store is None:
        temp = Path(tempfile.mkdtemp(prefix="qa-scale-"))
        store = temp / "store"
    else:
        store = Path(args.store)
        if store.exists():
            shutil.rmtree(store)
    server: subprocess.Popen[bytes] | None = None
    url = None
    server_dir = store.parent / f"{store.name}-server"
    try:
        if args.server:
            shutil.rmtree(server_dir, ignore_errors=True)
            server, url = start_server(server_dir)
        enc = SyntheticEncoder()
        t = time.perf_counter()
        options = IngestOptions(store_dir=store, chroma_url=url, encoder=enc, windower=windower)
        summary = ingest_cables(synthetic_cables(material, args.n, SEED), options)
        ingest_s = time.perf_counter() - t
        writer_rss = peak_rss_mb()
        sizes = {"ledger": disk_bytes(store) - disk_bytes(store / "chroma")}
        sizes["chroma"] = disk_bytes(server_dir if args.server else store / "chroma")
        qfile = store / "scale-questions.json"
        qfile.write_text(json.dumps(qs))
        child = subprocess.run(
            [sys.executable, __file__, "--query-side", str(store), "--questions", str(qfile)]
            + (["--chroma-url", url] if url else []),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if child.returncode != 0:
            raise SystemExit(f"query process failed:\n{child.stderr[-3000:]}")
        q = json.loads(child.stdout.strip().splitlines()[-1])
        again = subprocess.run(  # the vector and row caches the first open wrote now exist
            [sys.executable, __file__, "--query-side", str(store), "--questions", str(qfile),
             "--open-only"] + (["--chroma-url", url] if url else []),
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if again.returncode == 0:
            q["again"] = json.loads(again.stdout.strip().splitlines()[-1])
        server_rss = peak_rss_mb(server.pid) if server is not None else None
    finally:
        if server is not None:
            server.terminate()
            server.wait(30)
    report(args, summary, enc.seconds, ingest_s, read_s, sizes, writer_rss, server_rss, q)
    print(
        f"load average at start {load_start[0]:.2f} {load_start[1]:.2f} {load_start[2]:.2f}, "
        f"at end {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        f"wall {time.perf_counter() - wall:.0f} s"
    )
    if not args.keep:
        shutil.rmtree(temp or store, ignore_errors=True)
        shutil.rmtree(server_dir, ignore_errors=True)
    else:
        print(f"store kept at {store}" + (f" (server data {server_dir})" if args.server else ""))


def report(
    args: argparse.Namespace,
    summary: Any,
    encode_s: float,
    ingest_s: float,
    read_s: float,
    sizes: dict[str, int],
    writer_rss: float,
    server_rss: float | None,
    q: dict[str, Any],
) -> None:
    mode = "chroma server" if args.server else "local store"
    records = summary.records
    print(f"\n== scale: {records:,} records ({summary.new:,} cables), {mode} ==")
    print(f"reading the corpus material + questions: {read_s:.1f} s")
    write_s = max(ingest_s - encode_s, 1e-9)
    print(
        f"write: {records / ingest_s:,.0f} records/s over the whole ingest ({ingest_s:.0f} s); "
        f"encoder {encode_s:.1f} s of it; {records / write_s:,.0f} records/s without it"
    )
    gb = 1024**3
    print(
        f"disk: ledger {sizes['ledger'] / gb:.2f} GB + chroma {sizes['chroma'] / gb:.2f} GB "
        f"= {(sizes['ledger'] + sizes['chroma']) / gb:.2f} GB"
    )
    print(
        f"fresh process: import {q['import_s'] * 1000:.0f} ms, "
        f"open {q['open_s'] * 1000:.0f} ms, first unfiltered ask "
        f"{q['first_unfiltered_s'] * 1000:.0f} ms, first filtered ask "
        f"{q['first_filtered_s'] * 1000:.0f} ms"
    )
    if "again" in q:
        a = q["again"]
        print(
            f"second fresh process (caches written): import {a['import_s'] * 1000:.0f} ms, "
            f"open {a['open_s'] * 1000:.0f} ms, first unfiltered ask "
            f"{a['first_unfiltered_s'] * 1000:.0f} ms, first filtered ask "
            f"{a['first_filtered_s'] * 1000:.0f} ms"
        )
    print(
        f"warm-up of a long-lived engine (the TUI's; loads Chroma's HNSW index past "
        f"300k records): {q['warm_s'] * 1000:.0f} ms; the timed questions below follow it"
    )
    mem = f"peak RSS: writer {writer_rss:,.0f} MB, query process {q['peak_rss_mb']:,.0f} MB"
    if server_rss is not None:
        mem += f", chroma server {server_rss:,.0f} MB"
    print(mem)
    year, origin, both = q["share"]
    print(f"records matched: year 2008 {year:.1%}, origin {ORIGIN} {origin:.1%}, both {both:.2%}")
    print(f"\n{'query (k=10, infer off)':<34}{'n':>4}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}"
          f"{'hits':>6}  goal")  # fmt: skip
    for label, n, p50, p95, top, found in q["rows"]:
        goal = "" if not label.startswith("hybrid") else ("ok" if p50 <= 200 else "OVER 200")
        print(f"{label:<34}{n:>4}{p50:>9.1f}{p95:>9.1f}{top:>9.1f}{found:>6}  {goal}")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=20_000, help="records (paragraph windows)")
    parser.add_argument("--server", action="store_true", help="Chroma through `chroma run`")
    parser.add_argument("--store", help="store folder (emptied first); default a temp folder")
    parser.add_argument("--keep", action="store_true", help="keep the store afterwards")
    parser.add_argument("--query-side", help=argparse.SUPPRESS)
    parser.add_argument("--chroma-url", help=argparse.SUPPRESS)
    parser.add_argument("--questions", help=argparse.SUPPRESS)
    parser.add_argument("--open-only", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.query_side:
        qs = json.loads(Path(args.questions).read_text())
        out = query_side(Path(args.query_side), args.chroma_url, qs, timed=not args.open_only)
        print(json.dumps(out))
        return
    run(args)


if __name__ == "__main__":
    main()
