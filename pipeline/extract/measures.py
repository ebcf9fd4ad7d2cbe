"""What a count measures, from a small vocabulary an analyst can group by.

``count_measures.csv`` maps the qualifier a count carries to a measure: ``membership``
(how many there are), ``admitted``, ``inspected``, ``supervised``, ``disciplined``
(the form of discipline is the qualifier), ``graded`` (the grade is the qualifier),
``complaints``, ``reorganised``, ``awarded``, ``other`` (what members or organisations did
that no other measure names: took part, hold meetings, violated). The first row whose
pattern the qualifier contains decides; a count without a qualifier, or with one no row
names (a part of the members: nữ, dự bị, thôn), is ``membership``. Percentages keep their measure and ``percent = true``: sum heads only
over rows with ``percent = false``.
"""
from __future__ import annotations

import csv
import re
from functools import cache
from pathlib import Path

MEASURES_CSV = Path(__file__).with_name("count_measures.csv")
DEFAULT_MEASURE = "membership"


@cache
def _table() -> tuple[tuple[str, re.Pattern], ...]:
    with open(MEASURES_CSV, encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["qualifier_pattern"]]
    return tuple((r["measure"], re.compile(rf"\b(?:{r['qualifier_pattern']})\b", re.IGNORECASE)) for r in rows)


@cache
def measures() -> tuple[str, ...]:
    """Every measure, in the table's order."""
    with open(MEASURES_CSV, encoding="utf-8", newline="") as f:
        return tuple(r["measure"] for r in csv.DictReader(f))


def measure_of(qualifier: str | None) -> str:
    """``"thi hành kỷ luật"`` -> ``disciplined``; ``"hoàn thành tốt nhiệm vụ"`` -> ``graded``."""
    if qualifier:
        for measure, pattern in _table():
            if pattern.search(qualifier):
                return measure
    return DEFAULT_MEASURE


# ends the qualifier of a percentage of a target ("đạt 109,7% chỉ tiêu"), which may pass 100
TARGET_SHARE = "% chỉ tiêu"
