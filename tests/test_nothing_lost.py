"""A wrong, empty, shrunken or partly unreadable input never deletes published rows."""
import json
import os
import subprocess
import sys

import duckdb
import pytest

from pipeline import run

BODY = (
    "Chi bộ khu dân cư số {n} tổ chức sinh hoạt chuyên đề về nâng cao chất lượng đảng viên. "
    "Chi bộ hiện có {m} đảng viên, trong năm kết nạp thêm 2 đảng viên mới. "
    "Các đồng chí đảng viên thống nhất đăng ký thực hiện nhiều việc làm cụ thể trong quý tới."
)


def page(n: int) -> str:
    return f"Chi bộ khu dân cư số {n} sinh hoạt chuyên đề\n\n{BODY.format(n=n, m=20 + n)}\n"


def corpus(folder, names):
    for name in names:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page(len(name) * 7 + sum(map(ord, name)) % 50), encoding="utf-8")
    return folder


def sources(out):
    return sorted(r[0] for r in duckdb.sql(f"select source from '{out}/articles.parquet'").fetchall())


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline.cli", *args], capture_output=True, text=True, timeout=600)


def test_an_input_with_no_pages_changes_nothing(nlp, tmp_path):
    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt"])
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    before = {p.name: p.read_bytes() for p in out.glob("*.parquet")}
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "notes.pdf").write_bytes(b"%PDF-1.7")
    with pytest.raises(run.NoPages, match=r"no pages in .*empty \(skipped: 1 \(not a page: 1 \.pdf\)\)"):
        run.extract([tmp_path / "empty"], out, nlp=nlp)
    assert {p.name: p.read_bytes() for p in out.glob("*.parquet")} == before


def test_an_input_that_shrank_by_half_is_refused_unless_allowed(nlp, tmp_path):
    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"])
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    assert json.loads((out / "dataset.json").read_text())["input_pages"] == 5
    for name in ("b.txt", "c.txt", "d.txt"):
        (raw / name).unlink()
    with pytest.raises(run.InputShrank, match="the input has 2 pages, the last run had 5"):
        run.extract([raw], out, nlp=nlp)
    assert len(sources(out)) == 5
    run.extract([raw], out, nlp=nlp, allow_shrink=True)
    assert sources(out) == [str(raw / "a.txt"), str(raw / "e.txt")]
    (raw / "e.txt").unlink()  # 2 -> 1 is half: still allowed
    assert run.extract([raw], out, nlp=nlp).articles == 1


def test_a_folder_that_cannot_be_listed_keeps_its_pages_rows(nlp, tmp_path, deny):
    raw = corpus(tmp_path / "raw", ["a.txt", "sub/b.txt", "sub/c.txt", "z.txt"])
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    deny(os, "scandir", "sub")
    summary = run.extract([raw], out, nlp=nlp)
    assert summary.exit_code == 1
    assert sources(out) == sorted(str(raw / n) for n in ["a.txt", "sub/b.txt", "sub/c.txt", "z.txt"])
    errors = duckdb.sql(f"select source, stage, error from '{out}/errors.parquet'").fetchall()
    assert errors == [(str(raw / "sub"), "read", "unreadable folder: Permission denied")]
    deny.undo()
    assert run.extract([raw], out, nlp=nlp).exit_code == 0  # readable again: the error row goes


def test_a_file_that_cannot_be_read_keeps_its_pages_rows(nlp, tmp_path, deny):
    from pipeline import sources as pipeline_sources

    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt", "c.txt"])
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    clean = tables(out)
    deny(pipeline_sources, "read_file", "b.txt")
    os.utime(raw / "b.txt")  # as chmod does, the file looks changed: it is read
    for _ in range(2):  # and its rows stay however many runs it stays unreadable
        summary = run.extract([raw], out, nlp=nlp)
        assert summary.warnings == [f"{raw / 'b.txt'}: unreadable (Permission denied): its 1 page(s) keep the rows of the last run"]
        assert summary.exit_code == 1 and summary.pages == 3
        assert tables(out) == clean
    fresh = run.extract([raw], tmp_path / "fresh", nlp=nlp)  # no rows to keep: an error row, as before
    assert fresh.warnings == [] and fresh.errors == 1
    deny.undo()
    summary = run.extract([raw], out, nlp=nlp)
    assert (summary.warnings, summary.exit_code, summary.processed) == ([], 0, 0)  # readable again, unchanged


@pytest.mark.slow
def test_cli_says_why_in_one_line_and_leaves_the_dataset(tmp_path):
    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt", "c.txt"])
    out = tmp_path / "out"
    assert run_cli("extract", str(raw), "--out", str(out), "--workers", "1").returncode == 0
    (tmp_path / "empty").mkdir()
    proc = run_cli("extract", str(tmp_path / "empty"), "--out", str(out), "--workers", "1")
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == f"error: no pages in {tmp_path / 'empty'}; the dataset is left as it was"
    for name in ("b.txt", "c.txt"):
        (raw / name).unlink()
    proc = run_cli("extract", str(raw), "--out", str(out), "--workers", "1")
    assert proc.returncode == 1 and "--allow-shrink" in proc.stderr and len(sources(out)) == 3
    proc = run_cli("extract", str(raw), "--out", str(out), "--workers", "1", "--allow-shrink")
    assert proc.returncode == 0 and len(sources(out)) == 1


def test_file_names_cannot_forge_lines_or_control_the_terminal():
    row = {"source": "raw/fake\nerror: x.txt\x1b]0;owned\x07", "stage": "clean", "error": "no main text"}
    line = run.error_line(row)
    assert "\n" not in line and "\x1b" not in line and "\x07" not in line
    assert line == "error: raw/fake\\nerror: x.txt\\x1b]0;owned\\x07: clean: no main text"


def tables(out):
    return {p.name: duckdb.sql(f"select * exclude (processed_at) from '{p}'").fetchall()
            if "processed_at" in duckdb.sql(f"describe select * from '{p}'").df()["column_name"].tolist()
            else duckdb.sql(f"select * from '{p}'").fetchall()
            for p in sorted(out.glob("*.parquet"))}


@pytest.mark.parametrize("damage", ["truncate", "empty", "delete pages", "garbage"])
def test_a_damaged_committed_batch_is_dropped_and_redone(nlp, tmp_path, damage):
    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt", "c.txt", "d.txt"])
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp, batch_pages=2)
    clean = tables(out)
    batch = sorted((out / ".state" / "batches").iterdir())[0]
    target = batch / ("pages.parquet" if damage == "delete pages" else "articles.parquet")
    if damage == "truncate":
        target.write_bytes(target.read_bytes()[: target.stat().st_size // 2])
    elif damage == "empty":
        target.write_bytes(b"")
    elif damage == "delete pages":
        target.unlink()
    else:
        target.write_bytes(b"PAR1 not parquet at all")
    summary = run.extract([raw], out, nlp=nlp, batch_pages=2)
    (warning,) = summary.warnings
    assert warning.startswith(f"{batch}: damaged committed batch (") and "processed again" in warning
    assert summary.processed == 2 and summary.exit_code == 0
    assert tables(out) == clean
    assert run.extract([raw], out, nlp=nlp).warnings == []


@pytest.mark.parametrize("damage", ["garbage", "empty", "not a mapping", "a folder"])
def test_an_unreadable_files_json_is_one_warning_and_the_inputs_are_read_again(nlp, tmp_path, damage):
    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt"])
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    clean = tables(out)
    memory = out / ".state" / "files.json"
    if damage == "a folder":
        memory.unlink()
        memory.mkdir()
    else:
        memory.write_text({"garbage": '{"files": {"a', "empty": "", "not a mapping": "[1, 2]"}[damage])
    summary = run.extract([raw], out, nlp=nlp)
    (warning,) = summary.warnings
    assert warning.startswith(f"{memory}: unreadable (") and warning.endswith("every input file is read again")
    assert (summary.pages, summary.processed, summary.exit_code) == (2, 0, 0)  # read again, not processed again
    assert tables(out) == clean
    assert memory.is_file() and run.extract([raw], out, nlp=nlp).warnings == []


def test_a_row_quotes_at_most_a_window_of_a_long_sentence(nlp):
    from pipeline import settings
    from pipeline.nlp import annotate

    listed = ", ".join(f"{n}-CT/TW" for n in range(1, 400))
    doc = annotate(nlp, f"Các chỉ thị {listed} được quán triệt đầy đủ.", {"article_id": "a"})
    rows = doc._.rows["doc_refs"]
    assert len(rows) > 300
    assert max(len(r["sentence"]) for r in rows) <= settings.SENTENCE_MAX_CHARS + 2
    middle = rows[len(rows) // 2]
    assert middle["text"] in middle["sentence"] and middle["sentence"].startswith("…") and middle["sentence"].endswith("…")


def test_a_page_over_the_row_limit_is_one_error_row_and_the_others_publish(nlp, tmp_path, monkeypatch):
    from pipeline import settings

    raw = corpus(tmp_path / "raw", ["a.txt", "c.txt"])
    listed = ", ".join(f"{n}-CT/TW" for n in range(1, 120))
    (raw / "b.txt").write_text(f"Danh mục chỉ thị\n\n{BODY.format(n=5, m=9)} Các chỉ thị {listed} vẫn còn hiệu lực.\n", "utf-8")
    monkeypatch.setattr(settings, "MAX_ROWS_PER_PAGE", 100)
    summary = run.extract([raw], tmp_path / "out", nlp=nlp)
    assert summary.exit_code == 1 and summary.articles == 2
    (error,) = duckdb.sql(f"select source, stage, error from '{tmp_path / 'out'}/errors.parquet'").fetchall()
    assert error[:2] == (str(raw / "b.txt"), "extract") and "over the limit of 100 a page" in error[2]


def test_a_publish_that_dies_midway_leaves_the_old_version_whole(nlp, tmp_path, monkeypatch):
    from pipeline import store

    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt"])
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    before = tables(out)
    corpus(raw, ["c.txt"])
    real, written = store._stream_to_tmp, []

    def dies_at_the_fourth_table(results, schema, path, *a):
        written.append(path.name)
        if len(written) == 4:
            raise OSError(28, "No space left on device", str(path))
        return real(results, schema, path, *a)

    monkeypatch.setattr(store, "_stream_to_tmp", dies_at_the_fourth_table)
    with pytest.raises(OSError):
        run.extract([raw], out, nlp=nlp)
    assert tables(out) == before  # not three new tables beside four old ones
    monkeypatch.setattr(store, "_stream_to_tmp", real)
    assert run.extract([raw], out, nlp=nlp).articles == 3


def test_a_kill_between_two_renames_cannot_mix_versions(nlp, tmp_path, monkeypatch):
    """Publishing switches versions in one rename: dying at any later rename of the
    publish (here: the second) leaves one whole version, old or new."""
    from pipeline import store

    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt"])
    out = tmp_path / "out"
    run.extract([raw], out, nlp=nlp)
    (raw / "b.txt").unlink()  # the new version has a's rows only
    real, calls = os.replace, []

    def killed_at_the_second_rename(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # as SIGKILL would stop it, mid-publish
        return real(src, dst)

    monkeypatch.setattr(store.os, "replace", killed_at_the_second_rename)
    try:
        run.extract([raw], out, nlp=nlp, validate=False)
    except KeyboardInterrupt:
        pass
    monkeypatch.setattr(store.os, "replace", real)
    ids = {r[0] for r in duckdb.sql(f"select article_id from '{out}/articles.parquet'").fetchall()}
    for table in ("doc_refs", "dates", "counts", "solutions", "entities"):
        assert {r[0] for r in duckdb.sql(f"select article_id from '{out}/{table}.parquet'").fetchall()} <= ids
    assert len(ids) in (1, 2)


def test_tables_are_links_into_the_one_current_version(nlp, tmp_path):
    from pipeline.schema import TABLES

    raw = corpus(tmp_path / "raw", ["a.txt"])
    out = tmp_path / "out"
    for _ in range(2):
        run.extract([raw], out, nlp=nlp, force=True)
    for name in [*(f"{t}.parquet" for t in TABLES), "dataset.json"]:
        assert os.readlink(out / name) == f"current/{name}"
    (version,) = (out / ".versions").iterdir()
    assert os.readlink(out / "current") == f".versions/{version.name}"
    assert sorted(p.name for p in out.iterdir() if not p.is_symlink()) == [".state", ".versions"]


def test_every_page_left_out_as_a_duplicate_is_a_row(nlp, tmp_path):
    raw = corpus(tmp_path / "raw", ["a.txt", "b.txt"])
    (raw / "copy").mkdir()
    (raw / "copy" / "a.txt").write_bytes((raw / "a.txt").read_bytes())
    out = tmp_path / "out"
    summary = run.extract([raw], out, nlp=nlp)
    assert (summary.articles, summary.duplicates) == (2, 1)
    rows = duckdb.sql(f"select source, article_id, source_kept, reason from '{out}/duplicates.parquet'").fetchall()
    (kept_id,) = duckdb.sql(f"select article_id from '{out}/articles.parquet' where source = '{raw / 'a.txt'}'").fetchall()[0]
    assert rows == [(str(raw / "copy" / "a.txt"), kept_id, str(raw / "a.txt"), "same text")]  # the first page wins
