"""Executors: ``map(batches) -> Iterator[PageResult]``, in this process (``inprocess``), in
local worker processes (``pool``) or on a Dask cluster (``dask``).

An executor runs a task function (``pipeline.page.work_batch``) over batches of items and
yields each item's result; it knows nothing of what the items hold. What it does when a
worker dies is the one rule of ``each_alone``: the items lost with it are run again, each
alone; an item that kills its worker again is the result ``lost(item)`` says, and deaths
on ``WORKER_DEATHS_IN_A_ROW`` items in a row stop the run (``WorkersDying``).
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Protocol

# Workers dying on this many items in a row, each alone, is the machine (memory, a broken
# install), not the items: the run stops instead of failing every page.
WORKER_DEATHS_IN_A_ROW = 5


class Executor(Protocol):
    task_pages: int  # items per batch
    task_bytes: int  # ... or fewer, to keep a batch's input this small

    def map(self, batches: Iterable[list]) -> Iterator: ...


class WorkersDying(RuntimeError):
    """Workers die on every item: stop the run (committed pages are kept)."""


def batches(items: Iterable, pages: int, max_bytes: int) -> Iterator[list]:
    """Consecutive runs of at most ``pages`` items and about ``max_bytes`` of their data."""
    batch, size = [], 0
    for item in items:
        batch.append(item)
        size += len(getattr(item, "data", b""))
        if len(batch) >= pages or size >= max_bytes:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def each_alone(items: list, run_alone: Callable, died: type[BaseException] | tuple, lost: Callable,
               workers: str, hint: str) -> Iterator:
    """The results of ``items`` run each alone by ``run_alone(item)``, which raises ``died``
    when its worker died on it: such an item's result is ``lost(item)``. Deaths on
    WORKER_DEATHS_IN_A_ROW items in a row raise WorkersDying, naming ``workers`` and ``hint``."""
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
            results = [lost(item)]
        yield from results
