"""Parquet output: validated against ``pipeline.schema``, written atomically.

``DatasetWriter`` streams rows into one temporary Parquet file per table (a row
group per flush, so memory stays bounded) and renames every file into place
only when the run closes it: an interrupted run leaves the previous dataset
untouched and never a half-written file.
"""
from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.schema import TABLES

# Columns that may never be null, per table (pyarrow schemas alone allow nulls).
REQUIRED: dict[str, tuple[str, ...]] = {
    "articles": ("article_id", "source", "text", "content_hash", "pipeline_version"),
    "doc_refs": ("article_id", "text", "start", "end"),  # partial refs have no canonical
    "dates": ("article_id", "value", "precision", "role"),
    "counts": ("article_id", "value", "unit", "text", "start", "end"),
    "solutions": ("article_id", "list_id", "item_index", "text", "start", "end"),
    "entities": ("article_id", "kind", "text", "start", "end"),
    "errors": ("source", "stage", "error"),
}


class SchemaError(ValueError):
    """Rows that do not fit their table's schema."""


def to_table(name: str, rows: Iterable[Mapping]) -> pa.Table:
    """Rows as a pyarrow table of ``name``'s schema; raise SchemaError if they do not fit."""
    schema = TABLES[name]
    rows = list(rows)
    known = set(schema.names)
    for row in rows:
        extra = set(row) - known
        if extra:
            raise SchemaError(f"{name}: unknown columns {sorted(extra)}")
    try:
        table = pa.Table.from_pylist(rows, schema=schema)
    except (pa.ArrowInvalid, pa.ArrowTypeError, TypeError, ValueError) as exc:
        raise SchemaError(f"{name}: {exc}") from exc
    for col in REQUIRED.get(name, ()):
        if table.num_rows and table.column(col).null_count:
            raise SchemaError(f"{name}: column {col!r} has nulls")
    return table


def write_table(path: Path, name: str, rows: Iterable[Mapping]) -> int:
    """Write one whole table atomically; returns the number of rows."""
    table = to_table(name, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return table.num_rows


def read_table(path: Path) -> pa.Table:
    return pq.read_table(path)


class DatasetWriter:
    """One streaming Parquet writer per table; ``close()`` publishes them together."""

    def __init__(self, out_dir: Path, tables: Iterable[str] = tuple(TABLES)):
        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        for stale in self.out_dir.glob(".*.parquet.*.tmp"):
            stale.unlink(missing_ok=True)  # left by an interrupted run
        self.names = list(tables)
        self.counts = {name: 0 for name in self.names}
        self._buffers: dict[str, list[pa.Table]] = {name: [] for name in self.names}
        self._tmp: dict[str, str] = {}
        self._writers: dict[str, pq.ParquetWriter] = {}
        for name in self.names:
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.parquet.", suffix=".tmp", dir=self.out_dir)
            os.close(fd)
            self._tmp[name] = tmp
            self._writers[name] = pq.ParquetWriter(tmp, TABLES[name])

    def add(self, name: str, rows: Iterable[Mapping] | pa.Table) -> None:
        """Buffer rows (validated here unless already a table of the schema)."""
        table = rows if isinstance(rows, pa.Table) else to_table(name, rows)
        if table.num_rows:
            self._buffers[name].append(table)

    def flush(self) -> None:
        for name, tables in self._buffers.items():
            if tables:
                table = pa.concat_tables(tables)
                self._writers[name].write_table(table)
                self.counts[name] += table.num_rows
                tables.clear()

    def close(self) -> dict[str, int]:
        """Flush, then rename every table into place; returns rows per table."""
        self.flush()
        for name in self.names:
            self._writers[name].close()
        for name in self.names:
            os.replace(self._tmp[name], self.out_dir / f"{name}.parquet")
        return dict(self.counts)

    def abort(self) -> None:
        for name in self.names:
            try:
                self._writers[name].close()
            finally:
                Path(self._tmp[name]).unlink(missing_ok=True)
