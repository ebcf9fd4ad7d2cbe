"""The batches on a Dask cluster: the one at ``scheduler``, else a LocalCluster of
``workers`` processes on loopback that this executor starts and stops.

A task whose worker died on it as many times as the scheduler allows
(``distributed.scheduler.allowed-failures``) comes back as KilledWorker: its items go
again one per task; an item alone in such a task is a suspect (a worker's death also
counts against the tasks queued beside it), run once more alone at the end
(``each_alone``): only an item that kills its worker then is ``lost(item)``.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from pipeline.executors import each_alone


class DaskExecutor:
    task_pages = 8
    task_bytes = 4 * 1024 * 1024

    def __init__(self, workers: int, scheduler: str | None, work: Callable, args: tuple, lost: Callable,
                 code_key: Callable[[], str], max_in_flight: int | None = None, idle: Callable[[], None] | None = None):
        self.workers = workers
        self.scheduler = scheduler
        self.work = work  # picklable: work(batch, *args) -> results, run on a worker
        self.args = args
        self.lost = lost
        self.code_key = code_key  # the workers must run the code the driver keys its pages by
        self.max_in_flight = max_in_flight or 4 * workers
        self.idle = idle  # called once, the first time this process waits for the workers

    def map(self, batches: Iterable[list]) -> Iterator:
        client, cluster = dask_client(self.scheduler, self.workers)  # first: says when Dask is missing
        from distributed import KilledWorker, as_completed

        try:
            driver = self.code_key()
            other = {w: k for w, k in client.run(self.code_key).items() if k != driver}
            if other:
                raise DaskUnavailable(
                    f"{len(other)} Dask worker(s) run other pipeline code than this checkout "
                    f"({', '.join(sorted(other))}): restart `dask worker` from this checkout")
            futures = as_completed()
            tasks: dict[str, list] = {}  # future key -> the items of its task
            suspects: list = []  # items alone in a task the scheduler gave up on

            def submit(batch: list) -> None:
                fut = client.submit(self.work, batch, *self.args, pure=False)
                tasks[fut.key] = batch
                futures.add(fut)

            def settle(fut) -> list:
                batch = tasks.pop(fut.key)
                try:
                    return fut.result()
                except KilledWorker:
                    if len(batch) > 1:
                        for item in batch:
                            submit([item])
                    else:
                        suspects.append(batch[0])
                    return []

            waited = [False]

            def wait() -> None:
                if not waited[0] and self.idle is not None:
                    self.idle()
                waited[0] = True

            for batch in batches:
                submit(batch)
                while len(tasks) >= self.max_in_flight:
                    wait()
                    yield from settle(next(futures))
            if tasks:
                wait()
            for fut in futures:  # as_completed also yields the futures added while iterating
                yield from settle(fut)
            # each suspect again, alone on the cluster
            yield from each_alone(
                suspects, lambda item: client.submit(self.work, [item], *self.args, pure=False).result(),
                KilledWorker, self.lost, "Dask workers", "out of memory? see the workers' logs",
            )
        finally:
            client.close()
            if cluster is not None:
                cluster.close()


CONNECT_SECONDS = 10  # to reach a given scheduler


class DaskUnavailable(RuntimeError):
    """The cluster cannot run this run's pages: scheduler unreachable, workers on other code."""


def dask_client(scheduler: str | None, workers: int):
    """A client of ``scheduler``, else of a LocalCluster of ``workers`` processes on loopback."""
    try:
        from distributed import Client, LocalCluster
    except ModuleNotFoundError as exc:  # installed without the [dask] extra
        raise DaskUnavailable(f"--engine dask needs {exc.name}: pip install -e '.[dask]' (make installs it)") from exc

    if scheduler:
        try:
            return Client(scheduler, timeout=CONNECT_SECONDS), None
        except (OSError, TimeoutError) as exc:
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise DaskUnavailable(
                f"cannot reach the Dask scheduler at {scheduler} ({reason}): is `dask scheduler` running there?"
            ) from exc
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
