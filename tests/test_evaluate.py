"""The evaluation harness: hand-made gold and Parquet datasets in tmp_path."""
from __future__ import annotations

import io
import json
import os
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline import schema
from pipeline.evaluate import (
    Score,
    evaluate,
    load_gold,
    match_article,
    norm,
    norm_marker,
    run_eval,
)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("SHARED_DIR", REPO / ".." / "shared"))

TEXT = (
    "Thực hiện Nghị quyết số 15-NQ/TU ngày 10/3/2023 của Tỉnh ủy, Đảng bộ xã Hòa Bình "
    "đã kết nạp 12 đảng viên mới.\n"
    "Năm 2023, 100% chi bộ hoàn thành tốt nhiệm vụ. Chỉ thị 05 được quán triệt.\n"
    "Để nâng cao chất lượng sinh hoạt, chi bộ đề ra giải pháp.\n"
    "Thứ nhất, tăng cường công tác giáo dục chính trị tư tưởng.\n"
    "Thứ hai, đổi mới nội dung sinh hoạt chi bộ cho thiết thực./."
)

GOLD = {
    "doc": "xa_hoa_binh.txt",
    "title": "Đảng bộ xã Hòa Bình nâng cao chất lượng sinh hoạt",
    "published_date": "2023-05-02",
    "author": "Minh Khuê",
    "body_first_words": "Thực hiện Nghị quyết số 15-NQ/TU",
    "body_last_words": "sinh hoạt chi bộ cho thiết thực./.",
    "boilerplate": ["Lượt truy cập: 1.234", "TIN KHÁC"],
    "doc_refs": [{"canonical": "15-NQ/TU", "type": "NQ", "number": "15", "issuer": "TU",
                  "issued_date": "2023-03-10", "mentions": 1}],
    "partial_refs": [{"type": "CT", "number": "05", "text": "Chỉ thị 05"}],
    "dates": [{"value": "2023-03-10", "precision": "day"}, {"value": "2023", "precision": "year"}],
    "counts": [
        {"value": 12, "unit": "đảng viên", "qualifier": "kết nạp mới"},
        {"value": 100, "unit": "chi bộ", "qualifier": "hoàn thành tốt nhiệm vụ", "percent": True},
    ],
    "solution_lists": [{"kind": "solution", "lead": "Để nâng cao chất lượng sinh hoạt", "items": [
        {"marker": "Thứ nhất", "starts_with": "tăng cường công tác giáo dục"},
        {"marker": "Thứ hai", "starts_with": "đổi mới nội dung sinh hoạt"},
    ]}],
    "topics": ["sinh_hoat_chi_bo", "dang_vien"],
    "genre": "tin",
    "province": "Thanh Hoá",
}


def perfect_tables(gold: list[dict], text_of=lambda g: TEXT) -> dict[str, list[dict]]:
    """The dataset a perfect pipeline would write for these gold pages."""
    t: dict[str, list[dict]] = {name: [] for name in schema.TABLES}
    for n, g in enumerate(gold):
        aid = f"a{n}"
        pd = g.get("published_date")
        t["articles"].append({
            "article_id": aid, "source": f"/tmp/pages/{g['doc']}" + ("#<urn:uuid:1>" if g.get("url") else ""),
            "url": g.get("url"), "title": g.get("title"), "author": g.get("author"),
            "published_date": date.fromisoformat(pd) if pd else None, "province": g.get("province"),
            "text": text_of(g), "topic": (g.get("topics") or [None])[0], "topics": g.get("topics"),
            "genre": g.get("genre"),
        })
        for r in g.get("doc_refs") or []:
            d = r.get("issued_date")
            for _ in range(r.get("mentions") or 1):
                t["doc_refs"].append({"article_id": aid, "canonical": r["canonical"], "doc_type": r["type"],
                                      "number": r["number"], "partial": False,
                                      "issued_date": date.fromisoformat(d) if d else None})
        for r in g.get("partial_refs") or []:
            t["doc_refs"].append({"article_id": aid, "doc_type": r["type"], "number": r.get("number"),
                                  "plenum": r.get("plenum"), "partial": True, "text": r.get("text")})
        for d in g.get("dates") or []:
            t["dates"].append({"article_id": aid, "value": d["value"], "precision": d["precision"],
                               "role": "mentioned"})
        for c in g.get("counts") or []:
            t["counts"].append({"article_id": aid, "value": float(c["value"]), "unit": c["unit"],
                                "qualifier": c.get("qualifier"), "percent": bool(c.get("percent"))})
        for lid, sl in enumerate(g.get("solution_lists") or []):
            for i, it in enumerate(sl["items"]):
                t["solutions"].append({"article_id": aid, "list_id": lid, "kind": sl["kind"], "unmarked": False,
                                       "item_index": i, "marker": it["marker"],
                                       "text": f"{it['marker']}, {it['starts_with']} và các việc khác."})
    return t


def write_dataset(folder: Path, tables: dict[str, list[dict]]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, sch in schema.TABLES.items():
        pq.write_table(pa.Table.from_pylist(tables.get(name, []), schema=sch), folder / f"{name}.parquet")
    return folder


def write_gold(folder: Path, *golds: dict) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for g in golds:
        (folder / (Path(g["doc"]).stem + ".json")).write_text(json.dumps(g, ensure_ascii=False), "utf-8")
    return folder


def run(tmp_path, tables, gold=(GOLD,), floors=None, **kw):
    gdir = write_gold(tmp_path / "gold", *gold)
    pred = write_dataset(tmp_path / "pred", tables)
    fl = None
    if floors is not None:
        fl = tmp_path / "floors.json"
        fl.write_text(json.dumps(floors))
    out, jp = io.StringIO(), tmp_path / "report.json"
    rc = run_eval(gdir, pred_dir=pred, json_path=jp, floors_path=fl, out=out, **kw)
    return rc, out.getvalue(), json.loads(jp.read_text("utf-8"))


# ----------------------------------------------------------------------------- normalisation

@pytest.mark.parametrize("a, b", [
    ("Thanh Hoá", "Thanh Hóa"),
    ("THANH HOÁ", "thanh hóa"),
    ("Trần Thị Thuỷ", "Trần Thị Thủy"),
    ("Thanh  Hóa\n", " Thanh Hóa"),
    ("Tha\u0300nh", "Thành"),  # decomposed (NFD) accent
    ("khoẻ mạnh", "khỏe mạnh"),
])
def test_norm_equal(a, b):
    assert norm(a) == norm(b)


@pytest.mark.parametrize("a, b", [
    ("Thanh Hóa", "Thanh Hòa"),
    ("Hà Nam", "Hà Nội"),
    ("QĐi", "QĐ"),
])
def test_norm_different(a, b):
    assert norm(a, fold=False) != norm(b, fold=False)


def test_norm_keeps_punctuation_and_none():
    assert norm("“Một là”, 35,34%", fold=False) == "“Một là”, 35,34%"
    assert norm(None) is None
    assert norm(date(2023, 1, 2)) == "2023-01-02"


@pytest.mark.parametrize("marker, want", [("Thứ nhất,", "thứ nhất"), ("1.", "1"), ("-", "-"), ("a)", "a"),
                                          ("Một là:", "một là")])
def test_norm_marker(marker, want):
    assert norm_marker(marker) == want


# ----------------------------------------------------------------------------- scores

def test_score_conventions():
    s = Score("x")
    assert (s.precision, s.recall, s.f1) == (1.0, 1.0, 1.0)  # nothing expected, nothing produced
    s.fn = 2
    assert (s.precision, s.recall, s.f1) == (1.0, 0.0, 0.0)
    s.tp, s.fp, s.fn = 3, 1, 1
    assert s.precision == s.recall == s.f1 == 0.75


def test_perfect_prediction_scores_one(tmp_path):
    rc, text, data = run(tmp_path, perfect_tables([GOLD]))
    assert rc == 0
    for name, f in data["fields"].items():
        assert f.get("f1", 1.0) == 1.0, name
        assert f.get("accuracy", 1.0) == 1.0, name
    assert data["issues"] == []
    assert data["fields"]["doc_refs"]["tp"] == 1
    assert data["fields"]["boilerplate"]["tp"] == 2
    assert data["fields"]["solution_items"]["tp"] == 2
    assert data["fields"]["counts_qualifier"]["correct"] == 2
    assert "title" in text and "F1" in text


def test_tone_placement_and_case_do_not_matter(tmp_path):
    t = perfect_tables([GOLD])
    t["articles"][0]["province"] = "Thanh Hóa"
    t["articles"][0]["title"] = "Đảng bộ xã  Hoà Bình nâng cao chất lượng sinh hoạt"
    rc, _, data = run(tmp_path, t)
    assert data["fields"]["province"]["tp"] == 1
    assert data["fields"]["title"]["tp"] == 1


def test_single_field_errors(tmp_path):
    gold2 = dict(GOLD, doc="khong_tac_gia.txt", author=None, province=None)
    t = perfect_tables([GOLD, gold2])
    t["articles"][0]["author"] = "Minh Hằng"  # wrong value: FP and FN
    t["articles"][0]["published_date"] = None  # missed: FN
    t["articles"][1]["province"] = "Nghệ An"  # gold null, pred set: FP
    rc, text, data = run(tmp_path, t, gold=(GOLD, gold2))
    a = data["fields"]["author"]
    assert (a["tp"], a["fp"], a["fn"]) == (0, 1, 1)
    assert a["accuracy"] == 0.5  # the second article: null == null is right
    p = data["fields"]["published_date"]
    assert (p["tp"], p["fn"]) == (1, 1)
    pr = data["fields"]["province"]
    assert (pr["tp"], pr["fp"], pr["fn"]) == (1, 1, 0)
    kinds = {(i["field"], i["kind"]) for i in data["issues"]}
    assert {("author", "wrong"), ("published_date", "miss"), ("province", "false_positive")} <= kinds
    assert "WRONG author: gold Minh Khuê | pred Minh Hằng" in text


def test_body_boundaries_and_boilerplate(tmp_path):
    t = perfect_tables([GOLD])
    t["articles"][0]["text"] = "TIN KHÁC\n" + TEXT.replace("./.", "") + "\nLượt truy cập: 1.234"
    rc, text, data = run(tmp_path, t)
    f, last, bp = (data["fields"][k] for k in ("body_first_words", "body_last_words", "boilerplate"))
    assert (f["tp"], f["fp"], f["fn"]) == (0, 1, 1)
    assert (last["tp"], last["fp"], last["fn"]) == (0, 1, 1)
    assert (bp["tp"], bp["fn"]) == (0, 2)
    assert "MISS  boilerplate: TIN KHÁC  (still in the text)" in text


def test_body_last_words_tolerate_trailing_mark(tmp_path):
    t = perfect_tables([GOLD])
    t["articles"][0]["text"] = TEXT[: -len("./.")] + "."
    _, _, data = run(tmp_path, t)
    assert data["fields"]["body_last_words"]["tp"] == 1


def test_doc_refs(tmp_path):
    t = perfect_tables([GOLD])
    refs = t["doc_refs"]
    refs[0]["issued_date"] = date(2023, 3, 11)  # wrong date: canonical still found
    refs.append({"article_id": "a0", "canonical": "15-NQ/TU", "partial": False, "issued_date": None})
    refs.append({"article_id": "a0", "canonical": "07/KH-UBND", "partial": False})  # FP
    refs.append({"article_id": "a0", "doc_type": "NQ", "number": "18", "partial": True})  # FP partial
    _, text, data = run(tmp_path, t)
    d, c, m, p = (data["fields"][k] for k in ("doc_refs", "doc_refs_canonical", "doc_refs_mentions",
                                               "partial_refs"))
    assert (d["tp"], d["fp"], d["fn"]) == (0, 2, 1)
    assert (c["tp"], c["fp"], c["fn"]) == (1, 1, 0)
    assert (m["correct"], m["judged"]) == (0, 1)  # two rows, gold says one mention
    assert (p["tp"], p["fp"], p["fn"]) == (1, 1, 0)
    assert "07/KH-UBND" in text


def test_partial_ref_by_plenum(tmp_path):
    g = dict(GOLD, partial_refs=[{"type": "NQ", "number": None, "plenum": "4", "text": "Nghị quyết Trung ương 4"}])
    t = perfect_tables([g])
    _, _, data = run(tmp_path, t, gold=(g,))
    assert data["fields"]["partial_refs"]["tp"] == 1
    t["doc_refs"][-1]["plenum"] = "5"
    _, _, data = run(tmp_path, t, gold=(g,))
    assert data["fields"]["partial_refs"]["fn"] == 1


def test_dates_ignore_published_and_duplicates(tmp_path):
    t = perfect_tables([GOLD])
    t["dates"].append({"article_id": "a0", "value": "2023-05-02", "precision": "day", "role": "published"})
    t["dates"].append({"article_id": "a0", "value": "2023", "precision": "year", "role": "mentioned"})
    t["dates"].append({"article_id": "a0", "value": "2023-03", "precision": "month", "role": "mentioned"})
    _, _, data = run(tmp_path, t)
    d = data["fields"]["dates"]
    assert (d["tp"], d["fp"], d["fn"]) == (2, 1, 0)


def test_counts_multiset_and_qualifier(tmp_path):
    t = perfect_tables([GOLD])
    t["counts"][0]["qualifier"] = None  # value right, qualifier not
    t["counts"][1]["percent"] = False  # 100 chi bộ, not 100 %: FP + FN
    t["counts"].append(dict(t["counts"][0]))  # a duplicate: FP in a multiset
    _, text, data = run(tmp_path, t)
    c, q = data["fields"]["counts"], data["fields"]["counts_qualifier"]
    assert (c["tp"], c["fp"], c["fn"]) == (1, 2, 1)
    assert (q["correct"], q["judged"]) == (0, 1)
    assert "MISS  counts: 100% chi bộ [hoàn thành tốt nhiệm vụ]" in text


def test_solutions(tmp_path):
    t = perfect_tables([GOLD])
    t["solutions"][1]["text"] = "Thứ hai, tiếp tục quan tâm công tác phát triển đảng viên."  # wrong start
    t["solutions"][0]["kind"] = "measure"
    t["solutions"].append({"article_id": "a0", "list_id": 7, "kind": "other", "unmarked": True,
                           "item_index": 0, "marker": None, "text": "Một câu không đánh dấu."})  # ignored
    _, _, data = run(tmp_path, t)
    i, lists, kind = (data["fields"][k] for k in ("solution_items", "solution_lists", "solution_kind"))
    assert (i["tp"], i["fp"], i["fn"]) == (1, 1, 1)
    assert (lists["tp"], lists["fp"], lists["fn"]) == (1, 0, 0)
    assert (kind["correct"], kind["judged"]) == (0, 1)


def test_solution_item_text_without_marker(tmp_path):
    t = perfect_tables([GOLD])
    for r in t["solutions"]:
        r["text"] = r["text"].split(", ", 1)[1]
        r["marker"] = r["marker"] + ","
    _, _, data = run(tmp_path, t)
    assert data["fields"]["solution_items"]["tp"] == 2


def test_classification_skipped_when_absent(tmp_path):
    t = perfect_tables([GOLD])
    for a in t["articles"]:
        a["topic"] = a["topics"] = a["genre"] = None
    _, text, data = run(tmp_path, t)
    assert set(data["not_scored"]) == {"topic", "topics", "genre"}
    assert "topic" not in data["fields"]
    assert "not scored" in text


def test_missing_article_counts_every_item_as_miss(tmp_path):
    other = dict(GOLD, doc="khac.txt")
    t = perfect_tables([other])  # the dataset holds another page only
    t["errors"].append({"source": "/tmp/pages/xa_hoa_binh.txt", "stage": "clean", "error": "no main text"})
    rc, text, data = run(tmp_path, t, gold=(GOLD,))
    assert data["articles"] == {"xa_hoa_binh.txt": None}
    assert data["fields"]["boilerplate"]["fn"] == 2
    assert data["fields"]["doc_refs"]["fn"] == 1
    assert data["fields"]["title"]["fn"] == 1
    assert "no main text" in text
    assert data["errors"][0]["stage"] == "clean"


def test_match_article_by_source_and_url():
    arts = [
        {"source": "data/raw/trang.warc.gz#<urn:uuid:a>", "url": "https://x.vn/a"},
        {"source": "data/raw/trang.warc.gz#<urn:uuid:b>", "url": "https://x.vn/b/"},
        {"source": "/abs/data/raw/bai.html", "url": None},
    ]
    assert match_article({"doc": "trang.warc.gz", "url": "https://x.vn/b"}, arts) is arts[1]
    assert match_article({"doc": "bai.html"}, arts) is arts[2]
    assert match_article({"doc": "raw/bai.html"}, arts) is arts[2]
    assert match_article({"doc": "ai.html"}, arts) is None
    assert match_article({"doc": "trang.warc.gz", "url": "https://x.vn/c"}, arts) is None
    assert match_article({"doc": "bai.html", "url": "https://x.vn/bai"}, arts) is arts[2]  # one page, one article


def test_floors(tmp_path):
    t = perfect_tables([GOLD])
    t["dates"] = []
    rc, text, data = run(tmp_path, t, floors={"_comment": "x", "dates": 0.5, "title": 1.0,
                                              "counts_qualifier": 1.0})
    assert rc == 1
    assert data["floors"]["failures"] == ["dates: 0.000 < floor 0.500"]
    assert "Below floor" in text
    rc, _, _ = run(tmp_path, t, floors={"title": 1.0, "dates": 0.0})
    assert rc == 0


def test_floor_on_unscored_field_fails(tmp_path):
    t = perfect_tables([GOLD])
    for a in t["articles"]:
        a["genre"] = None
    rc, _, data = run(tmp_path, t, floors={"genre": 0.5})
    assert rc == 1 and data["floors"]["failures"] == ["genre: not scored (floor 0.5)"]


def test_field_filter(tmp_path):
    t = perfect_tables([GOLD])
    t["dates"] = []
    rc, _, data = run(tmp_path, t, floors={"dates": 0.5}, fields=["counts"])
    assert rc == 0
    assert set(data["fields"]) == {"counts", "counts_qualifier"}


def test_empty_gold_dir(tmp_path):
    (tmp_path / "g").mkdir()
    assert run_eval(tmp_path / "g", pred_dir=tmp_path, out=io.StringIO()) == 2


def test_load_gold_skips_floors(tmp_path):
    d = write_gold(tmp_path, GOLD)
    (d / "floors.json").write_text('{"title": 0.5}')
    assert [g["doc"] for g in load_gold(d)] == ["xa_hoa_binh.txt"]


def test_evaluate_without_files():
    report = evaluate([GOLD], perfect_tables([GOLD]))
    assert report.scores["counts"].f1 == 1.0


# ----------------------------------------------------------------------------- shared gold

def test_shared_gold_scores_itself():
    """Every shared gold file, turned into a perfect dataset, scores 1.0: the gold parses."""
    if not (SHARED / "gold").is_dir():
        pytest.skip("shared gold not present")
    gold = load_gold(SHARED / "gold")
    texts = {g["doc"]: " ".join([g["body_first_words"], g["body_last_words"]]) for g in gold}
    report = evaluate(gold, perfect_tables(gold, text_of=lambda g: texts[g["doc"]]))
    bad = {n: s.as_dict() for n, s in report.scores.items() if (s.headline or 1.0) < 1.0}
    assert not bad


def _extract_or_skip():
    try:
        from pipeline.run import extract  # noqa: F401
    except (ImportError, AttributeError):
        pytest.skip("pipeline.run.extract not written yet")


@pytest.mark.slow
def test_shared_gold_end_to_end(tmp_path):
    if not (SHARED / "gold").is_dir() or not (SHARED / "seeds").is_dir():
        pytest.skip("shared gold not present")
    _extract_or_skip()
    out = io.StringIO()
    rc = run_eval(SHARED / "gold", SHARED / "seeds", json_path=tmp_path / "r.json", out=out)
    data = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert rc == 0
    assert sum(1 for v in data["articles"].values() if v) == len(data["articles"])


@pytest.mark.slow
def test_repo_gold_meets_floors(tmp_path):
    gold_dir = REPO / "tests" / "gold"
    if not gold_dir.is_dir() or not load_gold(gold_dir):
        pytest.skip("no repo gold yet")
    _extract_or_skip()
    floors = gold_dir / "floors.json"
    out = io.StringIO()
    rc = run_eval(gold_dir, REPO / "data" / "raw", floors_path=floors if floors.exists() else None, out=out)
    assert rc == 0, out.getvalue()


def test_undefined_precision_is_null(tmp_path):
    t = perfect_tables([GOLD])
    t["counts"] = []
    _, text, data = run(tmp_path, t)
    c = data["fields"]["counts"]
    assert c["precision"] is None and c["recall"] == 0.0 and c["f1"] == 0.0
    assert any(line.split("│")[1].strip() == "counts" and "-" in line for line in text.splitlines()
               if "│" in line)


def test_sparse_rows_do_not_raise(tmp_path):
    """Rows full of nulls (a component that fills few columns) are scored, never fatal."""
    t = {name: [] for name in schema.TABLES}
    t["articles"] = [{"article_id": "a0", "source": "x/xa_hoa_binh.txt"}, {"article_id": "a1"}]
    for table in ("doc_refs", "dates", "counts", "solutions"):
        t[table] = [{"article_id": "a0"}, {"article_id": None}]
    rc, text, data = run(tmp_path, t)
    assert rc == 0
    assert data["articles"] == {"xa_hoa_binh.txt": "x/xa_hoa_binh.txt"}
    assert data["fields"]["counts"]["fp"] == 1
    assert data["fields"]["solution_items"]["fp"] == 1


@pytest.mark.parametrize("gold, pred, ok", [
    ("kết nạp mới", "kết nạp mới", True),
    ("được kiểm tra", "kiểm tra", True),
    ("Hoàn thành tốt nhiệm vụ", "hoàn thành tốt nhiệm vụ.", True),
    (None, None, True),
    (None, "kết nạp mới", False),
    ("dưới 30 tuổi", None, False),
    ("thi hành kỷ luật", "bị kỷ luật", False),
    ("tra", "kiểm tra", True),  # whole syllables: "tra" is one
    ("ra", "kiểm tra", False),
])
def test_qualifier_agrees(gold, pred, ok):
    from pipeline.evaluate import qualifier_agrees
    assert qualifier_agrees(gold, pred) is ok


def test_warc_record_label(tmp_path):
    g = dict(GOLD, doc="trang.warc.gz", url="https://x.vn/bai-1")
    _, text, data = run(tmp_path, perfect_tables([g]), gold=(g,))
    assert data["articles"] == {"trang.warc.gz [https://x.vn/bai-1]": "/tmp/pages/trang.warc.gz#<urn:uuid:1>"}


# ----------------------------------------------------------------------------- entities

ENTITY_GOLD = {
    "organisations": [
        {"text": "Đảng bộ xã Hòa Bình", "org_type": "party_organisation", "level": "commune"},
        {"text": "Tỉnh ủy", "org_type": "party_committee", "level": "province"},
    ],
    "officials": [{"text": "đồng chí Lê Thị Hoa, Bí thư Đảng ủy xã", "name": "Lê Thị Hoa",
                   "titles": ["Bí thư Đảng ủy xã"]}],
}


def test_entities_scored_only_with_an_entity_gold(tmp_path):
    gdir = write_gold(tmp_path / "gold", GOLD)
    (gdir / "entities").mkdir()
    (gdir / "entities" / "xa_hoa_binh.json").write_text(json.dumps(ENTITY_GOLD, ensure_ascii=False), "utf-8")
    t = perfect_tables([GOLD])
    t["entities"] = [
        {"article_id": "a0", "entity_id": 0, "kind": "organisation", "text": "Đảng bộ xã Hoà Bình",
         "org_type": "party_organisation", "level": "district"},  # tone placement ignored, level wrong
        {"article_id": "a0", "entity_id": 1, "kind": "organisation", "text": "Chi bộ 3",
         "org_type": "party_cell", "level": "grassroots"},  # not in gold: FP
        {"article_id": "a0", "entity_id": 2, "kind": "person", "text": "Lê Thị Hoa", "name": "Lê Thị Hoa",
         "titles": ["Bí thư Đảng ủy xã"]},
    ]
    pred = write_dataset(tmp_path / "pred", t)
    out, jp = io.StringIO(), tmp_path / "r.json"
    run_eval(gdir, pred_dir=pred, json_path=jp, out=out)
    f = json.loads(jp.read_text("utf-8"))["fields"]
    assert (f["organisations"]["tp"], f["organisations"]["fp"], f["organisations"]["fn"]) == (1, 1, 1)
    assert (f["org_level"]["correct"], f["org_level"]["judged"]) == (0, 1)
    assert (f["org_type"]["correct"], f["org_type"]["judged"]) == (1, 1)
    assert f["officials"]["f1"] == 1.0 and f["official_titles"]["correct"] == 1
    assert "MISS  organisations: Tỉnh ủy" in out.getvalue()
    # without entity gold the fields are not printed at all
    _, text, data = run(tmp_path / "plain", t)
    assert "organisations" not in data["fields"] and "organisations" not in text


def test_a_qualifier_agrees_across_punctuation():
    from pipeline.evaluate import qualifier_agrees

    assert qualifier_agrees("kết nạp mới, % chỉ tiêu", "kết nạp mới")
    assert qualifier_agrees("kỷ luật khiển trách", "kỷ luật khiển trách, Ban Thường vụ")
    assert not qualifier_agrees("kết nạp mới", "khai trừ")
