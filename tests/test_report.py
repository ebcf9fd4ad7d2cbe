"""pipeline.report: one self-contained HTML file; headless Chromium renders its charts and tables."""
import json
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline.report import build_html, write_report
import analyst_dataset  # tests/fixtures, on sys.path through conftest.py
import browser


CHARTS = {"chart-articles-per-site", "chart-articles-per-month", "chart-top-documents",
          "chart-citations-per-month", "chart-solutions-by-topic"}
TABLES = {"table-articles-per-site-month", "table-articles-per-topic", "table-top-documents",
          "table-top-documents-by-year", "table-member-counts", "table-counts-by-unit",
          "table-solutions-by-topic", "table-errors-by-stage", "table-errors"}


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    data = analyst_dataset.write_dataset(tmp_path_factory.mktemp("dataset"))
    return write_report(data, data / "report.html")


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: dict[str, str] = {}
        self.resources: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids[attrs["id"]] = tag
        for key in ("src", "href", "xlink:href"):
            value = attrs.get(key) or ""
            if value and not value.startswith("#"):
                self.resources.append(f"{tag} {key}={value}")


def test_report_has_every_chart_and_table(report):
    parser = _Ids()
    parser.feed(report.read_text(encoding="utf-8"))
    assert {i for i, tag in parser.ids.items() if tag == "figure"} >= CHARTS
    assert {i for i, tag in parser.ids.items() if tag == "table"} >= TABLES


def test_report_is_self_contained(report):
    text = report.read_text(encoding="utf-8")
    parser = _Ids()
    parser.feed(text)
    assert parser.resources == []  # no src/href but in-page anchors
    assert set(re.findall(r"url\((.)", text)) <= {"#"} and "@import" not in text
    # the only URLs are the SVG namespace names, which are never fetched
    assert set(re.findall(r"https?://[^\s\"'<>)]+", text)) <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def test_ids_are_unique(report):
    ids = re.findall(r'\bid="([^"]+)"', report.read_text(encoding="utf-8"))
    assert len(ids) == len(set(ids))


def test_report_numbers_and_vietnamese(report):
    text = report.read_text(encoding="utf-8")
    assert "21-NQ/TW" in text and "về tăng cường củng cố tổ chức cơ sở đảng" in text
    assert "Toàn Đảng bộ xã" in text and "3,250" in text
    assert "no main text (12 characters left)" in text
    assert '<td class="num">2024</td>' in text and "2,024" not in text  # years are not thousands


def test_empty_dataset_gives_a_report_without_charts(tmp_path):
    rows = {name: [] for name in analyst_dataset.rows()}
    data = analyst_dataset.write_dataset(tmp_path, rows)
    text = build_html(data)
    assert "<svg" not in text
    assert 'id="chart-top-documents-empty"' in text and 'id="table-errors-empty"' in text


def test_missing_tables_are_named_not_fatal(tmp_path):
    data = analyst_dataset.write_dataset(tmp_path)
    (data / "solutions.parquet").unlink()
    (data / "errors.parquet").unlink()
    text = build_html(data)
    assert "Missing tables" in text and "solutions" in text
    assert "Not available" in text
    assert 'id="chart-top-documents"' in text


def test_cli_report_default_output(tmp_path):
    from typer.testing import CliRunner

    from pipeline.cli import app

    data = analyst_dataset.write_dataset(tmp_path)
    result = CliRunner().invoke(app, ["report", "--data", str(data)])
    assert result.exit_code == 0, result.output
    assert (data / "report.html").is_file()


# ----------------------------------------------------------------- headless Chromium

# Measures what the browser laid out.
PROBE = """
const box = (el) => { const r = el.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; };
return {
  charts: Object.fromEntries([...document.querySelectorAll("figure.chart")].map(f => [f.id, box(f.querySelector("svg"))])),
  paths: Object.fromEntries([...document.querySelectorAll("figure.chart")].map(f => [f.id, f.querySelectorAll("path, use").length])),
  tables: Object.fromEntries([...document.querySelectorAll("table.data")].map(t => [t.id, t.tBodies[0].rows.length])),
  title: document.title,
};
"""


@pytest.mark.skipif(browser.CHROMIUM is None, reason="chromium not installed")
def test_chromium_renders_charts_and_tables(report, tmp_path):
    probe = browser.probe(report, PROBE, tmp_path / "profile")
    assert set(probe["charts"]) >= CHARTS
    for chart, (width, height) in probe["charts"].items():
        assert width > 200 and height > 100, (chart, width, height)
        assert probe["paths"][chart] > 10, chart  # bars, axes and glyphs were drawn
    assert set(probe["tables"]) >= TABLES
    assert probe["tables"]["table-top-documents"] == 2
    assert probe["tables"]["table-member-counts"] == 3
    assert probe["tables"]["table-errors"] == 1
    assert probe["title"].startswith("Dataset report")
