"""Files, folders, gzip and WARC archives to pages; broken inputs to error records."""
import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.sources import Page, PageError, discover, iter_pages, pages_of, source_name

HTML = "<html><body><p>Chi bộ thôn Bắc sinh hoạt chuyên đề.</p></body></html>".encode()


def write_warc(path: Path, records: list[tuple[str, bytes, str]]) -> None:
    with open(path, "wb") as fh:
        writer = WARCWriter(fh, gzip=path.name.endswith(".gz"))
        for url, body, ctype in records:
            headers = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(body), http_headers=headers))


def test_folder_with_every_kind(tmp_path):
    (tmp_path / "a.html").write_bytes(HTML)
    (tmp_path / "b.txt").write_text("Một trang văn bản", encoding="utf-8")
    (tmp_path / "c.html.gz").write_bytes(gzip.compress(HTML))
    (tmp_path / "notes.md").write_text("not a page")
    write_warc(tmp_path / "d.warc.gz", [
        ("https://tinhuy.example.vn/bai-1", HTML, "text/html; charset=utf-8"),
        ("https://tinhuy.example.vn/logo.png", b"\x89PNG", "image/png"),
    ])
    items = list(iter_pages([tmp_path]))
    pages = [p for p in items if isinstance(p, Page)]
    assert [p.kind for p in pages] == ["html", "txt", "html", "html"]
    assert pages[2].data == HTML
    warc = pages[3]
    assert warc.url == "https://tinhuy.example.vn/bai-1"
    assert warc.source.startswith(str(tmp_path / "d.warc.gz") + "#urn:uuid:")
    assert warc.charset == "utf-8" and warc.fetched_at is not None
    assert not [e for e in items if isinstance(e, PageError)]


def test_truncated_gzip_is_an_error(tmp_path):
    (tmp_path / "x.txt.gz").write_bytes(gzip.compress(b"abc " * 1000)[:40])
    (tmp_path / "y.txt").write_text("ok")
    items = list(iter_pages([tmp_path]))
    errors = [e for e in items if isinstance(e, PageError)]
    assert len(errors) == 1 and errors[0].source.endswith("x.txt.gz") and "gzip" in errors[0].error
    assert any(isinstance(p, Page) and p.source.endswith("y.txt") for p in items)


def test_corrupt_warc_keeps_records_before_the_damage(tmp_path):
    path = tmp_path / "w.warc"
    write_warc(path, [("https://a.example.vn/1", HTML, "text/html"), ("https://a.example.vn/2", HTML, "text/html")])
    data = path.read_bytes()
    cut = data.rfind(b"WARC/1")
    path.write_bytes(data[:cut] + b"WARC/1.0\r\nWARC-Type: response\r\nContent-Length: 99999\r\n\r\ngarbage")
    items = list(iter_pages([path]))
    assert any(isinstance(p, Page) and p.url == "https://a.example.vn/1" for p in items)
    errors = [e for e in items if isinstance(e, PageError)]
    # the damaged record is a response without WARC-Target-URI, on which warcio's own
    # parser raises AttributeError: the error says where the damage starts, and what
    assert len(errors) == 1 and errors[0].source == str(path)
    assert errors[0].error.startswith("corrupt WARC archive after 1 good record(s): malformed record headers"), errors[0].error


def test_source_name_escapes_bytes_that_are_not_utf8():
    import os

    assert source_name(Path("raw/bài viết.html")) == "raw/bài viết.html"
    assert source_name(os.fsdecode(b"raw/b\xe0i.html")) == "raw/b\\xe0i.html"  # Latin-1 "bài"
    source_name(os.fsdecode(b"raw/\xff\xfe.html")).encode("utf-8")  # always writable


def test_missing_and_unsupported_paths(tmp_path):
    (tmp_path / "x.pdf").write_bytes(b"%PDF")
    files, errors = discover([tmp_path / "nope", tmp_path / "x.pdf"])
    assert files == []
    assert [e.error for e in errors] == ["no such file or folder", "not a page (want HTML, text, their .gz, or WARC)"]


def test_discover_walks_a_folder_as_rglob_would(tmp_path):
    """Sorted part by part, hidden names and files that are no page left out and counted,
    symlinked files followed, symlinked folders not entered; broken links and FIFOs are
    errors, never silently gone."""
    import os

    root = tmp_path / "raw"
    for rel in ["a/b.html", "a-b.html", "a/c/d.txt.gz", "z.warc.gz", "x.pdf", ".hidden.html",
                ".cache/e.html", "a/.git/f.html", "B.htm", "sub dir/g.txt"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(b"x")
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "h.html").write_bytes(b"x")
    (root / "linked.html").symlink_to(outside / "h.html")
    (root / "linked-folder").symlink_to(outside, target_is_directory=True)
    (root / "broken.html").symlink_to(tmp_path / "missing.html")
    (root / "loop.html").symlink_to(root / "loop.html")
    os.mkfifo(root / "pipe.html")

    listing = discover([root])

    assert [(Path(e.source).name, e.error) for e in listing.errors] == [
        ("broken.html", "broken symbolic link"), ("loop.html", "symbolic link loop"),
        ("pipe.html", "not a regular file (a FIFO, socket or device)")]
    assert [str(f.relative_to(root)) for f in listing.files] == [
        "B.htm", "a/b.html", "a/c/d.txt.gz", "a-b.html", "linked.html", "sub dir/g.txt", "z.warc.gz"]
    assert listing.skipped_line() == "skipped: 5 (not a page: 1 .pdf; 3 hidden; 1 symlinked folders (not entered))"


MIRROR = {  # a wget/httrack mirror: pages under any name, and files that are no page
    "tin/index.php": b"<!DOCTYPE html><html><head><title>T</title></head><body><p>Tin</p></body></html>",
    "tin/bai.aspx": b"\n\n  <html lang='vi'><body>Chi b\xe1\xbb\x99</body></html>",
    "tin/index.html?id=3": b"<html><body><p>x</p></body></html>",
    "tin/page.shtml": b"<!-- mirrored --><div>x</div><body></body>",
    "tin/12": "Đảng ủy xã tổ chức hội nghị sơ kết công tác xây dựng Đảng.".encode(),
    "tin/dump.text.gz": __import__("gzip").compress("Chi bộ thôn họp định kỳ hằng tháng.".encode()),
    "files/report.pdf": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n\x00\x00",
    "files/a.json": b'{"id": 3, "items": [1, 2, 3]}',
    "files/b.json": b"[]",
    "files/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    "sitemap.xml": b'<?xml version="1.0" encoding="UTF-8"?><urlset><url><loc>x</loc></url></urlset>',
}


def test_pages_under_any_name_are_found_by_their_content(tmp_path):
    for rel, data in MIRROR.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(data)
    listing = discover([tmp_path])
    assert sorted(str(f.relative_to(tmp_path)) for f in listing.files) == sorted(
        ["tin/index.php", "tin/bai.aspx", "tin/index.html?id=3", "tin/page.shtml", "tin/12", "tin/dump.text.gz"])
    assert listing.errors == []
    assert listing.skipped_line() == "skipped: 5 (not a page: 2 .json, 1 .pdf, 1 .png, 1 .xml)"
    kinds = {Path(p.source).name: p.kind for f in listing.files for p in pages_of(f)}
    assert kinds == {"index.php": "html", "bai.aspx": "html", "index.html?id=3": "html", "page.shtml": "html",
                     "12": "txt", "dump.text.gz": "txt"}


def test_gzip_under_a_name_that_does_not_say_so_is_read_unzipped(tmp_path):
    (tmp_path / "bai-12").write_bytes(gzip.compress(HTML))
    (tmp_path / "tin.php").write_bytes(gzip.compress("Chi bộ thôn Nam họp. " .encode() * 20))
    pages = {Path(p.source).name: p for f in discover([tmp_path]).files for p in pages_of(f)}
    assert (pages["bai-12"].kind, pages["bai-12"].data) == ("html", HTML)
    assert pages["tin.php"].kind == "txt" and pages["tin.php"].data.startswith("Chi bộ".encode())


def test_a_folder_nested_thousands_deep_is_walked(tmp_path):
    import os

    deep = tmp_path
    for _ in range(1_500):  # deeper than Python's recursion limit
        deep = deep / "d"
        os.mkdir(deep)  # one level at a time: os.makedirs itself recurses
    (deep / "p.txt").write_text("Chi bộ họp.", encoding="utf-8")
    try:
        assert [f.name for f in discover([tmp_path]).files] == ["p.txt"]
    finally:  # bottom-up by hand: shutil.rmtree, which pytest cleans with, recurses
        (deep / "p.txt").unlink()
        while deep != tmp_path:
            deep.rmdir()
            deep = deep.parent


def test_a_folder_that_cannot_be_listed_is_an_error(tmp_path, deny):
    import os

    (tmp_path / "ok").mkdir()
    (tmp_path / "ok" / "a.txt").write_text("x")
    (tmp_path / "locked").mkdir()
    deny(os, "scandir", "locked")
    listing = discover([tmp_path])
    assert [f.name for f in listing.files] == ["a.txt"]
    (error,) = listing.errors
    assert error.source == str(tmp_path / "locked") and error.folder
    assert error.error == "unreadable folder: Permission denied"
