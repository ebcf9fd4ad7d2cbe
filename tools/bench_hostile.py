"""Time and peak memory of each pathological page shape (tests/hostile/pathological.py).

Each shape is run by its own ``pipeline extract --workers 1`` process, beside a run over
the ordinary article alone in the same sitting: a shape's figure is its run minus that
baseline, so start-up cancels. CPU seconds (user + system of the run) are the figure to
read on a shared machine; wall seconds grow with the load beside. What the page became
(article or error stage) is read from the tables. ``python -m tools.bench`` (``make
bench``) runs this too, as its pathological-shapes part.

    .venv/bin/python tools/bench_hostile.py [--scale 1.0] [--only NAME ...] [--json FILE]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "tests" / "hostile"), str(REPO / "tests" / "fixtures")]

from corpus import BODY, TITLE, page  # noqa: E402
from pathological import SHAPES  # noqa: E402


def run_one(name: str, data: bytes, suffix: str, root: Path) -> dict:
    """One extract run over one page: seconds, peak RSS of the child, what came out."""
    raw, out = root / name / "raw", root / name / "out"
    raw.mkdir(parents=True)
    (raw / f"{name}{suffix}").write_bytes(data)
    code = (
        "import resource, subprocess, sys, time, json;"
        "t = time.perf_counter();"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True);"
        "print(json.dumps({'seconds': time.perf_counter() - t, 'rc': done.returncode,"
        " 'cpu_seconds': (lambda u: u.ru_utime + u.ru_stime)(resource.getrusage(resource.RUSAGE_CHILDREN)),"
        " 'peak_kib': resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, 'stderr': done.stderr[-500:]}))"
    )
    cmd = [sys.executable, "-c", code, str(REPO / ".venv" / "bin" / "pipeline"), "extract", str(raw),
           "--out", str(out), "--workers", "1"]
    measured = json.loads(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    return {**measured, "bytes": len(data), "outcome": _outcome(out)}


def _outcome(out: Path) -> str:
    import pyarrow.parquet as pq

    errors = pq.read_table(out / "errors.parquet").to_pylist() if (out / "errors.parquet").exists() else []
    if errors:
        return f"error row ({errors[0]['stage']}: {errors[0]['error'][:60]})"
    articles = pq.read_table(out / "articles.parquet", columns=["text"]).to_pylist()
    return f"article ({len(articles[0]['text']):,} chars of text)" if articles else "nothing"


def measure(names: list[str] | None = None, scale: float = 1.0) -> dict:
    """The baseline run and each shape's run, with its figures beyond the baseline."""
    figures = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        root = Path(tmp)
        base = run_one("baseline", page(TITLE, BODY).encode("utf-8"), ".html", root)
        for name in names or list(SHAPES):
            what, suffix, build = SHAPES[name]
            fig = run_one(name, build(scale), suffix, root)
            fig["marginal_seconds"] = max(0.0, fig["seconds"] - base["seconds"])
            fig["marginal_cpu_seconds"] = max(0.0, fig["cpu_seconds"] - base["cpu_seconds"])
            figures[name] = {"what": what, **fig}
            print(f"{name:16} {fig['bytes'] / 2**20:7.2f} MiB  cpu {fig['marginal_cpu_seconds']:6.2f} s  "
                  f"wall {fig['marginal_seconds']:6.2f} s  {fig['peak_kib'] / 1024:5.0f} MiB  {fig['outcome']}",
                  file=sys.stderr)
    return {"scale": scale, "baseline": base, "shapes": figures, "load_avg": os.getloadavg()}


def render(result: dict) -> str:
    """The figures as the Markdown table of docs/robustness.md."""
    base = result["baseline"]
    lines = [f"Pathological shapes (scale {result['scale']}; one ordinary article alone: {base['cpu_seconds']:.1f} s CPU, "
             f"{base['seconds']:.1f} s wall, {base['peak_kib'] / 1024:.0f} MiB; "
             f"load {', '.join(f'{x:.1f}' for x in result['load_avg'])} at the end)", "",
             "| shape | size | CPU time beyond an ordinary page | wall time beyond it | peak RSS of the run | result |",
             "|---|---|---|---|---|---|"]
    for fig in result["shapes"].values():
        lines.append(f"| {fig['what']} | {fig['bytes'] / 2**20:.2f} MiB | {fig['marginal_cpu_seconds']:.1f} s "
                     f"| {fig['marginal_seconds']:.1f} s | {fig['peak_kib'] / 1024:.0f} MiB | {fig['outcome']} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--scale", type=float, default=1.0, help="size of the shapes (1.0: the documented sizes)")
    ap.add_argument("--only", nargs="*", default=None, help="shape names")
    ap.add_argument("--json", type=Path, help="write the figures here too")
    args = ap.parse_args(argv)
    result = measure(args.only, args.scale)
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
