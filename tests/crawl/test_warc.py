"""WARC store: rotation, recovery of a file cut at any byte, the index of stored URLs."""
import pytest

from pipeline.crawl import read_seeds
from pipeline.crawl.warc import WarcStore, load_index, recover, stored_urls
from pipeline.sources import Page, iter_pages


def _write(store, n):
    store.write(url=f"http://x.vn/tin/bai-viet-so-{n}00.html", status=200, reason="OK",
                resp_headers=[("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip"),
                              ("ETag", f'"e{n}"'), ("Last-Modified", "Mon, 04 Mar 2024 05:30:00 GMT")],
                body=f"<html><body><p>Chi bộ số {n} sinh hoạt định kỳ.</p></body></html>".encode() * 20,
                req_method="GET", req_headers=[("User-Agent", "xdd-pipeline/test")],
                redirected_from=[f"http://x.vn/cu/{n}"] if n == 2 else None)


def test_rotation_index_and_sources(tmp_path):
    store = WarcStore(tmp_path, max_bytes=1500)
    for n in range(1, 5):
        _write(store, n)
    store.close()
    assert len(list(tmp_path.glob("*.warc.gz"))) >= 2 and not list(tmp_path.glob("*.open"))
    index = load_index(tmp_path, cache=tmp_path / ".crawl" / "cache.json")
    assert index["http://x.vn/tin/bai-viet-so-300.html"].etag == '"e3"'
    assert index["http://x.vn/cu/2"].url == "http://x.vn/tin/bai-viet-so-200.html"  # redirect source
    assert load_index(tmp_path, cache=tmp_path / ".crawl" / "cache.json").keys() == index.keys()  # from cache
    pages = list(iter_pages([tmp_path]))
    assert len(pages) == 4 and all(isinstance(p, Page) and p.charset == "utf-8" for p in pages)
    assert "Chi bộ số 1".encode() in pages[0].data  # body stored decoded, Content-Encoding dropped


def test_a_file_cut_anywhere_recovers_to_complete_records(tmp_path):
    store = WarcStore(tmp_path / "src", max_bytes=10**9)
    for n in range(1, 4):
        _write(store, n)
    data = store.path.read_bytes()
    store.close()
    seen = set()
    for cut in range(0, len(data) + 1, 7):
        d = tmp_path / f"c{cut}"
        d.mkdir()
        (d / "x.warc.gz.open").write_bytes(data[:cut])
        recover(d)
        assert not list(d.glob("*.open"))
        pages = list(iter_pages([d]))
        assert all(isinstance(p, Page) for p in pages)  # never a corrupt-archive error
        assert len(stored_urls(d)) >= len(pages)
        seen.add(len(pages))
    assert seen == {0, 1, 2, 3}


def test_read_seeds(tmp_path):
    f = tmp_path / "seeds.txt"
    f.write_text("# comment\n\nhttps://a.vn/sitemap.xml  # trailing\n  https://b.vn/rss  \n", encoding="utf-8")
    assert read_seeds(f) == ["https://a.vn/sitemap.xml", "https://b.vn/rss"]
