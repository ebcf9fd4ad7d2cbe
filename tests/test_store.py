"""Tables validated against their schema and written atomically."""
import os
import shutil
import subprocess
import sys

import pyarrow.parquet as pq
import pytest

from pipeline.schema import TABLES
from pipeline.store import SchemaError, to_table, write_table


def test_empty_tables_are_written_with_schema(tmp_path):
    for name in TABLES:
        assert write_table(tmp_path / f"{name}.parquet", name, []) == 0
    for name, schema in TABLES.items():
        table = pq.read_table(tmp_path / f"{name}.parquet")
        assert table.num_rows == 0 and table.schema.equals(schema)
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


def test_unknown_column_and_wrong_type_are_refused():
    with pytest.raises(SchemaError):
        to_table("errors", [{"source": "a", "stage": "read", "error": "x", "bogus": 1}])
    with pytest.raises(SchemaError):
        to_table("counts", [{"article_id": "a", "value": "many", "unit": "chi bộ", "text": "x", "start": 0, "end": 1}])
    with pytest.raises(SchemaError):
        to_table("errors", [{"source": None, "stage": "read", "error": "x"}])


def test_warm_up_makes_the_first_conversion(tmp_path):
    # in a fresh interpreter: after warm_up, converting a row imports nothing more
    code = (
        "import sys; from pipeline.store import to_table, warm_up; warm_up(); before = set(sys.modules); "
        "to_table('errors', [{'source': 'a.html', 'stage': 'read', 'error': 'tệp hỏng'}]); "
        "print(sorted(set(sys.modules) - before))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert out.stdout.strip() == "[]"


def test_a_failed_write_leaves_the_previous_table(tmp_path):
    write_table(tmp_path / "errors.parquet", "errors", [{"source": "old", "stage": "read", "error": "x"}])
    with pytest.raises(SchemaError):
        write_table(tmp_path / "errors.parquet", "errors", [{"source": "new", "stage": "read", "error": None}])
    assert pq.read_table(tmp_path / "errors.parquet").column("source").to_pylist() == ["old"]
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]


# -- committed batches and the publish step (incremental, crash-safe runs) ---------

import datetime as dt  # noqa: E402

import duckdb  # noqa: E402

from pipeline.store import STATE_DIR, PartStore, write_partitioned  # noqa: E402

NOW = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)


def page_batch(*pages):
    """Pages as (source, article_id, n_dates, error) -> (pages rows, table rows) for commit."""
    meta, rows = [], {"articles": [], "dates": [], "errors": []}
    for source, article_id, n_dates, error in pages:
        meta.append({"source": source, "content_hash": "h-" + source, "key": "k", "n_errors": int(bool(error))})
        if article_id:
            rows["articles"].append({
                "article_id": article_id, "source": source, "text": "x" * 10, "content_hash": "h-" + source,
                "pipeline_version": "0", "published_date": dt.date(2023, 1, 2), "site": "a.vn",
                "processed_at": NOW, "_source": source, "_row": 0,
            })
            for i in range(n_dates):
                rows["dates"].append({"article_id": article_id, "value": f"2023-0{i + 1}", "precision": "month",
                                      "role": "mentioned", "text": "t", "start": i, "end": i + 1, "_source": source, "_row": i})
        if error:
            rows["errors"].append({"source": source, "stage": "clean", "error": error, "_source": source, "_row": 0})
    return meta, rows


def read(path, table, cols):
    return duckdb.sql(f"select {cols} from '{path}/{table}.parquet'").fetchall()


def test_batches_commit_and_index(tmp_path):
    store = PartStore(tmp_path)
    b1 = store.commit(*page_batch(("a", "A", 1, None), ("b", None, 0, "no main text")))
    b2 = store.commit(*page_batch(("a", "A", 2, None)))  # the same page again, later
    assert store.batch_ids() == [b1, b2]
    index = store.index()
    assert index["a"] == ("h-a", "k", b2, 0) and index["b"] == ("h-b", "k", b1, 1)


def test_uncommitted_batch_is_discarded(tmp_path):
    store = PartStore(tmp_path)
    store.commit(*page_batch(("a", "A", 1, None)))
    half = tmp_path / STATE_DIR / "tmp-killed"  # what a run killed while writing leaves
    half.mkdir()
    (half / "articles.parquet").write_bytes(b"PAR1 truncated")
    (tmp_path / ".articles.parquet.x.tmp").write_bytes(b"half a publish")
    store.close()
    store = PartStore(tmp_path)
    assert not half.exists() and not (tmp_path / ".articles.parquet.x.tmp").exists()
    assert list(store.index()) == ["a"]


def test_publish_selects_live_pages_in_input_order(tmp_path):
    store = PartStore(tmp_path)
    b1 = store.commit(*page_batch(("a", "A", 1, None), ("b", "B", 2, None), ("gone", "G", 1, None)))
    b2 = store.commit(*page_batch(("c", "C", 1, None), ("b", "B", 3, None), ("e", None, 0, "broken")))
    # input order c, b, a, e; "gone" left the input; b's live version is the one of b2
    counts = store.publish([("c", 1, b2), ("b", 2, b2), ("a", 3, b1), ("e", 4, b2)])
    assert counts == {"articles": 3, "doc_refs": 0, "dates": 5, "counts": 0, "solutions": 0, "entities": 0, "errors": 1, "duplicates": 0}
    assert read(tmp_path, "articles", "article_id") == [("C",), ("B",), ("A",)]
    assert read(tmp_path, "dates", "article_id, start") == [("C", 0), ("B", 0), ("B", 1), ("B", 2), ("A", 0)]
    assert read(tmp_path, "errors", "source") == [("e",)]
    for name, schema in TABLES.items():
        assert pq.read_schema(tmp_path / f"{name}.parquet").equals(schema), name
    assert store.collect_garbage({b1, b2}) == 0
    assert store.collect_garbage({b2}) == 1 and store.batch_ids() == [b2]


@pytest.mark.parametrize("slice_pages", [1, 2])
def test_publish_in_slices_of_the_input_gives_the_same_tables(tmp_path, slice_pages):
    # each table is sorted slice by slice (bounded memory): slices of the input order,
    # across batches, give the tables of one slice
    from pipeline.config import RunConfig

    def publish(out, config=None):
        store = PartStore(out)
        b1 = store.commit(*page_batch(("a", "A", 1, None), ("b", "B", 2, None), ("d", "A", 1, None)))
        b2 = store.commit(*page_batch(("c", "C", 3, None), ("e", None, 0, "broken")))
        counts = store.publish([("c", 1, b2), ("b", 2, b1), ("a", 3, b1), ("e", 4, b2), ("d", 5, b1)], partitioned=True,
                               config=config)
        store.close()
        return counts, {name: read(out, name, "*") for name in TABLES}

    whole = publish(tmp_path / "whole")
    assert publish(tmp_path / "sliced", RunConfig(publish_slice_pages=slice_pages)) == whole
    assert [r[0] for r in whole[1]["articles"]] == ["C", "B", "A"]  # d gave A again, after a: left out


def test_publish_keeps_first_page_of_a_duplicate_article(tmp_path):
    store = PartStore(tmp_path)
    b = store.commit(*page_batch(("x/1", "SAME", 1, None), ("x/2", "SAME", 2, None)))
    store.publish([("x/1", 1, b), ("x/2", 2, b)])
    assert read(tmp_path, "articles", "source") == [("x/1",)]
    assert read(tmp_path, "dates", "count(*)") == [(1,)]
    assert store.duplicates == 1  # counted, so a run can say why pages and articles differ
    store.publish([("x/2", 1, b)])  # the first copy left the input: the other one's rows appear
    assert read(tmp_path, "articles", "source") == [("x/2",)]
    assert read(tmp_path, "dates", "count(*)") == [(2,)]
    assert store.duplicates == 0


def test_publish_of_nothing_writes_empty_tables(tmp_path):
    counts = PartStore(tmp_path).publish([])
    assert set(counts.values()) == {0}
    for name, schema in TABLES.items():
        assert pq.read_table(tmp_path / f"{name}.parquet").schema.equals(schema)


def test_partitioned_dataset_reads_as_one_table(tmp_path):
    store = PartStore(tmp_path)
    b = store.commit(*page_batch(("a", "A", 2, None), ("b", "B", 1, None)))
    store.publish([("a", 1, b), ("b", 2, b)], partitioned=True)
    ds = tmp_path / "dataset"
    assert (ds / "articles" / "pub_year=2023" / "pub_site=a.vn").is_dir()
    got = duckdb.sql(
        f"select article_id, start, pub_year, pub_site from read_parquet('{ds}/dates/**/*.parquet', hive_partitioning=true) order by all"
    ).fetchall()
    assert got == [("A", 0, 2023, "a.vn"), ("A", 1, 2023, "a.vn"), ("B", 0, 2023, "a.vn")]
    # an empty table is still one readable file
    assert duckdb.sql(f"select count(*) from '{ds}/counts/**/*.parquet'").fetchall() == [(0,)]
    write_partitioned(tmp_path)  # rewriting replaces the folder
    assert duckdb.sql(f"select count(*) from '{ds}/articles/**/*.parquet'").fetchall() == [(2,)]


def test_partition_folders_are_ascii_so_every_reader_sees_the_same_site(tmp_path):
    # pyarrow percent-encodes a Vietnamese value; Spark decodes it byte by byte
    # ("BÃ¡o ..."), DuckDB and pandas as UTF-8: a slug reads the same everywhere
    store = PartStore(tmp_path)
    meta, rows = page_batch(("a", "A", 1, None), ("b", "B", 1, None), ("c", "C", 0, None))
    rows["articles"][0]["site"] = "Báo Đắk Nông điện tử"
    rows["articles"][1]["site"] = None
    b = store.commit(meta, rows)
    store.publish([("a", 1, b), ("b", 2, b), ("c", 3, b)], partitioned=True)
    ds = tmp_path / "dataset"
    folders = {p.name for p in (ds / "articles" / "pub_year=2023").iterdir()}
    assert folders == {"pub_site=bao-dak-nong-dien-tu", "pub_site=unknown", "pub_site=a.vn"}
    got = duckdb.sql(
        f"select article_id, pub_site from read_parquet('{ds}/articles/**/*.parquet', hive_partitioning=true) order by 1"
    ).fetchall()
    assert got == [("A", "bao-dak-nong-dien-tu"), ("B", "unknown"), ("C", "a.vn")]
    assert {r[0] for r in read(tmp_path, "articles", "site")} == {"Báo Đắk Nông điện tử", "a.vn", None}


def test_pub_year_compared_with_a_string_works_whether_or_not_an_article_is_undated(tmp_path):
    """Readers type pub_year from the folder names: BIGINT when every article is dated,
    VARCHAR beside a pub_year=unknown folder. docs/scale.md's `pub_year = '2023'` holds for both."""
    for undated in (False, True):
        out = tmp_path / str(undated)
        store = PartStore(out)
        meta, rows = page_batch(("a", "A", 1, None), ("b", "B", 1, None))
        if undated:
            rows["articles"][1]["published_date"] = None
        b = store.commit(meta, rows)
        store.publish([("a", 1, b), ("b", 2, b)], partitioned=True)
        store.close()
        scan = f"read_parquet('{out}/dataset/articles/**/*.parquet', hive_partitioning=true)"
        typ = duckdb.sql(f"select typeof(pub_year) from {scan} limit 1").fetchall()[0][0]
        assert typ == ("VARCHAR" if undated else "BIGINT")
        assert duckdb.sql(f"select article_id from {scan} where pub_year = '2023' order by 1").fetchall() == [("A",)] + ([] if undated else [("B",)])


@pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")  # pandas is not used here
def test_spark_reads_the_partitioned_dataset_as_one_table(tmp_path):
    sql = pytest.importorskip("pyspark.sql", reason="pyspark is not installed (optional: Spark reader check)")
    if not shutil.which("java"):
        pytest.skip("no java for Spark")
    store = PartStore(tmp_path)
    meta, rows = page_batch(("a", "A", 2, None), ("b", "B", 1, None))
    rows["articles"][0]["site"] = "Báo Huế"
    b = store.commit(meta, rows)
    store.publish([("a", 1, b), ("b", 2, b)], partitioned=True)
    spark = (sql.SparkSession.builder.master("local[1]").config("spark.ui.enabled", "false")
             .config("spark.sql.session.timeZone", "UTC").getOrCreate())
    try:
        dates = spark.read.parquet(str(tmp_path / "dataset" / "dates"))
        got = sorted((r.article_id, r.start, r.pub_year, r.pub_site) for r in dates.collect())
        assert got == [("A", 0, 2023, "bao-hue"), ("A", 1, 2023, "bao-hue"), ("B", 0, 2023, "a.vn")]
        assert spark.read.parquet(str(tmp_path / "dataset" / "counts")).count() == 0  # part-empty.parquet
        assert dates.filter("pub_year = '2023'").count() == 3  # an integer column, compared with a string
        # the timestamp as an instant, printed in the session's UTC (collect() gives the driver's zone)
        arts = spark.read.parquet(str(tmp_path / "dataset" / "articles")).selectExpr("site", "string(processed_at) AS t")
        assert {(r.site, r.t) for r in arts.collect()} == {("a.vn", "2024-05-01 00:00:00"), ("Báo Huế", "2024-05-01 00:00:00")}
    finally:
        gateway = spark.sparkContext._gateway
        spark.stop()
        # the JVM ends when its stdin closes; wait for it, so no java outlives the tests
        gateway.shutdown()
        gateway.proc.stdin.close()
        gateway.proc.wait(timeout=60)
        type(spark.sparkContext)._gateway = type(spark.sparkContext)._jvm = None  # a later session starts its own


def test_one_run_at_a_time_per_folder(tmp_path):
    from pipeline.store import StoreBusy

    with PartStore(tmp_path):
        with pytest.raises(StoreBusy):
            PartStore(tmp_path)
    PartStore(tmp_path).close()  # released


def test_row_groups_of_long_texts_stay_small():
    # 10,000 article texts are ~90 MB: a reader would hold that much for one row group
    import pyarrow as pa

    from pipeline.store import ROW_GROUP_BYTES, _row_group_rows

    texts = pa.table({"text": ["x" * 9_000] * 10_000})
    rows = _row_group_rows(texts)
    assert rows * 9_000 <= ROW_GROUP_BYTES * 1.01 and rows >= 100
    small = pa.table({"start": list(range(10_000))})
    assert _row_group_rows(small) == 10_000  # short rows: one group, as before


def test_the_schema_says_of_every_table_which_columns_may_not_be_null():
    from pipeline.schema import EXTRACTION_TABLES, REQUIRED, TABLES

    assert set(REQUIRED) == set(TABLES) and set(EXTRACTION_TABLES) <= set(TABLES)
    for name, columns in REQUIRED.items():
        assert set(columns) <= set(TABLES[name].names), name
