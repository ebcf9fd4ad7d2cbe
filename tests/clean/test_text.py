"""The text-dump cleaner: boilerplate lines out, title/date/author/views recovered."""
from datetime import date

import pytest

from pipeline.clean.text import classify, clean_text_dump, strip_residue

PAGE = """Chào mừng bạn đến với Trang thông tin điện tử Đảng bộ huyện Cái Bè!
No title... No title... No title...
Lượt xem: 412

Xây dựng chi bộ ấp trong sạch, vững mạnh ở huyện Cái Bè

Thứ Ba, ngày 12/4/2022 - 09:30

(TUTG)- Những năm qua, Ban Thường vụ Huyện ủy Cái Bè luôn quan tâm lãnh đạo công tác xây dựng chi bộ ấp, khu phố; chú trọng nâng cao chất lượng sinh hoạt, đổi mới nội dung, hình thức sinh hoạt để phù hợp với tình hình thực tế ở từng địa phương.
2.png

Chi bộ ấp Hòa Hảo sinh hoạt chuyên đề
 
Hiện toàn huyện có 312 chi bộ ấp, khu phố với hơn 4.100 đảng viên. Các chi bộ duy trì sinh hoạt định kỳ hằng tháng, nội dung sinh hoạt bám sát nhiệm vụ chính trị ở cơ sở, tập trung vào những vấn đề bức xúc mà người dân quan tâm, từ đó tạo sự đồng thuận trong Nhân dân.
Lãnh đạo huyện dự sinh hoạt với Chi bộ ấp Mỹ Lợi. Ảnh: Hoàng Phúc
Trong thời gian tới, Huyện ủy sẽ tiếp tục chỉ đạo các cấp ủy cơ sở rà soát, củng cố những chi bộ còn yếu, phân công cấp ủy viên phụ trách địa bàn, nâng cao vai trò của bí thư chi bộ kiêm trưởng ấp./.

Hoàng Phúc
Văn hóa - Xã hội
TIN LIÊN QUAN
Huyện ủy Cái Bè sơ kết 6 tháng đầu năm
1 2 3 4 5 ...
Địa chỉ: 01 đường 30/4, thị trấn Cái Bè
Điện thoại: 0273 3824 123
Hôm nay: 1.204
Tất cả: 2.345.678
"""


@pytest.fixture(scope="module")
def cleaned():
    return clean_text_dump(PAGE)


def test_title_date_author_views(cleaned):
    assert cleaned.title == "Xây dựng chi bộ ấp trong sạch, vững mạnh ở huyện Cái Bè"
    assert cleaned.published_date == date(2022, 4, 12)
    assert cleaned.author == "Hoàng Phúc"
    assert cleaned.views == 412


def test_body_bounds(cleaned):
    assert cleaned.text.startswith("(TUTG)- Những năm qua, Ban Thường vụ Huyện ủy Cái Bè")
    assert cleaned.source_tag == "(TUTG)-"
    assert cleaned.text.endswith("bí thư chi bộ kiêm trưởng ấp./.")
    assert len(cleaned.text.split("\n")) == 3


@pytest.mark.parametrize(
    "fragment",
    [
        "Chào mừng", "No title", "Lượt xem", "Thứ Ba, ngày 12/4/2022", "2.png",
        "Chi bộ ấp Hòa Hảo sinh hoạt chuyên đề", "Ảnh: Hoàng Phúc", "Văn hóa - Xã hội",
        "TIN LIÊN QUAN", "1 2 3", "Địa chỉ", "0273 3824 123", "Hôm nay", "2.345.678",
    ],
)
def test_boilerplate_removed(cleaned, fragment):
    assert fragment not in cleaned.text


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Lượt xem: 157", "views"),
        ("89 lượt xem", "views"),
        ("Đã xem: 1896", "views"),
        ("Đăng lúc: 07:56:25 15/04/2024 (GMT+7)", "posted_at"),
        ("Thứ Hai, ngày 29/3/2021 - 14:15", "weekday_date"),
        ("04/10/2019", "bare_date"),
        ("Đang có 57 khách và không thành viên đang online", "online_now"),
        ("Đang online: 22", "online_now"),
        ("Hôm qua: 2025", "counter"),
        ("Tất cả: 352,755", "counter"),
        ("3.png", "image_file"),
        ("Toàn cảnh hội nghị. Ảnh: Thu Hà", "caption_photo"),
        ("TIN LIÊN QUAN", "related_news"),
        ("CÁC TIN ĐÃ ĐĂNG", "related_news"),
        ("Các tin đã đưa ngày:", "news_by_date"),
        ("Số lượt truy cập", "visitor_stats"),
        ("1 2 3 4 5 ...", "pagination"),
        ("Tổng số: 182 | Trang: 1 trên tổng số 19 trang", "listing_total"),
        ("Chịu trách nhiệm chính: Ông Nguyễn Văn A", "responsible"),
        ("Email: banbientap@tinhuy.vn", "contact"),
        ("Sign In", "sign_in"),
        ("NHIỆT LIỆT CHÀO MỪNG ĐẠI HỘI ĐẢNG BỘ TỈNH LẦN THỨ XVI!", "welcome_banner"),
        # text-to-speech player under a headline
        ("00:00 / 05:37", "player_time"),
        ("00:00", "player_time"),
        ("-02:48", "player_time"),
        ("1:05:10 / 1:12:00", "player_time"),
        ("Nghe bài viết", "player_control"),
        ("Nghe bài báo", "player_control"),
        ("Đọc bài", "player_control"),
        ("Tạm dừng", "player_control"),
        ("Nghe audio", "player_control"),
        ("Nghe bài viết bằng giọng nữ miền Bắc", "player_control"),
        ("Giọng nam | Giọng nữ", "player_control"),
        ("Tốc độ đọc: 1.5x", "player_control"),
    ],
)
def test_line_patterns(line, expected):
    label = classify(line)
    assert label is not None and label[0] == expected


@pytest.mark.parametrize(
    "line",
    [
        "Ngày 16/6/2022, Ban Chấp hành Trung ương ban hành Nghị quyết số 21-NQ/TW về tăng cường củng cố tổ chức cơ sở đảng trong giai đoạn mới.",
        "Tin tưởng vào sự lãnh đạo của Đảng, Nhân dân trong xã đồng lòng thực hiện các phong trào thi đua yêu nước.",
        "Hiện Đảng bộ có 65 đảng viên.",
        # headlines that open with a player's verbs are not player controls
        "Nghe dân nói, làm dân tin ở Chi bộ thôn Tân Lập",
        "Đọc sách cùng đảng viên trẻ",
        "Phát huy vai trò bí thư chi bộ thôn, tổ dân phố",
        "Tiếp tục đổi mới nội dung sinh hoạt chi bộ",
        "Lúc 07:30 ngày 14/5, Chi bộ khu phố 3 họp thường kỳ",
    ],
)
def test_body_lines_are_not_boilerplate(line):
    assert classify(line) is None


def test_signature_prefix_gives_author():
    body = "Đoạn thứ nhất của bài viết, đủ dài để là một đoạn văn bình thường của bài báo về công tác xây dựng Đảng ở cơ sở.\nHọc viên: Lê Thị Mai\nLớp: TCLLCC K12"
    cleaned = strip_residue(body)
    assert cleaned.author == "Lê Thị Mai"
    assert "Lớp" not in cleaned.text


def test_page_without_body_gives_no_boilerplate():
    cleaned = clean_text_dump("Sign In\nMột dòng ngắn\n")
    assert "Sign In" not in cleaned.text


def test_main_text_is_capped_at_a_paragraph_break():
    from pipeline.clean import cap_text
    from pipeline.clean.metadata import Cleaned

    cleaned = cap_text(Cleaned(text="đoạn một\n" * 10 + "đoạn cuối"), 30)
    assert cleaned.text == "đoạn một\nđoạn một\nđoạn một"
    assert cleaned.dropped[0].startswith("[main text of")


def test_bylines_above_the_title_and_in_a_caption_line():
    para = "Đảng ủy Quân sự tỉnh luôn coi trọng xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh, gắn với xây dựng đơn vị vững mạnh toàn diện, bảo đảm sự lãnh đạo tuyệt đối, trực tiếp về mọi mặt của Đảng."
    top = clean_text_dump(f"Tác giả: Đại tá Hoàng Văn Thắng, Chính ủy\nXây dựng tổ chức cơ sở đảng vững mạnh\nThứ Hai, 18/03/2024 | 08:15\n{para}\n")
    assert top.author == "Hoàng Văn Thắng" and top.title == "Xây dựng tổ chức cơ sở đảng vững mạnh"
    bottom = clean_text_dump(f"Một tiêu đề bài viết\n{para}\nTin, ảnh: Minh Huyền\nTin bài cùng chuyên mục:\n• Bài khác (10-08-2022)\n")
    assert bottom.author == "Minh Huyền"
    assert bottom.text == para


def test_unit_line_under_a_signature_is_not_body():
    para = "Các chi bộ đưa việc thực hiện văn hóa ứng xử vào nội dung sinh hoạt thường kỳ, coi đây là tiêu chí đánh giá mức độ hoàn thành nhiệm vụ của mỗi đảng viên trong năm, gắn với thi đua của đơn vị."
    cleaned = strip_residue(f"{para}\nTrần Minh Khoa\n(Phòng Công tác đảng và công tác chính trị)")
    assert cleaned.text == para and cleaned.author == "Trần Minh Khoa"


@pytest.mark.parametrize(
    "player",
    [
        ["Nghe bài viết", "00:00 / 03:21"],
        ["00:00", "Đọc bài", "Tạm dừng"],
        ["Giọng nữ | Giọng nam", "-04:05"],
    ],
)
def test_audio_player_under_the_headline_is_not_the_title(player):
    para = "Sau hợp nhất, Đảng ủy phường Tân An đã kiện toàn 24 chi bộ khu phố, phân công cấp ủy viên dự sinh hoạt định kỳ và lấy ý kiến người dân về những việc chi bộ cần làm ngay trong quý."
    lines = ["Chi bộ khu phố giữ nền nếp sinh hoạt sau sắp xếp", "Thứ Sáu, 06/02/2026 - 07:10", *player, para]
    cleaned = clean_text_dump("\n".join(lines) + "\n")
    assert cleaned.title == "Chi bộ khu phố giữ nền nếp sinh hoạt sau sắp xếp"
    assert cleaned.text == para


_LAST = "Dịp này, Đảng ủy xã trao Huy hiệu 40 năm tuổi Đảng cho 6 đảng viên và biểu dương 12 chi bộ thôn hoàn thành xuất sắc nhiệm vụ năm 2023."
_PARA = "Năm 2023, Đảng ủy xã Hòa An chỉ đạo các chi bộ thôn đưa nội dung giữ gìn vệ sinh môi trường, chăm lo hộ nghèo vào sinh hoạt thường kỳ; mỗi đảng viên nhận theo dõi từ 5 đến 7 hộ gia đình."


@pytest.mark.parametrize(
    "last_line, author, text_ends",
    [
        # a closing "Name (Unit)" / "Name - Unit." byline is taken off and gives the author
        ("Thảo Vy (Ban Dân vận Huyện ủy)", "Thảo Vy", _LAST),
        ("Đỗ Khánh Linh - Văn phòng Đảng ủy xã Hòa An.", "Đỗ Khánh Linh", _LAST),
        ("Bích Ngọc (tổng hợp)", "Bích Ngọc", _LAST),
        # a real last sentence that opens with a name stays in the text
        ("Ông Nguyễn Văn Tư (Bí thư Chi bộ thôn 2) cảm ơn Đảng ủy.", None, "cảm ơn Đảng ủy."),
        ("Hồng Phúc - Chi bộ đã làm tốt việc giữ nền nếp sinh hoạt.", None, "nền nếp sinh hoạt."),
        ("Trần Văn Đức (Chi bộ thôn 4), Lê Thị Hoa (Chi bộ thôn 5) và 4 đảng viên khác nhận giấy khen.", None, "nhận giấy khen."),
    ],
)
def test_closing_byline_with_unit(last_line, author, text_ends):
    cleaned = strip_residue(f"{_PARA}\n{_LAST}\n{last_line}")
    assert cleaned.author == author
    assert cleaned.text.endswith(text_ends)
    assert cleaned.text.startswith(_PARA)


BODY_A = ("Chiều 14/3, Đảng ủy xã Tân Hòa tổ chức hội nghị sơ kết công tác xây dựng Đảng quý I, "
          "đánh giá kết quả lãnh đạo thực hiện nhiệm vụ chính trị của địa phương.")
BODY_B = ("Theo báo cáo, các chi bộ trực thuộc duy trì nền nếp sinh hoạt định kỳ, nội dung sinh hoạt "
          "được đổi mới, gắn với những vấn đề thiết thực ở khu dân cư.")
TITLE = "Đảng ủy xã Tân Hòa sơ kết công tác xây dựng Đảng quý I"

# (dump, title, published, author, first words, last words, fragments that must be gone)
DUMPS = {
    "byline under the headline, clock date line": (
        f"Trang chủ | Tin tức\n{TITLE}\nMINH KHANG |\n16:05, Thứ Ba, 18/03/2025 (GMT+7)\n{BODY_A}\n{BODY_B}\n"
        "Từ khóa: chi bộ; sinh hoạt\nGửi bình luận\n",
        TITLE, date(2025, 3, 18), "Minh Khang", "Chiều 14/3", "ở khu dân cư.", ["Từ khóa", "Gửi bình luận", "MINH KHANG"]),
    "signature with a unit at the end, caption without credit": (
        f"{TITLE}\nCập nhật lúc 09:30 ngày 19/03/2025\n{BODY_A}\nQuang cảnh hội nghị.\n{BODY_B}\n"
        "Thanh Tâm (Trung tâm Chính trị huyện)\nTin liên quan\nMột tin khác ở xã bên\n",
        TITLE, date(2025, 3, 19), "Thanh Tâm", "Chiều 14/3", "ở khu dân cư.",
        ["Quang cảnh hội nghị.", "Tin liên quan", "Trung tâm Chính trị huyện"]),
    "official document with its header": (
        "ĐẢNG BỘ TỈNH AN PHÚ\nĐẢNG ỦY XÃ TÂN HÒA\n*\nSố 07-KH/ĐU\nĐẢNG CỘNG SẢN VIỆT NAM\n"
        "Tân Hòa, ngày 02 tháng 4 năm 2025\nKẾ HOẠCH\nthực hiện chuyên đề sinh hoạt chi bộ năm 2025\n"
        "Căn cứ Điều lệ Đảng và hướng dẫn của cấp trên, Đảng ủy xã xây dựng kế hoạch như sau:\n"
        f"{BODY_B}\nT/M ĐẢNG ỦY\nBÍ THƯ\n",
        None, date(2025, 4, 2), None, "Căn cứ Điều lệ Đảng", "ở khu dân cư.", ["T/M ĐẢNG ỦY", "ĐẢNG BỘ TỈNH AN PHÚ"]),
}


@pytest.mark.parametrize("case", sorted(DUMPS))
def test_text_dump_shapes(case):
    dump, title, published, author, first, last, gone = DUMPS[case]
    cleaned = clean_text_dump(dump)
    if title is not None:
        assert cleaned.title == title
    else:
        assert cleaned.title and "kế hoạch" in cleaned.title.lower()
    assert cleaned.published_date == published
    assert cleaned.author == author
    assert cleaned.text.startswith(first), cleaned.text[:80]
    assert cleaned.text.endswith(last), cleaned.text[-80:]
    for fragment in gone:
        assert fragment not in cleaned.text
