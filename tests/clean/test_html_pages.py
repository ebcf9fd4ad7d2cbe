"""Saved HTML pages (tests/fixtures/html): the cleaner beats plain trafilatura on every
field, and the layout readers (headline, lead, date line, byline, address) one by one."""
import json
import unicodedata
from datetime import date
from pathlib import Path

import lxml.html
import pytest

from pipeline.clean import html_eval, html_layout
from pipeline.clean.html import _is_photo_caption, _prepare_tree, clean_html
from pipeline.evaluate import load_gold, norm

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "html"
GOLD = load_gold(PAGES / "gold")
FLOORS = json.loads((PAGES / "floors.json").read_text(encoding="utf-8"))


def test_every_page_has_gold_and_every_gold_a_page():
    pages = {p.name for p in PAGES.glob("*.html")}
    assert pages == {g["doc"] for g in GOLD}
    assert len(pages) >= 15


@pytest.mark.parametrize("gold", GOLD, ids=lambda g: g["doc"])
def test_gold_quotes_its_page(gold):
    """Every string the gold quotes is printed on the page (bylines may be re-cased)."""
    page = lxml.html.fromstring((PAGES / gold["doc"]).read_text(encoding="utf-8"))
    visible = norm(" ".join(page.text_content().split()))
    quoted = [gold["title"], gold["body_first_words"], gold["body_last_words"], *gold["boilerplate"]]
    if gold.get("author"):
        quoted.append(gold["author"])
    for text in quoted:
        assert norm(text) in visible, text
    assert gold["published_date"] is None or date.fromisoformat(gold["published_date"])


def test_pipeline_beats_plain_trafilatura_on_every_field():
    results = html_eval.score_all(GOLD, PAGES)
    floors = {k: v for k, v in FLOORS.items() if not k.startswith("_")}
    assert set(floors) == set(html_eval.FIELDS)
    assert html_eval.failures(results, floors) == []


@pytest.mark.parametrize("line, expected", [
    ("thứ năm, 08 08 2019 08:51", date(2019, 8, 8)),
    ("Cập nhật ngày 24/12/12 - 10:15", date(2012, 12, 24)),
    ("(Cập nhật: 05-9-2022 16:40)", date(2022, 9, 5)),
    ("Thứ Hai, 12:05, 15/04/2024", date(2024, 4, 15)),
    ("Lượt xem: 1234", None),
])
def test_date_lines_of_portals(line, expected):
    assert html_layout.parse_date_loose(line) == expected


@pytest.mark.parametrize("title, sites, expected", [
    ("Chi bộ ấp Mới sinh hoạt chuyên đề | Báo Long An điện tử", set(), "Chi bộ ấp Mới sinh hoạt chuyên đề"),
    ("Cổng TTĐT tỉnh Long An - Chi bộ ấp Mới sinh hoạt chuyên đề", set(), "Chi bộ ấp Mới sinh hoạt chuyên đề"),
    ("Kết nạp đảng viên – Đảng ủy Khối Cơ quan", {"đảng ủy khối cơ quan"}, "Kết nạp đảng viên"),
    ("Đại hội nhiệm kỳ 2025 - 2030 thành công tốt đẹp", set(), "Đại hội nhiệm kỳ 2025 - 2030 thành công tốt đẹp"),
])
def test_site_name_taken_off_a_title(title, sites, expected):
    assert html_layout.strip_site(title, sites) == expected


@pytest.mark.parametrize("head, expected", [
    ('<meta property="og:url" content="https://a.example.vn/tin/1.html">', "https://a.example.vn/tin/1.html"),
    ('<link rel="canonical" href="https://a.example.vn/tin/2.html">', "https://a.example.vn/tin/2.html"),
    ('<base href="https://a.example.vn/index.php?id=3">', "https://a.example.vn/index.php?id=3"),
    ('<base href="https://a.example.vn/">', None),  # the site root is no page's address
    ('<link rel="canonical" href="/tin/4.html">', None),  # relative, nothing to resolve it against
])
def test_page_address(head, expected):
    tree = html_layout.parse_tree(f"<html><head>{head}</head><body><p>x</p></body></html>")
    assert html_layout.page_url(tree) == expected


def _block(html: str):
    return lxml.html.fragment_fromstring(html)


@pytest.mark.parametrize("html, caption", [
    ('<p style="text-align:center"><img src="a.jpg"><br><i>Quang cảnh hội nghị</i></p>', True),
    ('<p><img src="a.jpg"><br><em>Đồng chí Bí thư phát biểu tại hội nghị</em></p>', True),
    ('<p class="img_caption"><img src="a.jpg">Chi bộ sinh hoạt chuyên đề</p>', True),
    ('<p><img src="a.jpg"></p>', True),
    ('<p><img src="a.jpg" style="float:left">Dịp này, Huyện ủy trao Huy hiệu 30 năm tuổi Đảng cho 5 đảng viên.</p>', False),
    ('<p>Trung tâm sẽ mở thêm 3 lớp trong tháng 9. <img src="end.png" width="12"></p>', False),
])
def test_photo_block_or_paragraph_with_an_inline_image(html, caption):
    assert _is_photo_caption(_block(html)) is caption


def test_inline_image_paragraph_keeps_its_sentence():
    tree = _prepare_tree("<html><body><div><p>Câu mở đầu của bài viết.</p>"
                         "<p><img src='i.png'>Câu cuối của bài viết ngắn.</p></div></body></html>")
    assert "Câu cuối của bài viết ngắn." in tree.text_content()
    assert tree.find(".//img") is None


@pytest.mark.parametrize("text, expected", [
    ("Bài và ảnh: TRẦN HẢI", "Trần Hải"),
    ("TS. NGUYỄN VĂN AN\nHọc viện Chính trị khu vực III", "Nguyễn Văn An"),
    ("Tác giả: Lê Thị Hồng Nhung", "Lê Thị Hồng Nhung"),
    ("Đăng bởi\nBan Biên Tập", None),
    ("admin", None),
])
def test_byline_names(text, expected):
    assert html_layout.byline_name(text) == expected


@pytest.mark.parametrize("value, expected", [
    ("Báo Bình Định", None), ("admin", None), ("Trung tâm Văn hóa - Thông tin huyện", None),
    ("Nguyễn Thị Lan", "Nguyễn Thị Lan"),
])
def test_meta_author_only_when_a_person(value, expected):
    assert html_layout.person_author(value, {"báo bình định"}) == expected


PAGE = """<html><head><title>Cổng thông tin điện tử xã Đông Hưng</title></head><body>
<div class="top">Thứ Hai, 07/12/2026</div>
<div class="left"><div class="box-title">Tin mới</div><a href="#">Hội nghị giao ban khối dân vận quý IV</a> <span>(01/11/2024)</span></div>
<div class="main"><span class="tieudetin">Chi bộ ấp Đông Hòa sinh hoạt chuyên đề về giữ gìn vệ sinh môi trường</span><br>
<span class="ngay">Thứ năm, 07 11 2024 08:30</span><br>
<span class="trichyeu"><b>Tối 6/11, Chi bộ ấp Đông Hòa tổ chức sinh hoạt chuyên đề quý IV, mời đại diện các hộ dân cùng dự và góp ý.</b></span>
<div class="content"><p>Đảng viên và người dân thống nhất mỗi tuần tổng vệ sinh đường ấp một lần, mỗi đảng viên phụ trách năm hộ liền kề.</p>
<p>Chi bộ giao Ban công tác Mặt trận ấp theo dõi, báo cáo kết quả tại kỳ sinh hoạt tháng sau để kịp thời nhắc nhở.</p>
<div class="tacgia">Ngọc Hân</div></div>
<div class="comment"><span>Nguyễn Văn Tư</span><p>Ấp tôi cũng nên làm như vậy để đường sạch hơn nữa, cảm ơn chi bộ ấp Đông Hòa.</p></div>
</div></body></html>"""


def test_layout_of_a_portal_page_made_of_spans():
    """Headline in a span, date line spaced, lead in a bold span, byline below the body,
    a reader's comment: the cleaner reads each where the page puts it."""
    cleaned = clean_html(PAGE)
    assert cleaned.title == "Chi bộ ấp Đông Hòa sinh hoạt chuyên đề về giữ gìn vệ sinh môi trường"
    assert cleaned.published_date == date(2024, 11, 7)
    assert cleaned.author == "Ngọc Hân"
    assert cleaned.text.startswith("Tối 6/11, Chi bộ ấp Đông Hòa tổ chức")
    assert cleaned.text.endswith("để kịp thời nhắc nhở.")
    assert "Nguyễn Văn Tư" not in cleaned.text and "Ấp tôi cũng nên" not in cleaned.text
    assert cleaned.url is None


def test_pages_are_nfc():
    for page in PAGES.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert unicodedata.normalize("NFC", text) == text, page.name


def test_related_teasers_between_headline_and_body_are_not_the_lead():
    html = """<html><body><h1 class="title">Xã Phú Lộc tổng kết công tác dân vận năm 2024</h1>
    <div class="related-top"><p>Huyện Phú Vang tổ chức hội nghị điển hình dân vận khéo với hơn 200 đại biểu tham dự.</p></div>
    <figure><img src="a.jpg"><figcaption>Quang cảnh hội nghị tổng kết của xã trong sáng nay, ảnh chụp từ phía sau hội trường.</figcaption></figure>
    <div class="content"><p>Sáng 20/12, Đảng ủy xã Phú Lộc tổng kết công tác dân vận năm 2024 và biểu dương 12 mô hình dân vận khéo.</p>
    <p>Năm 2025, xã phấn đấu mỗi thôn có ít nhất một mô hình dân vận khéo gắn với xây dựng nông thôn mới.</p></div>
    </body></html>"""
    cleaned = clean_html(html)
    assert cleaned.text.startswith("Sáng 20/12, Đảng ủy xã Phú Lộc")
    assert "Phú Vang" not in cleaned.text and "Quang cảnh" not in cleaned.text


def test_site_name_is_no_headline_and_site_root_no_address():
    html = """<html><head><title>Cổng thông tin điện tử xã Hòa Bắc</title>
    <meta property="og:title" content="Cổng thông tin điện tử xã Hòa Bắc"><meta property="og:url" content="https://hoabac.example.vn/">
    </head><body><div class="logo"><h1>Cổng thông tin điện tử xã Hòa Bắc</h1></div>
    <div class="detail"><h2 class="news-title">Chi bộ thôn Nam Yên kết nạp hai đảng viên trẻ</h2><div class="date">05/06/2024</div>
    <div class="body"><p>Chiều 4/6, Chi bộ thôn Nam Yên tổ chức lễ kết nạp hai đoàn viên ưu tú vào Đảng, nâng số đảng viên của chi bộ lên 31.</p>
    <p>Bí thư chi bộ phân công hai đảng viên chính thức giúp đỡ các đồng chí mới trong thời gian dự bị.</p></div></div></body></html>"""
    cleaned = clean_html(html)
    assert cleaned.title == "Chi bộ thôn Nam Yên kết nạp hai đảng viên trẻ"
    assert cleaned.published_date == date(2024, 6, 5)
    assert cleaned.url is None


def test_meta_titles_read_og_title_and_json_ld_headline():
    html = """<html><head><meta property="og:site_name" content="Báo Sông Lam">
    <meta property="og:title" content="Kỳ họp thứ 12 HĐND huyện khai mạc | Báo Sông Lam">
    <script type="application/ld+json">{"@type": "NewsArticle", "headline": "Kỳ họp thứ 12 \\"thành công\\" \\u0111\\u1eb9p"}</script>
    </head><body><p>x</p></body></html>"""
    tree = html_layout.parse_tree(html)
    assert html_layout.meta_titles(tree, html) == ["Kỳ họp thứ 12 HĐND huyện khai mạc", 'Kỳ họp thứ 12 "thành công" đẹp']


@pytest.mark.parametrize("lead, expected", [
    ("(BĐ) - Ngày 13/5, huyện", "Ngày 13/5, huyện"),
    ("TGĐT - Những năm qua", "Những năm qua"),
    ("(Dân Việt) - Từ đầu năm", "Từ đầu năm"),
    ("QĐND - Sáu tháng đầu năm", "Sáu tháng đầu năm"),
    ("COVID-19 đã làm chậm", "COVID-19 đã làm chậm"),
    ("UBND huyện - cơ quan", "UBND huyện - cơ quan"),
])
def test_agency_tag_taken_off_a_lead(lead, expected):
    assert html_layout.strip_agency(lead) == expected


def test_a_saved_page_keeps_its_own_address_in_the_dataset(tmp_path):
    """A page file has no crawl address: the articles table takes the one it prints."""
    from pipeline.evaluate import load_tables
    from pipeline.run import extract

    page = tmp_path / "saved.html"
    page.write_bytes((PAGES / "chinhphu_detail_sapo.html").read_bytes())
    extract([page], tmp_path / "out")
    (article,) = load_tables(tmp_path / "out")["articles"]
    gold = next(g for g in GOLD if g["doc"] == "chinhphu_detail_sapo.html")
    assert article["url"] == gold["url"]
    assert article["title"] == gold["title"]
