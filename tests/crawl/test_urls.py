"""URL tables: canonical form and article / section / skip decisions, positives next to negatives."""
import pytest
from hypothesis import given, settings, strategies as st

from pipeline.crawl.urls import canonical_url, classify_url, in_scope, on_domains, section_scope

CANONICAL = [
    ("HTTPS://Example.VN:443/a-b.html?utm_source=rss&id=5#top", "https://example.vn/a-b.html?id=5"),
    ("https://x.vn/bai-viet-123.html?utm_source=zalo&utm_medium=zalo&zarsrc=30", "https://x.vn/bai-viet-123.html"),
    ("https://x.vn/bai-viet-123.html?fbclid=IwAR0abc", "https://x.vn/bai-viet-123.html"),
    ("https://x.vn/tin?newsid=5&catid=3", "https://x.vn/tin?catid=3&newsid=5"),  # real ids kept, sorted
    ("https://x.vn", "https://x.vn/"),
    ("ftp://x.vn/a", None),
    ("javascript:void(0)", None),
    ("", None),
]


@pytest.mark.parametrize("url,want", CANONICAL)
def test_canonical_url(url, want):
    assert canonical_url(url) == want


CLASSES = [
    # articles
    ("https://x.vn/xay-dung-dang/hoi-nghi-chi-bo-mau-1234.html", "article"),
    ("https://x.vn/tin-tuc/dang-bo-xa-to-chuc-dai-hoi.html", "article"),
    ("https://x.vn/nhan-to-moi/bai-viet-19850", "article"),
    ("https://x.vn/ban-chap-hanh-trung-uong-dang-102240305.htm", "article"),
    ("https://x.vn/Pages/tin.aspx?ItemID=9", "article"),
    ("https://x.vn/index.php?option=com_content&view=article&id=9:slug&catid=3", "article"),
    ("https://x.vn/2024/03/dang-bo-hoc-tap-nghi-quyet", "article"),
    ("https://x.vn/tin-tuc/123456.html", "article"),
    # sections (pagination)
    ("https://x.vn/xay-dung-dang?page=2", "section"),
    ("https://x.vn/xay-dung-dang/trang-2.html", "section"),
    ("https://x.vn/category/tin-tuc/page/3", "section"),
    # neither
    ("https://x.vn/", "other"),
    ("https://x.vn/xay-dung-dang", "other"),
    ("https://x.vn/tag/chi-bo", "skip"),
    ("https://x.vn/lien-he.html", "skip"),
    ("https://x.vn/tim-kiem?q=dang-vien", "skip"),
    ("https://x.vn/tai-lieu/bao-cao-2024.pdf", "file"),
    ("https://x.vn/anh/hoi-nghi-chi-bo.jpg", "skip"),
    ("https://x.vn/files/van-kien-dai-hoi.docx", "file"),
]


@pytest.mark.parametrize("url,want", CLASSES)
def test_classify_url(url, want):
    assert classify_url(url) == want


def test_domains_and_sections():
    assert on_domains("https://www.x.vn/a", ["x.vn"]) and on_domains("https://x.vn/a", ["x.vn"])
    assert not on_domains("https://evilx.vn/a", ["x.vn"]) and not on_domains("https://x.vn.evil.com/a", ["x.vn"])
    section = section_scope("https://x.vn/xay-dung-dang.html")
    assert in_scope("https://x.vn/xay-dung-dang/chi-bo", section)
    assert in_scope("https://x.vn/xay-dung-dang?page=2", section)
    assert not in_scope("https://x.vn/van-hoa", section)
    assert not in_scope("https://y.vn/xay-dung-dang/chi-bo", section)
    assert section_scope("https://x.vn/") is None and in_scope("https://x.vn/van-hoa", None)  # a root covers all


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_arbitrary_text_never_raises(text):
    for u in (text, "http://x.vn/" + text, "https://" + text):
        c = canonical_url(u)
        assert c is None or c.startswith(("http://", "https://"))
        classify_url(c or u)
