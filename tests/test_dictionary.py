"""The data dictionary covers every column of every table, and docs/data-dictionary.md is its current text."""
import csv

import pyarrow as pa

from pipeline import dictionary
from pipeline.schema import TABLES
from pipeline.query import connect


def test_every_column_has_a_meaning_and_an_example():
    columns = {(name, field.name) for name, schema in TABLES.items() for field in schema}
    entries = dictionary.entries()
    assert columns - set(entries) == set(), "columns without a meaning"
    assert set(entries) - columns == set(), "meanings of columns no table has"
    for key, entry in entries.items():
        assert entry["meaning"].strip() and entry["example"].strip(), key


def test_the_meaning_of_measure_names_every_measure():
    from pipeline.extract.measures import measures

    meaning = dictionary.entries()[("counts", "measure")]["meaning"]
    assert [m for m in measures() if f"`{m}`" not in meaning] == []


def test_the_docs_page_is_generated_from_the_current_schema(repo):
    page = (repo / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert page == dictionary.markdown(), "run: .venv/bin/python -m pipeline.dictionary > docs/data-dictionary.md"


def test_descriptions_go_into_the_field_metadata():
    schema = dictionary.described("counts", TABLES["counts"])
    assert schema.names == TABLES["counts"].names
    assert b"percentage" in schema.field("value").metadata[b"description"]
    assert pa.schema(schema).equals(TABLES["counts"], check_metadata=False)


def test_topic_names_cover_every_topic_and_are_a_view(tmp_path):
    from pipeline.classify.labels import ALL_TOPICS

    with open(dictionary.TOPIC_NAMES_CSV, encoding="utf-8") as f:
        assert {r["topic"] for r in csv.DictReader(f)} == set(ALL_TOPICS)
    con = connect(tmp_path, warn=lambda _: None)
    assert con.execute("select name from topic_names where topic = 'dang_vien'").fetchall() == [("Đảng viên",)]
    described = con.execute("select count(*) from data_dictionary where \"table\" = 'articles'").fetchall()
    assert described == [(len(TABLES["articles"]),)]


def test_published_tables_carry_the_meanings(repo, tmp_path):
    import pyarrow.parquet as pq

    from pipeline.run import extract

    extract([repo / "data" / "raw" / "b2_quansu_langson_2024.txt"], tmp_path / "out", workers=1)
    for name in TABLES:
        schema = pq.read_schema(tmp_path / "out" / f"{name}.parquet")
        for field in schema:
            meaning = dictionary.entries()[(name, field.name)]["meaning"]
            assert field.metadata[b"description"].decode("utf-8") == meaning, (name, field.name)
