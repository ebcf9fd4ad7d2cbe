"""Imported once by the fork server of local worker processes: the models load here,
and every worker forked from it starts with them (``run._local_results``)."""
try:
    from pipeline import run

    run._worker_nlp()
except Exception:  # noqa: BLE001 - a worker then builds its own on its first page
    pass
