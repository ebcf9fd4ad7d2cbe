"""Every crawl setting, in one place.

``SCRAPY_SETTINGS`` is handed to Scrapy as is; the ``CRAWL_*`` names are ours and
are read by the spider, the middlewares and the WARC writer through the same
Scrapy settings object, so a test (or ``--set NAME=VALUE``) overrides any of them.
"""
from __future__ import annotations

import os

from pipeline import __version__

# The page (or mail address) webmasters reach from the User-Agent: `--contact URL`, else the
# environment variable CONTACT_ENV, else the placeholder, which makes a crawl warn once.
CONTACT_ENV = "CRAWL_CONTACT_URL"
PLACEHOLDER_CONTACT = "https://example.org/xdd-pipeline/crawler"
CONTACT_URL = os.environ.get(CONTACT_ENV) or PLACEHOLDER_CONTACT


def user_agent(contact: str) -> str:
    return f"xdd-pipeline/{__version__} (Vietnamese party-building news research corpus; +{contact})"


USER_AGENT = user_agent(CONTACT_URL)

# Scrapy's own log (and ours) goes to this file inside the state folder, not the terminal.
LOG_FILE = "crawl.log"

# Where crawl state lives inside the output folder. sources.discover skips dot-folders,
# so nothing in here is read as a page by `pipeline extract`.
STATE_DIR = ".crawl"

SCRAPY_SETTINGS: dict = {
    "BOT_NAME": "xdd-pipeline",
    "USER_AGENT": USER_AGENT,
    "ROBOTSTXT_OBEY": True,
    "ROBOTSTXT_USER_AGENT": "xdd-pipeline",
    # Politeness: one or two requests at a time per host, a delay AutoThrottle adapts.
    "CONCURRENT_REQUESTS": 8,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 2,
    "DOWNLOAD_DELAY": 1.0,
    "DOWNLOAD_DELAY_JITTER": 0.5,  # ±50% around the delay
    "AUTOTHROTTLE_ENABLED": True,
    "AUTOTHROTTLE_START_DELAY": 2.0,
    "AUTOTHROTTLE_MAX_DELAY": 30.0,
    "AUTOTHROTTLE_TARGET_CONCURRENCY": 1.0,
    # Old provincial portals are slow: a generous timeout, retries with backoff.
    "DOWNLOAD_TIMEOUT": 60,
    "RETRY_ENABLED": True,
    "RETRY_TIMES": 3,
    "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
    "REDIRECT_MAX_TIMES": 5,
    # Page size cap, compressed and decompressed (HttpCompressionMiddleware applies it
    # to the decoded body too); sitemaps get their own cap below.
    "DOWNLOAD_MAXSIZE": 5 * 1024 * 1024,
    "DOWNLOAD_WARNSIZE": 2 * 1024 * 1024,
    "DEPTH_LIMIT": 0,  # depth is bounded by CRAWL_MAX_DEPTH (pagination apart) instead
    "COOKIES_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,  # no listening port on the crawl machine
    "LOG_LEVEL": "INFO",
    "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
    "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
    "DOWNLOADER_MIDDLEWARES": {
        "pipeline.crawl.middlewares.AddressGuardMiddleware": 50,
        "pipeline.crawl.middlewares.StoredSkipMiddleware": 60,
        "pipeline.crawl.middlewares.BackoffMiddleware": 70,
        "pipeline.crawl.middlewares.RobotsRecheckMiddleware": 110,  # after Scrapy's RobotsTxtMiddleware (100)
        "pipeline.crawl.middlewares.TimeLimitGuard": 940,  # after every wait of the middlewares
        "pipeline.crawl.middlewares.FetchTimeMiddleware": 950,
    },
    "DOWNLOAD_HANDLERS": {"http": "pipeline.crawl.middlewares.TimeBoundHTTPHandler",
                          "https": "pipeline.crawl.middlewares.TimeBoundHTTPHandler"},
    "ITEM_PIPELINES": {"pipeline.crawl.warc.WarcPipeline": 300},
    "EXTENSIONS": {"pipeline.crawl.middlewares.ContentTypeGuard": 500,
                   "pipeline.crawl.middlewares.CrawlDelay": 510,  # after AutoThrottle (0)
                   "pipeline.crawl.middlewares.TimeLimit": 520},
    # --- ours ---
    # Refuse loopback, private, link-local and reserved addresses (seeds, links, redirects).
    "CRAWL_ALLOW_PRIVATE": False,
    # Retry backoff: wait BASE * 2**(n-1) seconds before the n-th retry, at most MAX.
    "CRAWL_RETRY_BACKOFF_BASE": 2.0,
    "CRAWL_RETRY_BACKOFF_MAX": 60.0,
    # Decompressed size cap for gzipped sitemaps and feeds.
    "CRAWL_SITEMAP_MAXSIZE": 50 * 1024 * 1024,
    # Links of a listing are followed this many hops from a start URL (a site root's
    # sections are hop 1); pagination hops are counted apart, at most CRAWL_MAX_PAGINATION
    # pages after the first of a listing. At most CRAWL_MAX_LISTING_PAGES listings are followed.
    "CRAWL_MAX_DEPTH": 3,
    "CRAWL_MAX_PAGINATION": 50,
    "CRAWL_MAX_LISTING_PAGES": 500,
    # Deciding by the page (pipeline/crawl/judge.py): article / listing / too short / not html.
    "CRAWL_JUDGE": {
        "min_chars": 400,  # main text (trafilatura) of an article, in characters
        "max_link_density": 0.25,  # share of the main block's text inside links
        "listing_min_teasers": 4,  # runs of main text between headline links: a list of summaries
        "teaser_max_share": 0.5,  # ... unless one run holds this share of the text (an article)
        "listing_min_headlines": 5,  # headline links on a page that is no article
        "headline_min_words": 6,  # an anchor of this many words reads as a headline
    },
    # Robots' Crawl-delay is obeyed up to this many seconds (a larger one is clamped, and logged).
    "CRAWL_MAX_CRAWL_DELAY": 60.0,
    # Nested sitemap indexes followed at most this deep.
    "CRAWL_SITEMAP_DEPTH": 3,
    # WARC files rotate once they grow past this many bytes (compressed).
    "CRAWL_WARC_MAX_BYTES": 100 * 1024 * 1024,
    "CRAWL_WARC_PREFIX": "crawl",
    # Content types stored as pages.
    "CRAWL_HTML_TYPES": ["text/html", "application/xhtml+xml"],
}
