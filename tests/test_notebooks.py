"""The notebooks run top to bottom (tools/run_notebooks.py) on a small dataset, and a failing cell fails the run."""
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import analyst_dataset  # tests/fixtures, on sys.path through conftest.py
import browser


REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "tools" / "run_notebooks.py"
NOTEBOOKS = sorted((REPO / "notebooks").glob("*.py"))

pytestmark = pytest.mark.slow  # starts a Jupyter kernel per notebook (a few seconds each)


def _run(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(RUNNER), *map(str, args)], capture_output=True, text=True,
                          timeout=600, cwd=REPO, env=env)


@pytest.fixture(scope="module")
def executed(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    tmp = tmp_path_factory.mktemp("notebooks")
    data = analyst_dataset.write_dataset(tmp / "processed")
    return _run("--data", data, "--out", tmp / "executed"), tmp / "executed"


def test_there_are_notebooks_as_percent_scripts():
    names = {p.stem for p in NOTEBOOKS}
    assert {"overview", "article_drilldown"} <= names
    for path in NOTEBOOKS:
        text = path.read_text(encoding="utf-8")
        assert "format_name: percent" in text and "# %%" in text, path
        # they read the processed dataset only
        assert "PROCESSED_DIR" in text and "data/raw" not in text and "shared" not in text, path


def test_every_notebook_runs(executed):
    done, out = executed
    assert done.returncode == 0, done.stderr[-3000:]
    for path in NOTEBOOKS:
        assert f"ok     notebooks/{path.name}" in done.stderr
        assert (out / f"{path.stem}.ipynb").is_file() and (out / f"{path.stem}.html").is_file()


def _outputs(path: Path) -> list[dict]:
    nb = nbformat.read(path, as_version=4)
    return [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]


def test_overview_draws_plots(executed):
    _, out = executed
    outputs = _outputs(out / "overview.ipynb")
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 4  # site and year, top documents, timeline, member counts
    html = "".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    assert "21-NQ/TW" in html and "Toàn Đảng bộ xã" in html


def test_drilldown_highlights_extractions_with_displacy(executed):
    _, out = executed
    outputs = _outputs(out / "article_drilldown.ipynb")
    html = "".join(o["data"].get("text/html", "") for o in outputs if "data" in o)
    assert 'class="entities"' in html
    for label in ("DOC_REF", "DATE", "COUNT", "ENTITY", "SOLUTION 0.1"):
        assert label in html, label
    first = next(o["data"]["text/html"] for o in outputs
                 if 'class="entities"' in o.get("data", {}).get("text/html", ""))
    # article a1: 1 reference, 1 entity, 2 counts, 2 dates of which the issue date lies inside the reference
    assert first.count("<mark") == 5
    assert "Nghị quyết số 21-NQ/TW ngày 16/6/2022" in first and first.count("16/6/2022") == 1
    text = "".join(o.get("text", "") for o in outputs if o.get("output_type") == "stream")
    assert "Sơ kết Nghị quyết 21 ở xã Tân Phú" in text


# Every image of the page, as the browser decoded it, and the tables it laid out.
IMAGES_AND_TABLES = """
return {
  images: [...document.images].map(i => [i.naturalWidth, i.naturalHeight, i.getBoundingClientRect().width]),
  tables: [...document.querySelectorAll("table")].map(t => t.rows.length),
  errors: document.querySelectorAll(".jp-RenderedText[data-mime-type='application/vnd.jupyter.stderr']").length,
};
"""


@pytest.mark.skipif(browser.CHROMIUM is None, reason="chromium not installed")
def test_chromium_renders_the_executed_overview(executed, tmp_path):
    _, out = executed
    probe = browser.probe(out / "overview.html", IMAGES_AND_TABLES, tmp_path / "profile")
    assert len(probe["images"]) >= 4
    for width, height, shown in probe["images"]:
        assert width > 300 and height > 150 and shown > 200, (width, height, shown)  # a decoded plot, laid out
    assert probe["tables"] and max(probe["tables"]) >= 3
    assert probe["errors"] == 0


def test_a_failing_cell_fails_the_run(tmp_path):
    bad = tmp_path / "broken.py"
    bad.write_text("# %%\nx = 1\n\n# %%\nraise ValueError('hỏng rồi')\n", encoding="utf-8")
    done = _run(bad)
    assert done.returncode == 1
    assert "FAILED" in done.stderr and "ValueError" in done.stderr


def test_missing_dataset_fails_clearly(tmp_path):
    done = _run(REPO / "notebooks" / "overview.py", "--data", tmp_path / "nothing")
    assert done.returncode == 1
    assert "FileNotFoundError" in done.stderr
