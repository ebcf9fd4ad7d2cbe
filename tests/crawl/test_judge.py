"""The page judge (pipeline/crawl/judge.py) on invented pages of every kind."""
from __future__ import annotations

import pytest

from pipeline.crawl.judge import Thresholds, judge_page
from tests.crawl import sites

BIG_MENU = "<nav>" + "".join(f'<a href="/muc-{i}">Chuyên mục {i}</a> ' for i in range(120)) + "</nav>"


def article_with_big_menu() -> bytes:
    return sites.article_page(3).replace(b"<body>", b"<body>" + BIG_MENU.encode())


SUMMARIES = [
    "Đoàn công tác đã làm việc với ban thường vụ về tiến độ triển khai các chương trình trọng tâm.",
    "Nhiều chi bộ chủ động xây dựng kế hoạch, phân công nhiệm vụ cụ thể cho từng đảng viên.",
    "Lớp học kéo dài năm ngày, trang bị kiến thức cơ bản về công tác tuyên truyền miệng ở cơ sở.",
    "Qua giám sát, ủy ban kiến nghị cấp ủy cơ sở kịp thời khắc phục một số tồn tại trong quản lý.",
    "Buổi đối thoại diễn ra thẳng thắn, cởi mở, nhiều kiến nghị được giải đáp ngay tại hội nghị.",
]


def article_with_related_teasers() -> bytes:
    teasers = "".join(f'<div class="tin"><a href="/tin/{i}">{sites.HEADLINES[i]}</a><p>{text}</p></div>'
                      for i, text in enumerate(SUMMARIES))
    return sites.article_page(4).replace(b"</div><footer>", f"<h3>Tin cùng chuyên mục</h3>{teasers}</div><footer>".encode())


def headline_list() -> bytes:
    items = "".join(f'<li><a href="/tin/{i}">{h}</a></li>' for i, h in enumerate(sites.HEADLINES[:10]))
    return f"<html><head><title>Tin mới</title></head><body><h1>Tin mới</h1><ul>{items}</ul></body></html>".encode()


def short_notice() -> bytes:
    return ("<html><head><title>Thông báo</title></head><body>" + BIG_MENU + "<h1>Thông báo lịch tiếp dân</h1>"
            "<p>Thường trực Đảng ủy tiếp dân vào sáng thứ Năm hằng tuần.</p><footer>Đảng bộ xã</footer></body></html>").encode()


CASES = [
    ("article", sites.article_page(1), "text/html; charset=utf-8", "article"),
    ("article with related news", sites.article_page(2, [(f"/tin/{i}", str(i)) for i in range(8)]), "text/html", "article"),
    ("article under a 120-link menu", article_with_big_menu(), "text/html", "article"),
    ("article with related teasers", article_with_related_teasers(), "text/html", "article"),
    ("teaser listing", sites.listing_page("Tin tức", [(f"/tin/{i}", i) for i in range(10)]), "text/html", "listing"),
    ("headline links only", headline_list(), "text/html", "listing"),
    ("menu of short links", sites.menu_page("Trang chủ", [(f"/c/{i}", f"Mục {i}") for i in range(8)]), "text/html", "listing"),
    ("short notice", short_notice(), "text/html", "too short"),
    ("PDF", b"%PDF-1.4\n" + b"0" * 500, "application/pdf", "not html"),
    ("PDF sent as HTML", b"%PDF-1.4\n\x00\x01" + b"0" * 500, "text/html", "not html"),
    ("empty body", b"", "text/html", "not html"),
]


@pytest.mark.parametrize("name,body,ctype,kind", CASES, ids=[c[0] for c in CASES])
def test_verdicts(name, body, ctype, kind):
    verdict = judge_page(body, "http://127.0.0.1/x", ctype)
    assert verdict.kind == kind, verdict.reason
    assert verdict.reason


def test_thresholds_are_data():
    page = sites.article_page(1)
    assert judge_page(page, content_type="text/html").kind == "article"
    strict = Thresholds.from_mapping({"min_chars": 5000, "unknown_key": 1})
    verdict = judge_page(page, content_type="text/html", thresholds=strict)
    assert verdict.kind == "too short" and "< 5000" in verdict.reason


def test_settings_hold_every_threshold():
    from pipeline.crawl.settings import SCRAPY_SETTINGS

    assert set(SCRAPY_SETTINGS["CRAWL_JUDGE"]) <= set(Thresholds.__dataclass_fields__)
    assert Thresholds.from_mapping(SCRAPY_SETTINGS["CRAWL_JUDGE"]) == Thresholds()


REPO = __import__("pathlib").Path(__file__).resolve().parents[2]
SAMPLE_ARTICLES = sorted((REPO / "data" / "raw").glob("*.html")) + [REPO / "tests" / "fixtures" / "portal_article.html"]


@pytest.mark.parametrize("path", SAMPLE_ARTICLES, ids=lambda p: p.name)
def test_the_repos_sample_articles_read_as_articles(path):
    """Portal, Joomla, table-layout and cp1258 pages of the repo's samples are all articles."""
    verdict = judge_page(path.read_bytes(), content_type="text/html")
    assert verdict.kind == "article", verdict.reason
