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
# # One article and everything extracted from it
#
# The article's text with its document references, dates, counts and entities
# highlighted by displaCy, then its enumerated solutions. Choose the article
# with `ARTICLE_ID=...` (default: the one with the most extractions). Reads only
# `data/processed` (or `PROCESSED_DIR`).

# %%
import os
from pathlib import Path

import pandas as pd
from IPython.display import HTML, display
from spacy import displacy

from pipeline.query import connect

pd.set_option("display.max_colwidth", 100)


def find_processed() -> Path:
    wanted = Path(os.environ.get("PROCESSED_DIR", "data/processed"))
    for candidate in (wanted, Path("..") / wanted):  # from the repo or from notebooks/
        if (candidate / "articles.parquet").exists():
            return candidate.resolve()
    raise FileNotFoundError(f"no articles.parquet in {wanted}: run `make extract` or set PROCESSED_DIR")


DATA = find_processed()
con = connect(DATA)  # one DuckDB view per table, as `pipeline query` has

# %%
ranking = con.sql("""
with n as (
    select article_id, count(*) as n from (
        select article_id from doc_refs union all select article_id from dates
        union all select article_id from counts union all select article_id from solutions
        union all select article_id from entities)
    group by 1)
select a.article_id, a.title, a.site, a.published_date, coalesce(n.n, 0) as extractions
from articles a left join n using (article_id)
order by extractions desc, a.published_date desc nulls last, a.article_id
""").df()
ARTICLE_ID = os.environ.get("ARTICLE_ID") or ranking["article_id"].iloc[0]
ranking.head(10)

# %%
article = con.sql("select * from articles where article_id = $id", params={"id": ARTICLE_ID}).df().iloc[0]
text = article["text"]
print(article["title"])
print(article["site"], article["published_date"], article["topic"], list(article["topics"] if article["topics"] is not None else []))


def rows(table: str) -> pd.DataFrame:
    return con.sql(f"select * from {table} where article_id = $id", params={"id": ARTICLE_ID}).df()


refs, dates, counts, solutions, entities = (rows(t) for t in ("doc_refs", "dates", "counts", "solutions", "entities"))

# %% [markdown]
# ## Highlighted extractions
#
# displaCy's entity style draws spans that do not overlap; a date inside a
# document reference (its issue date) is part of the reference, so the outer
# span wins. Every span is checked against the text first: `text[start:end]`
# must be the row's `text`.

# %%
LAYERS = [("DOC_REF", refs), ("ENTITY", entities), ("DATE", dates), ("COUNT", counts)]
COLORS = {"DOC_REF": "#f4c095", "DATE": "#a8d5ba", "COUNT": "#9ecae1", "ENTITY": "#d4b9da", "SOLUTION": "#fde28a"}

spans, mismatches = [], []
for label, frame in LAYERS:
    for row in frame.itertuples():
        if pd.isna(row.start) or pd.isna(row.end):
            continue
        start, end = int(row.start), int(row.end)
        if text[start:end] != row.text:
            mismatches.append((label, start, end, row.text))
            continue
        spans.append({"start": start, "end": end, "label": label})

# keep the longest span where several overlap
chosen = []
for span in sorted(spans, key=lambda s: (-(s["end"] - s["start"]), s["start"])):
    if all(span["end"] <= c["start"] or span["start"] >= c["end"] for c in chosen):
        chosen.append(span)
chosen.sort(key=lambda s: s["start"])
assert not mismatches, mismatches

html = displacy.render(
    {"text": text, "ents": chosen, "title": article["title"]},
    style="ent", manual=True, jupyter=False, options={"colors": COLORS},
)
display(HTML(html))
print(f"{len(chosen)} spans drawn of {len(spans)}")

# %% [markdown]
# ## The rows behind the highlights

# %%
refs[["canonical", "doc_type_name", "issued_date", "issuer_text", "catalog_title", "text"]] if len(refs) else refs

# %%
dates[["value", "precision", "role", "relative", "text"]] if len(dates) else dates

# %%
counts[["value", "unit", "measure", "qualifier", "percent", "approx", "subject", "year", "text"]] if len(counts) else counts

# %% [markdown]
# ## Solutions, measures and limitations
#
# Each enumerated list with its lead sentence; its items highlighted in the text.

# %%
if len(solutions):
    items = [
        {"start": int(r.start), "end": int(r.end), "label": f"{r.kind.upper()} {r.list_id}.{r.item_index}"}
        for r in solutions.itertuples() if text[int(r.start):int(r.end)] == r.text
    ]
    colors = {item["label"]: COLORS["SOLUTION"] for item in items}
    display(HTML(displacy.render({"text": text, "ents": items}, style="ent", manual=True, jupyter=False,
                                 options={"colors": colors})))
    display(solutions[["list_id", "kind", "lead", "item_index", "marker", "summary"]])
else:
    print("no enumerated list in this article")
