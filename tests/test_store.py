"""Tables validated against their schema and written atomically."""
import os

import pyarrow.parquet as pq
import pytest

from pipeline.schema import TABLES
from pipeline.store import DatasetWriter, SchemaError, to_table, write_table


def test_empty_tables_are_written_with_schema(tmp_path):
    counts = DatasetWriter(tmp_path).close()
    assert set(counts) == set(TABLES)
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


def test_abort_leaves_previous_dataset(tmp_path):
    write_table(tmp_path / "errors.parquet", "errors", [{"source": "old", "stage": "read", "error": "x"}])
    writer = DatasetWriter(tmp_path, tables=["errors"])
    writer.add("errors", [{"source": "new", "stage": "read", "error": "y"}])
    writer.flush()
    writer.abort()
    assert pq.read_table(tmp_path / "errors.parquet").column("source").to_pylist() == ["old"]
    assert not [p for p in os.listdir(tmp_path) if p.endswith(".tmp")]
