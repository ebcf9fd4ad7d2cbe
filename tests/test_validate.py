"""pipeline.validate: a valid dataset has no problem; each broken rule is one line naming it."""
import copy
from datetime import date

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from pipeline.config import RunConfig
from pipeline.schema import TABLES
from pipeline.store import to_table
from pipeline.validate import validate_dataset, validate_tables
import analyst_dataset  # tests/fixtures, on sys.path through conftest.py


def _tables(rows):
    return {name: to_table(name, table_rows) for name, table_rows in rows.items()}


def test_valid_dataset_has_no_problem(tmp_path):
    assert validate_dataset(analyst_dataset.write_dataset(tmp_path)) == []


def test_a_share_of_a_target_may_pass_100_percent(tmp_path):
    rows = _break(analyst_dataset.rows(), "counts", 3, value=112.5, qualifier="kết nạp mới, % chỉ tiêu")
    assert validate_dataset(analyst_dataset.write_dataset(tmp_path, rows)) == []


def test_valid_tables_have_no_problem():
    assert validate_tables(_tables(analyst_dataset.rows())) == []


def test_historical_dates_are_valid():
    # an article recalls a birth in 1890: a calendar mention, not a broken row
    rows = _break(analyst_dataset.rows(), "dates", 0, date=date(1890, 5, 19))
    assert validate_tables(_tables(rows)) == []


def _break(rows, table, index, **changes):
    rows = copy.deepcopy(rows)
    rows[table][index].update(changes)
    return rows


def _shift(rows, table, index, by):
    row = rows[table][index]
    return _break(rows, table, index, start=row["start"] + by, end=row["end"] + by)


# (what is broken, how, the words the problem line must contain)
BROKEN = [
    ("span shifted", lambda r: _shift(r, "counts", 0, 1), "counts: text differs from the article's text[start:end]"),
    ("span past the end", lambda r: _break(r, "doc_refs", 0, end=10_000), "doc_refs: offsets outside the article text"),
    ("negative start", lambda r: _break(r, "solutions", 0, start=-1), "solutions: offsets outside"),
    ("end before start", lambda r: _break(r, "entities", 0, end=0, start=5), "entities: offsets outside"),
    ("date in 999", lambda r: _break(r, "dates", 0, date=date(999, 1, 1)), "dates: date outside 1000..2100"),
    ("date_end before date", lambda r: _break(r, "dates", 2, date_end=date(2022, 1, 1)), "dates: date_end before date"),
    ("issued in 2150", lambda r: _break(r, "doc_refs", 2, issued_date=date(2150, 1, 1)), "doc_refs: issued_date outside"),
    ("published in 1850", lambda r: _break(r, "articles", 1, published_date=date(1850, 1, 1)), "articles: published_date outside"),
    ("negative count", lambda r: _break(r, "counts", 1, value=-18.0), "counts: negative value"),
    ("percent above 100", lambda r: _break(r, "counts", 3, value=195.0), "counts: percentage above 100"),
    ("count year 3000", lambda r: _break(r, "counts", 2, year=3000), "counts: year outside"),
    ("unknown role", lambda r: _break(r, "dates", 0, role="cited"), "dates: role not one of"),
    ("unknown kind", lambda r: _break(r, "solutions", 0, kind="idea"), "solutions: kind not one of"),
    ("orphan row", lambda r: _break(r, "counts", 4, article_id="zz"), "counts: article_id not in articles"),
    ("duplicate article", lambda r: {**r, "articles": r["articles"] + [copy.deepcopy(r["articles"][0])]},
     "articles: article_id not unique"),
    ("negative words", lambda r: _break(r, "articles", 2, n_words=-3), "articles: negative n_words"),
    ("empty text", lambda r: {**r, **{t: [x for x in r[t] if x.get("article_id") != "a3"] for t in
                                      ("counts", "solutions")}, "articles": [*r["articles"][:2],
                                      {**r["articles"][2], "text": "  "}]}, "articles: empty text"),
    ("unknown level", lambda r: _break(r, "entities", 1, level="hamlet"), "entities: level not one of"),
    ("unknown stage", lambda r: _break(r, "errors", 0, stage="parse"), "errors: stage not one of"),
    ("unknown system", lambda r: _break(r, "doc_refs", 1, system="church"), "doc_refs: system not one of"),
    ("unknown precision", lambda r: _break(r, "dates", 1, precision="week"), "dates: precision not one of"),
]


@pytest.mark.parametrize(("case", "breaker", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_each_broken_rule_is_reported(tmp_path, case, breaker, expected):
    rows = breaker(analyst_dataset.rows())
    problems = validate_dataset(analyst_dataset.write_dataset(tmp_path, rows))
    assert len(problems) == 1, problems
    assert problems[0].startswith(expected), problems
    assert "(1 row)" in problems[0] and "e.g." in problems[0]
    assert validate_tables(_tables(rows)) == problems  # the same rules in memory


@pytest.mark.parametrize(("case", "breaker", "expected"), BROKEN, ids=[b[0] for b in BROKEN])
def test_a_dataset_checked_slice_by_slice_gives_the_same_lines(tmp_path, case, breaker, expected):
    # a dataset of more articles than a slice: per-row rules run on one slice of articles
    # after the other (the span rules join each row with its article's text)
    rows = breaker(analyst_dataset.rows())
    data = analyst_dataset.write_dataset(tmp_path, rows)
    whole = validate_dataset(data)
    assert validate_dataset(data, config=RunConfig(validate_slice_articles=1)) == whole



def test_rows_broken_in_several_slices_are_added_up(tmp_path):
    rows = analyst_dataset.rows()
    broken = [i for i, d in enumerate(rows["dates"]) if d["article_id"] in ("a1", "a2")]
    for i in broken:
        rows = _break(rows, "dates", i, date=date(999, 1, 1))
    data = analyst_dataset.write_dataset(tmp_path, rows)
    whole = validate_dataset(data)
    assert len(whole) == 1 and f"({len(broken)} rows)" in whole[0] and len({rows["dates"][i]["article_id"] for i in broken}) == 2
    assert validate_dataset(data, config=RunConfig(validate_slice_articles=1)) == whole


def test_schema_problems_missing_table_column_and_type(tmp_path):
    data = analyst_dataset.write_dataset(tmp_path)
    (data / "entities.parquet").unlink()
    counts = pq.read_table(data / "counts.parquet")
    counts = counts.set_column(
        counts.schema.get_field_index("year"), "year", counts.column("year").cast(pa.string())
    ).drop_columns(["approx"])
    pq.write_table(counts.append_column("note", pa.array([""] * counts.num_rows)), data / "counts.parquet")
    problems = validate_dataset(data)
    assert "entities: table missing (entities.parquet not found)" in problems
    assert "counts: column 'approx' missing" in problems
    assert "counts: column 'year' is string, schema says int32" in problems
    assert "counts: unexpected columns ['note']" in problems


def test_duplicated_column(tmp_path):
    data = analyst_dataset.write_dataset(tmp_path)
    errors = pq.read_table(data / "errors.parquet")
    pq.write_table(errors.append_column("stage", errors.column("stage")), data / "errors.parquet")
    assert "errors: column 'stage' appears 2 times" in validate_dataset(data)


def test_nulls_in_required_columns(tmp_path):
    data = analyst_dataset.write_dataset(tmp_path)
    dates = pq.read_table(data / "dates.parquet")
    i = dates.schema.get_field_index("role")
    pq.write_table(dates.set_column(i, TABLES["dates"].field("role"), pa.array([None, "issued", "mentioned"])),
                   data / "dates.parquet")
    assert validate_dataset(data) == ["dates: null role (1 row), e.g. (article_id='a1')"]


def test_unreadable_file(tmp_path):
    data = analyst_dataset.write_dataset(tmp_path)
    (data / "errors.parquet").write_bytes(b"not parquet")
    problems = validate_dataset(data)
    assert any(p.startswith("errors: unreadable Parquet") for p in problems), problems


def test_examples_are_limited(tmp_path):
    rows = analyst_dataset.rows()
    for row in rows["counts"]:
        row["value"] = -1.0
    (problem,) = validate_dataset(analyst_dataset.write_dataset(tmp_path, rows))
    assert "(5 rows)" in problem and problem.count("article_id=") == 3


def test_cli_validate_exit_status(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    data = analyst_dataset.write_dataset(tmp_path)
    result = CliRunner().invoke(app, ["validate", str(data)])
    assert result.exit_code == 0 and "0 problem(s)" in result.stderr
    (data / "dates.parquet").unlink()
    result = CliRunner().invoke(app, ["validate", str(data)])
    assert result.exit_code == 1 and "dates: table missing" in result.stderr


def test_pipeline_output_is_valid(tmp_path, repo, nlp):
    """What `pipeline extract` writes passes every check (one small page, the real components)."""
    from pipeline.run import extract

    page = tmp_path / "raw" / "trang.txt"
    page.parent.mkdir()
    page.write_text(
        "Thực hiện Nghị quyết số 21-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương, "
        "năm 2023 Đảng bộ huyện kết nạp 215 đảng viên mới, nâng tổng số lên 6.120 đảng viên "
        "sinh hoạt tại 142 chi bộ. Để tiếp tục nâng cao chất lượng sinh hoạt chi bộ, "
        "Huyện ủy đề ra các giải pháp:\n"
        "Một là, đổi mới nội dung sinh hoạt chi bộ theo hướng thiết thực.\n"
        "Hai là, tăng cường kiểm tra, giám sát việc chấp hành Điều lệ Đảng.\n",
        encoding="utf-8",
    )
    extract([page.parent], tmp_path / "out", nlp=nlp)
    assert validate_dataset(tmp_path / "out") == []


def test_incremental_validation_checks_changed_rows_and_every_cross_row_rule(tmp_path):
    """Per-row rules only on the changed articles; key and foreign-key rules on all rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from pipeline.schema import TABLES
    from pipeline.validate import validate_dataset

    def art(aid, text="Chi bộ họp."):
        return {"article_id": aid, "source": f"{aid}.txt", "text": text, "title": "t", "n_words": 1,
                "n_sentences": 1, "content_hash": "h", "pipeline_version": "v", "processed_at": None}

    for name, schema in TABLES.items():
        rows = []
        if name == "articles":
            rows = [art("old"), art("new"), art("new")]  # duplicate key: a cross-row problem
        if name == "counts":
            rows = [{"article_id": "old", "value": -1.0, "unit": "đảng viên", "percent": False, "text": "x",
                     "start": 0, "end": 1},  # a per-row problem in an unchanged article
                    {"article_id": "new", "value": 2.0, "unit": "đảng viên", "percent": False, "text": "x",
                     "start": 0, "end": 99}]  # ... and one in a changed article (its span, read with its text)
        pq.write_table(pa.Table.from_pylist(rows, schema=schema), tmp_path / f"{name}.parquet")
    full = validate_dataset(tmp_path)
    assert any("negative value" in p for p in full) and any("not unique" in p for p in full)
    part = validate_dataset(tmp_path, changed={"new"})
    assert not any("negative value" in p for p in part)  # the old article's rows were checked before
    assert any("not unique" in p for p in part)
    assert any("offsets outside" in p and "'new'" in p for p in part)
    assert any("offsets outside" in p for p in full)
