"""The spider: start URLs -> sitemaps, feeds and listings -> pages judged one by one -> WARC.

A start URL may be a sitemap or sitemap index (gzipped or not), an RSS/Atom feed, a
section page, an article or a site root; the response itself says which (XML root
element or HTML). A site root also has its robots.txt ``Sitemap:`` lines followed,
and any followed page its ``rel=alternate`` feeds.

Every HTML page fetched is judged by its content (``judge.py``): an ``article`` is
stored, a ``listing`` (or a page ``too short`` to be an article) has its links
followed, ``not html`` is dropped. Sitemaps and feeds name pages whatever their URL
shape; the URL-shape tables of ``urls.py`` only order requests, recognise
pagination, skip links that are never pages, and pick the links still worth a look
beyond the depth bound. Links are followed ``CRAWL_MAX_DEPTH`` hops from a start
(pagination counted apart, ``CRAWL_MAX_PAGINATION``) inside the start's section
(anything on the site for a site root); other pages of the site a listing links to
are fetched and judged but not followed. Links are canonicalised (tracking
parameters dropped) before any request, so one page is fetched once whatever its URL.
"""
from __future__ import annotations

import logging
import re
from datetime import date, datetime
from email.utils import format_datetime
from urllib.parse import urljoin, urlsplit

import scrapy
from scrapy.http import TextResponse

from pipeline.crawl.safety import (
    TooLarge, gunzip_capped, looks_gzipped, parse_date, parse_feed, parse_sitemap, sniff_xml,
)
from pipeline.crawl.judge import ARTICLE, NOT_HTML, Thresholds, Verdict, is_html_type, judge_page
from pipeline.crawl.report import REFUSED, ROBOTS, StartOutcome, failure_reason
from pipeline.crawl.urls import canonical_url, classify_url, in_scope, on_domains, section_scope
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
        self.seeds = list(dict.fromkeys(s for s in (canonical_url(u) for u in seeds) if s))
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
        self.listings_followed = 0
        self.new_stored: list[str] = []
        self.outcomes = {s: StartOutcome(s) for s in self.seeds}

    # ------------------------------------------------------------ helpers

    @property
    def cfg(self):
        return self.crawler.settings

    @property
    def thresholds(self) -> Thresholds:
        if not hasattr(self, "_thresholds"):
            self._thresholds = Thresholds.from_mapping(self.cfg.getdict("CRAWL_JUDGE"))
        return self._thresholds

    def outcome(self, meta) -> StartOutcome:
        return self.outcomes.get(meta.get("start")) or StartOutcome("")

    def count(self, key: str, n: int = 1) -> None:
        self.crawler.stats.inc_value(key, n)

    def mark_stored(self, canonical: str, response) -> None:
        entry = Stored(url=response.url, date=response.meta.get("fetched_at"))
        self.index[canonical] = entry
        target = canonical_url(response.url)
        if target:
            self.index[target] = entry  # a redirect's target is stored too
        self.new_stored.append(response.url)
        self.outcome(response.meta).stored += 1

    def page_request(self, url: str, meta: dict, published: date | None = None, priority: int = 0):
        """A request for a page to judge (``meta``: start, depth, pages, scope, leaf), or None."""
        canon = canonical_url(url)
        if not canon or not on_domains(canon, self.domains):
            return None
        if self.since and published and published < self.since:
            self.count("crawl/skipped_before_since")
            return None
        meta = {**meta, "crawl_kind": "page", "canonical": canon}
        headers = {}
        stored = self.index.get(canon)
        if stored:
            if not self.refresh:
                self.count("crawl/skipped_stored")
                return None
            meta["revalidate"] = True
            meta["handle_httpstatus_list"] = [304]
            if stored.etag:
                headers["If-None-Match"] = stored.etag
            since = stored.last_modified or _http_date(stored.date)
            if since:
                headers["If-Modified-Since"] = since
        return scrapy.Request(canon, callback=self.parse_any, meta=meta, headers=headers,
                              errback=self.on_error, priority=priority)

    def xml_request(self, url: str, kind: str, meta: dict):
        canon = canonical_url(url)
        if not canon or not on_domains(canon, self.domains):
            return None
        return scrapy.Request(canon, callback=self.parse_any, meta={**meta, "crawl_kind": kind},
                              errback=self.on_error, priority=15)

    # ------------------------------------------------------------ start

    async def start(self):
        for url in self.seeds:
            meta = {"crawl_kind": "seed", "start": url, "depth": 0, "pages": 0, "scope": section_scope(url),
                    "canonical": url}
            yield scrapy.Request(url, callback=self.parse_any, dont_filter=True, errback=self.on_error,
                                 meta=meta, priority=20)
            if _is_root(url) and not self.cfg.getbool("ROBOTSTXT_OBEY"):
                # obeying robots, its Sitemap: lines come from the file Scrapy fetched (robots_parsed)
                parts = urlsplit(url)
                yield scrapy.Request(f"{parts.scheme}://{parts.netloc}/robots.txt", callback=self.parse_robots,
                                     dont_filter=True, errback=self.on_error,
                                     meta={"crawl_kind": "robots", "start": url})
        if self.refresh:
            for canon, stored in list(self.index.items()):
                # revalidate stored pages themselves, not the URLs that redirected to them
                if on_domains(canon, self.domains) and canonical_url(stored.url) == canon:
                    req = self.page_request(canon, {"start": self._start_for(canon), "leaf": True})
                    if req is not None:
                        yield req

    def _start_for(self, url: str) -> str | None:
        host = urlsplit(url).hostname
        return next((s for s in self.seeds if urlsplit(s).hostname == host), None)

    # ------------------------------------------------------------ callbacks

    def on_error(self, failure):
        request = failure.request
        why = failure_reason(failure)
        outcome = self.outcome(request.meta)
        if not why or why == "already stored":
            return
        if why.startswith(REFUSED):
            if request.meta.get("crawl_kind") == "seed":
                outcome.refused = why[len(REFUSED):]
        elif why.startswith(ROBOTS):
            outcome.robots += 1
        elif request.meta.get("crawl_kind") != "robots":
            outcome.errors[why] += 1
        self.count(f"crawl/failed_{request.meta.get('crawl_kind', 'other')}")
        log.info("failed %s: %s", request.url, why)

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        crawler.signals.connect(spider.robots_parsed, signal=scrapy.signals.robots_parsed)
        return spider

    def robots_parsed(self, robotparser, request, **kw):
        """A site root's robots.txt, parsed by Scrapy: its Sitemap: lines are crawled. The site is the
        root's host, with or without www., over either scheme (the root may redirect to it)."""
        roots = [s for s in self.seeds if _is_root(s) and _bare_host(s) == _bare_host(request.url)]
        if not roots:
            return
        root = request.meta.get("start") if request.meta.get("start") in roots else roots[0]
        for url in robots_sitemaps(robotparser):
            req = self.xml_request(urljoin(request.url, url), "sitemap", {"start": root, "depth": 0})
            if req is not None:
                self.crawler.engine.crawl(req)

    def parse_robots(self, response):
        for line in response.body.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("sitemap:"):
                url = urljoin(response.url, line.split(":", 1)[1].strip())
                req = self.xml_request(url, "sitemap", {"start": response.meta.get("start"), "depth": 0})
                if req is not None:
                    yield req

    def _xml_body(self, response) -> bytes | None:
        body = response.body
        if looks_gzipped(body):
            try:
                body = gunzip_capped(body, self.cfg.getint("CRAWL_SITEMAP_MAXSIZE"))
            except TooLarge:
                self.count("crawl/sitemap_too_large")
                log.warning("skipped %s: decompressed size over the cap", response.url)
                return None
            except Exception:  # noqa: BLE001 - broken gzip
                log.warning("skipped %s: broken gzip data", response.url)
                return None
        return body

    def parse_any(self, response):
        """Any response: a sitemap, a feed, or a page judged by its content."""
        meta = response.meta
        outcome = self.outcome(meta)
        outcome.fetched += 1
        if response.status == 304:
            self.count("crawl/not_modified")
            return
        ctype = (response.headers.get(b"Content-Type") or b"").decode("latin-1")
        if meta.get("crawl_kind") != "page" or not is_html_type(ctype) or looks_gzipped(response.body):
            body = self._xml_body(response)
            xml_kind = sniff_xml(body) if body else None
            if xml_kind in ("sitemapindex", "urlset"):
                yield from self._sitemap(response, body)
                return
            if xml_kind in ("rss", "atom"):
                yield from self._feed(response, body)
                return
        verdict = judge_page(response.body, response.url, ctype, self.thresholds)
        self.record(verdict, response.url, outcome)
        if verdict.kind == ARTICLE:
            item = self._article(response)
            if item is not None:
                yield item
        elif verdict.kind != NOT_HTML:
            yield from self._follow(response)

    def record(self, verdict: Verdict, url: str, outcome: StartOutcome) -> None:
        outcome.judged[verdict.kind] += 1
        self.count(f"crawl/page_{verdict.kind.replace(' ', '_')}")
        log.info("%s: %s (%s)", verdict.kind, url, verdict.reason)

    def _sitemap(self, response, body: bytes):
        kind, entries = parse_sitemap(body)
        self.count("crawl/sitemaps")
        log.info("sitemap: %s (%s of %d entries)", response.url, kind, len(entries))
        depth = response.meta.get("depth", 0)
        start = response.meta.get("start")
        for loc, lastmod in entries:
            url = urljoin(response.url, loc)
            if kind == "sitemapindex":
                if depth >= self.cfg.getint("CRAWL_SITEMAP_DEPTH"):
                    continue
                if self.since and lastmod and lastmod < self.since:
                    continue
                req = self.xml_request(url, "sitemap", {"start": start, "depth": depth + 1})
            else:
                req = self._named_page(url, start, lastmod)
            if req is not None:
                yield req

    def _feed(self, response, body: bytes):
        self.count("crawl/feeds")
        entries = parse_feed(body)
        log.info("feed: %s (%d entries)", response.url, len(entries))
        for link, published in entries:
            req = self._named_page(urljoin(response.url, link), response.meta.get("start"), published)
            if req is not None:
                yield req

    def _named_page(self, url: str, start: str | None, published: date | None):
        """A page a sitemap or feed names: fetched whatever its URL shape; a listing among them
        has its own links followed one hop (and its pagination)."""
        canon = canonical_url(url)
        if not canon:
            return None
        if classify_url(canon) == "file":
            self.count("crawl/links_file")
            return None
        meta = {"start": start, "depth": self.cfg.getint("CRAWL_MAX_DEPTH") - 1, "pages": 0,
                "scope": section_scope(canon)}
        return self.page_request(canon, meta, published=published, priority=10)

    def _follow(self, response):
        """Requests for the links of a listing (or of a page too short to be an article)."""
        if not isinstance(response, TextResponse) or response.meta.get("leaf"):
            return
        if self.listings_followed >= self.cfg.getint("CRAWL_MAX_LISTING_PAGES"):
            self.count("crawl/listing_limit")
            return
        self.listings_followed += 1
        meta = response.meta
        start, depth, pages, scope = meta.get("start"), meta.get("depth", 0), meta.get("pages", 0), meta.get("scope")
        for href in response.xpath('//link[@rel="alternate"][contains(@type, "rss") or contains(@type, "atom")]'
                                   "/@href").getall():
            req = self.xml_request(response.urljoin(href.strip()), "feed", {"start": start, "depth": 0})
            if req is not None:
                yield req
        seen = set(self.seeds)  # the start URLs are fetched as such
        for href in response.css("a::attr(href)").getall():
            canon = canonical_url(response.urljoin(href.strip()))
            if not canon or canon in seen:
                continue
            seen.add(canon)
            req = self._link_request(canon, response.url, start, depth, pages, scope)
            if req is not None:
                yield req

    def _link_request(self, canon: str, here: str, start, depth: int, pages: int, scope: str | None):
        if not on_domains(canon, self.domains):
            self.count("crawl/links_off_site")
            return None
        hint = classify_url(canon)
        if hint in ("skip", "file"):
            self.count(f"crawl/links_{hint}")
            return None
        inside = in_scope(canon, scope) or _same_path(canon, here)
        meta = {"start": start, "scope": scope}
        if hint == "section" and inside:  # pagination of this listing
            if pages >= self.cfg.getint("CRAWL_MAX_PAGINATION"):
                self.count("crawl/links_pagination_limit")
                return None
            return self.page_request(canon, {**meta, "depth": depth, "pages": pages + 1}, priority=5)
        if depth + 1 > self.cfg.getint("CRAWL_MAX_DEPTH") and hint != "article":
            self.count("crawl/links_too_deep")
            return None
        if not inside and hint == "section":
            self.count("crawl/links_out_of_scope")
            return None
        leaf = not inside or depth + 1 > self.cfg.getint("CRAWL_MAX_DEPTH")
        meta.update(depth=depth + 1, pages=0, leaf=leaf)
        return self.page_request(canon, meta, priority=10 if hint == "article" else 0)

    def _article(self, response):
        if self.since:
            published = published_in_html(response.body)
            if published and published < self.since:
                self.count("crawl/skipped_before_since")
                return None
        canon = canonical_url(response.url) or response.url
        original = response.meta.get("canonical") or canon
        if response.meta.get("revalidate"):
            old = self.index.get(original)
            if old and old.digest and old.digest == _digest(response.body):
                self.count("crawl/unchanged")
                return None
        elif original in self.index or (canon != original and canon in self.index):
            self.count("crawl/skipped_stored")  # a start URL stored before, or redirected onto a stored page
            return None
        return FetchedPage(response=response, canonical=original)


def robots_sitemaps(robotparser) -> list[str]:
    """The Sitemap: lines of a parsed robots.txt (Scrapy's Protego parser, or the standard library's)."""
    rp = getattr(robotparser, "rp", None)
    if hasattr(rp, "site_maps"):
        return list(rp.site_maps() or [])
    return list(getattr(rp, "sitemaps", None) or [])


def _is_root(url: str) -> bool:
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def _bare_host(url: str) -> str:
    host = urlsplit(url).hostname or ""
    return host[4:] if host.startswith("www.") else host


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
