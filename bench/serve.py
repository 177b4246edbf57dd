"""`qa serve` under load: concurrent thin clients against one server, on loopback.

    .venv/bin/python bench/serve.py --store /work/stores/main --clients 16 --seconds 60

First the baseline: the dev-set questions asked in-process, one at a time, on
one warm engine. Then a real `qa serve` (its own process, default workers) and
N client threads, each with its own `RemoteEngine`, asking the same questions
round and round for the given time. Prints throughput, p50/p95/p99 latency and
errors (0 wanted) for both, and how many server answers differ from the
in-process answer to the same question (0 wanted).
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from qa.answer import Filters
from qa.client import RemoteEngine
from qa.config import Settings
from qa.errors import ServerError

REPO = Path(__file__).resolve().parents[1]


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round((len(ordered) - 1) * q))]


def load_questions(path: Path) -> list[dict[str, Any]]:
    """question, history and filters of each line (a year becomes since/until)."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        given = dict(row.get("filters") or {})
        if (year := given.pop("year", None)) is not None:
            given.setdefault("since", f"{year}-01-01")
            given.setdefault("until", f"{year}-12-31")
        out.append(
            {
                "question": row["question"],
                "history": tuple(row.get("history", ())),
                "filters": Filters(**given),
            }
        )
    return out


def line(name: str, times: list[float], wall: float, errors: int) -> str:
    return (
        f"{name:<34} {len(times):>6} answers  {len(times) / wall:>7.1f} q/s  "
        f"p50 {pct(times, 0.5):>7.1f} ms  p95 {pct(times, 0.95):>7.1f} ms  "
        f"p99 {pct(times, 0.99):>7.1f} ms  errors {errors}"
    )


def baseline(store: Path, questions: list[dict[str, Any]], k: int) -> tuple[list[Any], str]:
    from qa.engine import Engine

    engine = Engine(Settings(store=store))
    engine.warm()
    answers, times = [], []
    started = time.perf_counter()
    for q in questions:
        t = time.perf_counter()
        answers.append(engine.ask(q["question"], k=k, filters=q["filters"], history=q["history"]))
        times.append((time.perf_counter() - t) * 1000)
    wall = time.perf_counter() - started
    engine.close()
    return [a.to_json() for a in answers], line("in-process, one at a time", times, wall, 0)


def start_server(store: Path, token: str, workers: int | None) -> tuple[subprocess.Popen[str], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    cmd = [sys.executable, "-m", "qa.cli", "serve", "--store", str(store), "--port", str(port)]
    if workers:
        cmd += ["--workers", str(workers)]
    env = dict(os.environ, QA_TOKEN=token, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, text=True)
    url = f"http://127.0.0.1:{port}"
    probe = RemoteEngine(url, token=token)
    deadline = time.monotonic() + 300
    while True:
        try:
            health = probe.health()
            break
        except ServerError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise SystemExit("qa serve did not start") from None
            time.sleep(0.5)
    probe.close()
    print(f"qa serve at {url}: {health['workers']} workers")
    return proc, url


def load(
    url: str,
    token: str,
    questions: list[dict[str, Any]],
    expected: list[Any],
    clients: int,
    seconds: float,
    k: int,
) -> None:
    times: list[float] = []
    errors: list[str] = []
    differ: list[str] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client(n: int) -> None:
        remote = RemoteEngine(url, token=token)
        i = n * len(questions) // clients  # each client starts elsewhere in the set
        while time.monotonic() < stop:
            q = questions[i % len(questions)]
            t = time.perf_counter()
            try:
                got = remote.ask(q["question"], k=k, filters=q["filters"], history=q["history"])
            except ServerError as exc:
                with lock:
                    errors.append(str(exc))
            else:
                elapsed = (time.perf_counter() - t) * 1000
                with lock:
                    times.append(elapsed)
                    if got.to_json() != expected[i % len(questions)]:
                        differ.append(q["question"])
            i += 1
        remote.close()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    print(line(f"qa serve, {clients} clients, {seconds:.0f} s", times, wall, len(errors)))
    print(f"server answers that differ from in-process: {len(differ)} of {len(times)}")
    for message in sorted(set(errors))[:5]:
        print(f"  error: {message}")
    for question in sorted(set(differ))[:5]:
        print(f"  differs: {question}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    default_store = os.environ.get("QA_BENCH_STORE", "/work/stores/main")
    parser.add_argument("--store", type=Path, default=Path(default_store))
    parser.add_argument("--questions", type=Path, default=REPO / "eval" / "dev.jsonl")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=None, help="qa serve --workers")
    parser.add_argument("-k", type=int, default=10)
    args = parser.parse_args()
    questions = load_questions(args.questions)
    print(f"{len(questions)} questions from {args.questions}; store {args.store}")
    print(f"cores {os.cpu_count()}, load average {os.getloadavg()[0]:.2f}")
    expected, base = baseline(args.store, questions, args.k)
    print(base)
    token = os.urandom(16).hex()
    proc, url = start_server(args.store, token, args.workers)
    try:
        load(url, token, questions, expected, args.clients, args.seconds, args.k)
    finally:
        proc.terminate()
        proc.wait(timeout=60)


if __name__ == "__main__":
    main()
