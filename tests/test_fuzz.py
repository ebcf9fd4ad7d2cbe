"""Property tests over every stage that sees untrusted text: no exception escapes,
every span is exact, every value is in its column's domain.

Texts mix arbitrary Unicode with fragments every extractor reacts to (document
numbers, dates, counts, list markers, organisation names), so the properties
are exercised where the patterns fire, not only on noise.
"""
import datetime as dt
import math
import os
import unicodedata

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline import legacy
from pipeline.clean import clean_page
from pipeline.clean.metadata import Cleaned
from pipeline.clean.text import clean_text_dump, strip_residue
from pipeline.decode import DecodeError, decode, normalize
from pipeline.extract.counts import find_counts
from pipeline.extract.dates import find_dates
from pipeline.extract.doc_refs import find_doc_refs
from pipeline.extract.solutions import find_solution_lists
from pipeline.store import to_table

# FUZZ_EXAMPLES=5000 for a longer hunt; the default keeps the suite quick.
FUZZ = settings(max_examples=int(os.environ.get("FUZZ_EXAMPLES", "150")), deadline=None, suppress_health_check=[HealthCheck.too_slow])

FRAGMENTS = [
    "Nghị quyết số 21-NQ/TW", "Chỉ thị 05-CT/TW", "Quyết định số 123/QĐ-UBND", "Kết luận số 14-KL/TW",
    "Hướng dẫn 02-HD/BTCTW", "Nghị quyết Đại hội XIII", "Quy định 144-QĐ/TW", "Luật số 12/2023/QH15",
    "ngày 16/6/2022", "ngày 3 tháng 2 năm 2024", "tháng 6/2023", "quý I/2023", "quý IV năm 2024",
    "6 tháng đầu năm", "năm 2021", "giai đoạn 2020 - 2025", "2020-2025", "nhiệm kỳ 2020-2025",
    "từ ngày 1 đến ngày 5/3/2024", "năm nay", "tháng trước", "khóa XIII", "Hội nghị Trung ương 6",
    "1.250", "65.052", "12,5%", "100%", "hơn 300", "trên 1.000", "gần 50", "khoảng 20", "mười hai",
    "hai mươi lăm", "0", "99999999999999999999", "1/1/0001", "31/2/2023", "ngày 00/13/2022", "-5",
    "đảng viên", "chi bộ", "tổ chức cơ sở đảng", "hộ", "người", "tỷ đồng", "đảng viên mới",
    "Một là,", "Hai là,", "Thứ nhất,", "- ", "+ ", "* ", "1.", "2)", "a)", "b)", "I.", "II.",
    "Giải pháp:", "Hạn chế:", "Để làm tốt", "Tỉnh ủy Thanh Hóa", "Đảng ủy xã Tân Phú",
    "đồng chí Nguyễn Văn An, Bí thư Tỉnh ủy", "Ban Thường vụ Huyện ủy", "UBND tỉnh", "huyện Krông Pắc",
    "TP. Hồ Chí Minh", "Chi bộ 01", "Ủy ban Kiểm tra", "Thanh Hoá", "thuỷ lợi",
    "\n", "\n\n", ". ", ", ", ": ", "; ", " (", ") ", "“", "”", "...", " ", "\t", "\u00a0",
]
HTML_FRAGMENTS = [
    "<html>", "</html>", "<head>", "<title>", "</title>", "<body>", "<p>", "</p>", "<div>", "</div>",
    "<article>", "</article>", "<script>", "</script>", "<style>", "<nav>", "<br>", "<table><tr><td>",
    '<meta charset="windows-1258">', '<meta property="article:published_time" content="2024-07-12">',
    "<!DOCTYPE html [", '<!ENTITY a "aaaa">', "]>", "&a;", "&amp;", "&#0;", "&#xD800;", "<!--", "-->",
    "<![CDATA[", "]]>", "<?xml version='1.0'?>", "<", ">", "&",
]

text_st = st.one_of(
    st.text(max_size=200),
    st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=40).map("".join),
)
nfc_st = text_st.map(lambda t: unicodedata.normalize("NFC", t))
html_st = st.lists(st.one_of(st.sampled_from(HTML_FRAGMENTS), st.sampled_from(FRAGMENTS), st.text(max_size=6)), max_size=60).map("".join)
date_st = st.one_of(st.none(), st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2030, 12, 31)))

DATE_PRECISIONS = {"day", "month", "quarter", "year", "year_range", "day_range"}
DATE_ROLES = {"published", "issued", "mentioned"}
SYSTEMS = {"party", "state"}
APPROX = {None, "trên", "hơn", "gần", "khoảng"}
SOLUTION_KINDS = {"solution", "measure", "limitation", "other"}
ENTITY_KINDS = {"organisation", "person"}
LEVELS = {None, "central", "province", "district", "commune", "grassroots"}


def exact_spans(text: str, rows: list[dict], table: str, optional: bool = False) -> None:
    """Every span indexes ``text`` and quotes it; the rows fit the table's schema."""
    for row in rows:
        if optional and row.get("start") is None:
            assert row.get("end") is None
            continue
        start, end = row["start"], row["end"]
        assert isinstance(start, int) and isinstance(end, int)
        assert 0 <= start <= end <= len(text), row
        assert text[start:end] == row["text"], row
    to_table(table, [{"article_id": "x", **row} for row in rows])  # raises SchemaError when a row does not fit


# ---- decode and normalise
@FUZZ
@given(st.binary(max_size=400), st.sampled_from([None, "utf-8", "windows-1258", "iso-8859-1", "bogus"]), st.booleans())
def test_decode_returns_text_or_decode_error(data, declared, html):
    try:
        text, charset = decode(data, declared, html=html)
    except DecodeError:
        return
    assert isinstance(text, str) and isinstance(charset, str)


@FUZZ
@given(text_st)
def test_normalize_is_nfc_and_idempotent(text):
    once = normalize(text)
    assert unicodedata.is_normalized("NFC", once)
    assert normalize(once) == once
    assert "\r" not in once


@FUZZ
@given(st.text(alphabet="aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ ĐẮÂÊÔƠƯ.,\n0123456789", max_size=300))
def test_legacy_repair_never_touches_unicode_vietnamese(text):
    assert legacy.repair(text) == text


@FUZZ
@given(st.text(max_size=300))
def test_legacy_repair_never_raises(text):
    assert isinstance(legacy.repair(text), str)


# ---- cleaners
def _check_cleaned(cleaned: Cleaned) -> None:
    assert isinstance(cleaned.text, str)
    assert cleaned.title is None or isinstance(cleaned.title, str)
    assert cleaned.published_date is None or isinstance(cleaned.published_date, dt.date)
    assert cleaned.views is None or (isinstance(cleaned.views, int) and cleaned.views >= 0)


@FUZZ
@given(html_st)
@example("<html><br>0\x1f")  # lxml refused control characters in a tail (found by this test)
def test_clean_page_html(html):
    _check_cleaned(clean_page(html, "html", "https://xa.example.vn/tin/1"))


@FUZZ
@given(text_st)
def test_clean_page_text_dump(text):
    _check_cleaned(clean_page(text, "txt"))
    _check_cleaned(clean_text_dump(text))


@FUZZ
@given(text_st, st.one_of(st.none(), st.text(max_size=30)))
def test_strip_residue(text, title):
    _check_cleaned(strip_residue(text, title=title))


# ---- extractors: the pure find_* functions the components wrap
@FUZZ
@given(nfc_st, date_st)
def test_find_doc_refs(text, published):
    rows = find_doc_refs(text, published)
    exact_spans(text, rows, "doc_refs")
    for row in rows:
        assert row["system"] in SYSTEMS, row
        assert row["year"] is None or 1900 <= row["year"] <= 2100, row


@FUZZ
@given(nfc_st, date_st)
def test_find_dates(text, published):
    refs = find_doc_refs(text, published)
    rows = find_dates(text, published, [(r["start"], r["end"]) for r in refs])
    exact_spans(text, rows, "dates", optional=True)
    for row in rows:
        assert row["precision"] in DATE_PRECISIONS and row["role"] in DATE_ROLES, row
        assert row["date"] is None or row["date_end"] is None or row["date"] <= row["date_end"], row


@FUZZ
@given(nfc_st)
def test_find_counts(text):
    rows = find_counts(text)
    exact_spans(text, rows, "counts")
    for row in rows:
        assert math.isfinite(row["value"]) and row["value"] >= 0, row
        assert row["approx"] in APPROX, row


@FUZZ
@given(nfc_st)
def test_find_solution_lists(text):
    rows = find_solution_lists(text)
    exact_spans(text, rows, "solutions")
    for row in rows:
        assert row["kind"] in SOLUTION_KINDS and row["item_index"] >= 0 and row["list_id"] >= 0, row


@FUZZ
@given(nfc_st, date_st)
def test_find_entities(text, published):
    entities = pytest.importorskip("pipeline.extract.entities")
    if not hasattr(entities, "find_entities"):
        pytest.skip("entities extractor not built yet")
    rows = entities.find_entities(text, published=published)
    exact_spans(text, rows, "entities")
    for row in rows:
        assert row["kind"] in ENTITY_KINDS and row["level"] in LEVELS, row
