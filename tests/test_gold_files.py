"""The repo's gold set (tests/gold/*.json) is well-formed and points at real pages.

Every gold file follows the format of ../shared/gold/FORMAT.md (restated in
tests/gold/README.md), names a page that exists in data/raw (for a WARC record: the
archive and the record URL), and every string it quotes can be found in that page:
title, author, body start and end, boilerplate fragments, document numbers, partial
references, list items, and a printed form of every date and count. These checks do
not run the pipeline: they guard the yardstick, not the extractors.
"""
from __future__ import annotations

import gzip
import html
import json
import re
import unicodedata
from datetime import date
from functools import lru_cache
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GOLD_DIR = REPO / "tests" / "gold"
RAW_DIR = REPO / "data" / "raw"
GOLD_FILES = sorted(p for p in GOLD_DIR.glob("*.json") if p.name != "floors.json")

TOPICS = {"to_chuc_co_so_dang", "sinh_hoat_chi_bo", "dang_vien", "can_bo", "chinh_tri_tu_tuong",
          "kiem_tra_giam_sat", "chinh_don_dang", "dan_van", "khac"}
GENRES = {"tin", "bai_viet"}
PRECISIONS = {"day", "month", "quarter", "year", "year_range"}
KINDS = {"solution", "measure", "limitation"}
UNITS = {"đảng viên", "chi bộ", "đảng bộ", "tổ chức cơ sở đảng", "tổ chức đảng", "cấp ủy viên"}
KEYS = ["doc", "title", "published_date", "author", "body_first_words", "body_last_words", "boilerplate",
        "doc_refs", "partial_refs", "dates", "counts", "solution_lists", "topics", "genre", "province"]
OPTIONAL = {"url", "excluded_examples"}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
NUMBER_WORDS = {1: "một", 2: "hai", 3: "ba", 4: "bốn", 5: "năm", 6: "sáu", 7: "bảy", 8: "tám", 9: "chín", 10: "mười"}


def norm(text: str) -> str:
    """NFC, one kind of dash, single spaces, case-folded: how the gold is compared."""
    text = unicodedata.normalize("NFC", html.unescape(text)).replace("\u00a0", " ")
    text = text.replace("–", "-").replace("—", "-")
    return re.sub(r"\s+", " ", text).strip().casefold()


def html_text(raw: bytes, charset: str | None = None) -> str:
    if charset is None:
        m = re.search(rb"""charset=["']?([A-Za-z0-9_-]+)""", raw[:2048])
        charset = m.group(1).decode("ascii") if m else "utf-8"
    doc = raw.decode(charset)
    doc = re.sub(r"(?is)<(script|style)\b.*?</\1>", " ", doc)
    doc = re.sub(r"(?s)<[^>]+>", " ", doc)
    return doc


def warc_records(path: Path) -> list[tuple[str, str]]:
    from warcio.archiveiterator import ArchiveIterator

    records = []
    with path.open("rb") as fh:
        for rec in ArchiveIterator(fh):
            if rec.rec_type != "response":
                continue
            ctype = rec.http_headers.get_header("Content-Type") or ""
            m = re.search(r"charset=([\w-]+)", ctype)
            body = rec.content_stream().read()
            records.append((rec.rec_headers.get_header("WARC-Target-URI"), html_text(body, m.group(1) if m else None)))
    return records


@lru_cache(maxsize=None)
def page_text(gold_name: str) -> str:
    """Normalised visible text of the page a gold file describes."""
    gold = json.loads((GOLD_DIR / gold_name).read_text(encoding="utf-8"))
    path = RAW_DIR / gold["doc"]
    if path.name.endswith((".warc.gz", ".warc")):
        n = int(re.search(r"__(\d+)\.json$", gold_name).group(1))
        url, text = warc_records(path)[n - 1]
        assert url == gold["url"], f"record {n} of {path.name} is {url}, gold says {gold['url']}"
        return norm(text)
    raw = path.read_bytes()
    if path.suffix == ".gz":
        raw = gzip.decompress(raw)
    inner = path.name[:-3] if path.suffix == ".gz" else path.name
    if inner.endswith((".html", ".htm")):
        return norm(html_text(raw))
    return norm(raw.decode("utf-8"))


def flat(text: str) -> str:
    """Also drop spaces around dashes and slashes, for document numbers ("21 – NQ/ TW")."""
    return re.sub(r"\s*([-/])\s*", r"\1", text)


def day_forms(value: date, published: str | None) -> list[str]:
    d, m, y = value.day, value.month, value.year
    forms = []
    for dd in {str(d), f"{d:02d}"}:
        for mm in {str(m), f"{m:02d}"}:
            forms += [f"{dd}/{mm}/{y}", f"{dd}-{mm}-{y}", f"ngày {dd} tháng {mm} năm {y}"]
            if published and published[:4] == str(y):  # "Sáng 20/7": year from the publication date
                forms.append(f" {dd}/{mm},")
    return forms


def date_found(item: dict, text: str, published: str | None) -> bool:
    value, precision = item["value"], item["precision"]
    if precision == "day":
        forms = day_forms(date.fromisoformat(value), published)
    elif precision == "month":
        y, m = value.split("-")
        forms = [f"{int(m)}/{y}", f"{m}/{y}", f"tháng {int(m)} năm {y}"]
    elif precision == "quarter":
        y, q = value.split("-Q")
        forms = [f"quý {ROMAN[int(q)]}/{y}".casefold(), f"quý {ROMAN[int(q)]} năm {y}".casefold()]
    elif precision == "year":
        return re.search(rf"(?<![\d/.-]){value}(?![\d/])", text) is not None
    else:
        a, b = value.split("/")
        return re.search(rf"{a}\s*-\s*{b}", text) is not None
    return any(f in text for f in forms)


def count_found(item: dict, text: str) -> bool:
    value = item["value"]
    if item.get("percent"):
        printed = (f"{value:g}").replace(".", ",")
        return re.search(rf"(?<![\d.,]){re.escape(printed)}\s*%", text) is not None
    n = int(value)
    dotted = f"{n:,}".replace(",", ".")
    if re.search(rf"(?<![\d.,])0*({n}|{re.escape(dotted)})(?![\d]|[.,]\d)", text):
        return True
    return n in NUMBER_WORDS and re.search(rf"\b{NUMBER_WORDS[n]}\b", text) is not None


def test_there_is_a_gold_set():
    assert len(GOLD_FILES) >= 10
    assert {p.name for p in RAW_DIR.iterdir()} <= {json.loads(g.read_text())["doc"] for g in GOLD_FILES}, (
        "every sample page in data/raw has gold"
    )


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_file_is_well_formed(gold_path: Path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    assert set(KEYS) <= set(gold) <= set(KEYS) | OPTIONAL
    page = RAW_DIR / gold["doc"]
    assert page.is_file(), f"{gold['doc']} is not in data/raw"
    if ".warc" in page.name:
        assert re.fullmatch(rf"{re.escape(page.name.split('.warc')[0])}__\d+\.json", gold_path.name)
        assert gold["url"].startswith("http")
    else:
        stem = page.name[:-3] if page.suffix == ".gz" else page.name
        assert gold_path.stem == stem.rsplit(".", 1)[0]
    if gold["published_date"] is not None:
        date.fromisoformat(gold["published_date"])
    assert gold["topics"] and set(gold["topics"]) <= TOPICS
    assert gold["genre"] in GENRES
    canon = [r["canonical"] for r in gold["doc_refs"]]
    assert len(canon) == len(set(canon)), "doc_refs are deduplicated by canonical"
    for ref in gold["doc_refs"]:
        assert {"canonical", "type", "number", "issuer", "issued_date", "mentions"} <= set(ref)
        assert ref["mentions"] >= 1
        assert ref["number"] in ref["canonical"] and ref["type"] in ref["canonical"] and ref["issuer"] in ref["canonical"]
        if ref["issued_date"]:
            date.fromisoformat(ref["issued_date"])
            assert ref["issued_date"] in {d["value"] for d in gold["dates"]}, "an issue date is also a body date"
    values = [d["value"] for d in gold["dates"]]
    assert len(values) == len(set(values)), "dates are deduplicated by value"
    assert all(d["precision"] in PRECISIONS for d in gold["dates"])
    for c in gold["counts"]:
        assert c["unit"] in UNITS and isinstance(c["value"], (int, float)) and "qualifier" in c
    for lst in gold["solution_lists"]:
        assert lst["kind"] in KINDS and len(lst["items"]) >= 2
        assert all(it["marker"] and it["starts_with"] for it in lst["items"])


@pytest.mark.parametrize("gold_path", GOLD_FILES, ids=lambda p: p.stem)
def test_gold_strings_occur_in_the_page(gold_path: Path):
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    text = page_text(gold_path.name)
    quoted = [gold["title"], gold["body_first_words"], gold["body_last_words"], *gold["boilerplate"]]
    quoted += [gold["author"]] if gold["author"] else []
    quoted += [p["text"] for p in gold["partial_refs"]]
    quoted += [x["text"] for x in gold.get("excluded_examples", [])]
    if gold["province"]:
        quoted.append(gold["province"])
    missing = [q for q in quoted if norm(q) not in text]
    assert not missing, f"not in {gold['doc']}: {missing}"


    # The main text runs from body_first_words to body_last_words (captions inside it
    # are boilerplate but hold no numbers the gold counts): everything extracted is in it.
    start = text.index(norm(gold["body_first_words"]))
    end = text.index(norm(gold["body_last_words"]), start) + len(norm(gold["body_last_words"]))
    body = text[start:end]
    flat_body = flat(body)
    for ref in gold["doc_refs"]:
        found = flat_body.count(ref["canonical"].casefold())
        assert found == ref["mentions"], f"{ref['canonical']}: {found} in the main text, gold says {ref['mentions']}"
    bad_dates = [d for d in gold["dates"] if not date_found(d, body, gold["published_date"])]
    assert not bad_dates, f"no printed form in the main text of {gold['doc']}: {bad_dates}"
    bad_counts = [c for c in gold["counts"] if not count_found(c, body)]
    assert not bad_counts, f"no printed form in the main text of {gold['doc']}: {bad_counts}"
    for lst in gold["solution_lists"]:
        for it in lst["items"]:
            pattern = re.escape(norm(it["marker"])) + r"\s*[,:]?\s*" + re.escape(norm(it["starts_with"]))
            assert re.search(pattern, body), f"list item {it} not in the main text of {gold['doc']}"
        assert norm(lst["lead"]) in body
