"""Bad input never stops a read: mutated real cables, hostile files, and hypothesis text.

For every input: no exception escapes `corpus.read`, the intact cables beside it
come out unchanged, and the bad file gives one `Cable` or one `ReadError` naming
it (a CSV: one per row). `QA_FUZZ_EXAMPLES` scales the budget (CI: the default);
`bench/fuzz.py` is the long run; both mutate with `tests/mutations.py`.
"""

from __future__ import annotations

import csv
import gzip
import os
import random
import shutil
import stat
import tempfile
from collections.abc import Callable
from itertools import islice
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import corpus
from corpus import clean, header, ids, paragraphs, starts
from corpus.errors import ParseError
from corpus.formats import MAX_FILE_BYTES, cables_csv, html, markdown, text
from corpus.models import Cable, ReadError
from tests.conftest import COMPRESSORS, CSV_HEAD, SEED, cable_html
from tests.mutations import MUTATIONS, bases, check, intact_copies, long_line, mutate

EXAMPLES = int(os.environ.get("QA_FUZZ_EXAMPLES", "20"))
FUZZ = settings(
    max_examples=EXAMPLES * 5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
GIANT = 30 * 1024 * 1024


@pytest.fixture(scope="module")
def sources() -> dict[str, bytes]:
    return bases(cable_html, SEED, CSV_HEAD)  # the copies in tests/data, so a clone runs it


@pytest.fixture
def intact(tmp_path: Path) -> dict[str, Cable]:
    """05PARIS104 (a cablegate page) and the seed, copied beside every bad input."""
    return intact_copies(
        tmp_path,
        {
            "05PARIS104.html": cable_html("05PARIS104").read_bytes(),
            "06MEXICO3305.md": SEED.read_bytes(),
        },
    )


def read_and_check(
    folder: Path, bad: list[Path], intact: dict[str, Cable]
) -> list[Cable | ReadError]:
    results = list(corpus.read(folder))  # an escaping exception fails the test here
    assert check(results, bad, intact) == []
    return results


def of(results: list[Cable | ReadError], path: Path) -> list[Cable | ReadError]:
    return [r for r in results if r.source.split("#row=")[0] == str(path)]


def csv_rows(count: int = 3) -> str:
    return "".join(record for _, record in islice(cables_csv._records(CSV_HEAD), count))


@pytest.mark.parametrize("mutation", sorted(MUTATIONS), ids=sorted(MUTATIONS))
def test_mutations_of_real_cables(
    mutation: str, sources: dict[str, bytes], intact: dict[str, Cable], tmp_path: Path
) -> None:
    rnd = random.Random(f"{mutation}-{EXAMPLES}")
    bad = []
    for name, data in sources.items():
        for index in range(max(1, EXAMPLES // 5)):
            path = tmp_path / f"{mutation}-{index}-{name}"
            path.write_bytes(mutate(data, rnd, [mutation]))
            bad.append(path)
    read_and_check(tmp_path, bad, intact)


@pytest.mark.parametrize("seed", range(3), ids=[f"stacked-{n}" for n in range(3)])
def test_stacked_mutations(
    seed: int, sources: dict[str, bytes], intact: dict[str, Cable], tmp_path: Path
) -> None:
    rnd = random.Random(seed)
    bad = []
    for index in range(EXAMPLES * 2):
        name = rnd.choice(sorted(sources))
        path = tmp_path / f"m{index}-{name}"
        path.write_bytes(mutate(sources[name], rnd))
        bad.append(path)
    read_and_check(tmp_path, bad, intact)


def _with_giant_line(data: bytes) -> bytes:
    at = data.index(b"\n", len(data) // 2)
    return data[:at] + b"\n" + b"THE EMBASSY " * (GIANT // 12) + data[at:]


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("06MEXICO3305.md", lambda: _with_giant_line(SEED.read_bytes())),
        ("05PARIS104.html", lambda: _with_giant_line(cable_html("05PARIS104").read_bytes())),
    ],
    ids=["06MEXICO3305-giant-line", "05PARIS104-giant-line"],
)
def test_giant_line_is_refused_with_one_error(
    name: str, make: Callable[[], bytes], intact: dict[str, Cable], tmp_path: Path
) -> None:
    path = tmp_path / f"giant-{name}"
    path.write_bytes(make())
    (error,) = of(read_and_check(tmp_path, [path], intact), path)
    assert isinstance(error, ReadError) and "too large" in error.reason


def test_long_line_under_the_limit_is_read(tmp_path: Path) -> None:
    """A 2 MB line of spaces and tabs once took minutes (quadratic patterns); now linear."""
    data = SEED.read_bytes()
    for unit in (b" ", b"\t ", b"A", b"TAGS: PREL "):
        data = long_line(data, random.Random(unit), size=2_000_000 // 4)
    path = tmp_path / "06MEXICO3305.md"
    path.write_bytes(data)
    (cable,) = corpus.read(path)
    assert isinstance(cable, Cable) and cable.id == "06MEXICO3305"


# Lines that made a header pattern backtrack for minutes to hours before (exponential
# or quadratic); each now parses at once. Shapes from real header variants.
HEADER_TRAPS = [
    ("08ASTANA338-tags-then-long-word", ["TAGS PREL, PGOV", "A" * 60 + "1"], 1),
    ("08STATE15220-tags-spaced", ["Tags: prel", "AB    " * 30 + "1"], 1),
    ("04ANKARA348-spaces-before-subject", ["E.O. 12958:" + " " * 200_000 + "x"], 1),
    ("08TEGUCIGALPA459-spaces-before-ref", ["SUBJECT: X" + " " * 200_000 + "x"], 1),
    ("06MEXICO3305-long-tags", ["TAGS: " + "AB " * 200_000], 1),
    ("06MEXICO3305-long-class-line", ["C O N F " + "A " * 100_000 + "x"], 0),
    ("06MEXICO3305-long-from-line", ["FM A" + " " * 200_000 + "x"], 0),
]


@pytest.mark.parametrize(
    ("lines", "end"),
    [(lines, end) for _, lines, end in HEADER_TRAPS],
    ids=[case for case, _, _ in HEADER_TRAPS],
)
def test_header_patterns_stay_linear(lines: list[str], end: int) -> None:
    found = header.parse_header(header.split_fields(lines))
    assert (found.end, found.sent_from, found.origin_code) == (end, None, None)
    assert len(paragraphs.normalise_body("\n".join(lines))) == len(lines)


def test_giant_line_in_a_csv_costs_only_its_row(tmp_path: Path) -> None:
    rows = csv_rows().splitlines(keepends=True)
    second = next(i for i, line in enumerate(rows) if i and cables_csv.ROW_START.match(line))
    rows.insert(second + 2, "x" * GIANT + "\n")
    path = tmp_path / "cables.csv"
    path.write_text("".join(rows), encoding="utf-8", newline="")
    results = list(corpus.read(path))
    assert [type(r).__name__ for r in results] == ["Cable", "ReadError", "Cable"]
    assert isinstance(results[1], ReadError) and results[1].row == 2
    assert "longer than" in results[1].reason


@pytest.mark.parametrize(
    "markup",
    [
        b"<pre>" * 10_000,
        b"<pre x>" * 100_000,
        b"<pre><pre><code>" * 3_000,
        b"<table class='cable'><tr><td>" * 10_000,
        b"<" * 50_000,
    ],
    ids=[
        "05PARIS104-10k-pre",
        "05PARIS104-100k-pre",
        "05PARIS104-pre-pre-code",
        "05PARIS104-10k-tables",
        "05PARIS104-lt",
    ],
)
def test_nested_markup(markup: bytes, intact: dict[str, Cable], tmp_path: Path) -> None:
    page = cable_html("05PARIS104").read_bytes()
    bad = []
    for where, at in (("head", 0), ("middle", len(page) // 2), ("end", len(page))):
        path = tmp_path / f"nested-{where}.html"
        path.write_bytes(page[:at] + markup + page[at:])
        bad.append(path)
    read_and_check(tmp_path, bad, intact)


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("06MEXICO3305.md", lambda: SEED.read_bytes()),
        ("05PARIS104.html", lambda: cable_html("05PARIS104").read_bytes()),
        ("cables.csv", lambda: csv_rows().encode("utf-8")),
    ],
    ids=["06MEXICO3305-2G", "05PARIS104-2G", "cables-sample-2G"],
)
def test_two_gigabyte_sparse_file_is_refused_without_reading_it(
    name: str, make: Callable[[], bytes], intact: dict[str, Cable], tmp_path: Path
) -> None:
    path = tmp_path / f"sparse-{name}"
    path.write_bytes(make())
    os.truncate(path, 2 * 1024**3)
    results = of(read_and_check(tmp_path, [path], intact), path)
    assert isinstance(results[-1], ReadError)
    assert ("too large" in results[-1].reason) or ("zero bytes" in results[-1].reason)
    if name.endswith(".csv"):  # the rows before the zeros are read
        assert [type(r).__name__ for r in results] == ["Cable", "Cable", "ReadError"]


@pytest.mark.parametrize(
    ("encoding", "name"),
    [
        ("utf-16", "06MEXICO3305.md"),
        ("utf-16-le", "06MEXICO3305.md"),
        ("utf-16-be", "05PARIS104.html"),
        ("utf-8-sig", "05PARIS104.html"),
        ("latin-1", "06MEXICO3305.md"),
        ("cp1252", "05PARIS104.html"),
        ("utf-32", "06MEXICO3305.md"),
    ],
    ids=lambda value: str(value),
)
def test_other_encodings_read_as_the_same_cable(encoding: str, name: str, tmp_path: Path) -> None:
    original = SEED if name.endswith(".md") else cable_html("05PARIS104")
    (expected,) = corpus.read(original)
    path = tmp_path / name
    path.write_bytes(original.read_text(encoding="utf-8").encode(encoding, errors="replace"))
    (cable,) = corpus.read(path)
    assert isinstance(cable, Cable) and isinstance(expected, Cable)
    assert (cable.id, [p.number for p in cable.paragraphs]) == (
        expected.id,
        [p.number for p in expected.paragraphs],
    )


def test_utf16_csv_reads_every_row(tmp_path: Path) -> None:
    path = tmp_path / "cables.csv"
    path.write_bytes(csv_rows().encode("utf-16"))
    assert [type(r).__name__ for r in corpus.read(path)] == ["Cable"] * 3


def _special_files(folder: Path) -> list[Path]:
    """Entries that are not readable files: each must give one error, none may hang."""
    (folder / "loop-a.md").symlink_to(folder / "loop-b.md")
    (folder / "loop-b.md").symlink_to(folder / "loop-a.md")
    (folder / "06MEXICO3305-dangling.md").symlink_to(folder / "nowhere.md")
    os.mkfifo(folder / "06MEXICO3305.fifo")
    return [
        folder / "loop-a.md",
        folder / "loop-b.md",
        folder / "06MEXICO3305-dangling.md",
        folder / "06MEXICO3305.fifo",
    ]


def test_links_loops_and_pipes(intact: dict[str, Cable], tmp_path: Path) -> None:
    bad = _special_files(tmp_path)
    (tmp_path / "up").symlink_to(tmp_path)  # a folder loop: walked once
    empty = tmp_path / "05PARIS104.html.d"
    empty.mkdir()
    results = read_and_check(tmp_path, bad, intact)
    assert [r.reason.split(":")[0] for r in results if isinstance(r, ReadError)] == [
        "cannot open",
        "not a regular file",
        "cannot open",
        "cannot open",
    ]
    (fifo_error,) = corpus.read(tmp_path / "06MEXICO3305.fifo")  # named directly: no hang
    assert isinstance(fifo_error, ReadError)


def test_folder_named_like_a_cable_is_walked(tmp_path: Path) -> None:
    folder = tmp_path / "06MEXICO3305.md"
    folder.mkdir()
    shutil.copy(cable_html("05PARIS104"), folder / "05PARIS104.html")
    assert [c.id for c in corpus.read(tmp_path) if isinstance(c, Cable)] == ["05PARIS104"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file(intact: dict[str, Cable], tmp_path: Path) -> None:
    path = tmp_path / "06MEXICO3305.md"
    shutil.copy(SEED, path)
    path.chmod(0)
    try:
        (error,) = of(read_and_check(tmp_path, [path], intact), path)
        assert isinstance(error, ReadError) and "cannot open" in error.reason
    finally:
        path.chmod(stat.S_IRUSR | stat.S_IWUSR)


def test_fifty_bad_files_do_not_stop_a_run(sources: dict[str, bytes], tmp_path: Path) -> None:
    expected = intact_copies(
        tmp_path,
        {
            "05PARIS104.html": sources["05PARIS104.html"],
            "06MEXICO3305.md": sources["06MEXICO3305.md"],
        },
    )
    good_csv = tmp_path / "intact_cables.csv"
    good_csv.write_text(csv_rows(), encoding="utf-8", newline="")
    bad = _special_files(tmp_path)
    fixed: dict[str, bytes] = {
        "empty.txt": b"",
        "spaces.txt": b" \n\t\n",
        "binary.bin": bytes(range(256)) * 40,
        "page.html": b"<!DOCTYPE html><html><body>no cable here</body></html>",
        "note.md": b"# A heading\n\nNo cable at all.\n",
        "csv-one-field.csv": b'"1","12/24/2008 13:47",\n',
        "10k-pre.html": b"<html><pre>" * 10_000,
        "utf16-noise.txt": "\ufffe\u0000garbage".encode("utf-16"),
    }
    for name, data in fixed.items():
        (tmp_path / name).write_bytes(data)
        bad.append(tmp_path / name)
    sparse = tmp_path / "sparse-06MEXICO3305.md"
    sparse.write_bytes(sources["06MEXICO3305.md"])
    os.truncate(sparse, 2 * 1024**3)
    bad.append(sparse)
    rnd = random.Random(50)
    names = sorted(sources)
    while len(bad) < 50:
        name = rnd.choice(names)
        path = tmp_path / f"bad{len(bad):02d}-{name}"
        path.write_bytes(mutate(sources[name], rnd, ["truncate", "zero-bytes"]))
        bad.append(path)
    results = list(corpus.read(tmp_path))
    csv_results = of(results, good_csv)
    assert [type(r).__name__ for r in csv_results] == ["Cable"] * 3
    intact_check = [r for r in results if r not in csv_results]
    assert check(intact_check, bad, expected) == []
    errors = [r for r in results if isinstance(r, ReadError)]
    assert len(errors) >= len(fixed) + 4  # each fixed and special file, at least
    assert {Path(e.source).name for e in errors} <= {p.name for p in bad}


# Lines a cable is made of, hand-written in the shapes of real header and body lines.
CABLE_LINES = [
    "C O N F I D E N T I A L SECTION 01 OF 03 MEXICO 003305",
    "UNCLAS STATE 011937",
    "R 151920Z JUN 06",
    "FM AMEMBASSY MEXICO",
    "TO SECSTATE WASHDC PRIORITY 1234",
    "E.O. 12958: DECL: 06/14/2016",
    "E.O. 12958: DECL: 1.4 TAGS: PREL, PGOV SUBJECT: ON ONE LINE REF: A. PARIS 1",
    "TAGS: PREL, SMIG, MX",
    "Tags: ovip (steinberg, james b.), prel",
    "TAGS PREL, PGOV",
    "SUBJECT: ENGAGING THE NEW ADMINISTRATION",
    "REF: A. PARIS 8729 B. PARIS 8918",
    "REF: 05 berlin 3726",
    "Classified By: Ambassador Tony Garza for reasons 1.4 (b) and (d) 1.(C)",
    "1. (C) Summary: the embassy met officials.",
    "2.(S/NF) Text",
    "3.. (SBU) Text",
    "¶4. Text",
    "(C) 5. The",
    "2007. A year at a line start",
    "MEXICO 00003305 002 OF 003",
    "PARIS 00000741 001.2 OF 004",
    "PAGE 02 CAPE T 00097 01 OF 03 182017Z",
    "SIPDIS",
    "END SUMMARY.",
    "DJAMEL BEGHAL TRIAL",
    "--------------------",
    "//HEADING//",
    "-- a sub-paragraph",
    "A. a list item",
    "GARZA",
    "06MEXICO3305",
    "Reference ID: 06MEXICO3305",
    "DATE: 2006-06-15 19:20",
    "ORIGIN: Embassy Mexico DESTINATION: VZCZC",
    "NOFORN",
    "&how are you now8 said Idenov,s aide; don,t",
    "&amp; &#x000A; &pounding8",
    "#### 14. (C) Activities:",
    "TAGS: [PREL](#) [MX](#)",
    "",
]
line = st.one_of(
    st.sampled_from(CABLE_LINES),
    st.text(max_size=60),
    st.builds(
        lambda n, m, w: f"{n}.{m} {w}",
        st.integers(0, 9999),
        st.sampled_from(["", " (C)", "(S/NF)", " (U)"]),
        st.text(max_size=20),
    ),
)
cable_text = st.lists(line, max_size=40).map("\n".join)
any_text = st.one_of(st.text(), cable_text)


@FUZZ
@given(any_text, st.integers(-10_000, 10_000))
def test_pure_parsers_never_raise(value: str, year: int) -> None:
    lines = value.split("\n")
    clean.clean_text(value)
    clean.decode_entities(value)
    body = paragraphs.normalise_body(value)
    paragraphs.parse_paragraphs(body, partial=year % 2 == 0, one_prefix=year % 3 == 0)
    paragraphs.split_signer(lines)
    paragraphs.flow(lines)
    assert all(isinstance(starts.is_heading(lines, i), bool) for i in range(len(lines)))
    found = header.parse_header(header.split_fields(lines))
    assert 0 <= found.end <= len(lines) + value.count("TAGS") + value.count("SUBJ") + 5
    header.parse_tags(value)
    header.normalise_classification(value, lines)
    ids.canonical_id(value, year)
    ids.parse_refs(value, year)
    ids.find_cable_ids(value)


def _page(body: str, cells: list[str]) -> str:
    row = "".join(f"<td>{cell}</td>" for cell in cells)
    return f"<html><table class='cable'><tr>{row}</tr></table><pre>{body}</pre></html>"


@FUZZ
@given(
    cable_text,
    st.lists(
        st.sampled_from(
            ["06MEXICO3305", "2006-06-15 19:20", "", "x", "CONFIDENTIAL", "Embassy Mexico", "<b>"]
        ),
        max_size=7,
    ),
)
# A page whose ID cell holds no number, under a classification line that names one.
@example(
    "C O N F I D E N T I A L SECTION 01 OF 03 MEXICO 003305",
    ["x", "2006-06-15 19:20", "06MEXICO3305"],
)
def test_format_parsers_raise_only_parse_errors(body: str, cells: list[str]) -> None:
    for parse, value in (
        (text.parse_text, body),
        (markdown.parse_markdown, body),
        (html.parse_html, _page(body, cells)),
    ):
        try:
            cable = parse(value, "fuzz")
        except ParseError as error:
            assert error.path == "fuzz" and error.reason
        else:
            assert cable.id and len({p.number for p in cable.paragraphs}) == len(cable.paragraphs)
    record = ",".join(f'"{cell}"' for cell in [*cells, body])
    try:
        cables_csv.parse_row(record, "fuzz", 1)
    except ParseError as error:
        assert error.row == 1
    except csv.Error:  # the reader reports these per row
        pass


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=4000), cable_text.map(lambda s: s.encode("utf-8", "surrogatepass"))
    )
)
def test_any_bytes_beside_intact_cables(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as folder:
        expected = intact_copies(Path(folder), {"06MEXICO3305.md": SEED.read_bytes()})
        path = Path(folder) / "fuzz.txt"
        path.write_bytes(data)
        read_and_check(Path(folder), [path], expected)


@FUZZ
@given(
    st.sampled_from(sorted(COMPRESSORS)),
    st.sampled_from(["seed", "csv"]),
    st.integers(0, 1 << 20),
    st.binary(max_size=64),
)
def test_damaged_compressed_files_beside_intact_cables(
    kind: str, what: str, at: int, junk: bytes
) -> None:
    """A compressed cable or CSV with bytes overwritten anywhere (or none): its readable
    part, then one error, and no exception; the cables beside it intact."""
    plain = SEED.read_bytes() if what == "seed" else CSV_HEAD.read_bytes()
    data = bytearray(COMPRESSORS[kind](plain))
    at %= len(data)
    data[at : at + len(junk)] = junk
    with tempfile.TemporaryDirectory() as folder:
        page = cable_html("05PARIS104").read_bytes()
        expected = intact_copies(Path(folder), {"05PARIS104.html": page})
        path = Path(folder) / f"fuzz.{kind}"
        path.write_bytes(bytes(data))
        results = list(corpus.read(folder))  # an escaping exception fails the test here
    mine = [r for r in results if r.source.split("#row=")[0] == str(path)]
    assert check([r for r in results if r not in mine], [], expected) == []
    assert mine and all(isinstance(r, (Cable, ReadError)) for r in mine)
    assert all("\n" not in r.reason and r.reason for r in mine if isinstance(r, ReadError))
    whole_file = [r for r in mine if isinstance(r, ReadError) and r.row is None]
    assert len(whole_file) <= 1 and (not whole_file or mine[-1] is whole_file[0])
    if what == "seed":
        assert len(mine) == 1


def test_a_compressed_cable_past_the_size_limit_is_refused(tmp_path: Path) -> None:
    """A small compressed file can hold far more than a cable: it is read only up to the
    limit, as a plain one is."""
    path = tmp_path / "huge.md.gz"
    path.write_bytes(gzip.compress(SEED.read_bytes() + b"x" * (MAX_FILE_BYTES + 10)))
    (error,) = corpus.read(path)
    assert isinstance(error, ReadError) and error.reason.startswith("too large for a cable")


def test_size_limit_leaves_room_for_every_real_cable() -> None:
    assert 50 * max(p.stat().st_size for p in [SEED, cable_html("10STATE17263")]) < MAX_FILE_BYTES
