"""HTML pages through trafilatura, and the bs4 fallback."""
from datetime import date
from pathlib import Path

from pipeline.clean import clean_page
from pipeline.clean.html import clean_html

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "portal_article.html"


def test_portal_article():
    cleaned = clean_page(FIXTURE.read_text(encoding="utf-8"), "html", "https://tinhuy.example.vn/a/123")
    assert cleaned.title == "Đảng bộ xã Tân Phú kết nạp 12 đảng viên mới"
    assert cleaned.published_date == date(2023, 8, 14)
    assert cleaned.author == "Minh Khoa"
    assert cleaned.text.startswith("Sáng ngày 12/8/2023, Đảng ủy xã Tân Phú")
    assert cleaned.text.endswith("tham gia các phong trào tại địa phương./.")
    for fragment in ("Trang chủ", "Tin mới", "Ảnh: Minh Khoa", "Tin liên quan", "Chịu trách nhiệm", "0251 3822 111"):
        assert fragment not in cleaned.text


def test_fallback_when_trafilatura_finds_nothing():
    html = "<html><head><title>Tiêu đề</title></head><body><div>" + (
        "Chi bộ thôn Đông duy trì sinh hoạt định kỳ, nội dung thiết thực, bám sát nhiệm vụ chính trị của địa phương. " * 3
    ) + "</div></body></html>"
    cleaned = clean_html(html)
    assert "Chi bộ thôn Đông" in cleaned.text


def test_garbage_html_does_not_raise():
    for html in ("", "<", "<html><body></body></html>", "<div>" * 500):
        clean_html(html)


NEWS = """<html><head><title>Hội nghị sơ kết</title></head><body><article>
<h1>Ủy ban Kiểm tra Huyện ủy sơ kết công tác 6 tháng</h1>
<div class="detail-sapo">(BNA) - Sáng 12/7, Ủy ban Kiểm tra Huyện ủy Yên Thành tổ chức hội nghị sơ kết công tác kiểm tra, giám sát 6 tháng đầu năm.</div>
<div class="detail-content">
<p>Trong 6 tháng, cấp ủy các cấp đã kiểm tra 120 tổ chức đảng và 356 đảng viên, giám sát chuyên đề 64 tổ chức đảng; qua đó kịp thời chấn chỉnh những thiếu sót trong lãnh đạo, chỉ đạo ở cơ sở.</p>
<p style="text-align:center"><img src="/a.jpg"><br><i>Quang cảnh hội nghị sơ kết</i></p>
<p>Hội nghị đề ra nhiệm vụ trọng tâm 6 tháng cuối năm, tập trung kiểm tra tổ chức đảng và đảng viên khi có dấu hiệu vi phạm, nhất là trong quản lý đất đai và tài chính.</p>
</div></article></body></html>"""


def test_lead_in_a_div_is_kept_and_photo_paragraph_dropped():
    cleaned = clean_html(NEWS)
    assert cleaned.text.startswith("Sáng 12/7, Ủy ban Kiểm tra Huyện ủy Yên Thành")
    assert "Quang cảnh hội nghị" not in cleaned.text
    assert cleaned.text.endswith("quản lý đất đai và tài chính.")


def test_letters_written_as_character_references_are_normalised_like_the_rest():
    """``ho&#225;`` and ``Ho&agrave;`` (old editors write every accented letter so) become
    letters only when the page is parsed: they get the page's tone placement and NFC."""
    body = "<p>" + "Chi bộ thôn tổ chức sinh hoạt chuyên đề về công tác xây dựng Đảng. " * 4 + "</p>"
    html = ("<html><head><title>Tin</title></head><body><article><h1>Ho&#225; gi&#x1EA3;i m&#xE2;u thu&#x1EAB;n</h1>"
            f"{body}<p>T&#7881;nh Thanh Ho&#225; v&agrave; Kh&aacute;nh Ho&agrave; c&oacute; 12 &#273;&#7843;ng "
            "vi&ecirc;n m&#x1EDB;i.</p></article></body></html>")
    cleaned = clean_page(html, "html")
    assert cleaned.title == "Hóa giải mâu thuẫn"
    assert "Tỉnh Thanh Hóa và Khánh Hòa có 12 đảng viên mới." in cleaned.text
