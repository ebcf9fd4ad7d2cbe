"""Crawls of small sites of several URL layouts (sites.py), each checked page by page.

Every crawl starts from the site root only, as a new user would; the URL shapes of
the articles are ones urls.py knows (numeric ids, query ids, WordPress dates) and
ones it does not (short slugs, /p/41, /node/3, Joomla ids with slugs).
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from warcio.archiveiterator import ArchiveIterator

from tests.crawl import sites

REPO = Path(__file__).resolve().parents[2]
FAST = ["DOWNLOAD_DELAY=0", "AUTOTHROTTLE_ENABLED=false", "DOWNLOAD_TIMEOUT=2", "RETRY_TIMES=1",
        "CRAWL_RETRY_BACKOFF_BASE=0.05"]
VERDICT = re.compile(r"\] INFO: (article|listing|too short|not html): (\S+) \(")


def crawl(layout: sites.Layout, out: Path, *extra: str, start: str = "/", allow_private: bool = True,
          env: dict | None = None) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "pipeline.crawl", layout.base + start, "--out", str(out)]
    cmd += ["--allow-private"] if allow_private else []
    for s in FAST:
        cmd += ["--set", s]
    run_env = {**os.environ, "PYTHONPATH": str(REPO), "CRAWL_CONTACT_URL": "https://example.vn/lien-he-du-an",
               **(env or {})}
    return subprocess.run(cmd + list(extra), cwd=REPO, env=run_env, capture_output=True, text=True, timeout=90)


def path_query(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def stored(out: Path) -> list[str]:
    """path?query of every stored response, duplicates kept."""
    found = []
    for warc in sorted(out.glob("*.warc.gz")):
        for r in ArchiveIterator(BytesIO(warc.read_bytes())):
            if r.rec_type == "response":
                found.append(path_query(r.rec_headers.get_header("WARC-Target-URI")))
    return found


def verdicts(out: Path) -> dict[str, str]:
    """path?query -> verdict, from the crawl log."""
    text = (out / ".crawl" / "crawl.log").read_text(encoding="utf-8")
    return {path_query(url): kind for kind, url in VERDICT.findall(text)}


def keys(paths) -> set:
    return {sites._key(p) for p in paths}


@pytest.mark.parametrize("make", sites.LAYOUTS, ids=lambda f: f.__name__)
def test_every_article_stored_once_and_no_listing(make, tmp_path):
    with sites.serve(make()) as site:
        proc = crawl(site, tmp_path, "--max-pages", "200")
    assert proc.returncode == 0, proc.stderr[-3000:]
    got = stored(tmp_path)
    assert len(got) == len(set(keys(got))), f"stored twice: {sorted(got)}"
    assert keys(got) == keys(site.articles), (sorted(got), proc.stderr[-2000:])
    judged = {sites._key(p): kind for p, kind in verdicts(tmp_path).items()}
    for page in site.listings:  # a last page of one teaser may read "too short": followed all the same
        assert judged.get(sites._key(page)) in ("listing", "too short"), (page, judged.get(sites._key(page)))
    assert all(judged.get(k) == "article" for k in keys(site.articles))
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith(f"crawl: {len(site.articles)} new pages stored"), last
    assert "[scrapy" not in proc.stderr  # Scrapy's log is in the log file, not on the terminal


def test_issue_site_obeys_robots_retries_and_skips_loop_and_pdf(tmp_path):
    with sites.serve(sites.issue_site()) as site:
        proc = crawl(site, tmp_path, "--max-pages", "200")
    assert proc.returncode == 0, proc.stderr[-3000:]
    requested = [path_query(p) for _, p in site.log]
    assert "/sitemaps/tin.xml.gz" in requested and "/rss" in requested
    assert requested.count("/robots.txt") == 1  # its Sitemap: lines are read from the copy robots obeys
    assert not [p for p in requested if p.startswith("/noi-bo/")]  # disallowed folder
    assert site.requested("/tin/loi-tam-thoi.html") == 2  # the 500 retried once, then stored
    assert "/tin/loi-tam-thoi.html" in stored(tmp_path)
    assert 1 <= site.requested("/tin/vong-lap.html") <= 6 and not [p for p in stored(tmp_path) if "vong-lap" in p]
    assert site.requested("/tai-lieu/bao-cao.pdf") == 0  # a .pdf link is not even requested
    assert site.requested("/van-ban/quy-che") == 1 and "/van-ban/quy-che" not in stored(tmp_path)
    assert verdicts(tmp_path)["/van-ban/quy-che"] == "not html"
    for path in site.articles:
        assert site.requested(path) == (2 if path == "/tin/loi-tam-thoi.html" else 1), path


def test_a_section_start_stays_in_its_section(tmp_path):
    """From a section page: its articles (wherever they live) and pagination are crawled; another
    section it links to is looked at once, never followed."""
    site = sites.Layout("two sections")
    ours = ["/xay-dung-dang/bai-a", "/xay-dung-dang/bai-b", "/bai-viet/bai-c"]  # the last one outside the path
    theirs = ["/kinh-te/bai-d", "/kinh-te/bai-e"]
    for i, p in enumerate(ours + theirs):
        site.add(p, sites.article_page(i))
    site.articles = set(ours)
    site.listing("/xay-dung-dang", "Xây dựng Đảng", [(p, i) for i, p in enumerate(ours[:2])],
                 more=[("/xay-dung-dang?page=2", "2"), ("/kinh-te", "Kinh tế")])
    site.listing("/xay-dung-dang?page=2", "Xây dựng Đảng - 2", [(ours[2], 2)])
    site.listing("/kinh-te", "Kinh tế", [(p, i + 3) for i, p in enumerate(theirs)])
    with sites.serve(site):
        proc = crawl(site, tmp_path, start="/xay-dung-dang")
    assert proc.returncode == 0, proc.stderr
    assert keys(stored(tmp_path)) == keys(ours)
    assert site.requested("/kinh-te") <= 1 and not [p for _, p in site.log if p.startswith("/kinh-te/")]


def test_an_article_as_start_url_is_stored_once_over_two_crawls(tmp_path):
    with sites.serve(sites.numeric_ids()) as site:
        first = crawl(site, tmp_path, start="/tin-tuc/57.html")
        again = crawl(site, tmp_path, start="/tin-tuc/57.html")
    assert first.returncode == again.returncode == 0, again.stderr
    assert stored(tmp_path) == ["/tin-tuc/57.html"]
    assert "stored already" in again.stderr.strip().splitlines()[-1]


def test_since_skips_the_sitemap_pages_dated_earlier(tmp_path):
    """sitemap_only dates its six pages 2024-05-01 ... 05-06 (lastmod): from 05-04 on, three are left."""
    with sites.serve(sites.sitemap_only()) as site:
        proc = crawl(site, tmp_path, "--since", "2024-05-04")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert sorted(stored(tmp_path)) == ["/node/13", "/node/21", "/node/8"]
    assert not {"/node/1", "/node/3", "/node/5"} & {p for _, p in site.log}  # not even requested


def test_the_roots_sitemaps_are_read_when_another_start_on_its_site_asks_for_robots_first(tmp_path):
    with sites.serve(sites.issue_site()) as site:
        proc = crawl(site, tmp_path, site.base + "/", start="/chuyen-muc/xay-dung-dang")  # the section first
    assert proc.returncode == 0, proc.stderr[-2000:]
    requested = [path_query(p) for _, p in site.log]
    assert requested.count("/robots.txt") == 1 and "/sitemaps/tin.xml.gz" in requested
    assert keys(stored(tmp_path)) == keys(site.articles)
