"""``extract``: files and folders of pages to the published dataset.

plan (``pipeline.incremental``: which pages are new or changed) → executor
(``pipeline.executors``: the pages through ``pipeline.page`` in this process, in worker
processes or on Dask) → commit (batches under ``.state``, ``pipeline.store``) → publish
(every table of the dataset switched at once) → validate (``pipeline.validate``).
"""
from __future__ import annotations

import itertools
import json
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from pathlib import Path

from pipeline import incremental, page, settings
from pipeline.config import RunConfig
from pipeline.decode import printable
from pipeline.executors import WorkersDying, batches
from pipeline.incremental import InputShrank, NoPages, Plan, check_shrink
from pipeline.page import PageResult, process_page
from pipeline.sources import discover
from pipeline.url_table import UrlTable, read_url_table

__all__ = ["InputShrank", "NoPages", "PageResult", "RunSummary", "WorkersDying", "error_line", "extract",
           "process_page", "report_error"]


@dataclass
class RunSummary:
    pages: int = 0  # pages read from the input (unreadable ones included)
    articles: int = 0  # articles in the published dataset
    errors: int = 0  # error rows in the published dataset
    failed_sources: int = 0  # pages of the input with at least one error row
    processed: int = 0  # pages processed by this run
    skipped: int = 0  # pages unchanged since an earlier run (not processed again)
    duplicates: int = 0  # pages left out: an earlier page of the input gave the same article (same URL or text)
    batches: int = 0  # batches committed by this run
    seconds: float = 0.0
    startup_seconds: float = 0.0  # until the first page's rows came back (workers built)
    publish_seconds: float = 0.0  # writing the canonical tables from the batches
    rows: dict[str, int] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)  # value checks of the written tables
    skipped_line: str = ""  # what the input held that is no page, by reason
    warnings: list[str] = field(default_factory=list)  # damaged state dropped and redone
    written_articles: set[str] = field(default_factory=set, repr=False)  # article_ids processed by this run

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_sources or self.problems else 0

    def line(self) -> str:
        return (
            f"pages read: {self.pages}, articles written: {self.articles}, "
            f"errors: {self.errors}, unchanged: {self.skipped}, seconds: {self.seconds:.1f}"
            + (f", duplicates left out: {self.duplicates}" if self.duplicates else "")
            + (f", {self.skipped_line}" if self.skipped_line else "")
        )


def extract(paths: Iterable[Path | str], out_dir: Path | str, nlp=None,
            on_result: Callable[[PageResult], None] | None = None, urls: UrlTable | Path | str | None = None,
            **options) -> RunSummary:
    """Process ``paths`` into the Parquet tables of ``out_dir``; ``urls`` is a URL table
    (``pipeline.url_table``) of the page files' source URLs; ``options`` are those of
    ``RunConfig`` (``workers``, ``engine``, ``scheduler``, ``batch_pages``, ``force``,
    ``partitioned``, ``validate``, ``allow_shrink``).

    Incremental and crash-safe (``pipeline.incremental``, ``pipeline.store``). The
    published tables hold exactly the rows of the pages of this input, in input order
    (files sorted by path, WARC records in archive order, rows of a page in extraction
    order), so they are the same for 1 or N workers, the local or the Dask engine, a
    full, incremental or resumed run. Pages no longer in the input lose their rows,
    unless the input shrank by more than ``settings.MAX_INPUT_SHRINK`` of the last run's
    pages (``InputShrank``, unless ``allow_shrink``); the pages of a folder that cannot
    be listed keep theirs, and an input with no page at all (``NoPages``) changes
    nothing. The Dask engine also writes the partitioned dataset ``out_dir/dataset/``.
    The written tables are then validated; problems land in ``summary.problems`` and
    make the exit code 1.
    """
    from pipeline.store import PartStore

    config = RunConfig.from_env(**options)
    started = time.perf_counter()
    url_table = read_url_table(urls) if isinstance(urls, (str, Path)) else urls  # UrlTableError before anything is read
    listing = discover(paths)
    if not listing.files:  # before the store is opened: the dataset stays as it is
        raise NoPages(paths, listing)
    out_dir = Path(out_dir)
    store = PartStore(out_dir)
    try:
        summary = RunSummary(skipped_line=listing.skipped_line(), warnings=store.warnings)
        on_skip = (lambda source: on_result(PageResult(source=source))) if on_result else None
        plan = Plan(listing, store, incremental.code_key(), config.force, on_skip, url_table)
        config = replace(config, pipeline_version=plan.key)  # rows name the code that made them
        results = _results(plan, store, config, nlp)
        _commit(results, plan, store, config, summary, on_result, started)
        if url_table is not None and url_table.unused_line():
            summary.warnings.append(url_table.unused_line())
        if not config.allow_shrink:
            check_shrink(out_dir, plan.pages)  # the batches stay committed: a re-run reuses them
        _publish(plan, store, config, summary, started)
        store.save_files(plan.seen_files)  # after the publish: a run that died keeps the old memory
    finally:
        store.close()
    if config.validate:
        summary.problems = _validate(out_dir, summary, plan.key, config)
    return summary


def _results(plan: Plan, store, config: RunConfig, nlp) -> Iterator[PageResult]:
    """The results of the plan's pages, from the executor that suits them."""
    from pipeline.executors.dask import DaskExecutor
    from pipeline.executors.inprocess import InProcess
    from pipeline.executors.pool import Pool, start_fork_server
    from pipeline.store import warm_up

    in_process = InProcess(partial(page.work_batch, config=config, nlp=nlp))
    if plan.nothing_to_process():  # at most unreadable pages: no model, no worker
        return in_process.map(batches(plan.todo(), in_process.task_pages, in_process.task_bytes))
    workers, items = config.workers, plan.todo()
    if config.engine == "local" and workers > 1:
        if not store.unfinished:
            workers, items = _few_pages_stay_here(items, config)
        if workers > 1:
            start_fork_server()  # its models load while this process reads the rest of the input
            warm_up()
    work, args = page.work_batch, (config,)
    if config.engine == "dask":
        executor = DaskExecutor(workers, config.scheduler, work, args, page.worker_died, incremental.code_key,
                                idle=warm_up)
    elif workers > 1 or (store.unfinished and nlp is None):
        # after a run that died, one worker too is a worker process: a page that crashed
        # the last run's interpreter kills that process alone and is one error row
        executor = Pool(workers, work, args, page.worker_died)
    else:
        executor = in_process
    return executor.map(batches(items, executor.task_pages, executor.task_bytes))


def _few_pages_stay_here(items: Iterator, config: RunConfig) -> tuple[int, Iterator]:
    """(workers, items): 1 when the items are fewer than ``min_pages_per_worker`` per
    worker, done sooner here than by workers that each load the models again. The
    look-ahead holds at most ``small_run_max_bytes`` of pages. Not after a run that died:
    if a page crashed it, only a worker process, which can die alone, gets past it."""
    head, size = [], 0
    for item in items:
        head.append(item)
        size += len(getattr(item, "data", b""))
        if len(head) >= config.min_pages_per_worker * config.workers or size > config.small_run_max_bytes:
            return config.workers, itertools.chain(head, items)
    return 1, iter(head)


def _commit(results: Iterator[PageResult], plan: Plan, store, config: RunConfig, summary: RunSummary,
            on_result: Callable | None, started: float) -> None:
    """Every result into batches of ``config.batch_pages`` pages, each committed at once."""
    pages: list[dict] = []
    rows: dict[str, list[dict]] = {}

    def commit() -> None:
        batch = store.commit(pages, rows)
        plan.committed((p["source"] for p in pages), batch)
        summary.batches += 1
        pages.clear()
        rows.clear()

    for result in results:
        if not summary.processed:
            summary.startup_seconds = time.perf_counter() - started
        summary.processed += 1
        summary.written_articles.update(r["article_id"] for r in result.rows.get("articles", ()))
        pages.append(plan.done(result.source, len(result.errors), result.retry))
        for table, table_rows in [*result.rows.items(), ("errors", result.errors)]:
            rows.setdefault(table, []).extend({**r, "_source": result.source, "_row": i} for i, r in enumerate(table_rows))
        if on_result:
            on_result(result)
        if len(pages) >= config.batch_pages:
            commit()
    if pages:
        commit()
    summary.pages, summary.skipped = plan.pages, plan.skipped


def _publish(plan: Plan, store, config: RunConfig, summary: RunSummary, started: float) -> None:
    """The rows of every page of the input, as one new version of the dataset."""
    published = time.perf_counter()
    summary.rows = store.publish(
        plan.published(),
        partitioned=config.writes_partitioned,
        record={"pipeline_version": settings.PIPELINE_VERSION, "code_key": plan.key,
                "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "input_pages": plan.pages},
        config=config,
    )
    store.collect_garbage(plan.live_batches())
    summary.articles = summary.rows.get("articles", 0)
    summary.duplicates = store.duplicates
    summary.errors = summary.rows.get("errors", 0)
    summary.failed_sources = plan.failed_sources()
    summary.seconds = time.perf_counter() - started
    summary.publish_seconds = time.perf_counter() - published


def _validate(out_dir: Path, summary: RunSummary, key: str, config: RunConfig) -> list[str]:
    """``validate_dataset`` after a run, remembered in ``.state/validation.json``.

    A re-run after a clean validation by the same code checks the per-row rules on
    the articles it wrote only (the others passed them then) and every cross-row rule;
    otherwise everything is checked, so problems are reported until they are fixed.
    """
    from pipeline.validate import validate_dataset

    record = out_dir / ".state" / "validation.json"
    previous = None
    try:
        previous = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        pass
    clean_before = isinstance(previous, dict) and previous.get("key") == key and previous.get("problems") == 0
    changed = summary.written_articles if summary.skipped and clean_before else None
    problems = validate_dataset(out_dir, changed=changed, config=config)
    try:
        record.write_text(json.dumps({"key": key, "problems": len(problems)}), encoding="utf-8")
    except OSError:
        pass  # an unwritable state folder only costs the next run a full check
    return problems


def error_line(row: dict) -> str:
    """``error: SOURCE: STAGE: MESSAGE`` on one line, whatever the file name holds."""
    return f"error: {printable(row['source'])}: {row['stage']}: {printable(row['error'])}"


def report_error(row: dict, stream=None) -> None:
    print(error_line(row), file=stream or sys.stderr)
