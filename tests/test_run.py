"""One page to rows; broken pages to exactly one error row each."""
import pytest
from pipeline import run
from pipeline.run import article_id_for, process_page
from pipeline.sources import Page

BODY = (
    "Đảng ủy phường Bình Minh vừa tổ chức hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm. "
    "Theo báo cáo, Đảng bộ phường có 18 chi bộ trực thuộc với 512 đảng viên; trong 6 tháng đã kết nạp 9 đảng viên mới. "
    "Các chi bộ duy trì nền nếp sinh hoạt định kỳ, chất lượng sinh hoạt chuyên đề từng bước được nâng lên."
)
DUMP = f"Sign In\n\nĐảng ủy phường Bình Minh sơ kết công tác xây dựng Đảng\n\n15/07/2024\n\n{BODY}\n\nThu Trang\nTIN LIÊN QUAN\n"


def test_text_dump_to_article(nlp):
    result = process_page(Page(source="x/a.txt", data=DUMP.encode(), kind="txt"), nlp)
    assert result.ok, result.errors
    (article,) = result.rows["articles"]
    assert article["title"] == "Đảng ủy phường Bình Minh sơ kết công tác xây dựng Đảng"
    assert str(article["published_date"]) == "2024-07-15"
    assert article["author"] == "Thu Trang"
    assert article["text"] == BODY
    assert article["n_sentences"] == 3
    assert "đảng_viên" in article["text_tokenized"]
    assert article["article_id"] == article_id_for(None, BODY)
    for table in ("doc_refs", "dates", "counts", "solutions", "entities"):
        assert all(r["article_id"] == article["article_id"] for r in result.rows[table])


def test_article_id_prefers_url():
    assert article_id_for("https://a.vn/1", "x") == article_id_for("https://a.vn/1", "y")
    assert article_id_for(None, "x  y") == article_id_for(None, "x y")


def test_broken_pages_give_one_error_each(nlp):
    cases = {
        "empty.html": (b"", "html", "clean"),
        "binary.html": (bytes(range(256)) * 50, "html", "decode"),
        "scripts.html": (b"<html><script>var a=1;</script></html>", "html", "clean"),
        "short.txt": ("Chỉ một dòng.".encode(), "txt", "clean"),
    }
    for name, (data, kind, stage) in cases.items():
        result = process_page(Page(source=name, data=data, kind=kind), nlp)
        assert not result.rows.get("articles")
        assert len(result.errors) == 1 and result.errors[0]["stage"] == stage, (name, result.errors)
        assert result.errors[0]["source"] == name


def test_an_error_row_is_always_writable():
    """An error quoting a lone surrogate (from a name or a stray code point) is still
    written: the errors table takes it, with the surrogate escaped."""
    from pipeline.store import to_table

    row = run.error_row("raw/b\udce0i.html", "clean", "bad character '\ud800' here")
    assert (row["source"], row["error"]) == ("raw/b\\xe0i.html", "bad character '\\ud800' here")
    assert to_table("errors", [row]).num_rows == 1


def test_rows_checked_together_keep_each_page_its_own_fate(nlp, monkeypatch):
    # three pages checked together; the second's counts do not fit the schema: it alone
    # loses its rows for one write error, as if each page had been checked alone
    from pipeline.sources import PageError

    def page(i):
        return Page(source=f"x/{i}.txt", data=DUMP.replace("18 chi bộ", f"{18 + i} chi bộ").encode(), kind="txt")

    real = run.process_page

    def with_a_bad_count(item, nlp, now=None):
        result = real(item, nlp, now)
        if item.source == "x/1.txt":
            result.rows["counts"][0]["value"] = "mười tám"
        return result

    monkeypatch.setattr(run, "process_page", with_a_bad_count)
    items = [page(0), page(1), PageError(source="x/gone.txt", stage="read", error="No such file"), page(2)]
    together = run.pages_rows(items, nlp)
    alone = [run.page_rows(item, nlp) for item in items]
    assert [r.source for r in together] == ["x/0.txt", "x/1.txt", "x/gone.txt", "x/2.txt"]
    for a, b in zip(together, alone):
        assert a.rows.keys() == b.rows.keys() and [e["error"] for e in a.errors] == [e["error"] for e in b.errors]
    good, bad, gone, last = together
    assert good.rows["counts"] and last.rows["counts"] and not good.errors and not last.errors
    assert bad.rows == {} and [e["stage"] for e in bad.errors] == ["write"]
    assert "rows do not fit the schema: counts" in bad.errors[0]["error"]
    assert [e["stage"] for e in gone.errors] == ["read"]


# -- incremental runs: the dataset of a re-run is the dataset of a full run -----------

import pyarrow.parquet as pq  # noqa: E402

from pipeline.bench import make_corpus  # noqa: E402
from pipeline.schema import TABLES  # noqa: E402


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
    monkeypatch.setattr(run, "code_key", lambda: "another-version")
    assert run.extract([raw], out, nlp=nlp).processed == 2
    assert run.extract([raw], out, nlp=nlp).processed == 0


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


def test_written_tables_are_value_checked(tmp_path, monkeypatch):
    """extract runs pipeline.validate on what it wrote; a problem fails the run."""
    import pipeline.validate
    from pipeline.run import extract

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(DUMP, encoding="utf-8")
    summary = extract([raw], tmp_path / "out")
    assert summary.problems == [] and summary.exit_code == 0
    monkeypatch.setattr(pipeline.validate, "validate_dataset", lambda d, changed=None: ["counts: value < 0 in 1 row"])
    summary = extract([raw], tmp_path / "out")
    assert summary.problems == ["counts: value < 0 in 1 row"] and summary.exit_code == 1


def test_a_rerun_checks_only_new_rows_after_a_clean_check(tmp_path, monkeypatch):
    """Per-row checks of a re-run cover the articles it wrote, unless the last check found problems."""
    import pipeline.validate
    from pipeline.run import extract

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(DUMP, encoding="utf-8")
    extract([raw], tmp_path / "out")  # clean, recorded
    (raw / "b.txt").write_text(DUMP.replace("512 đảng viên", "515 đảng viên"), encoding="utf-8")
    seen = []
    real = pipeline.validate.validate_dataset
    monkeypatch.setattr(pipeline.validate, "validate_dataset",
                        lambda d, changed=None: seen.append(changed) or ["x: broken (1 row)"])
    summary = extract([raw], tmp_path / "out")
    assert len(seen[0]) == 1 and summary.exit_code == 1  # only b's article
    monkeypatch.setattr(pipeline.validate, "validate_dataset", lambda d, changed=None: seen.append(changed) or real(d, changed))
    (raw / "c.txt").write_text(DUMP.replace("512 đảng viên", "516 đảng viên"), encoding="utf-8")
    extract([raw], tmp_path / "out")
    assert seen[-1] is None  # the last check found a problem: everything again


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
    real_pages_of = run.pages_of
    monkeypatch.setattr(run, "pages_of", lambda path: (read.append(str(path)), real_pages_of(path))[1])

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
    real_pages_of = run.pages_of
    monkeypatch.setattr(run, "pages_of", lambda path: (read.append(str(path)), real_pages_of(path))[1])
    monkeypatch.setattr(run, "code_key", lambda: "another-version")
    assert run.extract([raw], out, nlp=nlp).processed == 2
    assert len(read) == 2


def test_a_page_repeating_an_earlier_article_is_left_out_and_counted(nlp, tmp_path):
    """Two copies of one page (no URL, same text): one article, and the run says why
    pages read and articles written differ."""
    from pipeline.run import extract

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(DUMP, encoding="utf-8")
    (raw / "b-copy.txt").write_text(DUMP, encoding="utf-8")
    summary = extract([raw], tmp_path / "out", nlp=nlp)
    assert (summary.pages, summary.articles, summary.duplicates) == (2, 1, 1)
    assert summary.line().endswith("duplicates left out: 1") and summary.exit_code == 0
    (raw / "b-copy.txt").unlink()
    summary = extract([raw], tmp_path / "out", nlp=nlp)
    assert (summary.articles, summary.duplicates) == (1, 0) and "duplicates" not in summary.line()


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


def test_a_page_that_hangs_is_stopped_and_the_next_goes_on(nlp, monkeypatch):
    """A page still in hand after the time limit is one error row naming its stage;
    the next page is processed, and the SIGALRM handler before the run is back."""
    import signal

    from pipeline.bench import SAMPLES

    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "0.5")
    sample = next(p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt")
    hang, good = (Page(source=name, data=sample.read_bytes(), kind="txt") for name in ("hang.txt", "good.txt"))
    import pipeline.clean

    real_clean = pipeline.clean.clean_page

    def clean_page(text, kind, url):  # a catastrophic backtrack, as a cleaner might meet one
        if seen[-1] == hang.source:
            import re

            re.match(r"(a+)+$", "a" * 64 + "b")
        return real_clean(text, kind, url)

    seen: list[str] = []
    real_process = run.process_page
    monkeypatch.setattr(run, "process_page", lambda page, *a: (seen.append(page.source), real_process(page, *a))[1])
    monkeypatch.setattr(pipeline.clean, "clean_page", clean_page)  # process_page imports it when called
    before = signal.getsignal(signal.SIGALRM)
    hung, done = run.pages_rows([hang, good], nlp)
    assert not hung.rows and [(e["stage"], e["error"].split(" (")[0]) for e in hung.errors] == [("clean", "stopped after 0.5 s")]
    assert not done.errors and done.rows["articles"]
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_page_that_hangs_in_a_thread_is_stopped_too(nlp, monkeypatch):
    """No SIGALRM reaches a thread other than the main one (a Dask worker's): there the
    limit is an exception raised in the page's thread; the next page goes on, and no
    exception is left pending for the thread's later work."""
    import threading
    import time

    from pipeline.bench import SAMPLES

    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "0.5")
    sample = next(p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt")
    hang, good = (Page(source=name, data=sample.read_bytes(), kind="txt") for name in ("hang.txt", "good.txt"))
    import pipeline.clean

    real_clean = pipeline.clean.clean_page

    def clean_page(text, kind, url):  # a loop on odd input, in Python
        while seen[-1] == hang.source:
            pass
        return real_clean(text, kind, url)

    seen: list[str] = []
    real_process = run.process_page
    monkeypatch.setattr(run, "process_page", lambda page, *a: (seen.append(page.source), real_process(page, *a))[1])
    monkeypatch.setattr(pipeline.clean, "clean_page", clean_page)
    results, after = [], []

    def work() -> None:
        results.extend(run.pages_rows([hang, good], nlp))
        time.sleep(1.0)  # past the limit of the last page: nothing more is raised here
        after.append("alive")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert not thread.is_alive() and after == ["alive"]
    hung, done = results
    assert not hung.rows and [(e["stage"], e["error"].split(" (")[0]) for e in hung.errors] == [("clean", "stopped after 0.5 s")]
    assert not done.errors and done.rows["articles"]


def test_only_a_worker_process_is_taken_down_by_a_stuck_page(monkeypatch):
    """The run's own process (``--workers 1``) and a Dask worker in the driver's process
    wait for a page stuck in C code: exiting would end the run itself."""
    import time

    with run._exit_if_stuck(0.01) as guard:
        time.sleep(0.1)
    assert not guard.armed and not run._STUCK_DEADLINES
    monkeypatch.setattr(run, "_in_dask_worker", lambda: True)  # a worker in this process
    with run._exit_if_stuck(0.01) as guard:
        time.sleep(0.1)
    assert not guard.armed


def test_the_time_limit_leaves_a_callers_own_timer_running(nlp, monkeypatch):
    import signal

    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "30")
    rang = []
    before = signal.signal(signal.SIGALRM, lambda *_: rang.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 20.0)
        page = Page(source="a.txt", data="Tiêu đề\n\n".encode() + "Chi bộ thôn Bắc có 12 đảng viên. ".encode() * 12, kind="txt")
        assert not run.page_rows(page, nlp).errors
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 15.0 < remaining <= 20.0 and not rang  # still armed, less the page's time
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def test_a_time_limit_of_zero_is_none(nlp, monkeypatch):
    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "0")
    monkeypatch.setattr(run.signal, "setitimer", lambda *a: (_ for _ in ()).throw(AssertionError("timer armed")))
    result = run.page_rows(Page(source="a.txt", data="Tiêu đề\n\n".encode() + "Chi bộ thôn Bắc có 12 đảng viên. ".encode() * 12, kind="txt"), nlp)
    assert not result.errors


def test_the_runs_own_process_does_not_import_the_cleaners():
    # a run's process that only feeds worker processes or drives a Dask cluster never
    # cleans a page: trafilatura and lxml (0.2 s) load where pages are processed
    import subprocess
    import sys

    code = "import sys, pipeline.run; print(sorted(m for m in ('trafilatura', 'pipeline.clean') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# each component's engine, by the module attribute its spaCy factory calls
FAULTS = {
    "doc_refs": ("pipeline.extract.doc_refs", "find_doc_refs"),
    "dates": ("pipeline.extract.dates", "find_dates"),
    "counts": ("pipeline.extract.counts", "find_counts"),
    "solutions": ("pipeline.extract.solutions", "find_solution_lists"),
    "entities": ("pipeline.extract.entities", "find_mentions"),
    "entity_links": ("pipeline.extract.entities", "find_province"),
    "classify": ("pipeline.classify.component", "classify_tokenized"),
}


@pytest.mark.parametrize("component", sorted(FAULTS))
def test_a_failing_component_is_an_error_row_never_nothing_found(nlp, monkeypatch, component):
    import importlib

    module, name = FAULTS[component]

    def broken(*args, **kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(importlib.import_module(module), name, broken)
    result = process_page(Page(source="x/a.txt", data=DUMP.encode(), kind="txt"), nlp)
    (error,) = result.errors
    assert error["stage"] == "extract"
    assert error["error"].startswith(f"{component}: RuntimeError: injected fault")
