"""``pipeline query``: SQL over the dataset, one DuckDB view per table.

The dataset folder holds ``<table>.parquet`` per table (or a folder
``<table>/`` of Parquet parts, hive-partitioned). Each becomes a view of an
in-memory DuckDB database, so any SQL over ``articles``, ``doc_refs``,
``dates``, ``counts``, ``solutions``, ``entities`` and ``errors`` works; the views
``topic_names`` and ``data_dictionary`` explain the codes and the columns.

Saved queries are data: ``pipeline/queries/<name>.sql``, the first comment
lines saying what they answer. ``run_query("most_cited_documents", ...)`` runs
one by name; ``run_query("list", ...)`` lists them.

Exit status: 0 on success, 1 when the SQL fails (one line on stderr, no
traceback), 2 on a usage error (e.g. ``parquet`` without an output file).
"""
from __future__ import annotations

import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from pipeline.schema import TABLES

QUERIES_DIR = Path(__file__).with_name("queries")
FORMATS = ("table", "csv", "json", "parquet")
# Cells longer than this are cut in the table format (csv/json keep every character).
TABLE_CELL_CHARS = 120
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SavedQuery:
    name: str
    description: str
    sql: str
    path: Path


def _description(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        lines.append(stripped.lstrip("-").strip())
    return " ".join(x for x in lines if x)


def saved_queries(folder: Path = QUERIES_DIR) -> dict[str, SavedQuery]:
    """Every saved query by name (the file name without ``.sql``)."""
    out = {}
    for path in sorted(folder.glob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        out[path.stem] = SavedQuery(path.stem, _description(sql), sql, path)
    return out


def resolve_sql(sql: str, folder: Path = QUERIES_DIR) -> str:
    """The SQL to run: a saved query's text when ``sql`` is a saved query's name."""
    name = sql.strip()
    if _NAME.match(name):
        saved = saved_queries(folder).get(name)
        if saved:
            return saved.sql
    return sql


def _quote(path: Path | str) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def connect(data_dir: Path, warn=None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with one view per table found in ``data_dir``.

    ``warn(message)`` is called for every table that is missing (default: stderr).
    """
    warn = warn or (lambda message: print(f"warning: {message}", file=sys.stderr))
    data_dir = Path(data_dir)
    con = duckdb.connect(":memory:")
    for name in TABLES:
        file = data_dir / f"{name}.parquet"
        parts = data_dir / name
        if file.is_file():
            source = f"read_parquet({_quote(file)})"
        elif parts.is_dir() and any(parts.rglob("*.parquet")):
            source = f"read_parquet({_quote(parts / '**' / '*.parquet')}, hive_partitioning = true)"
        else:
            warn(f"table {name} not found in {data_dir} (no view {name})")
            continue
        try:
            con.execute(f'CREATE VIEW "{name}" AS SELECT * FROM {source}')
        except duckdb.Error as exc:  # not Parquet, truncated, ...
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            warn(f"table {name} unreadable (no view {name}): {first}")
    _lookup_views(con)
    return con


def _lookup_views(con: duckdb.DuckDBPyConnection) -> None:
    """Views of the tables that ship with the code: ``topic_names`` (topic code -> Vietnamese
    name) and ``data_dictionary`` (table, column, meaning, example)."""
    from pipeline.dictionary import DICTIONARY_CSV, TOPIC_NAMES_CSV

    for view, path in (("topic_names", TOPIC_NAMES_CSV), ("data_dictionary", DICTIONARY_CSV)):
        con.execute(f'CREATE VIEW "{view}" AS SELECT * FROM read_csv({_quote(path)}, header = true, all_varchar = true)')


def _cell(value) -> str:
    if value is None:
        return ""
    text = str(value)
    if len(text) > TABLE_CELL_CHARS:
        text = text[: TABLE_CELL_CHARS - 1] + "…"
    return text


def _print_table(con: duckdb.DuckDBPyConnection, stream) -> None:
    from rich.console import Console
    from rich.table import Table

    rel = con.sql("SELECT * FROM __result")
    table = Table(show_lines=False, header_style="bold")
    for column, dtype in zip(rel.columns, rel.dtypes):
        numeric = str(dtype).upper().split("(")[0] in {
            "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT", "FLOAT", "DOUBLE", "DECIMAL",
            "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT",
        }
        table.add_column(column, justify="right" if numeric else "left", overflow="fold", min_width=min(len(column), 24))
    rows = rel.fetchall()
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    tty = hasattr(stream, "isatty") and stream.isatty()
    # a pipe or a file gets wide lines (rich would wrap them at 80 columns)
    console = Console(file=stream, width=None if tty else int(os.environ.get("COLUMNS", 200)), soft_wrap=False)
    console.print(table)
    console.print(f"{len(rows)} row(s)", style="dim")


def _copy(con: duckdb.DuckDBPyConnection, fmt: str, path: Path) -> None:
    options = {
        "csv": "FORMAT csv, HEADER true",
        "json": "FORMAT json, ARRAY true",
        "parquet": "FORMAT parquet",
    }[fmt]
    con.execute(f"COPY __result TO {_quote(path)} ({options})")


def run_query(sql: str, data_dir: Path, fmt: str = "table", output: Path | None = None) -> int:
    """Run ``sql`` (or a saved query's name) over ``data_dir``; returns the exit status."""
    if fmt not in FORMATS:
        print(f"usage error: format must be one of {', '.join(FORMATS)}, not {fmt!r}", file=sys.stderr)
        return 2
    if fmt == "parquet" and output is None:
        print("usage error: --format parquet needs --output FILE", file=sys.stderr)
        return 2
    if sql.strip() in ("list", "--list") and sql.strip() not in saved_queries():
        return list_queries()
    if not sql.strip():
        print("usage error: empty query", file=sys.stderr)
        return 2
    if _NAME.match(sql.strip()) and sql.strip() not in saved_queries():  # one word is no SQL statement
        print(f"usage error: no saved query named {sql.strip()!r}; saved queries: {', '.join(saved_queries())}", file=sys.stderr)
        return 2
    con = connect(Path(data_dir))
    try:
        rel = con.sql(resolve_sql(sql))
        if rel is None:  # a statement without a result (CREATE, SET, ...)
            return 0
        rel.to_table("__result")
        if fmt == "table":
            if output is None:
                _print_table(con, sys.stdout)
            else:
                Path(output).parent.mkdir(parents=True, exist_ok=True)
                with open(output, "w", encoding="utf-8") as stream:
                    _print_table(con, stream)
        elif output is not None:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            _copy(con, fmt, Path(output))
        else:
            with tempfile.TemporaryDirectory(prefix="pipeline-query-") as tmp:
                path = Path(tmp) / f"result.{fmt}"
                _copy(con, fmt, path)
                sys.stdout.flush()
                with open(path, encoding="utf-8") as src:
                    shutil.copyfileobj(src, sys.stdout)
                sys.stdout.flush()
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        print(f"query error: {first}", file=sys.stderr)
        return 1
    finally:
        con.close()
    return 0


def list_queries(stream=None) -> int:
    """Print every saved query's name and what it answers."""
    stream = stream or sys.stdout
    for query in saved_queries().values():
        print(f"{query.name}\t{query.description}", file=stream)
    return 0
