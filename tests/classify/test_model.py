"""The classifier: text form, split, label checks, model file checks, predictions.

The texts below are written for these tests (no seed sentences). Most tests feed
the model hand-tokenized text (words joined with "_"), so they need no underthesea.
"""
from __future__ import annotations

import json

import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify import model as M
from pipeline.classify.evaluate import prf_table, strip_boilerplate
from pipeline.classify.train import _check, is_held_out, load_labels


@pytest.fixture(scope="module")
def clf() -> M.Classifier:
    return M.load_model()


# ------------------------------------------------------------------ text form

@pytest.mark.parametrize(
    "raw, want",
    [
        ("văn hoá", "văn hóa"),
        ("Thuỷ lợi", "Thủy lợi"),
        ("uỷ ban", "ủy ban"),
        ("HOÁ", "HÓA"),
        ("hoà_bình", "hòa_bình"),
        # negatives: the tone stays where it is inside a longer syllable
        ("hoàng", "hoàng"),
        ("khoán", "khoán"),
        ("quyết", "quyết"),
        ("hóa", "hóa"),
    ],
)
def test_normalize_text_tone_placement(raw, want):
    assert M.normalize_text(raw) == want


def test_normalize_text_nfc():
    decomposed = "Đảng vie\u0302\u0301n"  # ê + acute as combining marks
    assert M.normalize_text(decomposed) == "Đảng viến"


def test_feature_text_lowercases_and_caps_length():
    assert M.feature_text("Chi_bộ HỌP") == "chi_bộ họp"
    assert len(M.feature_text("a " * 100_000)) == M.MAX_FEATURE_CHARS


# ------------------------------------------------------------------ split and labels

def test_held_out_split_is_stable_and_about_a_fifth():
    ids = [f"x-{i:04d}" for i in range(2000)]
    first = [is_held_out(i) for i in ids]
    assert first == [is_held_out(i) for i in ids]
    assert 0.15 < sum(first) / len(ids) < 0.25


GOOD = {"id": "t1", "text": "Chi bộ họp.", "topics": ["sinh_hoat_chi_bo"], "genre": "tin",
        "is_party_building": True}


@pytest.mark.parametrize(
    "change, problem",
    [
        ({}, None),
        ({"genre": None}, None),
        ({"topics": ["khac"], "is_party_building": False}, None),
        ({"topics": []}, "bad topics"),
        ({"topics": ["xay_dung"]}, "bad topics"),
        ({"topics": ["khac", "dan_van"], "is_party_building": False}, "khac mixed"),
        ({"genre": "phong_su"}, "bad genre"),
        ({"is_party_building": False}, "contradicts"),
        ({"text": "  "}, "no text"),
        ({"id": ""}, "no id"),
    ],
)
def test_label_row_check(change, problem):
    got = _check({**GOOD, **change})
    assert (got is None) if problem is None else (problem in got)


def test_load_labels_skips_bad_rows_and_duplicates(tmp_path, capsys):
    rows = [GOOD, {**GOOD, "text": "trùng id"}, {**GOOD, "id": "t0", "topics": ["nope"]}]
    (tmp_path / "x.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{oops\n", encoding="utf-8"
    )
    got = load_labels(tmp_path)
    assert [r["id"] for r in got] == ["t1"] and got[0]["text"] == "Chi bộ họp."
    err = capsys.readouterr().err
    assert "duplicate id" in err and "bad topics" in err and "bad JSON" in err


def test_shipped_labels_meet_the_issue():
    rows = load_labels()
    assert len(rows) >= 400
    for t in M.TOPICS:
        assert sum(t in r["topics"] for r in rows) >= 30, t
    assert sum(r["topics"] == ["khac"] for r in rows) >= 100
    assert all(r["genre"] in M.GENRES for r in rows if r["is_party_building"])


# ------------------------------------------------------------------ model file

def test_model_refuses_another_sklearn(monkeypatch):
    monkeypatch.setattr(sklearn, "__version__", "0.0.1")
    with pytest.raises(M.ModelError, match="built with scikit-learn .* rebuild it with `make train`"):
        M.load_model()


def test_model_refuses_untrusted_types(tmp_path):
    from skops.io import dump
    from sklearn.linear_model import LogisticRegression

    path = tmp_path / "m.skops"
    dump({"x": LogisticRegression()}, path)
    with pytest.raises(M.ModelError, match="not trusted"):
        M.load_model(path)


def test_missing_model_says_how_to_build_it(tmp_path):
    with pytest.raises(M.ModelError, match="make train"):
        M.load_model(tmp_path / "none.skops")


def test_model_records_its_training_rows(clf):
    assert clf.info["sklearn_version"] == sklearn.__version__
    held = [i for i in clf.info["train_ids"] if is_held_out(i)]
    assert held == []


# ------------------------------------------------------------------ predictions

CASES = [
    # (tokenized text, main topic, is_party_building)
    ("Chi_bộ thôn Đông tổ_chức sinh_hoạt chuyên_đề hằng tháng .\n"
     "Bí_thư chi_bộ chuẩn_bị nội_dung sinh_hoạt , đảng_viên thảo_luận dân_chủ .\n"
     "Chất_lượng sinh_hoạt chi_bộ được nâng lên rõ_rệt .", "sinh_hoat_chi_bo", True),
    ("Ủy_ban Kiểm_tra Huyện_ủy thi_hành kỷ_luật cảnh_cáo một đảng_viên có dấu_hiệu vi_phạm .\n"
     "Ủy_ban kiểm_tra cũng giám_sát chuyên_đề ba tổ_chức đảng .", "kiem_tra_giam_sat", True),
    ("Lễ kết_nạp đảng_viên mới cho 20 quần_chúng ưu_tú là đoàn_viên thanh_niên .\n"
     "Huyện_ủy giao chỉ_tiêu phát_triển đảng_viên cho từng chi_bộ .", "dang_vien", True),
    ("Đội_tuyển bóng_đá giành chiến_thắng 3 - 1 trong trận chung_kết tối qua .\n"
     "Huấn_luyện_viên khen_ngợi các cầu_thủ đã thi_đấu quyết_tâm .", "khac", False),
    ("Giá lúa tại Đồng_bằng sông Cửu_Long tăng mạnh do nhu_cầu xuất_khẩu .\n"
     "Nông_dân phấn_khởi vì vụ đông_xuân được mùa .", "khac", False),
]


@pytest.mark.parametrize("text, topic, pb", CASES)
def test_predict_known_texts(clf, text, topic, pb):
    got = clf.predict([text])[0]
    assert got["topic"] == topic
    assert got["is_party_building"] is pb
    assert got["topics"][0] == topic
    assert set(got["topic_scores"]) == set(M.ALL_TOPICS)
    assert all(0.0 <= v <= 1.0 for v in got["topic_scores"].values())
    assert got["genre"] in M.GENRES
    if pb:
        assert got["topic_evidence"] and all("_" not in e for e in got["topic_evidence"])
    else:
        assert got["topic_evidence"] == []


def test_evidence_is_readable_and_about_the_topic(clf):
    got = clf.predict([CASES[0][0]])[0]
    assert any("sinh hoạt" in e for e in got["topic_evidence"])
    assert not set(got["topic_evidence"]) & M.EVIDENCE_STOPWORDS


@pytest.mark.parametrize("text", ["", "   \n  ", "12/3/2024 , 45 % .", "!!! ???"])
def test_empty_or_wordless_is_khac_with_low_score(clf, text):
    got = M.classify_tokenized(text, clf)
    assert got["topic"] == "khac" and got["topics"] == ["khac"]
    assert got["is_party_building"] is False
    assert max(got["topic_scores"].values()) == 0.0


def test_english_and_other_scripts_do_not_crash(clf):
    for text in ["The city council approved the new budget for road repairs on Monday .",
                 "東京 で 会議 が 開かれた 。", "Привет мир"]:
        got = M.classify_tokenized(text, clf)
        assert got["topic"] in M.ALL_TOPICS
        assert got["is_party_building"] is False


def test_long_text_with_boilerplate(clf):
    body = CASES[1][0]
    junk = "Trang_chủ | Liên_hệ | Đăng_nhập\nLượt xem : 1234\nThống_kê truy_cập\n"
    got = M.classify_tokenized((junk + body + "\n") * 400, clf)
    assert got["topic"] == "kiem_tra_giam_sat"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text):
    got = M.classify_tokenized(text, M.default_model())
    assert got["topic"] in M.ALL_TOPICS
    assert isinstance(got["topics"], list) and got["topics"][0] == got["topic"]


# ------------------------------------------------------------------ evaluation helpers

def test_prf_table_multilabel():
    rows = prf_table([{"a"}, {"a", "b"}, {"b"}], [{"a"}, {"a"}, {"a", "b"}], ["a", "b", "c"])
    by = {r[0]: r for r in rows}
    assert by["a"][1:] == (2, 2 / 3, 1.0, 0.8)
    assert by["b"][1] == 2 and by["b"][2] == 1.0 and by["b"][3] == 0.5
    assert by["c"][1] == 0
    assert by["macro"][4] == pytest.approx((0.8 + 2 / 3) / 2)  # c has no support: left out


def test_strip_boilerplate_drops_lines_holding_fragments():
    text = "Trang chủ | Tin tức\nChi bộ họp bàn nhiệm vụ.\nLượt xem: 12\n\nĐảng viên phát biểu."
    got = strip_boilerplate(text, ["Trang chủ", "Lượt xem:"])
    assert got == "Chi bộ họp bàn nhiệm vụ.\nĐảng viên phát biểu."


def test_lead_only_for_texts_longer_than_the_labelled_ones():
    short = "\n".join(f"Câu số {i} có đủ bốn từ ." for i in range(M.LONG_TEXT_SENTENCES))
    assert M.lead_text(short) is None
    long = "Trang_chủ\n" + "\n".join(f"Câu số {i} có đủ bốn từ ." for i in range(20))
    lead = M.lead_text(long)
    assert lead.split("\n") == [f"Câu số {i} có đủ bốn từ ." for i in range(M.LEAD_SENTENCES)]


def test_long_article_keeps_the_topic_of_its_lead(clf):
    lead = ("Đảng_ủy xã tổ_chức lễ kết_nạp đảng_viên mới cho 15 quần_chúng ưu_tú .\n"
            "Các đảng_viên mới đều là đoàn_viên thanh_niên được chi_bộ bồi_dưỡng , giới_thiệu .\n"
            "Năm nay , xã kết_nạp 32 đảng_viên , vượt chỉ_tiêu phát_triển đảng_viên .\n")
    body = ("Chi_bộ duy_trì sinh_hoạt định_kỳ và tổ_chức học_tập nghị_quyết .\n" * 3
            + "Ủy_ban kiểm_tra đảng_ủy giám_sát việc chấp_hành Điều_lệ Đảng .\n" * 3
            + "Mặt_trận Tổ_quốc và các đoàn_thể vận_động nhân_dân .\n" * 3)
    assert clf.predict([lead + body])[0]["topic"] == "dang_vien"


# ------------------------------------------------------------------ title and event lead

@pytest.mark.parametrize(
    "lead, want",
    [
        ("Sáng 15/1/2025 , Huyện_ủy Mai_Sơn tổ_chức hội_nghị tổng_kết công_tác cán_bộ .", True),
        ("(TTXVN) - Chiều ngày 3/10 , Đảng_ủy Khối khai_mạc lớp bồi_dưỡng .", True),
        ("( TTXVN ) - Chiều ngày 3/10 , Đảng_ủy Khối khai_mạc lớp bồi_dưỡng .", True),
        ("Trang_chủ\nNgày 26/1/2024 , Ban Tổ_chức Huyện_ủy công_bố kết_quả xếp_loại đảng_viên .", True),
        ("Từ ngày 10 đến 12/10/2025 , Thị_ủy mở lớp tập_huấn cho cấp_ủy_viên .", True),
        # negatives: an assessment article's lead, a date before a document, no event verb
        ("Thời_gian qua , Đảng_ủy Khối đã lãnh_đạo các chi_bộ thực_hiện nghị_quyết .", False),
        ("Ngày 18/5/2021 , Bộ_Chính_trị ban_hành Kết_luận về tiếp_tục thực_hiện Chỉ_thị .", False),
        ("Ngày 2/9 , các chi_bộ trao_đổi kinh_nghiệm qua nhóm trực_tuyến .", False),
        ("Sau 5 năm thực_hiện Chỉ_thị 05 , việc học_tập đi vào nền_nếp .", False),
        ("", False),
    ],
)
def test_event_lead(lead, want):
    assert M.event_lead(lead) is want


@pytest.mark.parametrize("title", [None, "", "   ", "2023 - 45%", 12])
def test_tokenize_title_without_words_is_empty(title):
    assert M.tokenize_title(title) == ""


def test_tokenize_title_joins_words():
    got = M.tokenize_title("Kết nạp đảng viên mới ở xã vùng cao")
    assert "_" in got and got.replace("_", " ") == "Kết nạp đảng viên mới ở xã vùng cao"
    assert len(M.tokenize_title("chi bộ " * 200)) <= M.MAX_TITLE_CHARS


BODY_TWO_TOPICS = (
    "Đảng_bộ huyện có 52 tổ_chức cơ_sở đảng với 4.100 đảng_viên .\n"
    "Năm qua , huyện kiện_toàn 6 chi_bộ , nâng_cao năng_lực lãnh_đạo và sức chiến_đấu của tổ_chức cơ_sở đảng .\n"
    "Huyện cũng kết_nạp 180 đảng_viên mới , chủ_yếu là đoàn_viên thanh_niên và quần_chúng ưu_tú .\n"
)


@pytest.mark.parametrize(
    "title, topic",
    [
        ("Kết_nạp 180 đảng_viên mới , chú_trọng tạo nguồn từ đoàn_viên", "dang_vien"),
        ("Kiện_toàn tổ_chức cơ_sở đảng , nâng_cao sức chiến_đấu", "to_chuc_co_so_dang"),
    ],
)
def test_title_steers_the_main_topic(clf, title, topic):
    got = clf.predict([BODY_TWO_TOPICS], [title])[0]
    assert got["topic"] == topic
    # the title never changes the scores themselves nor relevance
    plain = clf.predict([BODY_TWO_TOPICS])[0]
    assert got["topic_scores"] == plain["topic_scores"]
    assert got["is_party_building"] == plain["is_party_building"]


def test_title_does_not_make_general_news_party_building(clf):
    body = CASES[3][0]
    got = clf.predict([body], ["Đảng_ủy xã kết_nạp đảng_viên mới"])[0]
    assert got["topic"] == "khac" and got["is_party_building"] is False


def test_classify_tokenized_with_odd_titles(clf):
    for title in [None, "", "!!!", "Hello world", "東京"]:
        got = M.classify_tokenized(CASES[0][0], clf, title=title)
        assert got["topic"] == "sinh_hoat_chi_bo"


@pytest.mark.parametrize(
    "text, want",
    [
        # a short report that dates its event: tin, however short
        ("chi_bộ thôn 5 có 22 đảng_viên .\nsáng 4/3 , chi_bộ tổ_chức lễ kết_nạp hai đảng_viên mới .", "tin"),
        # a document's layout: two "căn cứ" / "điều" lines
        ("căn_cứ điều_lệ đảng ;\ncăn_cứ quy_chế làm_việc của tỉnh_ủy ;\nđiều 1 . ban_hành quy_định kèm theo .", "bai_viet"),
        ("hỏi : đảng_viên bị kiểm_tra có quyền gì ?\ntrả_lời : đảng_viên được trình_bày ý_kiến của mình .", "bai_viet"),
        # one "căn cứ" line before a dated meeting: the event wins
        ("căn_cứ quy_định số 45 của ban chấp_hành trung_ương về thi_hành điều_lệ ;\n"
         "ngày 3/5 , ban tổ_chức họp xét hồ_sơ kết_nạp đảng_viên .", "tin"),
        ("thời_gian qua , đảng_ủy khối đã lãnh_đạo các chi_bộ thực_hiện nghị_quyết .", None),
    ],
)
def test_genre_cue(text, want):
    assert M.genre_cue(text) == want
