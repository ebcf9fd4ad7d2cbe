"""--max-seconds bounds the crawl even when robots.txt asks a long Crawl-delay or a server is slow:
what is waiting at the limit is dropped, what is downloading is cut. Checked by what the
loopback site saw (requests, bytes sent), not by the wall time of the crawl."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

from tests.crawl import sites
from tests.crawl.test_layouts import FAST, REPO, crawl


def test_a_long_crawl_delay_does_not_hold_the_crawl_past_its_time_limit(tmp_path):
    site = sites.numeric_ids()
    site.robots = "User-agent: *\nCrawl-delay: 30\nDisallow:\n"
    with sites.serve(site):
        proc = crawl(site, tmp_path, "--max-seconds", "2")
    # Scrapy's close used to wait out the delay of each request queued for the site (30 s apart)
    assert [p for _, p in site.log] == ["/robots.txt"]
    assert proc.returncode == 1  # nothing fetched from the start URL
    last = proc.stderr.strip().splitlines()[-1]
    assert "the time limit (--max-seconds) came first" in last and "asks 30 s between requests" in last, last
    log = (tmp_path / ".crawl" / "crawl.log").read_text(encoding="utf-8")
    assert "'crawl/dropped_at_time_limit'" in log and "'finish_reason': 'closespider_timeout'" in log


class Counter:
    """The bytes a slow site sent (``serve`` gives it its ``base``)."""

    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.base = ""


class Trickle(sites.QuietHandler):
    """Every page announces 400 bytes and sends one every 0.05 s (20 s in all)."""

    def do_GET(self):
        app = self.server.app
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", "400")
        self.end_headers()
        try:
            for _ in range(400):
                self.wfile.write(b" ")
                self.wfile.flush()
                with app.lock:
                    app.sent += 1
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass


def test_a_slow_download_is_cut_at_the_time_limit(tmp_path):
    with sites.serve(Counter(), Trickle) as app:
        cmd = [sys.executable, "-m", "pipeline.cli", "crawl", app.base + "/", "--out", str(tmp_path),
               "--allow-private", "--max-seconds", "2", "--contact", "https://example.vn/lien-he"]
        for s in FAST + ["DOWNLOAD_TIMEOUT=60", "ROBOTSTXT_OBEY=false"]:
            cmd += ["--set", s]
        proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=90)
        sent = app.sent
    last = proc.stderr.strip().splitlines()[-1]
    assert proc.returncode == 1 and last.endswith("the time limit (--max-seconds) came first"), proc.stderr[-2000:]
    assert 0 < sent < 200, sent  # hung up near the limit, not after DOWNLOAD_TIMEOUT (all 400 bytes)
