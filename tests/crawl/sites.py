"""Small party-committee sites of several URL layouts, served on 127.0.0.1 by the tests.

Each ``Layout`` is a dict of pages keyed by path and query (query order does not
matter), a robots.txt, and the two sets a correct crawl is checked against:
``articles`` (stored once each) and ``listings`` (judged listings, never stored).
All texts are invented. ``serve(layout)`` runs one layout on its own port.
"""
from __future__ import annotations

import gzip
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

HEADLINES = [
    "Đảng bộ phường tổ chức hội nghị sơ kết sáu tháng đầu năm",
    "Chi bộ khu phố ba sinh hoạt chuyên đề về phòng chống lãng phí",
    "Huyện ủy giao ban công tác xây dựng Đảng quý II",
    "Kết nạp mười hai đảng viên mới là công nhân lao động",
    "Ban Tuyên giáo mở lớp bồi dưỡng nghiệp vụ cho báo cáo viên",
    "Ủy ban Kiểm tra Thành ủy giám sát việc kê khai tài sản",
    "Đảng ủy xã đối thoại với nông dân về chuyển đổi cây trồng",
    "Hội nghị cán bộ chủ chốt quán triệt chỉ thị của Tỉnh ủy",
    "Chi bộ trường học nâng cao chất lượng đảng viên trẻ",
    "Sơ kết mô hình dân vận khéo ở các thôn vùng cao",
    "Đảng bộ doanh nghiệp phát huy vai trò hạt nhân chính trị",
    "Tổng kết đợt sinh hoạt chính trị về tư tưởng đạo đức công vụ",
    "Trao quyết định chuẩn y ban chấp hành đảng bộ cơ sở",
    "Đoàn công tác kiểm tra việc thực hiện nghị quyết đại hội",
    "Phường ra mắt mô hình chi bộ số trong sinh hoạt định kỳ",
    "Học tập chuyên đề năm về phong cách nêu gương của cán bộ",
]

SENTENCES = [
    "Phát biểu kết luận, đồng chí Bí thư đề nghị các chi bộ tiếp tục đổi mới nội dung sinh hoạt, gắn với nhiệm vụ chính trị của địa phương.",
    "Các ý kiến tham luận tập trung làm rõ nguyên nhân của hạn chế và đề xuất giải pháp khắc phục trong thời gian tới.",
    "Cấp ủy phân công từng đồng chí ủy viên phụ trách địa bàn, thường xuyên nắm bắt tâm tư, nguyện vọng của nhân dân.",
    "Hội nghị thống nhất đẩy mạnh kiểm tra, giám sát, kịp thời chấn chỉnh những biểu hiện thiếu gương mẫu của đảng viên.",
    "Trong kỳ, toàn đảng bộ đã tổ chức 24 buổi sinh hoạt chuyên đề với sự tham gia của hơn 900 lượt đảng viên.",
    "Đảng ủy yêu cầu các đoàn thể chính trị - xã hội phối hợp chặt chẽ, vận động hội viên tham gia phong trào thi đua.",
]

NAV = ('<nav class="menu"><a href="/">Trang chủ</a> <a href="/lien-he">Liên hệ</a> '
       '<a href="/tim-kiem?q=dang">Tìm kiếm</a> <a href="/tag/chi-bo">Chi bộ</a></nav>')


def article_page(n: int, related: list[tuple[str, str]] = ()) -> bytes:
    """An invented article: headline, date, lead, body, a "related news" box of headline links."""
    title = HEADLINES[n % len(HEADLINES)]
    body = "\n".join(f"<p>{SENTENCES[(n + i) % len(SENTENCES)]}</p>" for i in range(5))
    rel = "".join(f'<li><a href="{href}">{HEADLINES[i % len(HEADLINES)]}</a></li>' for href, i in
                  ((h, int(k)) for h, k in related))
    box = f'<div class="tin-lien-quan"><h3>Tin liên quan</h3><ul>{rel}</ul></div>' if rel else ""
    html = f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">
<title>{title} - Trang thông tin Đảng bộ</title><meta property="og:type" content="article"></head>
<body>{NAV}<div class="noi-dung"><h1>{title}</h1><p class="ngay">Thứ Ba, {1 + n % 28:02d}/05/2024</p>
<p><strong>Sáng nay, {title.lower()}, với sự tham dự của đông đảo cán bộ, đảng viên.</strong></p>
{body}</div>{box}<footer>Trang thông tin điện tử của Đảng bộ. Địa chỉ: số 1 đường Trung tâm.</footer></body></html>"""
    return html.encode("utf-8")


def listing_page(title: str, items: list[tuple[str, int]], more: list[tuple[str, str]] = (),
                 feed: str | None = None) -> bytes:
    """A section page: one teaser (headline link and summary) per item, then links ``more`` (href, text)."""
    teasers = "".join(
        f'<div class="tin"><h3><a href="{href}">{HEADLINES[n % len(HEADLINES)]}</a></h3>'
        f"<p>{SENTENCES[n % len(SENTENCES)]}</p></div>" for href, n in items)
    links = " ".join(f'<a href="{href}">{text}</a>' for href, text in more)
    alt = f'<link rel="alternate" type="application/rss+xml" href="{feed}">' if feed else ""
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>{alt}</head>
<body>{NAV}<h1>{title}</h1><div class="danh-sach">{teasers}</div><div class="phan-trang">{links}</div>
<footer>Trang thông tin điện tử của Đảng bộ.</footer></body></html>""".encode("utf-8")


def menu_page(title: str, links: list[tuple[str, str]], feed: str | None = None) -> bytes:
    """A home page of short menu links only (no teasers)."""
    items = "".join(f'<li><a href="{h}">{t}</a></li>' for h, t in links)
    alt = f'<link rel="alternate" type="application/rss+xml" href="{feed}">' if feed else ""
    return f"""<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"><title>{title}</title>{alt}</head>
<body><div id="header">Đảng bộ</div><h1>{title}</h1><ul class="chuyen-muc">{items}</ul></body></html>""".encode()


def urlset(base: str, paths: list[str]) -> bytes:
    locs = "".join(f"<url><loc>{base}{p}</loc><lastmod>2024-05-0{1 + i % 9}</lastmod></url>" for i, p in enumerate(paths))
    return (f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</urlset>").encode()


def sitemap_index(base: str, paths: list[str]) -> bytes:
    locs = "".join(f"<sitemap><loc>{base}{p}</loc></sitemap>" for p in paths)
    return (f'<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"{locs}</sitemapindex>").encode()


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(f"<item><title>{HEADLINES[i % len(HEADLINES)]}</title><link>{base}{p}</link>"
                    f"<pubDate>Tue, 07 May 2024 08:00:00 +0700</pubDate></item>" for i, p in enumerate(paths))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Tin mới</title>'
            f"{items}</channel></rss>").encode()


HTML = {"Content-Type": "text/html; charset=utf-8"}
XML = {"Content-Type": "application/xml"}


def _key(path_query: str) -> tuple[str, tuple]:
    parts = urlsplit(path_query)
    return parts.path or "/", tuple(sorted(parse_qsl(parts.query, keep_blank_values=True)))


@dataclass
class Layout:
    """One site. ``pages`` values: (status, headers, body) or a callable(layout) returning one."""

    name: str
    robots: str = "User-agent: *\nDisallow:\n"
    pages: dict = field(default_factory=dict)
    articles: set = field(default_factory=set)  # path?query of every article a crawl must store
    listings: set = field(default_factory=set)  # path?query of pages that must be judged listings
    base: str = ""
    log: list = field(default_factory=list)  # (monotonic time, path?query) of every request
    hits: dict = field(default_factory=dict)
    agents: set = field(default_factory=set)  # User-Agent headers received
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, path: str, body, status: int = 200, headers: dict | None = None) -> None:
        self.pages[_key(path)] = (status, headers or HTML, body)

    def article(self, path: str, n: int, related=()) -> None:
        self.add(path, article_page(n, related))
        self.articles.add(path)

    def listing(self, path: str, *args, **kw) -> None:
        self.add(path, listing_page(*args, **kw))
        self.listings.add(path)

    def route(self, path_query: str):
        with self.lock:
            self.log.append((time.monotonic(), path_query))
            key = _key(path_query)
            self.hits[key] = self.hits.get(key, 0) + 1
        if key[0] == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.replace("{base}", self.base).encode()
        page = self.pages.get(key)
        if page is None:
            return 404, HTML, "<html><body><p>Không tìm thấy trang.</p></body></html>".encode()
        if callable(page):
            return page(self)
        status, headers, body = page
        return status, headers, body(self) if callable(body) else body

    def requested(self, path_query: str) -> int:
        return self.hits.get(_key(path_query), 0)


def send(handler: BaseHTTPRequestHandler, status: int, headers: dict, body: bytes) -> None:
    """One reply; a client that hung up mid-reply is no error of the site."""
    try:
        handler.send_response(status)
        for k, v in headers.items():
            handler.send_header(k, v)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)
    except (BrokenPipeError, ConnectionResetError):
        pass


class QuietHandler(BaseHTTPRequestHandler):
    """HTTP/1.1 and no log lines; ``self.server.app`` is the site being served."""

    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass


class _Handler(QuietHandler):
    def do_GET(self):
        self.server.app.agents.add(self.headers.get("User-Agent"))
        send(self, *self.server.app.route(self.path))


@contextmanager
def serve(app, handler: type[BaseHTTPRequestHandler] = _Handler):
    """``app`` (a ``Layout``, by default) on its own loopback port; ``app.base`` is its root URL."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.app = app
    app.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app
    finally:
        server.shutdown()
        server.server_close()


# ---------------------------------------------------------------- the layouts


def issue_site() -> Layout:
    """A root whose robots.txt names a sitemap index -> gzipped sitemap of 12 short-slug articles, an
    RSS feed of 3 more (announced by the home page), a section of 3 listing pages, a page answering 500
    once, a redirect loop, a PDF and a disallowed folder."""
    s = Layout("issue", robots="User-agent: *\nDisallow: /noi-bo/\nSitemap: {base}/sitemap_index.xml\n")
    arts = [f"/tin/bai-{i}.html" for i in range(1, 16)]
    for i, p in enumerate(arts):
        s.article(p, i, related=[(arts[(i + 1) % 15], str(i + 1)), (arts[(i + 2) % 15], str(i + 2))])
    s.add("/sitemap_index.xml", lambda lay: sitemap_index(lay.base, ["/sitemaps/tin.xml.gz"]), headers=XML)
    s.add("/sitemaps/tin.xml.gz", lambda lay: gzip.compress(urlset(lay.base, arts[:12] + ["/noi-bo/bai-mat.html"])),
          headers={"Content-Type": "application/x-gzip"})
    s.add("/rss", lambda lay: rss(lay.base, arts[12:]), headers={"Content-Type": "application/rss+xml"})
    s.listing("/", "Trang chủ", [(arts[0], 0), (arts[1], 1)],
              more=[("/chuyen-muc/xay-dung-dang", "Xây dựng Đảng")], feed="/rss")
    s.listing("/chuyen-muc/xay-dung-dang", "Xây dựng Đảng", [(p, i) for i, p in enumerate(arts[:5])],
              more=[("/chuyen-muc/xay-dung-dang?trang=2", "2"), ("/chuyen-muc/xay-dung-dang?trang=3", "3")])
    s.listing("/chuyen-muc/xay-dung-dang?trang=2", "Xây dựng Đảng - trang 2",
              [(p, i) for i, p in enumerate(arts[5:10], 5)], more=[("/chuyen-muc/xay-dung-dang?trang=3", "3")])
    s.listing("/chuyen-muc/xay-dung-dang?trang=3", "Xây dựng Đảng - trang 3",
              [(p, i) for i, p in enumerate(arts[10:12], 10)] + [("/tin/loi-tam-thoi.html", 3), ("/tin/vong-lap.html", 4)],
              more=[("/tai-lieu/bao-cao.pdf", "Báo cáo"), ("/van-ban/quy-che", "Quy chế"), ("/noi-bo/bai-mat.html", "Nội bộ")])
    flaky = article_page(20)

    def once_500(lay):
        return (500, HTML, b"<html><body>Loi may chu</body></html>") if lay.requested("/tin/loi-tam-thoi.html") == 1 \
            else (200, HTML, flaky)

    s.pages[_key("/tin/loi-tam-thoi.html")] = once_500
    s.articles.add("/tin/loi-tam-thoi.html")
    s.pages[_key("/tin/vong-lap.html")] = lambda lay: (302, {"Location": f"{lay.base}/tin/vong-lap-2.html"}, b"")
    s.pages[_key("/tin/vong-lap-2.html")] = lambda lay: (302, {"Location": f"{lay.base}/tin/vong-lap.html"}, b"")
    s.add("/tai-lieu/bao-cao.pdf", b"%PDF-1.4\n" + b"0" * 2000, headers={"Content-Type": "application/pdf"})
    s.add("/van-ban/quy-che", b"%PDF-1.4\n" + b"0" * 2000, headers={"Content-Type": "application/pdf"})
    s.add("/noi-bo/bai-mat.html", article_page(30))
    return s


def numeric_ids() -> Layout:
    """Articles at /tin-tuc/<id>.html, a section /tin-tuc.html paginated as /tin-tuc/trang-2.html."""
    s = Layout("numeric ids")
    arts = [f"/tin-tuc/{i}.html" for i in (12, 13, 57, 101, 2024)]
    for i, p in enumerate(arts):
        s.article(p, i)
    s.listing("/", "Trang chủ", [(arts[0], 0)], more=[("/tin-tuc.html", "Tin tức")])
    s.listing("/tin-tuc.html", "Tin tức", [(p, i) for i, p in enumerate(arts[:3])], more=[("/tin-tuc/trang-2.html", "2")])
    s.listing("/tin-tuc/trang-2.html", "Tin tức - trang 2", [(p, i) for i, p in enumerate(arts[3:], 3)])
    return s


def query_ids() -> Layout:
    """Articles at /index.php?id=7, listings /index.php?cat=3 and ?cat=3&page=2."""
    s = Layout("query ids")
    arts = [f"/index.php?id={i}" for i in (7, 8, 31, 45)]
    for i, p in enumerate(arts):
        s.article(p, i + 3)
    s.listing("/", "Trang chủ", [], more=[("/index.php?cat=3", "Hoạt động"), ("/lien-he", "Liên hệ")])
    s.listing("/index.php?cat=3", "Hoạt động", [(p, i + 3) for i, p in enumerate(arts[:2])] + [(arts[0], 3)],
              more=[("/index.php?cat=3&page=2", "Trang sau")])
    s.listing("/index.php?cat=3&page=2", "Hoạt động - trang 2", [(p, i + 5) for i, p in enumerate(arts[2:])])
    return s


def aspx_items() -> Layout:
    """SharePoint-like: /Pages/ChiTiet.aspx?ItemID=15, a listing /Pages/DanhSach.aspx?CategoryID=2."""
    s = Layout("aspx ItemID")
    arts = [f"/Pages/ChiTiet.aspx?ItemID={i}" for i in (15, 16, 230)]
    for i, p in enumerate(arts):
        s.article(p, i + 6)
    s.listing("/", "Trang chủ", [], more=[("/Pages/DanhSach.aspx?CategoryID=2", "Tin hoạt động")])
    s.listing("/Pages/DanhSach.aspx?CategoryID=2", "Tin hoạt động", [(p, i + 6) for i, p in enumerate(arts)])
    return s


def joomla() -> Layout:
    """Joomla: articles view=article&id=21:slug, a category view=category&id=8 with limitstart pages."""
    s = Layout("joomla")
    base = "/index.php?option=com_content&Itemid=101"
    arts = [f"{base}&view=article&id={i}:bai-{i}&catid=8" for i in (21, 22, 23, 24)]
    for i, p in enumerate(arts):
        s.article(p, i + 9)
    cat = f"{base}&view=category&id=8"
    s.listing("/", "Trang chủ", [], more=[(cat, "Tin tức")])
    s.listing(cat, "Tin tức", [(p, i + 9) for i, p in enumerate(arts[:2])], more=[(cat + "&limitstart=2", "2")])
    s.listing(cat + "&limitstart=2", "Tin tức - 2", [(p, i + 11) for i, p in enumerate(arts[2:])])
    return s


def wordpress() -> Layout:
    """WordPress: /2024/05/07/slug/ articles, /category/xay-dung-dang/ and its /page/2/."""
    s = Layout("wordpress")
    arts = ["/2024/05/07/so-ket-cong-tac/", "/2024/05/09/hoi-nghi-giao-ban/", "/2024/04/28/ket-nap/",
            "/2024/04/02/sinh-hoat-chuyen-de/"]
    for i, p in enumerate(arts):
        s.article(p, i + 1)
    s.listing("/", "Trang chủ", [(arts[0], 1)], more=[("/category/xay-dung-dang/", "Xây dựng Đảng")])
    s.listing("/category/xay-dung-dang/", "Xây dựng Đảng", [(p, i + 1) for i, p in enumerate(arts[:2])],
              more=[("/category/xay-dung-dang/page/2/", "2")])
    s.listing("/category/xay-dung-dang/page/2/", "Xây dựng Đảng - 2", [(p, i + 3) for i, p in enumerate(arts[2:])])
    return s


def home_only() -> Layout:
    """Nothing but the home page leads in: a menu of short links to sections /c/5, /c/6 whose articles
    sit at /p/<n> (no shape any table knows); no sitemap, no feed."""
    s = Layout("home page only")
    arts = [f"/p/{n}" for n in (41, 42, 43, 77)]
    for i, p in enumerate(arts):
        s.article(p, i + 4)
    s.add("/", menu_page("Đảng bộ phường", [("/c/5", "Tin tức"), ("/c/6", "Văn bản"), ("/lien-he", "Liên hệ")]))
    s.listings.add("/")
    s.listing("/c/5", "Tin tức", [(p, i + 4) for i, p in enumerate(arts[:3])], more=[("/c/5?page=2", "2")])
    s.listing("/c/5?page=2", "Tin tức - 2", [(arts[3], 7)])
    s.listing("/c/6", "Văn bản", [(arts[0], 4)])
    return s


def sitemap_only() -> Layout:
    """The home page is an empty shell; robots.txt names a sitemap index -> a gzipped sitemap of
    /node/<n> pages (one of them a listing, not to be stored)."""
    s = Layout("sitemap only", robots="User-agent: *\nDisallow:\nSitemap: {base}/sitemap.xml\n")
    arts = [f"/node/{n}" for n in (3, 5, 8, 13, 21)]
    for i, p in enumerate(arts):
        s.article(p, i + 2)
    s.listing("/node/1", "Danh mục tin", [(p, i + 2) for i, p in enumerate(arts[:3])])
    s.add("/", '<!DOCTYPE html><html><head><title>Trang chủ</title></head><body><div id="app"></div>'
               "<script>khoiDong()</script></body></html>".encode())
    s.add("/sitemap.xml", lambda lay: sitemap_index(lay.base, ["/sitemaps/nodes.xml.gz"]), headers=XML)
    s.add("/sitemaps/nodes.xml.gz", lambda lay: gzip.compress(urlset(lay.base, ["/node/1", *arts])),
          headers={"Content-Type": "application/gzip"})
    return s


def feed_only() -> Layout:
    """The home page announces an RSS feed and links nowhere; the feed names /?p=<n> articles."""
    s = Layout("feed only")
    arts = [f"/?p={n}" for n in (101, 102, 205)]
    for i, p in enumerate(arts):
        s.article(p, i + 8)
    s.add("/", menu_page("Đảng bộ xã", [], feed="/feed/"))
    s.add("/feed/", lambda lay: rss(lay.base, arts), headers={"Content-Type": "application/rss+xml; charset=utf-8"})
    return s


LAYOUTS = [issue_site, numeric_ids, query_ids, aspx_items, joomla, wordpress, home_only, sitemap_only, feed_only]
