"""Execute every notebook of ``notebooks/`` top to bottom; exit 1 if any cell fails.

The jupytext scripts (``notebooks/*.py``, percent format) are the source of
truth: each is converted to a notebook in memory and run by nbclient with the
``python3`` kernel of *this* interpreter (jupyter_client starts ``python`` of a
kernelspec as ``sys.executable``), so the venv's packages are the ones used.
Nothing is registered globally: the runtime files of the kernel go to a
temporary folder. ``--out DIR`` keeps each executed notebook there twice: ``.ipynb``
with its outputs, and a standalone ``.html`` page (plots inline) to read without Jupyter.

    .venv/bin/python tools/run_notebooks.py [NOTEBOOK.py ...] [--data DIR] [--out DIR]
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
NOTEBOOKS = REPO / "notebooks"


def execute(path: Path, cwd: Path, timeout: int = 600, out_dir: Path | None = None) -> str | None:
    """Run one notebook; None when every cell ran, else what failed."""
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    from jupyter_client.manager import KernelManager

    nb = jupytext.read(path)
    # IPC sockets in the temporary runtime folder: nothing listens on TCP
    km = KernelManager(kernel_name="python3", transport="ipc",
                       ip=str(Path(os.environ["JUPYTER_RUNTIME_DIR"]) / "kernel-ipc"))
    client = NotebookClient(
        nb, km=km, kernel_name="python3", timeout=timeout, resources={"metadata": {"path": str(cwd)}},
    )
    error = None
    try:
        client.execute()
    except CellExecutionError as exc:
        error = str(exc).strip().splitlines()[-1] if str(exc).strip() else "a cell failed"
        cells = [c for c in nb.cells if c.get("cell_type") == "code" and any(
            o.get("output_type") == "error" for o in c.get("outputs", []))]
        if cells:
            error = f"cell starting {cells[0].source.splitlines()[0][:60]!r}: {error}"
    except (DeadKernelError, TimeoutError, RuntimeError) as exc:
        error = f"{type(exc).__name__}: {exc}"
    finally:
        if km.has_kernel:  # nbclient leaves a kernel it did not create running
            km.shutdown_kernel(now=True)
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        nbformat.write(nb, out_dir / f"{path.stem}.ipynb")
        write_html(nb, out_dir / f"{path.stem}.html")
    return error


def write_html(nb, path: Path) -> None:
    """The executed notebook as one page: images embedded, no code prompts."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", exclude_input_prompt=True, exclude_output_prompt=True)
    body, _ = exporter.from_notebook_node(nb)
    path.write_text(body, encoding="utf-8")


def run_notebooks(paths: list[Path], data_dir: Path | None = None, out_dir: Path | None = None,
                  timeout: int = 600, stream=sys.stderr) -> int:
    """Execute ``paths``; print one line per notebook; the exit status."""
    if data_dir is not None:
        os.environ["PROCESSED_DIR"] = str(Path(data_dir).resolve())
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")
    failed = 0
    with tempfile.TemporaryDirectory(prefix="run-notebooks-") as tmp:
        os.environ["JUPYTER_RUNTIME_DIR"] = tmp  # connection files, not in ~/.local
        os.environ.setdefault("IPYTHONDIR", str(Path(tmp) / "ipython"))
        for path in paths:
            started = time.perf_counter()
            error = execute(path, REPO, timeout, out_dir)
            took = time.perf_counter() - started
            if error:
                failed += 1
                print(f"FAILED {path.relative_to(REPO) if path.is_relative_to(REPO) else path} ({took:.1f}s): {error}",
                      file=stream)
            else:
                print(f"ok     {path.relative_to(REPO) if path.is_relative_to(REPO) else path} ({took:.1f}s)",
                      file=stream)
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: notebooks/*.py")
    parser.add_argument("--data", type=Path, help="dataset folder (sets PROCESSED_DIR; default data/processed)")
    parser.add_argument("--out", type=Path, help="keep the executed notebooks here (.ipynb and .html)")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted(NOTEBOOKS.glob("*.py"))
    if not paths:
        print("no notebooks found", file=sys.stderr)
        return 1
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        print(f"usage error: no such notebook: {', '.join(missing)}", file=sys.stderr)
        return 2
    return run_notebooks(paths, args.data, args.out, args.timeout)


if __name__ == "__main__":
    sys.exit(main())
