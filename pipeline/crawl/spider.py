"""The spider: seeds -> sitemaps, feeds and section pages -> article pages -> WARC.

A seed may be a sitemap or sitemap index (gzipped or not), an RSS/Atom feed, a
section page or a site root; the response itself says which (XML root element or
HTML). A site root also has its robots.txt ``Sitemap:`` lines followed.
Section pages are followed through pagination and sub-sections for at most
``CRAWL_SECTION_DEPTH`` hops; links are canonicalised (tracking parameters
dropped) before any request, so one article is fetched once whatever its URL.
"""
from __future__ import annotations

import logging
import re
from datetime import date, datetime
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import HtmlResponse, TextResponse

from pipeline.crawl.safety import (
    TooLarge, gunzip_capped, looks_gzipped, parse_date, parse_feed, parse_sitemap, sniff_xml,
)
from pipeline.crawl.urls import canonical_url, classify_url, on_domains, under_section
from pipeline.crawl.warc import FetchedPage, Stored

log = logging.getLogger(__name__)

PUBLISHED_META = re.compile(
    rb"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|pubdate|"""
    rb"""publishdate|dc\.date\.issued|og:published_time)["'][^>]*>""",
    re.I,
)
CONTENT_ATTR = re.compile(rb"""content\s*=\s*["']([^"']+)["']""", re.I)


def published_in_html(body: bytes) -> date | None:
    """The article's published date from its meta tags, when it has one."""
    for m in PUBLISHED_META.finditer(body[:200_000]):
        c = CONTENT_ATTR.search(m.group(0))
        if c:
            d = parse_date(c.group(1).decode("ascii", "ignore"))
            if d:
                return d
    return None


class PartySpider(scrapy.Spider):
    name = "party"

    def __init__(self, seeds: list[str], store, index: dict[str, Stored], allow_domains: list[str],
                 since: date | None = None, refresh: bool = False, max_pages: int | None = None, **kw):
        super().__init__(**kw)
        self.seeds = [s for s in (canonical_url(u) for u in seeds) if s]
        self.store = store
        self.index = index
        self.since = since
        self.refresh = refresh
        self.max_pages = max_pages
        domains = {d.lower().strip().lstrip(".") for d in allow_domains if d.strip()}
        for s in self.seeds:
            host = urlsplit(s).hostname or ""
            domains.add(host[4:] if host.startswith("www.") else host)
        self.domains = sorted(domains)
        self.allowed_domains = self.domains
        self.section_pages = 0
        self.new_stored: list[str] = []

    # ------------------------------------------------------------ helpers

    @property
    def cfg(self):
        return self.crawler.settings

    def mark_stored(self, canonical: str, response) -> None:
        entry = Stored(url=response.url, date=response.meta.get("fetched_at"))
        self.index[canonical] = entry
        target = canonical_url(response.url)
        if target:
            self.index[target] = entry  # a redirect's target is stored too
        self.new_stored.append(response.url)

    def _article_request(self, url: str, published: date | None = None, depth: int = 0):
        canon = canonical_url(url)
        if not canon or not on_domains(canon, self.domains):
            return None
        kind = classify_url(canon)
        if kind != "article":
            self.crawler.stats.inc_value(f"crawl/links_{kind}")
            return None
        if self.since and published and published < self.since:
            self.crawler.stats.inc_value("crawl/skipped_before_since")
            return None
        stored = self.index.get(canon)
        meta = {"crawl_kind": "article", "canonical": canon}
        headers = {}
        if stored:
            if not self.refresh:
                self.crawler.stats.inc_value("crawl/skipped_stored")
                return None
            meta["revalidate"] = True
            meta["handle_httpstatus_list"] = [304]
            if stored.etag:
                headers["If-None-Match"] = stored.etag
            since = stored.last_modified or _http_date(stored.date)
            if since:
                headers["If-Modified-Since"] = since
        return scrapy.Request(canon, callback=self.parse_article, meta=meta, headers=headers,
                              errback=self.on_error)

    def _discovery_request(self, url: str, kind: str, depth: int, section: str | None = None):
        canon = canonical_url(url)
        if not canon or not on_domains(canon, self.domains):
            return None
        meta = {"crawl_kind": kind, "depth_hops": depth, "section": section or canon}
        return scrapy.Request(canon, callback=self.parse_any, meta=meta, errback=self.on_error,
                              priority=10 if kind != "section" else 5)

    # ------------------------------------------------------------ start

    async def start(self):
        for url in self.seeds:
            yield scrapy.Request(url, callback=self.parse_any, dont_filter=True, errback=self.on_error,
                                 meta={"crawl_kind": "seed", "depth_hops": 0, "section": url}, priority=20)
            parts = urlsplit(url)
            if parts.path in ("", "/") and not parts.query:
                yield scrapy.Request(f"{parts.scheme}://{parts.netloc}/robots.txt", callback=self.parse_robots,
                                     dont_filter=True, errback=self.on_error, meta={"crawl_kind": "robots"})
        if self.refresh:
            for canon, stored in list(self.index.items()):
                # revalidate stored pages themselves, not the URLs that redirected to them
                if on_domains(canon, self.domains) and canonical_url(stored.url) == canon:
                    req = self._article_request(canon)
                    if req is not None:
                        yield req

    # ------------------------------------------------------------ callbacks

    def on_error(self, failure):
        request = failure.request
        self.crawler.stats.inc_value(f"crawl/failed_{request.meta.get('crawl_kind', 'other')}")
        log.info("failed %s: %s", request.url, failure.getErrorMessage() or failure.type.__name__)

    def parse_robots(self, response):
        for line in response.body.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("sitemap:"):
                req = self._discovery_request(urljoin(response.url, line.split(":", 1)[1].strip()), "sitemap", 0)
                if req is not None:
                    yield req

    def _xml_body(self, response) -> bytes | None:
        body = response.body
        if looks_gzipped(body):
            try:
                body = gunzip_capped(body, self.cfg.getint("CRAWL_SITEMAP_MAXSIZE"))
            except TooLarge:
                self.crawler.stats.inc_value("crawl/sitemap_too_large")
                log.warning("skipped %s: decompressed size over the cap", response.url)
                return None
            except Exception:  # noqa: BLE001 - broken gzip
                log.warning("skipped %s: broken gzip data", response.url)
                return None
        return body

    def parse_any(self, response):
        """A seed, sitemap, feed or section page: tell which by the content."""
        kind = response.meta.get("crawl_kind")
        depth = response.meta.get("depth_hops", 0)
        is_html = isinstance(response, HtmlResponse) or b"html" in (response.headers.get(b"Content-Type") or b"").lower()
        if not is_html or kind in ("sitemap", "feed"):
            body = self._xml_body(response)
            xml_kind = sniff_xml(body) if body else None
            if xml_kind in ("sitemapindex", "urlset"):
                yield from self._sitemap(response, body, depth)
                return
            if xml_kind in ("rss", "atom"):
                yield from self._feed(response, body)
                return
            if not is_html:
                log.info("skipped %s: neither HTML, sitemap nor feed", response.url)
                return
        yield from self._section(response, depth)

    def _sitemap(self, response, body: bytes, depth: int):
        kind, entries = parse_sitemap(body)
        self.crawler.stats.inc_value("crawl/sitemaps")
        for loc, lastmod in entries:
            if kind == "sitemapindex":
                if depth >= self.cfg.getint("CRAWL_SITEMAP_DEPTH"):
                    continue
                if self.since and lastmod and lastmod < self.since:
                    continue
                req = self._discovery_request(urljoin(response.url, loc), "sitemap", depth + 1)
            else:
                req = self._article_request(urljoin(response.url, loc), published=lastmod)
            if req is not None:
                yield req

    def _feed(self, response, body: bytes):
        self.crawler.stats.inc_value("crawl/feeds")
        for link, published in parse_feed(body):
            req = self._article_request(urljoin(response.url, link), published=published)
            if req is not None:
                yield req

    def _section(self, response, depth: int):
        if not isinstance(response, TextResponse):
            return
        self.section_pages += 1
        self.crawler.stats.inc_value("crawl/section_pages")
        section = response.meta.get("section") or response.url
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href.strip())
            canon = canonical_url(url)
            if not canon or not on_domains(canon, self.domains):
                continue
            kind = classify_url(canon)
            if kind == "article":
                req = self._article_request(canon)
            elif kind in ("section", "other") and (kind == "section" or under_section(canon, section)):
                if depth + 1 > self.cfg.getint("CRAWL_SECTION_DEPTH"):
                    continue
                if self.section_pages >= self.cfg.getint("CRAWL_MAX_SECTION_PAGES"):
                    continue
                if kind == "section" and not (under_section(canon, section) or _same_path(canon, response.url)):
                    continue
                req = self._discovery_request(canon, "section", depth + 1, section)
            else:
                continue
            if req is not None:
                yield req

    def parse_article(self, response):
        if response.status == 304:
            self.crawler.stats.inc_value("crawl/not_modified")
            return
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        types = [t.lower() for t in self.cfg.getlist("CRAWL_HTML_TYPES")]
        if not isinstance(response, TextResponse) or (ctype and not any(t in ctype for t in types)):
            self.crawler.stats.inc_value("crawl/skipped_non_html")
            return
        if self.since:
            published = published_in_html(response.body)
            if published and published < self.since:
                self.crawler.stats.inc_value("crawl/skipped_before_since")
                return
        canon = canonical_url(response.url) or response.url
        original = response.meta.get("canonical") or canon
        if response.meta.get("revalidate"):
            old = self.index.get(original)
            if old and old.digest and old.digest == _digest(response.body):
                self.crawler.stats.inc_value("crawl/unchanged")
                return
        elif canon != original and canon in self.index:
            self.crawler.stats.inc_value("crawl/skipped_stored")  # redirected onto a stored page
            return
        yield FetchedPage(response=response, canonical=original)


def _same_path(a: str, b: str) -> bool:
    return urlsplit(a).path == urlsplit(b).path


def _http_date(warc_date: str | None) -> str | None:
    if not warc_date:
        return None
    try:
        return format_datetime(datetime.fromisoformat(warc_date.replace("Z", "+00:00")), usegmt=True)
    except ValueError:
        return None


def _digest(body: bytes) -> str:
    import base64
    import hashlib

    return "sha1:" + base64.b32encode(hashlib.sha1(body).digest()).decode("ascii")


__all__ = ["PartySpider", "published_in_html"]
