"""Calendar expressions in Vietnamese text, normalised (component ``dates``).

Extraction as data: ``PATTERNS`` is a list of named regexes, each with a builder
that turns a match into one or more rows. One small loop runs them all, keeps
the valid candidates and resolves overlaps (longest span first, then the order
of ``PATTERNS``). Day before month, always; impossible dates (``31/2/2022``) are
dropped, not repaired.

    value      ISO text at its precision: 2022-06-16 | 2022-06 | 2021-Q1 | 2022 | 2020/2025
    date       first day of the period, date_end its last day
    precision  day | month | quarter | year | year_range (a range of days is its two
               ends, two day rows: "19/5/1890 – 19/5/2025" names two anniversaries)
    role       issued (inside a doc_refs span) | mentioned | published (the page date)
    relative   True for "năm qua", "năm nay", "tháng trước", ... resolved against
               the publication date (no row when there is none); also for a day
               without a year ("Sáng 20/7", "ngày 2-9", "tháng 9", "quý I"), which takes
               the year that puts it nearest the publication date or, when the page shows
               none, nearest the latest day the text prints in full (not an issue date)
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date

from spacy.tokens import Doc

from pipeline.extract import core
from pipeline.nlp import text_of

Row = dict

# ---------------------------------------------------------------- building blocks
_D = r"0?[1-9]|[12]\d|3[01]"
_M = r"0?[1-9]|1[0-2]"
_Y = r"1[89]\d\d|20\d\d|21\d\d"
_Q = r"IV|I{1,3}|[1-4]"
_L = r"(?<![\w/.\-])"  # left edge: not inside a number, a word or a document code
_R = r"(?![\w/])(?![.\-]\d)"  # right edge: not followed by more digits or a code
_DASH = r"\s*[-–—]\s*"
_TO = rf"(?:{_DASH}|\s+(?:đến|tới)\s+(?:ngày\s+)?)"
# day/month/year with one separator used twice: 16/6/2022, 16-6-2022, 16.6.2022
_DMY = r"(?P<d{i}>{D})(?P<s{i}>[/.\-])(?P<m{i}>{M})(?P=s{i})(?P<y{i}>{Y})"


def _dmy(i: int) -> str:
    return _DMY.format(i=i, D=_D, M=_M, Y=_Y)


_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4}
# words before "năm qua" / "tháng trước" that make it a span of time, not a date
_NOT_RELATIVE_BEFORE = re.compile(
    r"(?:\d+|những|các|nhiều|mấy|vài|mỗi|hàng|hằng|một|hai|ba|bốn|năm|sáu|bảy|tám|chín|mười|mươi)\s+$",
    re.IGNORECASE,
)


# ---------------------------------------------------------------- value helpers
def _row(value: str, start_d: date, end_d: date, precision: str, text: str, s: int, e: int,
         relative: bool = False) -> Row:
    return {
        "value": value,
        "date": start_d,
        "date_end": end_d,
        "precision": precision,
        "role": "mentioned",
        "relative": relative,
        "text": text[s:e],
        "start": s,
        "end": e,
    }


def _quarter(q: str) -> int:
    return _ROMAN.get(q.upper()) or int(q)


# ---------------------------------------------------------------- builders
# Each builder gets (match, text, published) and yields rows; a ValueError
# (an impossible date) drops the candidate.
Builder = Callable[[re.Match, str, "date | None"], Iterable[Row]]


def _b_day(m: re.Match, text: str, pub) -> Iterator[Row]:
    v, a, b = core.period("day", int(m["y1"]), int(m["m1"]), int(m["d1"]))
    yield _row(v, a, b, "day", text, m.start(), m.end())


def _b_day_words(m: re.Match, text: str, pub) -> Iterator[Row]:
    v, a, b = core.period("day", int(m["y"]), int(m["m"]), int(m["d"]))
    yield _row(v, a, b, "day", text, m.start(), m.end())


def _two_days(a: date, b: date, text: str, s1: int, e1: int, s2: int, e2: int) -> Iterator[Row]:
    """A range of days is its two ends, each a day ("19/5/1890 – 19/5/2025" is two anniversaries)."""
    a, b = core.day_range(a, b)
    yield _row(a.isoformat(), a, a, "day", text, s1, e1)
    yield _row(b.isoformat(), b, b, "day", text, s2, e2)


def _b_day_range(m: re.Match, text: str, pub) -> Iterator[Row]:
    a = core.day(int(m["y1"]), int(m["m1"]), int(m["d1"]))
    b = core.day(int(m["y2"]), int(m["m2"]), int(m["d2"]))
    yield from _two_days(a, b, text, m.start(), m.end("y1"), m.start("d2"), m.end())


def _b_day_range_short(m: re.Match, text: str, pub) -> Iterator[Row]:
    y = int(m["y"])
    b = core.day(y, int(m["m2"]), int(m["d2"]))
    a = core.day(y, int(m["m1"] or m["m2"]), int(m["d1"]))
    yield from _two_days(a, b, text, m.start(), m.end("m1") if m["m1"] else m.end("d1"), m.start("d2"), m.end())


def _b_month(m: re.Match, text: str, pub) -> Iterator[Row]:
    v, a, b = core.period("month", int(m["y"]), int(m["m"]))
    yield _row(v, a, b, "month", text, m.start(), m.end())


def _b_quarter(m: re.Match, text: str, pub) -> Iterator[Row]:
    y = int(m["y"])
    if m["q1"]:  # "quý I và quý II năm 2024": the first quarter takes the shared year
        v, a, b = core.period("quarter", y, quarter=_quarter(m["q1"]))
        yield _row(v, a, b, "quarter", text, m.start("q1") - len(m["k1"]), m.end("q1"))
        s = m.start("k2") if m["k2"] else m.start("q")
    else:
        s = m.start()
    v, a, b = core.period("quarter", y, quarter=_quarter(m["q"]))
    yield _row(v, a, b, "quarter", text, s, m.end())


def _b_year_range(m: re.Match, text: str, pub) -> Iterator[Row]:
    v, a, b = core.year_range(int(m["y1"]), int(m["y2"]))
    yield _row(v, a, b, "year_range", text, m.start(), m.end())


_YEAR_IN_LIST = re.compile(rf"(?<!\d)(?:{_Y})(?!\d)")


def _b_years(m: re.Match, text: str, pub) -> Iterator[Row]:
    """"năm 2020", and each year of "năm 2019, 2020 và 2021"."""
    for i, ym in enumerate(_YEAR_IN_LIST.finditer(m.group())):
        s = m.start() if i == 0 else m.start() + ym.start()
        y = int(ym.group())
        v, a, b = core.period("year", y)
        yield _row(v, a, b, "year", text, s, m.start() + ym.end())


def _b_year_context(m: re.Match, text: str, pub) -> Iterator[Row]:
    """A bare year after a word that makes it one: "đến 2025", "tầm nhìn 2045"."""
    y = int(m["y"])
    v, a, b = core.period("year", y)
    yield _row(v, a, b, "year", text, m.start("y"), m.end("y"))


# "năm nay 83 tuổi": an age, not the year
_AGE_AFTER = re.compile(r"\s*(?:đã\s+|vừa\s+|tròn\s+|ngoài\s+|hơn\s+|gần\s+)?\d{1,3}\s+tuổi(?!\w)", re.IGNORECASE)


def _relative_ok(m: re.Match, text: str) -> bool:
    return not (_NOT_RELATIVE_BEFORE.search(text[max(0, m.start() - 12):m.start()]) or _AGE_AFTER.match(text, m.end()))


_SHIFT = {"qua": -1, "vừa qua": -1, "trước": -1, "ngoái": -1, "nay": 0, "này": 0, "tới": 1, "sau": 1}


def _b_relative(m: re.Match, text: str, pub) -> Iterator[Row]:
    if pub is None or not _relative_ok(m, text):
        return
    unit = m["unit"].lower()
    shift = _SHIFT[" ".join(m["rel"].lower().split())]
    if unit == "năm":
        v, a, b = core.period("year", pub.year + shift)
        yield _row(v, a, b, "year", text, m.start(), m.end(), relative=True)
        return
    if unit == "tháng":
        k = pub.year * 12 + (pub.month - 1) + shift
        v, a, b = core.period("month", k // 12, k % 12 + 1)
        yield _row(v, a, b, "month", text, m.start(), m.end(), relative=True)
        return
    k = pub.year * 4 + (pub.month - 1) // 3 + shift
    v, a, b = core.period("quarter", k // 4, quarter=k % 4 + 1)
    yield _row(v, a, b, "quarter", text, m.start(), m.end(), relative=True)


def _b_day_month(m: re.Match, text: str, pub) -> Iterator[Row]:
    """"Sáng 20/7": the year is the publication's (the previous one when that is far ahead)."""
    if pub is None:
        return
    d, mo = int(m["d"]), int(m["m"])
    v, a, b = core.period("day", core.nearest_year(pub, mo, d), mo, d)
    yield _row(v, a, b, "day", text, m.start("d"), m.end(), relative=True)


def _b_season(m: re.Match, text: str, pub) -> Iterator[Row]:
    """A crop season with its year ("vụ Hè Thu 2023") is that year."""
    v, a, b = core.period("year", int(m["y"]))
    yield _row(v, a, b, "year", text, m.start(), m.end())


def _b_day_words_no_year(m: re.Match, text: str, pub) -> Iterator[Row]:
    """"ngày 2 tháng 9" without a year."""
    if pub is None:
        return
    d, mo = int(m["d"]), int(m["m"])
    v, a, b = core.period("day", core.nearest_year(pub, mo, d), mo, d)
    yield _row(v, a, b, "day", text, m.start(), m.end(), relative=True)


def _b_month_no_year(m: re.Match, text: str, pub) -> Iterator[Row]:
    """"sinh hoạt chi bộ tháng 9": the month nearest the publication date."""
    if pub is None:
        return
    mo = int(m["m"])
    v, a, b = core.period("month", core.nearest_year(pub, mo), mo)
    yield _row(v, a, b, "month", text, m.start(), m.end(), relative=True)


def _b_quarter_no_year(m: re.Match, text: str, pub) -> Iterator[Row]:
    """"Trong quý I, ...": a quarter of the publication year."""
    if pub is None:
        return
    v, a, b = core.period("quarter", pub.year, quarter=_quarter(m["q"]))
    yield _row(v, a, b, "quarter", text, m.start(), m.end(), relative=True)


def _b_month_this_year(m: re.Match, text: str, pub) -> Iterator[Row]:
    if pub is None:
        return
    v, a, b = core.period("month", pub.year, int(m["m"]))
    yield _row(v, a, b, "month", text, m.start(), m.end(), relative=True)


# ---------------------------------------------------------------- the table
_YEAR_PREFIX = r"(?:(?:nhiệm\s+kỳ|giai\s+đoạn|thời\s+kỳ|năm\s+học|niên\s+khóa|niên\s+khoá|các\s+năm|năm)\s+)?"
_NUMWORD_GUARD = r"(?!\s+(?:đảng\s+viên|chi\s+bộ|đảng\s+bộ|đ/c|đồng\s+chí|người|lượt))"
# words that make "20/7" a day: a part of the day or "ngày" ("Sáng 20/7", "ngày 2-9")
_DAY_WORD = r"(?:ngày|hôm|sáng|chiều|tối|trưa|đêm|rạng\s+sáng)"
# crop seasons ("vụ Đông Xuân", "vụ Hè Thu", "vụ Mùa")
_SEASON = r"vụ\s+(?:lúa\s+)?(?:đông\s+xuân|hè\s+thu|thu\s+đông|xuân\s+hè|chiêm\s+xuân|chiêm|mùa)"

# (name, regex, builder). Order is the tie-break after span length. A pattern that can
# start in several ways opens with a lookahead of the characters a match can start with
# ("(?=[tn\d])": từ, ngày or a digit): it changes no match, and lets the engine leave
# every other position at once (2x faster on those patterns).
PATTERNS: list[tuple[str, str, Builder]] = [
    ("day_range", rf"(?=[tn\d])(?:từ\s+)?(?:ngày\s+)?{_L}{_dmy(1)}{_TO}{_dmy(2)}{_R}", _b_day_range),
    (
        "day_range_short",
        rf"(?=[tn\d])(?:từ\s+)?(?:ngày\s+)?{_L}(?P<d1>{_D})(?:/(?P<m1>{_M}))?{_TO}"
        rf"(?P<d2>{_D})(?P<s>[/.])(?P<m2>{_M})(?P=s)(?P<y>{_Y}){_R}",
        _b_day_range_short,
    ),
    ("day", rf"(?=\d){_L}{_dmy(1)}{_R}", _b_day),
    (
        "day_words",
        rf"\bngày\s+(?P<d>{_D})\s+tháng\s+(?P<m>{_M}),?\s+năm\s+(?P<y>{_Y}){_R}",
        _b_day_words,
    ),
    (
        "year_range_from_to",
        rf"\btừ\s+(?:năm\s+)?(?P<y1>{_Y})\s+(?:đến|tới)\s+(?:năm\s+)?(?P<y2>{_Y}){_R}",
        _b_year_range,
    ),
    ("year_range", rf"(?=[ngtc\d])\b{_YEAR_PREFIX}{_L}(?P<y1>{_Y}){_DASH}(?P<y2>{_Y}){_R}", _b_year_range),
    (
        "month",
        rf"\btháng\s+(?P<m>{_M})(?:\s*[/\-.]\s*|,?\s+năm\s+)(?P<y>{_Y}){_R}",
        _b_month,
    ),
    (
        "quarter",
        rf"(?=[qi1-4])\b(?:(?P<k1>qu[ýí]\s+)(?P<q1>{_Q})(?:\s*,\s*|\s+và\s+)(?P<k2>qu[ýí]\s+)?)?"
        rf"(?:qu[ýí]\s+)?(?P<q>{_Q})(?:\s*[/\-]\s*|,?\s+năm\s+)(?P<y>{_Y}){_R}",
        _b_quarter,
    ),
    (
        "years",
        rf"\bnăm\s+(?:{_Y}){_R}(?:(?:\s*,\s*|\s+và\s+|\s+hoặc\s+)(?:năm\s+)?(?:19\d\d|20\d\d){_R}{_NUMWORD_GUARD})*",
        _b_years,
    ),
    (
        "year_context",
        rf"(?=[đtscgvh])\b(?:đến|tới|từ|trước|sau|cuối|đầu|giữa|vào|hết|tầm\s+nhìn|sn)\s+(?P<y>{_Y}){_R}{_NUMWORD_GUARD}",
        _b_year_context,
    ),
    (
        "season",
        rf"\b{_SEASON}\s+(?:năm\s+)?(?P<y>{_Y}){_R}(?!{_DASH}(?:{_Y}))",
        _b_season,
    ),
    (
        "day_month",
        rf"(?=[nhsctđr])\b{_DAY_WORD}\s+(?:(?:thứ\s+\w+|chủ\s+nhật)\s*,?\s*(?:ngày\s+)?)?{_L}"
        rf"(?P<d>{_D})(?P<s>/|-)(?P<m>{_M}){_R}(?!\s*(?P=s)\s*\d)(?!\s+tháng)",
        _b_day_month,
    ),
    (
        "day_words_no_year",
        rf"\bngày\s+(?P<d>{_D})\s+tháng\s+(?P<m>{_M}){_R}(?!\s*[,/\-.]?\s*(?:năm\s+)?\d)",
        _b_day_words_no_year,
    ),
    (
        "month_no_year",
        rf"(?<!\d\s)(?<!mạng\s)\btháng\s+(?P<m>{_M}){_R}(?!\s*[/\-.,]?\s*(?:năm\s+)?\d)(?!\s+(?:năm|tới|sau|trước|nay|này|qua)\b)",
        _b_month_no_year,
    ),
    (
        "quarter_no_year",
        rf"\bqu[ýí]\s+(?P<q>{_Q}){_R}(?!\s*[/\-.,]?\s*(?:năm\s+)?\d)(?!\s+(?:năm|tới|sau|trước|nay|này|qua)\b)",
        _b_quarter_no_year,
    ),
    (
        "month_this_year",
        rf"\btháng\s+(?P<m>{_M})\s+(?:năm\s+)?(?:nay|này)\b",
        _b_month_this_year,
    ),
    (
        "relative",
        r"(?=[ntq])\b(?P<unit>năm|tháng|qu[ýí])\s+(?P<rel>vừa\s+qua|qua|nay|này|trước|ngoái|tới|sau)\b(?!\s+(?:đó|nữa|liền))",
        _b_relative,
    ),
]

_COMPILED = [(name, re.compile(rx, re.IGNORECASE), build) for name, rx, build in PATTERNS]
# "quý" in the quarter pattern is optional only after "quý I, ..."; make it required otherwise
_QUARTER_START = re.compile(r"qu[ýí]\s", re.IGNORECASE)


# a day or month printed without its year takes it from the publication date or, when the
# page shows none, from the latest date the text prints in full
_ANCHORED = frozenset({"day_month", "day_words_no_year", "month_no_year", "quarter_no_year"})


def _candidates(text: str, published: date | None, anchor: date | None) -> list[core.Span]:
    """One span a match, its rows as value; overlaps go to the longest, then PATTERNS' order."""
    out = []
    for order, (name, rx, build) in enumerate(_COMPILED):
        for m in rx.finditer(text):
            if name == "quarter" and not _QUARTER_START.match(m.group()):
                continue
            try:
                rows = list(build(m, text, anchor if name in _ANCHORED else published))
            except (ValueError, OverflowError):
                continue
            if rows:
                out.append(core.Span(m.start(), m.end(), (m.start() - m.end(), order, m.start()), rows))
    return out


def _resolve(cands: list[core.Span]) -> list[Row]:
    return [row for span in core.resolve(cands) for row in span.value]


def _text_anchor(rows: list[Row], refs: list[tuple[int, int]]) -> date | None:
    """The article's time when the page shows no date: the latest day or month the text prints
    with its year (a bare year is too often a birth or a target). A date inside or just after a
    document reference (its issue date) does not count."""
    days = [r["date"] for r in rows if r["precision"] in ("day", "month") and not r["relative"]
            and not any(s <= r["start"] and r["start"] - e <= 12 for s, e in refs)]
    return max(days) if days else None


def find_dates(text: str, published: date | None = None, doc_ref_spans: Iterable = ()) -> list[Row]:
    """Every calendar expression in ``text``, one row per mention, in text order.

    ``doc_ref_spans``: (start, end) pairs or dicts with start/end (doc_refs rows);
    a date inside one gets role "issued". ``published`` adds one row with role
    "published" (no text or offsets) and anchors relative expressions.
    """
    if not isinstance(text, str):
        return []
    published = core.as_date(published)
    refs = []
    for span in doc_ref_spans or ():
        try:
            s, e = (span["start"], span["end"]) if isinstance(span, dict) else (span[0], span[1])
            if s is not None and e is not None:
                refs.append((int(s), int(e)))
        except (KeyError, IndexError, TypeError, ValueError):
            continue

    rows = _resolve(_candidates(text, published, published))
    if published is None:
        anchor = _text_anchor(rows, refs)
        if anchor is not None:
            rows = _resolve(_candidates(text, None, anchor))
    for r in rows:
        if any(rs <= r["start"] and r["end"] <= re_ for rs, re_ in refs):
            r["role"] = "issued"
    rows.sort(key=lambda r: (r["start"], r["end"]))
    if published is not None:
        rows.append({
            "value": published.isoformat(), "date": published, "date_end": published, "precision": "day",
            "role": "published", "relative": False, "text": None, "start": None, "end": None,
        })
    return rows


@core.component("dates", reads=("doc_refs.start", "doc_refs.end", "meta.published_date"), writes=("dates",))
def dates_component(doc: Doc) -> Doc:
    doc._.rows["dates"] = find_dates(text_of(doc), published=doc._.meta.get("published_date"),
                                     doc_ref_spans=doc._.rows.get("doc_refs") or ())
    return doc
