"""End-to-end crawls of the fixture site (conftest.py) on 127.0.0.1, each in a subprocess.

Every crawl runs ``python -m pipeline.crawl`` (a fresh Twisted reactor per crawl) with
small delays and timeouts; no request leaves the loopback address.
"""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from io import BytesIO
from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from pipeline.crawl.warc import REDIRECTED_FROM, complete_members_end

REPO = Path(__file__).resolve().parents[2]

FAST = [
    "DOWNLOAD_DELAY=0", "AUTOTHROTTLE_START_DELAY=0.02", "AUTOTHROTTLE_MAX_DELAY=0.2",
    "DOWNLOAD_TIMEOUT=1", "RETRY_TIMES=1", "CRAWL_RETRY_BACKOFF_BASE=0.1",
    "DOWNLOAD_MAXSIZE=65536", "CRAWL_WARC_MAX_BYTES=20000", "LOG_LEVEL=INFO",
]


def seeds(site) -> list[str]:
    return [f"{site.base}/sitemap_index.xml", f"{site.base}/rss.xml", f"{site.base}/xay-dung-dang"]


def crawl_cmd(site, out: Path, *extra: str, allow_private: bool = True) -> list[str]:
    cmd = [sys.executable, "-m", "pipeline.crawl", *seeds(site), "--out", str(out)]
    if allow_private:
        cmd.append("--allow-private")
    for s in FAST:
        cmd += ["--set", s]
    return cmd + list(extra)


def run(site, out: Path, *extra: str, allow_private: bool = True) -> tuple[subprocess.CompletedProcess, list]:
    """Crawl into ``out``; the result and the requests the site received meanwhile."""
    start = len(site.log)
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.run(crawl_cmd(site, out, *extra, allow_private=allow_private), cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=90)
    time.sleep(0.05)
    return proc, site.log[start:]


def records(folder: Path, suffix: str = ".warc.gz") -> list:
    """(type, target URI, rec headers, http headers) of every record of the WARC files."""
    out = []
    for path in sorted(folder.glob(f"*{suffix}")):
        data = path.read_bytes()
        if suffix.endswith(".open"):
            data = data[: complete_members_end(path)]
        for r in ArchiveIterator(BytesIO(data)):
            out.append((r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.rec_headers, r.http_headers))
    return out


def stored_paths(folder: Path, suffix: str = ".warc.gz") -> list[str]:
    from urllib.parse import urlsplit

    return [urlsplit(u).path for t, u, _, _ in records(folder, suffix) if t == "response"]


def paths_of(log) -> list[str]:
    return [p.split("?")[0] for _, p, _ in log]


@pytest.fixture(scope="module")
def full(site, tmp_path_factory):
    """One uninterrupted crawl of the whole site: (out folder, process, requests received)."""
    out = tmp_path_factory.mktemp("full")
    proc, log = run(site, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return out, proc, log


# ----------------------------------------------------------------- one crawl


def test_stores_exactly_the_allowed_articles_once(site, full):
    out, proc, _ = full
    paths = stored_paths(out)
    assert sorted(paths) == sorted(site.expected_paths()), proc.stderr[-3000:]
    assert len(paths) == len(set(paths))
    assert not list(out.glob("*.open"))


def test_warc_records_keep_provenance_and_rotate(site, full):
    out, _, _ = full
    assert len(list(out.glob("*.warc.gz"))) >= 2  # CRAWL_WARC_MAX_BYTES=20000 rotates
    recs = records(out)
    kinds = [t for t, *_ in recs]
    assert kinds.count("request") == kinds.count("response") == len(site.expected_paths())
    assert "warcinfo" in kinds
    for t, uri, rec, http in recs:
        if t == "response":
            assert uri.startswith(site.base) and rec.get_header("WARC-Date")
            assert http.get_statuscode() == "200" and "text/html" in http.get_header("Content-Type")
            assert http.get_header("Content-Encoding") is None
        if t == "request":
            ua = http.get_header("User-Agent")
            assert "xdd-pipeline" in ua and "+http" in ua  # names the project and a contact URL
    moved = [rec for t, uri, rec, _ in recs if t == "response" and uri.endswith(site.a(12))]
    assert moved and moved[0].get_header(REDIRECTED_FROM) == site.base + site.moved


def test_robots_txt_disallowed_path_is_never_fetched(site, full):
    _, _, log = full
    assert "/robots.txt" in paths_of(log)
    assert not [p for p in paths_of(log) if p.startswith("/noi-bo/")]


def test_gzipped_sitemap_and_feed_articles_are_found(site, full):
    out, _, log = full
    paths = set(stored_paths(out))
    assert "/sitemaps/bai-viet-2024.xml.gz" in paths_of(log)
    assert {site.a(2), site.a(3)} <= paths  # only in the gzipped sitemap
    assert {site.a(5), site.a(6)} <= paths  # only in the RSS feed
    assert {site.a(9), site.a(10), site.a(11)} <= paths  # only on pages 2 and 3 of the section


def test_tracking_parameter_variants_are_fetched_once(site, full):
    _, _, log = full
    assert paths_of(log).count(site.a(1)) == 1
    assert paths_of(log).count(site.a(4)) == 1
    assert not [p for _, p, _ in log if "utm_" in p or "zarsrc" in p]


def test_500_is_retried_and_stored(site, full):
    out, _, log = full
    assert paths_of(log).count(site.flaky) == 2
    assert site.flaky in stored_paths(out)


def test_slow_page_times_out_after_retry(site, full):
    out, _, log = full
    assert paths_of(log).count(site.slow) == 2  # RETRY_TIMES=1
    assert site.slow not in stored_paths(out)


def test_redirect_loop_ends_and_stores_nothing(site, full):
    out, _, log = full
    hops = [p for p in paths_of(log) if p.startswith("/chuyen-huong/")]
    assert 1 <= len(hops) <= 6
    assert not [p for p in stored_paths(out) if p.startswith("/chuyen-huong/")]


def test_pdf_and_oversized_pages_are_skipped(site, full):
    out, _, log = full
    stored = stored_paths(out)
    assert site.pdf not in paths_of(log)  # .pdf links are not even requested
    assert site.pdf_noext in paths_of(log) and site.pdf_noext not in stored  # stopped on its Content-Type
    assert site.big not in stored  # Content-Length over DOWNLOAD_MAXSIZE
    assert site.gzbig in paths_of(log) and site.gzbig not in stored  # decoded size over the cap


def test_off_site_links_are_not_followed(site, full):
    _, _, log = full
    assert "/xay-dung-dang/bai-ngoai-mien-cho-phep-8001.html" not in paths_of(log)  # on "localhost", not allowed


def test_iter_pages_reads_the_crawl_output(site, full):
    from pipeline.sources import Page, iter_pages

    pages = list(iter_pages([full[0]]))
    assert all(isinstance(p, Page) for p in pages), [p for p in pages if not isinstance(p, Page)]
    assert len(pages) == len(site.expected_paths())
    for p in pages:
        assert p.kind == "html" and p.url.startswith(site.base) and p.fetched_at is not None
        assert p.charset == "utf-8"
        assert "Đảng".encode() in p.data or "đảng".encode() in p.data


# ----------------------------------------------------------------- later crawls


def test_second_crawl_fetches_nothing_new(site, full, tmp_path):
    out = tmp_path / "raw"
    shutil.copytree(full[0], out)
    before = sorted(stored_paths(out))
    proc, log = run(site, out)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert sorted(stored_paths(out)) == before
    fetched_articles = set(paths_of(log)) & (site.expected_paths() | {site.moved})
    assert fetched_articles == set()


def test_refresh_revalidates_with_conditional_headers(site, full, tmp_path):
    out = tmp_path / "raw"
    shutil.copytree(full[0], out)
    before = sorted(stored_paths(out))
    proc, log = run(site, out, "--refresh")
    assert proc.returncode == 0, proc.stderr[-3000:]
    revalidated = {p.split("?")[0]: h for _, p, h in log if p.split("?")[0] in site.articles}
    assert set(revalidated) == set(site.articles)
    for headers in revalidated.values():
        assert headers.get("If-None-Match", "").startswith('"')
        assert headers.get("If-Modified-Since", "").endswith("GMT")
    assert sorted(stored_paths(out)) == before  # all 304: nothing new stored


def test_killed_crawl_resumes_to_the_same_set(site, full, tmp_path):
    out = tmp_path / "raw"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    site.article_delay = 0.4
    start = len(site.log)
    try:
        proc = subprocess.Popen(crawl_cmd(site, out), cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 40
        before_kill: list[str] = []
        while time.monotonic() < deadline and proc.poll() is None:
            if list(out.glob("*.open")) or list(out.glob("*.warc.gz")):
                before_kill = stored_paths(out, ".warc.gz.open") + stored_paths(out, ".warc.gz")
                if len(before_kill) >= 3:
                    break
            time.sleep(0.05)
        assert proc.poll() is None, "the crawl ended before it could be killed"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        site.article_delay = 0.0
    assert 3 <= len(before_kill) < len(site.expected_paths())
    kill_log = site.log[start:]
    resumed, log = run(site, out)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "previous crawl was killed" in resumed.stderr
    paths = stored_paths(out)
    assert sorted(paths) == sorted(stored_paths(full[0]))  # same set as the uninterrupted crawl
    assert len(paths) == len(set(paths))  # and nothing twice
    assert not set(before_kill) & set(paths_of(log))  # pages stored before the kill are not fetched again
    assert not list(out.glob("*.open"))
    assert kill_log


def test_private_addresses_are_refused_unless_allowed(site, tmp_path):
    proc, log = run(site, tmp_path / "raw", allow_private=False)
    assert log == []  # not one request reached the loopback site
    assert "refused" in proc.stderr
    assert stored_paths(tmp_path / "raw") == []


def test_max_pages_stops_the_crawl(site, tmp_path):
    proc, _ = run(site, tmp_path / "raw", "--max-pages", "3")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert len(stored_paths(tmp_path / "raw")) == 3


def test_gracefully_stopped_crawl_resumes_from_jobdir(site, full, tmp_path):
    out = tmp_path / "raw"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    site.article_delay = 0.4
    try:
        proc = subprocess.Popen(crawl_cmd(site, out), cwd=REPO, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and proc.poll() is None:
            if list(out.glob("*.open")) and len(stored_paths(out, ".warc.gz.open")) >= 2:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)  # Ctrl-C: Scrapy closes cleanly, keeping its JOBDIR queue
        assert proc.wait(timeout=30) == 1
    finally:
        site.article_delay = 0.0
    assert (out / ".crawl" / "job" / "requests.seen").is_file()
    resumed, log = run(site, out)
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "was killed" not in resumed.stderr
    paths = stored_paths(out)
    assert sorted(paths) == sorted(stored_paths(full[0])) and len(paths) == len(set(paths))
    assert not [p for p in paths_of(log) if p.startswith("/noi-bo/")]  # robots.txt still obeyed on resume
    assert not (out / ".crawl" / "job").exists()  # a finished crawl leaves no queue behind


def test_failures_are_counted_and_the_pipeline_cli_takes_settings_and_a_time_limit(site, tmp_path):
    """`pipeline crawl` (not only `python -m pipeline.crawl`) takes --set and --max-seconds;
    the last line counts the URLs given up after their retries (the slow page)."""
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "pipeline.cli", "crawl", *seeds(site), "--out", str(tmp_path), "--allow-private",
           "--max-seconds", "60"]
    for s in FAST:
        cmd += ["--set", s]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    last = proc.stderr.strip().splitlines()[-1]
    assert "URLs given up after retries" in last and not last.startswith("crawl: 0 new")
    bad = subprocess.run([sys.executable, "-m", "pipeline.cli", "crawl", site.base, "--set", "NOEQUALS"],
                         cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "--set wants NAME=VALUE" in bad.stderr


def test_max_seconds_stops_a_crawl_that_would_go_on(site, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    cmd = crawl_cmd(site, tmp_path) + ["--set", "DOWNLOAD_DELAY=2", "--set", "AUTOTHROTTLE_ENABLED=false",
                                       "--set", "CLOSESPIDER_TIMEOUT=3"]
    proc = subprocess.run(cmd, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "finish reason: closespider_timeout" in proc.stderr
