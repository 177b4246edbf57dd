"""Numbered paragraphs counted by hand, against which the paragraph parser is measured:
by the bench-marked test in `tests/corpus/test_cables_csv.py` and by `bench/parse.py`."""

from __future__ import annotations

from pathlib import Path

import corpus
from corpus.models import Cable

# Numbered paragraphs counted by reading 40 random cables (seeds 11 and 23) line by line:
# stray numbers (`6. END SUMMARY.`, a wrapped `15.`) are not paragraphs; 09STATE80163's
# `15. Collection requirements` is (the cable jumps from ¶3 to ¶15).
CAREFUL_SAMPLE = {
    "09RIODEJANEIRO329": 11,
    "10CARACAS163": 6,
    "09SANAA1669": 10,
    "09RIODEJANEIRO311": 7,
    "09TELAVIV1324": 13,
    "10MEXICO141": 11,
    "08LAPAZ2670": 4,
    "08KUALALUMPUR317": 0,
    "09TELAVIV654": 7,
    "09SARAJEVO103": 9,
    "09BEIJING1970": 13,
    "07ALGIERS1809": 10,
    "05BOGOTA7402": 21,
    "10MUSCAT71": 5,
    "09BERLIN1609": 10,
    "09MOSCOW821": 12,
    "09KABUL4182": 12,
    "10ADDISABABA163": 14,
    "09ISLAMABAD24": 8,
    "07PARIS3919": 22,
    "08LONDON1350": 5,
    "09ANKARA1594": 0,
    "09PRETORIA2245": 12,
    "04RANGOON88": 2,
    "08MUSCAT565": 14,
    "10STATE8675": 9,
    "09RIYADH1121": 11,
    "05MADRID171": 11,
    "07LAPAZ383": 14,
    "07ANKARA1258": 6,
    "09STATE80163": 4,
    "09MOSCOW3010": 13,
    "05ISTANBUL890": 5,
    "09TELAVIV936": 12,
    "10ZAGREB97": 8,
    "09PARIS1228": 3,
    "09ISLAMABAD2449": 7,
    "06LAPAZ2910": 13,
    "08MADRID6": 14,
    "05PARIS5335": 13,
}


def numbered(cable: Cable) -> int:
    return sum(1 for p in cable.paragraphs if p.numbered and p.number != "0")


def count_paragraphs(cablegate: Path) -> tuple[int, float]:
    """(numbered paragraphs parsed, careful count extrapolated from the hand-checked sample)."""
    cables = [c for c in corpus.read(cablegate) if isinstance(c, Cable)]
    parsed = sum(numbered(c) for c in cables)
    by_id = {c.id: c for c in cables}
    sample_parsed = sum(numbered(by_id[i]) for i in CAREFUL_SAMPLE)
    ratio = sum(CAREFUL_SAMPLE.values()) / sample_parsed
    return parsed, parsed * ratio
