"""End to end: the CLI over folders of pages into Parquet."""
import gzip
import subprocess
import sys

import duckdb
import pytest

from pipeline.schema import TABLES
import analyst_dataset  # tests/fixtures, on sys.path through conftest.py

BODY = (
    "Ban Thường vụ Huyện ủy Tân Châu tổ chức hội nghị quán triệt Nghị quyết số 21-NQ/TW ngày 16/6/2022 "
    "của Ban Chấp hành Trung ương. Toàn Đảng bộ huyện hiện có 42 tổ chức cơ sở đảng với 3.215 đảng viên, "
    "trong năm qua kết nạp 146 đảng viên mới. Hội nghị đề ra các giải pháp trọng tâm thời gian tới."
)

OTHER = BODY.replace("Tân Châu", "Phú Tân")


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=600)


@pytest.mark.slow
def test_extract_writes_every_table_and_reports_errors(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(f"Hội nghị quán triệt nghị quyết ở huyện Tân Châu\n\n{BODY}\n", encoding="utf-8")
    (raw / "b.html.gz").write_bytes(gzip.compress(f"<html><head><title>Quán triệt</title></head><body><article><h1>Quán triệt</h1><p>{OTHER}</p></article></body></html>".encode()))
    (raw / "broken.txt.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    out = tmp_path / "out"
    proc = run_cli("extract", str(raw), "--out", str(out))
    assert proc.returncode == 1, proc.stderr
    assert "broken.txt.gz" in proc.stderr and "Traceback" not in proc.stderr
    assert "pages read: 3, articles written: 2, errors: 1" in proc.stderr
    for name in TABLES:
        assert (out / f"{name}.parquet").exists()
    n = duckdb.sql(f"select count(*) from '{out}/articles.parquet'").fetchall()[0][0]
    assert n == 2
    assert duckdb.sql(f"select stage from '{out}/errors.parquet'").fetchall() == [("read",)]


def test_usage_errors_exit_2(tmp_path):
    proc = run_cli("extract", str(tmp_path / "missing"))
    assert proc.returncode == 2
    assert "missing" in proc.stderr and "Traceback" not in proc.stderr
    proc = run_cli("extract", "--bogus-option")
    assert proc.returncode == 2


@pytest.mark.slow
def test_sample_corpus(tmp_path, repo):
    """The sample pages shipped in data/raw all become articles."""
    raw = repo / "data" / "raw"
    pages = [p for p in raw.rglob("*") if p.is_file() and not p.name.startswith(".")]
    assert len(pages) >= 8, "data/raw ships at least 8 sample pages"
    out = tmp_path / "out"
    proc = run_cli("extract", str(raw), "--out", str(out))
    assert "Traceback" not in proc.stderr
    articles = duckdb.sql(f"select title, text, n_words from '{out}/articles.parquet'").fetchall()
    assert len(articles) >= 8
    assert all(title and n_words > 50 for title, _text, n_words in articles)


@pytest.mark.slow
def test_without_a_terminal_extract_says_now_and_then_that_it_is_alive(tmp_path, monkeypatch):
    """No progress bar without a terminal (cron, CI): a progress line on stderr every
    PROGRESS_SECONDS instead (0 here: one per page), so a run of hours shows it is alive."""
    monkeypatch.setenv("PIPELINE_PROGRESS_SECONDS", "0")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(f"Hội nghị quán triệt nghị quyết ở huyện Tân Châu\n\n{BODY}\n", encoding="utf-8")
    (raw / "b.txt").write_text(f"Hội nghị quán triệt nghị quyết ở huyện Phú Tân\n\n{OTHER}\n", encoding="utf-8")
    proc = run_cli("extract", str(raw), "--out", str(tmp_path / "out"), "--workers", "1")
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.startswith("progress: ")]
    assert [line.split(" in ")[0] for line in lines] == [
        "progress: 1 done (pages processed or unchanged)", "progress: 2 done (pages processed or unchanged)"]


def test_extract_option_errors_exit_2(tmp_path):
    for args in (["--engine", "spark"], ["--scheduler", "tcp://127.0.0.1:8786"], ["--workers", "0"]):
        proc = run_cli("extract", str(tmp_path), "--out", str(tmp_path / "out"), *args)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "Traceback" not in proc.stderr


@pytest.mark.slow
def test_extract_workers_then_incremental_rerun(tmp_path, monkeypatch):
    monkeypatch.setenv("PIPELINE_CODE_KEY", "cli-test")  # others may edit the package between runs
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(f"Hội nghị quán triệt nghị quyết ở huyện Tân Châu\n\n{BODY}\n", encoding="utf-8")
    (raw / "b.txt").write_text(f"Hội nghị quán triệt nghị quyết ở huyện Phú Tân\n\n{OTHER}\n", encoding="utf-8")
    out = tmp_path / "out"
    proc = run_cli("extract", str(raw), "--out", str(out), "--workers", "2")
    assert proc.returncode == 0, proc.stderr
    assert "pages read: 2, articles written: 2, errors: 0, unchanged: 0" in proc.stderr
    proc = run_cli("extract", str(raw), "--out", str(out), "--workers", "2")
    assert "pages read: 2, articles written: 2, errors: 0, unchanged: 2" in proc.stderr
    proc = run_cli("extract", str(raw), "--out", str(out), "--workers", "1", "--force")
    assert "unchanged: 0" in proc.stderr
    assert duckdb.sql(f"select count(*) from '{out}/articles.parquet'").fetchall() == [(2,)]


def test_unwritable_outputs_are_one_line_errors(tmp_path):
    """An output path that runs through a file: one line naming the path, no traceback."""
    afile = tmp_path / "afile"
    afile.write_text("not a folder")
    data = analyst_dataset.write_dataset(tmp_path / "data")  # a small dataset for report and query
    proc = run_cli("extract", str(data), "--out", str(afile / "out"))
    assert proc.returncode == 2, proc.stderr
    assert f"--out {afile / 'out'} cannot be created" in proc.stderr and "Traceback" not in proc.stderr
    for args in (
        ["report", "--data", str(data), "-o", str(afile / "report.html")],
        ["query", "select 1 as x", "--data", str(data), "--format", "csv", "-o", str(afile / "x.csv")],
        ["crawl", "http://127.0.0.1:9/", "--out", str(afile / "warc")],
    ):
        proc = run_cli(*args)
        assert proc.returncode == 1, (args, proc.stderr)
        assert "Traceback" not in proc.stderr, args
        assert f"error: {afile}" in proc.stderr and "not a folder" in proc.stderr, (args, proc.stderr)


@pytest.mark.slow
def test_disk_full_at_publish_keeps_the_committed_pages(tmp_path, monkeypatch):
    """A write that fails mid-run (disk full while publishing) is one line, exit 1; the
    pages already processed stay committed and the next run publishes them without
    processing them again."""
    import errno

    from typer.testing import CliRunner

    from pipeline.cli import app
    from pipeline.store import PartStore

    monkeypatch.setenv("PIPELINE_CODE_KEY", "cli-test")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(f"Hội nghị quán triệt nghị quyết ở huyện Tân Châu\n\n{BODY}\n", encoding="utf-8")
    out = tmp_path / "out"

    def full(self, live, partitioned=False, record=None, config=None):
        raise OSError(errno.ENOSPC, "No space left on device", str(self.out_dir / "articles.parquet"))

    with monkeypatch.context() as m:
        m.setattr(PartStore, "publish", full)
        result = CliRunner().invoke(app, ["extract", str(raw), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 1, result.output
    assert f"error: {out / 'articles.parquet'}: No space left on device" in result.output
    assert "nothing published; batches committed so far are kept" in result.output
    assert not (out / "articles.parquet").exists()
    result = CliRunner().invoke(app, ["extract", str(raw), "--out", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    assert "articles written: 1, errors: 0, unchanged: 1" in result.output


@pytest.mark.parametrize("command", [[], ["extract"], ["eval"], ["crawl"], ["query"], ["report"], ["validate"]])
def test_help_is_clean_text_with_an_example(command):
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, [*command, "--help"], env={"COLUMNS": "120"})
    assert result.exit_code == 0, result.output
    for markup in ("<bool>", "``", "<list[", "<str>", ":class:"):
        assert markup not in result.output, (command, markup)
    if command:
        assert "Example: pipeline " + command[0] in result.output


def test_a_choice_outside_the_choices_is_a_usage_error(tmp_path):
    proc = run_cli("query", "select 1", "--data", str(tmp_path), "--format", "xml")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "table" in proc.stderr and "parquet" in proc.stderr
    proc = run_cli("eval", str(tmp_path), str(tmp_path), "--field", "title", "--field", "titel")
    assert proc.returncode == 2 and "no field named 'titel'" in proc.stderr and "counts_qualifier" in proc.stderr


def test_missing_extras_are_one_line_naming_the_extra(tmp_path):
    """Without scrapy or distributed (a hand install without [crawl] or [dask])."""
    import subprocess
    import sys

    (tmp_path / "block").mkdir()
    (tmp_path / "block" / "sitecustomize.py").write_text(
        "import sys\nclass _No:\n    def find_spec(self, name, path=None, target=None):\n"
        "        if name.split('.')[0] in ('scrapy', 'distributed'):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, _No())\n", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("Tin\n\n" + "Chi bộ thôn sinh hoạt định kỳ đúng quy định của Điều lệ Đảng. " * 6, encoding="utf-8")
    env = {**__import__("os").environ, "PYTHONPATH": str(tmp_path / "block")}
    for args, extra in ((["crawl", "http://127.0.0.1:9/"], "[crawl]"),
                        (["extract", str(raw), "--out", str(tmp_path / "out"), "--engine", "dask"], "[dask]")):
        done = subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 1, done.stderr
        assert extra in done.stderr and "Traceback" not in done.stderr, done.stderr
