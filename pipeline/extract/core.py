"""The engine every extractor shares: its tables, its spans and their overlaps, its dates.

* ``read_table``  a CSV beside the extractors (``#`` lines are comments), as row dicts.
* ``Span`` and ``resolve``  candidates with a priority; one greedy resolver keeps the best
  and drops every candidate overlapping a kept one (of its group, when spans have groups).
  ``Cover`` answers "does this overlap any of those spans" in O(log n).
* ``day``, ``valid_day``, ``period``, ``day_range``, ``year_range``, ``nearest_year``  the
  one date builder: day before month, impossible dates refused, a yearless day or month
  given the year that puts it nearest an anchor date.
* ``rows_within``  rows of an earlier component inside a span (the dates of a clause).
* ``component``  registers a thin spaCy factory with what it reads and writes (tables,
  ``table.column``, ``meta.key``, ``mentions``), so the data flow is declared: spaCy's
  ``requires``/``assigns`` from it, and ``check_flow`` finds a column with two writers or
  read before it is written.
"""
from __future__ import annotations

import bisect
import calendar
import csv
import datetime as dt
import itertools
from collections.abc import Callable, Hashable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent


# ---------------------------------------------------------------- tables


def read_table(name: str, folder: Path = HERE) -> list[dict[str, str]]:
    """The rows of ``folder/name`` (a CSV with a header line; ``#`` lines are comments)."""
    with open(folder / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


# ---------------------------------------------------------------- spans


@dataclass(frozen=True)
class Span:
    """A candidate ``[start, end)`` of the text; the lowest ``priority`` wins an overlap."""

    start: int
    end: int
    priority: tuple = ()
    value: Any = field(default=None, compare=False)
    group: Hashable = None  # with ``resolve(per_group=True)`` only spans of one group conflict


def overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


class _Kept:
    """Kept spans that do not overlap one another, sorted: a new span is checked against
    its one left neighbour (starts and ends of such spans rise together)."""

    def __init__(self) -> None:
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.points: list[int] = []  # empty spans, sorted apart: they break the order of ends

    def hits(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)
        if i > 0 and self.ends[i - 1] > start:
            return True
        j = bisect.bisect_right(self.points, start)
        return j < len(self.points) and self.points[j] < end

    def add(self, start: int, end: int) -> None:
        if start == end:
            bisect.insort(self.points, start)
            return
        i = bisect.bisect_left(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)


def resolve(spans: Iterable[Span], per_group: bool = False) -> list[Span]:
    """The spans kept, best priority first (ties in the given order): each candidate is kept
    unless it overlaps one already kept (of its own group when ``per_group``)."""
    kept: list[Span] = []
    taken: dict[Hashable, _Kept] = {}
    for span in sorted(spans, key=lambda s: s.priority):
        k = taken.setdefault(span.group if per_group else None, _Kept())
        if k.hits(span.start, span.end):
            continue
        k.add(span.start, span.end)
        kept.append(span)
    return kept


class Cover:
    """Whether ``[start, end)`` overlaps any of some spans (rows with ``start``/``end``, or
    pairs), in O(log n) a question."""

    def __init__(self, spans: Iterable):
        pairs = sorted((_bounds(s) for s in spans), key=lambda p: p[0])
        self.starts = [s for s, _ in pairs]
        self.reach = list(itertools.accumulate((e for _, e in pairs), max))

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end)  # spans starting before ``end``
        return i > 0 and self.reach[i - 1] > start


class GrowingCover:
    """``Cover`` for spans added while a text is read: sorted on insertion; a question
    looks back over the spans that start within the longest span's length."""

    def __init__(self, spans: Iterable = ()):
        self.starts: list[int] = []
        self.ends: list[int] = []
        self.longest = 0
        for span in spans:
            self.add(*_bounds(span))

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_right(self.starts, start)
        self.starts.insert(i, start)
        self.ends.insert(i, end)
        self.longest = max(self.longest, end - start)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self.starts, end) - 1
        while i >= 0 and self.starts[i] >= start - self.longest:
            if self.ends[i] > start:
                return True
            i -= 1
        return False


def _bounds(span) -> tuple[int, int]:
    return (span["start"], span["end"]) if isinstance(span, dict) else (span[0], span[1])


def rows_within(rows: Sequence[dict], start: int, end: int) -> list[dict]:
    """The rows whose span lies inside ``[start, end)`` (rows without offsets left out)."""
    return [r for r in rows if isinstance(r.get("start"), int) and isinstance(r.get("end"), int)
            and start <= r["start"] and r["end"] <= end]


# ---------------------------------------------------------------- dates

# a day printed without its year lies at most this long after its anchor (the publication
# date), else it is the year before's ("ngày 28/12" in a January article)
DAY_AHEAD_DAYS = 62
MAX_RANGE_YEARS = 150  # "1890-2025" is a range of years; wider is two numbers


def day(year: int, month: int, day_: int) -> dt.date:
    """The calendar day; ValueError when there is none (``31/2/2022`` is refused, not repaired)."""
    return dt.date(year, month, day_)


def valid_day(year: int, month: int, day_: int, years: tuple[int, int] | None = None) -> dt.date | None:
    """The calendar day, None when there is none or its year is outside ``years`` (both included)."""
    try:
        found = dt.date(year, month, day_)
    except (ValueError, TypeError, OverflowError):
        return None
    if years is not None and not years[0] <= year <= years[1]:
        return None
    return found


def last_day(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def period(precision: str, year: int, month: int = 1, day_: int = 1, quarter: int = 1) -> tuple[str, dt.date, dt.date]:
    """(ISO value at its precision, first day, last day) of a day, month, quarter or year."""
    if precision == "day":
        found = dt.date(year, month, day_)
        return found.isoformat(), found, found
    if precision == "month":
        return f"{year:04d}-{month:02d}", dt.date(year, month, 1), last_day(year, month)
    if precision == "quarter":
        return f"{year:04d}-Q{quarter}", dt.date(year, 3 * quarter - 2, 1), last_day(year, 3 * quarter)
    return f"{year:04d}", dt.date(year, 1, 1), dt.date(year, 12, 31)


def year_range(first: int, last: int) -> tuple[str, dt.date, dt.date]:
    """``2020/2025``: its value, first and last day; ValueError when it is no range."""
    if not 0 < last - first <= MAX_RANGE_YEARS:
        raise ValueError("not a range of years")
    return f"{first}/{last}", dt.date(first, 1, 1), dt.date(last, 12, 31)


def day_range(first: dt.date, last: dt.date) -> tuple[dt.date, dt.date]:
    """A range of days is its two ends; ValueError when it is empty."""
    if not first < last:
        raise ValueError("empty range")
    return first, last


def nearest_year(anchor: dt.date, month: int, day_: int = 1) -> int:
    """The year that puts ``day_/month`` nearest ``anchor``, at most DAY_AHEAD_DAYS after it."""
    try:
        ahead = (dt.date(anchor.year, month, day_) - anchor).days > DAY_AHEAD_DAYS
    except ValueError:  # 29/2 outside a leap year
        ahead = True
    return anchor.year - 1 if ahead else anchor.year


def as_date(value) -> dt.date | None:
    """A date from a date, a datetime or an ISO string; None otherwise."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------- components


@dataclass(frozen=True)
class Flow:
    """What a component needs (written by an earlier component, always), reads (when a
    component of the pipeline writes it, an earlier one) and writes: ``table`` (its rows),
    ``table.column`` (one column of rows another component makes), ``meta.key`` (a fact of
    the article), ``mentions``."""

    reads: tuple[str, ...] = ()
    writes: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


FLOWS: dict[str, Flow] = {}
# facts of the page the pipeline puts into doc._.meta before the first component
PAGE_FACTS = frozenset({"meta.article_id", "meta.published_date", "meta.title", "meta.url", "meta.site",
                        "meta.doc_header", "meta.source_tag", "meta.site_lines"})


def _spacy_attr(item: str) -> str:
    """The attribute of the Doc that holds ``item`` (spaCy validates ``doc._.name`` at most)."""
    if item.startswith(("doc.", "token.")):
        return item
    if item.startswith("meta."):
        return "doc._.meta"
    if item == "mentions":
        return "doc._.mentions"
    return "doc._.rows"


def component(name: str, *, needs: Iterable[str] = (), reads: Iterable[str] = (),
              writes: Iterable[str] = ()) -> Callable:
    """Register ``fn(doc) -> doc`` as the spaCy factory ``name`` with its declared flow."""
    from spacy.language import Language

    flow = Flow(tuple(reads), tuple(writes), tuple(needs))

    def register(fn: Callable) -> Callable:
        FLOWS[name] = flow
        Language.factory(
            name,
            requires=sorted({_spacy_attr(i) for i in flow.needs + flow.reads}),
            assigns=sorted({_spacy_attr(i) for i in flow.writes}),
            func=lambda nlp, name: fn,
        )
        return fn

    return register


def _flow(name: str, flows: dict[str, Flow]) -> Flow:
    # a component registered without a flow writes the table of its name, as every component's rows are
    return flows.get(name) or Flow(writes=(name,))


def _written(item: str, writer: dict[str, str]) -> bool:
    return item in writer or item.split(".")[0] in writer


def check_flow(names: Sequence[str], flows: dict[str, Flow] | None = None) -> list[str]:
    """Problems of running ``names`` in this order: an item written by two components, an item
    needed that no earlier component writes, an item read before the component writing it."""
    flows = FLOWS if flows is None else flows
    problems: list[str] = []
    writer: dict[str, str] = {}
    later = {item for name in names for item in _flow(name, flows).writes}
    for name in names:
        flow = _flow(name, flows)
        for item in flow.needs + flow.reads:
            if item.startswith(("doc.", "token.")) or item in PAGE_FACTS or _written(item, writer):
                continue
            if item in flow.needs:
                problems.append(f"{name} needs {item}, which no earlier component writes")
            elif item in later or item.split(".")[0] in later:
                problems.append(f"{name} reads {item} before the component writing it")
        for item in flow.writes:
            if item in writer:
                problems.append(f"{item} is written by {writer[item]} and {name}")
            writer[item] = name
    return problems
