"""What a crawl tells its user: why nothing was stored (last line), the exit status, where the
log is, the User-Agent contact, and robots.txt Crawl-delay."""
from __future__ import annotations

import pytest

from tests.crawl import sites
from tests.crawl.test_layouts import crawl, stored


def last_line(proc) -> str:
    return proc.stderr.strip().splitlines()[-1]


def test_loopback_start_is_refused_naming_the_flag(tmp_path):
    with sites.serve(sites.numeric_ids()) as site:
        proc = crawl(site, tmp_path, allow_private=False)
    assert site.log == []  # not one request reached the site
    assert proc.returncode == 1
    assert "nothing fetched" in last_line(proc) and "loopback" in last_line(proc)
    assert "--allow-private" in last_line(proc)


def test_robots_disallowing_the_start_says_so(tmp_path):
    site = sites.numeric_ids()
    site.robots = "User-agent: *\nDisallow: /\n"
    with sites.serve(site):
        proc = crawl(site, tmp_path)
    assert proc.returncode == 1
    assert "disallowed" in last_line(proc) and "robots.txt" in last_line(proc), last_line(proc)
    assert {p for _, p in site.log} == {"/robots.txt"}


def test_a_site_answering_errors_says_which(tmp_path):
    site = sites.Layout("down")
    site.add("/", b"<html><body>Bao tri</body></html>", status=503)
    with sites.serve(site):
        proc = crawl(site, tmp_path)
    assert proc.returncode == 1
    assert "answered errors" in last_line(proc) and "HTTP 503" in last_line(proc), last_line(proc)
    assert site.requested("/") == 2  # retried once (RETRY_TIMES=1)


def test_no_article_anywhere_counts_what_was_found(tmp_path):
    site = sites.Layout("no articles")
    site.listing("/", "Trang chủ", [], more=[("/chuyen-muc/van-ban", "Văn bản"), ("/tag/dang-vien", "Đảng viên"),
                                            ("/tai-lieu/quy-che.pdf", "Quy chế"), ("http://localhost/tin.html", "Tin")])
    site.listing("/chuyen-muc/van-ban", "Văn bản", [("/chuyen-muc/van-ban/nghi-quyet", n) for n in range(5)])
    site.add("/chuyen-muc/van-ban/nghi-quyet", "<html><head><title>Nghị quyết</title></head><body><h1>Nghị quyết"
             "</h1><p>Đang cập nhật.</p></body></html>".encode())
    with sites.serve(site):
        proc = crawl(site, tmp_path)
    assert proc.returncode == 0, proc.stderr
    line = last_line(proc)
    assert line.startswith("crawl: nothing new stored: none of the 3 pages fetched is an article"), line
    assert "listing 2" in line and "too short 1" in line
    assert "off-site 1" in line and "files by extension 1" in line and "skipped by URL shape" in line


def test_a_second_crawl_says_everything_is_stored_already(tmp_path):
    with sites.serve(sites.numeric_ids()) as site:
        first = crawl(site, tmp_path)
        again = crawl(site, tmp_path)
    assert first.returncode == again.returncode == 0
    assert "articles found are stored already" in last_line(again), last_line(again)
    assert len(stored(tmp_path)) == len(site.articles)


def test_scrapy_log_goes_to_the_file_unless_verbose(tmp_path):
    with sites.serve(sites.numeric_ids()) as site:
        quiet = crawl(site, tmp_path / "a")
        loud = crawl(site, tmp_path / "b", "--verbose")
    assert "[scrapy" not in quiet.stderr and "INFO" not in quiet.stderr
    log = (tmp_path / "a" / ".crawl" / "crawl.log").read_text(encoding="utf-8")
    assert "Spider closed (finished)" in log and "article: http://" in log
    assert str(tmp_path / "a" / ".crawl" / "crawl.log") in last_line(quiet)
    assert "[scrapy.core.engine] INFO" in loud.stderr


def test_placeholder_contact_warns_once_and_contact_reaches_the_user_agent(tmp_path):
    with sites.serve(sites.numeric_ids()) as site:
        placeholder = crawl(site, tmp_path / "a", env={"CRAWL_CONTACT_URL": ""})
        from_env = crawl(site, tmp_path / "d")
        own = crawl(site, tmp_path / "b", "--contact", "https://dang-bo.example.vn/lien-he")
        bad = crawl(site, tmp_path / "c", "--contact", "không phải địa chỉ")
    assert placeholder.stderr.count("placeholder contact") == 1 and "--contact" in placeholder.stderr
    assert "placeholder contact" not in own.stderr and "placeholder contact" not in from_env.stderr
    assert any("+https://dang-bo.example.vn/lien-he" in (ua or "") for ua in site.agents)
    assert any("+https://example.vn/lien-he-du-an" in (ua or "") for ua in site.agents)  # from the environment
    assert bad.returncode == 2 and "--contact" in bad.stderr


def test_robots_crawl_delay_spaces_requests_whatever_autothrottle_says(tmp_path):
    site = sites.numeric_ids()
    site.robots = "User-agent: *\nCrawl-delay: 0.5\nDisallow:\n"
    with sites.serve(site):
        proc = crawl(site, tmp_path, "--set", "AUTOTHROTTLE_ENABLED=true", "--set", "AUTOTHROTTLE_START_DELAY=0.01",
                     "--set", "AUTOTHROTTLE_MAX_DELAY=0.05", "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=4")
    assert proc.returncode == 0, proc.stderr
    times = [t for t, p in site.log if p != "/robots.txt"]
    assert len(times) >= 8
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= 0.45, gaps


SEEDS = [  # seeds file content, the start of the one-line problem (None: fine)
    (b"https://dangbo.example.vn/\n# a comment\nhttps://dangbo.example.vn/tin-tuc  new\n", None),
    (b"\xff\xfe https://dangbo.example.vn/\n", "seeds file {f} is not UTF-8 text"),
    (b"dangbo.example.vn\n", "{f}: seed 'dangbo.example.vn' is not an http(s) URL"),
    (b"ftp://dangbo.example.vn/tai-lieu/\n", "{f}: seed 'ftp://dangbo.example.vn/tai-lieu/' is not an http(s) URL"),
    (b"# only comments\n\n", "give URLs or --seeds FILE ({f} names none)"),
]


@pytest.mark.parametrize("content, problem", SEEDS)
def test_a_bad_seeds_file_is_one_line_naming_it(tmp_path, content, problem):
    from pipeline.crawl import start_urls

    seeds = tmp_path / "seeds.txt"
    seeds.write_bytes(content)
    urls, got = start_urls([], seeds)
    if problem is None:
        assert got is None and urls == ["https://dangbo.example.vn/", "https://dangbo.example.vn/tin-tuc"]
    else:
        assert urls == [] and got.startswith(problem.format(f=seeds)), got


def test_a_start_url_that_is_no_url_is_a_usage_error_with_control_characters_escaped(tmp_path):
    from pipeline.crawl import start_urls

    assert start_urls(["javascript:void(0)"], None)[1] == "start URL 'javascript:void(0)' is not an http(s) URL with a host name"
    assert start_urls([], tmp_path)[1].startswith(f"seeds file {tmp_path} cannot be read")
    site = sites.Layout("unused")
    site.base = "ftp://dangbo.example.vn"
    proc = crawl(site, tmp_path, start="/x\x1b]0;t")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "\x1b" not in proc.stderr, proc.stderr
    assert "\\x1b" in proc.stderr


def test_a_crawl_delay_over_the_cap_is_clamped_to_it(tmp_path):
    site = sites.numeric_ids()
    site.robots = "User-agent: *\nCrawl-delay: 3600\nDisallow:\n"
    with sites.serve(site):
        proc = crawl(site, tmp_path, "--set", "CRAWL_MAX_CRAWL_DELAY=0.3")
    assert proc.returncode == 0 and len(stored(tmp_path)) == len(site.articles), proc.stderr
    times = [t for t, _ in site.log]
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.25
    assert "asks a Crawl-delay of 3600 s: clamped to 0.3 s" in (tmp_path / ".crawl" / "crawl.log").read_text()


SETS = [  # --set names and values, the start of the problem (None: fine)
    ({"DOWNLOAD_DELAY": 2, "CRAWL_MAX_DEPTH": 2, "CRAWL_JUDGE": {"min_chars": 800}}, None),
    ({"DOWNLOAD_DELEY": 2}, "--set DOWNLOAD_DELEY: no such Scrapy or crawl setting"),
    ({"CRAWL_MAX_DEPHT": 2}, "--set CRAWL_MAX_DEPHT: no such Scrapy or crawl setting"),
    ({"download_delay": 2}, "--set download_delay: no such Scrapy or crawl setting"),
    ({"CRAWL_JUDGE": {"min_char": 800}}, "--set CRAWL_JUDGE wants a JSON object"),
    ({"CRAWL_JUDGE": 800}, "--set CRAWL_JUDGE wants a JSON object"),
]


@pytest.mark.parametrize("overrides, problem", SETS)
def test_a_set_name_nobody_knows_is_a_usage_error(overrides, problem):
    from pipeline.crawl import setting_problem

    got = setting_problem(overrides)
    assert got == problem if problem is None else got.startswith(problem), got
