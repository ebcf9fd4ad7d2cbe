"""Parquet output: validated against ``pipeline.schema``, written atomically.

``PartStore`` is what ``pipeline extract`` writes with: page results committed in
batches under ``<out>/.state`` (a killed run keeps every committed batch), then
published as one canonical file per table, ``<out>/<table>.parquet``, all tables
of a run switched at once (one rename), so a reader never sees a half-written file
nor tables of two runs side by side. See the layout below. ``write_table`` writes one
whole table atomically.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import tempfile
import time
from collections.abc import Iterable, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from pipeline.config import RunConfig
from pipeline.dictionary import described
from pipeline.schema import PAGE_TABLES, PUBLISH_TABLES, REQUIRED, TABLES

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


def warm_up() -> None:
    """Make pyarrow's first conversion from Python objects now.

    That first conversion imports pandas (~0.25 s; pyarrow has no switch to skip it,
    apache/arrow#34994). ``extract`` with worker processes calls this while the workers'
    fork server loads the models, when this process has nothing else to do; otherwise the
    first commit of the run pays it, which in a small re-run is its last step.
    """
    to_table("errors", [])


def write_table(path: Path, name: str, rows: Iterable[Mapping]) -> int:
    """Write one whole table atomically; returns the number of rows."""
    table = to_table(name, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    _write_atomic(table, path)
    return table.num_rows


# ---------------------------------------------------------------------------
# Incremental, crash-safe runs: committed batches of page results, then a publish
# ---------------------------------------------------------------------------
#
# Layout of an output folder (``data/processed``):
#
#     <table>.parquet, dataset.json      the canonical dataset, one file per table and
#                                        its record: links to current/<file>
#     current                            link to .versions/<id>, replaced in one rename
#     .versions/<id>/                    the published version (``publish`` writes a new
#                                        one in .state/tmp-version-*, then switches)
#     .state/batches/<batch>/            one committed batch of pages:
#         pages.parquet                  source, content_hash, key of every page in it
#         <table>.parquet                its rows, plus _source, _batch, _row
#     .state/tmp-<batch>/                a batch being written (deleted if a run died)
#     .state/files.json                  input files of the last completed run: their
#                                        signature (size, times, inode) and page sources
#     .state/running                     marker of a run in progress (see PartStore.unfinished)
#     dataset/<table>/pub_year=*/pub_site=*/*.parquet   (``partitioned=True`` only)
#
# A batch is written into ``tmp-<batch>`` and committed by renaming the folder
# (atomic on POSIX), so a killed run leaves only whole batches. The next run
# reads every committed batch's ``pages.parquet``: a page whose (source,
# content_hash, key) is already there is not processed again; a file whose
# signature is the one in ``files.json`` is not even read when every page of it is
# committed with the current key. ``publish`` then
# selects, for every page of the current input, the rows of its latest batch
# (rows of pages no longer in the input, or of older versions of a page, are
# left out), applies the one-article-per-article_id rule (the first page in
# input order wins) and writes the tables sorted by input order, so a resumed
# or incremental run publishes exactly the dataset of a full run.

STATE_DIR = ".state"
FILES = "files.json"  # the input files of the last completed run: signature and page sources
RUNNING = "running"  # present while a run holds the folder; left behind by a run that died
DATASET_FILE = "dataset.json"  # beside the tables: pipeline version, code key, when, input pages, rows
VERSIONS = ".versions"  # published versions of the dataset; only the current one is kept
CURRENT = "current"  # the link to the current version, switched in one rename


def file_signature(path: Path) -> list[int]:
    """Size, modification time (ns), inode and change time (ns) of a file.

    A file whose signature is the one recorded by the last run is taken as unchanged
    without reading it (as git, make and rsync do); ``--force`` reads everything.
    """
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns]


_UMASK = os.umask(0o022)
os.umask(_UMASK)
_FILE_MODE = 0o666 & ~_UMASK  # mkstemp makes 0600 files; published files get the usual mode
BATCHES = "batches"
PAGES = pa.schema(
    [
        ("source", pa.string()),
        ("content_hash", pa.string()),  # sha256 of the page bytes; None for unreadable pages
        ("key", pa.string()),  # pipeline version + code digest the page was processed with
        ("n_errors", pa.int32()),
    ]
)
INTERNAL = (("_source", pa.string()), ("_batch", pa.string()), ("_row", pa.int32()))
PARTITION_COLUMNS = ("pub_year", "pub_site")

# The site as a partition value: ASCII letters, digits, dots and dashes only
# ("Báo Phú Yên điện tử" -> "bao-phu-yen-dien-tu", "binhdinh.dcs.vn" stays). pyarrow
# writes other characters percent-encoded; DuckDB and pandas decode them as UTF-8, but
# Spark decodes each %XX as one Latin-1 character, so a Vietnamese site name came back
# as "BÃ¡o PhÃº YÃªn". The article's own ``site`` column keeps the name.
PARTITION_KEYS_SQL = (
    "coalesce(CAST(year(a.published_date) AS VARCHAR), 'unknown') AS pub_year, "
    "coalesce(nullif(trim(lower(regexp_replace(strip_accents(replace(replace(coalesce(a.site, a.publisher), 'đ', 'd'), 'Đ', 'D')), "
    "'[^A-Za-z0-9.]+', '-', 'g')), '-.'), ''), 'unknown') AS pub_site"
)


def part_schema(name: str) -> pa.Schema:
    schema = TABLES[name]
    for col, typ in INTERNAL:
        schema = schema.append(pa.field(col, typ))
    return schema


def _write_atomic(table: pa.Table, path: Path) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.chmod(tmp, _FILE_MODE)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


class StoreBusy(RuntimeError):
    """Another run holds the output folder."""


class PartStore:
    """The committed batches of an output folder (see the layout above)."""

    def __init__(self, out_dir: Path | str):
        self.out_dir = Path(out_dir)
        self.root = self.out_dir / STATE_DIR
        self.batches = self.root / BATCHES
        self.batches.mkdir(parents=True, exist_ok=True)
        self._lock = open(self.root / "lock", "a+")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(self._lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            self._lock.close()
            raise StoreBusy(f"another run is writing {self.out_dir} (lock {self.root / 'lock'})") from None
        for stale in self.root.glob("tmp-*"):  # a batch a killed run did not commit
            shutil.rmtree(stale, ignore_errors=True)
        for stale in self.out_dir.glob(".*.parquet.*.tmp"):  # a publish that died
            stale.unlink(missing_ok=True)
        # a run that did not reach close() (killed, or crashed in native code on a page)
        # leaves its marker: this run then keeps pages out of its own process
        marker = self.root / RUNNING
        self.unfinished = marker.exists()
        marker.touch()
        self._seq = 0
        self._run = f"{time.time_ns():020d}-{os.getpid()}"
        self.duplicates = 0  # set by publish: pages left out because an earlier page gave their article
        self.warnings: list[str] = []  # damaged state dropped, in a user's words
        self._drop_damaged_batches()

    def close(self) -> None:
        """Release the folder's lock (the system releases it too when the process dies)."""
        if not self._lock.closed:
            (self.root / RUNNING).unlink(missing_ok=True)
            fcntl.flock(self._lock, fcntl.LOCK_UN)
            self._lock.close()

    def __enter__(self) -> PartStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _drop_damaged_batches(self) -> None:
        """A committed batch with a file that cannot be read (a disk that filled, a copy
        cut short) is dropped with one warning: its pages are processed again."""
        for batch in sorted(p.name for p in self.batches.iterdir()):
            problem = _batch_problem(self.batches / batch)
            if problem is None:
                continue
            trash = self.root / f"tmp-damaged-{batch}"
            os.rename(self.batches / batch, trash)
            shutil.rmtree(trash, ignore_errors=True)
            self.warnings.append(
                f"{self.batches / batch}: damaged committed batch ({problem}): dropped, its pages are processed again")

    # -- reading -----------------------------------------------------------
    def batch_ids(self) -> list[str]:
        return sorted(p.name for p in self.batches.iterdir() if (p / "pages.parquet").is_file())

    def index(self) -> dict[str, tuple[str | None, str, str, int]]:
        """source -> (content_hash, key, batch, n_errors) of its latest committed batch."""
        out: dict[str, tuple[str | None, str, str, int]] = {}
        cols = ("source", "content_hash", "key", "n_errors")
        for batch in self.batch_ids():  # names sort in commit order
            # ParquetFile: pq.read_table would load pyarrow.dataset (~0.4 s, paid by every run)
            pages = pq.ParquetFile(self.batches / batch / "pages.parquet").read(columns=list(cols))
            for source, chash, key, n_errors in zip(*(pages.column(c).to_pylist() for c in cols)):
                out[source] = (chash, key, batch, n_errors)
        return out

    def files(self) -> dict[str, tuple[list[int], list[str]]]:
        """path -> (signature, sources of its pages) of the input files of the last run.

        The signature is ``file_signature``'s; a missing record (a first run) is an empty
        memory, and so is an unreadable one, with one warning: every file is read again
        (pages unchanged since are still not processed again: their content hash decides).
        """
        path = self.root / FILES
        if not path.exists():
            return {}
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return {path: (list(sig), list(sources)) for path, (sig, sources) in data["files"].items()}
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
            self.warnings.append(f"{path}: unreadable ({reason[:120]}): every input file is read again")
            return {}

    def save_files(self, files: dict[str, tuple[list[int], list[str]]]) -> None:
        """Replace the memory of input files (atomically; a folder in its place is removed)."""
        if (self.root / FILES).is_dir() and not (self.root / FILES).is_symlink():
            shutil.rmtree(self.root / FILES)
        tmp = self.root / f"{FILES}.tmp"
        tmp.write_text(json.dumps({"files": files}, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, self.root / FILES)

    # -- writing -----------------------------------------------------------
    def commit(self, pages: list[dict], rows: dict[str, list[dict]]) -> str:
        """Write one batch and commit it by renaming its folder; returns the batch id.

        ``pages``: dicts of PAGES; ``rows``: table -> row dicts, each carrying
        ``_source`` and ``_row`` (the row's index within its page's rows).
        """
        self._seq += 1
        batch = f"{self._run}-{self._seq:06d}"
        tmp = self.root / f"tmp-{batch}"
        tmp.mkdir()
        for name, table_rows in rows.items():
            if not table_rows:
                continue
            table = pa.Table.from_pylist([{**r, "_batch": batch} for r in table_rows], schema=part_schema(name))
            pq.write_table(table, tmp / f"{name}.parquet")
        pq.write_table(pa.Table.from_pylist(pages, schema=PAGES), tmp / "pages.parquet")
        _fsync_dir_files(tmp)
        os.rename(tmp, self.batches / batch)
        return batch

    # -- publishing ----------------------------------------------------------
    def publish(self, live: list[tuple[str, int, str]], partitioned: bool = False, record: dict | None = None,
                config: RunConfig | None = None) -> dict[str, int]:
        """Write the canonical tables from the batches of the ``live`` pages, as one new
        version of the dataset that readers see all at once (``_switch_to``).

        ``live``: (source, input order, batch) of every page of the current input;
        ``record``: what ``dataset.json`` says of this version (rows per table are added);
        ``config``: DuckDB's memory limit and the pages a slice sorts (``RunConfig.from_env()``
        when None).
        Returns rows per table. Memory stays bounded: DuckDB joins and sorts
        (spilling to ``.state/duckdb.tmp``) and rows stream into the writer.
        When the published version was made from the same batches by the same code,
        it is kept as it is (a re-run with nothing new writes nothing).
        """
        record = {**(record or {}), "live_digest": _live_digest(live, partitioned)}
        kept = self._unchanged_version(record)
        if kept is not None:
            self.duplicates = kept.get("duplicates", 0)
            return kept
        import duckdb

        config = config or RunConfig.from_env()
        con = duckdb.connect()
        tmpdir = self.root / "duckdb.tmp"
        con.execute(f"SET temp_directory='{tmpdir}'")
        con.execute(f"SET memory_limit='{config.duckdb_memory_limit}'")
        con.execute("SET preserve_insertion_order=false")
        # list parameters: handing DuckDB an Arrow table makes it import pandas (0.3 s a run)
        con.execute(
            "CREATE TEMP TABLE live AS SELECT unnest($source::VARCHAR[]) AS source, "
            "unnest($ord::BIGINT[]) AS ord, unnest($batch::VARCHAR[]) AS batch",
            {"source": [s for s, _, _ in live], "ord": [o for _, o, _ in live], "batch": [b for _, _, b in live]},
        )
        batches = sorted({b for _, _, b in live})
        # slices of the input order, each with the batches its pages are in: a table is
        # sorted slice by slice, so no sort holds more than a slice's rows
        by_order = sorted((o, b) for _, o, b in live)
        step = max(1, config.publish_slice_pages)
        slices = [
            (part[0][0], part[-1][0], sorted({b for _, b in part}))
            for part in (by_order[i : i + step] for i in range(0, len(by_order), step))
        ]

        def files(name: str, among: list[str] = batches) -> list[str]:
            return [str(p) for b in among if (p := self.batches / b / f"{name}.parquet").is_file()]

        def scan(name: str, part: tuple | None = None) -> str:
            listed = ", ".join("'" + f.replace("'", "''") + "'" for f in files(name, part[2] if part else batches))
            within = f" AND l.ord BETWEEN {int(part[0])} AND {int(part[1])}" if part else ""
            return (
                f"(SELECT t.*, l.ord AS _ord FROM read_parquet([{listed}], union_by_name=true) t "
                f"JOIN live l ON t._source = l.source AND t._batch = l.batch{within})"
            )

        if files("articles"):
            con.execute(
                f"CREATE TEMP TABLE firsts AS SELECT _source, _ord, article_id, url FROM {scan('articles')} "
                "QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY _ord) = 1"
            )
            # pages whose article an earlier page of the input gave: left out, one row each
            con.execute(
                f"CREATE TEMP TABLE duplicates AS SELECT d._source AS source, d.article_id, f._source AS source_kept, "
                "CASE WHEN d.url IS NOT NULL AND d.url = f.url THEN 'same URL' ELSE 'same text' END AS reason, d._ord "
                f"FROM {scan('articles')} d JOIN firsts f ON d.article_id = f.article_id WHERE d._source <> f._source"
            )
        else:
            con.execute("CREATE TEMP TABLE firsts (_source VARCHAR)")
            con.execute("CREATE TEMP TABLE duplicates (source VARCHAR, article_id VARCHAR, source_kept VARCHAR, reason VARCHAR, _ord BIGINT)")
        con.execute("CREATE TEMP TABLE winners AS SELECT _source FROM firsts")
        self.duplicates = con.sql("SELECT count(*) FROM duplicates").fetchall()[0][0]
        counts: dict[str, int] = {}
        version = self.root / f"tmp-version-{self._run}"  # every table first, then one switch
        version.mkdir()
        try:
            for name, schema in TABLES.items():
                where = "" if name == "errors" else "WHERE _source IN (SELECT _source FROM winners)"
                cols = ", ".join(f'"{c}"' for c in schema.names)
                results = (
                    [con.sql(f"SELECT {cols} FROM {name} ORDER BY _ord")] if name in PUBLISH_TABLES else
                    (con.sql(f"SELECT {cols} FROM {scan(name, part)} {where} ORDER BY _ord, _row")
                     for part in slices if files(name, part[2]))
                )
                tmp, counts[name] = _stream_to_tmp(results, described(name, schema), version / f"{name}.parquet")
                os.rename(tmp, version / f"{name}.parquet")
            record = {**record, "rows": counts, "errors": counts.get("errors", 0)}
            (version / DATASET_FILE).write_text(json.dumps(record, ensure_ascii=False, indent=2, default=str), "utf-8")
            _fsync_dir_files(version)
            self._switch_to(version)
        finally:
            shutil.rmtree(version, ignore_errors=True)
        if partitioned:
            write_partitioned(self.out_dir, con)
        con.close()
        shutil.rmtree(tmpdir, ignore_errors=True)
        return counts

    def _unchanged_version(self, record: dict) -> dict[str, int] | None:
        """Rows per table of the published version if it was made from what ``record``
        describes (same batches, code and version; its creation time aside), else None."""
        try:
            current = json.loads((self.out_dir / CURRENT / DATASET_FILE).read_text("utf-8"))
        except (OSError, ValueError):
            return None
        same = all(current.get(k) == v for k, v in record.items() if k != "created_at")
        tables = all((self.out_dir / CURRENT / f"{t}.parquet").is_file() for t in TABLES)
        rows = current.get("rows")
        return dict(rows) if same and tables and isinstance(rows, dict) else None

    def _switch_to(self, folder: Path) -> None:
        """Make ``folder`` the published version: renamed under ``.versions/``, then the
        one symbolic link ``current`` replaced atomically. ``<table>.parquet`` and
        ``dataset.json`` are fixed links into ``current/``, so a reader opening any of
        them after the switch sees the new version, and before it the old one, whole."""
        versions = self.out_dir / VERSIONS
        versions.mkdir(exist_ok=True)
        name = f"{time.time_ns():020d}"
        os.rename(folder, versions / name)
        _replace_link(self.out_dir / CURRENT, f"{VERSIONS}/{name}")
        for file in [*(f"{t}.parquet" for t in TABLES), DATASET_FILE]:
            link, wanted = self.out_dir / file, f"{CURRENT}/{file}"
            if not (link.is_symlink() and os.readlink(link) == wanted):
                _replace_link(link, wanted)  # once, or over a file of an older layout
        for old in versions.iterdir():
            if old.name != name:
                shutil.rmtree(old, ignore_errors=True)  # a reader that has a file open keeps reading it

    def collect_garbage(self, live_batches: set[str]) -> int:
        """Delete committed batches that no page of the current input uses."""
        dead = [b for b in self.batch_ids() if b not in live_batches]
        for b in dead:
            # uncommit first (rename away), then delete: never a half-deleted committed batch
            trash = self.root / f"tmp-gc-{b}"
            os.rename(self.batches / b, trash)
            shutil.rmtree(trash, ignore_errors=True)
        return len(dead)


def _batch_problem(folder: Path) -> str | None:
    """Why a committed batch cannot be used, or None: every file's Parquet footer and
    schema are read (not its rows), and ``pages.parquet`` must be there."""
    try:
        names = sorted(p.name for p in folder.iterdir())
    except OSError as exc:
        return exc.strerror or str(exc)
    if "pages.parquet" not in names:
        return "pages.parquet missing"
    for name in names:
        table = name.removesuffix(".parquet")
        expected = PAGES if table == "pages" else part_schema(table) if table in TABLES else None
        if expected is None:
            return f"unexpected file {name}"
        try:
            schema = pq.read_schema(folder / name)
        except (OSError, pa.ArrowException) as exc:
            return f"{name}: {str(exc).splitlines()[0]}"
        if not expected.equals(schema, check_metadata=False):
            return f"{name}: not the schema of this pipeline"
    return None


def _replace_link(link: Path, target: str) -> None:
    """Point the symbolic link ``link`` at ``target`` in one rename (never missing)."""
    tmp = link.parent / f".{link.name}.link.tmp"
    tmp.unlink(missing_ok=True)
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _fsync_dir_files(folder: Path) -> None:
    for p in folder.iterdir():
        fd = os.open(p, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _stream_to_tmp(results: Iterable, schema: pa.Schema, path: Path, batch_rows: int = 10_000) -> tuple[str, int]:
    """Write DuckDB results, one after the other, into a temporary file beside ``path``,
    batch by batch, cast to ``schema``; returns (temporary path, rows). No result, or
    none with rows: one empty table, so the file is still readable."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    n = 0
    try:
        with pq.ParquetWriter(tmp, schema) as writer:
            for result in results:
                for batch in result.to_arrow_reader(batch_rows):
                    table = pa.Table.from_batches([batch]).cast(schema, safe=False)
                    writer.write_table(table, row_group_size=_row_group_rows(table))
                    n += table.num_rows
            if not n:
                writer.write_table(schema.empty_table())
        os.chmod(tmp, _FILE_MODE)
    except BaseException:
        os.unlink(tmp)
        raise
    return tmp, n


ROW_GROUP_BYTES = 16 * 1024 * 1024


def _row_group_rows(table: pa.Table) -> int:
    """Rows per row group for ``table``'s rows: about ROW_GROUP_BYTES of data each, so
    that a reader (DuckDB, pandas, the partitioned write) holds a few megabytes a row
    group, not the 90 MB of 10,000 article texts."""
    if not table.num_rows or table.nbytes <= ROW_GROUP_BYTES:
        return max(1, table.num_rows)
    return max(100, table.num_rows * ROW_GROUP_BYTES // table.nbytes)


def _cast_batches(reader, schema: pa.Schema):
    for batch in reader:
        yield from pa.Table.from_batches([batch]).cast(schema, safe=False).to_batches()


def write_partitioned(out_dir: Path, con=None) -> Path:
    """``out_dir/dataset/<table>/pub_year=*/pub_site=*/`` from the canonical tables.

    Every row is placed by its article's publication year and site (``unknown``
    when absent), so one article's rows sit together; the columns themselves are
    those of the canonical table, plus the two partition columns when read with
    hive partitioning (DuckDB ``hive_partitioning=true``, pandas, Spark).
    """
    import duckdb
    import pyarrow.dataset as ds

    out_dir = Path(out_dir)
    own = con is None
    con = con or duckdb.connect()
    final = out_dir / "dataset"
    tmp = out_dir / f".dataset.{os.getpid()}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    art = str(out_dir / "articles.parquet").replace("'", "''")
    keys = pa.schema([(column, pa.string()) for column in PARTITION_COLUMNS])
    part = ds.partitioning(keys, flavor="hive")
    # every article's partition, in a table of short rows: the other tables join it, not
    # the articles with their texts (a join DuckDB may build on the texts' side)
    con.execute(
        f"CREATE OR REPLACE TEMP TABLE part_keys AS SELECT a.article_id, {PARTITION_KEYS_SQL} FROM read_parquet('{art}') a"
    )
    for name, schema in TABLES.items():
        if name in PAGE_TABLES:
            continue  # rows of pages, not articles: they stay in their one file
        src = str(out_dir / f"{name}.parquet").replace("'", "''")
        if name == "articles":
            sql = f"SELECT a.*, {PARTITION_KEYS_SQL} FROM read_parquet('{src}') a"
        else:
            sql = (
                f"SELECT t.*, k.pub_year, k.pub_site FROM read_parquet('{src}') t "
                "JOIN part_keys k ON t.article_id = k.article_id"
            )
        full = pa.schema([*schema, *keys])
        reader = con.sql(sql).to_arrow_reader(10_000)
        batches = _cast_batches(reader, full)
        ds.write_dataset(
            pa.RecordBatchReader.from_batches(full, batches),
            tmp / name,
            format="parquet",
            partitioning=part,
            existing_data_behavior="overwrite_or_ignore",
            basename_template="part-{i}.parquet",
        )
        if not (tmp / name).exists():  # no rows: one empty file keeps the table readable
            (tmp / name).mkdir(parents=True)
            pq.write_table(full.empty_table(), tmp / name / "part-empty.parquet")
    if final.exists():
        old = out_dir / f".dataset.old.{os.getpid()}"
        os.rename(final, old)
        os.rename(tmp, final)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(tmp, final)
    if own:
        con.close()
    return final


def _live_digest(live: list[tuple[str, int, str]], partitioned: bool) -> str:
    """One hash of every live page's source, input order and batch (and the layout asked for)."""
    digest = hashlib.sha256(b"partitioned" if partitioned else b"flat")
    for source, order, batch in live:
        digest.update(f"{source}\0{order}\0{batch}\n".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()
