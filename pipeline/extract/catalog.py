"""The catalogue of central party documents and the linking of a doc_refs row to it.

``catalog.csv`` holds checked central party documents, one row each, with what
replaced it (``superseded_by``) and since when (``in_force_until``). A reference is
linked to a row only when one row fits what the text prints (number, type, issuer,
issue date, term, plenum); when several documents share the number, the central body
printed as its issuer, then the article's date decide, the date only if it leaves one
document the number then names. Otherwise the
link stays empty: never a guess.

``link_catalog(row, printed_name, published)`` fills ``catalog_id``,
``catalog_title``, ``superseded_by`` and ``in_force_until`` of a doc_refs row, and
the ``doc_type_name`` of a code that names two types (party ``QĐ``: Quy định or
Quyết định) when the words before the number did not say which.
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


def _candidates(row: dict, printed_name: str | None) -> list[dict]:
    """Catalogue rows with the row's number and type (or, for ``Nghị quyết Trung ương N``, plenum)."""
    if row["number"] is None:
        return [
            c for c in catalog()
            if row["plenum"] and c["plenum"] == row["plenum"] and c["plenum_main"] == "yes"
            and (not row["term"] or c["term"] == row["term"])
        ]
    if not row["partial"]:
        key = (_num_key(row["number"]), row["doc_type"], row["issuer_code"], row["system"])
        return [c for c in catalog() if c["canonical"] and _canonical_key(c["canonical"]) == key]
    return [
        c for c in catalog()
        if _num_key(c["number"]) == _num_key(row["number"])
        and (c["doc_type_name"] == printed_name or c["doc_type"] == row["doc_type"])
    ]


def _consistent(row: dict, cat: dict, published: dt.date | None) -> bool:
    """Nothing printed beside the mention contradicts the row; it was issued by the article's date."""
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


def _named_at(cands: list[dict], published: dt.date) -> dict | None:
    """The document a shared number names at ``published``: the latest issued by then, provided
    every earlier one had been replaced by then; None when an issue or replacement date is unknown."""
    if any(not c["issued_date"] for c in cands):
        return None
    latest = max(cands, key=lambda c: c["issued_date"])
    day = published.isoformat()
    earlier = [c for c in cands if c is not latest]
    if all(c["in_force_until"] and c["in_force_until"] <= day for c in earlier):
        return latest
    return None


_CENTRAL = re.compile(r"Trung\s+ương|Bộ\s+Chính\s+trị|Ban\s+Bí\s+thư|\bTW\b")
# the central body a printed issuer names, as the catalogue's issuer column spells it
_BODIES = (
    (re.compile(r"Bộ\s+Chính\s+trị"), "Bộ Chính trị"),
    (re.compile(r"Ban\s+Bí\s+thư"), "Ban Bí thư"),
    (re.compile(r"(?:Ban\s+Chấp\s+hành|Hội\s+nghị)\b.*\bTrung\s+ương"), "Ban Chấp hành Trung ương"),
)


def _printed_body(issuer_text: str | None) -> str | None:
    for pattern, body in _BODIES:
        if issuer_text and pattern.match(issuer_text):
            return body
    return None


def _by_printed_body(row: dict, cands: list[dict]) -> list[dict]:
    """Of two documents of one number, the one the printed body issued ("124-QĐ/TW của Bộ
    Chính trị"); all of them when the body fits none (a page may name the wrong one)."""
    body = _printed_body(row["issuer_text"])
    issued_by_it = [c for c in cands if body and c["issuer"] == body]
    return issued_by_it or cands


def _link(row: dict, printed_name: str | None, published: dt.date | None) -> dict | None:
    if row["issuer_text"] and not _CENTRAL.search(row["issuer_text"]):
        return None  # "Nghị quyết 05 của Tỉnh ủy": the catalogue holds central documents only
    cands = [c for c in _candidates(row, printed_name) if _consistent(row, c, published)]
    if len(cands) > 1:
        cands = _by_printed_body(row, cands)
    if len(cands) == 1:
        return cands[0]
    if len(cands) > 1 and published:
        return _named_at(cands, published)
    return None


@lru_cache(maxsize=256)
def _type_names(code: str | None, system: str | None) -> frozenset[str]:
    """The type names a code stands for (party QĐ: Quy định and Quyết định)."""
    from pipeline.extract.doc_refs import doc_types

    return frozenset(t.name for t in doc_types() if t.code == code and (system is None or t.system == system))


def link_catalog(row: dict, printed_name: str | None, published: dt.date | None) -> None:
    """Fill the row's catalogue fields when one catalogue row fits it (see the module doc)."""
    cat = _link(row, printed_name, published)
    row["catalog_id"] = cat["catalog_id"] if cat else None
    row["catalog_title"] = (cat["title"] or None) if cat else None
    row["superseded_by"] = (cat["superseded_by"] or None) if cat else None
    until = cat["in_force_until"] if cat else ""
    row["in_force_until"] = dt.date.fromisoformat(until) if until else None
    if cat and row["partial"]:
        # the catalogue knows the code ("Quy định 102" is 102-QĐ/TW); term etc. stay as printed
        row["doc_type"], row["doc_type_name"], row["system"] = cat["doc_type"], cat["doc_type_name"], "party"
        return
    names = _type_names(row["doc_type"], row["system"])
    if len(names) > 1 and printed_name not in names:
        # "213-QĐ/TW" with no type name before it: the catalogue's name, else undecided
        row["doc_type_name"] = cat["doc_type_name"] if cat else None


_LINK_FIELDS = ("catalog_id", "catalog_title", "superseded_by", "in_force_until")


def share_links(rows: list[dict]) -> None:
    """An undated repeat of a number takes the link of a dated mention of it earlier in the
    article: ``213-QĐ/TW, ngày 02/01/2020`` then ``213-QĐ/TW`` name one document. When dated
    mentions before it name two documents of that number, the repeat stays unlinked.
    ``rows`` in text order; filled in place."""
    dated: dict[str, dict[str, dict]] = {}  # canonical -> catalog_id -> its first dated mention
    for row in rows:
        canonical = row.get("canonical")
        if not canonical or row["partial"]:
            continue
        if row["catalog_id"] and row.get("issued_date"):
            dated.setdefault(canonical, {}).setdefault(row["catalog_id"], row)
        elif not row["catalog_id"] and not row.get("issued_date") and len(dated.get(canonical, ())) == 1:
            (source,) = dated[canonical].values()
            for name in _LINK_FIELDS:
                row[name] = source[name]
            if row["doc_type_name"] is None:
                row["doc_type_name"] = source["doc_type_name"]
