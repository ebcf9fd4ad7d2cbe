"""What the workers of a Dask cluster that ``extract`` starts itself are given.

Imported only on the Dask engine (it imports ``distributed``).
"""
from __future__ import annotations

import signal

from distributed.diagnostics.plugin import WorkerPlugin


class IgnoreCtrlC(WorkerPlugin):
    """Workers ignore SIGINT: they share the terminal's process group, and each printed
    its own KeyboardInterrupt traceback beside the run's one line. A plugin, not a
    ``Client.run``: the scheduler gives it to every worker that joins later too, such as
    one the nanny restarts after a page killed its process."""

    name = "pipeline-ignore-ctrl-c"
    idempotent = True

    def setup(self, worker) -> None:  # on the worker's event loop, in its main thread
        signal.signal(signal.SIGINT, signal.SIG_IGN)
