"""The batches in local worker processes, forked from a fork server that has loaded the
models once (``pipeline.worker_preload``): workers start with them and share their memory
pages until written. At most ``max_in_flight`` batches are out at once. A worker that dies
loses every batch in flight with the pool: their items are run again each alone in a
one-worker pool (``each_alone``), then a new pool takes the rest of the run.
"""
from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator

from pipeline.executors import each_alone


class Pool:
    # a task is a few pages: per task, the pool's queues, threads and futures cost this
    # process about a millisecond, which two busy workers feel on two cores
    task_pages = 8
    task_bytes = 2 * 1024 * 1024

    def __init__(self, workers: int, work: Callable, args: tuple, lost: Callable, max_in_flight: int | None = None):
        self.workers = workers
        self.work = work  # picklable: work(batch, *args) -> results, run in a worker
        self.args = args
        self.lost = lost  # item -> the result of an item that killed its worker alone
        self.max_in_flight = max_in_flight or 4 * workers

    def _new_pool(self, n: int):
        from concurrent.futures import ProcessPoolExecutor

        return ProcessPoolExecutor(max_workers=n, mp_context=self._context,
                                   initializer=_worker_init, initargs=(os.getpid(),))

    def _submit(self, pool, batch: list):
        return submit(pool, self.work, batch, *self.args)

    def map(self, batches: Iterable[list]) -> Iterator:
        from concurrent.futures import FIRST_COMPLETED, wait
        from concurrent.futures.process import BrokenProcessPool

        self._context = start_fork_server()
        pool = self._new_pool(self.workers)
        pending: dict = {}  # future -> the items of its task
        orphans: list = []  # items of the tasks lost when a worker process died

        def harvest(done) -> Iterator:
            for fut in done:
                batch = pending.pop(fut)
                try:
                    results = fut.result()
                except BrokenProcessPool:  # a worker died: every task in flight is lost with it
                    orphans.extend(batch)
                    continue
                yield from results

        def settle() -> Iterator:
            """The results of the next task(s) done; after a worker died, the items lost
            with it again, each alone, and a new pool for the rest of the run."""
            nonlocal pool
            if pending:
                yield from harvest(wait(pending, return_when=FIRST_COMPLETED)[0])
            if orphans:
                yield from harvest(wait(pending)[0])  # the other tasks in flight failed with the pool
                pool.shutdown(wait=True, cancel_futures=True)
                lost = orphans[:]
                orphans.clear()
                yield from self._one_by_one(lost)
                pool = self._new_pool(self.workers)

        try:
            for batch in batches:
                try:
                    pending[self._submit(pool, batch)] = batch
                except BrokenProcessPool:  # a worker died since the last results came in
                    orphans.extend(batch)
                while len(pending) >= self.max_in_flight or orphans:
                    yield from settle()
            while pending:
                yield from settle()
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise
        # every result is in: the workers wind down (interpreter exit with the models
        # loaded, ~0.5 s) while this process publishes; the pool joins them on its own
        pool.shutdown(wait=False)

    def _one_by_one(self, items: list) -> Iterator:
        """Items of tasks lost with a dead worker, each alone in a one-worker pool."""
        from concurrent.futures.process import BrokenProcessPool

        pool = self._new_pool(1)

        def run_alone(item) -> list:
            nonlocal pool
            try:
                return self._submit(pool, [item]).result()
            except BrokenProcessPool:
                pool.shutdown(wait=True)
                pool = self._new_pool(1)
                raise

        try:
            yield from each_alone(items, run_alone, BrokenProcessPool, self.lost,
                                  "worker processes", "out of memory? see the kernel log, dmesg")
        finally:
            pool.shutdown(wait=True)


def submit(pool, fn: Callable, *args):
    """``pool.submit(fn, *args)``, whose pool may break meanwhile.

    A worker's death marks the pool broken from the pool's own thread, which also closes
    the reading end of its task queue; a submit racing with it can get past the check for
    a broken pool and start a worker to replace one, whose task queue then cannot be
    handed over: OSError "handle is closed" (Python 3.11). That is a broken pool too.
    """
    from concurrent.futures.process import BrokenProcessPool

    try:
        return pool.submit(fn, *args)
    except OSError as exc:
        if getattr(pool, "_broken", False):
            raise BrokenProcessPool(str(pool._broken)) from exc
        raise


def start_fork_server():
    """The multiprocessing context of local workers, its fork server started (not waited for).

    The server imports the pipeline and loads the models (``pipeline.worker_preload``,
    a second or so) while this process goes on; ``extract`` calls this as soon as it
    knows there are pages to process, so that the loading overlaps reading the input.
    The server lives as long as this process; a later run of this process reuses it.

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


def _worker_init(run_pid: int) -> None:
    """Worker initializer: a page stuck past its grace takes this process down
    (``pipeline.limits``), Ctrl-C is ignored, and the worker exits when the run that
    started it is gone (a killed ``pipeline extract`` must not leave its workers behind).

    Ctrl-C reaches the whole process group; the run stops its workers itself (a worker
    would otherwise print its own KeyboardInterrupt traceback). The run is watched by
    its pid, not as the parent: a worker's parent is the fork server, which itself lives
    as long as any worker does.
    """
    from pipeline.limits import mark_worker_process

    mark_worker_process()
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
