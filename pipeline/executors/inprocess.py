"""The batches in this process, one after the other."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator


class InProcess:
    task_pages = 8
    task_bytes = 2 * 1024 * 1024

    def __init__(self, work: Callable[[list], list]):
        self.work = work  # batch -> results, e.g. page.work_batch with the run's config

    def map(self, batches: Iterable[list]) -> Iterator:
        for batch in batches:
            yield from self.work(batch)
