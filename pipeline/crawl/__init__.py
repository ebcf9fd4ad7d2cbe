"""``pipeline crawl``: polite, resumable crawling of party-building sites into WARC files.

    run_crawl(urls, seeds_file, out, max_pages, allow_domains, since, refresh, allow_private=False) -> int

runs one Scrapy crawl in this process (a Twisted reactor cannot restart: call it
once per process; ``python -m pipeline.crawl`` does exactly that). State lives in
``<out>/.crawl/``: Scrapy's JOBDIR (``job/``), ``state.json`` and a cache of the
WARC index. Exit status: 0 crawl completed (or stopped at --max-pages), 1 it ended
otherwise (shutdown, errors), 2 usage error or another crawl holds the folder.

Resume: a crawl stopped gracefully (Ctrl-C / SIGTERM) resumes from its JOBDIR
queue. A crawl killed outright leaves ``state.json`` saying "running": its JOBDIR
(whose queue and seen-set may be half written) is dropped, the ``.open`` WARC file
is cut after its last complete record, and discovery starts again from the seeds,
skipping every URL the WARC files already hold. So nothing stored is fetched
again and nothing pending is lost.
"""
from __future__ import annotations

import json
import logging
import shutil
import sys
from datetime import date, datetime, timezone
from pathlib import Path

log = logging.getLogger("pipeline.crawl")


def read_seeds(path: Path) -> list[str]:
    """URLs of a seeds file: one per line, ``#`` starts a comment, blank lines ignored."""
    urls = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            urls.append(line.split()[0])
    return urls


def _coerce(value: str):
    try:
        return json.loads(value)
    except ValueError:
        return value


def run_crawl(urls: list[str], seeds_file: Path | None, out: Path, max_pages: int | None,
              allow_domains: list[str], since: date | None, refresh: bool,
              allow_private: bool = False, overrides: dict | None = None) -> int:
    import fcntl

    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from pipeline.crawl import settings as crawl_settings
    from pipeline.crawl.spider import PartySpider
    from pipeline.crawl.warc import WarcStore, load_index, recover

    seeds = list(urls or [])
    if seeds_file is not None:
        if not Path(seeds_file).is_file():
            print(f"usage error: no such seeds file: {seeds_file}", file=sys.stderr)
            return 2
        seeds += read_seeds(Path(seeds_file))
    if not seeds:
        print("usage error: give URLs or --seeds FILE", file=sys.stderr)
        return 2
    out = Path(out)
    if out.exists() and not out.is_dir():
        print(f"usage error: --out {out} is a file, not a folder", file=sys.stderr)
        return 2
    state_dir = out / crawl_settings.STATE_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    lock = open(state_dir / "lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print(f"another crawl is writing to {out}", file=sys.stderr)
        return 2

    state_file = state_dir / "state.json"
    jobdir = state_dir / "job"
    try:
        previous = json.loads(state_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        previous = {}
    if previous.get("running"):
        print("previous crawl was killed: resuming from the WARC index (its JOBDIR queue is dropped)",
              file=sys.stderr)
        shutil.rmtree(jobdir, ignore_errors=True)
    recovered = recover(out)
    index = load_index(out, cache=state_dir / "index-cache.json")
    before = len(index)

    settings = Settings()
    settings.setdict(crawl_settings.SCRAPY_SETTINGS, priority="project")
    for key, value in (overrides or {}).items():
        settings.set(key, value, priority="cmdline")
    settings.set("JOBDIR", str(jobdir), priority="cmdline")
    settings.set("CRAWL_ALLOW_PRIVATE", bool(allow_private) or settings.getbool("CRAWL_ALLOW_PRIVATE"), priority="cmdline")
    if max_pages is not None:
        settings.set("CLOSESPIDER_ITEMCOUNT", int(max_pages), priority="cmdline")

    store = WarcStore(
        out, prefix=settings.get("CRAWL_WARC_PREFIX"), max_bytes=settings.getint("CRAWL_WARC_MAX_BYTES"),
        warcinfo={"software": f"{settings.get('USER_AGENT')} scrapy", "format": "WARC File Format 1.1",
                  "robots": "obey" if settings.getbool("ROBOTSTXT_OBEY") else "ignore",
                  "http-header-user-agent": settings.get("USER_AGENT")},
    )
    state = {"running": True, "started": datetime.now(timezone.utc).isoformat(), "seeds": seeds,
             "recovered": [p.name for p in recovered], "stored_before": before}
    state_file.write_text(json.dumps(state, indent=1), encoding="utf-8")

    process = CrawlerProcess(settings)
    crawler = process.create_crawler(PartySpider)
    process.crawl(crawler, seeds=seeds, store=store, index=index, allow_domains=allow_domains or [],
                  since=since, refresh=refresh, max_pages=max_pages)
    process.start()
    store.close()

    stats = crawler.stats.get_stats() if crawler.stats else {}
    reason = stats.get("finish_reason")
    stored = int(stats.get("warc/stored", 0))
    complete = reason in ("finished", "closespider_itemcount", "closespider_timeout")
    failed = int(stats.get("retry/max_reached", 0))  # URLs given up on after every retry
    if complete:
        shutil.rmtree(jobdir, ignore_errors=True)  # next crawl rediscovers; the WARC index skips the stored
    state.update(running=False, finished=datetime.now(timezone.utc).isoformat(), finish_reason=reason,
                 stored=stored, warc_files=[p.name for p in store.written])
    state_file.write_text(json.dumps(state, indent=1, default=str), encoding="utf-8")
    print(f"crawl: {stored} new pages stored in {len(store.written)} WARC file(s) under {out} "
          f"({before} already stored; {failed} URLs given up after retries; finish reason: {reason})", file=sys.stderr)
    lock.close()
    return 0 if complete else 1


__all__ = ["read_seeds", "run_crawl"]
