"""The extractors' engine: one table loader, one overlap resolver, one date builder."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.extract import core


def test_read_table_skips_comment_lines(tmp_path):
    (tmp_path / "t.csv").write_text("# a comment\ncode,name\nNQ,Nghị quyết\n# another\nCT,Chỉ thị\n", encoding="utf-8")
    assert core.read_table("t.csv", tmp_path) == [{"code": "NQ", "name": "Nghị quyết"}, {"code": "CT", "name": "Chỉ thị"}]


# (spans as (start, end, priority), per_group, kept in the order resolve returns them)
RESOLVE = [
    ([(0, 10, (0,)), (5, 15, (1,))], False, [(0, 10)]),  # the better priority wins
    ([(0, 10, (1,)), (5, 15, (0,))], False, [(5, 15)]),
    ([(0, 5, (0,)), (5, 9, (1,))], False, [(0, 5), (5, 9)]),  # touching spans do not overlap
    ([(0, 9, (0,)), (2, 4, (1,)), (6, 8, (2,))], False, [(0, 9)]),
    ([(2, 4, (0,)), (6, 8, (1,)), (0, 9, (2,))], False, [(2, 4), (6, 8)]),
    ([(3, 3, (0,)), (0, 9, (1,))], False, [(3, 3)]),  # an empty span inside a longer one
    ([(0, 3, (0,)), (3, 3, (1,))], False, [(0, 3), (3, 3)]),
]


@pytest.mark.parametrize("spans,per_group,kept", RESOLVE)
def test_resolve(spans, per_group, kept):
    got = core.resolve([core.Span(s, e, p) for s, e, p in spans], per_group=per_group)
    assert [(s.start, s.end) for s in got] == kept


def test_resolve_per_group_lets_other_groups_overlap():
    spans = [core.Span(0, 10, (0,), group="a"), core.Span(5, 15, (1,), group="b"), core.Span(8, 12, (2,), group="a")]
    assert [(s.start, s.end) for s in core.resolve(spans, per_group=True)] == [(0, 10), (5, 15)]
    assert [(s.start, s.end) for s in core.resolve(spans)] == [(0, 10)]


def test_resolve_ties_keep_the_given_order():
    spans = [core.Span(0, 4, (0,), "first"), core.Span(2, 6, (0,), "second")]
    assert [s.value for s in core.resolve(spans)] == ["first"]


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 12), st.integers(0, 5)), max_size=40))
def test_resolve_is_the_quadratic_greedy(raw):
    spans = [core.Span(s, s + n, (p, i)) for i, (s, n, p) in enumerate(raw)]
    kept = []
    for span in sorted(spans, key=lambda s: s.priority):
        if not any(core.overlaps(span.start, span.end, k.start, k.end) for k in kept):
            kept.append(span)
    assert core.resolve(spans) == kept


@given(st.lists(st.tuples(st.integers(0, 60), st.integers(1, 12)), max_size=30),
       st.integers(0, 70), st.integers(1, 12))
def test_cover(raw, start, n):
    spans = [{"start": s, "end": s + k} for s, k in raw]
    want = any(core.overlaps(start, start + n, r["start"], r["end"]) for r in spans)
    assert core.Cover(spans).overlaps(start, start + n) == want


def test_rows_within():
    rows = [{"start": 2, "end": 5}, {"start": 4, "end": 12}, {"start": None, "end": None}]
    assert core.rows_within(rows, 0, 10) == [{"start": 2, "end": 5}]


# (precision, parts, value, first day, last day)
PERIODS = [
    ("day", (2024, 2, 29), "2024-02-29", date(2024, 2, 29), date(2024, 2, 29)),
    ("month", (2023, 2), "2023-02", date(2023, 2, 1), date(2023, 2, 28)),
    ("month", (2024, 2), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
    ("year", (2021,), "2021", date(2021, 1, 1), date(2021, 12, 31)),
]


@pytest.mark.parametrize("precision,parts,value,first,last", PERIODS)
def test_period(precision, parts, value, first, last):
    assert core.period(precision, *parts) == (value, first, last)


def test_quarter_period():
    assert core.period("quarter", 2021, quarter=4) == ("2021-Q4", date(2021, 10, 1), date(2021, 12, 31))


def test_impossible_days_are_refused_not_repaired():
    with pytest.raises(ValueError):
        core.day(2022, 2, 31)
    assert core.valid_day(2023, 2, 29) is None
    assert core.valid_day(1850, 1, 1, years=(1900, 2100)) is None
    assert core.valid_day(2022, 6, 16, years=(1900, 2100)) == date(2022, 6, 16)


def test_ranges():
    assert core.year_range(2020, 2025) == ("2020/2025", date(2020, 1, 1), date(2025, 12, 31))
    for first, last in ((2025, 2020), (2020, 2020), (1800, 2000)):
        with pytest.raises(ValueError):
            core.year_range(first, last)
    with pytest.raises(ValueError):
        core.day_range(date(2022, 5, 2), date(2022, 5, 1))


# (anchor, month, day, year): a yearless day takes the year that puts it nearest the anchor,
# at most core.DAY_AHEAD_DAYS after it
NEAREST = [
    (date(2023, 8, 20), 7, 20, 2023),
    (date(2023, 8, 20), 9, 2, 2023),
    (date(2024, 1, 10), 12, 28, 2023),
    (date(2023, 11, 30), 1, 15, 2023),  # behind the anchor: its year
    (date(2023, 3, 1), 2, 29, 2022),  # no 29/2 in 2023
]


@pytest.mark.parametrize("anchor,month,day,year", NEAREST)
def test_nearest_year(anchor, month, day, year):
    assert core.nearest_year(anchor, month, day) == year


def test_as_date():
    assert core.as_date("2022-06-16T08:00:00") == date(2022, 6, 16)
    assert core.as_date("16/6/2022") is None
    assert core.as_date(None) is None
