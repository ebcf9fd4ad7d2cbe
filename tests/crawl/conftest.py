"""A small party-building news site on 127.0.0.1, served by the tests themselves.

Everything is generated here (invented Vietnamese texts; no real site is reached):
robots.txt disallowing /noi-bo/, a sitemap index with a gzipped sitemap, an RSS
feed, a section with three paginated pages, tracking-parameter variants of one
article, a page answering 500 once, a slow page, a redirect loop, a working
redirect, a PDF under both a .pdf and an extension-less URL, a page over the size
cap and a gzip page whose decoded body is over the cap.
"""
from __future__ import annotations

import gzip
import hashlib
import threading
import time
from email.utils import formatdate
from urllib.parse import urlsplit

import pytest

from tests.crawl.sites import QuietHandler, send, serve

TOPICS = [
    ("hoi-nghi-ban-chap-hanh-dang-bo-tinh-lan-thu-muoi-hai", "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ mười hai",
     "Hội nghị đánh giá kết quả thực hiện nhiệm vụ chính trị quý I và bàn giải pháp nâng cao chất lượng sinh hoạt chi bộ."),
    ("ket-nap-dang-vien-moi-trong-doan-vien-thanh-nien", "Kết nạp đảng viên mới trong đoàn viên thanh niên",
     "Đảng ủy xã đã kết nạp 14 đảng viên mới, trong đó có 9 đảng viên là đoàn viên thanh niên tiêu biểu."),
    ("nang-cao-chat-luong-sinh-hoat-chi-bo-o-khu-dan-cu", "Nâng cao chất lượng sinh hoạt chi bộ ở khu dân cư",
     "Các chi bộ khu dân cư duy trì sinh hoạt định kỳ, chọn chuyên đề gắn với đời sống của bà con."),
    ("kiem-tra-giam-sat-viec-thuc-hien-quy-dinh-neu-guong", "Kiểm tra, giám sát việc thực hiện quy định nêu gương",
     "Ủy ban Kiểm tra Huyện ủy tiến hành giám sát 6 tổ chức đảng và 12 đảng viên trong năm."),
    ("hoc-tap-quan-triet-nghi-quyet-hoi-nghi-trung-uong", "Học tập, quán triệt nghị quyết Hội nghị Trung ương",
     "Hơn 1.200 cán bộ, đảng viên tham dự hội nghị trực tuyến tại 35 điểm cầu trong toàn huyện."),
    ("cong-tac-dan-van-cua-chinh-quyen-cac-cap", "Công tác dân vận của chính quyền các cấp",
     "Chính quyền cơ sở lắng nghe ý kiến nhân dân, giải quyết dứt điểm nhiều kiến nghị tồn đọng."),
    ("xay-dung-to-chuc-co-so-dang-trong-sach-vung-manh", "Xây dựng tổ chức cơ sở đảng trong sạch, vững mạnh",
     "Năm qua có 87% tổ chức cơ sở đảng được xếp loại hoàn thành tốt nhiệm vụ trở lên."),
    ("boi-duong-ly-luan-chinh-tri-cho-cam-tinh-dang", "Bồi dưỡng lý luận chính trị cho quần chúng cảm tình Đảng",
     "Trung tâm Chính trị huyện mở 3 lớp bồi dưỡng với 186 học viên là quần chúng ưu tú."),
    ("phat-huy-vai-tro-nguoi-dung-dau-cap-uy", "Phát huy vai trò người đứng đầu cấp ủy",
     "Bí thư cấp ủy trực tiếp đối thoại với nhân dân, chỉ đạo tháo gỡ vướng mắc ở cơ sở."),
    ("chi-bo-thon-dan-dau-xay-dung-nong-thon-moi", "Chi bộ thôn đi đầu xây dựng nông thôn mới",
     "Chi bộ ra nghị quyết chuyên đề, đảng viên gương mẫu hiến đất mở rộng đường giao thông nông thôn."),
    ("tong-ket-cong-tac-xay-dung-dang-nam-hai-nghin-hai-muoi-ba", "Tổng kết công tác xây dựng Đảng năm 2023",
     "Hội nghị đề ra 5 nhóm giải pháp trọng tâm cho công tác xây dựng Đảng năm tới."),
    ("trao-huy-hieu-nam-muoi-nam-tuoi-dang", "Trao Huy hiệu 50 năm tuổi Đảng",
     "Đồng chí Bí thư Thành ủy trao Huy hiệu 50 năm tuổi Đảng cho 23 đảng viên lão thành."),
]

BODY_SENTENCES = [
    "Phát biểu chỉ đạo, đồng chí Bí thư nhấn mạnh yêu cầu đổi mới nội dung, phương thức lãnh đạo của cấp ủy.",
    "Các đại biểu tập trung thảo luận những khó khăn, vướng mắc và đề xuất nhiều giải pháp sát thực tiễn.",
    "Cấp ủy yêu cầu các chi bộ cụ thể hóa nghị quyết bằng chương trình hành động, phân công rõ người, rõ việc.",
    "Hội nghị thống nhất tiếp tục đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh.",
]


def article_html(i: int, slug: str, title: str, lead: str, pad: int = 0) -> bytes:
    paras = "\n".join(f"<p>{s}</p>" for s in BODY_SENTENCES)
    filler = "<p>" + ("Cán bộ, đảng viên gương mẫu thực hiện nhiệm vụ được giao. " * pad) + "</p>" if pad else ""
    day = 1 + i % 27
    html = f"""<!DOCTYPE html>
<html lang="vi"><head><meta charset="utf-8"><title>{title} - Cổng thông tin Đảng bộ tỉnh</title>
<meta property="article:published_time" content="2024-03-{day:02d}T08:30:00+07:00">
<meta property="og:title" content="{title}"></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/xay-dung-dang">Xây dựng Đảng</a> | <a href="/lien-he">Liên hệ</a></nav>
<article><h1>{title}</h1><p class="date">Thứ Hai, {day:02d}/03/2024 08:30</p>
<p><b>{lead}</b></p>
{paras}
{filler}
</article>
<footer>Cổng thông tin điện tử Đảng bộ tỉnh. Ghi rõ nguồn khi phát hành lại thông tin từ cổng này.</footer>
</body></html>"""
    return html.encode("utf-8")


def listing_html(title: str, links: list[str]) -> bytes:
    items = "\n".join(f'<li><a href="{h}">Bài viết {n}</a></li>' for n, h in enumerate(links, 1))
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title></head>
<body><nav><a href="/">Trang chủ</a> | <a href="/lien-he">Liên hệ</a> | <a href="/tag/chi-bo">Chi bộ</a></nav>
<h1>{title}</h1><ul>
{items}
</ul></body></html>""".encode("utf-8")


class Site:
    """The fixture site's pages and a log of every request it received."""

    def __init__(self):
        self.base = ""
        self.log: list[tuple[float, str, dict]] = []
        self.lock = threading.Lock()
        self.flaky_hits = 0
        self.article_delay = 0.0
        self.articles = {}  # path -> bytes
        for n, (slug, title, lead) in enumerate(TOPICS, 1):
            self.articles[f"/xay-dung-dang/{slug}-{1000 + n}.html"] = article_html(n, slug, title, lead)
        self.flaky = "/tin-tuc/bai-loi-may-chu-tam-thoi-5001.html"
        self.slow = "/tin-tuc/bai-tai-cham-qua-lau-5002.html"
        self.loop_a = "/chuyen-huong/vong-lap-a-5003.html"
        self.loop_b = "/chuyen-huong/vong-lap-b-5004.html"
        self.big = "/tin-tuc/bai-qua-dung-luong-cho-phep-5005.html"
        self.gzbig = "/tin-tuc/bai-nen-gzip-qua-dung-luong-5007.html"
        self.moved = "/tin-tuc/duong-dan-cu-cua-bai-viet-5006.html"
        self.pdf = "/tai-lieu/bao-cao-tong-ket-2024.pdf"
        self.pdf_noext = "/van-ban/quy-dinh-ve-cong-tac-kiem-tra-dang-2024"
        self.private = "/noi-bo/hop-chi-bo-noi-bo-ky-thang-ba-9001.html"
        self.flaky_body = article_html(50, "", "Sinh hoạt chuyên đề về đạo đức công vụ", "Chi bộ cơ quan tổ chức sinh hoạt chuyên đề quý I.")

    def a(self, n: int) -> str:
        return list(self.articles)[n - 1]

    # what a correct crawl stores: every article, the flaky page; A12 via the redirect
    def expected_paths(self) -> set[str]:
        return set(self.articles) | {self.flaky}

    def sitemap_2024(self) -> bytes:
        urls = [self.a(1), self.a(2), self.a(3), self.private]
        body = "".join(f"<url><loc>{self.base}{u}</loc><lastmod>2024-03-0{i + 1}</lastmod></url>" for i, u in enumerate(urls))
        return gzip.compress(f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{body}</urlset>'.encode())

    def route(self, path: str, query: str):
        """(status, headers, body) for a GET."""
        b = self.base
        html = {"Content-Type": "text/html; charset=utf-8"}
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, f"User-agent: *\nDisallow: /noi-bo/\nSitemap: {b}/sitemap_index.xml\n".encode()
        if path == "/sitemap_index.xml":
            x = (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f"<sitemap><loc>{b}/sitemaps/bai-viet-2024.xml.gz</loc><lastmod>2024-03-10</lastmod></sitemap>"
                 f"<sitemap><loc>{b}/sitemaps/bai-viet-chuyen-muc.xml</loc></sitemap></sitemapindex>")
            return 200, {"Content-Type": "application/xml"}, x.encode()
        if path == "/sitemaps/bai-viet-2024.xml.gz":
            return 200, {"Content-Type": "application/x-gzip"}, self.sitemap_2024()
        if path == "/sitemaps/bai-viet-chuyen-muc.xml":
            x = (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f"<url><loc>{b}{self.a(4)}?utm_source=sitemap</loc></url><url><loc>{b}{self.moved}</loc></url></urlset>")
            return 200, {"Content-Type": "application/xml"}, x.encode()
        if path == "/rss.xml":
            items = [self.a(5), self.a(6), self.a(1) + "?utm_source=rss&utm_medium=feed"]
            x = ('<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE rss [<!ENTITY x "chi bộ"><!ENTITY ext SYSTEM "file:///etc/hostname">]>'
                 '<rss version="2.0"><channel><title>Tin xây dựng Đảng &x;</title>'
                 + "".join(f"<item><title>Tin &x; &ext;</title><link>{b}{u}</link><pubDate>Mon, 04 Mar 2024 08:00:00 +0700</pubDate></item>" for u in items)
                 + "</channel></rss>")
            return 200, {"Content-Type": "application/rss+xml; charset=utf-8"}, x.encode()
        if path == "/xay-dung-dang":
            page = query.replace("page=", "") or "1"
            if page == "1":
                links = [self.a(7), self.a(8), self.a(1) + "?utm_campaign=zalo&zarsrc=30", "/xay-dung-dang?page=2",
                         f"http://localhost:{urlsplit(b).port}/xay-dung-dang/bai-ngoai-mien-cho-phep-8001.html"]
            elif page == "2":
                links = [self.a(9), self.a(10), self.a(7), "/xay-dung-dang?page=3", "/xay-dung-dang?page=1"]
            elif page == "3":
                links = [self.a(11), self.pdf, self.pdf_noext, self.flaky, self.slow, self.loop_a, self.big, self.gzbig,
                         self.moved, self.private, "/xay-dung-dang?page=2"]
            else:
                return 404, html, b"<html><body>Not found</body></html>"
            return 200, html, listing_html("Xây dựng Đảng", links)
        if path in self.articles:
            if self.article_delay:
                time.sleep(self.article_delay)
            return 200, html, self.articles[path]
        if path == self.flaky:
            with self.lock:
                self.flaky_hits += 1
                first = self.flaky_hits == 1
            if first:
                return 500, html, b"<html><body>Internal Server Error</body></html>"
            return 200, html, self.flaky_body
        if path == self.slow:
            time.sleep(2.5)
            return 200, html, article_html(60, "", "Bài tải chậm", "Máy chủ phản hồi quá chậm.")
        if path == self.loop_a:
            return 302, {"Location": f"{b}{self.loop_b}"}, b""
        if path == self.loop_b:
            return 302, {"Location": f"{b}{self.loop_a}"}, b""
        if path == self.moved:
            return 301, {"Location": f"{b}{self.a(12)}"}, b""
        if path == self.big:
            return 200, html, article_html(70, "", "Bài quá dung lượng", "Trang quá lớn.", pad=4000)
        if path == self.gzbig:
            body = gzip.compress(article_html(71, "", "Bài nén quá dung lượng", "Trang nén.", pad=4000))
            return 200, {**html, "Content-Encoding": "gzip"}, body
        if path in (self.pdf, self.pdf_noext):
            return 200, {"Content-Type": "application/pdf"}, b"%PDF-1.4\n" + b"0" * 5000
        if path == self.private:
            return 200, html, article_html(90, "", "Nội bộ", "Không được thu thập.")
        if path == "/":
            return 200, html, listing_html("Trang chủ", ["/xay-dung-dang"])
        return 404, html, b"<html><body>Not found</body></html>"


class Handler(QuietHandler):
    def do_GET(self):
        site: Site = self.server.app
        parts = urlsplit(self.path)
        with site.lock:
            site.log.append((time.monotonic(), self.path, dict(self.headers.items())))
        status, headers, body = site.route(parts.path, parts.query)
        if status == 200 and parts.path in site.articles:
            etag = '"' + hashlib.md5(body).hexdigest() + '"'
            headers = {**headers, "ETag": etag, "Last-Modified": formatdate(1709530200, usegmt=True)}
            if self.headers.get("If-None-Match") == etag or self.headers.get("If-Modified-Since"):
                status, body = 304, b""
        send(self, status, headers, body)


@pytest.fixture(scope="module")
def site():
    with serve(Site(), Handler) as s:
        yield s
