"""``pipeline validate``: is a dataset what ``pipeline/schema.py`` promises?

Two kinds of checks, both as data:

* schema: every table is present and its columns have the schema's names and
  types (pyarrow), and the columns ``schema.REQUIRED`` names have no nulls;
* values: ``CHECKS`` below, one SQL query per rule that selects the rows breaking
  it (DuckDB over the Parquet files, or over in-memory Arrow tables): offsets
  inside the article and ``text[start:end] == text``, dates in 1900..2100 (calendar
  mentions from 1000: articles cite history, ``19/5/1890``),
  counts non-negative and percentages at most 100 (but of a target), every ``article_id`` known
  to ``articles``, ``article_id`` unique, enumerated columns inside their sets.

``validate_dataset(dir)`` checks a folder; ``validate_tables({name: table})``
checks Arrow tables, e.g. one page's rows before they are written. Each problem
is one line: ``table: what is wrong (n rows), e.g. ...``.
"""
from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import RunConfig
from pipeline.extract.measures import TARGET_SHARE, measures
from pipeline.schema import ERROR_STAGES, EXTRACTION_TABLES, REQUIRED, TABLES

YEAR_MIN, YEAR_MAX = 1900, 2100
HISTORY_MIN = 1000  # a date an article mentions may be historical (a birth in 1890)
EXAMPLES = 3  # example rows quoted per problem


@dataclass(frozen=True)
class Check:
    table: str
    message: str
    # SELECT over the views; every row it returns breaks the rule. Its first
    # columns are quoted as the examples.
    sql: str
    needs: tuple[str, ...] = ()  # other tables the query reads
    # a rule about each row on its own (its first column is article_id), so an
    # incremental run checks it on the rows of the articles it wrote only; False for
    # rules across rows (a key unique, every article_id known)
    per_row: bool = True


def _date_range(table: str, column: str, low: int = YEAR_MIN) -> Check:
    return Check(
        table,
        f"{column} outside {low}..{YEAR_MAX}",
        f'select article_id, "{column}" from {table} '
        f'where "{column}" is not null and (year("{column}") < {low} or year("{column}") > {YEAR_MAX})',
    )


def _year_range(table: str, column: str) -> Check:
    return Check(
        table,
        f"{column} outside {YEAR_MIN}..{YEAR_MAX}",
        f'select article_id, "{column}" from {table} '
        f'where "{column}" is not null and ("{column}" < {YEAR_MIN} or "{column}" > {YEAR_MAX})',
    )


def _one_of(table: str, column: str, values: tuple[str, ...], nullable: bool = True) -> Check:
    listed = ", ".join("'" + v.replace("'", "''") + "'" for v in values)
    null = f'"{column}" is not null and ' if nullable else ""
    key = "source" if table == "errors" else "article_id"
    return Check(
        table,
        f"{column} not one of {', '.join(values)}",
        f'select {key}, "{column}" from {table} where {null}"{column}" not in ({listed})',
    )


def _spans(table: str) -> list[Check]:
    return [
        Check(
            table,
            "offsets outside the article text (0 <= start <= end <= len(text))",
            f'select x.article_id, x.start, x."end", length(a.text) as text_length from {table} x '
            f"join articles a using (article_id) "
            f'where x.start is not null and (x.start < 0 or x."end" is null or x."end" < x.start '
            f'or x."end" > length(a.text))',
            ("articles",),
        ),
        Check(
            table,
            "text differs from the article's text[start:end]",
            f'select x.article_id, x.start, x."end", x.text, '
            f'substring(a.text, x.start + 1, x."end" - x.start) as article_text from {table} x '
            f"join articles a using (article_id) "
            f'where x.start is not null and x."end" is not null and x.text is not null '
            f'and x.start >= 0 and x."end" >= x.start and x."end" <= length(a.text) '
            f'and substring(a.text, x.start + 1, x."end" - x.start) <> x.text',
            ("articles",),
        ),
        Check(
            table,
            "article_id not in articles",
            f"select x.article_id from {table} x anti join articles a using (article_id)",
            ("articles",),
            per_row=False,
        ),
    ]


CHECKS: list[Check] = [
    Check(
        "articles",
        "article_id not unique",
        "select article_id, count(*) as rows from articles group by article_id having count(*) > 1",
        per_row=False,
    ),
    Check("articles", "empty text", "select article_id from articles where length(trim(coalesce(text, ''))) = 0"),
    Check(
        "articles",
        "negative n_words, n_sentences or views",
        "select article_id, n_words, n_sentences, views from articles "
        "where n_words < 0 or n_sentences < 0 or views < 0",
    ),
    _date_range("articles", "published_date"),
    _date_range("doc_refs", "issued_date"),
    _year_range("doc_refs", "year"),
    _one_of("doc_refs", "system", ("party", "state")),
    _date_range("dates", "date", HISTORY_MIN),
    _date_range("dates", "date_end", HISTORY_MIN),
    Check("dates", "date_end before date", 'select article_id, "date", date_end from dates where date_end < "date"'),
    _one_of("dates", "precision", ("day", "month", "quarter", "year", "year_range", "day_range"), nullable=False),
    _one_of("dates", "role", ("published", "issued", "mentioned"), nullable=False),
    Check("counts", "negative value", "select article_id, value, text from counts where value < 0"),
    Check(
        "counts",
        "percentage above 100",
        "select article_id, value, text from counts where percent and value > 100"
        f" and coalesce(qualifier, '') not like '%{TARGET_SHARE}'",
    ),
    _year_range("counts", "year"),
    _one_of("counts", "measure", measures(), nullable=False),
    _one_of("solutions", "kind", ("solution", "measure", "limitation", "other")),
    Check(
        "solutions",
        "negative list_id or item_index",
        "select article_id, list_id, item_index from solutions where list_id < 0 or item_index < 0",
    ),
    _one_of("entities", "kind", ("organisation", "person"), nullable=False),
    _one_of("entities", "level", ("central", "province", "district", "commune", "grassroots")),
    _one_of("errors", "stage", ERROR_STAGES, nullable=False),
    _one_of("duplicates", "reason", ("same URL", "same text"), nullable=False),
    *[check for table in EXTRACTION_TABLES for check in _spans(table)],
]


def _short(value, limit: int = 60) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _example(columns: list[str], row: tuple) -> str:
    return "(" + ", ".join(f"{c}={_short(v)}" for c, v in zip(columns, row)) + ")"


def schema_problems(name: str, actual: pa.Schema) -> list[str]:
    """Columns missing, unexpected or of another type than ``pipeline.schema`` says."""
    expected = TABLES[name]
    problems = []
    for field in expected:
        if field.name not in actual.names:
            problems.append(f"{name}: column {field.name!r} missing")
            continue
        found = actual.get_all_field_indices(field.name)
        if len(found) > 1:
            problems.append(f"{name}: column {field.name!r} appears {len(found)} times")
            continue
        got = actual.field(found[0]).type
        if not got.equals(field.type):
            problems.append(f"{name}: column {field.name!r} is {got}, schema says {field.type}")
    extra = [n for n in actual.names if n not in expected.names]
    if extra:
        problems.append(f"{name}: unexpected columns {extra}")
    return problems


def _null_checks() -> list[Check]:
    checks = []
    for table, columns in REQUIRED.items():
        key = "source" if table == "errors" else "article_id"
        for column in columns:
            checks.append(Check(table, f"null {column}", f'select {key} from {table} where "{column}" is null'))
    return checks


CHANGED_SCHEMA = "changed_rows"  # validate_dataset(changed=...): the rows of the changed articles


def run_checks(con: duckdb.DuckDBPyConnection, present: set[str], checks: list[Check] | None = None,
               only_changed: bool = False, per_row: bool | None = None) -> list[str]:
    """Run every check whose tables are views of ``con``; one line per rule broken.

    ``only_changed``: per-row rules read the tables of the schema ``CHANGED_SCHEMA``
    of ``con`` (the rows of the changed articles: see ``validate_dataset``), rules
    across rows still see every row. ``per_row``: run only the rules of that kind.
    """
    todo = _todo(present, checks, only_changed=only_changed, per_row=per_row)
    return [line for item, found in zip(todo, _findings(con, todo)) if (line := _problem(item, found))]


def _todo(present: set[str], checks: list[Check] | None, only_changed: bool = False,
          per_row: bool | None = None) -> list[tuple[Check, str]]:
    """(check, search path) of every check ``present`` can run (``per_row``: only those
    of that kind, when given)."""
    todo = []
    for check in checks if checks is not None else [*_null_checks(), *CHECKS]:
        if check.table not in present or any(t not in present for t in check.needs):
            continue
        row_rule = check.per_row and check.table != "errors"  # errors have no article to slice by
        if per_row is not None and row_rule != per_row:
            continue
        todo.append((check, f"{CHANGED_SCHEMA},main" if only_changed and row_rule else "main"))
    return todo


def _findings(con: duckdb.DuckDBPyConnection, todo: list[tuple[Check, str]]) -> list:
    """Per check of ``todo``: None (no row breaks it), (rows breaking it, columns,
    up to EXAMPLES example rows), or the error that kept it from running."""
    found: list = [None] * len(todo)
    # one query per schema counts the rows breaking every rule (a query per rule costs
    # more in round trips than in work); the examples are then fetched for the broken ones only
    broken = set(range(len(todo)))
    for path in sorted({path for _c, path in todo}):
        rules = [i for i, (_c, p) in enumerate(todo) if p == path]
        union = " union all ".join(f"select {i} as rule, count(*) as n from ({todo[i][0].sql})" for i in rules)
        try:
            con.execute(f"set search_path = '{path}'")
            broken -= {i for i, n in con.sql(union).fetchall() if not n}
        except duckdb.Error:
            pass  # some rule cannot run: check each on its own below, which says which
    for i, (check, path) in enumerate(todo):
        if i not in broken:
            continue
        try:  # one query: the examples, each with the number of rows breaking the rule
            con.execute(f"set search_path = '{path}'")
            rel = con.sql(f"select count(*) over () as __rows, * from ({check.sql}) limit {EXAMPLES}")
            rows = rel.fetchall()
            if rows:
                found[i] = (rows[0][0], rel.columns[1:], [row[1:] for row in rows])
        except duckdb.Error as exc:
            found[i] = exc
    con.execute("set search_path = 'main'")
    return found


def _problem(check_path: tuple[Check, str], found) -> str | None:
    check = check_path[0]
    if found is None:
        return None
    if isinstance(found, Exception):
        first = str(found).strip().splitlines()[0] if str(found).strip() else type(found).__name__
        return f"{check.table}: could not check {check.message!r}: {first}"
    n, columns, rows = found
    examples = "; ".join(_example(columns[:5], row[:5]) for row in rows)
    return f"{check.table}: {check.message} ({n} row{'s' if n != 1 else ''}), e.g. {examples}"


def _table_schema(data_dir: Path, name: str) -> tuple[pa.Schema | None, str | None]:
    """The schema of ``name``'s file (or of its folder's first part) and a problem, if any."""
    file = data_dir / f"{name}.parquet"
    parts = data_dir / name
    try:
        if file.is_file():
            return pq.read_schema(file), None
        if parts.is_dir():
            first = next(iter(sorted(parts.rglob("*.parquet"))), None)
            if first is not None:
                return pq.read_schema(first), None
    except (OSError, pa.ArrowException) as exc:
        return None, f"{name}: unreadable Parquet: {exc}"
    return None, f"{name}: table missing ({name}.parquet not found)"


def validate_dataset(data_dir: Path, changed: Collection[str] | None = None,
                     config: RunConfig | None = None) -> list[str]:
    """Every problem of the dataset in ``data_dir``, one line each; [] when it is valid.

    ``changed``: the article_ids an incremental run wrote; per-row rules are then
    checked on their rows only (the other rows were checked by the run that wrote
    them), rules across rows and the schema on everything.

    Memory stays bounded whatever the dataset's size: DuckDB has the config's
    ``duckdb_memory_limit`` (``RunConfig.from_env()`` when None) and spills beyond it, and
    on a dataset of more than ``validate_slice_articles`` articles the per-row rules run slice by
    slice of articles (their span rules join each row with its article's text, which
    over all articles at once would hold every text in memory).
    """
    import tempfile

    from pipeline.query import connect

    config = config or RunConfig.from_env()
    data_dir = Path(data_dir)
    problems: list[str] = []
    usable: set[str] = set()
    for name in TABLES:
        schema, problem = _table_schema(data_dir, name)
        if problem:
            problems.append(problem)
            continue
        table_problems = schema_problems(name, schema)
        problems.extend(table_problems)
        usable.add(name)
    con = connect(data_dir, warn=lambda message: None)
    spill = tempfile.TemporaryDirectory(prefix="pipeline-validate-")
    try:
        con.execute(f"SET memory_limit = '{config.duckdb_memory_limit}'")
        con.execute(f"SET temp_directory = '{spill.name}'")
        present = {row[0] for row in con.sql("select view_name from duckdb_views() where not internal").fetchall()}
        tables = present & usable
        keyed = tables - {"errors"}
        if changed is not None:
            _copy_changed_rows(con, keyed, changed)
            problems.extend(run_checks(con, tables, only_changed=True))
            return problems
        ids = _article_ids(con, keyed)
        size = max(1, config.validate_slice_articles)
        if len(ids) <= size:
            problems.extend(run_checks(con, tables))
            return problems
        problems.extend(run_checks(con, tables, per_row=False))
        todo = _todo(tables, None, only_changed=True, per_row=True)
        merged: list = [None] * len(todo)
        for start in range(0, len(ids), size):
            _copy_changed_rows(con, keyed, ids[start : start + size])
            for i, found in enumerate(_findings(con, todo)):
                merged[i] = _merge(merged[i], found)
        problems.extend(line for item, found in zip(todo, merged) if (line := _problem(item, found)))
    finally:
        con.close()
        spill.cleanup()
    return problems


def _article_ids(con: duckdb.DuckDBPyConnection, tables: set[str]) -> list[str]:
    """Every article_id of ``tables`` (those of rows without an article too), sorted."""
    if not tables:
        return []
    union = " union ".join(f'select article_id from main."{name}"' for name in sorted(tables))
    return [row[0] for row in con.sql(f"select article_id from ({union}) where article_id is not null order by 1").fetchall()]


def _merge(before, found):
    """The findings of one rule over two slices as over both: rows added up, the
    first EXAMPLES examples; an error wins."""
    if before is None or isinstance(before, Exception):
        return found if before is None else before
    if found is None:
        return before
    if isinstance(found, Exception):
        return found
    return (before[0] + found[0], before[1], (before[2] + found[2])[:EXAMPLES])


def _copy_changed_rows(con: duckdb.DuckDBPyConnection, tables: set[str], changed: Collection[str]) -> None:
    """The rows of the ``changed`` articles, copied into tables of ``CHANGED_SCHEMA``
    (replacing those of an earlier call).

    One scan of each file: the per-row rules then read these few rows (a filter over
    the views would scan every file, article texts included, once per rule).
    """
    con.execute(f"drop schema if exists {CHANGED_SCHEMA} cascade")
    # a list parameter: handing DuckDB an Arrow table makes it import pandas (0.3 s of a re-run)
    con.execute("create or replace temp table __changed as select unnest($ids::varchar[]) as article_id",
                {"ids": sorted(changed)})
    con.execute(f"create schema {CHANGED_SCHEMA}")
    for name in sorted(tables):
        con.execute(
            f'create table {CHANGED_SCHEMA}."{name}" as select * from main."{name}" '
            f"where article_id in (select article_id from __changed)"
        )


def validate_tables(tables: Mapping[str, pa.Table]) -> list[str]:
    """The same checks over in-memory Arrow tables (e.g. one page's rows before writing).

    Span and foreign-key checks need ``articles`` among the tables.
    """
    problems: list[str] = []
    con = duckdb.connect(":memory:")
    try:
        for name, table in tables.items():
            if name not in TABLES:
                problems.append(f"{name}: not a table of pipeline.schema")
                continue
            problems.extend(schema_problems(name, table.schema))
            con.register(name, table)
        problems.extend(run_checks(con, {n for n in tables if n in TABLES}))
    finally:
        con.close()
    return problems
