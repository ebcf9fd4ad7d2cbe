"""Command line: ``pipeline extract``, ``pipeline eval``, ...

Exit status: 0 when every page was processed, 1 when some failed, 2 on a usage
error (typer's own for bad options; ours for paths that do not exist).
"""
from __future__ import annotations

import sys
from pathlib import Path

import typer

from pipeline import settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)


def _usage_error(message: str) -> None:
    typer.echo(f"usage error: {message}", err=True)
    raise typer.Exit(2)


@app.command()
def extract(
    paths: list[Path] = typer.Argument(None, help="Files and folders of pages (default: data/raw)."),
    out: Path = typer.Option(Path(settings.DEFAULT_PROCESSED), "--out", help="Output folder for the Parquet tables."),
) -> None:
    """Process HTML pages, text dumps (.txt), their .gz variants and WARC archives into Parquet."""
    from pipeline.run import extract as run_extract
    from pipeline.run import report_error

    paths = paths or [Path(settings.DEFAULT_RAW)]
    missing = [str(p) for p in paths if not p.exists()]
    if missing:
        _usage_error(f"no such file or folder: {', '.join(missing)}")
    if out.exists() and not out.is_dir():
        _usage_error(f"--out {out} is a file, not a folder")

    progress = None
    task = None
    if sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        from pipeline.sources import discover

        files, _ = discover(paths)
        progress = Progress(
            TextColumn("extract"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            transient=True, console=None,
        )
        progress.start()
        task = progress.add_task("pages", total=len(files))

    def on_result(result) -> None:
        for row in result.errors:
            if progress:
                progress.console.print(f"error: {row['source']}: {row['stage']}: {row['error']}", style="red", markup=False)
            else:
                report_error(row)
        if progress and "#" not in result.source:
            progress.advance(task)

    try:
        summary = run_extract(paths, out, on_result=on_result)
    finally:
        if progress:
            progress.stop()
    typer.echo(summary.line(), err=True)
    raise typer.Exit(summary.exit_code)


@app.command("eval")
def eval_(
    gold_dir: Path = typer.Argument(..., help="Folder of gold JSON files."),
    pages_dir: Path = typer.Argument(None, help="Folder of the pages the gold files name."),
    pred: Path = typer.Option(None, "--pred", help="Score an existing dataset folder instead of running."),
    json_path: Path = typer.Option(None, "--json", help="Also write the scores as JSON here."),
    floors: Path = typer.Option(None, "--floors", help="JSON {field: minimum F1}; exit 1 below it."),
) -> None:
    """Score extracted fields against gold annotations."""
    from pipeline.evaluate import run_eval

    if not gold_dir.is_dir():
        _usage_error(f"gold folder not found: {gold_dir}")
    if pages_dir is None and pred is None:
        _usage_error("give PAGES_DIR or --pred")
    raise typer.Exit(run_eval(gold_dir, pages_dir, pred, json_path, floors))


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    main()
