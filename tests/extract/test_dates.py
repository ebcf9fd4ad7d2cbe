"""Dates: table-driven forms, negatives beside positives, properties, gold, component."""
from __future__ import annotations

import json
import os
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.extract.dates import find_dates

PUB = date(2023, 8, 20)


def found(text, published=None):
    return [(r["value"], r["precision"], r["text"]) for r in find_dates(text, published)
            if r["role"] != "published"]


# (text, [(value, precision, span text)]) -- an empty list is a negative
CASES = [
    # day
    ("Hội nghị diễn ra ngày 12/9/2023 tại hội trường.", [("2023-09-12", "day", "12/9/2023")]),
    ("Thành lập ngày 05-01-2019.", [("2019-01-05", "day", "05-01-2019")]),
    ("Ký ngày 16.6.2022 tại Hà Nội.", [("2022-06-16", "day", "16.6.2022")]),
    ("ngày 8 tháng 3 năm 2021", [("2021-03-08", "day", "ngày 8 tháng 3 năm 2021")]),
    ("Ngày thành lập Đảng 3-2-1930.", [("1930-02-03", "day", "3-2-1930")]),
    ("Hạn chót 31/2/2022 không có thật.", []),  # not a date
    ("Ngày 29/2/2024 là ngày nhuận.", [("2024-02-29", "day", "29/2/2024")]),
    ("Ngày 29/2/2023 không có.", []),
    ("Tỉnh có 65.052 đảng viên.", []),  # thousand separator, not a date
    ("Số liệu 4.487.367 lượt.", []),
    ("Nghị định số 30/2020/NĐ-CP quy định", []),  # document number
    ("Hướng dẫn 12-HD/BTCTW", []),
    ("Lúc 07:56:25 sáng", []),
    # month
    ("Trong tháng 6/2022, chi bộ họp hai lần.", [("2022-06", "month", "tháng 6/2022")]),
    ("Đến tháng 11 năm 2023 đã hoàn thành.", [("2023-11", "month", "tháng 11 năm 2023")]),
    ("từ tháng 02/2023", [("2023-02", "month", "tháng 02/2023")]),
    ("tháng 13/2023", []),
    ("tỷ lệ 6/2022", []),  # a bare fraction-like number is not a month
    # quarter
    ("Trong quý I/2021 đã kết nạp", [("2021-Q1", "quarter", "quý I/2021")]),
    ("Kế hoạch quý II năm 2024", [("2024-Q2", "quarter", "quý II năm 2024")]),
    ("Báo cáo quý 3/2023", [("2023-Q3", "quarter", "quý 3/2023")]),
    ("Tổng kết quý IV-2022", [("2022-Q4", "quarter", "quý IV-2022")]),
    ("Nhiệm vụ quý I và quý II năm 2024", [("2024-Q1", "quarter", "quý I"), ("2024-Q2", "quarter", "quý II năm 2024")]),
    ("mỗi quý một buổi", []),
    # year
    ("Năm 2020 và quý I/2021", [("2020", "year", "Năm 2020"), ("2021-Q1", "quarter", "quý I/2021")]),
    ("hoàn thành xuất sắc nhiệm vụ năm 2022.", [("2022", "year", "năm 2022")]),
    ("trong các năm 2019, 2020 và 2021", [("2019", "year", "năm 2019"), ("2020", "year", "2020"), ("2021", "year", "2021")]),
    ("phấn đấu đến 2025 đạt chuẩn", [("2025", "year", "2025")]),
    ("Hôm qua:\n2025", []),  # a bare number on its own line is no year
    ("qua hơn 02 năm thành lập", []),  # duration
    ("trong 10 năm đã kết nạp", []),
    ("kỷ niệm 93 năm Ngày thành lập", []),
    ("Nghị quyết số 18, 19 của Hội nghị lần thứ 6", []),
    ("Lượt xem: 157", []),
    ("phát biểu (1) và (2)", []),
    ("Hàng năm, chi bộ tổ chức", []),
    # ranges and terms
    ("Đại hội nhiệm kỳ 2020 - 2025", [("2020/2025", "year_range", "nhiệm kỳ 2020 - 2025")]),
    ("giai đoạn 2021-2025", [("2021/2025", "year_range", "giai đoạn 2021-2025")]),
    ("năm học 2023–2024", [("2023/2024", "year_range", "năm học 2023–2024")]),
    ("từ năm 2015 đến năm 2020", [("2015/2020", "year_range", "từ năm 2015 đến năm 2020")]),
    ("giai đoạn 2025-2020", []),  # backwards
    # a range of days is its two ends, each a day (an anniversary names two dates)
    ("kỷ niệm (7/5/1954 - 7/5/2024)", [("1954-05-07", "day", "7/5/1954"), ("2024-05-07", "day", "7/5/2024")]),
    ("Ngày sinh (12/3/1885 – 12/3/2025)", [("1885-03-12", "day", "12/3/1885"), ("2025-03-12", "day", "12/3/2025")]),
    ("từ ngày 5-7/6/2023", [("2023-06-05", "day", "từ ngày 5"), ("2023-06-07", "day", "7/6/2023")]),
    ("từ ngày 3/5 đến 9/6/2023", [("2023-05-03", "day", "từ ngày 3/5"), ("2023-06-09", "day", "9/6/2023")]),
    ("từ ngày 10/3/2022 đến ngày 15/3/2022", [("2022-03-10", "day", "từ ngày 10/3/2022"), ("2022-03-15", "day", "15/3/2022")]),
    ("giai đoạn (10/3/2022 - 5/3/2022)", [("2022-03-10", "day", "10/3/2022"), ("2022-03-05", "day", "5/3/2022")]),  # backwards: no range, two days
    ("năm 2020 - 2025", [("2020/2025", "year_range", "năm 2020 - 2025")]),
    ("chị Trần Thị B. (SN 1987) cho biết", [("1987", "year", "1987")]),
    # crop seasons: a season with one year is that year; with two it is a range
    ("thu hoạch lúa vụ Thu Đông 2021 đạt", [("2021", "year", "vụ Thu Đông 2021")]),
    ("gieo sạ vụ mùa năm 2022", [("2022", "year", "vụ mùa năm 2022")]),
    ("vụ Đông Xuân 2023 - 2024", [("2023/2024", "year_range", "2023 - 2024")]),
    ("vụ Hè Thu vừa qua", []),  # no year: nothing without a publication date
    ("khoảng 2023 ha lúa vụ Hè Thu", []),
]


@pytest.mark.parametrize("text,expected", CASES, ids=[c[0][:40] for c in CASES])
def test_forms(text, expected):
    assert found(text) == expected


RELATIVE = [
    ("Trong năm qua, đảng bộ đã kết nạp", [("2022", "year", "năm qua")]),
    ("Năm nay chi bộ phấn đấu", [("2023", "year", "Năm nay")]),
    ("nhiệm vụ tháng trước", [("2023-07", "month", "tháng trước")]),
    ("kế hoạch năm tới", [("2024", "year", "năm tới")]),
    ("từ tháng 3 năm nay", [("2023-03", "month", "tháng 3 năm nay")]),
    ("Trong những năm qua, tỉnh", []),  # a span of time, not a date
    ("trong 10 năm qua", []),
    ("bà năm nay 83 tuổi", []),  # an age, not the year
    ("hai năm trước", []),
    ("năm quan trọng", []),
]


@pytest.mark.parametrize("text,expected", RELATIVE, ids=[c[0] for c in RELATIVE])
def test_relative_resolved_against_published(text, expected):
    rows = [r for r in find_dates(text, PUB) if r["role"] != "published"]
    assert [(r["value"], r["precision"], r["text"]) for r in rows] == expected
    assert all(r["relative"] for r in rows)


# a day without its year: (text, published, [(value, span text)])
DAY_MONTH = [
    ("Sáng 20/7, Ban Thường vụ Huyện ủy họp.", date(2023, 7, 21), [("2023-07-20", "20/7")]),
    ("Chiều thứ Sáu, ngày 4/8, chi bộ sinh hoạt.", PUB, [("2023-08-04", "4/8")]),
    ("tối 2-9 nhân dân xem pháo hoa", PUB, [("2023-09-02", "2-9")]),  # 13 days ahead: this year
    ("Ngày 27/12, Đảng ủy xã tổng kết.", date(2024, 1, 8), [("2023-12-27", "27/12")]),  # last year's
    ("ngày 29/2 vừa qua", date(2024, 3, 10), [("2024-02-29", "29/2")]),
    ("ngày 29/2, chi bộ họp", date(2023, 3, 10), []),  # neither 2023 nor 2022 has a 29 February
    ("đường 30/4, phường 1", PUB, []),  # a street named after a day
    ("đạt tỷ lệ 3/5 chi bộ", PUB, []),  # a fraction
    ("Sáng 20/7/2021 tại hội trường", PUB, [("2021-07-20", "20/7/2021")]),  # has its own year
    ("ngày 5-7 tháng 6 năm 2023", PUB, [("2023-06", "tháng 6 năm 2023")]),  # "5 to 7 June", not 5 July
    ("Sáng 20/7 khai mạc", None, []),  # no publication date: no year to give it
]


@pytest.mark.parametrize("text,pub,expected", DAY_MONTH, ids=[c[0][:30] for c in DAY_MONTH])
def test_day_without_year_takes_the_publication_year(text, pub, expected):
    rows = [r for r in find_dates(text, pub) if r["role"] != "published"]
    assert [(r["value"], r["text"]) for r in rows] == expected
    assert all(r["relative"] for r in rows if r["precision"] == "day" and "/20" not in r["text"])


# printed without a year: the publication date's, or the latest full date the text prints
NO_YEAR = [
    ("Trong quý II, tỉnh đón nhiều khách.", PUB, [("2023-Q2", "quarter", "quý II")]),
    ("chuẩn bị buổi sinh hoạt chi bộ định kỳ tháng 9.", PUB, [("2023-09", "month", "tháng 9")]),
    ("lễ kỷ niệm ngày 2 tháng 9 tại quảng trường", PUB, [("2023-09-02", "day", "ngày 2 tháng 9")]),
    ("Cách mạng tháng 8 thành công", PUB, []),  # an event's name
    ("trong 6 tháng đầu năm", PUB, []),
    ("đóng theo lương của tháng trước liền kề", PUB, []),  # a rule, not a month
    ("mỗi quý một lần", PUB, []),
    # no publication date: the latest day the text prints with its year sets the year
    ("Ngày 14/3/2021 chi bộ họp. Sáng 20/3, chi bộ kết nạp đảng viên.", None,
     [("2021-03-14", "day", "14/3/2021"), ("2021-03-20", "day", "20/3")]),
    # ... but not a document's issue date
    ("Theo Kết luận số 9, ngày 5/6/2019 của Bộ Chính trị. Sáng 20/3, chi bộ họp.", None,
     [("2019-06-05", "day", "5/6/2019")]),
]


@pytest.mark.parametrize("text,pub,expected", NO_YEAR, ids=[c[0][:30] for c in NO_YEAR])
def test_no_year_takes_the_publication_or_the_text_year(text, pub, expected):
    from pipeline.extract.doc_refs import find_doc_refs

    rows = [r for r in find_dates(text, pub, find_doc_refs(text)) if r["role"] != "published"]
    assert [(r["value"], r["precision"], r["text"]) for r in rows] == expected


def test_relative_needs_a_published_date():
    assert found("Trong năm qua, năm nay và tháng trước") == []


def test_rows_carry_period_bounds_and_roles():
    text = "Theo Nghị quyết số 21-NQ/TW ngày 16/6/2022, đến quý I/2023 và năm 2024."
    ref = (text.index("Nghị"), text.index(", đến"))
    rows = find_dates(text, published=date(2024, 1, 5), doc_ref_spans=[{"start": ref[0], "end": ref[1]}])
    by = {r["value"]: r for r in rows if r["role"] != "published"}
    assert by["2022-06-16"]["role"] == "issued"
    assert by["2023-Q1"]["role"] == "mentioned"
    assert (by["2023-Q1"]["date"], by["2023-Q1"]["date_end"]) == (date(2023, 1, 1), date(2023, 3, 31))
    assert (by["2024"]["date"], by["2024"]["date_end"]) == (date(2024, 1, 1), date(2024, 12, 31))
    pub = [r for r in rows if r["role"] == "published"]
    assert pub == [{"value": "2024-01-05", "date": date(2024, 1, 5), "date_end": date(2024, 1, 5),
                    "precision": "day", "role": "published", "relative": False,
                    "text": None, "start": None, "end": None}]


def test_month_end_is_last_day():
    (r,) = find_dates("tháng 2/2024")
    assert r["date_end"] == date(2024, 2, 29)


# ---------------------------------------------------------------- properties
_PIECES = st.sampled_from(["ngày ", "tháng ", "năm ", "quý ", "nhiệm kỳ ", "từ ", "đến ", "I", "IV", "/", "-", ".",
                           " ", "\n", "(", ")", "16", "6", "2022", "31", "2", "1930", "65.052", "qua", "nay", "trước"])


def _check(text, pub):
    for r in find_dates(text, pub):
        if r["role"] == "published":
            assert r["start"] is None
            continue
        assert text[r["start"]:r["end"]] == r["text"]
        assert r["date"] <= r["date_end"]
        assert r["precision"] in {"day", "month", "quarter", "year", "year_range", "day_range"}


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200), st.one_of(st.none(), st.dates()))
def test_arbitrary_text_never_raises(text, pub):
    _check(text, pub)


@settings(max_examples=200, deadline=None)
@given(st.lists(_PIECES, max_size=25).map("".join), st.one_of(st.none(), st.dates()))
def test_date_like_text_spans_exact(text, pub):
    _check(text, pub)


def test_bad_inputs():
    assert find_dates(None) == []  # type: ignore[arg-type]
    assert found("ngày 1/1/2020", published="not a date") == [("2020-01-01", "day", "1/1/2020")]
    assert [r["value"] for r in find_dates("năm nay", published="2021-05-04")] == ["2021", "2021-05-04"]
    assert find_dates("năm 2020", doc_ref_spans=[None, (1,), {"start": None}]) != []


# ---------------------------------------------------------------- gold
SHARED = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[2] / ".." / "shared"))


def _gold_docs():
    gold = SHARED / "gold"
    if not gold.is_dir():
        pytest.skip("shared gold folder absent")
    for gf in sorted(gold.glob("*.json")):
        g = json.loads(gf.read_text(encoding="utf-8"))
        raw = (SHARED / "seeds" / g["doc"]).read_text(encoding="utf-8")
        # rough stand-in for the cleaner: drop boilerplate lines, keep the body's extent
        text = "\n".join(line for line in raw.split("\n") if not any(b in line for b in g["boilerplate"]))
        a, b = text.find(g["body_first_words"]), text.find(g["body_last_words"])
        if a >= 0 and b >= 0:
            text = text[a:b + len(g["body_last_words"])]
        yield g, text


def test_gold_dates_f1():
    tp = fp = fn = 0
    for g, text in _gold_docs():
        pub = date.fromisoformat(g["published_date"]) if g["published_date"] else None
        got = {(r["value"], r["precision"]) for r in find_dates(text, pub) if r["role"] != "published"}
        want = {(d["value"], d["precision"]) for d in g["dates"]}
        tp, fp, fn = tp + len(got & want), fp + len(got - want), fn + len(want - got)
    f1 = 2 * tp / (2 * tp + fp + fn)
    assert f1 >= 0.95, (tp, fp, fn)


# ---------------------------------------------------------------- component
def test_component_through_pipeline():
    from pipeline.nlp import annotate, build_nlp

    text = ("Ngày 12/9/2023, Đảng ủy xã tổ chức hội nghị. Trong năm qua, chi bộ "
            "hoàn thành tốt nhiệm vụ; nhiệm kỳ 2020 - 2025 đã kết nạp 15 đảng viên.")
    doc = annotate(build_nlp(components=["doc_refs", "dates", "counts"]), text,
                   {"article_id": "a1", "published_date": date(2023, 12, 1)})
    rows = doc._.rows["dates"]
    assert {(r["value"], r["role"]) for r in rows} == {
        ("2023-09-12", "mentioned"), ("2022", "mentioned"), ("2020/2025", "mentioned"), ("2023-12-01", "published")}
    for r in rows:
        if r["start"] is not None:
            assert text[r["start"]:r["end"]] == r["text"]


# -- the first-character hints of the patterns change no match ------------------------
from pipeline.extract.dates import PATTERNS  # noqa: E402

_HINT = re.compile(r"^\(\?=\[[^\]]+\]\)|^\(\?=\\d\)")
_PIECES = ["từ ", "Từ ", "ngày ", "Ngày ", "NGÀY ", "tháng ", "năm ", "Năm ", "quý ", "Quý ", "I", "IV", "II ",
           "12", "3", "/", "-", ".", " ", ", ", "2024", "2025", "1999", "đến ", "Đến ", "tới ", "sáng ", "Chiều ",
           "giai đoạn ", "nhiệm kỳ ", "này", "nay", "qua", "trước", "sau ", "hôm ", "rạng sáng ", "vụ Hè Thu ", "x"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map("".join))
def test_first_character_hints_change_no_match(text):
    hinted = [(name, rx) for name, rx, _ in PATTERNS if _HINT.match(rx)]
    assert len(hinted) >= 7
    for name, rx in hinted:
        plain = _HINT.sub("", rx, count=1)
        got = [m.span() for m in re.finditer(rx, text, re.IGNORECASE)]
        want = [m.span() for m in re.finditer(plain, text, re.IGNORECASE)]
        assert got == want, (name, text)
