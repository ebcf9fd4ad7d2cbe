"""``pipeline crawl``: polite, resumable crawling of party-building sites into WARC files.

    run_crawl(urls, seeds_file, out, max_pages, allow_domains, since, refresh, allow_private=False,
              overrides=None, contact=None, verbose=False) -> int

runs one Scrapy crawl in this process (a Twisted reactor cannot restart: call it
once per process; ``python -m pipeline.crawl`` does exactly that). State lives in
``<out>/.crawl/``: Scrapy's JOBDIR (``job/``), ``state.json``, a cache of the WARC
index and ``crawl.log`` (Scrapy's log and every page's verdict; on the terminal too
with ``verbose``). The terminal gets the summary, whose last line says why when
nothing was stored (``report.py``). Exit status: 0 crawl completed (or stopped at
--max-pages or --max-seconds), 1 nothing was fetched from any start URL or the crawl
ended otherwise (shutdown), 2 usage error or another crawl holds the folder.

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
import os
import shutil
import sys
from datetime import date, datetime, timezone
from pathlib import Path

from pipeline.decode import printable

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


def resolve_contact(contact: str | None) -> str | None:
    """The User-Agent's contact: the option, else the environment, else the placeholder; None if malformed."""
    from pipeline.crawl import settings as crawl_settings

    value = (contact or os.environ.get(crawl_settings.CONTACT_ENV) or crawl_settings.PLACEHOLDER_CONTACT).strip()
    if value.startswith(("http://", "https://")) and "." in value.split("//", 1)[1]:
        return value
    if value.startswith("mailto:") or ("@" in value and " " not in value):
        return value if value.startswith("mailto:") else f"mailto:{value}"
    return None


def start_urls(urls: list[str] | None, seeds_file: Path | None) -> tuple[list[str], str | None]:
    """The start URLs of the command line and the seeds file, or the problem with them in a line."""
    from pipeline.crawl.urls import canonical_url

    given = [(url, "start URL") for url in urls or []]
    if seeds_file is not None:
        try:
            given += [(url, f"{seeds_file}: seed") for url in read_seeds(Path(seeds_file))]
        except FileNotFoundError:
            return [], f"no such seeds file: {seeds_file}"
        except UnicodeDecodeError:
            return [], f"seeds file {seeds_file} is not UTF-8 text"
        except OSError as exc:
            return [], f"seeds file {seeds_file} cannot be read: {exc.strerror or exc}"
    for url, where in given:
        if canonical_url(url) is None:
            return [], f"{where} {url!r} is not an http(s) URL with a host name"
    if not given:
        return [], "give URLs or --seeds FILE" + (f" ({seeds_file} names none)" if seeds_file else "")
    return [url for url, _ in given], None


def setting_problem(overrides: dict) -> str | None:
    """What is wrong with the --set names, in a line: a name neither Scrapy nor the crawl has (a
    typo would silently leave, say, the delay as it was), or a CRAWL_JUDGE key no threshold has."""
    from scrapy.settings import default_settings

    from pipeline.crawl.judge import Thresholds
    from pipeline.crawl.settings import SCRAPY_SETTINGS

    for name, value in overrides.items():
        if name not in SCRAPY_SETTINGS and not (name.isupper() and hasattr(default_settings, name)):
            return f"--set {name}: no such Scrapy or crawl setting (the crawl's are in pipeline/crawl/settings.py)"
        if name == "CRAWL_JUDGE":
            known = Thresholds.__dataclass_fields__
            wrong = sorted(set(value) - set(known)) if isinstance(value, dict) else None
            if wrong is None or wrong:
                return (f"--set CRAWL_JUDGE wants a JSON object of thresholds among {', '.join(known)}"
                        + (f"; no threshold {', '.join(wrong)}" if wrong else ""))
    return None


def _log_to_terminal(settings) -> None:
    """--verbose: the log on the terminal as well as in its file."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(asctime)s [%(name)s] %(levelname)s: %(message)s"))
    handler.setLevel(settings.get("LOG_LEVEL") or "INFO")
    logging.getLogger().addHandler(handler)


def run_crawl(urls: list[str], seeds_file: Path | None, out: Path, max_pages: int | None,
              allow_domains: list[str], since: date | None, refresh: bool,
              allow_private: bool = False, overrides: dict | None = None, contact: str | None = None,
              verbose: bool = False) -> int:
    import fcntl

    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings

    from pipeline.crawl import settings as crawl_settings
    from pipeline.crawl.report import summary
    from pipeline.crawl.spider import PartySpider
    from pipeline.crawl.warc import WarcStore, load_index, recover

    seeds, problem = start_urls(urls, seeds_file)
    if problem:
        print(f"usage error: {printable(problem)}", file=sys.stderr)
        return 2
    problem = setting_problem(overrides or {})
    if problem:
        print(f"usage error: {printable(problem)}", file=sys.stderr)
        return 2
    agent_contact = resolve_contact(contact)
    if agent_contact is None:
        print(f"usage error: --contact wants a URL (https://...) or a mail address, got {contact!r}",
              file=sys.stderr)
        return 2
    out = Path(out)
    if out.exists() and not out.is_dir():
        print(f"usage error: --out {printable(str(out))} is a file, not a folder", file=sys.stderr)
        return 2
    state_dir = out / crawl_settings.STATE_DIR
    state_dir.mkdir(parents=True, exist_ok=True)
    lock = open(state_dir / "lock", "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        print(f"another crawl is writing to {printable(str(out))}", file=sys.stderr)
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
    settings.set("USER_AGENT", crawl_settings.user_agent(agent_contact), priority="project")
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

    if agent_contact == crawl_settings.PLACEHOLDER_CONTACT and "USER_AGENT" not in (overrides or {}):
        print(f"warning: the User-Agent names the placeholder contact {agent_contact}: give --contact URL "
              f"(or set {crawl_settings.CONTACT_ENV}) so site owners can reach you", file=sys.stderr)
    log_path = state_dir / crawl_settings.LOG_FILE
    settings.set("LOG_FILE", str(log_path), priority="cmdline")
    settings.set("LOG_FILE_APPEND", True, priority="cmdline")
    process = CrawlerProcess(settings)  # installs the log file's handler
    if verbose:
        _log_to_terminal(settings)
    crawler = process.create_crawler(PartySpider)
    process.crawl(crawler, seeds=seeds, store=store, index=index, allow_domains=allow_domains or [],
                  since=since, refresh=refresh, max_pages=max_pages)
    process.start()
    store.close()

    stats = crawler.stats.get_stats() if crawler.stats else {}
    reason = stats.get("finish_reason")
    stored = int(stats.get("warc/stored", 0))
    complete = reason in ("finished", "closespider_itemcount", "closespider_timeout")
    if complete:
        shutil.rmtree(jobdir, ignore_errors=True)  # next crawl rediscovers; the WARC index skips the stored
    state.update(running=False, finished=datetime.now(timezone.utc).isoformat(), finish_reason=reason,
                 stored=stored, warc_files=[p.name for p in store.written])
    state_file.write_text(json.dumps(state, indent=1, default=str), encoding="utf-8")
    spider = crawler.spider
    outcomes = list(spider.outcomes.values()) if spider is not None else []
    lines, status = summary(outcomes, stats, before, len(store.written), out, log_path, complete)
    for line in lines:
        print(printable(line), file=sys.stderr)
    lock.close()
    return status


__all__ = ["read_seeds", "resolve_contact", "run_crawl", "setting_problem", "start_urls"]
