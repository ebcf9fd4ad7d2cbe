"""Shapes of real text dumps, with invented lines: documents, date stubs, bylines, captions, wrapped lines."""
from datetime import date

import pytest

from pipeline.clean.dump import clean_text_dump, header_issuer, reflow

P1 = ("Những năm qua, Đảng bộ xã Tân Phú luôn quan tâm lãnh đạo công tác phát triển đảng viên trong thanh niên, "
      "coi đây là nhiệm vụ thường xuyên, gắn với xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh ở từng thôn.")
P2 = ("Năm 2024, các chi bộ thôn đã giới thiệu 18 quần chúng ưu tú tham gia lớp bồi dưỡng nhận thức về Đảng; "
      "đến nay đã kết nạp 12 đảng viên mới, trong đó có 9 đoàn viên thanh niên, vượt chỉ tiêu nghị quyết đề ra.")
P3 = ("Thời gian tới, Đảng ủy xã tiếp tục rà soát nguồn phát triển đảng viên, phân công đảng viên giúp đỡ quần "
      "chúng ưu tú, bảo đảm đúng quy trình, thủ tục theo quy định của Điều lệ Đảng và hướng dẫn của cấp trên.")


def page(*lines: str) -> str:
    return "\n\n".join(lines) + "\n"


# --------------------------------------------------------------------------- official documents

DOCUMENT = """ĐẢNG BỘ TỈNH BÌNH AN
HUYỆN ỦY TÂN PHÚ
*
Số 12-KH/HU

ĐẢNG CỘNG SẢN VIỆT NAM

Tân Phú, ngày 05 tháng 3 năm 2024

KẾ HOẠCH
TRIỂN KHAI CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN NĂM 2024
-----
Căn cứ Điều lệ Đảng Cộng sản Việt Nam;
Căn cứ Hướng dẫn số 01-HD/TW ngày 28/9/2021 của Ban Bí thư về một số vấn đề cụ thể thi hành Điều lệ Đảng;
Ban Thường vụ Huyện ủy xây dựng kế hoạch triển khai công tác phát triển đảng viên năm 2024 như sau:
Điều 1. Mỗi chi bộ thôn giới thiệu ít nhất một quần chúng ưu tú tham gia lớp bồi dưỡng nhận thức về Đảng.
T/M BAN THƯỜNG VỤ
PHÓ BÍ THƯ
Nguyễn Văn Bình
Phụ lục kèm theo kế hoạch gồm danh sách các chi bộ và chỉ tiêu kết nạp đảng viên của từng chi bộ trong năm.
"""


@pytest.mark.parametrize("header, issuer", [
    (DOCUMENT.split("KẾ HOẠCH")[0], "ĐẢNG BỘ TỈNH BÌNH AN HUYỆN ỦY TÂN PHÚ"),
    ("THÀNH ỦY\nTHÀNH PHỐ CẦN THƠ\n-------\nĐẢNG CỘNG SẢN VIỆT NAM\nSố: 15-QĐ/TU", "THÀNH ỦY THÀNH PHỐ CẦN THƠ"),
    ("ĐẢNG ỦY XÃ AN BÌNH ĐẢNG CỘNG SẢN VIỆT NAM\n*\nSố 03-NQ/ĐU", "ĐẢNG ỦY XÃ AN BÌNH"),  # two columns, one line
    ("ĐẢNG CỘNG SẢN VIỆT NAM\nSố 03-NQ/ĐU", None),  # the motto first: no issuer printed
    ("Số: 09-KH/ĐU\nHà Nội, ngày 2 tháng 3 năm 2021", None),
    (None, None),
])
def test_the_issuer_above_a_documents_motto(header, issuer):
    assert header_issuer(header) == issuer


def test_document_page_is_an_article_with_its_own_title_date_and_signer():
    c = clean_text_dump(DOCUMENT)
    assert c.title == "KẾ HOẠCH TRIỂN KHAI CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN NĂM 2024"
    assert c.published_date == date(2024, 3, 5)
    assert c.author == "Nguyễn Văn Bình"
    assert c.text.startswith("Căn cứ Điều lệ Đảng Cộng sản Việt Nam;")
    assert c.text.endswith("trong năm.")
    for fragment in ("ĐẢNG CỘNG SẢN VIỆT NAM", "Số 12-KH/HU", "-----", "T/M BAN THƯỜNG VỤ", "PHÓ BÍ THƯ", "Nguyễn Văn Bình"):
        assert fragment not in c.text
    assert "Điều 1. Mỗi chi bộ thôn" in c.text


def test_a_headline_naming_the_document_wins_and_so_does_the_pages_own_date():
    c = clean_text_dump("Thứ Sáu, 08 tháng 3, 2024\n\nKế hoạch triển khai công tác phát triển đảng viên năm 2024\n\n" + DOCUMENT)
    assert c.title == "Kế hoạch triển khai công tác phát triển đảng viên năm 2024"
    assert c.published_date == date(2024, 3, 8)


def test_a_site_name_above_a_document_is_not_its_title():
    c = clean_text_dump("Thư viện văn bản\n\n" + DOCUMENT)
    assert c.title == "KẾ HOẠCH TRIỂN KHAI CÔNG TÁC PHÁT TRIỂN ĐẢNG VIÊN NĂM 2024"


def test_the_distribution_list_and_the_print_links_are_not_the_documents_text():
    signed = DOCUMENT.split("T/M BAN THƯỜNG VỤ")[0]
    page_text = (signed + "Nơi nhận:\n- Ban Tổ chức Tỉnh ủy (b/c),\n\n- Các chi bộ trực thuộc,\n- Lưu Văn phòng.\n"
                 "T/M BAN THƯỜNG VỤ\nPHÓ BÍ THƯ\nNguyễn Văn Bình\nVề trang trước  In trang\n")
    c = clean_text_dump(page_text)
    assert c.author == "Nguyễn Văn Bình"
    assert c.text.endswith("tham gia lớp bồi dưỡng nhận thức về Đảng.")
    for line in ("Nơi nhận:", "- Ban Tổ chức Tỉnh ủy (b/c),", "- Các chi bộ trực thuộc,", "- Lưu Văn phòng.",
                 "Về trang trước In trang"):
        assert line in c.dropped


def test_a_blank_day_in_the_header_gives_no_date():
    c = clean_text_dump(DOCUMENT.replace("ngày 05 tháng 3", "ngày      tháng 3"))
    assert c.published_date is None


# --------------------------------------------------------------------------- dates


@pytest.mark.parametrize(
    "stub, published",
    [("date 2024-03-06 ", date(2024, 3, 6)), ("date 2024-03 ", None), ("14:49 06/03/2024 ", date(2024, 3, 6))],
)
def test_a_date_stub_glued_to_the_first_paragraph(stub, published):
    c = clean_text_dump(page(stub + P1, P2))
    assert c.published_date == published
    assert c.text.startswith("Những năm qua") and c.title is None


@pytest.mark.parametrize(
    "date_line",
    [
        "16:29, Thứ Hai, 22/07/2019 (GMT+7)",
        "Cập nhật lúc 16:29, Thứ Hai, 22/07/2019 (GMT+7)",
        "Thứ 2, 22/07/2019 | 16:29:05",
        "22/07/2019 16:29 CH",
        "Thời sự - Ngày đăng : 16:29, 22/07/2019",
        "22 July 2019",
    ],
)
def test_date_lines_under_the_headline(date_line):
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", date_line, P1, P2))
    assert c.title == "Tân Phú kết nạp 12 đảng viên trẻ"
    assert c.published_date == date(2019, 7, 22)
    assert date_line not in c.text


def test_the_sites_date_above_the_headline_gives_way_to_the_articles():
    c = clean_text_dump(page("Thứ Ba, ngày 03/12/2024 - 08:00 (GMT+7)", "Tân Phú kết nạp 12 đảng viên trẻ",
                             "Cập nhật: 15:20, Thứ 6, 10/03/2023", P1, P2))
    assert c.published_date == date(2023, 3, 10)
    assert c.title == "Tân Phú kết nạp 12 đảng viên trẻ"


def test_a_date_after_the_headline_and_buttons_glued_to_it():
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ (14/11/2025)", P1))
    assert c.title == "Tân Phú kết nạp 12 đảng viên trẻ" and c.published_date == date(2025, 11, 14)
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ In trang", "14/11/2025 09:10 SA", P1))
    assert c.title == "Tân Phú kết nạp 12 đảng viên trẻ" and c.published_date == date(2025, 11, 14)


def test_a_magazine_date_line_under_the_lead():
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", P1, "Tạp chí Xây dựng Đảng02/05/2025", P2))
    assert c.published_date == date(2025, 5, 2)
    assert "02/05/2025" not in c.text


# --------------------------------------------------------------------------- titles


def test_banners_categories_and_series_lines_are_not_the_title():
    c = clean_text_dump(page(
        "KỶ NIỆM 80 NĂM CÁCH MẠNG THÁNG TÁM (19/8/1945 - 19/8/2025)", "Xây dựng Đảng",
        "Đăng ngày: 12/08/2025 - Lượt xem: 230", "Người giữ lửa ở chi bộ thôn", "Bài 3: NHỮNG NGƯỜI BÍ THƯ THÔN",
        P1, P2))
    assert c.title == "Người giữ lửa ở chi bộ thôn"
    assert c.published_date == date(2025, 8, 12) and c.views == 230
    assert c.text.startswith("Những năm qua")


@pytest.mark.parametrize("first", [
    "Lễ kết nạp đảng viên là dấu mốc quan trọng trong cuộc đời mỗi người, là niềm vinh dự của quần chúng ưu tú;",
    "Căn cứ Quy định số 24-QĐ/TW, ngày 30/7/2021 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng;",
    "Hỏi: Đảng viên dự bị có được biểu quyết về công tác nhân sự không?",
])
def test_a_page_that_opens_with_its_text_has_no_title(first):
    c = clean_text_dump(page(first, P2))
    assert c.title is None and c.text.startswith(first)


def test_a_section_heading_opens_the_body_and_is_not_the_title():
    c = clean_text_dump(page("Skip to main content", "30 May 2022", "1. Nhận thức về công tác phát triển đảng viên", P1))
    assert c.title is None and c.published_date == date(2022, 5, 30)
    assert c.text.startswith("1. Nhận thức về công tác phát triển đảng viên")


def test_a_caption_under_the_headline_is_neither_title_nor_body():
    c = clean_text_dump("Tân Phú kết nạp 12 đảng viên trẻ\nĐồng chí Bí thư Huyện ủy phát biểu tại buổi lễ\n\n" + P1 + "\n")
    assert c.title == "Tân Phú kết nạp 12 đảng viên trẻ" and c.text == P1


# --------------------------------------------------------------------------- bylines


@pytest.mark.parametrize(
    "byline, author",
    [
        ("NGUYÊN ĐOAN |", "Nguyên Đoan"),
        ("TS. Lê Văn Hải", "Lê Văn Hải"),
        ("N.Mai", "N.Mai"),
        ("Thượng tá Trần Minh Quân", "Trần Minh Quân"),
    ],
)
def test_a_byline_under_the_headline(byline, author):
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", byline, P1, P2))
    assert c.author == author and c.title == "Tân Phú kết nạp 12 đảng viên trẻ"
    assert byline not in c.text


def test_two_bylines_with_units_give_both_names():
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", "ThS. Lê Văn Hải - Khoa Xây dựng Đảng",
                             "ThS. Trần Thu Hà - Khoa Lý luận cơ sở", P1))
    assert c.author == "Lê Văn Hải, Trần Thu Hà"


@pytest.mark.parametrize(
    "signature, author",
    [
        ("Hoàng Long - Bùi Tiến", "Hoàng Long - Bùi Tiến"),
        ("Minh Anh (Trung tâm Văn hóa huyện)", "Minh Anh"),
        ("Trần Thị Mỹ Lệ (Đảng ủy xã Tân Phú 2)", "Trần Thị Mỹ Lệ"),  # as long as a short sentence
        ("Bảo Ngọc (Trung tâm Truyền thông và Văn hóa thành phố Tân Phú)", "Bảo Ngọc"),
        ("PV", "PV"),
        ("BBT", "BBT"),
        ("H.T", "H.T"),
        ("CTV Thu Hằng", "Thu Hằng"),
        ("Tin, ảnh: HẢI ĐĂNG", "Hải Đăng"),
    ],
)
def test_a_closing_signature_and_what_follows_it(signature, author):
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", P1, P2, signature, "Trả lời",
                             "Email của bạn sẽ không được hiển thị công khai.", "Giới thiệu", "Liên hệ"))
    assert c.author == author
    assert c.text.endswith("vượt chỉ tiêu nghị quyết đề ra.")


def test_an_excerpt_cut_mid_sentence_keeps_its_last_words():
    for last in ("Từ cách làm trên có", "Thay mặt Ban Thường vụ, ông Lê Hồ", "- Nêu gương về đạo đức,"):
        c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", P1, P2, last))
        assert c.text.endswith(last) and c.author is None


# --------------------------------------------------------------------------- boilerplate


@pytest.mark.parametrize(
    "noise",
    [
        "Quang cảnh hội nghị.",
        "Các đoàn viên thanh niên tham gia lao động tại thôn Bình Minh.",
        "Ông Lê Văn Hải, Phó Chủ tịch UBND huyện phát biểu khai mạc hội nghị.",
        "Các đảng viên mới tuyên thệ dưới cờ Đảng. (Ảnh: tanphu.gov.vn)",
        "Toàn cảnh buổi lễ_Nguồn: baotanphu.vn",
        "Từ khóa: phát triển đảng viên; thanh niên; Tân Phú.",
        "#Tân Phú #phát triển đảng viên",
        "* Toàn văn bài phát biểu của đồng chí Bí thư Huyện ủy tại hội nghị",
        "Chia sẻ lên facebook Chia sẻ lên zalo In bài",
        "You are on page 1of 3",
    ],
)
def test_boilerplate_between_paragraphs(noise):
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", P1, noise, P2, P3))
    assert noise not in c.text
    assert c.text.startswith("Những năm qua") and c.text.endswith("hướng dẫn của cấp trên.")


def test_a_caption_printed_twice_and_a_caption_before_its_credit():
    cap = "Lễ kết nạp đảng viên tại Chi bộ thôn Bình Minh"
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", P1, cap, cap, P2, cap + " kết nạp", "(Ảnh: Internet)", P3))
    assert cap not in c.text and "Internet" not in c.text


@pytest.mark.parametrize("footer", ["Ý kiến ()", "Bình luận (0) | Gửi bình luận", "< Trở về trang trước",
                                    "Bài viết hay? Hãy đánh giá bài viết", "BÀI VIẾT LIÊN QUAN"])
def test_comment_forms_and_back_links_end_the_article(footer):
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", P1, P2, footer, "Một tin khác của chuyên mục"))
    assert c.text.endswith("vượt chỉ tiêu nghị quyết đề ra.")


def test_punctuation_lines_and_a_teaser_repeated_by_the_lead():
    teaser = P1[:150]
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", "12/08/2025 09:00", teaser,
                             "Tân Phú kết nạp 12 đảng viên trẻ", ".", P1, ";", P2))
    assert c.text.startswith(P1) and c.text.count(teaser) == 1
    assert "\n.\n" not in c.text and not c.text.endswith(";")


def test_source_leads():
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", "(tanphu.gov.vn) – " + P1))
    assert c.text.startswith("(tanphu.gov.vn) – Những năm qua")
    c = clean_text_dump(page("Tân Phú kết nạp 12 đảng viên trẻ", "(TPO)- " + P1))
    assert c.text.startswith("(TPO)- Những năm qua") and c.source_tag == "(TPO)-"


# --------------------------------------------------------------------------- wrapped lines

WRAPPED = [
    "Từ khóa: phát triển đảng viên; thanh niên;",
    "nông thôn mới; Tân Phú.",
    "Trong những năm qua, Đảng bộ xã Tân Phú luôn quan tâm lãnh đạo công tác",
    "phát triển đảng viên trong thanh niên, coi đây là nhiệm vụ thường xuyên",
    "gắn với xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh ở từng thôn,",
    "Ban Chấp hành Đảng bộ xã đã ban hành nghị quyết chuyên đề về công tác này.",
    "- Các chi bộ thôn giới thiệu quần chúng ưu tú tham gia lớp bồi dưỡng",
    "nhận thức về Đảng.",
]


def test_reflow_joins_wrapped_paragraphs_but_not_list_items():
    out = [line for line in reflow(WRAPPED) if line]
    assert out[0] == "Từ khóa: phát triển đảng viên; thanh niên; nông thôn mới; Tân Phú."
    assert out[1].startswith("Trong những năm qua") and out[1].endswith("nghị quyết chuyên đề về công tác này.")
    assert out[2] == "- Các chi bộ thôn giới thiệu quần chúng ưu tú tham gia lớp bồi dưỡng nhận thức về Đảng."


def test_a_wrapped_page_loses_its_keyword_paragraph():
    c = clean_text_dump("\n".join(WRAPPED) + "\n")
    assert c.text.startswith("Trong những năm qua") and "Từ khóa" not in c.text


def test_unwrapped_lines_stay_apart():
    lines = ["Tân Phú kết nạp 12 đảng viên trẻ", P1, "Phát triển đảng viên trong thanh niên", P2]
    assert reflow(lines) == lines


def test_the_agency_code_of_the_lead_is_also_the_source_tag():
    from pipeline.extract.entities import find_province

    page_text = ("Kết nạp đảng viên trong học sinh\n\n(QNO) – Năm nay, các chi bộ trường học trên địa bàn đã "
                 "kết nạp 25 đảng viên là học sinh, sinh viên, vượt chỉ tiêu đề ra; nhiều em là đoàn viên tiêu biểu "
                 "của các câu lạc bộ học thuật và tình nguyện.\n")
    c = clean_text_dump(page_text)
    assert c.text.startswith("(QNO) – Năm nay") and c.source_tag == "(QNO) –"
    assert find_province(c.text, source_tag=c.source_tag)["province_evidence"] == "tag:QNO"


def test_the_lines_naming_the_site_are_kept_apart():
    """The banner above the article and the copyright and address lines of its footer:
    boilerplate, but the province of a site is often read there."""
    c = clean_text_dump(page("TRANG THÔNG TIN ĐIỆN TỬ ĐẢNG BỘ XÃ TÂN PHÚ", "Trang chủ | Tin tức | Văn bản",
                             "Tân Phú kết nạp 12 đảng viên trẻ", P1, P2, "Tin khác", "Huyện ủy sơ kết quý I",
                             "Bản quyền thuộc Đảng ủy xã Tân Phú, tỉnh Bình An", "Điện thoại: 0251 3 861 234"))
    assert c.site_lines == ["TRANG THÔNG TIN ĐIỆN TỬ ĐẢNG BỘ XÃ TÂN PHÚ", "Bản quyền thuộc Đảng ủy xã Tân Phú, tỉnh Bình An"]
    assert not any(line in c.text for line in c.site_lines)
