"""Imported once by the fork server of local worker processes: the models load here,
and every worker forked from it starts with them (``pipeline.executors.pool``).

The server then runs one small page through the whole pipeline, so that what each
stage does on its first page only (compiling its patterns, pyarrow's first
conversion, lazy imports: 0.3-1.3 s, by the machine's speed) is done once here,
not in every worker.
"""

import sys

WARM_UP_PAGE = """<html><head><title>Chi bộ khu phố 3 học tập nghị quyết</title>
<meta property="article:published_time" content="2024-05-14T08:00:00+07:00"></head>
<body><article><h1>Chi bộ khu phố 3 học tập nghị quyết</h1>
<p>Ngày 12/5/2024, Chi bộ khu phố 3 tổ chức học tập Nghị quyết số 21-NQ/TW ngày 16/6/2022
của Ban Chấp hành Trung ương và Kế hoạch số 15/KH-UBND của Ủy ban nhân dân phường.
Chi bộ hiện có 42 đảng viên, sinh hoạt tại 3 tổ đảng.</p>
<p>Để nâng cao chất lượng sinh hoạt, chi bộ đề ra các giải pháp sau. Thứ nhất, duy trì
sinh hoạt định kỳ mỗi tháng một lần. Thứ hai, phân công đảng viên phụ trách từng hộ gia đình.</p>
</article></body></html>""".encode()

WARMED = False  # True once the page ran without an error

try:  # the fork server ignores Ctrl-C from its start (``pool.start_fork_server``)
    from pipeline import page
    from pipeline.sources import Page

    WARMED = not page.page_rows(Page(source="<warm-up>", data=WARM_UP_PAGE, kind="html"), page.worker_nlp()).errors
except Exception:  # noqa: BLE001 - a worker then builds its own on its first page
    pass


def _quiet_when_the_run_stopped(kind, value, tb, _default=sys.excepthook):
    """The hook of the fork server's children: a worker forked while its run was stopping
    (Ctrl-C) finds the run's semaphores already gone and cannot start. The run has said
    what it stopped; the worker says nothing. Anything else is reported as before."""
    import traceback

    if issubclass(kind, FileNotFoundError) and any(
        frame.name == "__setstate__" and frame.filename.endswith("synchronize.py")
        for frame in traceback.extract_tb(tb)
    ):
        return
    _default(kind, value, tb)


# The fork server's children inherit it: the server calls it on a child's failure to start
sys.excepthook = _quiet_when_the_run_stopped
