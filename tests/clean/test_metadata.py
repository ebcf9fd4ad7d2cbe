"""Dates, views, names and the publication date of HTML pages."""
from datetime import date

import pytest

from pipeline.clean.html import page_date
from pipeline.clean.metadata import looks_like_name, name_in_signature, parse_date, parse_views


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Đăng lúc: 07:56:25 15/04/2024 (GMT+7)", date(2024, 4, 15)),
        ("Thứ Hai, ngày 29/3/2021 - 14:15", date(2021, 3, 29)),
        ("14/10/2020 16:05 | Số lần xem: 298", date(2020, 10, 14)),
        ("Được đăng ngày Thứ tư, 08 Tháng 3 2023 09:20", date(2023, 3, 8)),
        ("ngày 16 tháng 6 năm 2022", date(2022, 6, 16)),
        ("2023-08-14T08:30:00+07:00", date(2023, 8, 14)),
        ("31/2/2022", None),
        ("Hôm nay: 1587", None),
        ("65.052 đảng viên", None),
    ],
)
def test_parse_date(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [("Lượt xem: 1.246", 1246), ("89 lượt xem", 89), ("Đã xem: 1896", 1896), ("Không có số", None)],
)
def test_parse_views(text, expected):
    assert parse_views(text) == expected


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Thanh Thảo", "Thanh Thảo"),
        ("Minh Tâm - Trung tâm Dịch vụ nông nghiệp huyện", "Minh Tâm"),
        ("Hà An (CTV)", "Hà An"),
        ("Tiến tới đại hội đảng", None),
        ("Giải phóng miền Nam", None),
        ("CÁC TIN ĐÃ ĐĂNG", None),
    ],
)
def test_name_in_signature(line, expected):
    assert name_in_signature(line) == expected


def test_looks_like_name_rejects_sentences():
    assert not looks_like_name("Đảng bộ xã có nhiều đổi mới trong công tác")


SIDEBAR_PAGE = """<html><body>
<div class="side"><ul><li>Tin cũ <span>28-02-2023</span></li></ul></div>
<div class="item"><h2>Tiêu đề bài</h2><dl><dd class="published">Được đăng ngày Thứ tư, 08 Tháng 3 2023 09:20</dd></dl>
<p>Đảng bộ huyện hiện có 54 tổ chức cơ sở đảng với nhiều đổi mới trong sinh hoạt chi bộ.</p></div>
</body></html>"""


def test_page_date_prefers_the_line_above_the_body_to_a_sidebar_date():
    body = "Đảng bộ huyện hiện có 54 tổ chức cơ sở đảng với nhiều đổi mới trong sinh hoạt chi bộ."
    assert page_date(SIDEBAR_PAGE, body, "2023-02-28") == date(2023, 3, 8)


def test_page_date_metadata_first():
    html = '<html><head><meta property="article:published_time" content="2024-01-15T09:05:00+07:00"></head><body><p>x</p></body></html>'
    assert page_date(html, "x", "2020-01-01") == date(2024, 1, 15)


def test_page_date_falls_back_to_extracted():
    assert page_date("<html><body><p>abc</p></body></html>", "abc", "2022-05-01") == date(2022, 5, 1)


@pytest.mark.parametrize(
    "line, expected",
    [
        ("Đăng bởi Thu Hương", "Thu Hương"),
        ("Đại tá Hoàng Văn Thắng, Chính ủy Bộ Chỉ huy Quân sự tỉnh", "Hoàng Văn Thắng"),
        ("ThS. Lê Thị Mai", "Lê Thị Mai"),
        ("HOÀI THƯƠNG", "Hoài Thương"),
        ("NGUYỄN VĂN AN", "Nguyễn Văn An"),
        ("TIN LIÊN QUAN", None),
    ],
)
def test_bylines(line, expected):
    assert name_in_signature(line) == expected


def test_clean_author_strips_prefixes():
    from pipeline.clean.metadata import clean_author

    assert clean_author("Đăng bởi Thu Hương") == "Thu Hương"
    assert clean_author("Tác giả: Thiếu tá Phạm Anh") == "Phạm Anh"


@pytest.mark.parametrize(
    "markup",
    [
        '<time class="entry-date published" datetime="2023-07-01T09:30:12+07:00">01/07/2023</time><time class="updated" datetime="2023-07-03T10:00:00+07:00">03/07/2023</time>',
        '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2023-07-01T09:30:00+07:00"}</script>',
    ],
)
def test_structured_publication_dates(markup):
    html = f"<html><body>{markup}<p>Nội dung bài viết về công tác kết nạp đảng viên.</p></body></html>"
    assert page_date(html, "Nội dung bài viết về công tác kết nạp đảng viên.", None) == date(2023, 7, 1)


@pytest.mark.parametrize(
    "line, expected",
    [
        # closing bylines printed with their unit: the name is the author
        ("Thảo Vy (Ban Dân vận Huyện ủy)", "Thảo Vy"),
        ("Phan Quốc Bảo (Trung tâm Chính trị huyện Tam Nông)", "Phan Quốc Bảo"),
        ("Đỗ Khánh Linh - Văn phòng Đảng ủy xã Hòa An.", "Đỗ Khánh Linh"),
        ("Thiếu tá Vũ Đình Khải (Phòng Chính trị)", "Vũ Đình Khải"),
        ("Hải Yến (CTV)", "Hải Yến"),
        ("Bích Ngọc (tổng hợp)", "Bích Ngọc"),
        ("Lâm Tuấn (TTXVN).", "Lâm Tuấn"),
        # last sentences and other lines that only look like "Name (Unit)"
        ("Nguyễn Thị Lan (Bí thư Chi bộ) đã được khen thưởng.", None),
        ("Hồng Phúc - Chi bộ đã làm tốt việc giữ nền nếp sinh hoạt.", None),
        ("Trần Văn Đức - Phó Bí thư Đảng ủy cho biết sẽ tiếp tục kiện toàn chi bộ", None),
        ("Đồng Tháp (Ban Tổ chức Tỉnh ủy)", None),
        ("Hà Nội - Thủ đô ngàn năm văn hiến", None),
        ("Hồ Văn Lực (1932 - 2019)", None),
        ("Thanh Hải (nay là xã Thanh Hải mới)", None),
        ("Chi bộ thôn Đông (Đảng bộ xã Phước Sơn)", None),
        ("Lê Quang Huy (Đoàn viên Chi đoàn thôn, đảng viên dự bị, người đi đầu phong trào hiến đất)", None),
    ],
)
def test_name_with_unit(line, expected):
    from pipeline.clean.metadata import name_with_unit

    assert name_with_unit(line) == expected
