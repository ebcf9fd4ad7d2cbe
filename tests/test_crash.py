"""SIGKILL ``pipeline extract`` mid-run, run it again: exactly the dataset of an uninterrupted run."""
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from pipeline import run
from tools.corpus import make_corpus
from pipeline.schema import TABLES
from pipeline.store import BATCHES, STATE_DIR

pytestmark = pytest.mark.slow


def dataset(out):
    tables = {}
    for name in TABLES:
        table = pq.read_table(out / f"{name}.parquet")  # raises on a corrupt file
        tables[name] = table.drop([c for c in ("processed_at",) if c in table.column_names]).to_pylist()
    return tables


def children(pid):
    """Every descendant of ``pid`` (workers are children of the fork server, a child of the run)."""
    try:
        direct = [int(c) for t in os.listdir(f"/proc/{pid}/task") for c in open(f"/proc/{pid}/task/{t}/children").read().split()]
    except OSError:
        return []
    return direct + [d for c in direct for d in children(c)]


def alive(pid):
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ")[-1][:1] != "Z"
    except OSError:
        return False


def kill_after_batches(raw, out, n_batches, workers=1, timeout=300, sig=signal.SIGKILL, engine="local"):
    """Start ``pipeline extract``, send ``sig`` once ``n_batches`` are committed; the finished
    process. SIGKILL goes to the main process only (its workers must follow on their own),
    SIGINT to the whole process group, as Ctrl-C on a terminal does."""
    batches = out / STATE_DIR / BATCHES
    before = len(list(batches.iterdir())) if batches.is_dir() else 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "pipeline.cli", "extract", str(raw), "--out", str(out),
         "--workers", str(workers), "--batch-pages", "2", "--engine", engine],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
        # a test runner started in the background ignores SIGINT, and so would its children
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            if batches.is_dir() and len(list(batches.iterdir())) >= before + n_batches:
                break
            time.sleep(0.02)
        assert proc.poll() is None, f"the run ended before it could be killed: {proc.stderr.read()!r}"
        workers_of_run = children(proc.pid)
        if sig == signal.SIGINT:
            os.killpg(proc.pid, sig)
        else:
            os.kill(proc.pid, sig)
        proc.stderr_text = proc.communicate(timeout=60)[1]
        gone = time.monotonic() + 20
        while time.monotonic() < gone and any(alive(pid) for pid in workers_of_run):
            time.sleep(0.1)
        assert not [pid for pid in workers_of_run if alive(pid)], "worker processes outlived the killed run"
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return proc


def leftovers(out):
    return [p.name for p in out.iterdir() if p.name.endswith(".tmp")] + [
        p.name for p in (out / STATE_DIR).iterdir() if p.name.startswith("tmp-")
    ]


@pytest.fixture(autouse=True)
def pinned_code_key(monkeypatch):
    """The killed run (a subprocess) and the resumed one must agree on the code key even
    if a file of the package changes meanwhile (others edit the tree while tests run)."""
    monkeypatch.setenv("PIPELINE_CODE_KEY", "crash-test")
    monkeypatch.setenv("PIPELINE_MIN_PAGES_PER_WORKER", "1")  # the 2-worker kill needs worker processes


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    raw = tmp_path_factory.mktemp("crash") / "raw"
    n = make_corpus(raw, 14)  # 14, or 15 when a two-record WARC comes last
    return raw, n


def test_killed_first_run_resumes_to_the_full_dataset(corpus, nlp, tmp_path):
    corpus, n = corpus
    run.extract([corpus], tmp_path / "ref", nlp=nlp)
    want = dataset(tmp_path / "ref")
    out = tmp_path / "out"
    assert kill_after_batches(corpus, out, 2).returncode == -signal.SIGKILL
    assert not (out / "articles.parquet").exists()  # nothing published, nothing half-written
    resumed = run.extract([corpus], out, nlp=nlp, batch_pages=2)
    assert resumed.skipped >= 4 and resumed.processed + resumed.skipped == n
    assert dataset(out) == want
    assert leftovers(out) == []


def test_killed_rerun_keeps_the_old_dataset_then_resumes(corpus, nlp, tmp_path):
    corpus, n = corpus
    out = tmp_path / "out"
    run.extract([corpus], out, nlp=nlp)
    old = dataset(out)
    added = make_corpus(corpus / "zz_new", 8, start=50)  # the crawl grew
    try:
        assert kill_after_batches(corpus, out, 1, workers=2).returncode == -signal.SIGKILL
        assert dataset(out) == old  # the published files are the previous run's, whole
        resumed = run.extract([corpus], out, nlp=nlp)
        assert resumed.skipped >= n + 2  # the old pages and the killed run's committed batch
        run.extract([corpus], tmp_path / "ref", nlp=nlp)
        assert dataset(out) == dataset(tmp_path / "ref")
        assert len(dataset(out)["articles"]) == n + added
        assert leftovers(out) == []
    finally:
        import shutil

        shutil.rmtree(corpus / "zz_new")


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_ctrl_c_says_what_is_kept_and_the_same_command_goes_on(corpus, nlp, tmp_path, engine):
    corpus, n = corpus
    out = tmp_path / "out"
    proc = kill_after_batches(corpus, out, 1, workers=2, sig=signal.SIGINT, engine=engine)
    assert proc.returncode == 130, proc.stderr_text
    assert "interrupted: nothing published; batches committed so far are kept" in proc.stderr_text
    assert "Traceback" not in proc.stderr_text  # neither the run's nor its workers'
    assert not (out / "articles.parquet").exists()
    resumed = run.extract([corpus], out, nlp=nlp, batch_pages=2)
    assert resumed.skipped >= 2 and resumed.processed + resumed.skipped == n
    run.extract([corpus], tmp_path / "ref", nlp=nlp)
    assert dataset(out) == dataset(tmp_path / "ref")


def test_ctrl_c_early_in_the_run_prints_no_traceback(corpus, tmp_path):
    """Ctrl-C while the fork server imports, or while it forks a worker whose run is
    already stopping (its semaphores are gone), printed tracebacks of those processes."""
    corpus, _n = corpus
    for i, delay in enumerate((0.3, 0.7, 1.2)):
        proc = subprocess.Popen(
            [sys.executable, "-m", "pipeline.cli", "extract", str(corpus), "--out", str(tmp_path / f"out{i}"),
             "--workers", "2", "--batch-pages", "2"],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, start_new_session=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        try:
            time.sleep(delay)
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGINT)
            stderr = proc.communicate(timeout=120)[1]
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
        assert proc.returncode in (0, 130), stderr
        assert "Traceback" not in stderr, f"after {delay} s: {stderr}"
