"""Time limits (``pipeline.limits``): a page that overruns is one error row naming its stage."""
from pipeline import limits, page
from pipeline.sources import Page

def test_a_page_that_hangs_is_stopped_and_the_next_goes_on(nlp, monkeypatch):
    """A page still in hand after the time limit is one error row naming its stage;
    the next page is processed, and the SIGALRM handler before the run is back."""
    import signal

    from tools.corpus import SAMPLES

    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "0.5")
    sample = next(p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt")
    hang, good = (Page(source=name, data=sample.read_bytes(), kind="txt") for name in ("hang.txt", "good.txt"))
    import pipeline.clean

    real_clean = pipeline.clean.clean_page

    def clean_page(text, kind, url):  # a catastrophic backtrack, as a cleaner might meet one
        if seen[-1] == hang.source:
            import re

            re.match(r"(a+)+$", "a" * 64 + "b")
        return real_clean(text, kind, url)

    seen: list[str] = []
    real_prepare = page.prepare_page
    monkeypatch.setattr(page, "prepare_page", lambda page, *a: (seen.append(page.source), real_prepare(page, *a))[1])
    monkeypatch.setattr(pipeline.clean, "clean_page", clean_page)  # the page imports it when processed
    before = signal.getsignal(signal.SIGALRM)
    hung, done = page.pages_rows([hang, good], nlp)
    assert not hung.rows and [(e["stage"], e["error"].split(" (")[0]) for e in hung.errors] == [("clean", "stopped after 0.5 s")]
    assert not done.errors and done.rows["articles"]
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_a_page_that_hangs_in_a_thread_is_stopped_too(nlp, monkeypatch):
    """No SIGALRM reaches a thread other than the main one (a Dask worker's): there the
    limit is an exception raised in the page's thread; the next page goes on, and no
    exception is left pending for the thread's later work."""
    import threading
    import time

    from tools.corpus import SAMPLES

    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "0.5")
    sample = next(p for p in sorted(SAMPLES.iterdir()) if p.suffix == ".txt")
    hang, good = (Page(source=name, data=sample.read_bytes(), kind="txt") for name in ("hang.txt", "good.txt"))
    import pipeline.clean

    real_clean = pipeline.clean.clean_page

    def clean_page(text, kind, url):  # a loop on odd input, in Python
        while seen[-1] == hang.source:
            pass
        return real_clean(text, kind, url)

    seen: list[str] = []
    real_prepare = page.prepare_page
    monkeypatch.setattr(page, "prepare_page", lambda page, *a: (seen.append(page.source), real_prepare(page, *a))[1])
    monkeypatch.setattr(pipeline.clean, "clean_page", clean_page)
    results, after = [], []

    def work() -> None:
        results.extend(page.pages_rows([hang, good], nlp))
        time.sleep(1.0)  # past the limit of the last page: nothing more is raised here
        after.append("alive")

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(120)
    assert not thread.is_alive() and after == ["alive"]
    hung, done = results
    assert not hung.rows and [(e["stage"], e["error"].split(" (")[0]) for e in hung.errors] == [("clean", "stopped after 0.5 s")]
    assert not done.errors and done.rows["articles"]


def test_only_a_worker_process_is_taken_down_by_a_stuck_page(monkeypatch):
    """The run's own process (``--workers 1``) and a Dask worker in the driver's process
    wait for a page stuck in C code: exiting would end the run itself."""
    import time

    with limits._exit_if_stuck(0.01) as guard:
        time.sleep(0.1)
    assert not guard.armed and not limits._STUCK_DEADLINES
    monkeypatch.setattr(limits, "_in_dask_worker", lambda: True)  # a worker in this process
    with limits._exit_if_stuck(0.01) as guard:
        time.sleep(0.1)
    assert not guard.armed


def test_the_time_limit_leaves_a_callers_own_timer_running(nlp, monkeypatch):
    import signal

    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "30")
    rang = []
    before = signal.signal(signal.SIGALRM, lambda *_: rang.append(1))
    try:
        signal.setitimer(signal.ITIMER_REAL, 20.0)
        short = Page(source="a.txt", data="Tiêu đề\n\n".encode() + "Chi bộ thôn Bắc có 12 đảng viên. ".encode() * 12, kind="txt")
        assert not page.page_rows(short, nlp).errors
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 15.0 < remaining <= 20.0 and not rang  # still armed, less the page's time
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, before)


def test_a_time_limit_of_zero_is_none(nlp, monkeypatch):
    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "0")
    monkeypatch.setattr(limits.signal, "setitimer", lambda *a: (_ for _ in ()).throw(AssertionError("timer armed")))
    result = page.page_rows(Page(source="a.txt", data="Tiêu đề\n\n".encode() + "Chi bộ thôn Bắc có 12 đảng viên. ".encode() * 12, kind="txt"), nlp)
    assert not result.errors



def test_run_limited_returns_what_its_function_returns_and_stops_one_that_overruns():
    import time

    import pytest

    assert limits.run_limited(lambda: 42, 5.0) == 42
    assert limits.run_limited(lambda: 42, 0) == 42
    with pytest.raises(limits.Overrun):
        limits.run_limited(lambda: time.sleep(5), 0.2)


STOPPED_THREAD_THEN_TRACED = """
import sys, threading
from pipeline import limits

def spin():
    while True:
        pass

def work():
    try:
        limits.run_limited(spin, 0.1)
    except limits.Overrun:
        pass

thread = threading.Thread(target=work)
thread.start()
thread.join()
sys.settrace(lambda frame, event, arg: None)
print(sum(abs(i) for i in range(1000)))
"""


def test_a_page_stopped_in_a_thread_leaves_no_exception_pending_anywhere():
    """After a thread's page is stopped, the interpreter has no exception pending: code
    traced with ``sys.settrace`` (a coverage run, a debugger) still moves on."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", STOPPED_THREAD_THEN_TRACED], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "499500", done.stderr
