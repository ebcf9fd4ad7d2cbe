"""Downloader middlewares and extensions: address guard, robots recheck, stored-URL skip, retry
backoff, fetch time, content-type guard, robots.txt Crawl-delay, the crawl's time limit."""
from __future__ import annotations

import logging
from datetime import datetime, timezone

from scrapy import signals
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.utils.defer import maybe_deferred_to_future

from pipeline.crawl.report import TIME_LIMIT
from pipeline.crawl.safety import address_refusal
from pipeline.crawl.urls import canonical_url, host_of

log = logging.getLogger(__name__)


class _Base:
    def __init__(self, crawler):
        self.crawler = crawler
        self.settings = crawler.settings

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)


class AddressGuardMiddleware(_Base):
    """Refuse requests (seeds, links, redirects, robots.txt) to loopback/private/reserved addresses.

    Redirects come back through here as new requests, so a public page redirecting
    into 10.0.0.0/8 or 127.0.0.1 is refused too. ``CRAWL_ALLOW_PRIVATE`` lifts it.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.allow = self.settings.getbool("CRAWL_ALLOW_PRIVATE")
        self.cache: dict[str, str | None] = {}

    async def process_request(self, request):
        if self.allow:
            return None
        host = host_of(request.url)
        if host not in self.cache:
            from twisted.internet import threads

            self.cache[host] = await maybe_deferred_to_future(threads.deferToThread(address_refusal, host))
        why = self.cache[host]
        if why:
            self.crawler.stats.inc_value("crawl/refused_address")
            log.warning("refused %s: %s (set allow_private to fetch private addresses)", request.url, why)
            raise IgnoreRequest(f"address refused: {why}")
        return None


class RobotsRecheckMiddleware(_Base):
    """A second robots.txt check, after Scrapy's own (priority 100).

    Seen with Scrapy 2.19: on a JOBDIR resume, the queued request that triggers the
    robots.txt fetch was sometimes let through although robots.txt disallows it.
    This keeps the parsers Scrapy announces (``robots_parsed``) and refuses what they
    disallow, so no disallowed page is fetched whatever the cause.
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.parsers: dict[str, object] = {}
        self.agent = self.settings.get("ROBOTSTXT_USER_AGENT") or self.settings.get("USER_AGENT")
        if self.settings.getbool("ROBOTSTXT_OBEY"):
            crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)

    def robots_parsed(self, robotparser, request, **kw):
        from urllib.parse import urlsplit

        self.parsers[urlsplit(request.url).netloc] = robotparser

    def process_request(self, request):
        from urllib.parse import urlsplit

        if request.meta.get("dont_obey_robotstxt"):
            return None
        rp = self.parsers.get(urlsplit(request.url).netloc)
        if rp is not None and not rp.allowed(request.url, self.agent):
            self.crawler.stats.inc_value("crawl/robots_recheck_forbidden")
            raise IgnoreRequest("Forbidden by robots.txt")
        return None


class StoredSkipMiddleware(_Base):
    """Never fetch an article already in the WARC index (also for requests a resumed JOBDIR
    queue still holds), unless it is a --refresh revalidation."""

    def process_request(self, request):
        if request.meta.get("crawl_kind") != "page" or request.meta.get("revalidate"):
            return None
        spider = self.crawler.spider
        canon = canonical_url(request.url)
        if canon and canon in spider.index:
            self.crawler.stats.inc_value("crawl/skipped_stored")
            raise IgnoreRequest("already stored")
        return None


class BackoffMiddleware(_Base):
    """Wait BASE * 2**(n-1) seconds (at most MAX) before the n-th retry of a request."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.base = self.settings.getfloat("CRAWL_RETRY_BACKOFF_BASE")
        self.cap = self.settings.getfloat("CRAWL_RETRY_BACKOFF_MAX")

    async def process_request(self, request):
        n = request.meta.get("retry_times", 0)
        if n and self.base > 0 and not request.meta.get("backoff_done") == n:
            request.meta["backoff_done"] = n
            delay = min(self.cap, self.base * 2 ** (n - 1))
            left = seconds_left(self.crawler)
            if left is not None:
                delay = max(0.0, min(delay, left))  # TimeLimitGuard refuses the request after the wait
            from twisted.internet import reactor, task

            await maybe_deferred_to_future(task.deferLater(reactor, delay))
        return None


class FetchTimeMiddleware(_Base):
    """Record when each response arrived (the WARC-Date of its records)."""

    def process_response(self, request, response):
        request.meta["fetched_at"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        return response


class ContentTypeGuard(_Base):
    """Stop page downloads as soon as headers show a non-HTML type (PDF, images, ...): judged "not html"."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.types = [t.lower() for t in self.settings.getlist("CRAWL_HTML_TYPES")]
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)

    def headers_received(self, headers, body_length, request, spider=None):
        if request.meta.get("crawl_kind") != "page":
            return
        ctype = (headers.get(b"Content-Type") or b"").decode("latin-1").lower()
        if ctype and not any(t in ctype for t in self.types):
            from pipeline.crawl.judge import NOT_HTML, Verdict

            spider = self.crawler.spider
            spider.record(Verdict(NOT_HTML, f"Content-Type {ctype}"), request.url, spider.outcome(request.meta))
            raise StopDownload(fail=True)


class CrawlDelay(_Base):
    """Obey robots.txt ``Crawl-delay``: the host's download slot waits at least that long between
    requests, without jitter, whatever AutoThrottle computes (this runs after it on every response).

    The delay comes from the parser Scrapy announces (``robots_parsed``) for our robots agent;
    a delay over ``CRAWL_MAX_CRAWL_DELAY`` is clamped to it (and logged).
    """

    def __init__(self, crawler):
        super().__init__(crawler)
        self.agent = self.settings.get("ROBOTSTXT_USER_AGENT") or self.settings.get("USER_AGENT")
        self.cap = self.settings.getfloat("CRAWL_MAX_CRAWL_DELAY")
        self.delays: dict[str, float] = {}  # host -> seconds
        if self.settings.getbool("ROBOTSTXT_OBEY"):
            crawler.signals.connect(self.robots_parsed, signal=signals.robots_parsed)
            crawler.signals.connect(self.response_downloaded, signal=signals.response_downloaded)

    def robots_parsed(self, robotparser, request, **kw):
        try:
            delay = robotparser.crawl_delay(self.agent)
        except Exception:  # noqa: BLE001 - a parser without Crawl-delay support
            delay = None
        if not delay or delay <= 0:
            return
        if delay > self.cap:
            log.warning("%s asks a Crawl-delay of %g s: clamped to %g s", host_of(request.url), delay, self.cap)
            delay = self.cap
        host = host_of(request.url)
        self.delays[host] = float(delay)
        downloader = self.crawler.engine.downloader
        downloader.per_slot_settings.setdefault(host, {}).update(delay=float(delay), jitter=0.0)
        self.crawler.stats.set_value(f"crawl/crawl_delay/{host}", float(delay))
        log.info("%s: robots.txt Crawl-delay %.2f s", host, delay)
        slot = downloader.slots.get(host)
        if slot is not None:
            self._hold(slot, self.delays[host])

    def response_downloaded(self, response, request, **kw):
        delay = self.delays.get(host_of(request.url))
        if delay:
            slot = self.crawler.engine.downloader.slots.get(request.meta.get("download_slot"))
            if slot is not None:
                self._hold(slot, delay)

    @staticmethod
    def _hold(slot, delay: float) -> None:
        slot.delay = max(slot.delay, delay)
        slot.jitter = 0.0


def seconds_left(crawler) -> float | None:
    """Seconds until the crawl's time limit (``CLOSESPIDER_TIMEOUT``, set by --max-seconds), or None."""
    limit = crawler.settings.getfloat("CLOSESPIDER_TIMEOUT")
    started = crawler.stats.get_value("start_time") if crawler.stats else None
    if not limit or started is None:
        return None
    return limit - (datetime.now(timezone.utc) - started).total_seconds()


class TimeLimitGuard(_Base):
    """No request enters the downloader after the time limit (it would wait there for its slot)."""

    def process_request(self, request):
        left = seconds_left(self.crawler)
        if left is not None and left <= 0:
            self.crawler.stats.inc_value("crawl/dropped_at_time_limit")
            raise IgnoreRequest(TIME_LIMIT)
        return None


class TimeLimit(_Base):
    """At the time limit, drop the requests waiting in the download slots (for a robots.txt
    Crawl-delay, say): Scrapy's close would wait for each of them, one delay apart. Scrapy's
    CloseSpider extension closes the crawl itself."""

    def __init__(self, crawler):
        super().__init__(crawler)
        if self.settings.getfloat("CLOSESPIDER_TIMEOUT") > 0:
            crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    def spider_opened(self, spider=None):
        from scrapy.utils.asyncio import call_later

        call_later(self.settings.getfloat("CLOSESPIDER_TIMEOUT"), self.drop_waiting)

    def drop_waiting(self) -> None:
        from twisted.python.failure import Failure

        engine = self.crawler.engine
        if engine is None or engine.downloader is None:  # the crawl ended before its limit
            return
        for slot in list(engine.downloader.slots.values()):
            if slot.latercall is not None:
                slot.latercall.cancel()
                slot.latercall = None
            while slot.queue:
                request, waiting = slot.queue.popleft()
                self.crawler.stats.inc_value("crawl/dropped_at_time_limit")
                waiting.errback(Failure(IgnoreRequest(TIME_LIMIT)))


class TimeBoundHTTPHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP handler, whose download timeout ends at the crawl's time limit (a slow server
    would otherwise hold the crawl open for DOWNLOAD_TIMEOUT past it)."""

    async def download_request(self, request):
        left = seconds_left(self._crawler)
        if left is not None:
            if left <= 0:
                raise IgnoreRequest(TIME_LIMIT)
            timeout = request.meta.get("download_timeout") or self._crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
            request.meta["download_timeout"] = min(timeout, max(left, 0.5))
        try:
            return await super().download_request(request)
        except Exception as exc:
            left = seconds_left(self._crawler)
            if left is not None and left <= 0.1:  # cut at the limit: no timeout of the site's
                raise IgnoreRequest(TIME_LIMIT) from exc
            raise
