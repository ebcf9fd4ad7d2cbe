"""The catalogue of central party documents and the linking of a doc_refs row to it.

``catalog.csv`` holds hand-checked central party documents; a reference is linked to a
row only when exactly one row fits what the text prints (number, type, issuer, issue
date, term, plenum) and the article's date.
"""
from __future__ import annotations

import csv
import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def catalog() -> tuple[dict[str, str], ...]:
    with open(HERE / "catalog.csv", encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(line for line in fh if not line.startswith("#")))


def _num_key(number: str | None) -> int | None:
    try:
        return int(number) if number else None
    except ValueError:
        return None


def _consistent(row: dict, cat: dict, published: dt.date | None) -> bool:
    issued = row.get("issued_date")
    if issued and cat["issued_date"] and issued.isoformat() != cat["issued_date"]:
        return False
    if row.get("term") and cat["term"] and row["term"] != cat["term"]:
        return False
    if row.get("plenum") and row["plenum"] != (cat["plenum"] or None):
        return False
    if row.get("year") and cat["issued_date"] and str(row["year"]) != cat["issued_date"][:4]:
        return False
    if published and cat["issued_date"] and cat["issued_date"] > published.isoformat():
        return False
    return True


_CENTRAL = re.compile(r"Trung\s+ương|Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư|\bTW\b")


def _link(row: dict, printed_name: str | None, published: dt.date | None) -> dict | None:
    if row["issuer_text"] and not _CENTRAL.search(row["issuer_text"]):
        return None  # "Nghị quyết 05 của Tỉnh ủy": the catalogue holds central documents only
    if not row["partial"]:
        key = (_num_key(row["number"]), row["doc_type"], row["issuer_code"], row["system"])
        cands = [
            c for c in catalog()
            if c["canonical"] and _canonical_key(c["canonical"]) == key
        ]
    elif row["number"] is not None:
        cands = [
            c for c in catalog()
            if _num_key(c["number"]) == _num_key(row["number"])
            and (c["doc_type_name"] == printed_name or c["doc_type"] == row["doc_type"])
        ]
    elif row["plenum"]:
        if not row["term"]:
            cands = [c for c in catalog() if c["plenum"] == row["plenum"] and c["plenum_main"] == "yes"]
        else:
            cands = [
                c for c in catalog()
                if c["plenum"] == row["plenum"] and c["term"] == row["term"] and c["plenum_main"] == "yes"
            ]
    else:
        cands = []
    cands = [c for c in cands if _consistent(row, c, published)]
    return cands[0] if len(cands) == 1 else None


@lru_cache(maxsize=4096)
def _canonical_key(canonical: str) -> tuple:
    """(number, type code, issuer, system) of a canonical number, read with doc_refs' own grammar."""
    from pipeline.extract.doc_refs import _official_code, patterns  # doc_refs imports this module

    m = patterns().party.fullmatch(canonical)
    if m:
        return (_num_key(m["num"]), _official_code(m["type"], "party"), m["issuer"], "party")
    m = patterns().state.fullmatch(canonical)
    if m:
        return (_num_key(m["num"]), _official_code(m["type"], "state"), m["issuer"], "state")
    return (None,)


def link_catalog(row: dict, printed_name: str | None, published: dt.date | None) -> None:
    """Fill the row's catalogue fields when exactly one catalogue row fits it."""
    cat = _link(row, printed_name, published)
    if cat:
        row["catalog_id"], row["catalog_title"] = cat["catalog_id"], cat["title"]
        if row["partial"]:
            # the catalogue knows the code ("Quy định 102" is 102-QĐ/TW); term etc. stay as printed
            row["doc_type"], row["doc_type_name"], row["system"] = cat["doc_type"], cat["doc_type_name"], "party"
