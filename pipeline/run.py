"""One pure function from a page to rows, and the loop that runs it over a corpus.

``process_page`` turns one ``Page`` into rows for every table (or an error row):
decode → normalise → clean → tokenize once into a Doc → components. ``extract``
runs it over files and folders and writes the dataset: in this process
(``workers=1``), in worker processes (``workers=N``, each builds its nlp once),
or on a Dask cluster (``engine="dask"``), always through ``work_batch``/``pages_rows``,
with at most 4 pages per worker in flight and results committed in batches
(``pipeline.store.PartStore``); re-runs skip unchanged pages and resume killed runs.
"""
from __future__ import annotations

import hashlib
import json
import itertools
import os
import re
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import settings
from pipeline.decode import DecodeError, decode, normalize, printable, writable
from pipeline.schema import EXTRACTION_TABLES
from pipeline.sources import Page, PageError, discover, iter_pages, pages_of, source_name


class StageError(Exception):
    def __init__(self, stage: str, message: str):
        super().__init__(message)
        self.stage = stage
        self.message = message


class PageTimeout(BaseException):
    """Raised in a page's thread when it overruns ``settings.PAGE_SECONDS``: a
    BaseException, so that the stages' ``except Exception`` do not swallow it."""


_STAGE = ["decode"]  # the stage of the page in hand, named by its timeout's error row


@dataclass
class PageResult:
    source: str
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table -> rows
    errors: list[dict] = field(default_factory=list)  # rows of the errors table
    retry: bool = False  # a failure of the machine, not of the page: process it again next run

    @property
    def ok(self) -> bool:
        return not self.errors


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id_for(url: str | None, text: str) -> str:
    """Stable id: a hash of the URL, else of the normalised content."""
    key = url.strip() if url else "text:" + re.sub(r"\s+", " ", text).strip()
    return _hash(key)[:16]


def site_of(url: str | None, fallback: str | None = None) -> str | None:
    if url:
        host = urlsplit(url).hostname
        if host:
            return host.removeprefix("www.")
    return fallback


def error_row(source: str, stage: str, message: str, now: datetime | None = None) -> dict:
    return {
        # an error may quote what broke (an undecodable name, a stray code point); the row
        # is not schema-checked before the commit, which it must not fail
        "source": writable(source),
        "stage": stage,
        "error": writable(message),
        "pipeline_version": settings.PIPELINE_VERSION,
        "processed_at": now or datetime.now(timezone.utc),
    }


def _run_components(nlp, text: str, meta: dict, errors: list[str]):
    """Tokenize once, then every component; a failing component is reported, not fatal."""
    _STAGE[0] = "tokenize"
    try:
        doc = nlp.make_doc(text)
    except Exception as exc:  # noqa: BLE001
        raise StageError("tokenize", f"{type(exc).__name__}: {exc}") from exc
    doc._.meta = meta
    _STAGE[0] = "extract"
    for name, proc in nlp.pipeline:
        try:
            doc = proc(doc)
        except Exception as exc:  # noqa: BLE001 - one component, one error row
            doc._.rows[name] = []
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
    return doc


def process_page(page: Page, nlp, now: datetime | None = None) -> PageResult:
    """Every row one page yields; never raises for bad input."""
    # here, not at the top: a run's own process that only feeds workers, or drives a Dask
    # cluster, never imports trafilatura and lxml (0.2 s)
    from pipeline.clean import clean_page
    from pipeline.nlp import tokenized_text, word_count

    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    result = PageResult(source=page.source)
    _STAGE[0] = "decode"
    try:
        try:
            raw_text, _charset = decode(page.data, page.charset, html=page.kind == "html")
        except DecodeError as exc:
            raise StageError("decode", str(exc)) from exc
        text = normalize(raw_text)
        _STAGE[0] = "clean"
        try:
            cleaned = clean_page(text, page.kind, page.url)
        except Exception as exc:  # noqa: BLE001
            raise StageError("clean", f"{type(exc).__name__}: {exc}") from exc
        if len(cleaned.text) < settings.MIN_TEXT_CHARS:
            raise StageError(
                "clean",
                f"no main text ({len(cleaned.text)} characters left after boilerplate removal)",
            )
        article_id = article_id_for(page.url, cleaned.text)
        url = page.url or cleaned.url  # a saved page names its own address (og:url, canonical)
        meta = {
            "article_id": article_id,
            "published_date": cleaned.published_date,
            "title": cleaned.title,
            "url": url,
            "site": site_of(page.url, cleaned.site),
        }
        component_errors: list[str] = []
        doc = _run_components(nlp, cleaned.text, meta, component_errors)
    except StageError as exc:
        result.errors.append(error_row(page.source, exc.stage, exc.message, now))
        return result

    for message in component_errors:
        result.errors.append(error_row(page.source, "extract", message, now))
    cls = doc._.classification or {}
    result.rows["articles"] = [
        {
            "article_id": article_id,
            "source": page.source,
            "url": url,
            "site": meta["site"],
            "title": cleaned.title,
            "published_date": cleaned.published_date,
            "author": cleaned.author,
            "views": cleaned.views,
            "text": cleaned.text,
            "text_tokenized": tokenized_text(doc),
            "n_sentences": sum(1 for _ in doc.sents),
            "n_words": word_count(doc),
            "content_hash": hashlib.sha256(page.data).hexdigest(),
            "fetched_at": page.fetched_at,
            **{k: cls.get(k) for k in ("topic", "topics", "topic_scores", "genre", "is_party_building", "topic_evidence")},
            **{k: doc._.meta.get(k) for k in ("province", "province_current", "province_evidence")},
            "pipeline_version": settings.PIPELINE_VERSION,
            "processed_at": now,
        }
    ]
    n_rows = sum(len(doc._.rows.get(table, ())) for table in EXTRACTION_TABLES)
    if n_rows > settings.MAX_ROWS_PER_PAGE:
        message = f"{n_rows} extracted rows, over the limit of {settings.MAX_ROWS_PER_PAGE} a page (settings.MAX_ROWS_PER_PAGE)"
        return PageResult(source=page.source, errors=[error_row(page.source, "extract", message, now)])
    for table in EXTRACTION_TABLES:
        result.rows[table] = [{"article_id": article_id, **row} for row in doc._.rows.get(table, [])]
    return result


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


def iter_results(paths: Iterable[Path | str], nlp) -> Iterator[PageResult]:
    for item in iter_pages(paths):
        yield page_rows(item, nlp)


def page_rows(item: Page | PageError, nlp, now: datetime | None = None, limit: TimeLimit | None = None) -> PageResult:
    """``process_page``, plus the schema check every engine applies before rows are kept.

    A page whose rows do not fit the schemas keeps none of them and gets one
    ``write`` error row instead; an unreadable page is its one error row.
    """
    return pages_rows([item], nlp, now, limit)[0]


def pages_rows(
    items: list[Page | PageError], nlp, now: datetime | None = None, limit: TimeLimit | None = None
) -> list[PageResult]:
    """``page_rows`` of a few pages, whose rows are checked against the schemas together.

    The check converts rows to Arrow tables, whose cost is mostly per call: table by
    table for 8 pages at once it costs a quarter to a third of 8 checks of one page
    (measured: 0.85-1.2 ms a page checked alone, 0.2-0.4 ms by 8, of a 25-33 ms page).
    Only when some rows do not fit are the pages checked one by one, to find which
    ones; the result is the same as checking each page alone. ``limit`` is the time
    limit of each page, by default ``time_limit()`` of this process.
    """
    limit = limit or time_limit()
    results = []
    for item in items:
        if isinstance(item, PageError):
            results.append(PageResult(source=item.source, errors=[error_row(item.source, item.stage, item.error, now)]))
        else:
            results.append(_time_limited(item, nlp, now, limit))
    checked = [r for r in results if r.rows.get("articles")]
    if len(checked) > 1 and _schema_problem(checked) is None:
        return results
    for result in checked:
        problem = _schema_problem([result])
        if problem is not None:
            result.rows = {}
            result.errors.append(error_row(result.source, "write", f"rows do not fit the schema: {problem}", now))
    return results


@dataclass(frozen=True)
class TimeLimit:
    """How long a page may take (``seconds``; 0 for no limit), and how long after that a
    page still in hand takes its worker process down (``grace``). The run's process reads
    them (``time_limit``) and sends them with each task, so workers started before, with
    another environment (the fork server, a standing Dask cluster), apply the run's."""

    seconds: float = settings.PAGE_SECONDS
    grace: float = settings.PAGE_GRACE_SECONDS


def time_limit() -> TimeLimit:
    """``settings.PAGE_SECONDS`` and ``PAGE_GRACE_SECONDS``, or the environment variables
    PIPELINE_PAGE_SECONDS and PIPELINE_PAGE_GRACE_SECONDS."""
    return TimeLimit(
        settings.from_env("PIPELINE_PAGE_SECONDS", settings.PAGE_SECONDS),
        settings.from_env("PIPELINE_PAGE_GRACE_SECONDS", settings.PAGE_GRACE_SECONDS),
    )


def _timed_out(page: Page, limit: float, now: datetime | None) -> PageResult:
    message = f"stopped after {limit:g} s (settings.PAGE_SECONDS); a page normally takes well under a second"
    return PageResult(source=page.source, errors=[error_row(page.source, _STAGE[0], message, now)])


def _time_limited(page: Page, nlp, now: datetime | None, limits: TimeLimit) -> PageResult:
    """``process_page``, stopped after ``limits.seconds``: a page that would hang a run of
    thousands (a pathological regex backtrack, a loop on odd input) is one error row
    naming the stage it was in. In the main thread the limit is a SIGALRM; in another
    thread (a Dask worker's) see ``_thread_time_limited``. In a worker process, a page
    still in hand ``limits.grace`` after the limit takes the process down
    (``_exit_if_stuck``)."""
    limit = limits.seconds
    if limit <= 0:
        return process_page(page, nlp, now)
    with _exit_if_stuck(limit + limits.grace):
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return _thread_time_limited(page, nlp, now, limit)
        return _alarm_time_limited(page, nlp, now, limit)


def _alarm_time_limited(page: Page, nlp, now: datetime | None, limit: float) -> PageResult:
    """``process_page`` in the main thread, stopped by a SIGALRM: its handler runs in
    Python code and in C code that checks for signals (``re`` does)."""
    armed = [True]

    def on_alarm(_signum, _frame) -> None:
        if armed[0]:
            raise PageTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    pending, _interval = signal.setitimer(signal.ITIMER_REAL, limit)  # a caller's own timer, if any
    started = time.monotonic()
    try:
        return process_page(page, nlp, now)
    except PageTimeout:
        return _timed_out(page, limit, now)
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if pending:  # the caller's timer goes on, less the page's time (at once if it is due)
            signal.setitimer(signal.ITIMER_REAL, max(pending - (time.monotonic() - started), 1e-6), _interval)


def _thread_time_limited(page: Page, nlp, now: datetime | None, limit: float) -> PageResult:
    """``process_page`` in a thread other than the main one, which no signal interrupts.

    A watchdog raises PageTimeout in the page's thread at the limit, as SIGALRM does in
    the main thread. Python code meets it at once; C code only when it returns to
    Python, and C code that holds the GIL (a regex backtracking) keeps the watchdog
    itself from running: ``_exit_if_stuck`` is what ends such a page in a worker.
    """
    import ctypes

    tid = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"running": True, "fired": False}

    def overrun() -> None:
        with lock:
            if state["running"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(tid, ctypes.py_object(PageTimeout))

    watchdog = threading.Timer(limit, overrun)
    watchdog.daemon = True
    watchdog.start()
    try:
        try:
            return process_page(page, nlp, now)
        finally:
            with lock:
                state["running"] = False
                if state["fired"]:  # raised already, or pending: clear it so it cannot reach the caller
                    ctypes.pythonapi.PyThreadState_SetAsyncExc(tid, None)
            watchdog.cancel()
    except PageTimeout:
        return _timed_out(page, limit, now)


# Pages in hand in this process that take it down if still running at their deadline
# (``_exit_if_stuck``): thread id -> deadline, on time.monotonic().
_STUCK_DEADLINES: dict[int, float] = {}
_STUCK_LOCK = threading.Lock()
_IN_WORKER_PROCESS = False  # set by _worker_init in local worker processes


class _exit_if_stuck:
    """In a worker process (a local pool's, or a Dask worker's that its nanny started), exit
    if the page is still in hand ``seconds`` from now; elsewhere (this run's own process, a
    caller's thread), nothing.

    A page past its time limit and its grace is stuck in C code that neither SIGALRM's
    handler nor an exception raised in its thread reaches, and which may hold the GIL so
    that no Python thread runs. ``faulthandler``'s watchdog is a C thread that needs no
    GIL: it writes every thread's traceback to stderr and exits the process (status 1).
    The run sees the worker die: the page is retried alone, dies again and becomes one
    error row, stage ``worker``; a Dask worker's nanny starts another worker. The
    watchdog is one per process, so it is armed for the earliest deadline of the pages
    in hand (a Dask worker may run several threads).
    """

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = False

    def __enter__(self):
        if _IN_WORKER_PROCESS or (_in_dask_worker() and _started_by_a_nanny()):
            with _STUCK_LOCK:
                _STUCK_DEADLINES[threading.get_ident()] = time.monotonic() + self.seconds
                _arm_stuck_watchdog()
            self.armed = True
        return self

    def __exit__(self, *exc) -> None:
        if self.armed:
            with _STUCK_LOCK:
                _STUCK_DEADLINES.pop(threading.get_ident(), None)
                _arm_stuck_watchdog()


def _arm_stuck_watchdog() -> None:
    """Arm faulthandler's watchdog for the earliest deadline in ``_STUCK_DEADLINES``, or
    cancel it when there is none. Without a stderr that has a file descriptor to write
    the tracebacks to, faulthandler refuses: the process then waits for the page."""
    import faulthandler

    if not _STUCK_DEADLINES:
        faulthandler.cancel_dump_traceback_later()
        return
    seconds = max(min(_STUCK_DEADLINES.values()) - time.monotonic(), 0.001)
    try:
        faulthandler.dump_traceback_later(seconds, exit=True, file=sys.__stderr__)
    except (AttributeError, OSError, ValueError, RuntimeError, TypeError):
        pass


def _started_by_a_nanny() -> bool:
    """Is this process a child process, as a Dask nanny starts its worker? A worker in the
    driver's own process (``LocalCluster(processes=False)``) or without a nanny has none to
    start it again: it is not taken down."""
    import multiprocessing

    return multiprocessing.parent_process() is not None


def _in_dask_worker() -> bool:
    """Is this thread running a task of a Dask worker?"""
    distributed = sys.modules.get("distributed")
    if distributed is None:
        return False
    try:
        distributed.get_worker()
    except ValueError:
        return False
    return True


def _schema_problem(results: list[PageResult]) -> str | None:
    """What does not fit the table schemas in the rows of ``results``, or None."""
    from pipeline.store import SchemaError, to_table

    tables = dict.fromkeys(t for r in results for t in r.rows)  # in the order of the rows
    try:
        for table in tables:
            to_table(table, [row for r in results for row in r.rows.get(table, ())])
    except SchemaError as exc:
        return str(exc)
    return None


# -- executors: the same page_rows in this process, in worker processes, on Dask --

_NLP = None

# With fewer pages to process than this per worker, a local run stays in this process.
# Measured on 2 cores: a re-run with 20 changed pages (of 2,020) took 2.2-2.3 s in this
# process and 2.8 s with 2 workers (the fork server loads the models ~0.6 s slower than
# this process, which has the pipeline imported already); with 100 changed pages (of
# 10,100) 4.8 s in this process and 4.4-4.5 s with workers. The look-ahead holds at most
# SMALL_RUN_MAX_BYTES of pages. The environment variable PIPELINE_MIN_PAGES_PER_WORKER
# overrides it (tests: 1).
SMALL_RUN_PAGES_PER_WORKER = 25
SMALL_RUN_MAX_BYTES = 64 * 1024 * 1024


def _worker_nlp():
    """The nlp of this worker process, built once on its first page."""
    global _NLP
    if _NLP is None:
        from pipeline.nlp import build_nlp

        _NLP = build_nlp()
    return _NLP


def work_batch(items: list[Page | PageError], limit: TimeLimit | None = None) -> list[PageResult]:
    """A task of a worker process or a Dask worker: a few pages at once (one task per
    page spends more in the executor than in the page, and their rows are checked
    together), each within the run's time ``limit``."""
    return pages_rows(items, _worker_nlp() if any(isinstance(i, Page) for i in items) else None, limit=limit)


LOCAL_TASK_PAGES = 8  # pages per task of a local worker process
LOCAL_TASK_BYTES = 2 * 1024 * 1024  # ... or fewer, to keep a task's input this small
DASK_TASK_PAGES = 8  # pages per Dask task
DASK_TASK_BYTES = 4 * 1024 * 1024  # ... or fewer, to keep a task's input this small


def _worker_init(run_pid: int) -> None:
    """Worker initializer: ignore Ctrl-C, and exit when the run that started this worker
    is gone (a killed ``pipeline extract`` must not leave its workers behind).

    Ctrl-C reaches the whole process group; the run stops its workers itself (a worker
    would otherwise print its own KeyboardInterrupt traceback). The run is watched by
    its pid, not as the parent: a worker's parent is the fork server, which itself lives
    as long as any worker does.
    """
    global _IN_WORKER_PROCESS
    _IN_WORKER_PROCESS = True
    signal.signal(signal.SIGINT, signal.SIG_IGN)

    def watch() -> None:
        while _alive(run_pid):
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, daemon=True, name="watch-run").start()


def _alive(pid: int) -> bool:
    """The process exists and is not a zombie (a killed run its parent has not reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[-1].split()[0] != "Z"
    except (OSError, IndexError):
        return True  # no /proc: existing is alive


def start_fork_server():
    """The multiprocessing context of local workers, its fork server started (not waited for).

    The server imports the pipeline and loads the models (``pipeline.worker_preload``,
    a second or so) while this process goes on; ``extract`` calls this first thing, so
    that the loading overlaps reading the input and its state. The server lives as long
    as this process; a later run of this process reuses it.

    The server starts with Ctrl-C ignored (an ignored signal stays ignored across the
    exec that starts it), and so do the workers it forks: Ctrl-C reaches the whole
    process group, and the run stops its workers itself, where a server still importing
    would print a KeyboardInterrupt traceback of its own.
    """
    import multiprocessing
    from multiprocessing import forkserver

    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["pipeline.worker_preload"])
    try:
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    except ValueError:  # not the main thread: the server keeps Ctrl-C
        previous = None
    try:
        forkserver.ensure_running()
    finally:
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    return ctx


def _submit(pool, items: list, limit: TimeLimit):
    """``pool.submit(work_batch, items, limit)``, whose pool may break meanwhile.

    A worker's death marks the pool broken from the pool's own thread, which also closes
    the reading end of its task queue; a submit racing with it can get past the check for
    a broken pool and start a worker to replace one, whose task queue then cannot be
    handed over: OSError "handle is closed" (Python 3.11). That is a broken pool too.
    """
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(work_batch, items, limit)
    except OSError as exc:
        if getattr(pool, "_broken", False):
            raise BrokenProcessPool(str(pool._broken)) from exc
        raise


def _local_results(items: Iterator, workers: int, max_in_flight: int) -> Iterator[PageResult]:
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
    from concurrent.futures.process import BrokenProcessPool

    # Workers are forked from a fork server that has imported the pipeline and loaded
    # its models once (``pipeline.worker_preload``): they start with the models, and
    # share their memory pages until written. (Measured on 2 cores, 2,000 pages: 25.5 s
    # with freshly spawned workers, 21.7 s forked from the server.)
    ctx = start_fork_server()
    limit = time_limit()

    def new_pool(n: int) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=n, mp_context=ctx, initializer=_worker_init, initargs=(os.getpid(),))

    pool = new_pool(workers)
    pending: dict = {}  # future -> the items of its task
    orphans: list = []  # items of the tasks lost when a worker process died

    def harvest(done) -> Iterator[PageResult]:
        for fut in done:
            chunk = pending.pop(fut)
            try:
                results = fut.result()
            except BrokenProcessPool:  # a worker died: every task in flight is lost with it
                orphans.extend(chunk)
                continue
            yield from results

    def settle() -> Iterator[PageResult]:
        """The results of the next task(s) done; after a worker died, the pages lost with
        it again, each alone, and a new pool for the rest of the run."""
        nonlocal pool
        if pending:
            yield from harvest(wait(pending, return_when=FIRST_COMPLETED)[0])
        if orphans:
            yield from harvest(wait(pending)[0])  # the other tasks in flight failed with the pool
            pool.shutdown(wait=True, cancel_futures=True)
            lost = orphans[:]
            orphans.clear()
            yield from _one_by_one(lost, new_pool, limit)
            pool = new_pool(workers)

    try:
        # a task is a few pages: per task, the pool's queues, threads and futures cost
        # this process about a millisecond, which two busy workers feel on two cores
        for chunk in _chunks(items, LOCAL_TASK_PAGES, LOCAL_TASK_BYTES):
            try:
                pending[_submit(pool, chunk, limit)] = chunk
            except BrokenProcessPool:  # a worker died since the last results came in
                orphans.extend(chunk)
            while len(pending) >= max_in_flight or orphans:
                yield from settle()
        while pending:
            yield from settle()
    except BaseException:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    # every result is in: the workers wind down (interpreter exit with the models
    # loaded, ~0.5 s) while this process publishes; the pool joins them on its own
    pool.shutdown(wait=False)


WORKER_DIED = (
    "the worker process died while processing this page (a crash in native code, stuck in "
    "native code past the time limit, or killed, e.g. for memory), again when it was retried "
    "alone; the next run tries it again"
)
# Worker processes dying on this many pages in a row, each alone, is the machine (memory,
# a broken install), not the pages: the run stops instead of failing every page.
WORKER_DEATHS_IN_A_ROW = 5


class NoPages(RuntimeError):
    """The input holds no page at all: nothing is processed, published or deleted."""

    def __init__(self, paths, listing):
        where = ", ".join(printable(os.fspath(p)) for p in paths)
        found = [f"{len(listing.errors)} unreadable" if listing.errors else "", listing.skipped_line()]
        super().__init__(f"no pages in {where}" + (f" ({'; '.join(x for x in found if x)})" if any(found) else "")
                         + "; the dataset is left as it was")
        self.errors = listing.errors


class InputShrank(RuntimeError):
    """The input has far fewer pages than the last run's: refused unless allowed."""

    def __init__(self, before: int, now: int):
        super().__init__(
            f"the input has {now} pages, the last run had {before}: publishing would delete the rows of "
            f"{before - now} pages; nothing published (give --allow-shrink if the pages were removed on purpose)"
        )


class WorkersDying(RuntimeError):
    """Worker processes die on every page: stop the run (committed pages are kept)."""


def _each_alone(items: list, run_alone: Callable, died: type[BaseException], workers: str, hint: str) -> Iterator[PageResult]:
    """The results of ``items`` processed each alone by ``run_alone(item)``, which raises
    ``died`` when the worker died on it. Such a page is one error row (stage ``worker``),
    committed to be tried again by the next run, since what killed the worker (the OOM
    killer, say) may not be the page. Deaths on WORKER_DEATHS_IN_A_ROW pages in a row
    stop the run with WorkersDying."""
    deaths = 0
    for item in items:
        try:
            results = run_alone(item)
            deaths = 0
        except died:
            deaths += 1
            if deaths >= WORKER_DEATHS_IN_A_ROW:
                raise WorkersDying(
                    f"{workers} died on {deaths} pages in a row, each processed alone: "
                    f"the machine, not the pages ({hint})"
                ) from None
            results = [PageResult(source=item.source, errors=[error_row(item.source, "worker", WORKER_DIED)], retry=True)]
        yield from results


def _one_by_one(items: list, new_pool, limit: TimeLimit) -> Iterator[PageResult]:
    """``items`` of tasks lost with a dead worker, each alone in a one-worker pool: the
    pages that did nothing wrong give their rows, a page that kills its worker again is
    one error row, and the run goes on (``_each_alone``)."""
    from concurrent.futures.process import BrokenProcessPool

    pool = new_pool(1)

    def run_alone(item) -> list[PageResult]:
        nonlocal pool
        try:
            return _submit(pool, [item], limit).result()
        except BrokenProcessPool:
            pool.shutdown(wait=True)
            pool = new_pool(1)
            raise

    try:
        yield from _each_alone(items, run_alone, BrokenProcessPool, "worker processes", "out of memory? see the kernel log, dmesg")
    finally:
        pool.shutdown(wait=True)


def _in_process_results(items: Iterator, nlp=None) -> Iterator[PageResult]:
    """The pages in this process, a few at a time as a worker takes them; the models
    are loaded at the first page (a run with nothing to process never loads them)."""
    limit = time_limit()
    for chunk in _chunks(items, LOCAL_TASK_PAGES, LOCAL_TASK_BYTES):
        if nlp is None and any(isinstance(item, Page) for item in chunk):
            nlp = _worker_nlp()
        yield from pages_rows(chunk, nlp, limit=limit)


def dask_client(scheduler: str | None, workers: int):
    """A client of ``scheduler``, else of a LocalCluster of ``workers`` processes on loopback."""
    from distributed import Client, LocalCluster

    if scheduler:
        return Client(scheduler), None
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    )
    client = Client(cluster)
    # our own workers share the terminal's process group: Ctrl-C is the run's to handle
    # (a remote cluster's workers keep theirs, to be stopped where they were started)
    from pipeline.dask_workers import IgnoreCtrlC

    client.register_plugin(IgnoreCtrlC())
    return client, cluster


def _chunks(items: Iterator, pages: int, max_bytes: int) -> Iterator[list]:
    """Consecutive runs of at most ``pages`` items and about ``max_bytes`` of page data."""
    chunk, size = [], 0
    for item in items:
        chunk.append(item)
        size += len(getattr(item, "data", b""))
        if len(chunk) >= pages or size >= max_bytes:
            yield chunk
            chunk, size = [], 0
    if chunk:
        yield chunk


def _dask_results(items: Iterator, workers: int, scheduler: str | None, max_in_flight: int) -> Iterator[PageResult]:
    from distributed import KilledWorker, as_completed

    from pipeline.store import warm_up

    client, cluster = dask_client(scheduler, workers)
    limit = time_limit()
    try:
        # the driver keys the committed pages by its code: the workers must run the same
        driver = code_key()
        other = {w: k for w, k in client.run(code_key).items() if k != driver}
        if other:
            raise RuntimeError(f"Dask workers run other pipeline code than this driver ({driver}): {other}")
        futures = as_completed()
        tasks: dict[str, list] = {}  # future key -> the items of its task
        suspects: list = []  # pages alone in a task the scheduler gave up on

        def submit(chunk: list) -> None:
            fut = client.submit(work_batch, chunk, limit, pure=False)
            tasks[fut.key] = chunk
            futures.add(fut)

        def settle(fut) -> list[PageResult]:
            """A task's results. A task whose worker died on it as many times as the
            scheduler allows (``distributed.scheduler.allowed-failures``) is a KilledWorker:
            its pages go again one per task; a page alone in such a task is a suspect
            (a worker's death also counts against the tasks queued beside it)."""
            chunk = tasks.pop(fut.key)
            try:
                return fut.result()
            except KilledWorker:
                if len(chunk) > 1:
                    for item in chunk:
                        submit([item])
                else:
                    suspects.append(chunk[0])
                return []

        warm = [False]

        def idle() -> None:
            """This process is about to wait for the workers: the first time, it makes
            pyarrow's first conversion meanwhile (after submitting, so no worker waits)."""
            if not warm[0]:
                warm_up()
                warm[0] = True

        for chunk in _chunks(items, DASK_TASK_PAGES, DASK_TASK_BYTES):
            submit(chunk)
            while len(tasks) >= max_in_flight:
                idle()
                yield from settle(next(futures))
        if tasks:
            idle()
        for fut in futures:  # as_completed also yields the futures added while iterating
            yield from settle(fut)
        # each suspect again, alone on the cluster: only a page that kills its worker
        # then is an error row
        yield from _each_alone(
            suspects, lambda item: client.submit(work_batch, [item], limit, pure=False).result(), KilledWorker,
            "Dask workers", "out of memory? see the workers' logs",
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def code_key() -> str:
    """What a page's rows depend on besides its bytes: pipeline version + code digest.

    The digest covers every code and data file of the package (patterns, tables,
    the classifier model), so an incremental run after any change to them
    recomputes every page; ``settings.PIPELINE_VERSION`` names the release.
    The environment variable ``PIPELINE_CODE_KEY`` replaces the digest (to pin
    it, e.g. in tests while the code is being edited).
    """
    pinned = os.environ.get("PIPELINE_CODE_KEY")
    if pinned:
        return f"{settings.PIPELINE_VERSION}+{pinned}"
    return _code_digest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".tmp"):
            continue
        if path.name == "bench.py":
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{settings.PIPELINE_VERSION}+{digest.hexdigest()[:16]}"


def extract(
    paths: Iterable[Path | str],
    out_dir: Path | str,
    nlp=None,
    on_result: Callable[[PageResult], None] | None = None,
    batch_pages: int = 200,
    workers: int = 1,
    engine: str = "local",
    scheduler: str | None = None,
    force: bool = False,
    partitioned: bool | None = None,
    validate: bool = True,
    allow_shrink: bool = False,
) -> RunSummary:
    """Process ``paths`` into the Parquet tables of ``out_dir``.

    The written tables are then checked by ``pipeline.validate`` (offsets inside
    the text, dates in range, counts non-negative, keys); problems land in
    ``summary.problems`` and make the exit code 1.

    Incremental and crash-safe: pages are processed in batches committed to
    ``out_dir/.state`` (see ``pipeline.store``); a page whose source, content
    hash and ``code_key()`` are already committed is not processed again, and a
    file whose signature (size, mtime, inode, ctime) is the one the last run
    recorded is not even read (``force`` reads and recomputes all). The
    published tables hold exactly the rows of the pages of this input, in input order (the order of ``iter_pages``: files
    sorted by path, WARC records in archive order, rows of a page in extraction
    order), so they are the same for 1 or N workers, the local or the Dask
    engine, a full, incremental or resumed run. Pages no longer in the input
    lose their rows, unless the input shrank by more than
    ``settings.MAX_INPUT_SHRINK`` of the last run's pages (``InputShrank``, unless
    ``allow_shrink``); the pages of a folder that cannot be listed keep theirs, and an
    input with no page at all (``NoPages``) changes nothing. ``engine="dask"`` runs ``work`` on a Dask cluster
    (``scheduler`` address, else a LocalCluster of ``workers`` processes) and
    also writes the partitioned dataset ``out_dir/dataset/<table>/``.
    """
    from pipeline.store import PartStore, file_signature, warm_up

    if engine not in ("local", "dask"):
        raise ValueError(f"engine must be 'local' or 'dask', not {engine!r}")
    started = time.perf_counter()
    listing = discover(paths)
    if not listing.files:  # before the store is opened: the dataset stays as it is
        raise NoPages(paths, listing)
    workers = max(1, int(workers or 1))
    if engine == "local" and workers > 1:
        start_fork_server()
        warm_up()  # while the server loads the models
    store = PartStore(Path(out_dir))
    index = {} if force else store.index()
    key = code_key()
    summary = RunSummary(skipped_line=listing.skipped_line(), warnings=store.warnings)
    live: dict[str, list] = {}  # source -> [input order, batch, n_errors]
    hashes: dict[str, str | None] = {}  # content hash of pages in flight

    known_files = {} if force else store.files()
    seen_files: dict[str, tuple[list[int], list[str]]] = {}  # what files.json will hold

    def skip(source: str, prev: tuple) -> None:
        live[source] = [summary.pages, prev[2], prev[3]]
        summary.skipped += 1
        if on_result:
            on_result(PageResult(source=source))

    def unchanged(path: Path, sig: list[int]) -> list[str] | None:
        """The sources of a file the last run saw with this signature, all committed by this code."""
        known = known_files.get(source_name(path))
        if known is None or known[0] != sig:
            return None
        sources = known[1]
        if any(s in live or s not in index or index[s][1] != key or index[s][0] is None for s in sources):
            return None
        return sources

    def keep_under(folder: str) -> None:
        """The pages of a folder that could not be listed keep their committed rows."""
        prefix = folder.rstrip(os.sep) + os.sep
        for source, prev in index.items():
            if source.startswith(prefix) and source not in live and prev[0] is not None:
                summary.pages += 1
                skip(source, prev)
        seen_files.update((f, v) for f, v in known_files.items() if f.startswith(prefix))

    def todo() -> Iterator[Page | PageError]:
        yield from errors_first(listing.errors)
        for error in listing.errors:
            if error.folder:
                keep_under(error.source)
        for path in listing.files:
            try:
                sig = file_signature(path)
            except OSError:
                sig = None
            sources = unchanged(path, sig) if sig is not None else None
            if sources is not None:  # not read: every page of it is committed as it is
                for source in sources:
                    summary.pages += 1
                    skip(source, index[source])
                seen_files[source_name(path)] = (sig, sources)
                continue
            mine: list[str] | None = []
            for item in pages_of(path):
                if isinstance(item, PageError):
                    mine = None  # read again next time
                elif mine is not None:
                    mine.append(item.source)
                if item.source in live:
                    continue  # the same page named twice in the input
                summary.pages += 1
                chash = hashlib.sha256(item.data).hexdigest() if isinstance(item, Page) else None
                prev = index.get(item.source)
                if chash is not None and prev is not None and prev[0] == chash and prev[1] == key:
                    skip(item.source, prev)
                    continue
                live[item.source] = [summary.pages, None, 0]
                hashes[item.source] = chash
                yield item
            if sig is not None and mine is not None:
                seen_files[source_name(path)] = (sig, mine)

    def errors_first(errors: list[PageError]) -> Iterator[PageError]:
        for item in errors:
            if item.source in live:
                continue
            summary.pages += 1
            live[item.source] = [summary.pages, None, 0]
            hashes[item.source] = None
            yield item

    try:
        shrink = None if allow_shrink else _previous_pages(Path(out_dir))
        summary = _run(store, todo(), summary, live, hashes, key, started, on_result, nlp, batch_pages, workers, engine, scheduler, partitioned, shrink)
        store.save_files(seen_files)  # after the publish: a run that died keeps the old memory
    finally:
        store.close()
    if validate:
        summary.problems = _validate(Path(out_dir), summary, key)
    return summary


def _validate(out_dir: Path, summary: RunSummary, key: str) -> list[str]:
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
    problems = validate_dataset(out_dir, changed=changed)
    try:
        record.write_text(json.dumps({"key": key, "problems": len(problems)}), encoding="utf-8")
    except OSError:
        pass  # an unwritable state folder only costs the next run a full check
    return problems


def _previous_pages(out_dir: Path) -> int | None:
    """The input pages of the last published run (``dataset.json``), when known."""
    from pipeline.store import DATASET_FILE

    try:
        return int(json.loads((out_dir / DATASET_FILE).read_text(encoding="utf-8"))["input_pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _check_shrink(previous: int | None, pages: int) -> None:
    if previous and pages < previous * (1 - settings.MAX_INPUT_SHRINK):
        raise InputShrank(previous, pages)


def _run(store, items, summary, live, hashes, key, started, on_result, nlp, batch_pages, workers, engine, scheduler, partitioned, previous_pages=None) -> RunSummary:
    """The body of ``extract``: process ``items`` in committed batches, then publish."""
    if engine == "local" and workers > 1 and not store.unfinished:
        # a few changed pages are done sooner here than by starting worker processes,
        # which each load the models again (a few seconds): look ahead, bounded in bytes.
        # Not after a run that died: if a page crashed it (native code, memory), only a
        # worker process, which can die alone, gets past that page (``_one_by_one``).
        head, size = [], 0
        per_worker = int(settings.from_env("PIPELINE_MIN_PAGES_PER_WORKER", SMALL_RUN_PAGES_PER_WORKER))
        for item in items:
            head.append(item)
            size += len(getattr(item, "data", b""))
            if len(head) >= per_worker * workers or size > SMALL_RUN_MAX_BYTES:
                break
        else:
            workers = 1
        items = itertools.chain(head, items)
    if engine == "dask":
        results = _dask_results(items, workers, scheduler, max_in_flight=4 * workers)
    elif workers > 1 or (store.unfinished and nlp is None):
        # after a run that died, one worker too is a worker process: a page that crashed
        # the last run's interpreter kills that process alone and is one error row
        results = _local_results(items, workers, max_in_flight=4 * workers)
    else:
        results = _in_process_results(items, nlp)

    batch_pages = max(1, batch_pages)
    pages: list[dict] = []
    rows: dict[str, list[dict]] = {}

    def commit() -> None:
        batch = store.commit(pages, rows)
        for page in pages:
            live[page["source"]][1] = batch
        summary.batches += 1
        pages.clear()
        rows.clear()

    for result in results:
        if not summary.processed:
            summary.startup_seconds = time.perf_counter() - started
        summary.processed += 1
        src = result.source
        summary.written_articles.update(r["article_id"] for r in result.rows.get("articles", ()))
        n_errors = len(result.errors)
        live[src][2] = n_errors
        chash = hashes.pop(src, None)
        # no hash: the next run processes the page again (as it reads an unreadable one again)
        pages.append({"source": src, "content_hash": None if result.retry else chash, "key": key, "n_errors": n_errors})
        for table, table_rows in [*result.rows.items(), ("errors", result.errors)]:
            rows.setdefault(table, []).extend({**r, "_source": src, "_row": i} for i, r in enumerate(table_rows))
        if on_result:
            on_result(result)
        if len(pages) >= batch_pages:
            commit()
    if pages:
        commit()

    _check_shrink(previous_pages, summary.pages)  # the batches stay committed: a re-run reuses them
    published = time.perf_counter()
    summary.rows = store.publish(
        [(src, order, batch) for src, (order, batch, _n) in live.items()],
        partitioned=engine == "dask" if partitioned is None else partitioned,
        record={"pipeline_version": settings.PIPELINE_VERSION, "code_key": key,
                "created_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "input_pages": summary.pages},
    )
    store.collect_garbage({batch for _o, batch, _n in live.values()})
    summary.articles = summary.rows.get("articles", 0)
    summary.duplicates = store.duplicates
    summary.errors = summary.rows.get("errors", 0)
    summary.failed_sources = sum(1 for _o, _b, n in live.values() if n)
    summary.seconds = time.perf_counter() - started
    summary.publish_seconds = time.perf_counter() - published
    return summary


def error_line(row: dict) -> str:
    """``error: SOURCE: STAGE: MESSAGE`` on one line, whatever the file name holds."""
    return f"error: {printable(row['source'])}: {row['stage']}: {printable(row['error'])}"


def report_error(row: dict, stream=sys.stderr) -> None:
    print(error_line(row), file=stream)
