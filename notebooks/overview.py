# ---
# jupyter:
#   jupytext:
#     formats: py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Overview of the party-building news dataset
#
# What the corpus holds, which party and state documents the articles cite and
# when, and the member counts they report. The notebook reads only the Parquet
# tables of `data/processed` (another folder with `PROCESSED_DIR=...`), so it
# runs on any dataset `pipeline extract` wrote. Every table is a DuckDB view:
# `articles`, `doc_refs`, `dates`, `counts`, `solutions`, `entities`, `errors`,
# `duplicates`, and `topic_names` (the topic codes in Vietnamese).

# %%
import os
from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from pipeline.query import connect

pd.set_option("display.max_colwidth", 80)


def find_processed() -> Path:
    wanted = Path(os.environ.get("PROCESSED_DIR", "data/processed"))
    for candidate in (wanted, Path("..") / wanted):  # from the repo or from notebooks/
        if (candidate / "articles.parquet").exists():
            return candidate.resolve()
    raise FileNotFoundError(f"no articles.parquet in {wanted}: run `make extract` or set PROCESSED_DIR")


DATA = find_processed()
con = connect(DATA)  # one DuckDB view per table, as `pipeline query` has


def q(sql: str) -> pd.DataFrame:
    return con.sql(sql).df()


print(DATA)
q("""
select 'articles' as "table", count(*) as rows from articles
union all select 'doc_refs', count(*) from doc_refs
union all select 'dates', count(*) from dates
union all select 'counts', count(*) from counts
union all select 'solutions', count(*) from solutions
union all select 'errors', count(*) from errors
""")

# %% [markdown]
# ## The corpus by site and year
#
# `site` is the host name of the page's URL, else the publication's name the page prints (`publisher`);
# undated pages have no `published_date`.

# %%
by_site_year = q("""
select coalesce(site, publisher, '(unknown)') as site, year(published_date) as year, count(*) as articles
from articles group by all order by site, year
""")
table = by_site_year.pivot_table(index="site", columns="year", values="articles", aggfunc="sum", fill_value=0)
table

# %%
fig, ax = plt.subplots(figsize=(8, max(2.5, 0.4 * len(table) + 1)))
table.plot.barh(stacked=True, ax=ax)
ax.set_xlabel("articles")
ax.xaxis.get_major_locator().set_params(integer=True)  # whole articles
ax.set_ylabel("")
ax.legend(title="year", fontsize=8, frameon=False)
ax.set_title("Articles per site and year")
plt.tight_layout()
plt.show()

# %% [markdown]
# Topics by their code and their Vietnamese name (the `topic_names` view).

# %%
q("""
select coalesce(a.topic, '(unclassified)') as topic, any_value(t.name) as name, count(*) as articles,
       count(*) filter (where a.is_party_building) as party_building
from articles a left join topic_names t using (topic)
group by 1 order by 3 desc, 1
""")

# %% [markdown]
# ## Most cited documents
#
# A document counts once per citing article (`articles`) and once per mention
# (`mentions`). Partial references (a number without its issuer) are left out.

# %%
top = q("""
select canonical, any_value(doc_type_name) as type, coalesce(any_value(catalog_title), '') as title,
       count(distinct article_id) as articles, count(*) as mentions
from doc_refs
where canonical is not null and not coalesce(partial, false)
group by canonical order by articles desc, mentions desc, canonical limit 15
""")
top

# %%
if len(top):
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(top) + 1))
    ax.barh(top["canonical"][::-1], top["articles"][::-1], color="#2f6fb0")
    ax.set_xlabel("citing articles")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_title("Most cited documents")
    plt.tight_layout()
    plt.show()

# %% [markdown]
# ## A timeline of citations
#
# Mentions per month of the citing article's publication, for the five most
# cited documents and for all documents together.

# %%
timeline = q("""
select date_trunc('month', a.published_date)::date as month, d.canonical, count(*) as mentions
from doc_refs d join articles a using (article_id)
where a.published_date is not null and d.canonical is not null
group by all order by month
""")
if len(timeline):
    timeline["month"] = pd.to_datetime(timeline["month"])
    monthly = timeline.pivot_table(index="month", columns="canonical", values="mentions", aggfunc="sum", fill_value=0)
    leaders = monthly.sum().sort_values(ascending=False).index[:5]
    fig, ax = plt.subplots(figsize=(9, 3.5))
    ax.bar(monthly.index, monthly.sum(axis=1), width=20, color="#d0d7de", label="all documents")
    for name in leaders:  # a dot per month that cites it: lines through the empty months would zigzag
        cited = monthly[name][monthly[name] > 0]
        ax.plot(cited.index, cited, marker="o", linestyle="none", label=name)
    ax.set_ylabel("mentions")
    ax.yaxis.get_major_locator().set_params(integer=True)
    ax.legend(fontsize=8, frameon=False)
    ax.set_title("Citations per month")
    fig.autofmt_xdate()
    plt.tight_layout()
    plt.show()
timeline.tail(10)

# %% [markdown]
# ## Member counts
#
# Absolute numbers of party members (`unit = 'đảng viên'`, not percentages) by
# province and the organisation the count is about (`subject`). `measure` says
# what was counted (`membership`: how many there are, `admitted`, `inspected`,
# `disciplined` ...): sum heads within one measure only. A qualifier says which
# members (`kết nạp mới`: newly admitted, `dự bị`: probationary ...).

# %%
members = q("""
select coalesce(a.province, '(unknown)') as province, coalesce(c.subject, '(unknown)') as organisation,
       c.measure, coalesce(c.qualifier, '') as qualifier, c.value::bigint as members,
       a.published_date, c.text
from counts c join articles a using (article_id)
where c.unit = 'đảng viên' and not coalesce(c.percent, false)
order by province, c.measure = 'membership' desc, members desc
""")
members

# %%
# whole memberships only: no qualifier picks a part of them
totals = members[(members["measure"] == "membership") & (members["qualifier"] == "")].nlargest(12, "members")
if len(totals):
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(totals) + 1))
    labels = totals["organisation"] + " (" + totals["province"] + ")"
    bars = ax.barh(labels[::-1], totals["members"][::-1], color="#8c4fb0")
    ax.bar_label(bars, labels=[f"{v:,}" for v in totals["members"][::-1]], padding=3, fontsize=8)
    ax.set_xscale("log")  # a city's membership and a cell's on one axis
    ax.set_xlim(right=totals["members"].max() * 4)  # room for the largest label
    ax.set_xlabel("party members (log scale)")
    ax.set_title("Largest memberships reported")
    plt.tight_layout()
    plt.show()

# %%
q("""
select unit, measure, count(*) filter (where not coalesce(percent, false)) as counts,
       count(*) filter (where percent) as percentages, count(distinct article_id) as articles
from counts group by unit, measure order by counts desc, unit, measure
""")
