"""Local worker processes (``pipeline.executors.pool``): forked warm from the fork server,
a pool that breaks is a broken pool, Ctrl-C is the run's."""
import signal
import time

import pytest

from pipeline import page
from pipeline.executors import pool

pytestmark = pytest.mark.slow


def _warm() -> tuple[bool, bool]:
    """In a worker: were the models loaded and a page run before this task came?"""
    import sys

    preload = sys.modules.get("pipeline.worker_preload")
    return page.worker_nlp.cache_info().currsize > 0, bool(preload and preload.WARMED)


def test_workers_start_with_the_models_loaded_and_warmed_up():
    """The fork server (started by extract first thing) loads the models and runs one
    page, so a worker forked from it starts warm instead of paying that per worker."""
    from concurrent.futures import ProcessPoolExecutor

    from pipeline.sources import Page
    from pipeline.worker_preload import WARM_UP_PAGE

    ctx = pool.start_fork_server()
    with ProcessPoolExecutor(max_workers=1, mp_context=ctx) as workers:
        assert workers.submit(_warm).result(timeout=300) == (True, True)
    result = page.page_rows(Page(source="<warm-up>", data=WARM_UP_PAGE, kind="html"), page.worker_nlp())
    assert not result.errors and result.rows["doc_refs"] and result.rows["solutions"]



def test_a_pool_broken_before_the_next_task_is_submitted(tmp_path, monkeypatch):
    """The pool can break between two submissions (a worker died while the input was
    read): ``submit`` itself then raises, and that task's pages are retried as well."""
    import crashing_worker

    from tools.corpus import SAMPLES
    from pipeline.sources import Page

    data = next(p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt").read_bytes()
    pages = [Page(source=f"p{i:02d}.txt", data=data + f"\n(trang {i})".encode(), kind="txt") for i in range(16)]
    pages[3] = Page(source="p03.txt", data=crashing_worker.MARKER + data, kind="txt")

    def items():
        yield from pages[:8]  # the first task: its worker dies on p03
        time.sleep(5)  # meanwhile the pool learns that it is broken
        yield from pages[8:]

    monkeypatch.setattr(page, "work_batch", crashing_worker.work_batch)
    from pipeline.config import RunConfig
    from pipeline.executors import batches

    executor = pool.Pool(2, crashing_worker.work_batch, (RunConfig(),), page.worker_died, max_in_flight=4)
    results = {r.source: r for r in executor.map(batches(items(), executor.task_pages, executor.task_bytes))}
    assert sorted(results) == [p.source for p in pages]
    assert [s for s, r in results.items() if r.errors] == ["p03.txt"]
    assert results["p03.txt"].errors[0]["stage"] == "worker" and results["p03.txt"].retry
    assert all(r.rows["articles"] for s, r in results.items() if s != "p03.txt")


def test_a_submit_racing_with_the_pool_breaking_is_a_broken_pool():
    """Python 3.11: a submit that gets past the pool's check for being broken while the
    pool's thread marks it so, and starts a worker, fails to hand over the task queue the
    pool just closed: OSError "handle is closed", which stopped a run as an output error.
    It is a broken pool; any other OSError is not."""
    from concurrent.futures.process import BrokenProcessPool

    class RacingPool:
        _broken = False

        def submit(self, *args):
            self._broken = "A child process terminated abruptly"  # as the pool's thread does
            raise OSError("handle is closed")

    with pytest.raises(BrokenProcessPool, match="terminated abruptly"):
        pool.submit(RacingPool(), page.work_batch, [])

    class FullDisk:
        _broken = False

        def submit(self, *args):
            raise OSError("No space left on device")

    with pytest.raises(OSError, match="No space"):
        pool.submit(FullDisk(), page.work_batch, [])


def test_the_fork_server_ignores_ctrl_c_from_its_start():
    """Ctrl-C reaches the fork server too; started with it ignored, the server cannot be
    stopped in the middle of its imports, which printed a KeyboardInterrupt traceback."""
    from multiprocessing import forkserver

    pool.start_fork_server()
    pid = forkserver._forkserver._forkserver_pid  # noqa: SLF001 - no public accessor
    with open(f"/proc/{pid}/status") as fh:
        ignored = int(next(line for line in fh if line.startswith("SigIgn:")).split()[1], 16)
    assert ignored & (1 << (signal.SIGINT - 1))
