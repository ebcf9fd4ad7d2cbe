"""The Dask executor (``pipeline.executors.dask``): the run's own cluster."""
import time

import pytest

pytestmark = pytest.mark.slow


def test_workers_of_the_runs_own_dask_cluster_ignore_ctrl_c_even_after_a_restart():
    """The run's own LocalCluster: Ctrl-C is the run's to handle, in every worker, also
    in one the nanny starts again after its process died (a page can kill it)."""
    import os
    import signal

    def ignored() -> bool:
        return signal.getsignal(signal.SIGINT) == signal.SIG_IGN

    from pipeline.executors.dask import dask_client

    client, cluster = dask_client(None, 2)
    try:
        assert set(client.run(ignored).values()) == {True}
        pids = client.run(os.getpid)
        victim = next(iter(pids.values()))
        os.kill(victim, signal.SIGKILL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            now = {w: pid for w, pid in client.run(os.getpid, on_error="return").items() if isinstance(pid, int)}
            if len(now) == 2 and victim not in now.values():
                break
            time.sleep(0.2)
        else:
            pytest.fail(f"the nanny did not restart the worker: {now}")
        assert set(client.run(ignored).values()) == {True}
    finally:
        client.close()
        cluster.close()
