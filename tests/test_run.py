"""``pipeline.run.extract``: a run validates what it wrote, counts what it left out, and
its own process loads only what it needs."""
from pipeline.run import extract

BODY = (
    "Đảng ủy phường Bình Minh vừa tổ chức hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm. "
    "Theo báo cáo, Đảng bộ phường có 18 chi bộ trực thuộc với 512 đảng viên; trong 6 tháng đã kết nạp 9 đảng viên mới. "
    "Các chi bộ duy trì nền nếp sinh hoạt định kỳ, chất lượng sinh hoạt chuyên đề từng bước được nâng lên."
)
DUMP = f"Sign In\n\nĐảng ủy phường Bình Minh sơ kết công tác xây dựng Đảng\n\n15/07/2024\n\n{BODY}\n\nThu Trang\nTIN LIÊN QUAN\n"



def test_written_tables_are_value_checked(tmp_path, monkeypatch):
    """extract runs pipeline.validate on what it wrote; a problem fails the run."""
    import pipeline.validate
    from pipeline.run import extract

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(DUMP, encoding="utf-8")
    summary = extract([raw], tmp_path / "out")
    assert summary.problems == [] and summary.exit_code == 0
    monkeypatch.setattr(pipeline.validate, "validate_dataset", lambda d, changed=None, config=None: ["counts: value < 0 in 1 row"])
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
                        lambda d, changed=None, config=None: seen.append(changed) or ["x: broken (1 row)"])
    summary = extract([raw], tmp_path / "out")
    assert len(seen[0]) == 1 and summary.exit_code == 1  # only b's article
    monkeypatch.setattr(pipeline.validate, "validate_dataset", lambda d, changed=None, config=None: seen.append(changed) or real(d, changed, config))
    (raw / "c.txt").write_text(DUMP.replace("512 đảng viên", "516 đảng viên"), encoding="utf-8")
    extract([raw], tmp_path / "out")
    assert seen[-1] is None  # the last check found a problem: everything again


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


def test_the_runs_own_process_does_not_import_the_cleaners():
    # a run's process that only feeds worker processes or drives a Dask cluster never
    # cleans a page: trafilatura and lxml (0.2 s) load where pages are processed
    import subprocess
    import sys

    code = "import sys, pipeline.run; print(sorted(m for m in ('trafilatura', 'pipeline.clean') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


