"""The data dictionary: what every column of every table means, with an example.

The meanings are data (``data_dictionary.csv`` beside this module); the types come
from ``pipeline.schema``. ``python -m pipeline.dictionary`` prints the Markdown of
``docs/data-dictionary.md``; ``described(name, schema)`` gives a table's schema with
each meaning in its Parquet field metadata (key ``description``), so the files
explain themselves to any Parquet reader.
"""
from __future__ import annotations

import csv
import sys
from functools import cache
from pathlib import Path

import pyarrow as pa

from pipeline.schema import TABLES

DICTIONARY_CSV = Path(__file__).with_name("data_dictionary.csv")
TOPIC_NAMES_CSV = Path(__file__).with_name("topic_names.csv")


@cache
def entries() -> dict[tuple[str, str], dict[str, str]]:
    """(table, column) -> {"meaning", "example"}."""
    with open(DICTIONARY_CSV, encoding="utf-8", newline="") as f:
        return {(r["table"], r["column"]): {"meaning": r["meaning"], "example": r["example"]} for r in csv.DictReader(f)}


def described(name: str, schema: pa.Schema) -> pa.Schema:
    """``schema`` with each field's meaning as its ``description`` metadata."""
    fields = []
    for field in schema:
        entry = entries().get((name, field.name))
        fields.append(field.with_metadata({"description": entry["meaning"]}) if entry else field)
    return pa.schema(fields, metadata=schema.metadata)


def _type(dtype: pa.DataType) -> str:
    names = {"string": "text", "date32[day]": "date", "int32": "integer", "int64": "integer",
             "double": "number", "bool": "boolean", "timestamp[ms, tz=UTC]": "timestamp (UTC)"}
    if pa.types.is_list(dtype):
        return f"list of {_type(dtype.value_type)}"
    if pa.types.is_map(dtype):
        return f"map {_type(dtype.key_type)} → {_type(dtype.item_type)}"
    return names.get(str(dtype), str(dtype))


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown() -> str:
    """The whole dictionary as Markdown, one section per table."""
    out = [
        "# Data dictionary",
        "",
        "Generated from `pipeline/schema.py` and `pipeline/data_dictionary.csv` by",
        "`python -m pipeline.dictionary` (a test keeps this file in step). Every table",
        "joins on `article_id`; offsets `start`/`end` index `articles.text`. The same",
        "meanings are in each Parquet file's field metadata (`description`).",
        "",
    ]
    for name, schema in TABLES.items():
        out += [f"## `{name}`", "", "| column | type | meaning | example |", "|---|---|---|---|"]
        for field in schema:
            entry = entries().get((name, field.name), {"meaning": "", "example": ""})
            out.append(f"| `{field.name}` | {_type(field.type)} | {_cell(entry['meaning'])} | {_cell(entry['example'])} |")
        out.append("")
    out += ["## Topic codes (view `topic_names`)", "", "| topic | name | about |", "|---|---|---|"]
    with open(TOPIC_NAMES_CSV, encoding="utf-8", newline="") as f:
        out += [f"| `{r['topic']}` | {r['name']} | {_cell(r['about'])} |" for r in csv.DictReader(f)]
    return "\n".join(out) + "\n"


if __name__ == "__main__":
    sys.stdout.write(markdown())
