"""The same rows from 1 worker, 2 worker processes and a Dask cluster of 2 workers."""
import contextlib
import shutil
import time

import duckdb
import pyarrow.parquet as pq
import pytest

from pipeline import page, run
from pipeline.executors import pool
from tools.corpus import make_corpus, pages_per_copy
from pipeline.schema import PAGE_TABLES, TABLES

pytestmark = pytest.mark.slow
distributed = pytest.importorskip("distributed")  # also loads its config defaults, which dask.config.set extends


@contextlib.contextmanager
def local_cluster(n_workers: int = 2):
    """A LocalCluster on loopback, closed only once its nannies have stopped restarting
    workers: closing a nanny while it starts a worker after a death fails in distributed
    ("can only join a started process")."""
    with distributed.LocalCluster(n_workers=n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster:
        yield cluster
        settle(cluster, n_workers)


def settle(cluster, n_workers: int, quiet: float = 1.5, deadline: float = 60.0) -> None:
    """Wait until the same ``n_workers`` workers have been up for ``quiet`` seconds."""
    end, seen, since = time.monotonic() + deadline, None, time.monotonic()
    while time.monotonic() < end:
        workers = frozenset(cluster.scheduler_info.get("workers", {}))
        if workers != seen:
            seen, since = workers, time.monotonic()
        elif len(workers) == n_workers and time.monotonic() - since >= quiet:
            return
        time.sleep(0.1)


def corpus_with(corpus, tmp_path, name: str, marker: bytes):
    """A copy of ``corpus`` in ``tmp_path/raw`` and one page more, ``name``: a sample page
    carrying ``marker``. Returns (the copy, the page)."""
    raw = tmp_path / "raw"
    shutil.copytree(corpus, raw)
    sample = next(p for p in sorted(raw.rglob("*.html")))
    page = raw / name
    page.write_bytes(sample.read_bytes().replace(b"<body", marker + b"<body", 1))
    return raw, page


def assert_worker_error(got, raw, page):
    """The errors are the corpus's unreadable page and ``page``, which its worker died on."""
    assert [(e["source"], e["stage"]) for e in got["errors"]] == sorted(
        [(str(raw / "broken.html.gz"), "read"), (str(page), "worker")]
    )


def assert_extractions(got, want):
    for name in ("doc_refs", "dates", "counts", "solutions", "entities"):
        assert got[name] == want[name], name


def dataset(out):
    tables = {}
    for name in TABLES:
        table = pq.read_table(out / f"{name}.parquet")
        tables[name] = table.drop([c for c in ("processed_at",) if c in table.column_names]).to_pylist()
    return tables


@pytest.fixture(scope="module", autouse=True)
def pinned_code_key():
    """Dask workers check they run the driver's code; others edit the tree while tests run.
    Module-wide, so the sequential dataset the others are compared with has the same key."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PIPELINE_CODE_KEY", "scale-test")
        patch.setenv("PIPELINE_MIN_PAGES_PER_WORKER", "1")  # small corpora still use the workers
        yield


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    raw = tmp_path_factory.mktemp("scale") / "raw"
    n = make_corpus(raw, pages_per_copy())  # one copy of every sample: HTML, dumps, gzip, cp1258, WARC
    (raw / "broken.html.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")  # and one error
    return raw, n


@pytest.fixture(scope="module")
def sequential(corpus, nlp, tmp_path_factory):
    corpus, n = corpus
    out = tmp_path_factory.mktemp("seq")
    summary = run.extract([corpus], out, nlp=nlp, workers=1)
    assert (summary.pages, summary.errors) == (n + 1, 1) and summary.articles >= n - 1
    return dataset(out)


def test_two_worker_processes_give_the_same_dataset(corpus, sequential, tmp_path):
    corpus, n = corpus
    summary = run.extract([corpus], tmp_path, workers=2, batch_pages=3)
    assert summary.processed == n + 1 and summary.batches == -(-(n + 1) // 3)
    assert dataset(tmp_path) == sequential


def test_dask_local_cluster_gives_the_same_dataset(corpus, sequential, tmp_path):

    corpus, n = corpus
    with local_cluster(2) as cluster:
        assert cluster.scheduler_address.startswith("tcp://127.0.0.1:")
        summary = run.extract([corpus], tmp_path, engine="dask", scheduler=cluster.scheduler_address, workers=2)
    assert summary.processed == n + 1
    assert dataset(tmp_path) == sequential
    # the partitioned copy reads as one table per name, with the same rows
    part = tmp_path / "dataset"
    for name in TABLES:
        if name in PAGE_TABLES:
            continue
        n = duckdb.sql(f"select count(*) from read_parquet('{part}/{name}/**/*.parquet', hive_partitioning=true)").fetchall()[0][0]
        assert n == len(sequential[name]), name
    years = duckdb.sql(
        f"select distinct pub_year from read_parquet('{part}/articles/**/*.parquet', hive_partitioning=true) order by 1"
    ).fetchall()
    assert {y for (y,) in years} == {a["published_date"].year for a in sequential["articles"] if a["published_date"]}
    import pandas as pd

    assert len(pd.read_parquet(part / "dates")) == len(sequential["dates"])


def test_few_changed_pages_stay_in_process(corpus, tmp_path, monkeypatch):
    corpus, n = corpus
    monkeypatch.setenv("PIPELINE_MIN_PAGES_PER_WORKER", str(n))  # n + 1 pages < 2 * n: no workers
    started = []
    monkeypatch.setattr(pool.Pool, "map", lambda *a, **k: started.append(1) or iter(()))
    summary = run.extract([corpus], tmp_path, workers=2)
    assert summary.processed == n + 1 and not started


def test_after_a_run_that_died_few_pages_still_go_to_workers(corpus, tmp_path, monkeypatch):
    """A run that died (killed, or crashed in native code on a page) leaves its marker;
    the next run keeps even a few pages out of its own process, where a page that
    crashes an interpreter would stop every re-run, and in workers, which can die alone."""
    corpus, n = corpus
    monkeypatch.setenv("PIPELINE_MIN_PAGES_PER_WORKER", str(n))  # would stay in process
    state = tmp_path / ".state"
    state.mkdir()
    (state / "running").touch()  # what a run that died leaves
    started = []
    real = pool.Pool.map
    monkeypatch.setattr(pool.Pool, "map", lambda *a, **k: started.append(1) or real(*a, **k))
    summary = run.extract([corpus], tmp_path, workers=2)
    assert summary.processed == n + 1 and started
    assert not (state / "running").exists()  # this run finished: the next one may stay in process
    started.clear()
    again = run.extract([corpus], tmp_path, workers=2)
    assert again.processed == 1 and not started  # the broken page, read again, in process


def test_with_one_worker_a_page_that_crashed_the_last_run_is_one_error_row(corpus, sequential, tmp_path, monkeypatch):
    """``--workers 1`` runs in its own process, so a page that crashes the interpreter
    (native code, the OOM killer) stops that run. The next run, seeing the marker the
    dead run left, sends its pages to one worker process: the page kills that process
    alone, is one error row, and the run gets past it instead of dying there every time."""
    import crashing_worker

    corpus, n = corpus
    raw, killer = corpus_with(corpus, tmp_path, "m-killer.html", crashing_worker.MARKER)
    monkeypatch.setattr(page, "work_batch", crashing_worker.work_batch)
    out = tmp_path / "out"
    (out / ".state").mkdir(parents=True)
    (out / ".state" / "running").touch()  # what the run that crashed on the killer left
    summary = run.extract([raw], out, workers=1)
    assert summary.processed == n + 2 and summary.failed_sources == 2
    got = dataset(out)
    assert_worker_error(got, raw, killer)
    assert_extractions(got, sequential)
    assert not (out / ".state" / "running").exists()  # the next run stays in its own process


def test_a_page_that_kills_its_worker_is_one_error_and_the_run_goes_on(corpus, sequential, tmp_path, monkeypatch):
    """A worker process that dies (SIGKILL here; a segfault or the OOM killer in life)
    loses every task in flight with the pool. Those pages are retried one by one in a
    new pool: the innocent ones give their rows, the page that kills its worker again
    is one error row, stage ``worker``, and the rest of the run goes on."""
    import crashing_worker

    corpus, n = corpus
    raw, killer = corpus_with(corpus, tmp_path, "m-killer.html", crashing_worker.MARKER)  # sorts among the others: tasks before and after it
    monkeypatch.setattr(page, "work_batch", crashing_worker.work_batch)
    out = tmp_path / "out"
    summary = run.extract([raw], out, workers=2)
    assert summary.processed == n + 2 and summary.failed_sources == 2
    got = dataset(out)
    assert_worker_error(got, raw, killer)
    assert "died" in next(e["error"] for e in got["errors"] if e["stage"] == "worker")
    # every other page gave its rows, as in a run without the killer
    rename = lambda rows: [{**r, "source": r["source"].replace(str(corpus), str(raw))} if "source" in r else r for r in rows]  # noqa: E731
    assert got["articles"] == rename(sequential["articles"])
    assert_extractions(got, sequential)
    # what killed the worker may have been the machine: the next run tries the page again
    again = run.extract([raw], out, workers=2)
    assert (again.processed, again.failed_sources) == (2, 2)  # the killer and the unreadable page
    assert dataset(out) == got


def test_a_page_stuck_in_c_code_takes_its_worker_down_and_is_one_error(corpus, sequential, tmp_path, monkeypatch):
    """A page stuck in C code that no signal reaches is still in hand after its time
    limit and the grace after it: its worker process exits, and the page, retried alone,
    is one error row, stage ``worker``, as a page that crashes its worker is."""
    import crashing_worker

    corpus, n = corpus
    raw, stuck = corpus_with(corpus, tmp_path, "m-stuck.html", crashing_worker.HANG_MARKER)
    monkeypatch.setattr(page, "work_batch", crashing_worker.work_batch_hangs_in_c)
    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "3")  # read by the run, sent with each task
    monkeypatch.setenv("PIPELINE_PAGE_GRACE_SECONDS", "1")
    out = tmp_path / "out"
    summary = run.extract([raw], out, workers=2)
    assert summary.processed == n + 2 and summary.failed_sources == 2
    got = dataset(out)
    assert_worker_error(got, raw, stuck)
    assert_extractions(got, sequential)


def test_workers_dying_on_every_page_stop_the_run(corpus, tmp_path, monkeypatch):
    """Workers that die on page after page, each alone, are the machine (out of memory),
    not the pages: the run stops with WorkersDying instead of failing every page."""
    import crashing_worker

    from typer.testing import CliRunner

    from pipeline.cli import app

    corpus, n = corpus
    monkeypatch.setattr(page, "work_batch", crashing_worker.work_batch_always_dies)
    with pytest.raises(run.WorkersDying, match="5 pages in a row"):
        run.extract([corpus], tmp_path / "out", workers=2)
    result = CliRunner().invoke(app, ["extract", str(corpus), "--out", str(tmp_path / "cli"), "--workers", "2"])
    assert result.exit_code == 1, result.output
    assert "error: worker processes died on 5 pages in a row" in result.output
    assert "Traceback" not in result.output


def test_a_page_that_kills_its_dask_worker_is_one_error_and_the_run_goes_on(corpus, sequential, tmp_path, monkeypatch):
    """On Dask the nanny restarts a dead worker and the scheduler retries its tasks, up
    to ``allowed-failures`` times, then gives up on a task with KilledWorker: its pages
    go again one per task, and the page alone in a task given up on is one error row."""
    import crashing_worker
    import dask

    corpus, n = corpus
    raw, killer = corpus_with(corpus, tmp_path, "m-killer.html", crashing_worker.MARKER)
    monkeypatch.setattr(page, "work_batch", crashing_worker.work_batch)
    out = tmp_path / "out"
    with dask.config.set({"distributed.scheduler.allowed-failures": 1}):  # 2 deaths per task, not 4
        with local_cluster(2) as cluster:
            summary = run.extract([raw], out, engine="dask", scheduler=cluster.scheduler_address, workers=2)
    assert summary.processed == n + 2 and summary.failed_sources == 2
    got = dataset(out)
    assert_worker_error(got, raw, killer)
    assert_extractions(got, sequential)


def test_a_page_stuck_in_c_code_on_dask_is_one_error_and_the_run_goes_on(corpus, sequential, tmp_path, monkeypatch):
    """A Dask worker runs pages in a thread, which no SIGALRM interrupts and which code
    in C does not leave for the exception raised in it at the time limit. Still in hand
    ``PAGE_GRACE_SECONDS`` later, the page takes its worker process down; the nanny starts
    another, and the page ends as one error row, stage ``worker``, as a crash would."""
    import crashing_worker
    import dask

    corpus, n = corpus
    raw, stuck = corpus_with(corpus, tmp_path, "m-stuck.html", crashing_worker.HANG_MARKER)
    monkeypatch.setattr(page, "work_batch", crashing_worker.work_batch_hangs_in_c)
    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "5")  # read by the run, sent with each task
    monkeypatch.setenv("PIPELINE_PAGE_GRACE_SECONDS", "1")
    out = tmp_path / "out"
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):  # give up on a task at its first death
        with local_cluster(2) as cluster:
            summary = run.extract([raw], out, engine="dask", scheduler=cluster.scheduler_address, workers=2)
    assert summary.processed == n + 2 and summary.failed_sources == 2
    got = dataset(out)
    assert_worker_error(got, raw, stuck)
    assert "past the time limit" in next(e["error"] for e in got["errors"] if e["stage"] == "worker")
    assert_extractions(got, sequential)


def test_dask_workers_dying_on_every_page_stop_the_run(corpus, tmp_path, monkeypatch):
    import crashing_worker
    import dask

    corpus, n = corpus
    monkeypatch.setattr(page, "work_batch", crashing_worker.work_batch_always_dies)
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):  # give up on a task at its first death
        with local_cluster(2) as cluster:
            with pytest.raises(run.WorkersDying, match="5 pages in a row"):
                run.extract([corpus], tmp_path, engine="dask", scheduler=cluster.scheduler_address, workers=2)


def test_dask_workers_on_other_code_and_an_unreachable_scheduler_are_one_line_each(tmp_path, monkeypatch):
    """Said in a user's words, exit 1, nothing published; no traceback."""
    import socket
    from typer.testing import CliRunner

    from pipeline.cli import app

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.html").write_text("<html><body><article><h1>Tin</h1><p>" + "Chi bộ thôn sinh hoạt định kỳ. " * 20
                                + "</p></article></body></html>", encoding="utf-8")
    runner = CliRunner()
    with local_cluster(1) as cluster:
        monkeypatch.setenv("PIPELINE_CODE_KEY", "the-driver-is-newer")  # the workers started on "scale-test"
        result = runner.invoke(app, ["extract", str(raw), "--out", str(tmp_path / "out"), "--engine", "dask",
                                     "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 1, result.output
    assert "run other pipeline code than this checkout" in result.output and "restart `dask worker`" in result.output
    assert "Traceback" not in result.output and not (tmp_path / "out" / "articles.parquet").exists()

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setattr("pipeline.executors.dask.CONNECT_SECONDS", 2)
    result = runner.invoke(app, ["extract", str(raw), "--out", str(tmp_path / "out"), "--engine", "dask",
                                 "--scheduler", f"tcp://127.0.0.1:{port}"])
    assert result.exit_code == 1, result.output
    assert f"cannot reach the Dask scheduler at tcp://127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output and "batches committed" not in result.output
