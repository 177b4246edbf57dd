"""The filters an answer applied, in words: the line that lists them, why any read from
the question were let go, and why nothing was found. Plain strings, for the CLI's
renderers and the TUI alike."""

from __future__ import annotations

from dataclasses import replace

from qa.answer import Filters

_LABELS = {
    "since": "since",
    "until": "until",
    "origin": "origin",
    "classification": "classification",
    "tag": "tag",
    "cable_ids": "cables",
}
_DROPPED = {
    "since": "the dates",
    "until": "the dates",
    "origin": "the origin",
    "classification": "the classification",
    "tag": "the TAG",
    "cable_ids": "the cable IDs",
}


def _value(filters: Filters, name: str) -> str:
    value = getattr(filters, name)
    return " ".join(value) if isinstance(value, tuple) else str(value)


def _values(filters: Filters, names: list[str]) -> str:
    return " · ".join(f"{_LABELS[n]} {_value(filters, n)}" for n in names)


def _period(since: str | None, until: str | None) -> str:
    if since and until:
        if since[4:] == "-01-01" and until[4:] == "-12-31" and since[:4] == until[:4]:
            return f"in {since[:4]}"
        return f"from {since} to {until}"
    return f"since {since}" if since else f"until {until}" if until else ""


def dropped_reason(filters: Filters) -> str | None:
    """Why inferred filters were let go: "no SECRET cable from Embassy Madrid in 2004:
    shown without the classification"."""
    if not filters.dropped:
        return None
    whole = replace(filters, **dict(filters.dropped))  # type: ignore[arg-type]
    gone = list(dict.fromkeys(_DROPPED[name] for name, _ in filters.dropped))
    if gone == [_DROPPED["cable_ids"]]:
        return f"{_no_cable(whole)}: shown from other cables"
    return f"{_no_cable(whole)}: shown without {' and '.join(gone)}"


NOTHING = "Nothing found."


def nothing_found(filters: Filters, *, hint: str = " (qa stats lists what it has)") -> str:
    """What to say when no paragraph passed the filters: which given filter no cable of the
    store matches (`Filters.unmatched`) and `hint`, or that only their combination
    matches none."""
    given = [n for n in filters.names() if n not in filters.inferred]
    if not given:
        return NOTHING
    if filters.unmatched:
        only = Filters(**{n: getattr(filters, n) for n in filters.unmatched})
        return f"Nothing found: the store has {_no_cable(only)}{hint}."
    return f"Nothing found: the store has {_no_cable(filters)} (each filter alone matches some)."


def _no_cable(whole: Filters) -> str:
    """ "no SECRET cable from Embassy Madrid tagged PTER in 2004": the filters as words."""
    words = ["no"]
    if whole.classification:
        words.append(whole.classification)
    words.append("cable")
    if whole.cable_ids:
        ids = _value(whole, "cable_ids")
        words.append(ids if " " not in ids else f"among {ids}")
    if whole.origin:
        words.append(f"from {whole.origin}")
    if whole.tag:
        words.append(f"tagged {whole.tag}")
    if period := _period(whole.since, whole.until):
        words.append(period)
    return " ".join(words)


def filter_lines(filters: Filters) -> list[str]:
    """The filters applied, with their values: given ones, then those read from the question,
    then why any read from the question were dropped."""
    inferred = [n for n in _LABELS if n in filters.inferred and getattr(filters, n)]
    given = [n for n in _LABELS if n not in filters.inferred and getattr(filters, n)]
    lines = []
    if given:
        lines.append(f"filters: {_values(filters, given)}")
    if inferred:
        shown = _values(filters, [n for n in inferred if n not in ("since", "until")])
        if filters.dates_preferred:
            period = _period(filters.since, filters.until).removeprefix("in ")
            dates = f"{period} preferred"
        else:
            dates = _values(filters, [n for n in inferred if n in ("since", "until")])
        parts = [p for p in (dates if {"since", "until"} & set(inferred) else "", shown) if p]
        lines.append(f"filters read from the question: {' · '.join(parts)}")
    if reason := dropped_reason(filters):
        lines.append(reason)
    return lines
