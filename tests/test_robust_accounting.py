"""The README's promise, as stated there: every input file or record is an article, an
error row, a duplicate row, or a named skip in the run's summary line; exactly one of them.

One real run over a folder that holds each kind: pages, a copy of a page, the same URL
twice (by the URL table), a WARC with a good and a cut record, pages that fail at each early stage, a FIFO,
a looping link, a broken link, a PDF, a hidden file and a symlinked folder.
"""
from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pyarrow.parquet as pq

from pipeline import run

HOSTILE = Path(__file__).parent / "hostile"


def _page(place: str) -> str:
    return (f"Đảng ủy xã {place} tổ chức hội nghị sơ kết công tác xây dựng Đảng\n\n"
            f"Sáng nay, Đảng ủy xã {place} tổ chức hội nghị sơ kết công tác xây dựng Đảng sáu tháng đầu năm. "
            "Trong sáu tháng, toàn Đảng bộ kết nạp 9 đảng viên mới, đạt 60% chỉ tiêu cả năm. "
            f"Các chi bộ của xã {place} duy trì nền nếp sinh hoạt định kỳ và sinh hoạt chuyên đề.\n")


def _html(place: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in _page(place).split("\n")[2:] if p)
    return (f"<html><head><title>Hội nghị ở xã {place}</title></head>"
            f"<body><article><h1>Hội nghị ở xã {place}</h1>{paras}</article></body></html>")


def _input(raw: Path) -> dict[str, str]:
    """Writes the input; returns each input's name (relative to ``raw``) -> what it must be."""
    (raw / "sub").mkdir(parents=True)
    want = {}
    for name, place in (("a.txt", "Tân Lập"), ("sub/b.txt", "Hòa Bình")):
        (raw / name).write_text(_page(place), encoding="utf-8")
        want[name] = "article"
    shutil.copy(raw / "a.txt", raw / "sub/a-copy.txt")
    want["sub/a-copy.txt"] = "duplicate"
    (raw / "u1.html").write_text(_html("An Phú"), encoding="utf-8")
    (raw / "u2.html").write_text(_html("An Phú mới"), encoding="utf-8")  # a later edit of the same address
    want |= {"u1.html": "article", "u2.html": "duplicate"}
    shutil.copy(HOSTILE / "corrupt.warc", raw / "crawl.warc")
    want["crawl.warc#urn:uuid:00000000-0000-4000-8000-000000000001"] = "article"
    want["crawl.warc#urn:uuid:00000000-0000-4000-8000-000000000002"] = "error"
    for name in ("empty.html", "binary.html", "truncated.txt.gz", "scripts_only.html"):
        shutil.copy(HOSTILE / name, raw / name)
        want[name] = "error"
    os.mkfifo(raw / "pipe.html")
    os.symlink("loop-b", raw / "loop-a")
    os.symlink("loop-a", raw / "loop-b")
    os.symlink("gone.html", raw / "broken.html")
    want |= {"pipe.html": "error", "loop-a": "error", "loop-b": "error", "broken.html": "error"}
    (raw / "report.pdf").write_bytes(b"%PDF-1.7\n")
    (raw / ".draft.txt").write_text(_page("Ẩn"), encoding="utf-8")
    os.symlink("sub", raw / "mirror")
    want |= {"report.pdf": "skip", ".draft.txt": "skip", "mirror": "skip"}
    return want


def test_every_input_is_exactly_one_of_article_error_duplicate_or_named_skip(nlp, tmp_path):
    raw, out = tmp_path / "raw", tmp_path / "out"
    want = _input(raw)
    urls = tmp_path / "urls.tsv"  # the URL table says both saved pages came from one address
    urls.write_text("url\tfile\n" + "".join(f"https://xaydungdang.example.vn/tin/1.html\traw/{n}\n" for n in ("u1.html", "u2.html")))
    summary = run.extract([raw], out, nlp=nlp, workers=1, urls=urls)

    def names(table: str) -> list[str]:
        return [str(Path(s).relative_to(raw)) if "#" not in s else os.path.relpath(s, raw)
                for s in pq.read_table(out / f"{table}.parquet", columns=["source"]).column(0).to_pylist()]

    got: dict[str, list[str]] = {}
    for kind, table in (("article", "articles"), ("error", "errors"), ("duplicate", "duplicates")):
        for name in names(table):
            got.setdefault(name, []).append(kind)
    assert {n: k for n, k in want.items() if k != "skip"} == {n: k for n, (k, *more) in got.items() if not more}
    assert all(len(kinds) == 1 for kinds in got.values()), got
    skipped = re.fullmatch(r"skipped: (\d+) \((.*)\)", summary.skipped_line)
    assert skipped and int(skipped[1]) == sum(k == "skip" for k in want.values()), summary.skipped_line
    assert all(words in skipped[2] for words in ("1 .pdf", "1 hidden", "1 symlinked folder")), summary.skipped_line
    reasons = {Path(r["source"]).name: r["reason"] for r in pq.read_table(out / "duplicates.parquet").to_pylist()}
    assert reasons == {"a-copy.txt": "same text", "u2.html": "same URL"}
    assert summary.pages == len(want) - 3 and summary.exit_code == 1  # the error rows make it 1
