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
