"""Turn scraped Vietnamese party-building pages into tidy Parquet tables, and query them.

Exit status: 0 when every page was processed, 1 when some failed or an output could
not be written, 2 on a usage error.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

from typing import Literal

import typer
from typer.core import TyperArgument, TyperOption

from pipeline import settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
_skip_teardown = False  # set by a finished extract: see _leave

# The help names each value by its metavar: typer would add "<bool>" beside a flag, which
# takes no value, and a type ("<list[Path]>") beside each argument.
_value_type = TyperOption.display_type_rich
TyperOption.display_type_rich = lambda self, ctx: None if self.is_flag else _value_type(self, ctx)
TyperArgument.display_type_rich = lambda self, ctx: None


def _usage_error(message: str) -> None:
    from pipeline.decode import printable

    typer.echo(f"usage error: {printable(message)}", err=True)
    raise typer.Exit(2)


def _os_error(exc: OSError) -> str:
    """``error: PATH: REASON`` of a failed read or write (no traceback)."""
    return f"error: {_path_problem(exc)}"


def _path_problem(exc: OSError) -> str:
    """``PATH: REASON`` of a failed read or write."""
    from pipeline.decode import printable

    where = printable(os.fspath(exc.filename)) if exc.filename is not None else "output"
    if isinstance(exc, FileExistsError):  # mkdir(exist_ok=True) met a file
        reason = "is a file, not a folder"
    elif isinstance(exc, NotADirectoryError):
        reason = "a part of this path is a file, not a folder"
    else:
        reason = exc.strerror or str(exc)
    return f"{where}: {reason}"


URLS_HELP = ("TSV or CSV of the source URLs of page files saved without theirs: a url column, and a file "
             "column (path from the table's folder) or an id column (file name without suffixes).")


def _url_table(path: Path | None):
    """The URL table of ``--urls``, or None; a usage error naming the file when it is unusable."""
    if path is None:
        return None
    from pipeline.url_table import UrlTableError, read_url_table

    try:
        return read_url_table(path)
    except UrlTableError as exc:
        _usage_error(str(exc))


@app.command()
def extract(
    paths: list[Path] = typer.Argument(None, metavar="PATHS", help="Files and folders of pages (default: data/raw)."),
    out: Path = typer.Option(Path(settings.DEFAULT_PROCESSED), "--out", metavar="DIR", help="Output folder for the Parquet tables."),
    workers: int = typer.Option(None, "--workers", min=1, metavar="N", help="Worker processes (default: all cores); 1 runs in this process."),
    engine: Literal["local", "dask"] = typer.Option("local", "--engine", help="Where pages run: this machine, or a Dask distributed cluster."),
    scheduler: str = typer.Option(None, "--scheduler", metavar="ADDRESS", help="Dask scheduler address (tcp://HOST:PORT); default: a local cluster of --workers processes."),
    force: bool = typer.Option(False, "--force", help="Recompute every page, even those unchanged since the last run."),
    batch_pages: int = typer.Option(200, "--batch-pages", min=1, metavar="N", help="Pages per committed batch: a killed run redoes at most one batch plus the pages in flight."),
    allow_shrink: bool = typer.Option(False, "--allow-shrink", help="Publish even when the input has far fewer pages than the last run's (their rows are deleted)."),
    urls: Path = typer.Option(None, "--urls", metavar="FILE", help=URLS_HELP),
) -> None:
    """Process pages into Parquet: HTML, text dumps, their .gz, WARC archives, mirrored pages under any name.

    Incremental: pages unchanged since the last run into the same --out (same content
    hash, same pipeline code) are not processed again; pages no longer in the input lose
    their rows. A killed run resumes from its committed batches.

    Example: pipeline extract data/raw more/pages.warc.gz --out data/processed
    """
    from pipeline.run import extract as run_extract
    from pipeline.run import error_line, report_error

    paths = paths or [Path(settings.DEFAULT_RAW)]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _usage_error(f"no such file or folder: {', '.join(missing)}")
    if out.exists() and not out.is_dir():
        _usage_error(f"--out {out} is a file, not a folder")
    if scheduler and engine != "dask":
        _usage_error("--scheduler needs --engine dask")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _usage_error(f"--out {out} cannot be created: {_path_problem(exc)}")
    workers = workers or os.cpu_count() or 1
    url_table = _url_table(urls)

    progress = None
    task = None
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from pipeline.sources import discover

        files, _ = discover(paths)
        progress = Progress(
            TextColumn("extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            transient=True, console=None,
        )
        progress.start()
        task = progress.add_task("pages", total=len(files))

    started = time.monotonic()
    log = {"done": 0, "last": started, "every": settings.from_env("PIPELINE_PROGRESS_SECONDS", settings.PROGRESS_SECONDS)}

    def on_result(result) -> None:
        for row in result.errors:
            if progress:
                progress.console.print(error_line(row), style="red", markup=False)
            else:
                report_error(row)
        if progress and "#" not in result.source:
            progress.advance(task)
        log["done"] += 1
        now = time.monotonic()
        if not progress and now - log["last"] >= log["every"]:  # no terminal: a line now and then
            log["last"] = now
            typer.echo(f"progress: {log['done']} done (pages processed or unchanged) in {now - started:.0f} s", err=True)

    from pipeline.executors.dask import DaskUnavailable
    from pipeline.run import InputShrank, NoPages, WorkersDying
    from pipeline.store import StoreBusy

    failure: tuple[str, int] | None = None  # said once the progress bar is gone
    kept = f"batches committed so far are kept in {out / '.state'}, and the same command goes on from them"
    try:
        summary = run_extract(
            paths, out, on_result=on_result, batch_pages=batch_pages,
            workers=workers, engine=engine, scheduler=scheduler, force=force, allow_shrink=allow_shrink,
            urls=url_table,
        )
    except StoreBusy as exc:
        failure = (f"usage error: {exc}", 2)
    except DaskUnavailable as exc:
        failure = (f"error: {exc}\nnothing was processed on the cluster; the dataset is left as it was", 1)
    except KeyboardInterrupt:
        failure = (f"interrupted: nothing published; {kept}", 130)
    except OSError as exc:  # the output folder: not writable, disk full
        failure = (f"{_os_error(exc)}\nnothing published; {kept}", 1)
    except WorkersDying as exc:
        failure = (f"error: {exc}\nnothing published; {kept}", 1)
    except NoPages as exc:
        for error in exc.errors:
            report_error({"source": error.source, "stage": error.stage, "error": error.error})
        failure = (f"error: {exc}", 1)
    except InputShrank as exc:
        failure = (f"error: {exc}", 1)
    finally:
        if progress:
            progress.stop()
    if failure:
        from pipeline.decode import printable

        typer.echo("\n".join(printable(line) for line in failure[0].split("\n")), err=True)
        raise typer.Exit(failure[1])
    from pipeline.decode import printable

    for warning in summary.warnings:
        typer.echo(f"warning: {printable(warning)}", err=True)
    for problem in summary.problems:
        typer.echo(f"invalid: {problem}", err=True)
    typer.echo(summary.line(), err=True)
    global _skip_teardown
    _skip_teardown = True  # every output is written and closed
    raise typer.Exit(summary.exit_code)


@app.command("eval")
def eval_(
    gold_dir: Path = typer.Argument(..., metavar="GOLD_DIR", help="Folder of gold JSON files."),
    pages_dir: Path = typer.Argument(None, metavar="PAGES_DIR", help="Folder of the pages the gold files name."),
    pred: Path = typer.Option(None, "--pred", metavar="DIR", help="Score an existing dataset folder instead of running."),
    json_path: Path = typer.Option(None, "--json", metavar="FILE", help="Also write the scores as JSON here."),
    floors: Path = typer.Option(None, "--floors", metavar="FILE", help="JSON {field: minimum F1}; exit 1 below it."),
    field: list[str] = typer.Option(None, "--field", metavar="FIELD", help="Score only this field, a row of the score table (repeatable): title, dates, counts, ..."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="List every miss and false positive by page."),
    urls: Path = typer.Option(None, "--urls", metavar="FILE", help=URLS_HELP),
) -> None:
    """Score extracted fields against gold annotations.

    Example: pipeline eval tests/gold data/raw --floors tests/gold/floors.json -v
    """
    from pipeline.evaluate import ACCURACY_ONLY, FIELDS, run_eval

    if not gold_dir.is_dir():
        _usage_error(f"gold folder not found: {gold_dir}")
    unknown = [f for f in field or () if f not in FIELDS + ACCURACY_ONLY]
    if unknown:
        _usage_error(f"no field named {', '.join(map(repr, unknown))}; fields: {', '.join(FIELDS + ACCURACY_ONLY)}")
    if pages_dir is None and pred is None:
        _usage_error("give PAGES_DIR or --pred")
    if urls is not None and pred is not None:
        _usage_error("--urls goes with PAGES_DIR (a --pred dataset has its URLs)")
    raise typer.Exit(run_eval(gold_dir, pages_dir, pred, json_path, floors, fields=field or None, verbose=verbose,
                              urls=_url_table(urls)))


@app.command()
def crawl(
    urls: list[str] = typer.Argument(None, metavar="URLS", help="Start URLs: site roots, section pages, sitemaps or feeds."),
    seeds: Path = typer.Option(None, "--seeds", metavar="FILE", help="File of start URLs, one a line (# comments)."),
    out: Path = typer.Option(Path(settings.DEFAULT_RAW), "--out", metavar="DIR", help="Folder for the WARC files."),
    max_pages: int = typer.Option(None, "--max-pages", min=1, metavar="N", help="Stop after this many stored pages."),
    allow_domain: list[str] = typer.Option(None, "--allow-domain", metavar="DOMAIN", help="Also follow links into this domain, beside the start URLs' own (repeatable)."),
    since: str = typer.Option(None, "--since", metavar="YYYY-MM-DD", help="Skip articles last modified before this date."),
    refresh: bool = typer.Option(False, "--refresh", help="Revalidate stored URLs (If-Modified-Since / ETag)."),
    allow_private: bool = typer.Option(False, "--allow-private", help="Follow links into loopback/private addresses."),
    max_seconds: int = typer.Option(None, "--max-seconds", min=1, metavar="SECONDS", help="Stop the crawl after this many seconds (what is stored is kept)."),
    set_: list[str] = typer.Option(None, "--set", metavar="NAME=VALUE", help="A Scrapy or crawl setting, NAME=VALUE (repeatable; VALUE read as JSON when it parses)."),
    contact: str = typer.Option(None, "--contact", metavar="URL", help="URL or mail address for site owners, sent in the User-Agent (default: $CRAWL_CONTACT_URL)."),
    verbose: bool = typer.Option(False, "--verbose", help="Scrapy's log on the terminal too (always in OUT/.crawl/crawl.log)."),
) -> None:
    """Crawl sites politely into WARC files that pipeline extract reads.

    Example: pipeline crawl https://tinhuy.example.vn/ --contact mailto:me@example.org --max-pages 500
    """
    from datetime import date

    try:
        import courlan  # noqa: F401
        import scrapy  # noqa: F401
    except ModuleNotFoundError as exc:  # installed without the [crawl] extra
        typer.echo(f"error: pipeline crawl needs {exc.name}: pip install -e '.[crawl]' (make installs it)", err=True)
        raise typer.Exit(1) from None
    from pipeline.crawl import _coerce, run_crawl

    if not urls and seeds is None:
        _usage_error("give start URLs or --seeds FILE")
    if seeds is not None and not seeds.is_file():
        _usage_error(f"seeds file not found: {seeds}")
    try:
        since_date = date.fromisoformat(since) if since else None
    except ValueError:
        _usage_error(f"--since wants YYYY-MM-DD, got {since!r}")
    overrides = {}
    for item in set_ or []:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            _usage_error(f"--set wants NAME=VALUE, got {item!r}")
        overrides[name.strip()] = _coerce(value)
    if max_seconds is not None:
        overrides["CLOSESPIDER_TIMEOUT"] = max_seconds
    raise typer.Exit(run_crawl(list(urls or []), seeds, out, max_pages, list(allow_domain or []), since_date, refresh,
                               allow_private, overrides=overrides, contact=contact, verbose=verbose))


@app.command()
def query(
    sql: str = typer.Argument(..., metavar="SQL", help="SQL over the views articles, doc_refs, dates, counts, solutions, entities, errors, duplicates, topic_names, data_dictionary; or the name of a saved query (list: pipeline query list)."),
    data: Path = typer.Option(Path(settings.DEFAULT_PROCESSED), "--data", metavar="DIR", help="Dataset folder."),
    fmt: Literal["table", "csv", "json", "parquet"] = typer.Option("table", "--format", help="Output format."),
    output: Path = typer.Option(None, "--output", "-o", metavar="FILE", help="Write here instead of stdout (required for parquet)."),
) -> None:
    """Query the dataset with DuckDB.

    Example: pipeline query "select unit, measure, count(*) from counts group by all" --format csv
    """
    from pipeline.query import run_query

    if not data.is_dir():
        _usage_error(f"dataset folder not found: {data}")
    raise typer.Exit(run_query(sql, data, fmt, output))


@app.command()
def report(
    data: Path = typer.Option(Path(settings.DEFAULT_PROCESSED), "--data", metavar="DIR", help="Dataset folder."),
    output: Path = typer.Option(None, "--output", "-o", metavar="FILE", help="Where to write it (default: DIR/report.html)."),
) -> None:
    """Write a self-contained HTML report of the dataset.

    Example: pipeline report --data data/processed -o reports/report.html
    """
    from pipeline.report import write_report

    if not data.is_dir():
        _usage_error(f"dataset folder not found: {data}")
    if not (data / "articles.parquet").is_file():
        _usage_error(f"{data} is not a dataset (no articles.parquet): make one with pipeline extract PAGES --out {data}")
    path = write_report(data, output or data / "report.html")
    typer.echo(str(path))


@app.command()
def validate(
    data: Path = typer.Argument(Path(settings.DEFAULT_PROCESSED), metavar="DIR", help="Dataset folder."),
) -> None:
    """Check an existing dataset against the schemas and value rules; say what is wrong.

    Example: pipeline validate data/processed
    """
    from pipeline.validate import validate_dataset

    if not data.is_dir():
        _usage_error(f"dataset folder not found: {data}")
    problems = validate_dataset(data)
    for problem in problems:
        typer.echo(problem, err=True)
    typer.echo(f"{len(problems)} problem(s) in {data}", err=True)
    raise typer.Exit(1 if problems else 0)


def _leave(code: int) -> None:
    """Exit with ``code`` after the exit handlers but without the interpreter's teardown,
    which frees the loaded models object by object (about 0.4 s after a run that loaded
    them). Only when no other thread is left to be joined."""
    import atexit
    import threading

    if threading.active_count() > 1 or not hasattr(atexit, "_run_exitfuncs"):
        return
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError, AttributeError):  # a closed pipe: what the interpreter's own exit gives
            code = code or 120
    os._exit(code)


def main() -> None:
    """The ``pipeline`` command: ``app``, with a failed read or write of a path said in
    one line (``error: PATH: REASON``, exit 1), not as a traceback."""
    global _skip_teardown
    _skip_teardown = False
    try:
        app()
    except OSError as exc:
        typer.echo(_os_error(exc), err=True)
        sys.exit(1)
    except SystemExit as exc:
        if exc.code == 130:  # an interrupted run, which has said what it kept: leave at once, so
            sys.stdout.flush()  # the interpreter's shutdown (exit handlers of the worker pool)
            sys.stderr.flush()  # cannot end the process by a signal instead of this status
            os._exit(130)
        if _skip_teardown and isinstance(exc.code, int):
            _leave(exc.code)
        raise


if __name__ == "__main__":  # pragma: no cover
    main()
