"""The document catalogue: its form, and how a doc_refs mention is linked to one of its rows.

Every sentence here is invented; the catalogue rows are the real documents they cite.
"""
from __future__ import annotations

import collections
import datetime as dt
import json
import re

import pytest

from pipeline.extract.catalog import catalog
from pipeline.extract.doc_refs import doc_types, find_doc_refs, patterns

ROWS = catalog()
BY_ID = {r["catalog_id"]: r for r in ROWS}
PARTY_FOUNDED = "1930-02-03"
TERMS = {"VIII", "IX", "X", "XI", "XII", "XIII", "XIV"}
FIELDS_NAMED_WHEN_EMPTY = {"number": "number", "issued_date": "issued_date", "title": "title", "issuer": "issuer"}


def one(text, **kw):
    rows = find_doc_refs(text, **kw)
    assert len(rows) == 1, rows
    return rows[0]


def dmy(iso: str) -> str:
    d = dt.date.fromisoformat(iso)
    return f"{d.day}/{d.month}/{d.year}"


# --------------------------------------------------------------------------- form


def test_catalog_ids_are_unique_and_name_number_and_year():
    ids = [r["catalog_id"] for r in ROWS]
    assert len(ROWS) >= 70
    assert [i for i, n in collections.Counter(ids).items() if n > 1] == []
    for r in ROWS:
        base, _, year = r["catalog_id"].rpartition(":")
        assert re.fullmatch(r"(19|20)\d\d", year), r["catalog_id"]
        if r["canonical"]:
            assert base == r["canonical"], r["catalog_id"]
        if r["issued_date"]:
            assert r["issued_date"][:4] == year, r["catalog_id"]


@pytest.mark.parametrize("row", [r for r in ROWS if r["canonical"]], ids=lambda r: r["catalog_id"])
def test_canonical_parses_with_the_doc_refs_grammar(row):
    m = patterns().party.fullmatch(row["canonical"])
    assert m, row["canonical"]
    assert (m["type"], m["num"]) == (row["doc_type"], row["number"])
    found = one(f"Thực hiện văn bản số {row['canonical']}, chi bộ xây dựng kế hoạch.")
    assert (found["canonical"], found["system"], found["partial"]) == (row["canonical"], "party", False)


def test_type_code_and_name_are_in_the_type_table():
    known = {(t.code, t.name) for t in doc_types() if t.system == "party"}
    for r in ROWS:
        assert (r["doc_type"], r["doc_type_name"]) in known, r["catalog_id"]


@pytest.mark.parametrize("column", ["issued_date", "in_force_until"])
def test_dates_are_iso_days_in_range(column):
    today = dt.date.today().isoformat()
    for r in ROWS:
        if r[column]:
            assert dt.date.fromisoformat(r[column]).isoformat() == r[column], r["catalog_id"]
            assert PARTY_FOUNDED <= r[column] <= today, r["catalog_id"]
    for r in ROWS:
        if r["issued_date"] and r["in_force_until"]:
            assert r["issued_date"] < r["in_force_until"], r["catalog_id"]


def test_term_plenum_and_plenum_main_are_well_formed():
    for r in ROWS:
        assert r["term"] in TERMS, r["catalog_id"]
        assert r["plenum"] == "" or re.fullmatch(r"[1-9]\d?", r["plenum"]), r["catalog_id"]
        assert r["plenum_main"] in ("", "yes") and (r["plenum_main"] != "yes" or r["plenum"]), r["catalog_id"]
    mains = collections.Counter((r["term"], r["plenum"]) for r in ROWS if r["plenum_main"] == "yes")
    assert all(n == 1 for n in mains.values()), mains  # "Nghị quyết Trung ương N khóa K" names one document


def test_every_superseded_by_points_at_a_later_row():
    for r in ROWS:
        successor = r["superseded_by"]
        if not successor:
            assert not r["in_force_until"], r["catalog_id"]
            continue
        assert successor in BY_ID and successor != r["catalog_id"], r["catalog_id"]
        # in force until the successor was issued: the successor's date, empty when that is unknown
        assert r["in_force_until"] == BY_ID[successor]["issued_date"], r["catalog_id"]


def test_replacement_chains_end():
    for r in ROWS:
        seen, current = set(), r["catalog_id"]
        while current:
            assert current not in seen, f"cycle through {current}"
            seen.add(current)
            current = BY_ID[current]["superseded_by"]


def test_sources_are_urls_and_name_every_field_left_empty():
    for r in ROWS:
        assert re.match(r"https?://\S+\.\S+", r["source"]), r["catalog_id"]
        for column, name in FIELDS_NAMED_WHEN_EMPTY.items():
            if not r[column]:
                assert f"{name} unconfirmed" in r["source"], (r["catalog_id"], column)
        if r["superseded_by"] and not r["in_force_until"]:
            assert "in_force_until unknown" in r["source"], r["catalog_id"]


def test_a_number_not_confirmed_has_no_canonical():
    unconfirmed = [r for r in ROWS if "number unconfirmed" in r["source"]]
    assert unconfirmed
    for r in unconfirmed:
        assert (r["canonical"], r["number"]) == ("", ""), r["catalog_id"]


# --------------------------------------------------------------------------- unconfirmed facts stay out of doc_refs


@pytest.mark.parametrize("row", [r for r in ROWS if not r["canonical"]], ids=lambda r: r["catalog_id"])
def test_a_row_without_confirmed_number_is_never_linked(row):
    # the number its id carries is what the row was once believed to have; a mention of it stays unlinked
    guessed = row["catalog_id"].rpartition(":")[0]
    day = row["issued_date"] or f"{row['catalog_id'][-4:]}-12-31"
    for text in (f"Quán triệt văn bản số {guessed} trong chi bộ.",
                 f"Quán triệt {row['doc_type_name']} {guessed.split('-')[0]} trong chi bộ."):
        for published in (None, dt.date.fromisoformat(day) + dt.timedelta(days=400)):
            ref = one(text, published=published)
            assert ref["catalog_id"] != row["catalog_id"], text


def test_a_title_not_confirmed_is_not_attached():
    rows = [r for r in ROWS if "title unconfirmed" in r["source"]]
    assert rows
    for r in rows:
        ref = one(f"Quán triệt văn bản số {r['canonical']} ngày {dmy(r['issued_date'])}.")
        assert ref["catalog_id"] == r["catalog_id"] and ref["catalog_title"] is None


# --------------------------------------------------------------------------- same number, other document

# (canonical, earlier catalog_id, later catalog_id): numbering restarts with each congress term
PAIRS = [
    ("18-NQ/TW", "18-NQ/TW:2017", "18-NQ/TW:2022"),
    ("19-NQ/TW", "19-NQ/TW:2017", "19-NQ/TW:2022"),
    ("21-NQ/TW", "21-NQ/TW:2017", "21-NQ/TW:2022"),
    ("27-NQ/TW", "27-NQ/TW:2018", "27-NQ/TW:2022"),
    ("22-NQ/TW", "22-NQ/TW:2008", "22-NQ/TW:2013"),
    ("124-QĐ/TW", "124-QĐ/TW:2018", "124-QĐ/TW:2023"),
    ("35-CT/TW", "35-CT/TW:2019", "35-CT/TW:2024"),
    ("01-HD/TW", "01-HD/TW:2016", "01-HD/TW:2021"),
]


def test_the_pairs_are_every_shared_number():
    shared = collections.Counter(r["canonical"] for r in ROWS if r["canonical"])
    assert {c for c, n in shared.items() if n > 1} == {p[0] for p in PAIRS}


@pytest.mark.parametrize("canonical,earlier,later", PAIRS)
def test_the_printed_issue_date_picks_the_document(canonical, earlier, later):
    late_article = dt.date(2026, 1, 5)
    for cid in (earlier, later):
        day = dmy(BY_ID[cid]["issued_date"])
        for text in (f"Đảng ủy phường tổ chức học tập văn bản số {canonical} ngày {day} đến toàn thể đảng viên.",
                     f"Chi bộ thôn bám sát {BY_ID[cid]['doc_type_name']} số {canonical}, ngày {day}."):
            for published in (None, late_article):
                assert one(text, published=published)["catalog_id"] == cid, (text, published)


@pytest.mark.parametrize("canonical,earlier,later", PAIRS)
def test_the_article_date_picks_the_only_document_issued_by_then(canonical, earlier, later):
    between = dt.date.fromisoformat(BY_ID[later]["issued_date"]) - dt.timedelta(days=1)
    text = f"Ban Thường vụ Huyện ủy kiểm tra việc thực hiện văn bản số {canonical} tại các chi bộ."
    assert one(text, published=between)["catalog_id"] == earlier
    assert one(text)["catalog_id"] is None  # no date at all: both are possible
    number = canonical.split("-")[0]
    name = BY_ID[earlier]["doc_type_name"]
    partial = one(f"Xã đoàn tiếp tục quán triệt {name} {number} trong đoàn viên.", published=between)
    assert (partial["partial"], partial["catalog_id"]) == (True, earlier)


@pytest.mark.parametrize("canonical,earlier,later", [p for p in PAIRS if not BY_ID[p[1]]["in_force_until"]])
def test_two_documents_in_force_leave_the_link_empty(canonical, earlier, later):
    after_both = dt.date.fromisoformat(BY_ID[later]["issued_date"]) + dt.timedelta(days=30)
    text = f"Ban Thường vụ Huyện ủy kiểm tra việc thực hiện văn bản số {canonical} tại các chi bộ."
    assert one(text, published=after_both)["catalog_id"] is None  # the earlier one was never replaced


def test_the_number_names_the_later_document_once_the_earlier_was_replaced():
    # 01-HD/TW (2016) was replaced by 01-HD/TW (2021): from then on the number means the 2021 guidance
    text = "Đảng ủy xã hướng dẫn các chi bộ thực hiện văn bản số 01-HD/TW về thi hành Điều lệ Đảng."
    assert one(text, published=dt.date(2021, 9, 27))["catalog_id"] == "01-HD/TW:2016"
    assert one(text, published=dt.date(2021, 9, 28))["catalog_id"] == "01-HD/TW:2021"
    assert one(text, published=dt.date(2025, 8, 1))["catalog_id"] == "01-HD/TW:2021"  # itself replaced since 6/2025


def test_the_printed_term_or_plenum_picks_the_document():
    assert one("Tỉnh ủy quán triệt Nghị quyết 18-NQ/TW khóa XIII về đất đai.")["catalog_id"] == "18-NQ/TW:2022"
    ref = one("Thành ủy sơ kết Nghị quyết số 18 của Hội nghị Trung ương 6 khóa XII về sắp xếp bộ máy.")
    assert ref["catalog_id"] == "18-NQ/TW:2017"


BODIES = [
    # text, catalog_id: 124-QĐ/TW of 2018 is the Secretariat's, that of 2023 the Politburo's
    ("Chi bộ kiểm điểm cuối năm theo Quy định số 124-QĐ/TW của Bộ Chính trị.", "124-QĐ/TW:2023"),
    ("Mặt trận xã giám sát cán bộ theo Quy định 124-QĐ/TW của Ban Bí thư Trung ương Đảng.", "124-QĐ/TW:2018"),
    ("Chi bộ kiểm điểm theo Quy định 124 của Bộ Chính trị.", "124-QĐ/TW:2023"),
    ("Chi bộ kiểm điểm theo Quy định số 124-QĐ/TW của Ban Chấp hành Trung ương.", None),  # issued neither
    ("Chi bộ kiểm điểm theo Quy định số 124-QĐ/TW của Tỉnh ủy.", None),
    ("Đảng bộ quán triệt Nghị quyết số 18-NQ/TW của Ban Chấp hành Trung ương.", None),  # both are its
]


@pytest.mark.parametrize("text,catalog_id", BODIES)
def test_the_printed_body_picks_between_two_documents_in_force(text, catalog_id):
    assert one(text, published=dt.date(2024, 6, 3))["catalog_id"] == catalog_id


def test_a_body_printed_wrong_does_not_unlink_the_only_document():
    # in 2019 only the 2018 regulation exists: a page naming the Politburo still cites it
    ref = one("Mặt trận giám sát theo Quy định số 124-QĐ/TW của Bộ Chính trị.", published=dt.date(2019, 1, 15))
    assert ref["catalog_id"] == "124-QĐ/TW:2018"


def test_an_issue_date_that_fits_no_document_links_none():
    assert one("theo văn bản số 124-QĐ/TW ngày 3/3/2020", published=dt.date(2020, 5, 1))["catalog_id"] is None


# --------------------------------------------------------------------------- Quy định or Quyết định

TYPE_NAMES = [
    # text, doc_type_name: the words printed before the number, else the catalogue's, else undecided
    ("Chi bộ học tập Quy định số 213-QĐ/TW của Bộ Chính trị.", "Quy định"),
    ("Tỉnh ủy ban hành Quyết định số 1095-QĐ/TU về thành lập đoàn kiểm tra.", "Quyết định"),
    ("Đảng viên thực hiện nghiêm 213-QĐ/TW về giữ mối liên hệ nơi cư trú.", "Quy định"),
    ("theo 66-QĐ/TW của Ban Chấp hành Trung ương", "Quyết định"),
    ("căn cứ 1095-QĐ/TU của Tỉnh ủy", None),
    ("thực hiện văn bản 999-QĐ/TW", None),
    ("Quyết định số 213-QĐ/TW", "Quyết định"),  # what is printed wins over the catalogue
    ("Quy định 07-QĐi/TW của Bộ Chính trị", "Quy định"),
    ("Chỉ thị số 888-CT/TU", "Chỉ thị"),
]


@pytest.mark.parametrize("text,name", TYPE_NAMES)
def test_the_type_name_of_an_ambiguous_code(text, name):
    assert one(text)["doc_type_name"] == name


def test_a_state_decision_keeps_its_one_name():
    assert one("theo 12/QĐ-UBND của Ủy ban nhân dân tỉnh")["doc_type_name"] == "Quyết định"


# --------------------------------------------------------------------------- what replaced what, in doc_refs


def test_the_replacement_is_carried_into_the_row():
    ref = one("Chi bộ kiểm điểm theo Quy định số 102-QĐ/TW về xử lý kỷ luật.", published=dt.date(2023, 3, 1))
    assert (ref["catalog_id"], ref["superseded_by"], ref["in_force_until"]) == (
        "102-QĐ/TW:2017", "69-QĐ/TW:2022", dt.date(2022, 7, 6))
    current = one("Chi bộ kiểm điểm theo Quy định số 69-QĐ/TW.")
    assert (current["catalog_id"], current["superseded_by"], current["in_force_until"]) == ("69-QĐ/TW:2022", None, None)
    unlinked = one("theo Kế hoạch số 45-KH/TU của Tỉnh ủy")
    assert (unlinked["catalog_id"], unlinked["superseded_by"], unlinked["in_force_until"]) == (None, None, None)


def test_rows_fit_the_doc_refs_table():
    from pipeline.store import to_table

    rows = find_doc_refs("Quy định số 102-QĐ/TW và Chỉ thị 10 của Ban Bí thư", published=dt.date(2024, 1, 2))
    table = to_table("doc_refs", [{"article_id": "x", **r} for r in rows])
    assert table.column("superseded_by").to_pylist() == ["69-QĐ/TW:2022", "50-CT/TW:2025"]
    assert table.column("in_force_until").to_pylist() == [dt.date(2022, 7, 6), dt.date(2025, 7, 23)]


# --------------------------------------------------------------------------- saved query

ARTICLES = {
    # article_id: (published, text)
    "old": (dt.date(2022, 8, 1), "Đảng ủy xã tổ chức kiểm điểm theo Quy định số 102-QĐ/TW về xử lý kỷ luật đảng viên."),
    "early": (dt.date(2021, 3, 4), "Chi bộ thực hiện nghiêm Quy định số 102-QĐ/TW và Chỉ thị 10 của Ban Bí thư."),
    "new": (dt.date(2024, 5, 6), "Chi bộ học tập Quy định số 69-QĐ/TW; trước đó là Quy định số 102-QĐ/TW và "
                                 "Quy định số 102-QĐ/TW ngày 15/11/2017."),
    "none": (dt.date(2024, 5, 7), "Huyện ủy ban hành Kế hoạch số 45-KH/HU về công tác cán bộ."),
}


def _dataset(out):
    from pipeline.store import write_table

    articles, refs = [], []
    for aid, (published, text) in ARTICLES.items():
        articles.append({"article_id": aid, "source": f"{aid}.txt", "text": text, "content_hash": aid,
                         "pipeline_version": "test", "published_date": published, "title": f"Bài {aid}"})
        refs += [{"article_id": aid, **r} for r in find_doc_refs(text, published=published)]
    write_table(out / "articles.parquet", "articles", articles)
    write_table(out / "doc_refs.parquet", "doc_refs", refs)
    return out


def test_saved_query_lists_citations_of_replaced_documents(tmp_path, capsys):
    from pipeline.query import run_query

    assert run_query("citations_of_replaced_documents", _dataset(tmp_path), "json", None) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["article_id"], r["catalog_id"], r["superseded_by"], r["in_force_until"], r["mentions"]) for r in rows] == [
        ("old", "102-QĐ/TW:2017", "69-QĐ/TW:2022", "2022-07-06", 1),
        ("new", "102-QĐ/TW:2017", "69-QĐ/TW:2022", "2022-07-06", 2),
    ]  # "early" cites both before they were replaced; 69-QĐ/TW and the plan are not replaced
