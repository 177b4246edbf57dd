"""The eval file reader and the figures, recomputable from the per-question list."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from qa.answer import Answer, Filters, Hit
from qa.errors import EvalError
from qa.evalfile import Question, read_questions
from qa.evaluate import EvalReport, Outcome, figures, judge, marks_answer, run_eval


def _hit(rank: int, cable_id: str, para: str) -> Hit:
    return Hit(rank, cable_id, para, 1.0 / rank, "t", (0, 1), "s", "2006-06-15", "o", "C")


def test_read_questions_parses_history_and_filters(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    rows = [
        {
            "id": "a",
            "question": "Q1",
            "gold": [{"cable_id": "06MEXICO3305", "para": "4"}],
            "kind": "followup",
            "history": ["Q0"],
            "filters": {"year": 2006, "origin": "Mexico"},
        },
        {"id": "b", "question": "Q2", "gold": []},
    ]
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n\n")
    qs = list(read_questions(path))
    assert qs[0].history == ("Q0",)
    assert qs[0].filters == Filters(since="2006-01-01", until="2006-12-31", origin="Mexico")
    assert (qs[1].kind, qs[1].gold, qs[1].filters) == ("default", (), None)


def test_bad_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text('{"id": "a", "question": "Q", "gold": []}\n{"id": "b"}\n')
    with pytest.raises(EvalError, match="line 2"):
        list(read_questions(path))


def test_judge_finds_first_gold_paragraph_and_cable() -> None:
    q = Question("a", "q", (("06MEXICO3305", "4"), ("06MEXICO3305", "6")))
    hits = (_hit(1, "09ASTANA95", "4"), _hit(2, "06MEXICO3305", "2"), _hit(3, "06MEXICO3305", "6"))
    out = judge(q, Answer("q", Filters(), True, hits), 12.0)
    assert (out.rank, out.cable_rank, out.answered) == (3, 2, True)


def test_figures_schema_and_values() -> None:
    outcomes = [
        Outcome("a", "name", True, 1, 1, True, 10.0),
        Outcome("b", "name", True, 4, 1, True, 20.0),
        Outcome("c", "paraphrase", True, None, 7, False, 30.0),
        Outcome("d", "unanswerable", False, None, None, False, 40.0),
    ]
    f = figures(outcomes).to_json()
    assert list(f) == [
        "questions",
        "answerable",
        "recall@1",
        "recall@5",
        "recall@10",
        "mrr@10",
        "cable_recall@5",
        "answer@1",
        "answer@5",
        "unanswerable_answered_false",
        "answerable_answered_false",
        "latency_p50_ms",
        "latency_p95_ms",
    ]
    assert f["recall@1"] == round(1 / 3, 4)
    assert f["recall@5"] == round(2 / 3, 4)
    assert f["mrr@10"] == round((1 + 1 / 4) / 3, 4)
    assert f["cable_recall@5"] == round(2 / 3, 4)
    assert (f["unanswerable_answered_false"], f["answerable_answered_false"]) == (1.0, 0.3333)
    assert f["latency_p50_ms"] == 25.0
    assert outcomes[1].to_json() == {"id": "b", "rank": 4, "cable_rank": 1, "answered": True}
    assert (f["answer@1"], f["answer@5"]) == (None, None)  # no question carries a span


TEXT = "The fence was built. It cost $300 million, paid by DHS. Locals objected."
#       0                    21                                56


@pytest.mark.parametrize(
    ("case", "highlight", "span", "expected"),
    [
        ("the answer sentence marked", (21, 56), "It cost $300 million", True),
        (
            "span covers the mark",
            (21, 56),
            "The fence was built. It cost $300 million, paid by DHS.",
            True,
        ),
        ("two sentences marked, span is one", (0, 56), "It cost $300 million, paid by DHS.", True),
        ("a neighbouring sentence marked", (0, 21), "It cost $300 million", False),
        ("less than half overlaps", (44, 73), "It cost $300 million, paid by DHS.", False),
        ("span not in the text", (21, 56), "It cost $400 million", False),
        ("no span", (21, 56), None, False),
    ],
    ids=lambda v: v if isinstance(v, str) and " " in v else "",
)
def test_marks_answer(
    case: str, highlight: tuple[int, int], span: str | None, expected: bool
) -> None:
    assert marks_answer(TEXT, highlight, span) is expected, case


def test_answer_at_k_counts_the_first_gold_paragraph_with_its_answer_marked(
    tmp_path: Path,
) -> None:
    path = tmp_path / "dev.jsonl"
    gold = [
        {"cable_id": "06MEXICO3305", "para": "4", "answer": "It cost $300 million"},
        {"cable_id": "06MEXICO3305", "para": "6", "answer": "Locals objected."},
    ]
    path.write_text(json.dumps({"id": "a", "question": "q", "gold": gold}) + "\n")
    (q,) = read_questions(path)
    assert q.answers[("06MEXICO3305", "6")] == "Locals objected."

    def hit(rank: int, para: str, highlight: tuple[int, int]) -> Hit:
        return Hit(rank, "06MEXICO3305", para, 1.0, TEXT, highlight, "s", "2006-06-15", "o", "C")

    first_marked = judge(q, Answer("q", Filters(), True, (hit(1, "4", (21, 56)),)), 1.0)
    wrong_sentence = judge(q, Answer("q", Filters(), True, (hit(1, "4", (0, 21)),)), 1.0)
    third = judge(
        q,
        Answer("q", Filters(), True, (_hit(1, "X", "1"), _hit(2, "X", "2"), hit(3, "6", (56, 73)))),
        1.0,
    )
    assert [(o.labelled, o.marked, o.rank) for o in (first_marked, wrong_sentence, third)] == [
        (True, True, 1),
        (True, False, 1),
        (True, True, 3),
    ]
    f = figures([first_marked, wrong_sentence, third]).to_json()
    assert (f["answer@1"], f["answer@5"]) == (round(1 / 3, 4), round(2 / 3, 4))
    assert third.to_json()["answer_marked"] is True


BAD_FILES = [
    ("empty", "", "holds no questions"),
    ("blank lines", "\n  \n", "holds no questions"),
    (
        "no question",
        '{"id": "a", "question": "Q", "gold": []}\n{"id": "b", "gold": []}\n',
        'line 2: no "question"',
    ),
    ("empty question", '{"id": "a", "question": " ", "gold": []}\n', 'line 1: no "question"'),
    ("no id", '{"question": "Q", "gold": []}\n', 'line 1: no "id"'),
    ("not json", '{"id": "a", "question": "Q", "gold": []}\n\n{id: 3}\n', "line 3: not JSON"),
    ("not an object", '["a", "b"]\n', "line 1: not a JSON object"),
    (
        "gold without para",
        '{"id": "a", "question": "Q", "gold": [{"cable_id": "X"}]}',
        "line 1: each",
    ),
]


@pytest.mark.parametrize(("case", "text", "message"), BAD_FILES, ids=[c[0] for c in BAD_FILES])
def test_bad_file_is_one_line_naming_the_line(
    tmp_path: Path, case: str, text: str, message: str
) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text(text)
    with pytest.raises(EvalError) as caught:
        list(read_questions(path))
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))
    assert "\n" not in str(caught.value)


def test_kind_without_answerable_questions_shows_dashes() -> None:
    outcomes = (
        Outcome("a", "name", True, 1, 1, True, 10.0),
        Outcome("d", "unanswerable", False, None, None, False, 40.0),
    )
    f = figures([outcomes[1]])
    assert (f.recall[1], f.mrr10, f.cable_recall5, f.answerable_false) == (None, None, None, None)
    assert f.to_json()["recall@5"] is None
    report = EvalReport("hybrid", 10, figures(outcomes), {"unanswerable": f}, outcomes)
    row = next(line for line in report.format().splitlines() if line.startswith("unanswerable"))
    assert row.split()[2:9] == ["-"] * 7, row  # recall, MRR, cable recall, answer@k
    assert row.split()[9] == "1.00"


class Echo:
    """An engine that finds the gold paragraph of every question it is asked."""

    def __init__(self, gold: dict[str, tuple[str, str]]) -> None:
        self.gold = gold
        self.asked: list[str] = []

    def ask(self, question: str, **kw: object) -> Answer:
        self.asked.append(question)
        cable, para = self.gold.get(question, ("00NONE1", "1"))
        return Answer(question, Filters(), True, (_hit(1, cable, para),))


def test_questions_citing_cables_not_in_the_store_are_left_out(tmp_path: Path) -> None:
    rows = [
        {"id": "in", "question": "Q1", "gold": [{"cable_id": "06MEXICO3305", "para": "4"}]},
        {"id": "out", "question": "Q2", "gold": [{"cable_id": "09ASTANA95", "para": "1"}]},
        {"id": "half", "question": "Q3", "gold": [
            {"cable_id": "09ASTANA95", "para": "1"}, {"cable_id": "06MEXICO3305", "para": "2"}]},
        {"id": "none", "question": "Q4", "gold": []},
    ]  # fmt: skip
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    engine = Echo({"Q1": ("06MEXICO3305", "4"), "Q3": ("06MEXICO3305", "2")})
    report = run_eval(engine, path, paragraphs=MEXICO.get)
    assert engine.asked == ["Q1", "Q3", "Q4"]
    assert report.not_in_store == ("out",)
    assert report.warnings() == [
        "1 of 4 questions cite only cables not in this store; scored on the other 3"
    ]
    assert report.overall.recall[1] == 1.0
    assert report.to_json()["not_in_store"] == ["out"]
    assert run_eval(engine, path).warnings() == []


MEXICO = {"06MEXICO3305": ["1", "2", "3", "3b", "4"]}
"""What `paragraphs` gives in these tests: the one stored cable's paragraph numbers."""


def test_gold_paragraphs_their_stored_cable_lacks_are_named(tmp_path: Path) -> None:
    """A gold ¶ the reader numbers otherwise is named (the question is still scored):
    otherwise it is a miss that looks like the engine's."""
    rows = [
        {"id": f"q{n}", "question": f"Q{n}", "gold": [{"cable_id": "06MEXICO3305", "para": p}]}
        for n, p in enumerate(["4", "11", "3B", "12", "13", "14"])
    ]
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    report = run_eval(Echo({}), path, paragraphs=MEXICO.get)
    assert report.unknown_paragraphs == (
        ("q1", "06MEXICO3305 ¶11"),
        ("q3", "06MEXICO3305 ¶12"),
        ("q4", "06MEXICO3305 ¶13"),
        ("q5", "06MEXICO3305 ¶14"),
    )
    assert len(report.outcomes) == 6
    assert report.warnings() == [
        "4 gold paragraphs not in their stored cable (qa show lists a cable's paragraphs): "
        "06MEXICO3305 ¶11 (q1), 06MEXICO3305 ¶12 (q3), 06MEXICO3305 ¶13 (q4) and 1 more"
    ]
    assert report.to_json()["unknown_paragraphs"][0] == {"id": "q1", "citation": "06MEXICO3305 ¶11"}


def test_gold_citations_are_read_as_qa_show_reads_them(tmp_path: Path) -> None:
    """A gold paragraph written as the cable site pads IDs, in lower case, or with "¶"
    is the stored paragraph; before, it was never found (a miss, or the question left
    out as citing no stored cable). Text that is no ID stays as written."""
    rows = [
        {"id": "padded", "question": "Q1", "gold": [{"cable_id": "06MEXICO003305", "para": "¶4"}]},
        {"id": "lower", "question": "Q2", "gold": [{"cable_id": " 06mexico3305", "para": 4}]},
        {"id": "para", "question": "Q3", "gold": [{"cable_id": "06MEXICO3305", "para": "para 3B"}]},
        {"id": "odd", "question": "Q4", "gold": [{"cable_id": "OSLO", "para": "4."}]},
    ]  # fmt: skip
    path = tmp_path / "dev.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    assert [q.gold for q in read_questions(path)] == [
        (("06MEXICO3305", "4"),),
        (("06MEXICO3305", "4"),),
        (("06MEXICO3305", "3b"),),
        (("OSLO", "4."),),
    ]
    engine = Echo({"Q1": ("06MEXICO3305", "4"), "Q2": ("06MEXICO3305", "4")})
    report = run_eval(engine, path, paragraphs=MEXICO.get)
    assert report.not_in_store == ("odd",)
    assert [o.rank for o in report.outcomes] == [1, 1, None]


def test_answer_json_reads_back_whole() -> None:
    """`Answer.from_json` inverts `to_json`: the server's client and the TUI's kept
    sessions read answers back with it (the marks outside preferred dates included)."""
    from qa.answer import Facets

    filters = Filters(
        since="2008-01-01",
        until="2008-12-31",
        origin="Embassy Madrid",
        inferred=("since", "until", "origin", "classification:ignored"),
        dropped=(("classification", "SECRET"),),
    )
    hit = Hit(1, "06MADRID766", "3", 0.712, "Text.", (0, 5), "S", "2006-03-30", "o", "C", ("SP",))
    outside = Hit(**{**{f: getattr(hit, f) for f in hit.__slots__}, "outside_dates": True})
    facets = Facets(2, "year", {"2006": 2}, {"Embassy Madrid": 2}, {"SP": 2})
    answer = Answer("q", filters, False, (hit, outside), facets)
    back = Answer.from_json(answer.to_json())
    assert back == answer
    strict = replace(filters, strict_dates=True)
    assert Filters.from_json(strict.to_json()) == strict


# -- every field of a line is checked before any question is asked --------------------------------

GOOD = '{"id": "a", "question": "Q", "gold": []}'
BAD_LINES = [
    ("since not a date", '"gold": [], "filters": {"since": "notadate"}',
     "filters.since must be a date YYYY-MM-DD, not 'notadate'"),
    ("since not on the calendar", '"gold": [], "filters": {"since": "2009-02-30"}',
     "filters.since must be a date YYYY-MM-DD, not '2009-02-30'"),
    ("until in another form", '"gold": [], "filters": {"until": "20090215"}',
     "filters.until must be a date YYYY-MM-DD, not '20090215'"),
    ("since a number", '"gold": [], "filters": {"since": 2009}',
     "filters.since must be a date YYYY-MM-DD, not 2009"),
    ("year not a year", '"gold": [], "filters": {"year": "abc"}',
     "filters.year must be a year such as 2006, not 'abc'"),
    ("year a fraction", '"gold": [], "filters": {"year": 2006.5}',
     "filters.year must be a year such as 2006, not 2006.5"),
    ("year true", '"gold": [], "filters": {"year": true}',
     "filters.year must be a year such as 2006, not true"),
    ("unknown filter", '"gold": [], "filters": {"origin": "Paris", "bogus": 1}',
     "filters: unknown key 'bogus' (known: since, until, year, origin, classification, tag)"),
    ("filters not an object", '"gold": [], "filters": "2006"',
     "filters must be an object such as {\"year\": 2006}, not '2006'"),
    ("origin not text", '"gold": [], "filters": {"origin": ["Paris"]}',
     'filters.origin must be a string, not ["Paris"]'),
    ("no gold", '"kind": "unanswerable"',
     'no "gold" ([] for a question the cables cannot answer)'),
    ("gold null", '"gold": null',
     "gold must be a list ([] for a question the cables cannot answer), not null"),
    ("gold an object", '"gold": {"cable_id": "06MEXICO3305", "para": "4"}',
     "gold must be a list ([] for a question the cables cannot answer), "
     'not {"cable_id": "06MEXICO3305", "para": "4"}'),
    ("gold entry without para", '"gold": [{"cable_id": "06MEXICO3305", "para": "4"}, '
     '{"cable_id": "06MEXICO3305"}]',
     'each "gold" entry needs "cable_id" and "para", as strings: '
     'entry 2 is {"cable_id": "06MEXICO3305"}'),
    ("gold entry with para null", '"gold": [{"cable_id": "06MEXICO3305", "para": null}]',
     'each "gold" entry needs "cable_id" and "para", as strings: '
     'entry 1 is {"cable_id": "06MEXICO3305", "para": null}'),
    ("gold entry a citation", '"gold": ["06MEXICO3305 ¶4"]',
     'each "gold" entry needs "cable_id" and "para", as strings: entry 1 is \'06MEXICO3305 ¶4\''),
    ("gold answer not text", '"gold": [{"cable_id": "06MEXICO3305", "para": "4", "answer": 3}]',
     'gold entry 1: "answer" must be a string, not 3'),
    ("history a string", '"gold": [], "history": "abc"',
     "history must be a list of earlier questions (strings), not 'abc'"),
    ("history of numbers", '"gold": [], "history": [1, 2]',
     "history must be a list of earlier questions (strings), not [1, 2]"),
    ("id used twice", '"gold": [], "id": "a"', "id 'a' is already used on line 1"),
]  # fmt: skip


@pytest.mark.parametrize(("case", "fields", "message"), BAD_LINES, ids=[c[0] for c in BAD_LINES])
def test_bad_field_is_one_line_naming_file_line_and_field(
    tmp_path: Path, case: str, fields: str, message: str
) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text(f'{GOOD}\n{{"id": "b", "question": "Iran?", {fields}}}\n')
    with pytest.raises(EvalError) as caught:
        list(read_questions(path))
    assert str(caught.value) == f"{path} line 2: {message}", case


def test_filters_read_as_before_and_dates_checked_on_the_calendar(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "question": "Q", "gold": [],
         "filters": {"since": "2008-02-29", "year": "2008"}},
        {"id": "b", "question": "Q", "gold": [{"cable_id": "06MEXICO3305", "para": 4}],
         "filters": {}, "history": None},
        {"id": "c", "question": "Q", "gold": [], "filters": {"until": "2009-02-29"}},
    ]  # fmt: skip
    good, bad = tmp_path / "good.jsonl", tmp_path / "bad.jsonl"
    good.write_text("\n".join(json.dumps(r) for r in rows[:2]))
    bad.write_text("\n".join(json.dumps(r) for r in rows))
    a, b = read_questions(good)
    assert a.filters == Filters(since="2008-02-29", until="2008-12-31")
    assert (b.gold, b.filters, b.history) == ((("06MEXICO3305", "4"),), None, ())
    with pytest.raises(EvalError, match=r"line 3: filters\.until must be a date"):
        list(read_questions(bad))


def test_a_bad_line_stops_the_run_before_any_question_is_asked(tmp_path: Path) -> None:
    path = tmp_path / "dev.jsonl"
    path.write_text(
        f'{GOOD}\n{{"id": "b", "question": "Q2", "gold": [], "filters": {{"tag": 7}}}}\n'
    )
    engine = Echo({})
    with pytest.raises(EvalError, match=r"line 2: filters\.tag must be a string, not 7"):
        run_eval(engine, path)
    assert engine.asked == []


def test_cli_refuses_a_bad_filter_in_one_line_with_status_1(
    monkeypatch: pytest.MonkeyPatch, hand_store: Path, tmp_path: Path
) -> None:
    """It was a bug (status 70) raised by the engine at the first question."""
    from click.testing import CliRunner

    from qa.cli import cli
    from qa.engine import Engine
    from tests.fakes import BagEncoder

    monkeypatch.setattr("qa.engine.Engine", lambda s: Engine(s, encoder=BagEncoder()))
    path = tmp_path / "x.jsonl"
    path.write_text(f'{GOOD}\n{{"id": "f1", "question": "Iran?", "gold": [], '
                    '"filters": {"since": "notadate"}}\n')  # fmt: skip
    base = ["--store", str(hand_store), "--model", BagEncoder.name]
    out = CliRunner().invoke(cli, [*base, "eval", str(path)], catch_exceptions=False)
    assert out.exit_code == 1, out.output
    assert out.stderr == (
        f"Error: {path} line 2: filters.since must be a date YYYY-MM-DD, not 'notadate'\n"
    )
    assert out.stdout == ""


def test_the_table_fits_an_80_column_terminal() -> None:
    outcomes = (
        Outcome("a", "paraphrase", True, 1, 1, True, 10.0),
        Outcome("d", "unanswerable", False, None, None, False, 40.0),
    )
    by_kind = {
        k: figures([o for o in outcomes if o.kind == k]) for k in ("paraphrase", "unanswerable")
    }
    text = EvalReport("hybrid", 10, figures(outcomes), by_kind, outcomes).format()
    assert max(len(line) for line in text.splitlines()) <= 80
    assert text.splitlines()[0].startswith("mode hybrid, k=10; latency p50 ")
    assert [line.split()[0] for line in text.splitlines()[3:]] == [
        "paraphrase",
        "unanswerable",
        "overall",
    ]
