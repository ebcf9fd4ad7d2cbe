"""Predictions of the shipped model on hand-tokenized invented texts, and the rules around
the heads: lead, title, genre cues, evidence."""
from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify.features import feature_text
from pipeline.classify.inference import default_model
from pipeline.classify.labels import ALL_TOPICS, GENRES
from pipeline.classify.prediction import (
    EVIDENCE_STOPWORDS, LEAD_SENTENCES, LONG_TEXT_SENTENCES, classify_tokenized, event_lead, genre_cue, lead_text,
    predict,
)

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
def test_predict_known_texts(model, text, topic, pb):
    got = predict(model, [text])[0]
    assert got["topic"] == topic and got["topics"][0] == topic
    assert got["is_party_building"] is pb
    assert set(got["topic_scores"]) == set(ALL_TOPICS)
    assert all(0.0 <= v <= 1.0 for v in got["topic_scores"].values())
    assert got["genre"] in GENRES
    if pb:
        assert got["topic_evidence"] and all("_" not in e for e in got["topic_evidence"])
    else:
        assert got["topic_evidence"] == []


def test_evidence_is_readable_and_about_the_topic(model):
    got = predict(model, [CASES[0][0]])[0]
    assert any("sinh hoạt" in e for e in got["topic_evidence"])
    assert not set(got["topic_evidence"]) & EVIDENCE_STOPWORDS


@pytest.mark.parametrize("text", ["", "   \n  ", "12/3/2024 , 45 % .", "!!! ???", None])
def test_empty_or_wordless_is_khac_with_low_score(model, text):
    got = classify_tokenized(text, model)
    assert got["topic"] == "khac" and got["topics"] == ["khac"]
    assert got["is_party_building"] is False
    assert max(got["topic_scores"].values()) == 0.0


def test_english_and_other_scripts_are_not_party_building(model):
    for text in ["The city council approved the new budget for road repairs on Monday .",
                 "東京 で 会議 が 開かれた 。", "Привет мир"]:
        got = classify_tokenized(text, model)
        assert got["topic"] in ALL_TOPICS and got["is_party_building"] is False


def test_long_text_with_boilerplate(model):
    junk = "Trang_chủ | Liên_hệ | Đăng_nhập\nLượt xem : 1234\nThống_kê truy_cập\n"
    assert classify_tokenized((junk + CASES[1][0] + "\n") * 400, model)["topic"] == "kiem_tra_giam_sat"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300), st.text(max_size=40))
def test_arbitrary_text_gets_a_classification(text, title):
    got = classify_tokenized(text, default_model(), title=title)
    assert got["topic"] in ALL_TOPICS
    assert isinstance(got["topics"], list) and got["topics"][0] == got["topic"]


def test_one_featurizer_call_per_page(model, sample_pages, monkeypatch):
    """Text, lead and title of a page are featurized together, in one call."""
    calls = []
    real = model.features
    monkeypatch.setattr(model, "features", lambda rows: calls.append(len(rows)) or real(rows))
    long_text = next(t for t, _ in sample_pages if lead_text(feature_text(t)))
    classify_tokenized(long_text, model, title="Nâng_cao chất_lượng sinh_hoạt chi_bộ")
    assert calls == [3]


# ------------------------------------------------------------------ lead and title


def test_lead_only_for_texts_longer_than_the_labelled_ones():
    short = "\n".join(f"Câu số {i} có đủ bốn từ ." for i in range(LONG_TEXT_SENTENCES))
    assert lead_text(short) is None
    lead = lead_text("Trang_chủ\n" + "\n".join(f"Câu số {i} có đủ bốn từ ." for i in range(20)))
    assert lead.split("\n") == [f"Câu số {i} có đủ bốn từ ." for i in range(LEAD_SENTENCES)]


def test_long_article_keeps_the_topic_of_its_lead(model):
    lead = ("Đảng_ủy xã tổ_chức lễ kết_nạp đảng_viên mới cho 15 quần_chúng ưu_tú .\n"
            "Các đảng_viên mới đều là đoàn_viên thanh_niên được chi_bộ bồi_dưỡng , giới_thiệu .\n"
            "Năm nay , xã kết_nạp 32 đảng_viên , vượt chỉ_tiêu phát_triển đảng_viên .\n")
    body = ("Chi_bộ duy_trì sinh_hoạt định_kỳ và tổ_chức học_tập nghị_quyết .\n" * 3
            + "Ủy_ban kiểm_tra đảng_ủy giám_sát việc chấp_hành Điều_lệ Đảng .\n" * 3
            + "Mặt_trận Tổ_quốc và các đoàn_thể vận_động nhân_dân .\n" * 3)
    assert predict(model, [lead + body])[0]["topic"] == "dang_vien"


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
def test_title_steers_the_main_topic(model, title, topic):
    got = predict(model, [BODY_TWO_TOPICS], [title])[0]
    assert got["topic"] == topic
    # the title never changes the scores themselves nor relevance
    plain = predict(model, [BODY_TWO_TOPICS])[0]
    assert got["topic_scores"] == plain["topic_scores"]
    assert got["is_party_building"] == plain["is_party_building"]


def test_title_does_not_make_general_news_party_building(model):
    got = predict(model, [CASES[3][0]], ["Đảng_ủy xã kết_nạp đảng_viên mới"])[0]
    assert got["topic"] == "khac" and got["is_party_building"] is False


def test_classify_tokenized_with_odd_titles(model):
    for title in [None, "", "!!!", "Hello world", "東京"]:
        assert classify_tokenized(CASES[0][0], model, title=title)["topic"] == "sinh_hoat_chi_bo"


# ------------------------------------------------------------------ genre cues


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
    assert event_lead(lead) is want


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
    assert genre_cue(text) == want
