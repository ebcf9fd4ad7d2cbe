"""Files, folders, gzip and WARC archives to pages; broken inputs to error records."""
import gzip
import io
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.sources import Page, PageError, discover, iter_pages, source_name

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
    assert [e.error.split(" ")[0] for e in errors] == ["no", "unsupported"]


def test_discover_walks_a_folder_as_rglob_would(tmp_path):
    """Sorted part by part, hidden names and unsupported files left out, symlinked
    files followed, symlinked folders not entered, broken links and fifos skipped."""
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
    os.mkfifo(root / "pipe.html")

    files, errors = discover([root])

    expected = sorted(
        f for f in root.rglob("*")
        if f.is_file() and f.suffix != ".pdf" and not any(p.startswith(".") for p in f.relative_to(root).parts)
    )
    assert errors == [] and files == expected
    assert [str(f.relative_to(root)) for f in files] == [
        "B.htm", "a/b.html", "a/c/d.txt.gz", "a-b.html", "linked.html", "sub dir/g.txt", "z.warc.gz"]
