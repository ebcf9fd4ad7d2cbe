"""Score an extracted dataset against gold annotations (``pipeline eval``).

Gold files follow ``FORMAT.md`` of the shared gold set: one JSON file per page,
``{"doc": "<file name in PAGES_DIR>", "title": ..., "doc_refs": [...], ...}``
(a WARC record also carries ``"url"``). The harness either runs the pipeline on
the pages the gold files name (``pipeline.run.extract`` into a temporary
folder) or reads an existing dataset (``pred_dir``, a ``data/processed``-like
folder of Parquet tables), then prints, per field, TP / FP / FN, precision,
recall and F1, and every miss and false positive with its article.

Matching ignores order and character offsets. Every string is normalised first
(:func:`norm`): NFC, underthesea's tone placement (``Thanh Hoá`` == ``Thanh Hóa``),
white space collapsed, and case-folded where case carries no meaning.

Scoring conventions
-------------------
* Single-valued fields (title, author, published_date, province, genre, topic):
  gold == pred is a TP; a wrong value is one FP *and* one FN; gold set and pred
  null is a FN; gold null and pred set is a FP. Gold null with pred null is
  correct but is neither TP, FP nor FN: it is counted in the field's
  ``accuracy`` (correct articles / articles), which is printed beside P/R/F1.
* ``body_first_words`` / ``body_last_words``: the cleaned text must start / end
  with the gold words (trailing punctuation and quotes ignored): TP, else one FP
  (the text has another boundary) and one FN.
* ``boilerplate``: every fragment absent from ``articles.text`` (exact after
  normalisation, case kept) is a TP, a fragment still present is a FN.
* ``doc_refs``: rows with ``partial == False``, one per canonical number and
  article (the issue date of a canonical is its first non-null one), matched on
  (canonical, issued_date). ``doc_refs_canonical`` matches on the canonical
  alone; ``doc_refs_mentions`` is the share of matched canonicals whose row count
  equals gold ``mentions``.
* ``partial_refs``: rows with ``partial == True``, a set of (doc_type, number),
  or (doc_type, plenum) when the number is null.
* ``dates``: rows whose role is not ``published``, a set of (value, precision).
* ``counts``: a multiset of (value, unit, percent); ``counts_qualifier`` is the
  share of matched counts whose qualifier agrees: equal after normalisation
  (null == null), or one phrase contained word-for-word in the other
  ("kiểm tra" agrees with "được kiểm tra", "bị kỷ luật" not with "thi hành kỷ luật").
* ``solution_items``: marked lists only (``unmarked == False``); an item matches
  when its marker is the gold marker and its text after the marker starts with
  ``starts_with``. ``solution_lists``: a gold list is found when a predicted list
  holds at least one of its items; ``solution_kind`` is the share of found lists
  whose kind agrees.
* ``topic`` (main topic vs gold ``topics[0]``), ``topics`` (set P/R) and ``genre``
  are scored only when the articles table has non-null values for them.
* ``organisations`` / ``officials``: scored on the gold pages that have a file of
  the same name in ``<gold_dir>/entities/`` (``{"organisations": [{"text",
  "org_type", "level"}], "officials": [{"text", "name", "titles"}]}``), as sets
  per article: organisations by surface text (each surface form once), officials
  by name, both normalised and case-folded. ``org_level`` / ``org_type`` are the
  shares of matched organisations whose level / type agree; ``official_titles``
  the share of matched officials whose set of titles agrees.
* Precision with no prediction is 1.0, recall with no gold item is 1.0, F1 is
  their harmonic mean (0 when either is 0): a field with nothing expected and
  nothing produced scores 1.0. The table prints an undefined P or R as ``-``
  and the JSON as null; F1 is always a number.
* A gold page whose article is missing from the dataset counts every gold item
  as a FN (the boilerplate too: nothing shows it was removed).

A floors file ``{"field": min_f1, ...}`` makes :func:`run_eval` return 1 when a
field's F1 (or, for accuracy-only lines such as ``counts_qualifier``, its
accuracy) is below its floor, or when a floored field was not scored at all.
"""
from __future__ import annotations

import json
import math
import re
import sys
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any

import pyarrow.parquet as pq

from pipeline import schema, settings
from pipeline.text import fold as fold_text

# Printed in this order; accuracy-only lines follow.
FIELDS = (
    "title",
    "published_date",
    "author",
    "body_first_words",
    "body_last_words",
    "boilerplate",
    "doc_refs",
    "doc_refs_canonical",
    "partial_refs",
    "dates",
    "counts",
    "solution_items",
    "solution_lists",
    "province",
    "topic",
    "topics",
    "genre",
    "organisations",
    "officials",
)
ACCURACY_ONLY = ("doc_refs_mentions", "counts_qualifier", "solution_kind", "org_level", "org_type",
                 "official_titles")
# Scored only on gold pages that have an entity annotation (``<gold_dir>/entities/<same name>``).
ENTITY_FIELDS = ("organisations", "officials", "org_level", "org_type", "official_titles")
CLASSIFICATION_FIELDS = ("topic", "topics", "genre")


# --------------------------------------------------------------------------- normalise

_EDGE_PUNCT = "\"'“”‘’«»„‟`.,;:!?…()[]{}-–—/ "


def norm(value: Any, fold: bool = True) -> str | None:
    """NFC, underthesea tone placement, collapsed white space, case-folded.

    ``None`` stays ``None``; dates become ISO strings; other values ``str()``.
    """
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return fold_text(str(value), case=fold)


def norm_edge(value: Any) -> str:
    """:func:`norm`, then quotes and punctuation stripped at both ends."""
    return (norm(value) or "").strip(_EDGE_PUNCT)


def norm_marker(value: Any) -> str:
    """``"Thứ nhất,"`` -> ``"thứ nhất"``, ``"1."`` -> ``"1"``, ``"-"`` stays ``"-"``."""
    text = norm(value) or ""
    stripped = text.strip(_EDGE_PUNCT.replace("-", "").replace("–", "").replace("—", ""))
    stripped = stripped.rstrip(".,:;)")
    return stripped or text


def _date_str(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, (date, datetime)):
        return value.isoformat()[:10]
    return str(value).strip()[:10] or None


# --------------------------------------------------------------------------- scores


@dataclass
class Score:
    """One field: counts, accuracy (for single-valued fields) and the issues."""

    name: str
    tp: int = 0
    fp: int = 0
    fn: int = 0
    correct: int = 0  # articles judged right, null == null included
    judged: int = 0  # articles (or pairs) judged, for accuracy
    accuracy_only: bool = False
    issues: list[dict] = field(default_factory=list)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    @property
    def accuracy(self) -> float | None:
        return self.correct / self.judged if self.judged else None

    @property
    def headline(self) -> float | None:
        """The figure a floor is compared with."""
        return self.accuracy if self.accuracy_only else self.f1

    def miss(self, doc: str, gold: Any, pred: Any = None, note: str | None = None) -> None:
        self.fn += 1
        self.issues.append(_issue("miss", self.name, doc, gold, pred, note))

    def false_pos(self, doc: str, pred: Any, gold: Any = None, note: str | None = None) -> None:
        self.fp += 1
        self.issues.append(_issue("false_positive", self.name, doc, gold, pred, note))

    def as_dict(self) -> dict:
        out = {"tp": self.tp, "fp": self.fp, "fn": self.fn}
        if not self.accuracy_only:
            # null: undefined (no prediction / no gold item); f1 is always a number
            out.update(
                precision=round(self.precision, 4) if self.tp + self.fp else None,
                recall=round(self.recall, 4) if self.tp + self.fn else None,
                f1=round(self.f1, 4),
            )
        if self.judged:
            out.update(accuracy=round(self.accuracy, 4), correct=self.correct, judged=self.judged)
        return out


def _issue(kind: str, fld: str, doc: str, gold: Any, pred: Any, note: str | None) -> dict:
    issue = {"kind": kind, "field": fld, "doc": doc, "gold": _jsonable(gold), "pred": _jsonable(pred)}
    if note:
        issue["note"] = note
    return issue


def _jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


# --------------------------------------------------------------------------- loading


def load_gold(gold_dir: Path) -> list[dict]:
    """Every ``*.json`` in ``gold_dir`` that names a ``doc`` (floors.json is skipped)."""
    gold = []
    for path in sorted(Path(gold_dir).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ValueError(f"{path}: not a gold file: {exc}") from exc
        if isinstance(data, dict) and data.get("doc"):
            data.setdefault("_gold_file", path.name)
            ents = path.parent / "entities" / path.name
            if ents.is_file() and "entities" not in data:
                try:
                    data["entities"] = json.loads(ents.read_text(encoding="utf-8"))
                except ValueError as exc:
                    raise ValueError(f"{ents}: not an entity gold file: {exc}") from exc
            gold.append(data)
    return gold


def load_tables(pred_dir: Path) -> dict[str, list[dict]]:
    """Rows of every table in ``pred_dir``; a missing table has no rows."""
    tables: dict[str, list[dict]] = {}
    for name in schema.TABLES:
        path = Path(pred_dir) / f"{name}.parquet"
        tables[name] = pq.read_table(path).to_pylist() if path.exists() else []
    tables["_columns"] = []  # articles columns, to know what the dataset carries
    path = Path(pred_dir) / "articles.parquet"
    if path.exists():
        tables["_columns"] = list(pq.read_schema(path).names)
    return tables


def _source_path_matches(source: str, doc: str) -> bool:
    want = PurePath(doc).parts
    if not want:
        return False
    for candidate in {source, source.rsplit("#", 1)[0]}:
        parts = PurePath(candidate).parts
        if len(parts) >= len(want) and tuple(parts[-len(want):]) == tuple(want):
            return True
    return False


def _label(gold: dict) -> str:
    """How reports name a gold page: its file, plus the URL for a WARC record."""
    return f"{gold['doc']} [{gold['url']}]" if gold.get("url") else gold["doc"]


def _url_key(url: Any) -> str:
    return str(url or "").strip().rstrip("/")


def match_article(gold: dict, articles: list[dict]) -> dict | None:
    """The article for a gold page: by source file name, and by URL for WARC records."""
    doc, url = gold.get("doc"), gold.get("url")
    found = [a for a in articles if a.get("source") and _source_path_matches(a["source"], doc)]
    if url:
        by_url = [a for a in (found or articles) if _url_key(a.get("url")) == _url_key(url)]
        single_page = len(found) == 1 and "#" not in found[0]["source"]
        found = by_url or (found if single_page else [])  # a page file has one article anyway
    return found[0] if found else None


# --------------------------------------------------------------------------- fields


def _score_single(score: Score, doc: str, gold: Any, pred: Any, key=norm) -> None:
    """Compare ``key(gold)`` with ``key(pred)``; issues show the values as printed."""
    g, p = key(gold), key(pred)
    score.judged += 1
    if g is None and p is None:
        score.correct += 1
    elif g is None:
        score.false_pos(doc, pred, note="gold is null")
    elif p is None:
        score.miss(doc, gold)
    elif g == p:
        score.tp += 1
        score.correct += 1
    else:
        score.fp += 1
        score.fn += 1
        score.issues.append(_issue("wrong", score.name, doc, gold, pred, None))


def _score_sets(score: Score, doc: str, gold: Iterable, pred: Iterable, show=None) -> set:
    """Set matching; returns the matched keys."""
    g, p = set(gold), set(pred)
    show = show or (lambda k: k)
    score.tp += len(g & p)
    for key in sorted(g - p, key=repr):
        score.miss(doc, show(key))
    for key in sorted(p - g, key=repr):
        score.false_pos(doc, show(key))
    return g & p


def _words(text: str | None, n: int, last: bool) -> str | None:
    if not text:
        return None
    words = text.split()
    return " ".join(words[-n:] if last else words[:n])


def score_article(scores: dict[str, Score], gold: dict, art: dict | None, rows: dict[str, list[dict]],
                  columns: set[str]) -> None:
    doc = _label(gold)
    a = art or {}
    note = None if art else "no article"

    # single-valued article fields
    _score_single(scores["title"], doc, gold.get("title"), a.get("title"))
    _score_single(scores["author"], doc, gold.get("author"), a.get("author"))
    _score_single(scores["published_date"], doc, gold.get("published_date"), a.get("published_date"),
                  key=_date_str)
    _score_single(scores["province"], doc, gold.get("province"), a.get("province"))

    # body boundaries
    text = norm(a.get("text") or "", fold=False)
    for name, last in (("body_first_words", False), ("body_last_words", True)):
        want = gold.get(name)
        if not want:
            continue
        s = scores[name]
        w, t = norm_edge(want), (text or "").casefold().strip(_EDGE_PUNCT)
        ok = bool(t) and (t.endswith(w) if last else t.startswith(w))
        if ok:
            s.tp += 1
        elif not t:
            s.miss(doc, want, note=note or "empty text")
        else:
            s.fp += 1
            s.fn += 1
            s.issues.append(_issue("wrong", name, doc, want, _words(text, len(want.split()) + 4, last), None))

    # boilerplate: absent is right
    s = scores["boilerplate"]
    for frag in gold.get("boilerplate") or []:
        f = norm(frag, fold=False)
        if art is None:
            s.miss(doc, frag, note="no article")
        elif f and f in text:
            s.miss(doc, frag, note="still in the text")
        else:
            s.tp += 1

    _score_doc_refs(scores, doc, gold, rows.get("doc_refs", []))
    _score_partial_refs(scores["partial_refs"], doc, gold, rows.get("doc_refs", []))

    gold_dates = {(str(d["value"]), d.get("precision")) for d in gold.get("dates") or []}
    pred_dates = {(str(r["value"]), r.get("precision")) for r in rows.get("dates", [])
                  if r.get("role") != "published" and r.get("value") is not None}
    _score_sets(scores["dates"], doc, gold_dates, pred_dates, show=lambda k: f"{k[0]} ({k[1]})")

    _score_counts(scores, doc, gold.get("counts") or [], rows.get("counts", []))
    _score_solutions(scores, doc, gold.get("solution_lists") or [], rows.get("solutions", []))

    # classification, only when the dataset carries it
    topics = gold.get("topics") or []
    if "topic" in columns and "topic" in scores:
        _score_single(scores["topic"], doc, topics[0] if topics else None, a.get("topic"), key=_code)
    if "topics" in columns and "topics" in scores:
        _score_sets(scores["topics"], doc, {_code(t) for t in topics}, {_code(t) for t in a.get("topics") or []})
    if "genre" in columns and "genre" in scores:
        _score_single(scores["genre"], doc, gold.get("genre"), a.get("genre"), key=_code)


def _code(value: Any) -> str | None:
    """Taxonomy codes: case and surrounding space do not matter."""
    return value.strip().lower() or None if isinstance(value, str) else value


def _canon(value: Any) -> str:
    return "".join((norm(value, fold=False) or "").split())


def _score_doc_refs(scores: dict[str, Score], doc: str, gold: dict, rows: list[dict]) -> None:
    full = sorted((r for r in rows if r.get("partial") is not True and r.get("canonical")),
                  key=lambda r: (r.get("start") or 0))
    pred_date: dict[str, str | None] = {}
    mentions: Counter = Counter()
    for r in full:
        c = _canon(r["canonical"])
        mentions[c] += 1
        if pred_date.get(c) is None:
            pred_date[c] = _date_str(r.get("issued_date"))
    gold_refs = {_canon(g["canonical"]): g for g in gold.get("doc_refs") or [] if g.get("canonical")}
    gold_keys = {(c, _date_str(g.get("issued_date"))) for c, g in gold_refs.items()}
    pred_keys = set(pred_date.items())
    _score_sets(scores["doc_refs"], doc, gold_keys, pred_keys,
                show=lambda k: f"{k[0]} ({k[1] or 'no date'})")
    matched = _score_sets(scores["doc_refs_canonical"], doc, gold_refs, pred_date)
    s = scores["doc_refs_mentions"]
    for c in sorted(matched):
        want = gold_refs[c].get("mentions")
        if want is None:
            continue
        s.judged += 1
        if mentions[c] == want:
            s.correct += 1
        else:
            s.issues.append(_issue("wrong", s.name, doc, f"{c} x{want}", f"{c} x{mentions[c]}", None))


def _partial_key(doc_type: Any, number: Any, plenum: Any) -> tuple:
    t = _canon(doc_type)
    if number not in (None, ""):
        return (t, "số " + _canon(number))
    return (t, "TW " + _canon(plenum))


def _score_partial_refs(score: Score, doc: str, gold: dict, rows: list[dict]) -> None:
    g = {_partial_key(x.get("type") or x.get("doc_type"), x.get("number"), x.get("plenum"))
         for x in gold.get("partial_refs") or []}
    p = {_partial_key(r.get("doc_type"), r.get("number"), r.get("plenum"))
         for r in rows if r.get("partial") is True}
    _score_sets(score, doc, g, p, show=lambda k: f"{k[0]} {k[1]}")


def _words_only(value: str | None) -> str | None:
    return " ".join(re.sub(r"[^\w%]+", " ", value).split()) if value else value


def qualifier_agrees(gold: Any, pred: Any) -> bool:
    """Equal after normalisation, or one phrase inside the other ("kiểm tra" / "được kiểm tra"),
    punctuation read as a word break ("kết nạp mới" / "kết nạp mới, % chỉ tiêu")."""
    g, p = (_words_only(norm_edge(x)) for x in (gold, pred))
    if not g or not p:
        return g == p
    return g == p or f" {g} " in f" {p} " or f" {p} " in f" {g} "


def _score_counts(scores: dict[str, Score], doc: str, gold: list[dict], rows: list[dict]) -> None:
    def key(x):
        v = x.get("value")
        v = round(float(v), 4) if v is not None and not (isinstance(v, float) and math.isnan(v)) else None
        return (v, norm(x.get("unit")), bool(x.get("percent")))

    def show(x):
        v, unit, pct = key(x)
        return f"{_jsonable(v)}{'%' if pct else ''} {unit}" + (f" [{x.get('qualifier')}]" if x.get("qualifier") else "")

    s, q = scores["counts"], scores["counts_qualifier"]
    free = list(rows)
    unmatched_gold = []
    # pair equal keys, preferring a pred row whose qualifier agrees
    for g in gold:
        same = [r for r in free if key(r) == key(g)]
        if not same:
            unmatched_gold.append(g)
            continue
        agree = [r for r in same if qualifier_agrees(g.get("qualifier"), r.get("qualifier"))]
        r = (agree or same)[0]
        free.remove(r)
        s.tp += 1
        q.judged += 1
        if agree:
            q.correct += 1
        else:
            q.issues.append(_issue("wrong", q.name, doc, show(g), show(r), None))
    for g in unmatched_gold:
        s.miss(doc, show(g))
    for r in free:
        s.false_pos(doc, show(r) + (f" «{r.get('text')}»" if r.get("text") else ""))


def _score_entities(scores: dict[str, Score], doc: str, gold: dict, rows: list[dict]) -> None:
    """Organisations by surface form, officials by name (sets per article)."""
    pred_orgs = {norm(r.get("text")): r for r in rows if r.get("kind") == "organisation" and r.get("text")}
    gold_orgs = {norm(o.get("text")): o for o in gold.get("organisations") or [] if o.get("text")}
    shown = {**{k: v.get("text") for k, v in pred_orgs.items()}, **{k: v["text"] for k, v in gold_orgs.items()}}
    for k in _score_sets(scores["organisations"], doc, gold_orgs, pred_orgs, show=shown.get):
        for fld, col in (("org_level", "level"), ("org_type", "org_type")):
            s = scores[fld]
            s.judged += 1
            if _code(gold_orgs[k].get(col)) == _code(pred_orgs[k].get(col)):
                s.correct += 1
            else:
                s.issues.append(_issue("wrong", fld, doc, f"{shown[k]}: {gold_orgs[k].get(col)}",
                                       f"{shown[k]}: {pred_orgs[k].get(col)}", None))
    pred_people = {norm(r.get("name")): r for r in rows if r.get("kind") == "person" and r.get("name")}
    gold_people = {norm(o.get("name")): o for o in gold.get("officials") or [] if o.get("name")}
    shown = {**{k: v.get("name") for k, v in pred_people.items()}, **{k: v["name"] for k, v in gold_people.items()}}
    s = scores["official_titles"]
    for k in _score_sets(scores["officials"], doc, gold_people, pred_people, show=shown.get):
        g = {norm(t) for t in gold_people[k].get("titles") or []}
        p = {norm(t) for t in pred_people[k].get("titles") or []}
        s.judged += 1
        if g == p:
            s.correct += 1
        else:
            s.issues.append(_issue("wrong", "official_titles", doc, f"{shown[k]}: {sorted(g)}",
                                   f"{shown[k]}: {sorted(p)}", None))


def _item_text(marker: str, text: str | None) -> str:
    """Normalised item text, the marker and its punctuation removed when present."""
    t = norm(text) or ""
    m = norm(marker) or ""
    if m and t.startswith(m):
        t = t[len(m):]
    elif norm_marker(marker) and re.match(re.escape(norm_marker(marker)) + r"(?!\w)", t):
        t = t[len(norm_marker(marker)):]
    return t.lstrip(_EDGE_PUNCT)


def _score_solutions(scores: dict[str, Score], doc: str, gold_lists: list[dict], rows: list[dict]) -> None:
    items, lists, kinds = scores["solution_items"], scores["solution_lists"], scores["solution_kind"]
    marked = sorted((r for r in rows if r.get("unmarked") is not True),
                    key=lambda r: (r.get("list_id") or 0, r.get("item_index") or 0))
    pred_lists: dict[Any, dict] = {}
    for r in marked:
        pl = pred_lists.setdefault(r.get("list_id"), {"kind": r.get("kind"), "items": []})
        pl["items"].append(r)
    free = [(lid, r) for lid, pl in pred_lists.items() for r in pl["items"]]
    hits: list[Counter] = []  # per gold list: pred list id -> matched items
    for gl in gold_lists:
        c: Counter = Counter()
        for it in gl.get("items") or []:
            marker, start = norm_marker(it.get("marker")), norm_edge(it.get("starts_with"))
            found = next(((lid, r) for lid, r in free
                          if norm_marker(r.get("marker")) == marker
                          and _item_text(r.get("marker") or "", r.get("text")).startswith(start)), None)
            if found:
                free.remove(found)
                items.tp += 1
                c[found[0]] += 1
            else:
                items.miss(doc, f"{it.get('marker')}: {it.get('starts_with')}")
        hits.append(c)
    for lid, r in free:
        items.false_pos(doc, f"{r.get('marker')}: {_words(r.get('text'), 10, False)}", note=f"list {lid}")

    used = set()
    for gl, c in zip(gold_lists, hits):
        best = next((lid for lid, _ in c.most_common() if lid not in used), None)
        label = f"{gl.get('kind')}: {gl.get('lead') or ''}".strip()
        if best is None:
            lists.miss(doc, label)
            continue
        used.add(best)
        lists.tp += 1
        kinds.judged += 1
        pk = pred_lists[best]["kind"]
        if pk == gl.get("kind"):
            kinds.correct += 1
        else:
            kinds.issues.append(_issue("wrong", kinds.name, doc, gl.get("kind"), pk, label))
    for lid, pl in pred_lists.items():
        if lid not in used:
            first = pl["items"][0]
            lists.false_pos(doc, f"{pl['kind']}: {first.get('marker')} {_words(first.get('text'), 8, False)}",
                            note=f"list {lid}")


# --------------------------------------------------------------------------- evaluate


@dataclass
class Report:
    scores: dict[str, Score]
    articles: dict[str, str | None]  # gold doc -> matched source
    errors: list[dict] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # fields not scored (not produced)
    selected: set[str] | None = None  # the --field filter, when one was given

    def as_dict(self) -> dict:
        return {
            "fields": {n: s.as_dict() for n, s in self.scores.items()},
            "not_scored": self.skipped,
            "articles": self.articles,
            "errors": [_jsonable(e) for e in self.errors],
            "issues": [i for s in self.scores.values() for i in s.issues],
        }


def evaluate(gold: list[dict], tables: dict[str, list[dict]], fields: Iterable[str] | None = None) -> Report:
    """Score a loaded dataset against loaded gold pages."""
    articles = tables.get("articles", [])
    columns = set(tables.get("_columns") or (articles[0].keys() if articles else ()))
    skipped = []
    for name in CLASSIFICATION_FIELDS:
        if name not in columns or all(a.get(name) in (None, []) for a in articles):
            skipped.append(name)
            columns.discard(name)
    # entity fields only when some gold page has an entity annotation
    left_out = set(skipped) | (set() if any("entities" in g for g in gold) else set(ENTITY_FIELDS))
    wanted = set(fields) if fields else None
    scores = {n: Score(n) for n in FIELDS if n not in left_out}
    scores.update({n: Score(n, accuracy_only=True) for n in ACCURACY_ONLY if n not in left_out})

    by_id: dict[str, dict[str, list[dict]]] = {}
    for table in schema.EXTRACTION_TABLES:
        for row in tables.get(table, []):
            by_id.setdefault(row.get("article_id"), {}).setdefault(table, []).append(row)

    matched: dict[str, str | None] = {}
    errors: list[dict] = []
    for g in gold:
        art = match_article(g, articles)
        key = _label(g)
        matched[key] = art.get("source") if art else None
        if art is None:
            errors += [dict(e, doc=key) for e in tables.get("errors", [])
                       if e.get("source") and _source_path_matches(e["source"], g["doc"])]
        rows = by_id.get(art.get("article_id"), {}) if art else {}
        score_article(scores, g, art, rows, columns)
        if "entities" in g and "organisations" in scores:
            _score_entities(scores, key, g["entities"], rows.get("entities", []))

    if wanted is not None:
        scores = {n: s for n, s in scores.items() if n in wanted or _base(n) in wanted}
    return Report(scores=scores, articles=matched, errors=errors, skipped=skipped, selected=wanted)


def _base(name: str) -> str:
    return {"doc_refs_canonical": "doc_refs", "doc_refs_mentions": "doc_refs",
            "counts_qualifier": "counts", "solution_lists": "solution_lists",
            "org_level": "organisations", "org_type": "organisations", "official_titles": "officials",
            "solution_items": "solution_lists", "solution_kind": "solution_lists"}.get(name, name)


def check_floors(report: Report, floors: dict[str, float]) -> list[str]:
    """Fields below their floor (or floored but not scored), as messages."""
    failures = []
    for name, floor in floors.items():
        if name.startswith("_"):
            continue  # comments
        s = report.scores.get(name)
        if s is None:
            if report.selected is not None and name not in report.selected \
                    and _base(name) not in report.selected:
                continue  # left out by the field filter
            failures.append(f"{name}: not scored (floor {floor})")
            continue
        value = s.headline
        if value is None:
            continue  # nothing to judge (e.g. no matched count for qualifiers)
        if value + 1e-9 < float(floor):
            failures.append(f"{name}: {value:.3f} < floor {float(floor):.3f}")
    return failures


def predict(gold: list[dict], pages_dir: Path, out_dir: Path, urls=None) -> list[str]:
    """Run ``pipeline.run.extract`` on the pages the gold names (``urls``: their URL
    table); returns missing pages."""
    from pipeline.run import extract

    paths, missing = [], []
    for g in gold:
        p = Path(pages_dir) / g["doc"]
        if not p.exists():
            missing.append(str(p))
        elif p not in paths:
            paths.append(p)
    extract(paths, out_dir, urls=urls)
    return missing


def render(report: Report, out, failures: list[str] | None = None, verbose: bool = True) -> None:
    """The table, then (``verbose``) every issue grouped by article, on ``out``."""
    from rich.console import Console
    from rich.table import Table

    console = Console(file=out, width=120, highlight=False, soft_wrap=False)
    table = Table(title="Evaluation against gold", show_lines=False)
    for col in ("field", "TP", "FP", "FN", "P", "R", "F1", "acc"):
        table.add_column(col, justify="left" if col == "field" else "right")
    for name, s in report.scores.items():
        acc = f"{s.accuracy:.3f}" if s.accuracy is not None else ""
        if s.accuracy_only:
            table.add_row(name, "", "", "", "", "", "", acc + (f" ({s.correct}/{s.judged})" if s.judged else "-"))
        else:
            p = f"{s.precision:.3f}" if s.tp + s.fp else "-"
            r = f"{s.recall:.3f}" if s.tp + s.fn else "-"
            table.add_row(name, str(s.tp), str(s.fp), str(s.fn), p, r, f"{s.f1:.3f}", acc)
    console.print(table)
    if report.skipped:
        console.print(f"not scored (the dataset has no values): {', '.join(report.skipped)}")
    n_found = sum(1 for v in report.articles.values() if v)
    console.print(f"articles matched: {n_found}/{len(report.articles)}")
    for e in report.errors:
        console.print(f"  error [{e.get('stage')}] {e.get('doc')}: {e.get('error')}", markup=False)

    by_doc: dict[str, list[dict]] = {}
    for s in report.scores.values() if verbose else ():
        for i in s.issues:
            by_doc.setdefault(i["doc"], []).append(i)
    if by_doc:
        console.print("\nMisses and false positives:")
    for doc in sorted(by_doc):
        console.print(f"\n{doc}", markup=False)
        for i in by_doc[doc]:
            if i["kind"] == "miss":
                line = f"  MISS  {i['field']}: {_fmt(i['gold'])}"
            elif i["kind"] == "false_positive":
                line = f"  FP    {i['field']}: {_fmt(i['pred'])}"
            else:
                line = f"  WRONG {i['field']}: gold {_fmt(i['gold'])} | pred {_fmt(i['pred'])}"
            if i.get("note"):
                line += f"  ({i['note']})"
            console.print(line, markup=False, soft_wrap=True)
    if failures:
        console.print("\nBelow floor:")
        for f in failures:
            console.print(f"  {f}", markup=False)


def _fmt(value: Any) -> str:
    return "null" if value is None else (value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))


def run_eval(gold_dir: Path, pages_dir: Path | None = None, pred_dir: Path | None = None,
             json_path: Path | None = None, floors_path: Path | None = None,
             out=sys.stdout, fields: Iterable[str] | None = None, verbose: bool = True, urls=None) -> int:
    """Score a dataset (``pred_dir``) or a fresh run over ``pages_dir`` (``urls``: the URL
    table of its page files, ``pipeline.url_table``) against ``gold_dir``.

    Returns 0, or 1 when a field is below its floor, or 2 when the gold set is
    empty or the pipeline cannot run.
    """
    gold = load_gold(Path(gold_dir))
    if not gold:
        print(f"no gold files in {gold_dir}", file=sys.stderr)
        return 2
    missing: list[str] = []
    if pred_dir is not None:
        tables = load_tables(Path(pred_dir))
    else:
        pages = Path(pages_dir) if pages_dir is not None else Path(settings.DEFAULT_RAW)
        with tempfile.TemporaryDirectory(prefix="pipeline-eval-") as tmp:
            try:
                missing = predict(gold, pages, Path(tmp), urls)
            except (ImportError, AttributeError) as exc:
                print(f"cannot run the pipeline: {exc}", file=sys.stderr)
                return 2
            tables = load_tables(Path(tmp))
    report = evaluate(gold, tables, fields)
    report.errors += [{"stage": "read", "doc": m, "error": "page not found"} for m in missing]

    floors = {}
    if floors_path is not None and Path(floors_path).exists():
        floors = json.loads(Path(floors_path).read_text(encoding="utf-8"))
    elif floors_path is not None:
        print(f"floors file not found: {floors_path}", file=sys.stderr)
        return 2
    failures = check_floors(report, floors)
    if json_path is not None:  # before printing, so a closed pipe on stdout cannot lose it
        data = report.as_dict()
        data["floors"] = {"floors": floors, "failures": failures}
        Path(json_path).parent.mkdir(parents=True, exist_ok=True)
        Path(json_path).write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    render(report, out, failures, verbose)
    return 1 if failures else 0
