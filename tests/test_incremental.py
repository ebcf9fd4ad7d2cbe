"""Incremental runs (``pipeline.incremental``): the dataset of a re-run is the dataset of a full run."""
import json

import pyarrow.parquet as pq

from pipeline import incremental, run, settings
from tools.corpus import make_corpus
from pipeline.schema import TABLES

BODY = (
    "Đảng ủy phường Bình Minh vừa tổ chức hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm. "
    "Theo báo cáo, Đảng bộ phường có 18 chi bộ trực thuộc với 512 đảng viên; trong 6 tháng đã kết nạp 9 đảng viên mới. "
    "Các chi bộ duy trì nền nếp sinh hoạt định kỳ, chất lượng sinh hoạt chuyên đề từng bước được nâng lên."
)
DUMP = f"Sign In\n\nĐảng ủy phường Bình Minh sơ kết công tác xây dựng Đảng\n\n15/07/2024\n\n{BODY}\n\nThu Trang\nTIN LIÊN QUAN\n"



def dataset(out):
    """Every table's rows, timestamps of the run aside."""
    tables = {}
    for name in TABLES:
        table = pq.read_table(out / f"{name}.parquet")
        tables[name] = table.drop([c for c in ("processed_at",) if c in table.column_names]).to_pylist()
    return tables


def test_incremental_run_equals_full_run(nlp, tmp_path):
    raw = tmp_path / "raw"
    make_corpus(raw, 6)  # six sample pages with a marker in their body
    out = tmp_path / "out"
    first = run.extract([raw], out, nlp=nlp, batch_pages=2)
    assert (first.pages, first.processed, first.skipped, first.batches) == (6, 6, 0, 3)
    files = sorted(p for p in raw.rglob("*") if p.is_file())
    files[0].unlink()  # removed: its rows must go
    changed = files[2]
    changed.write_bytes(changed.read_bytes().replace(b"(ID 00000)", b"(ID 00042)"))
    make_corpus(raw / "zz", 1, start=7)  # one new page
    second = run.extract([raw], out, nlp=nlp, batch_pages=2)
    assert (second.pages, second.processed, second.skipped) == (6, 2, 4)
    full = run.extract([raw], tmp_path / "full", nlp=nlp, force=True)
    assert full.processed == 6
    got, want = dataset(out), dataset(tmp_path / "full")
    assert got == want
    assert len(got["articles"]) == 6 and str(files[0]) not in {a["source"] for a in got["articles"]}
    assert "(ID 00042)" in " ".join(a["text"] for a in got["articles"])
    assert [a["source"] for a in got["articles"]] == sorted(a["source"] for a in got["articles"])
    # a third run has nothing to do, and unused batches were deleted
    third = run.extract([raw], out, nlp=nlp)
    assert (third.processed, third.skipped, third.batches) == (0, 6, 0)
    assert dataset(out) == want


def test_force_and_a_code_change_recompute_everything(nlp, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    make_corpus(raw, 2)
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    assert run.extract([raw], out, nlp=nlp).processed == 0
    assert run.extract([raw], out, nlp=nlp, force=True).processed == 2
    monkeypatch.setattr(incremental, "code_key", lambda: "another-version")
    assert run.extract([raw], out, nlp=nlp).processed == 2
    assert run.extract([raw], out, nlp=nlp).processed == 0
    # the rows name the code that made them, as dataset.json does; the release stays apart
    assert {a["pipeline_version"] for a in dataset(out)["articles"]} == {"another-version"}
    record = json.loads((out / "dataset.json").read_text())
    assert (record["code_key"], record["pipeline_version"]) == ("another-version", settings.PIPELINE_VERSION)


def test_duplicate_article_keeps_first_page_across_runs(nlp, tmp_path):
    raw = tmp_path / "raw"
    (raw / "b").mkdir(parents=True)
    (raw / "a.txt").write_text(DUMP, encoding="utf-8")
    (raw / "b" / "copy.txt").write_text(DUMP + "\n", encoding="utf-8")  # other bytes, same article
    out = tmp_path / "out"
    summary = run.extract([raw], out, nlp=nlp)
    assert summary.articles == 1
    assert [a["source"] for a in dataset(out)["articles"]] == [str(raw / "a.txt")]
    (raw / "a.txt").unlink()
    summary = run.extract([raw], out, nlp=nlp)
    assert summary.processed == 0 and summary.articles == 1  # the copy's rows were kept all along
    assert [a["source"] for a in dataset(out)["articles"]] == [str(raw / "b" / "copy.txt")]


def test_errors_survive_incremental_runs_and_set_the_exit_code(nlp, tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(DUMP, encoding="utf-8")
    (raw / "short.txt").write_text("Chỉ một dòng.", encoding="utf-8")
    (raw / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    out = tmp_path / "out"
    first = run.extract([raw], out, nlp=nlp)
    second = run.extract([raw], out, nlp=nlp)
    assert second.skipped == 2  # the unreadable page is read again, the others are unchanged
    for s in (first, second):
        assert (s.articles, s.errors, s.failed_sources, s.exit_code) == (1, 2, 2, 1)
    errors = dataset(out)["errors"]
    assert [(e["source"], e["stage"]) for e in errors] == [(str(raw / "broken.txt.gz"), "read"), (str(raw / "short.txt"), "clean")]


def test_unchanged_files_are_not_read_again(nlp, tmp_path, monkeypatch):
    """A file with the signature the last run recorded (size, mtime, inode, ctime) is
    not read when all its pages are committed by this code; any write to it, even one
    that keeps its size and puts its mtime back, changes its ctime and it is read."""
    import os

    raw = tmp_path / "raw"
    make_corpus(raw, 6)
    out = tmp_path / "out"
    assert run.extract([raw], out, nlp=nlp).processed == 6
    read: list[str] = []
    real_pages_of = incremental.pages_of
    monkeypatch.setattr(incremental, "pages_of", lambda path, url=None: (read.append(str(path)), real_pages_of(path, url))[1])

    second = run.extract([raw], out, nlp=nlp)
    assert (second.pages, second.processed, second.skipped, read) == (6, 0, 6, [])

    files = sorted(p for p in raw.rglob("*") if p.is_file() and not p.name.endswith(".gz"))
    touched, edited = files[0], files[1]
    os.utime(touched)  # new mtime, same bytes: read, hashed, not processed
    st = edited.stat()
    data = edited.read_bytes()
    edited.write_bytes(data.replace(b"(ID 00000)", b"(ID 00099)"))  # same size
    os.utime(edited, ns=(st.st_atime_ns, st.st_mtime_ns))  # mtime put back
    third = run.extract([raw], out, nlp=nlp)
    assert sorted(read) == sorted([str(touched), str(edited)])
    assert (third.processed, third.skipped) == (1, 5)
    assert "(ID 00099)" in " ".join(a["text"] for a in dataset(out)["articles"])

    read.clear()
    (out / ".state" / "files.json").write_text("{not json", encoding="utf-8")  # a damaged memory: read all
    fourth = run.extract([raw], out, nlp=nlp)
    assert (fourth.processed, len(read)) == (0, 6)
    run.extract([raw], tmp_path / "full", nlp=nlp)
    assert dataset(out) == dataset(tmp_path / "full")


def test_files_of_an_older_code_are_read_again(nlp, tmp_path, monkeypatch):
    raw = tmp_path / "raw"
    make_corpus(raw, 2)
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    read: list[str] = []
    real_pages_of = incremental.pages_of
    monkeypatch.setattr(incremental, "pages_of", lambda path, url=None: (read.append(str(path)), real_pages_of(path, url))[1])
    monkeypatch.setattr(incremental, "code_key", lambda: "another-version")
    assert run.extract([raw], out, nlp=nlp).processed == 2
    assert len(read) == 2


def test_a_file_name_that_is_not_utf8_is_one_more_page(nlp, tmp_path):
    """A name with bytes that are not UTF-8 (an old archive unpacked as Latin-1, say)
    used to stop the whole run: its source could not be written to Parquet. It is a
    page like any other, its source spelled with \\xNN escapes, and a re-run knows it."""
    import os
    import shutil

    import pytest

    raw = tmp_path / "raw"
    make_corpus(raw, 2)
    files = sorted(p for p in raw.rglob("*") if p.is_file())
    odd = os.path.join(os.fsencode(raw), b"chi-b\xf4-th\xf4n.html")  # "chi-bô-thôn" in Latin-1
    try:
        shutil.copyfile(files[0], odd)
    except OSError:
        pytest.skip("this file system refuses names that are not UTF-8")
    files[0].unlink()
    out = tmp_path / "out"
    first = run.extract([raw], out, nlp=nlp)
    assert (first.pages, first.processed, first.errors, first.articles) == (2, 2, 0, 2)
    sources = [a["source"] for a in dataset(out)["articles"]]
    assert str(raw / "chi-b\\xf4-th\\xf4n.html") in sources
    again = run.extract([raw], out, nlp=nlp)
    assert (again.processed, again.skipped) == (0, 2)



def test_a_rerun_with_nothing_new_loads_no_model_and_starts_no_worker(nlp, tmp_path, monkeypatch):
    from pipeline import page
    from pipeline.executors import pool

    raw = tmp_path / "raw"
    make_corpus(raw, 2)
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)

    def refused(*args, **kwargs):
        raise AssertionError("started for nothing")

    monkeypatch.setattr(pool, "start_fork_server", refused)
    monkeypatch.setattr(page, "worker_nlp", refused)
    again = run.extract([raw], out, workers=2)
    assert (again.processed, again.skipped, again.articles) == (0, 2, 2)
