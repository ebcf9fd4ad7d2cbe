"""What a crawl did, per start URL, and the lines that tell the user (above all: why nothing happened).

    StartOutcome      counters of one start URL and of everything found from it
    failure_reason()  a failed request's cause in words ("HTTP 500", "timeout", ...)
    summary()         (lines for the terminal, exit status)
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from pipeline.crawl.judge import KINDS

REFUSED = "address refused: "
ROBOTS = "Forbidden by robots.txt"
TIME_LIMIT = "stopped at the time limit"  # a request dropped at --max-seconds: no failure of the site
# Links left alone, as the stats name them, and how the summary says it.
LINK_WORDS = {"off_site": "off-site", "file": "files by extension", "skip": "skipped by URL shape",
              "out_of_scope": "outside the start's section", "too_deep": "beyond CRAWL_MAX_DEPTH hops",
              "pagination_limit": "pagination past the limit"}


@dataclass
class StartOutcome:
    url: str
    fetched: int = 0  # responses handled (pages, sitemaps, feeds)
    stored: int = 0
    refused: str | None = None  # why the start's own address was refused
    robots: int = 0  # requests robots.txt forbade
    errors: Counter = field(default_factory=Counter)  # cause -> requests given up
    judged: Counter = field(default_factory=Counter)  # verdict kind -> pages

    def nothing_fetched(self) -> bool:
        return self.fetched == 0


def failure_reason(failure) -> str:
    """A failed request's cause in words, or '' for what is no failure (already stored, stopped)."""
    from scrapy.exceptions import IgnoreRequest, StopDownload
    from scrapy.spidermiddlewares.httperror import HttpError

    exc = failure.value
    name = type(exc).__name__
    if isinstance(exc, StopDownload):
        return ""
    if isinstance(exc, HttpError):
        return f"HTTP {exc.response.status}"
    if isinstance(exc, IgnoreRequest):
        text = str(exc)
        if text == TIME_LIMIT:
            return ""
        if text.startswith(REFUSED) or text.startswith(ROBOTS) or text == "already stored":
            return text
        if "redirect" in text:
            return "too many redirects"
        if "MAXSIZE" in text:
            return "over the size cap"
        return text or "ignored"
    if "Cancelled" in name:
        return "over the size cap"  # the downloader cancels a body announced over DOWNLOAD_MAXSIZE
    if "Timeout" in name:
        return "timeout"
    if "ConnectionRefused" in name:
        return "connection refused"
    if "DNS" in name or "Resolve" in name:
        return "host name not found"
    return name


def _counts(counter: Counter, words: dict | None = None) -> str:
    return ", ".join(f"{(words or {}).get(k, k)} {n}" for k, n in counter.most_common() if n)


def _errors(counter: Counter) -> str:
    return ", ".join(f"{k} on {n} URL{'s' if n > 1 else ''}" for k, n in counter.most_common() if n)


def _judged(outcomes: list[StartOutcome]) -> Counter:
    total = Counter()
    for o in outcomes:
        total.update(o.judged)
    return Counter({k: total[k] for k in KINDS if total[k]})


def _time_limit(stats: dict) -> str:
    """Why a crawl stopped by --max-seconds got no further, in words."""
    delays = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("crawl/crawl_delay/")}
    slow = "; ".join(f"{host}'s robots.txt asks {v:g} s between requests" for host, v in sorted(delays.items()))
    return "the time limit (--max-seconds) came first" + (f" ({slow})" if slow else "")


def _why_start_failed(o: StartOutcome, stats: dict) -> str:
    if o.refused:
        return (f"{o.url} refused: {o.refused}; add --allow-private to crawl loopback or private addresses")
    if o.robots and not o.errors:
        host = urlsplit(o.url).netloc
        return f"{o.url} is disallowed for this crawler by {host}/robots.txt"
    if o.errors:
        return f"{o.url}: the site answered errors ({_errors(o.errors)})"
    if stats.get("finish_reason") == "closespider_timeout":
        return f"{o.url}: {_time_limit(stats)}"
    return f"{o.url}: nothing fetched"


def _links_left(stats: dict) -> Counter:
    return Counter({k: int(stats.get(f"crawl/links_{k}", 0)) for k in LINK_WORDS})


def summary(outcomes: list[StartOutcome], stats: dict, stored_before: int, warc_files: int, out,
            log_path, complete: bool) -> tuple[list[str], int]:
    """The lines to print (the last one is the verdict) and the exit status."""
    lines = []
    stored = int(stats.get("warc/stored", 0))
    failed = int(stats.get("retry/max_reached", 0))
    reason = stats.get("finish_reason")
    empty = [o for o in outcomes if o.nothing_fetched()]
    for o in empty if len(empty) < len(outcomes) else []:
        lines.append(f"crawl: start URL {_why_start_failed(o, stats)}")
    if not empty or len(empty) < len(outcomes):
        judged = _judged(outcomes)
        head = (f"crawl: {stored} new pages stored in {warc_files} WARC file(s) under {out} "
                f"({stored_before} already stored; judged: {_counts(judged) or 'none'}; "
                f"{failed} URLs given up after retries; finish reason: {reason}; log: {log_path})")
        if stored == 0:
            lines.append(head)
            lines.append("crawl: nothing new stored: " + _why_no_article(outcomes, stats, judged))
        else:
            lines.append(head)
        return lines, 0 if complete else 1
    lines.append(f"crawl: log in {log_path}")
    lines.append("crawl: nothing fetched: " + "; ".join(_why_start_failed(o, stats) for o in outcomes))
    return lines, 1


def _why_no_article(outcomes: list[StartOutcome], stats: dict, judged: Counter) -> str:
    already = int(stats.get("crawl/skipped_stored", 0))
    older = int(stats.get("crawl/skipped_before_since", 0))
    unchanged = int(stats.get("crawl/not_modified", 0)) + int(stats.get("crawl/unchanged", 0))
    if already or unchanged:
        return f"the {already + unchanged} articles found are stored already"
    if older:
        return f"the {older} articles found are older than --since"
    pages = sum(judged.values())
    errors = Counter()
    for o in outcomes:
        errors.update(o.errors)
    for k in (f"{REFUSED}", "already stored"):
        errors.pop(k, None)
    parts = []
    if pages:
        parts.append(f"none of the {pages} pages fetched is an article ({_counts(judged)})")
    left = _links_left(stats)
    if sum(left.values()):
        parts.append(f"links not followed: {_counts(left, LINK_WORDS)}")
    if errors:
        parts.append(f"the site answered errors ({_errors(errors)})")
    robots = sum(o.robots for o in outcomes)
    if robots:
        parts.append(f"{robots} URLs disallowed by robots.txt")
    if stats.get("finish_reason") == "closespider_timeout":
        parts.append(_time_limit(stats))
    return "; ".join(parts) or "no page URL was found"


__all__ = ["StartOutcome", "failure_reason", "summary"]
