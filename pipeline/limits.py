"""``run_limited(fn, seconds)``: ``fn()``, stopped when it overruns, whatever way it runs.

A page that would hang a run of thousands (a pathological regex backtrack, a loop on
odd input) raises ``Overrun`` in the code running it after ``seconds``:

* in the main thread, a SIGALRM, whose handler runs in Python code and in C code that
  checks for signals (``re`` does);
* in another thread (a Dask worker's), which no signal reaches, ``Overrun`` raised in
  that thread by a watchdog thread; C code meets it only when it returns to Python;
* in a worker process, code still running ``grace`` seconds after the limit is stuck in
  C code that neither reaches (and may hold the GIL): faulthandler's watchdog, a C
  thread, writes the tracebacks and exits the process. The executor sees its worker die
  and retries the page alone (``pipeline.executors.each_alone``).
"""
from __future__ import annotations

import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


class Overrun(BaseException):
    """Raised in the code that overran its limit: a BaseException, so that the stages'
    ``except Exception`` do not swallow it."""


def run_limited(fn: Callable[[], T], seconds: float, grace: float = 0.0) -> T:
    """``fn()``; raises ``Overrun`` once it has run ``seconds`` (0 or less: no limit). In a
    worker process, still running ``seconds + grace`` from now takes the process down."""
    if seconds <= 0:
        return fn()
    with _exit_if_stuck(seconds + grace):
        if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
            return _thread_limited(fn, seconds)
        return _alarm_limited(fn, seconds)


def _alarm_limited(fn: Callable[[], T], seconds: float) -> T:
    """``fn()`` in the main thread, stopped by a SIGALRM; a caller's own timer goes on."""
    armed = [True]

    def on_alarm(_signum, _frame) -> None:
        if armed[0]:
            raise Overrun

    previous = signal.signal(signal.SIGALRM, on_alarm)
    pending, interval = signal.setitimer(signal.ITIMER_REAL, seconds)  # a caller's own timer, if any
    started = time.monotonic()
    try:
        return fn()
    finally:
        armed[0] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if pending:  # the caller's timer goes on, less fn's time (at once if it is due)
            signal.setitimer(signal.ITIMER_REAL, max(pending - (time.monotonic() - started), 1e-6), interval)


def _thread_limited(fn: Callable[[], T], seconds: float) -> T:
    """``fn()`` in a thread other than the main one: a watchdog raises ``Overrun`` in it.
    An exception still pending when ``fn`` returns is taken here, so it cannot reach the
    thread's later work."""
    import ctypes

    tid = ctypes.c_ulong(threading.get_ident())
    lock = threading.Lock()
    state = {"running": True, "fired": False}

    def overrun() -> None:
        with lock:
            if state["running"]:
                state["fired"] = True
                ctypes.pythonapi.PyThreadState_SetAsyncExc(tid, ctypes.py_object(Overrun))

    watchdog = threading.Timer(seconds, overrun)
    watchdog.daemon = True
    watchdog.start()
    try:
        return fn()
    finally:
        with lock:
            state["running"] = False
            # Raised already, or pending: a pending one is raised at the loop below and
            # dropped. Clearing it with SetAsyncExc(tid, NULL) would leave CPython 3.11's
            # interpreter-wide "pending" flag set for good (every thread stalls at every loop).
            if state["fired"]:
                try:
                    for _ in range(2):
                        pass
                except Overrun:
                    pass
        watchdog.cancel()


# What is in hand in this process and takes it down if still running at its deadline:
# thread id -> deadline on time.monotonic(). One faulthandler watchdog per process, armed
# for the earliest deadline (a Dask worker may run several threads).
_STUCK_DEADLINES: dict[int, float] = {}
_STUCK_LOCK = threading.Lock()
_IN_WORKER_PROCESS = [False]  # set by mark_worker_process in local worker processes


def mark_worker_process() -> None:
    """This process is a local pool's worker: a page stuck past its grace takes it down."""
    _IN_WORKER_PROCESS[0] = True


class _exit_if_stuck:
    """In a worker process (a local pool's, or a Dask worker's that its nanny started),
    exit if still in hand ``seconds`` from now; elsewhere (the run's own process, a Dask
    worker in the driver's process, a caller's thread), nothing: exiting would end the
    run itself. Without a stderr that has a file descriptor to write the tracebacks to,
    faulthandler refuses: the process then waits."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.armed = False

    def __enter__(self):
        if _IN_WORKER_PROCESS[0] or (_in_dask_worker() and _started_by_a_nanny()):
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
    """A child process, as a Dask nanny starts its worker: one that can be started again."""
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
