"""pipeline.query: views over the dataset, output formats, saved queries, clean SQL errors."""
import csv
import io
import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import analyst_dataset  # tests/fixtures, on sys.path through conftest.py
from pipeline.query import connect, resolve_sql, run_query, saved_queries


@pytest.fixture(scope="module")
def data(tmp_path_factory) -> Path:
    return analyst_dataset.write_dataset(tmp_path_factory.mktemp("dataset"))


def test_every_table_is_a_view(data):
    con = connect(data)
    counts = {t: con.sql(f"select count(*) from {t}").fetchall()[0][0]
              for t in ("articles", "doc_refs", "dates", "counts", "solutions", "entities", "errors")}
    assert counts == {"articles": 3, "doc_refs": 3, "dates": 3, "counts": 5, "solutions": 3, "entities": 2, "errors": 1}


def test_missing_table_is_a_warning_not_a_failure(data, tmp_path, capsys):
    for name in ("articles", "counts"):
        shutil.copy(data / f"{name}.parquet", tmp_path)
    assert run_query("select count(*) as n from counts", tmp_path, "csv", None) == 0
    out, err = capsys.readouterr()
    assert out.splitlines() == ["n", "5"]
    assert "warning: table doc_refs not found" in err


def test_hive_partitioned_folder_is_read(data, tmp_path, capsys):
    import pyarrow as pa
    import pyarrow.dataset as ds

    shutil.copy(data / "articles.parquet", tmp_path)
    table = pq.read_table(data / "counts.parquet")
    table = table.append_column("part", pa.array(["x" if v < 100 else "y" for v in table.column("value").to_pylist()]))
    ds.write_dataset(table, tmp_path / "counts", format="parquet", partitioning=["part"], partitioning_flavor="hive")
    assert run_query("select part, count(*) as n from counts group by 1 order by 1", tmp_path, "csv", None) == 0
    assert capsys.readouterr().out.splitlines() == ["part,n", "x,3", "y,2"]


@pytest.mark.parametrize(
    ("fmt", "parse"),
    [
        ("csv", lambda text: list(csv.DictReader(io.StringIO(text)))),
        ("json", json.loads),
    ],
)
def test_formats_on_stdout(data, capsys, fmt, parse):
    sql = "select canonical, count(*) as mentions from doc_refs group by 1 order by 2 desc, 1"
    assert run_query(sql, data, fmt, None) == 0
    rows = parse(capsys.readouterr().out)
    assert [(r["canonical"], int(r["mentions"])) for r in rows] == [("21-NQ/TW", 2), ("05-CT/TW", 1)]


def test_json_keeps_vietnamese_dates_and_lists(data, capsys):
    assert run_query("select title, published_date, topics from articles where article_id = 'a1'", data, "json", None) == 0
    (row,) = json.loads(capsys.readouterr().out)
    assert row == {"title": "Sơ kết Nghị quyết 21 ở xã Tân Phú", "published_date": "2024-03-13", "topics": ["sinh_hoat_chi_bo"]}


def test_parquet_needs_an_output_and_writes_it(data, tmp_path, capsys):
    assert run_query("select * from counts", data, "parquet", None) == 2
    assert "needs --output" in capsys.readouterr().err
    out = tmp_path / "sub" / "counts.parquet"
    assert run_query("select unit, value from counts where not percent", data, "parquet", out) == 0
    table = pq.read_table(out)
    assert table.column_names == ["unit", "value"] and table.num_rows == 4


def test_table_format_prints_rows_and_cuts_long_cells(data, capsys):
    assert run_query("select article_id, text from articles order by 1", data, "table", None) == 0
    out = capsys.readouterr().out
    assert "a1" in out and "3 row(s)" in out
    assert "…" in out  # the article texts are longer than a cell
    assert "phụ trách hộ gia đình" not in out


def test_table_format_to_a_file(data, tmp_path):
    out = tmp_path / "result.txt"
    assert run_query("select unit, sum(value) as total from counts group by 1 order by 1", data, "table", out) == 0
    text = out.read_text(encoding="utf-8")
    assert "chi bộ" in text and "đảng viên" in text


@pytest.mark.parametrize(
    "sql",
    ["select * from nope", "selec 1", "select no_such_column from articles", "select cast('x' as integer)"],
)
def test_sql_errors_are_one_line_exit_1(data, capsys, sql):
    assert run_query(sql, data, "table", None) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("query error: ") and err.count("\n") == 1
    assert "Traceback" not in err


def test_statement_without_result(data, capsys):
    assert run_query("create table t as select 1", data, "csv", None) == 0


def test_unknown_format_is_a_usage_error(data, capsys):
    assert run_query("select 1", data, "xlsx", None) == 2


# -------------------------------------------------------------------- saved queries

EXPECTED_SAVED = {
    "most_cited_documents", "most_cited_documents_by_year", "member_counts_by_organisation_province",
    "solutions_by_topic", "articles_per_site_per_month", "citations_per_month",
}


def test_saved_queries_are_described():
    saved = saved_queries()
    assert EXPECTED_SAVED <= set(saved)
    for query in saved.values():
        assert query.description, f"{query.path} has no leading -- comment"


@pytest.mark.parametrize("name", sorted(saved_queries()))
def test_every_saved_query_runs(data, capsys, name):
    assert run_query(name, data, "json", None) == 0, capsys.readouterr().err
    rows = json.loads(capsys.readouterr().out)
    assert isinstance(rows, list)


def test_saved_query_by_name_gives_answers(data, capsys):
    run_query("most_cited_documents", data, "json", None)
    top = json.loads(capsys.readouterr().out)[0]
    assert (top["canonical"], top["articles"], top["mentions"]) == ("21-NQ/TW", 2, 2)

    run_query("member_counts_by_organisation_province", data, "json", None)
    rows = json.loads(capsys.readouterr().out)
    assert {(r["province"], r["organisation"], r["latest"]) for r in rows} == {
        ("Đắk Lắk", "Đảng bộ Khối", 3250), ("Đắk Lắk", "toàn huyện", 96), ("Đồng Nai", "Toàn Đảng bộ xã", 412),
    }  # the 95% is a percentage, not a count of members

    run_query("solutions_by_topic", data, "json", None)
    rows = json.loads(capsys.readouterr().out)
    assert {(r["topic"], r["kind"], r["items"]) for r in rows} == {
        ("sinh_hoat_chi_bo", "solution", 2), ("to_chuc_co_so_dang", "limitation", 1),
    }

    run_query("articles_per_site_per_month", data, "csv", None)
    assert capsys.readouterr().out.splitlines()[1:] == [
        "daklak.example.vn,2023-11-01,1,1", "daklak.example.vn,2024-01-01,1,1", "tanphu.example.vn,2024-03-01,1,1",
    ]


def test_a_name_that_is_not_saved_is_sql(data):
    assert resolve_sql("most_cited_documents") != "most_cited_documents"
    assert resolve_sql("select 1") == "select 1"
    assert resolve_sql("articles") == "articles"  # not saved: duckdb reads it as SQL (and fails cleanly)


def test_list_prints_saved_queries(capsys, tmp_path):
    assert run_query("list", tmp_path, "table", None) == 0
    out = capsys.readouterr().out
    assert all(name in out for name in EXPECTED_SAVED)


def test_cli_query(data):
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["query", "select count(*) as n from articles", "--data", str(data), "--format", "csv"])
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "3"


def test_an_unknown_saved_query_says_so_and_lists_them(data, capsys):
    assert run_query("most_cited_documentz", data, "table", None) == 2
    err = capsys.readouterr().err
    assert err.startswith("usage error: no saved query named 'most_cited_documentz'; saved queries: ")
    assert "most_cited_documents" in err and err.count("\n") == 1


def test_report_refuses_a_folder_that_is_not_a_dataset(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    result = CliRunner().invoke(app, ["report", "--data", str(tmp_path)])
    assert result.exit_code == 2 and "is not a dataset (no articles.parquet)" in result.output
    assert not (tmp_path / "report.html").exists()
