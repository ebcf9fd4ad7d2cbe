"""Eyecite style: every row of a pattern table has examples in a test table of the same name
(``tests/extract/tables/``), and every example reads as the table says."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from pipeline.extract import core
from pipeline.extract.doc_refs import doc_types, find_doc_refs
from pipeline.extract.entities import find_entities, org_words, province_of_site, province_of_tag, titles
from pipeline.text import fold

TABLES = Path(__file__).resolve().parent / "tables"


def examples(name: str) -> list[dict[str, str]]:
    return core.read_table(name, TABLES)


def _ids(rows: list[dict[str, str]]) -> list[str]:
    return [r["text"][:40] for r in rows]


# --------------------------------------------------------------------------- doc_types.csv

DOC_TYPES = examples("doc_types.csv")


@pytest.mark.parametrize("ex", DOC_TYPES, ids=_ids(DOC_TYPES))
def test_doc_type_example(ex):
    (row,) = find_doc_refs(ex["text"])
    got = {k: row[k] for k in ("doc_type", "doc_type_name")}
    got.update(span=row["text"], canonical=row["canonical"] or "", system=row["system"] or "",
               partial="yes" if row["partial"] else "")
    assert got == {k: ex[k] for k in got}


def test_every_doc_type_has_examples():
    full = {(e["doc_type"], e["system"], e["doc_type_name"]) for e in DOC_TYPES if not e["partial"]}
    partial = {(e["doc_type"], e["doc_type_name"]) for e in DOC_TYPES if e["partial"]}
    printed = " ".join(e["span"] for e in DOC_TYPES)
    for t in doc_types():
        assert (t.code, t.system, t.name) in full, t
        for variant in t.variants:
            assert f"-{variant}/" in printed or f"/{variant}-" in printed, (t.code, variant)
        if t.partial_default:
            assert (t.code, t.name) in partial, t


# --------------------------------------------------------------------------- dates.PATTERNS

DATES = examples("dates.csv")


@pytest.mark.parametrize("ex", DATES, ids=_ids(DATES))
def test_date_pattern_example(ex):
    from pipeline.extract.dates import _COMPILED, find_dates

    published = date.fromisoformat(ex["published"]) if ex["published"] else None
    rows = [r for r in find_dates(ex["text"], published) if r["role"] != "published"]
    assert "|".join(r["value"] for r in rows) == ex["values"]
    assert "|".join(r["text"] for r in rows) == ex["spans"]
    (rx,) = [rx for name, rx, _ in _COMPILED if name == ex["pattern"]]
    assert any(m.start() <= rows[0]["start"] and rows[-1]["end"] <= m.end() for m in rx.finditer(ex["text"]))


def test_every_date_pattern_has_examples():
    from pipeline.extract.dates import PATTERNS

    assert {name for name, _, _ in PATTERNS} == {e["pattern"] for e in DATES}


# --------------------------------------------------------------------------- titles.csv

TITLES = examples("titles.csv")


@pytest.mark.parametrize("ex", TITLES, ids=_ids(TITLES))
def test_title_example(ex):
    (person,) = [r for r in find_entities(ex["text"]) if r["kind"] == "person"]
    assert (person["name"], "|".join(person["titles"]), person["level"] or "") == (ex["name"], ex["titles"], ex["level"])
    assert fold(ex["titles"]).startswith(fold(ex["title"]))


def test_every_title_has_examples():
    assert set(titles()) == {e["title"] for e in TITLES}


# --------------------------------------------------------------------------- org_types.csv

ORGS = examples("org_types.csv")
# the roles of the words a name is made of (tỉnh, Khối các cơ quan, Nội vụ, Công ty): their
# examples are the names of the heads' examples and of tests/extract/test_entities.py
NAME_PARTS = ("place", "khoi", "dept", "unit")


@pytest.mark.parametrize("ex", ORGS, ids=_ids(ORGS))
def test_org_head_example(ex):
    orgs = [r for r in find_entities(ex["text"]) if r["kind"] == "organisation"]
    assert [(o["text"], o["org_type"], o["level"] or "") for o in orgs][:1] == [(ex["organisation"], ex["org_type"], ex["level"])]
    assert fold(ex["head"]) in fold(ex["organisation"])


def test_every_org_head_has_examples():
    heads = {w.pattern for w in org_words() if w.role not in NAME_PARTS}
    assert heads == {e["head"] for e in ORGS}


# --------------------------------------------------------------------------- sites.csv

SITES = examples("sites.csv")


@pytest.mark.parametrize("ex", SITES, ids=[e["url"] or e["opening"][:12] for e in SITES])
def test_site_example(ex):
    if ex["url"]:
        prov = province_of_site(None, ex["url"])
    else:
        prov, evidence = province_of_tag(ex["opening"])
        assert evidence == "tag:" + ex["pattern"]
    assert prov is not None and prov.name == ex["province"]


def test_every_site_row_has_examples():
    rows = [r for r in core.read_table("sites.csv") if r["kind"]]
    assert {r["pattern"] for r in rows} == {e["pattern"] for e in SITES}
