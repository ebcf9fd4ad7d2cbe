"""Imported once by the fork server of local worker processes: the models load here,
and every worker forked from it starts with them (``run._local_results``).

The server then runs one small page through the whole pipeline, so that what each
stage does on its first page only (compiling its patterns, pyarrow's first
conversion, lazy imports: 0.3-1.3 s, by the machine's speed) is done once here,
not in every worker.
"""

import signal

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

# Ctrl-C reaches the fork server too; while it loads, it would print a KeyboardInterrupt
# traceback of its own (the run says what it stopped). The server ignores SIGINT itself
# only once its preload is done.
try:
    _previous_sigint = signal.signal(signal.SIGINT, signal.SIG_IGN)
except ValueError:  # imported outside the main thread: nothing to change
    _previous_sigint = None
try:
    from pipeline import run
    from pipeline.sources import Page

    WARMED = not run.page_rows(Page(source="<warm-up>", data=WARM_UP_PAGE, kind="html"), run._worker_nlp()).errors
except Exception:  # noqa: BLE001 - a worker then builds its own on its first page
    pass
finally:
    if _previous_sigint is not None:
        signal.signal(signal.SIGINT, _previous_sigint)
