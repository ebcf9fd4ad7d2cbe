"""Benchmarks: ``python -m tools.bench [--quick | --pages N]`` from the repository (what ``make bench`` runs).

A corpus is generated from the sample pages of ``data/raw`` by ``tools/corpus.py`` (each
copy gets a small text variation, so content hashes and article ids differ), then:

Stage figures (issue 2), in this process, on ``--stage-pages`` pages (default 200):
  pages/s of the clean stage (decode + normalise + boilerplate removal) and of the
  tokenize stage (underthesea into the spaCy Doc); the whole per-page cost
  (``process_page``) relative to ``underthesea.word_tokenize`` alone on the same
  cleaned texts; each component's time relative to tokenization (doc_refs first).

Scale figures (issue 10), each run in a fresh ``pipeline extract`` subprocess on the
whole corpus (2,000 pages; 200 with ``--quick``): pages/s at 1 and 2 workers and on a
Dask LocalCluster of 2 workers (1 and 2 workers run twice, alternately: the faster
run of each counts), scaling efficiency, the machine's own speed-up at 2 processes
for a CPU-bound loop measured between those runs, peak resident memory per worker,
and an incremental re-run after adding 1% new pages relative to the full run; then
the same incremental figure on a corpus of ``--large-pages`` pages (default 10,000),
where the fixed cost of a run (imports, models, publish) weighs less, and a line
through the two corpora: the re-run's fixed cost, its cost per page of the corpus, and
the incremental figure projected at 100,000 pages (``incremental_projection``); and the
incremental figure on a Dask cluster that stays up between the full run and the re-run
(``standing_cluster``: its workers keep their models, as a cluster kept for weekly
re-crawls does).

Pathological shapes (issues 31, 32), each page alone in a fresh ``pipeline extract``
run (``tools/bench_hostile.py``): CPU and wall seconds beyond an ordinary page, peak
memory, and whether the page became an article or one error row (scale 0.1 with
``--quick``).

Every figure is a ratio against a baseline measured in the same run, and the table
names the machine's cores, memory and load (timings on a shared machine are noisy).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.corpus import ROOT, SAMPLES, make_corpus, make_distinct_corpus, sample_sentences


# --------------------------------------------------------------------------- machine
def machine() -> dict:
    mem = 0
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) * 1024
    except OSError:
        pass
    return {
        "cores": os.cpu_count(),
        "memory_gib": round(mem / 2**30, 1),
        "load_avg": os.getloadavg() if hasattr(os, "getloadavg") else None,
        "python": sys.version.split()[0],
    }


_SPIN = r"""
import sys, time
t0 = time.perf_counter()
x = 0
for i in range(int(sys.argv[1])):
    x += i * i % 7
print(time.perf_counter() - t0)
"""


def machine_speedup(loops: int = 15_000_000) -> float:
    """The machine's own speed-up at 2 processes, now: a CPU-bound Python loop timed in one
    process, then in two at once (the same loop each, the slower counts).

    On a shared machine this ceiling moves from minute to minute (1.56x to 2.40x in three
    tries a minute apart on 2026-12-03); the bench measures it between the worker runs,
    so that their speed-up can be read against what the machine gave meanwhile.
    """
    def spin(n: int) -> list[float]:
        procs = [subprocess.Popen([sys.executable, "-c", _SPIN, str(loops)], stdout=subprocess.PIPE, text=True) for _ in range(n)]
        return [float(p.communicate()[0]) for p in procs]

    one = spin(1)[0]
    return 2 * one / max(spin(2))


# --------------------------------------------------------------------------- stage figures
def stage_figures(corpus: Path, limit: int) -> dict:
    """Clean and tokenize throughput, per-page cost vs word_tokenize, component shares."""
    from underthesea import word_tokenize

    from pipeline.clean import clean_page
    from pipeline.decode import decode, normalize
    from pipeline.nlp import build_nlp
    from pipeline.page import process_page
    from pipeline.sources import Page, iter_pages

    pages = [p for p in iter_pages([corpus]) if isinstance(p, Page)][:limit]
    nlp = build_nlp()
    # warm up every model once (not timed)
    word_tokenize("Khởi động mô hình.")
    process_page(pages[0], nlp)
    unseen = unseen_pages(nlp)

    t0 = time.perf_counter()
    cleaned = []
    for p in pages:
        raw, _cs = decode(p.data, p.charset, html=p.kind == "html")
        cleaned.append(clean_page(normalize(raw), p.kind, p.url).text)
    t_clean = time.perf_counter() - t0

    t0 = time.perf_counter()
    for text in cleaned:
        word_tokenize(text)
    t_wt = time.perf_counter() - t0

    t0 = time.perf_counter()
    docs = [nlp.make_doc(text) for text in cleaned]
    t_tok = time.perf_counter() - t0

    comp = {name: 0.0 for name, _ in nlp.pipeline}
    for doc in docs:
        doc._.meta = {"article_id": "x", "published_date": None, "title": None, "url": None, "site": None}
        for name, proc in nlp.pipeline:
            t0 = time.perf_counter()
            try:
                doc = proc(doc)
            except Exception:  # noqa: BLE001 - a broken component is not a benchmark failure
                pass
            comp[name] += time.perf_counter() - t0

    # the whole page against word_tokenize alone, interleaved page by page so that a
    # change of machine load during the run weighs on both sides alike
    t_page = t_wt_pair = 0.0
    for p, text in zip(pages, cleaned):
        t0 = time.perf_counter()
        word_tokenize(text)
        t1 = time.perf_counter()
        process_page(p, nlp)
        t2 = time.perf_counter()
        t_wt_pair += t1 - t0
        t_page += t2 - t1
    n = len(pages)
    return {
        "pages": n,
        "clean_pages_per_s": n / t_clean,
        "tokenize_pages_per_s": n / t_tok,
        "word_tokenize_pages_per_s": n / t_wt,
        "process_page_pages_per_s": n / t_page,
        "page_cost_vs_word_tokenize": t_page / t_wt_pair,
        "tokenize_vs_word_tokenize": t_tok / t_wt,
        "unseen_tokenize_vs_word_tokenize": unseen["tokenize"],
        "unseen_page_cost_vs_word_tokenize": unseen["page"],
        "component_vs_tokenize": {name: s / t_tok for name, s in comp.items()},
    }


def unseen_pages(nlp) -> dict[str, float]:
    """Tokenize stage and whole page / word_tokenize, on pages the n-gram tables have not seen.

    The bench corpus repeats the samples, so after the first copies every syllable,
    pair and triple is in ``pipeline.segment``'s weight tables. Here each distinct
    sample page is timed after emptying the tables and filling them from the
    *other* samples only: its common words are known, its own pairs and triples
    mostly not, as for a new article in a real corpus. Median of three rounds.
    """
    import gc
    import statistics

    from underthesea import word_tokenize

    from pipeline.clean import clean_page
    from pipeline.decode import decode, normalize
    from pipeline.page import process_page
    from pipeline.segment import scorer, segment_many
    from pipeline.sources import Page, iter_pages

    pages, texts = [], []
    for p in iter_pages([SAMPLES]):
        if isinstance(p, Page):
            raw, _cs = decode(p.data, p.charset, html=p.kind == "html")
            pages.append(p)
            texts.append(clean_page(normalize(raw), p.kind, p.url).text)
    model = scorer()

    def unseen(i: int) -> None:
        if model is not None:
            model.forget()
            segment_many([t for j, t in enumerate(texts) if j != i])
        gc.collect()  # the filling above leaves garbage: collect it outside the timing

    def timed(f, *args) -> float:
        t0 = time.perf_counter()
        f(*args)
        return time.perf_counter() - t0

    tok, page = [], []
    for _round in range(3):
        t_tok = t_page = t_wt = 0.0
        for i, (p, text) in enumerate(zip(pages, texts)):
            unseen(i)
            t_tok += timed(nlp.make_doc, text)
            unseen(i)
            t_page += timed(process_page, p, nlp)
            t_wt += timed(word_tokenize, text)
        tok.append(t_tok / t_wt)
        page.append(t_page / t_wt)
    return {"tokenize": statistics.median(tok), "page": statistics.median(page)}


# --------------------------------------------------------------------------- distinct pages
SHARED = ROOT.parent / "shared"
DISTINCT_SETS = {"short (1.5 kchar)": 1500, "long (8 kchar)": 8000, "one sentence": 1}


def distinct_figures(root: Path, n_pages: int) -> dict:
    """Whole page / (sent_tokenize + word_tokenize) on pages the weight cache has not seen:
    generated distinct pages, short and long, pages of one sentence (the fixed per-page
    cost, in ms), and the real pages of ../shared/dev/texts and ../shared/seeds when present."""
    from pipeline.nlp import build_nlp

    nlp = build_nlp()
    sentences = sample_sentences()
    sets = {}
    for start, (name, chars) in enumerate(DISTINCT_SETS.items()):
        folder = root / f"distinct_{chars}"
        make_distinct_corpus(folder, n_pages, chars, sentences, start=start * 100_000)
        sets[name] = folder
    for name in ("dev/texts", "seeds"):
        if (SHARED / name).is_dir():
            sets[f"../shared/{name}"] = SHARED / name
    return {name: page_vs_word_tokenize(folder, nlp) for name, folder in sets.items()}


def page_vs_word_tokenize(folder: Path, nlp) -> dict:
    """Per task of pages, interleaved: sent_tokenize + word_tokenize of the cleaned texts,
    then ``pages_rows`` of the same pages (what a worker runs: every stage, the classifier
    over the task's pages at once, the schema check of their rows)."""
    from underthesea import sent_tokenize, word_tokenize

    from pipeline.clean import clean_page
    from pipeline.decode import decode, normalize
    from pipeline.executors.inprocess import InProcess
    from pipeline.page import pages_rows
    from pipeline.sources import Page, iter_pages

    pages = [p for p in iter_pages([folder]) if isinstance(p, Page)]
    texts = []
    for p in pages:
        raw, _cs = decode(p.data, p.charset, html=p.kind == "html")
        texts.append(clean_page(normalize(raw), p.kind, p.url).text)
    word_tokenize("Khởi động mô hình.")
    pages_rows(pages[:1], nlp)  # every model loaded once (not timed)
    t_page = t_wt = 0.0
    step = InProcess.task_pages
    for i in range(0, len(pages), step):
        t0 = time.perf_counter()
        for text in texts[i : i + step]:
            for sentence in sent_tokenize(text):
                word_tokenize(sentence)
        t1 = time.perf_counter()
        pages_rows(pages[i : i + step], nlp)
        t_page += time.perf_counter() - t1
        t_wt += t1 - t0
    n = len(pages)
    return {"pages": n, "mean_kchar": sum(map(len, texts)) / max(n, 1) / 1000,
            "page_ms": 1000 * t_page / n, "word_tokenize_ms": 1000 * t_wt / n, "ratio": t_page / t_wt}


def render_distinct(distinct: dict) -> str:
    lines = ["", "Distinct pages (whole page against sent_tokenize + word_tokenize of the same cleaned text):", "",
             "| pages | n | mean kchar | whole page ms | word_tokenize ms | ratio |", "|---|---|---|---|---|---|"]
    for name, f in distinct.items():
        lines.append(f"| {name} | {f['pages']} | {f['mean_kchar']:.1f} | {f['page_ms']:.1f} | {f['word_tokenize_ms']:.1f} | {f['ratio']:.2f}x |")
    return "\n".join(lines)


# --------------------------------------------------------------------------- scale figures
_CHILD = r"""
import json, os, resource, sys, threading, time
t0 = time.perf_counter()  # the import of the pipeline counts: a run pays it, however few its pages

# Worker processes forked from the fork server are its children, not this process's:
# RUSAGE_CHILDREN never counts them. Their peaks (VmHWM) are read from /proc meanwhile.
peaks, done = {}, threading.Event()
def descendants(pid):
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            kids = [int(k) for k in f.read().split()]
    except OSError:
        return []
    return kids + [d for k in kids for d in descendants(k)]
def watch():
    while not done.wait(0.2):
        for pid in descendants(os.getpid()):
            try:
                with open(f"/proc/{pid}/status") as f:
                    hwm = next((int(line.split()[1]) for line in f if line.startswith("VmHWM:")), 0)
                peaks[pid] = max(peaks.get(pid, 0), hwm)
            except (OSError, ValueError):
                pass
watcher = threading.Thread(target=watch, daemon=True)
watcher.start()

from pipeline.run import extract
args = json.loads(sys.argv[1])
s = extract(args["paths"], args["out"], workers=args["workers"], engine=args["engine"], batch_pages=args["batch_pages"],
            scheduler=args.get("scheduler"))
seconds = time.perf_counter() - t0
import multiprocessing
for p in multiprocessing.active_children():  # workers wind down after extract returns: reap them
    p.join()                                 # so that RUSAGE_CHILDREN counts them
done.set()
watcher.join()
print(json.dumps({
    "seconds": seconds, "pages": s.pages, "processed": s.processed, "skipped": s.skipped,
    "articles": s.articles, "errors": s.errors,
    "startup_seconds": s.startup_seconds, "publish_seconds": s.publish_seconds,
    "self_maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "children_maxrss_kib": max(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, max(peaks.values(), default=0)),
}))
"""


_PINNED: dict[str, str] = {}


def _child_env() -> dict[str, str]:
    """Every run of one bench uses the code key of its start: a file of the package
    edited meanwhile (a shared working tree) must not turn the incremental run into a full one."""
    from pipeline.incremental import code_key

    _PINNED.setdefault("PIPELINE_CODE_KEY", "bench-" + code_key().split("+", 1)[-1])
    return {**os.environ, **_PINNED}


def run_child(paths: list[Path], out: Path, workers: int, engine: str = "local", batch_pages: int = 200,
              scheduler: str | None = None) -> dict:
    """One ``extract`` in a fresh interpreter: seconds and peak memory.

    ``seconds`` runs from the import of ``pipeline.run`` to the end of ``extract``: all a
    run costs but the interpreter's own start (``wall_with_startup`` has that too).

    Peak memory per worker: the worker's own peak RSS; with 1 worker the
    extract runs in the child itself (RUSAGE_SELF), otherwise it is the largest
    peak among the worker processes: their VmHWM, read from /proc every 0.2 s
    while the child runs (workers forked from the fork server are not the child's
    own children, so RUSAGE_CHILDREN, also taken, misses them).
    """
    arg = json.dumps({"paths": [str(p) for p in paths], "out": str(out), "workers": workers, "engine": engine, "batch_pages": batch_pages,
                      "scheduler": scheduler})
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, arg], capture_output=True, text=True, cwd=ROOT, env=_child_env())
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"extract failed ({engine}, {workers} workers):\n{proc.stderr[-3000:]}")
    res = json.loads(proc.stdout.strip().splitlines()[-1])
    res["wall_with_startup"] = wall
    in_process = res["children_maxrss_kib"] == 0  # 1 worker, or few pages: no worker processes
    res["peak_mib_main"] = res["self_maxrss_kib"] / 1024
    res["peak_mib_per_worker"] = (res["self_maxrss_kib"] if in_process else res["children_maxrss_kib"]) / 1024
    res["pages_per_s"] = res["processed"] / res["seconds"] if res["seconds"] else 0.0
    steady = res["seconds"] - res["startup_seconds"] - res["publish_seconds"]
    res["steady_pages_per_s"] = (res["processed"] - 1) / steady if res["processed"] > 1 and steady > 0 else None
    return res


def scale_figures(root: Path, n_pages: int, with_dask: bool = True) -> dict:
    corpus = root / "corpus"
    make_corpus(corpus, n_pages)
    runs: dict[str, dict] = {}
    # 1 and 2 workers run twice, alternately, each time into an empty folder; the
    # faster run of each counts (as timeit does: on a shared machine, other jobs
    # only ever add time)
    tries: dict[str, list[dict]] = {"local_1": [], "local_2": []}
    machine_speedups = []
    for attempt in range(2):
        machine_speedups.append(machine_speedup())
        for key, workers in (("local_1", 1), ("local_2", 2)):
            out = root / f"out{workers}" if attempt == 0 else root / f"out{workers}-again"
            tries[key].append(run_child([corpus], out, workers))
    for key, runs_of_key in tries.items():
        runs[key] = min(runs_of_key, key=lambda r: r["seconds"])
        runs[key]["all_seconds"] = [r["seconds"] for r in runs_of_key]
    machine_speedups.append(machine_speedup())
    if with_dask:
        runs["dask_2"] = run_child([corpus], root / "out_dask", 2, engine="dask")
    # incremental: 1% new pages, re-run into the 2-worker output
    n_new = max(1, n_pages // 100)
    new = root / "corpus" / "zz_new"
    make_corpus(new, n_new, start=10_000)
    runs["incremental_2"] = run_child([corpus], root / "out2", 2)
    base = runs["local_1"]
    # the incremental re-run is compared with the full run into the same folder
    full_2 = tries["local_2"][0]
    fig = {
        "pages": n_pages,
        "new_pages": n_new,
        "runs": runs,
        "speedup_2_workers": runs["local_2"]["pages_per_s"] / base["pages_per_s"],
        "efficiency_2_workers": runs["local_2"]["pages_per_s"] / base["pages_per_s"] / 2,
        "incremental_vs_full": runs["incremental_2"]["seconds"] / full_2["seconds"],
        "full_2_seconds": full_2["seconds"],
        "machine_speedups": machine_speedups,
    }
    if with_dask:
        fig["speedup_dask_2"] = runs["dask_2"]["pages_per_s"] / base["pages_per_s"]
    return fig


def large_incremental(root: Path, n_pages: int) -> dict:
    """Full 2-worker run on ``n_pages`` pages, then a re-run after adding 1% new pages.

    A re-run pays a fixed cost (imports, models, publish, validation: ~2 s here)
    on top of its new pages; how much that weighs depends on the corpus, so the
    ratio is also measured on a corpus this size.
    """
    corpus = root / "corpus"
    make_corpus(corpus, n_pages)
    full = run_child([corpus], root / "out", 2)
    n_new = max(1, n_pages // 100)
    make_corpus(corpus / "zz_new", n_new, start=100_000)
    again = run_child([corpus], root / "out", 2)
    return {"pages": n_pages, "new_pages": n_new, "full": full, "incremental": again,
            "incremental_vs_full": again["seconds"] / full["seconds"]}


def standing_cluster(root: Path, n_pages: int, workers: int = 2) -> dict:
    """A full run, then a re-run with 1% new pages, both on one Dask cluster that stays up.

    A cluster started once (``dask scheduler`` and ``dask worker``, as the README says;
    here a LocalCluster of ``workers`` processes on loopback, started by this process)
    keeps its workers, and their models, between runs: the re-run pays no imports of
    spaCy or underthesea and no model loading, only the driver's reading, publishing
    and validation, and its new pages. The full run loads the models on the workers, as
    the first run on a new cluster does.
    """
    import logging

    from distributed import LocalCluster

    logging.getLogger("distributed").setLevel(logging.WARNING)  # not the scheduler's news among the figures
    corpus = root / "corpus"
    make_corpus(corpus, n_pages)
    # the workers, and any the nanny starts again, inherit the code key that the driver
    # pins (``_child_env``)
    _child_env()
    saved = {k: os.environ.get(k) for k in _PINNED}
    os.environ.update(_PINNED)
    try:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=None) as cluster:
            address = cluster.scheduler_address
            full = run_child([corpus], root / "out", workers, engine="dask", scheduler=address)
            n_new = max(1, n_pages // 100)
            make_corpus(corpus / "zz_new", n_new, start=200_000)
            again = run_child([corpus], root / "out", workers, engine="dask", scheduler=address)
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return {"pages": n_pages, "new_pages": n_new, "workers": workers, "full": full, "incremental": again,
            "incremental_vs_full": again["seconds"] / full["seconds"]}


def incremental_projection(scale: dict, large: dict, pages: int = 100_000) -> dict | None:
    """The incremental figure at ``pages``, from a line through the two corpora measured.

    A re-run costs a fixed part (start-up: imports, models, patterns) plus a part that
    grows with the corpus (listing its files, the state, rewriting and validating the
    published tables, and its 1% new pages); a full run is almost all per page. Two
    corpus sizes give both parts of each, hence the ratio at a corpus the size the
    issue is about, and its limit as the corpus grows.
    """
    n1, n2 = scale["pages"], large["pages"]
    if n2 <= n1:
        return None
    inc1, inc2 = scale["runs"]["incremental_2"]["seconds"], large["incremental"]["seconds"]
    full1, full2 = scale.get("full_2_seconds") or scale["runs"]["local_2"]["seconds"], large["full"]["seconds"]
    per_page_inc = (inc2 - inc1) / (n2 - n1)
    per_page_full = (full2 - full1) / (n2 - n1)
    if per_page_full <= 0 or per_page_inc < 0:
        return None  # noise larger than the signal: no line to draw
    fixed_inc = inc1 - per_page_inc * n1
    fixed_full = full1 - per_page_full * n1
    return {
        "pages": pages,
        "fixed_seconds": fixed_inc,
        "incremental_ms_per_page": 1000 * per_page_inc,
        "full_ms_per_page": 1000 * per_page_full,
        "ratio": (fixed_inc + per_page_inc * pages) / (fixed_full + per_page_full * pages),
        "limit": per_page_inc / per_page_full,
    }


# --------------------------------------------------------------------------- report
def render(m: dict, stage: dict | None, scale: dict | None, large: dict | None = None, standing: dict | None = None) -> str:
    out = []
    load = m["load_avg"]
    out.append(
        f"machine: {m['cores']} cores, {m['memory_gib']} GiB memory, "
        f"load average {load[0]:.1f}/{load[1]:.1f}/{load[2]:.1f} (shared machine: timings are noisy), "
        f"Python {m['python']}"
    )
    if stage:
        out.append("")
        out.append(f"Stages, one process, {stage['pages']} pages (baseline: underthesea.word_tokenize alone on the same cleaned texts)")
        out.append("| figure | value |")
        out.append("|---|---|")
        out.append(f"| clean stage (decode, normalise, boilerplate) | {stage['clean_pages_per_s']:.1f} pages/s |")
        out.append(f"| tokenize stage (underthesea into the Doc) | {stage['tokenize_pages_per_s']:.1f} pages/s |")
        out.append(f"| word_tokenize alone | {stage['word_tokenize_pages_per_s']:.1f} pages/s |")
        out.append(f"| whole page (process_page) | {stage['process_page_pages_per_s']:.1f} pages/s |")
        out.append(f"| whole per-page cost / word_tokenize | {stage['page_cost_vs_word_tokenize']:.2f}x (target <= 1.3x) |")
        out.append(f"| tokenize stage / word_tokenize | {stage['tokenize_vs_word_tokenize']:.2f}x |")
        if "unseen_page_cost_vs_word_tokenize" in stage:
            out.append(f"| whole per-page cost / word_tokenize, sample pages the n-gram tables have not seen | {stage['unseen_page_cost_vs_word_tokenize']:.2f}x |")
            out.append(f"| tokenize stage / word_tokenize, same unseen pages | {stage['unseen_tokenize_vs_word_tokenize']:.2f}x |")
        for name, r in stage["component_vs_tokenize"].items():
            out.append(f"| {name} extraction / tokenization | {100 * r:.1f}% |")
    if scale:
        runs = scale["runs"]
        out.append("")
        out.append(
            f"Scale, `pipeline extract` on {scale['pages']} generated pages (baseline: 1 worker, same run; "
            "pages/s counts worker start-up; seconds count the import of the pipeline, not the interpreter's start; "
            "1 and 2 workers: the faster of two runs)"
        )
        out.append("| run | pages processed | seconds (start-up, publish) | pages/s | steady pages/s | vs 1 worker (steady) | peak RSS per worker (main process) |")
        out.append("|---|---|---|---|---|---|---|")
        base = runs["local_1"]["pages_per_s"]
        base_steady = runs["local_1"]["steady_pages_per_s"]
        names = {"local_1": "local, 1 worker", "local_2": "local, 2 workers", "dask_2": "Dask LocalCluster, 2 workers",
                 "incremental_2": f"incremental re-run, +{scale['new_pages']} new pages (1%), 2 workers"}
        for key, label in names.items():
            if key not in runs:
                continue
            r = runs[key]
            steady = r["steady_pages_per_s"]
            if key == "incremental_2":
                ratio = f"{scale['incremental_vs_full']:.1%} of the full 2-worker run into that folder (target <= 5%)"
            else:
                ratio = f"{r['pages_per_s'] / base:.2f}x ({steady / base_steady:.2f}x)" if steady and base_steady else f"{r['pages_per_s'] / base:.2f}x"
            out.append(
                f"| {label} | {r['processed']} (of {r['pages']}) | {r['seconds']:.1f} ({r['startup_seconds']:.1f}, {r['publish_seconds']:.1f}) "
                f"| {r['pages_per_s']:.1f} | {f'{steady:.1f}' if steady else '-'} | {ratio} | {r['peak_mib_per_worker']:.0f} MiB ({r['peak_mib_main']:.0f} MiB) |"
            )
        out.append(
            f"| scaling efficiency at 2 workers | | | | | {scale['efficiency_2_workers']:.0%} (speed-up {scale['speedup_2_workers']:.2f}x, target >= 1.8x) | |"
        )
        if scale.get("machine_speedups"):
            ceiling = ", ".join(f"{x:.2f}x" for x in scale["machine_speedups"])
            out.append(f"| the machine itself: a CPU-bound Python loop, 2 processes vs 1, before each pair of runs and after | | | | | {ceiling} | |")
    if large:
        full, again = large["full"], large["incremental"]
        out.append("")
        out.append(f"Incremental at {large['pages']} generated pages, 2 workers (baseline: the full run, same corpus)")
        out.append("| run | pages processed | seconds (start-up, publish) | vs full run |")
        out.append("|---|---|---|---|")
        out.append(f"| full | {full['processed']} | {full['seconds']:.1f} ({full['startup_seconds']:.1f}, {full['publish_seconds']:.1f}) | |")
        out.append(
            f"| re-run, +{large['new_pages']} new pages (1%) | {again['processed']} (of {again['pages']}) "
            f"| {again['seconds']:.1f} ({again['startup_seconds']:.1f}, {again['publish_seconds']:.1f}) "
            f"| {large['incremental_vs_full']:.1%} (target <= 5%) |"
        )
        proj = large.get("projection")
        if proj:
            out.append(
                f"| projected at {proj['pages']} pages: a line through both corpora (re-run: {proj['fixed_seconds']:.1f} s fixed "
                f"+ {proj['incremental_ms_per_page']:.2f} ms per page of the corpus; full run: {proj['full_ms_per_page']:.1f} ms per page) "
                f"| | | {proj['ratio']:.1%} (limit as the corpus grows: {proj['limit']:.1%}) |"
            )
    if standing:
        full, again = standing["full"], standing["incremental"]
        out.append("")
        out.append(
            f"Incremental on a standing Dask cluster ({standing['workers']} workers that stay up between runs, with their models), "
            f"{standing['pages']} generated pages (baseline: the full run on the same cluster, which loads the models)"
        )
        out.append("| run | pages processed | seconds (start-up, publish) | vs full run |")
        out.append("|---|---|---|---|")
        out.append(f"| full | {full['processed']} | {full['seconds']:.1f} ({full['startup_seconds']:.1f}, {full['publish_seconds']:.1f}) | |")
        out.append(
            f"| re-run, +{standing['new_pages']} new pages (1%) | {again['processed']} (of {again['pages']}) "
            f"| {again['seconds']:.1f} ({again['startup_seconds']:.1f}, {again['publish_seconds']:.1f}) "
            f"| {standing['incremental_vs_full']:.1%} (target <= 5%) |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="200 pages instead of 2,000")
    ap.add_argument("--pages", type=int, help="pages of the scale corpus (default 2000, 200 with --quick)")
    ap.add_argument("--stage-pages", type=int, default=200, help="pages for the stage figures (default 200)")
    ap.add_argument("--no-dask", action="store_true", help="skip the Dask LocalCluster run")
    ap.add_argument("--large-pages", type=int, help="corpus of the second incremental figure (default 10000, none with --quick; 0: none)")
    ap.add_argument("--distinct-pages", type=int, default=150, help="pages of each distinct set (default 150, 40 with --quick)")
    ap.add_argument("--only", choices=("stages", "distinct", "scale", "pathological"), help="run one part only")
    ap.add_argument("--json", type=Path, help="also write the figures as JSON here")
    ap.add_argument("--keep", type=Path, help="work in this folder and keep it (default: a temporary folder)")
    args = ap.parse_args(argv)
    n_pages = args.pages or (200 if args.quick else 2000)

    root = args.keep or Path(tempfile.mkdtemp(prefix="pipeline-bench-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        stage = scale = None
        if args.only in (None, "stages"):
            corpus = root / "stage_corpus"
            make_corpus(corpus, args.stage_pages)
            stage = stage_figures(corpus, args.stage_pages)
        distinct = None
        if args.only in (None, "distinct"):
            distinct = distinct_figures(root, 40 if args.quick and args.distinct_pages == 150 else args.distinct_pages)
        large = standing = None
        if args.only in (None, "scale"):
            scale = scale_figures(root / "scale", n_pages, with_dask=not args.no_dask)
            n_large = args.large_pages if args.large_pages is not None else (0 if args.quick else 10_000)
            if n_large:
                large = large_incremental(root / "large", n_large)
                large["projection"] = incremental_projection(scale, large)
            if not args.no_dask:
                standing = standing_cluster(root / "standing", n_pages)
        shapes = None
        if args.only in (None, "pathological"):
            from tools import bench_hostile

            shapes = bench_hostile.measure(scale=0.1 if args.quick else 1.0)
        m = machine()
        print(render(m, stage, scale, large, standing) + (render_distinct(distinct) if distinct else "")
              + ("\n" + bench_hostile.render(shapes) if shapes else ""))
        if args.json:
            args.json.write_text(json.dumps({"machine": m, "stages": stage, "scale": scale, "large": large,
                                             "standing": standing, "distinct": distinct, "pathological": shapes},
                                            indent=2, default=str))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
