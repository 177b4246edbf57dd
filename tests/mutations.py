"""Mutations of real cables and the contract a read of them must keep: shared by the
fuzz tests (`tests/reliability/test_fuzz_corpus.py`) and the long run (`bench/fuzz.py`).

Each input is a real cable (a cablegate page, the seed markdown, a block of
cables.csv rows) mangled by one to three mutations: truncation, byte flips and
insertions, another encoding, a long line, nested markup, broken CSV quoting,
zero bytes. `check` says what breaks the contract: no exception may escape, the
intact cables beside the mangled ones must come out unchanged, and each mangled
file gives one `Cable` or one `ReadError` naming it (a CSV: one per row).
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

import corpus
from corpus.formats.cables_csv import _records
from corpus.models import Cable, ReadError

# Real cables the mutations start from: a plain page, a partial extract, the seed, CSV rows.
HTML_BASES = ("05PARIS104", "04MADRID4687", "08OSLO522")
CSV_ROWS = 3
Mutation = Callable[[bytes, random.Random], bytes]


def bases(page: Callable[[str], Path], seed: Path, csv: Path) -> dict[str, bytes]:
    """name (with its extension) → bytes of a real cable, where `page` (cable ID → its
    cablegate page), `seed` and `csv` say: the tests' own copies in tests/data, or the
    shared corpus (`bench/fuzz.py`)."""
    found = {f"{cable_id}.html": page(cable_id).read_bytes() for cable_id in HTML_BASES}
    found["06MEXICO3305.md"] = seed.read_bytes()
    rows = "".join(record for _, record in islice(_records(csv), CSV_ROWS))
    found["cables.csv"] = rows.encode("utf-8")
    return found


def _at(data: bytes, rnd: random.Random) -> int:
    return rnd.randrange(len(data) + 1)


def truncate(data: bytes, rnd: random.Random) -> bytes:
    return data[: _at(data, rnd)]


def flip_bytes(data: bytes, rnd: random.Random) -> bytes:
    out = bytearray(data)
    for _ in range(rnd.randint(1, 32)):
        if out:
            out[rnd.randrange(len(out))] = rnd.randrange(256)
    return bytes(out)


def insert_bytes(data: bytes, rnd: random.Random) -> bytes:
    at = _at(data, rnd)
    return data[:at] + rnd.randbytes(rnd.randint(1, 64)) + data[at:]


def delete_span(data: bytes, rnd: random.Random) -> bytes:
    at = _at(data, rnd)
    return data[:at] + data[at + rnd.randint(1, 2000) :]


def duplicate_span(data: bytes, rnd: random.Random) -> bytes:
    at = _at(data, rnd)
    span = data[at : at + rnd.randint(1, 4000)]
    return data[:at] + span * rnd.randint(2, 20) + data[at:]


def zero_bytes(data: bytes, rnd: random.Random) -> bytes:
    at = _at(data, rnd)
    return data[:at] + b"\x00" * rnd.randint(1, 16) + data[at:]


def control_chars(data: bytes, rnd: random.Random) -> bytes:
    """Terminal escapes and markup a later display must not interpret."""
    noise = rnd.choice([b"\x1b[31m", b"\x1b]0;title\x07", b"\r", b"\x0c", b"[bold]x[/]", b"\x7f"])
    at = _at(data, rnd)
    return data[:at] + noise * rnd.randint(1, 50) + data[at:]


def _reencode(data: bytes, encoding: str) -> bytes:
    text = data.decode("utf-8", errors="replace")
    # Accented names and curly quotes, as re-typed cables carry, so the encoding matters.
    text = text.replace(" the ", " thé ", 3).replace(" said ", " \u201csaid\u201d ", 3)
    return text.encode(encoding, errors="replace")


def latin1(data: bytes, rnd: random.Random) -> bytes:
    return _reencode(data, "latin-1")


def cp1252(data: bytes, rnd: random.Random) -> bytes:
    return _reencode(data, "cp1252")


def utf16(data: bytes, rnd: random.Random) -> bytes:
    return _reencode(data, rnd.choice(["utf-16", "utf-16-le", "utf-16-be", "utf-32"]))


def newlines(data: bytes, rnd: random.Random) -> bytes:
    return data.replace(b"\n", rnd.choice([b"\r\n", b"\r", b"\n\n", b" "]))


def long_line(data: bytes, rnd: random.Random, size: int = 200_000) -> bytes:
    """A long line (the giant, tens-of-MB case is a test of its own: it is slow to parse)."""
    at = _at(data, rnd)
    unit = rnd.choice([b"A", b" ", b"\t ", b"PREL ", b"(C) ", b"1. ", b"&amp;", b"MADRID 0001 "])
    return data[:at] + b"\n" + unit * (size // len(unit)) + b"\n" + data[at:]


def nested_markup(data: bytes, rnd: random.Random, depth: int = 10_000) -> bytes:
    unit = rnd.choice([b"<pre>", b"<pre><code>", b"<table class='cable'><tr><td>", b"<a ", b"<"])
    at = _at(data, rnd)
    return data[:at] + unit * rnd.randint(1, depth) + data[at:]


def splice(data: bytes, rnd: random.Random) -> bytes:
    """Two pieces of the same file glued out of order."""
    at = _at(data, rnd)
    return data[at:] + data[:at]


def broken_quotes(data: bytes, rnd: random.Random) -> bytes:
    """CSV quoting broken: a quote dropped, doubled, escaped or added, a field cut."""
    quotes = [i for i in range(len(data)) if data[i] == 0x22]
    if not quotes:
        return data + b'"'
    at = rnd.choice(quotes)
    edit = rnd.choice([b"", b'""', b'\\"', b'"\\', b'","', b'"\n"', b"\\"])
    return data[:at] + edit + data[at + 1 :]


def broken_fields(data: bytes, rnd: random.Random) -> bytes:
    """A row with a bad date, a bad ID, fields missing or extra, a row-start mid-body."""
    edit = rnd.choice(
        [
            (b'","', b'",', 1),
            (b'","', b'","","', 1),
            (b"/", b"-", 1),
            (b'"\n"', b'"\n"99","13/45/2006 25:61","\n"', 1),
        ]
    )
    start = rnd.randrange(max(1, len(data) - 200))
    head, tail = data[:start], data[start:]
    return head + tail.replace(edit[0], edit[1], edit[2])


MUTATIONS: dict[str, Mutation] = {
    "truncate": truncate,
    "flip-bytes": flip_bytes,
    "insert-bytes": insert_bytes,
    "delete-span": delete_span,
    "duplicate-span": duplicate_span,
    "zero-bytes": zero_bytes,
    "control-chars": control_chars,
    "latin-1": latin1,
    "cp1252": cp1252,
    "utf-16": utf16,
    "newlines": newlines,
    "long-line": long_line,
    "nested-markup": nested_markup,
    "splice": splice,
    "broken-quotes": broken_quotes,
    "broken-fields": broken_fields,
}
# Long lines and deep nesting are slow to parse by design (linear in a large input): rarer.
WEIGHTS = {name: 1 if name in ("long-line", "nested-markup") else 10 for name in MUTATIONS}


def mutate(data: bytes, rnd: random.Random, names: Iterable[str] | None = None) -> bytes:
    """One to three mutations (or the ones named), applied in turn."""
    chosen = list(names) if names is not None else _pick(rnd)
    for name in chosen:
        data = MUTATIONS[name](data, rnd)
    return data


def _pick(rnd: random.Random) -> list[str]:
    names = list(WEIGHTS)
    return rnd.choices(names, weights=[WEIGHTS[n] for n in names], k=rnd.randint(1, 3))


def check(
    results: list[Cable | ReadError], mangled: Iterable[Path], intact: dict[str, Cable]
) -> list[str]:
    """What breaks the contract: a lost intact cable, a file with no or several results."""
    problems: list[str] = []
    by_file: dict[str, list[Cable | ReadError]] = {}
    for result in results:
        by_file.setdefault(result.source.split("#row=")[0], []).append(result)
    for source, expected in intact.items():
        got = by_file.pop(source, [])
        if [(c.id, c.content_hash) for c in got if isinstance(c, Cable)] != [
            (expected.id, expected.content_hash)
        ] or len(got) != 1:
            problems.append(f"{source}: intact cable not read back unchanged: {got!r:.200}")
    for path in mangled:
        got = by_file.pop(str(path), [])
        problems.extend(f"{path}: {p}" for p in _one_file(got, path.suffix == ".csv"))
    problems.extend(f"{source}: result for no input" for source in by_file)
    return problems


def _one_file(got: list[Cable | ReadError], is_csv: bool) -> list[str]:
    problems = []
    if not got:
        problems.append("no result")
    elif len(got) > 1 and not (is_csv and all(_is_row(r) for r in got)):
        problems.append(f"{len(got)} results for one file")
    for result in got:
        if isinstance(result, ReadError) and ("\n" in result.reason or not result.reason):
            problems.append(f"error reason is not one line: {result.reason!r:.200}")
        if isinstance(result, Cable) and not _sound(result):
            problems.append(f"malformed cable {result.id!r}")
    return problems


def _is_row(result: Cable | ReadError) -> bool:
    if isinstance(result, ReadError):
        return result.row is not None
    return "#row=" in result.source


def _sound(cable: Cable) -> bool:
    numbers = [p.number for p in cable.paragraphs]
    return (
        bool(cable.id)
        and len(set(numbers)) == len(numbers)
        and all(isinstance(p.text, str) and p.text for p in cable.paragraphs)
        and len(cable.content_hash) == 64
    )


def intact_copies(folder: Path, sources: dict[str, bytes]) -> dict[str, Cable]:
    """Write the intact cables into `folder`; their expected `Cable`, by path."""
    expected: dict[str, Cable] = {}
    for name, data in sources.items():
        path = folder / f"intact_{name}"
        path.write_bytes(data)
        (cable,) = corpus.read(path)
        assert isinstance(cable, Cable), cable
        expected[str(path)] = cable
    return expected
