"""``pipeline report``: one self-contained HTML file about a dataset.

Everything is inline: the CSS, the charts (SVG drawn by matplotlib, text as
paths so no font is needed) and the tables, so the file can be mailed or
opened offline; it names no external URL. The numbers come from the saved
queries of ``pipeline/queries`` over the same DuckDB views ``pipeline query``
uses, so the report and the command line always agree.
"""
from __future__ import annotations

import html
import io
import re
from datetime import datetime, timezone
from pathlib import Path

import duckdb

from pipeline.query import connect, saved_queries

MAX_ROWS = 50  # rows per table in the report

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif;
       margin: 2rem auto; max-width: 72rem; padding: 0 1rem; color: #1f2328; line-height: 1.45; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.25rem; border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; margin-top: 2.2rem; }
.meta { color: #59636e; font-size: .9rem; }
.cards { display: flex; flex-wrap: wrap; gap: .8rem; margin: 1rem 0; }
.card { border: 1px solid #d0d7de; border-radius: 6px; padding: .6rem 1rem; min-width: 8rem; }
.card .n { font-size: 1.5rem; font-weight: 600; }
.card .label { color: #59636e; font-size: .85rem; }
table.data { border-collapse: collapse; margin: .8rem 0; font-size: .88rem; }
table.data th, table.data td { border: 1px solid #d0d7de; padding: .25rem .55rem; vertical-align: top; }
table.data th { background: #f6f8fa; text-align: left; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
figure.chart { margin: 1rem 0; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { color: #59636e; font-size: .85rem; }
p.empty { color: #59636e; font-style: italic; }
"""


class _Data:
    """The dataset's views and the saved queries, with a safe ``rows``."""

    def __init__(self, data_dir: Path):
        self.missing: list[str] = []
        self.con = connect(data_dir, warn=self.missing.append)
        self.queries = saved_queries()

    def rows(self, sql_or_name: str) -> tuple[list[str], list[tuple]] | None:
        sql = self.queries[sql_or_name].sql if sql_or_name in self.queries else sql_or_name
        try:
            rel = self.con.sql(sql)
            return list(rel.columns), rel.fetchall()
        except duckdb.Error:
            return None  # a table is missing or of another shape: the section says so

    def scalar(self, sql: str, default=None):
        result = self.rows(sql)
        return result[1][0][0] if result and result[1] else default


# ---------------------------------------------------------------- pieces of HTML

def _esc(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,.2f}"
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}"
    return html.escape(str(value))


def _table(result, table_id: str, caption: str | None = None, limit: int = MAX_ROWS) -> str:
    if result is None:
        return '<p class="empty">Not available: a table is missing from the dataset.</p>'
    columns, rows = result
    if not rows:
        return f'<p class="empty" id="{table_id}-empty">No rows.</p>'
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = []
    for row in rows[:limit]:
        cells = []
        for column, value in zip(columns, row):
            numeric = isinstance(value, (int, float)) and not isinstance(value, bool)
            if numeric and (column == "year" or column.endswith("_year")):
                value = str(value)  # 2023, not 2,023
            cells.append(f'<td class="num">{_esc(value)}</td>' if numeric else f"<td>{_esc(value)}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    more = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    note = f'<p class="meta">First {limit} of {len(rows)} rows.</p>' if len(rows) > limit else ""
    return (
        f'<table class="data" id="{table_id}">{more}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{note}"
    )


def _svg(fig, prefix: str) -> str:
    """The figure as inline SVG whose ids are prefixed (several SVGs share one HTML document)."""
    buf = io.StringIO()
    # no metadata block (it names creativecommons.org, purl.org and matplotlib.org)
    fig.savefig(buf, format="svg", bbox_inches="tight",
                metadata={"Date": None, "Creator": None, "Format": None, "Type": None})
    svg = buf.getvalue()
    svg = svg[svg.index("<svg"):]  # drop the XML prolog and DOCTYPE (they name a URL)
    svg = re.sub(r'\bid="([^"]+)"', rf'id="{prefix}-\1"', svg)
    return re.sub(r'(href="#|url\(#)([^")]+)', rf"\1{prefix}-\2", svg)


def _chart(chart_id: str, caption: str, draw, *args) -> str:
    """A figure drawn by ``draw(ax, *args)``; a note instead when there is nothing to draw."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8, 3.6))
    ax = fig.add_subplot()
    if draw(ax, *args) is False:
        return f'<p class="empty" id="{chart_id}-empty">No data for: {html.escape(caption)}.</p>'
    ax.spines[["top", "right"]].set_visible(False)
    svg = _svg(fig, chart_id)
    return f'<figure class="chart" id="{chart_id}">{svg}<figcaption>{html.escape(caption)}</figcaption></figure>'


def _barh(ax, result, label_col: int, value_col: int, top: int = 15):
    if not result or not result[1]:
        return False
    rows = [r for r in result[1] if r[value_col] is not None][:top]
    if not rows:
        return False
    labels = [str(r[label_col]) if r[label_col] is not None else "(none)" for r in rows][::-1]
    values = [r[value_col] for r in rows][::-1]
    ax.barh(labels, values, color="#2f6fb0")
    ax.set_xlabel(result[0][value_col])
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.figure.set_size_inches(8, max(2.2, 0.32 * len(rows) + 1))
    return True


def _monthly(ax, result, month_col: int, value_col: int, series_col: int | None = None):
    if not result or not result[1]:
        return False
    rows = [r for r in result[1] if r[month_col] is not None]
    if not rows:
        return False
    if series_col is None:
        months = [r[month_col] for r in rows]
        ax.bar(months, [r[value_col] for r in rows], width=20, color="#2f6fb0")
    else:
        series: dict[str, dict] = {}
        for r in rows:
            series.setdefault(str(r[series_col]), {})[r[month_col]] = r[value_col]
        for name, points in sorted(series.items(), key=lambda kv: -sum(kv[1].values()))[:8]:
            xs = sorted(points)
            ax.plot(xs, [points[x] for x in xs], marker="o", label=name)
        ax.legend(fontsize=7, frameon=False)
    ax.set_ylabel(result[0][value_col])
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.figure.autofmt_xdate()
    return True


def _stacked(ax, result, group_col: int, stack_col: int, value_col: int):
    if not result or not result[1]:
        return False
    groups = sorted({str(r[group_col]) for r in result[1]})
    stacks = sorted({str(r[stack_col]) for r in result[1]})
    values = {(str(r[group_col]), str(r[stack_col])): r[value_col] for r in result[1]}
    left = [0] * len(groups)
    for stack in stacks:
        widths = [values.get((g, stack), 0) or 0 for g in groups]
        ax.barh(groups, widths, left=left, label=stack)
        left = [a + b for a, b in zip(left, widths)]
    ax.invert_yaxis()
    ax.legend(fontsize=8, frameon=False)
    ax.set_xlabel(result[0][value_col])
    ax.figure.set_size_inches(8, max(2.2, 0.35 * len(groups) + 1))
    return True


def _cards(items: list[tuple[str, object]]) -> str:
    return '<div class="cards">' + "".join(
        f'<div class="card"><div class="n">{_esc(n)}</div><div class="label">{html.escape(label)}</div></div>'
        for label, n in items
    ) + "</div>"


# ---------------------------------------------------------------- the report

def build_html(data_dir: Path) -> str:
    """The report of ``data_dir`` as one HTML string."""
    data = _Data(Path(data_dir))
    try:
        return _build(data, Path(data_dir))
    finally:
        data.con.close()


def _build(data: _Data, data_dir: Path) -> str:
    n_articles = data.scalar("select count(*) from articles", 0)
    first = data.scalar("select min(published_date) from articles")
    last = data.scalar("select max(published_date) from articles")
    versions = data.rows("select distinct pipeline_version from articles order by 1")
    version = ", ".join(str(r[0]) for r in versions[1]) if versions and versions[1] else "?"
    cards = _cards([
        ("articles", n_articles),
        ("sites", data.scalar("select count(distinct coalesce(site, publisher)) from articles", 0)),
        ("party-building articles", data.scalar("select count(*) filter (where is_party_building) from articles", 0)),
        ("document mentions", data.scalar("select count(*) from doc_refs", 0)),
        ("distinct documents", data.scalar("select count(distinct canonical) from doc_refs", 0)),
        ("dates", data.scalar("select count(*) from dates", 0)),
        ("counts", data.scalar("select count(*) from counts", 0)),
        ("solution items", data.scalar("select count(*) from solutions", 0)),
        ("entities", data.scalar("select count(*) from entities", 0)),
        ("errors", data.scalar("select count(*) from errors", 0)),
    ])
    missing = (
        '<p class="meta">Missing tables: ' + html.escape("; ".join(data.missing)) + "</p>" if data.missing else ""
    )

    per_site = data.rows(
        "select coalesce(site, publisher, '(unknown)') as site, count(*) as articles from articles group by 1 order by 2 desc, 1"
    )
    per_month = data.rows(
        "select date_trunc('month', published_date)::date as month, count(*) as articles from articles "
        "where published_date is not null group by 1 order by 1"
    )
    site_month = data.rows("articles_per_site_per_month")
    top_docs = data.rows("most_cited_documents")
    by_year = data.rows("most_cited_documents_by_year")
    timeline = data.rows("citations_per_month")
    members = data.rows("member_counts_by_organisation_province")
    units = data.rows("counts_by_unit")
    solutions = data.rows("solutions_by_topic")
    topics = data.rows("articles_per_topic")
    errors_by_stage = data.rows("errors_by_stage")
    errors = data.rows("select stage, source, error, processed_at from errors order by processed_at desc, source limit 1000")

    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    sections = [
        f"<h1>Party-building news dataset</h1>"
        f'<p class="meta">{html.escape(str(data_dir))} · pipeline {html.escape(version)} · '
        f"published {_esc(first) or '?'} to {_esc(last) or '?'} · generated {generated}</p>",
        '<section id="corpus"><h2>Corpus</h2>' + cards + missing
        + _chart("chart-articles-per-site", "Articles per site", _barh, per_site, 0, 1)
        + _chart("chart-articles-per-month", "Articles per month of publication", _monthly, per_month, 0, 1)
        + _table(site_month, "table-articles-per-site-month", "Articles per site and month")
        + _table(topics, "table-articles-per-topic", "Articles per topic and genre")
        + "</section>",
        '<section id="documents"><h2>Most cited documents</h2>'
        + _chart("chart-top-documents", "Documents cited by most articles", _barh, top_docs, 0, 4)
        + _table(top_docs, "table-top-documents")
        + _chart("chart-citations-per-month", "Document mentions per month (citing article's date)",
                 _monthly, timeline, 0, 1)
        + _table(by_year, "table-top-documents-by-year", "Most cited per year")
        + "</section>",
        '<section id="members"><h2>Member counts</h2>'
        + _table(members, "table-member-counts", "Party members by province and organisation")
        + _table(units, "table-counts-by-unit", "Every counted unit")
        + "</section>",
        '<section id="solutions"><h2>Solutions by topic</h2>'
        + _chart("chart-solutions-by-topic", "Solution items by topic and kind", _stacked, solutions, 0, 1, 3)
        + _table(solutions, "table-solutions-by-topic")
        + "</section>",
        '<section id="errors"><h2>Errors</h2>'
        + _table(errors_by_stage, "table-errors-by-stage", "Errors by stage")
        + _table(errors, "table-errors", "Pages that failed")
        + "</section>",
    ]
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Dataset report: {html.escape(str(n_articles))} articles</title>"
        f"<style>{CSS}</style></head><body>" + "\n".join(sections) + "</body></html>\n"
    )


def write_report(data_dir: Path, output: Path) -> Path:
    """Write the report of ``data_dir`` to ``output`` (atomically); returns ``output``."""
    import os
    import tempfile

    output = Path(output)
    text = build_html(Path(data_dir))
    output.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{output.name}.", suffix=".tmp", dir=output.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
        os.chmod(tmp, 0o644)  # mkstemp makes it private; a report is for sharing
        os.replace(tmp, output)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return output
