"""Document numbers cited in an article: resolutions, directives, plans, decrees...

Extraction as data, eyecite style:

* ``doc_types.csv`` is the table of document types (code, Vietnamese name, party or
  state system) from Hướng dẫn 36-HD/VPTW and Nghị định 30/2020/NĐ-CP; the number
  patterns are built from it, so a new type is a new CSV row.
* ``catalog.csv`` holds hand-checked central party documents; references are linked
  to a row only when exactly one row fits what the text prints.
* ``find_doc_refs`` first finds cheap anchors (``/``, ``số``, a type name), then runs
  the expensive patterns only in windows around them.

Two numbering styles are recognised::

    party   21-NQ/TW      94-KH/TU      19-QĐi/TU      12-HD/BTCTW
    state   171/NQ-CP     32/KH-UBND    30/2020/NĐ-CP  01/2011/TT-BNV

plus partial references without issuer: ``Chỉ thị 05``, ``Nghị quyết số 18, 19``,
``Nghị quyết Trung ương 4``. A resolution named by its plenum and term (``Nghị quyết Trung
ương 4 (khóa XII)``) is named in full: a row with no number and ``partial`` false.

A row's span runs from the type name (when printed right before the number) through
the issue date (when printed right after it); issuing body and congress term that
follow are read into ``issuer_text``/``term`` but stay outside the span. A partial
reference identified by its plenum (``... của Hội nghị Trung ương lần thứ 6``) keeps
that phrase inside its span.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.extract import core
from pipeline.extract.catalog import catalog, link_catalog, share_links  # noqa: F401 (catalog re-exported)
from pipeline.nlp import text_of
from pipeline.text import sentence_of


DASHES = r"\-\u2010\u2011\u2012\u2013\u2014\u2212"  # for use inside [...]
D = f"[{DASHES}]"
UP = "A-ZĐÐ"  # Ð (U+00D0) is a frequent look-alike typed for Đ
ISSUER_CHARS = "A-Za-zĐđÐƯ"  # Ư: "TƯ" is printed for TW

# Plenum numbers written as words ("lần thứ tư"); longest first in the regex.
WORD_NUMBERS = {
    "nhất": 1, "một": 1, "hai": 2, "ba": 3, "tư": 4, "bốn": 4, "năm": 5, "sáu": 6,
    "bảy": 7, "bẩy": 7, "tám": 8, "chín": 9, "mười": 10, "mười một": 11,
    "mười hai": 12, "mười ba": 13, "mười bốn": 14, "mười lăm": 15, "mười sáu": 16,
    "mười bảy": 17, "mười tám": 18, "mười chín": 19,
}
_WORDNUM = "|".join(sorted((re.escape(w).replace(r"\ ", r"\s+") for w in WORD_NUMBERS), key=len, reverse=True))

# A number followed by one of these words is a quantity, not a document ("Kế hoạch 5 năm").
UNIT_WORDS = frozenset(
    "năm tháng ngày tuần quý giờ phút giây lần người đảng đồng triệu tỷ tỉ nghìn ngàn trăm "
    "điểm trang điều khoản mục bước chi tổ cán hộ xã km ha tấn kg lượt buổi cuộc lớp đơn "
    "nhóm nội vấn tiêu giải nhiệm đợt kỳ".split()
)


# --------------------------------------------------------------------------- tables


@dataclass(frozen=True)
class DocType:
    code: str
    system: str
    name: str
    variants: tuple[str, ...]
    partial_default: bool


_read_csv = core.read_table  # the name catalog() reads through until it moves to catalog.py


@lru_cache(maxsize=1)
def doc_types() -> tuple[DocType, ...]:
    return tuple(
        DocType(
            code=r["code"],
            system=r["system"],
            name=r["name"],
            variants=tuple(v for v in (r.get("variants") or "").split("|") if v),
            partial_default=(r.get("partial_default") or "").strip() == "yes",
        )
        for r in core.read_table("doc_types.csv")
    )


def _type_alternation(system: str) -> str:
    spellings = set()
    for t in doc_types():
        if t.system == system:
            spellings.add(t.code)
            spellings.update(t.variants)
    parts = sorted(spellings, key=len, reverse=True)
    return "|".join(re.escape(p).replace("Đ", "[ĐÐ]") for p in parts)


def _official_code(printed: str, system: str) -> str:
    printed = printed.replace("Ð", "Đ")
    for t in doc_types():
        if t.system == system and (printed == t.code or printed in t.variants):
            return t.code
    return printed


def _type_name(code: str, system: str | None) -> str | None:
    for t in doc_types():
        if t.code == code and (system is None or t.system == system):
            return t.name
    return None


# --------------------------------------------------------------------------- patterns

_BEFORE_NUMBER = rf"(?:(?<=[Ss]ố)|(?<![\w/.,:{DASHES}]))"


@dataclass(frozen=True)
class Patterns:
    party: re.Pattern
    state: re.Pattern
    name_before: re.Pattern
    partial_num: re.Pattern
    partial_plenum: re.Pattern
    anchors: re.Pattern
    partial_names: dict[str, DocType]


@lru_cache(maxsize=1)
def patterns() -> Patterns:
    party = re.compile(
        _BEFORE_NUMBER
        + rf"(?P<num>\d{{1,4}})(?:\s*{D}\s*|\s+)(?P<type>{_type_alternation('party')})"
        + rf"\s*/\s*(?P<issuer>[{UP}][{ISSUER_CHARS}]{{0,11}})(?!\w)"
    )
    state = re.compile(
        _BEFORE_NUMBER
        + r"(?P<num>\d{1,5})(?:\s*/\s*(?P<year>(?:19|20)\d{2}))?"
        + rf"\s*/\s*(?P<type>{_type_alternation('state')})\s*{D}\s*"
        + rf"(?P<issuer>[{UP}][{ISSUER_CHARS}]{{0,11}}\d{{0,2}}(?:{D}[{UP}][{ISSUER_CHARS}]{{0,11}}\d{{0,2}}){{0,3}})(?!\w)"
    )
    names = sorted({t.name for t in doc_types()}, key=len, reverse=True)
    name_alt = "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names)
    # type name (any case) right before the number, optionally with "số" / "số:"
    # syllables of the name may run together in print ("Quyếtđịnh số 09-QĐ/TW")
    glued_alt = "|".join(re.escape(n).replace(r"\ ", r"\s*") for n in names)
    name_before = re.compile(rf"(?<!\w)(?P<name>{glued_alt})\s*(?:số\s*:?\s*)?$", re.IGNORECASE)
    partial_names = {}
    for t in doc_types():
        if t.partial_default:
            partial_names.setdefault(t.name, t)
    pname_alt = "|".join(
        re.escape(n).replace(r"\ ", r"\s+") for n in sorted(partial_names, key=len, reverse=True)
    )
    num = r"\d{1,4}"
    partial_num = re.compile(
        rf"(?<!\w)(?P<name>{pname_alt})\s+(?:số\s*:?\s*)?"
        rf"(?P<nums>{num}(?:(?:,\s+|;\s+|\s+và\s+)(?:số\s*)?{num})*)"
        rf"(?!\d|[.,:]\d|\s*[/{DASHES}]\s*[\w])"
    )
    n_or_w = rf"(?:\d{{1,2}}|{_WORDNUM})"
    central = r"(?:Ban\s+Chấp\s+hành\s+)?(?:Trung\s+ương|TW)(?:\s+Đảng)?"
    partial_plenum = re.compile(
        r"(?<!\w)(?P<name>Nghị\s+quyết)\s+(?:Hội\s+nghị\s+)?"
        rf"(?:lần\s+thứ\s+(?P<w1>{n_or_w})\s+{central}"
        rf"|{central}\s*(?:lần\s+thứ\s+(?P<w2>{n_or_w})|(?P<n>\d{{1,2}}))(?!\w|[.,/{DASHES}]\d))"
    )
    # Anchors: "/" sits inside every full number; a partial reference starts with a
    # capitalised type name, so the first syllable of those names is enough.
    first_words = sorted({n.split()[0] for n in partial_names}, key=len, reverse=True)
    anchors = re.compile("/|" + "|".join(re.escape(w) for w in first_words))
    return Patterns(party, state, name_before, partial_num, partial_plenum, anchors, partial_names)


_DMY_TAIL = (
    rf"(?P<d>\d{{1,2}})\s*(?:[/.{DASHES}]\s*(?P<m>\d{{1,2}})\s*[/.{DASHES}]\s*(?P<y>\d{{4}})"
    r"|\s+(?i:tháng)\s+(?P<m2>\d{1,2})\s*,?\s*(?i:năm)\s+(?P<y2>\d{4}))(?!\d)"
)
# ", ngày 16/6/2022", "ngày30-3-2013", "(ngày 9/5/2024)", "ngày 02 tháng 3 năm 2012"
_DATE_AFTER = re.compile(rf"\s*[,(]?\s*(?i:ngày)\s*{_DMY_TAIL}\)?")
# a document header: the number's line, then "<Place>, ngày ..." on a line of its own
_PLACE = rf"[{UP}][\w.]*(?:[ \t\n]+[{UP}][\w.]*){{0,4}}"
_HEADER_DATE_AFTER = re.compile(rf"[ \t|*]*\n[\s|*]*{_PLACE}\s*,\s*(?i:ngày)\s*{_DMY_TAIL}")
_HEADER_DATE_BEFORE = re.compile(rf"(?:^|\n)[ \t|*]*{_PLACE}\s*,\s*(?i:ngày)\s*{_DMY_TAIL}[ \t|*]*\n[\s|*]*(?i:số)\s*:?\s*$")
_TERM_AFTER = re.compile(r"\s*[,(]?\s*(?:[Kk]hóa|[Kk]hoá|KHÓA|KHOÁ)\s+(?P<term>[IVXL]+)(?!\w)")
_OF = re.compile(r"\s*,?\s*của\s+")
_PLENUM_IN_ISSUER = re.compile(
    rf"Hội\s+nghị\s+(?:lần\s+thứ\s+(?P<a>\d{{1,2}}|{_WORDNUM})\s+)?"
    r"(?:Ban\s+Chấp\s+hành\s+)?(?:Trung\s+ương|TW)(?:\s+Đảng)?"
    rf"(?:\s*(?:lần\s+thứ\s+(?P<b>\d{{1,2}}|{_WORDNUM})|(?P<c>\d{{1,2}})(?!\d)))?"
)
_ISSUER_STOP = frozenset(
    "về khóa khoá ban triển thực hướng tại trong đã đến nhằm để theo cụ được với qua là "
    "nhiệm năm ngày số các ở thì mà do cho từ sau khi bằng này đó hằng hàng đề quy".split()
)
_ISSUER_CUT = re.compile(r"[,;.:()\[\]\"“”‘’«»!?…]")


def _plenum_number(word: str | None) -> str | None:
    if not word:
        return None
    word = re.sub(r"\s+", " ", word)
    if word.isdigit():
        return str(int(word))
    n = WORD_NUMBERS.get(word)
    return str(n) if n else None


def _date(d: str, m: str, y: str) -> dt.date | None:
    try:
        return core.valid_day(int(y), int(m), int(d))
    except TypeError:  # a part the pattern left out
        return None


def _date_after(text: str, pos: int) -> tuple[dt.date | None, int]:
    m = _DATE_AFTER.match(text, pos) or _HEADER_DATE_AFTER.match(text, pos)
    if not m:
        return None, pos
    date = _date(m["d"], m["m"] or m["m2"], m["y"] or m["y2"])
    return (date, m.end()) if date else (None, pos)


def _header_date_before(text: str, start: int) -> dt.date | None:
    """The header's "<Place>, ngày ..." line printed just above a "Số: N-HD/..." line."""
    m = _HEADER_DATE_BEFORE.search(text, max(0, start - 120), start)
    return _date(m["d"], m["m"] or m["m2"], m["y"] or m["y2"]) if m else None


def _issuer_code(printed: str) -> str:
    return printed.replace("Ð", "Đ").replace("TƯ", "TW")


def _spaced_name(printed: str) -> str:
    """A printed type name as the table spells it: "Quyếtđịnh" -> "Quyết định"."""
    flat = re.sub(r"\s+", "", printed).casefold()
    for t in doc_types():
        if t.name.replace(" ", "").casefold() == flat:
            return t.name
    return re.sub(r"\s+", " ", printed).capitalize()


def _printed_type_name(printed: str | None, code: str, system: str) -> str | None:
    """The type name printed before the number when the code allows it (QĐ: Quy định or Quyết định)."""
    if printed:
        name = _spaced_name(printed)
        if any(t.code == code and t.system == system and t.name == name for t in doc_types()):
            return name
    return _type_name(code, system)


def _issuer_after(text: str, pos: int) -> tuple[str | None, int, int]:
    """``của <Issuer>`` at ``pos``: (issuer text, its start, its end)."""
    m = _OF.match(text, pos)
    if not m or m.end() >= len(text) or not text[m.end()].isupper():
        return None, pos, pos
    start = end = m.end()
    words = 0
    for w in re.finditer(r"\S+", text[start : start + 160]):
        token = w.group()
        cut = _ISSUER_CUT.search(token)
        if cut:
            token = token[: cut.start()]
        ordinal = token in WORD_NUMBERS and text[start:end].endswith("thứ")  # "lần thứ năm"
        if not token or (token in _ISSUER_STOP and not ordinal):
            break
        if token == "và":  # "A và doanh nghiệp" continues, "A và Hướng dẫn ..." does not
            nxt = text[start + w.end() :].lstrip()[:1]
            if not nxt or nxt.isupper():
                break
        end = start + w.start() + len(token)
        words += 1
        if cut or words >= 14:
            break
    if end == start:
        return None, pos, pos
    issuer = text[start:end]
    if issuer.endswith(" và"):
        issuer, end = issuer[:-3], end - 3
    return issuer, start, end


def _term_after(text: str, pos: int) -> str | None:
    m = _TERM_AFTER.match(text, pos)
    return m["term"] if m else None


def _context_after(text: str, pos: int) -> tuple[str | None, str | None, str | None, tuple[int, int] | None]:
    """issuer_text, term, plenum and the plenum phrase's span after ``pos``."""
    issuer, i_start, i_end = _issuer_after(text, pos)
    term = _term_after(text, i_end if issuer else pos)
    plenum, plenum_span = None, None
    if issuer:
        pm = _PLENUM_IN_ISSUER.match(issuer)
        if pm:
            plenum = _plenum_number(pm["a"] or pm["b"] or pm["c"])
            if plenum:
                plenum_span = (i_start, i_start + pm.end())
    return issuer, term, plenum, plenum_span


# --------------------------------------------------------------------------- matching


def _windows(text: str, before: int = 60, after: int = 220) -> list[tuple[int, int]]:
    """Merged windows around anchors: the only places the patterns run."""
    out: list[tuple[int, int]] = []
    for m in patterns().anchors.finditer(text):
        s, e = max(0, m.start() - before), min(len(text), m.end() + after)
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _row(**kw) -> dict:
    row = dict.fromkeys(
        ("canonical", "doc_type", "doc_type_name", "number", "year", "issuer_code", "system",
         "issued_date", "issuer_text", "term", "plenum", "catalog_id",
         "catalog_title"),
        None,
    )
    row["partial"] = False
    row.update(kw)
    return row


def _full_refs(text: str, windows, published) -> list[dict]:
    pats = patterns()
    rows = []
    for system, pat in (("party", pats.party), ("state", pats.state)):
        for ws, we in windows:
            for m in pat.finditer(text, ws, we):
                code = _official_code(m["type"], system)
                number, issuer = m["num"], _issuer_code(m["issuer"])
                year = m["year"] if system == "state" else None
                if system == "party":
                    canonical = f"{number}-{code}/{issuer}"
                else:
                    canonical = f"{number}/{year}/{code}-{issuer}" if year else f"{number}/{code}-{issuer}"
                start = m.start()
                nb = pats.name_before.search(text, max(0, start - 40), start)
                printed_name = None
                if nb:
                    start, printed_name = nb.start(), nb["name"]
                issued, end = _date_after(text, m.end())
                if issued is None:
                    issued = _header_date_before(text, m.start())
                issuer_text, term, plenum, _ = _context_after(text, end)
                row = _row(
                    canonical=canonical, doc_type=code, doc_type_name=_printed_type_name(printed_name, code, system),
                    number=number, year=int(year) if year else None, issuer_code=issuer,
                    system=system, issued_date=issued, issuer_text=issuer_text, term=term,
                    plenum=plenum, start=start, end=end,
                )
                rows.append(_finish(text, row, printed_name, published))
    return rows


# "Hướng dẫn 12 ngày 6/7/2018": a unit word that opens a date is the issue date, not a quantity
_DATE_OPENER = re.compile(rf"\s*(?:ngày|tháng|năm)\s*\d{{1,4}}\s*(?:[/.{DASHES}]\s*\d|tháng|năm)", re.IGNORECASE)


def _followed_by_unit(text: str, pos: int) -> bool:
    m = re.match(r"\s*(%|[^\W\d_]+)", text[pos : pos + 30])
    if not m or _DATE_OPENER.match(text, pos):
        return False
    return m.group(1) == "%" or m.group(1).lower() in UNIT_WORDS


def _partial_refs(text: str, windows, published) -> list[dict]:
    pats = patterns()
    rows = []
    for ws, we in windows:
        for m in pats.partial_num.finditer(text, ws, we):
            dtype = pats.partial_names[re.sub(r"\s+", " ", m["name"])]
            numbers = []
            for n in re.finditer(r"\d+", m["nums"]):
                value = n.group()
                after = m.start("nums") + n.end()
                if _followed_by_unit(text, after) or (len(value) == 4 and value[:2] in ("19", "20")):
                    break
                numbers.append((value, after))
            if not numbers:
                continue
            end = numbers[-1][1]
            issuer_text, term, plenum, plenum_span = _context_after(text, end)
            if plenum_span:
                end = plenum_span[1]
            system = dtype.system if len({t.system for t in doc_types() if t.name == dtype.name}) == 1 else None
            if plenum:
                system = "party"
            for value, _ in numbers:
                row = _row(
                    doc_type=dtype.code, doc_type_name=dtype.name, number=value, system=system,
                    issuer_text=issuer_text, term=term, plenum=plenum, partial=True,
                    start=m.start(), end=end,
                )
                rows.append(_finish(text, row, dtype.name, published))
        for m in pats.partial_plenum.finditer(text, ws, we):
            plenum = _plenum_number(m["w1"] or m["w2"] or m["n"])
            if not plenum:
                continue
            end = m.end()
            issuer_text, term, _, _ = _context_after(text, end)
            # with its term the plenum names one resolution in full: not a partial reference
            row = _row(
                doc_type="NQ", doc_type_name="Nghị quyết", system="party", issuer_text=issuer_text,
                term=term, plenum=plenum, partial=term is None, start=m.start(), end=end,
            )
            rows.append(_finish(text, row, "Nghị quyết", published))
    return rows


def _finish(text: str, row: dict, printed_name: str | None, published) -> dict:
    row["text"] = text[row["start"] : row["end"]]
    name = _spaced_name(printed_name) if printed_name else None
    link_catalog(row, name, published)
    return row


def _named_in_full(partial: dict, full: list[dict]) -> bool:
    """``Quy định số 213`` after 213-QĐ/TW was printed, a bare ``Nghị quyết Trung ương 4``
    after that plenum was named with its term or number: a short mention of that document,
    not a partial reference of its own (one printed before the full name still is)."""
    if not partial["partial"]:
        return False
    earlier = [f for f in full if f["start"] < partial["start"]]
    if partial["number"] is None:
        return any(f["plenum"] == partial["plenum"] for f in earlier)
    number = int(partial["number"])
    return any(
        f["number"] is not None and int(f["number"]) == number
        and (f["doc_type"] == partial["doc_type"] or partial["doc_type_name"] in _type_names_of(f["doc_type"], f["system"]))
        for f in earlier
    )


def _type_names_of(code: str, system: str) -> set[str]:
    return {t.name for t in doc_types() if t.code == code and t.system == system}


def find_doc_refs(text: str, published: dt.date | None = None) -> list[dict]:
    """Every document reference in ``text``, one row per mention, in text order.

    ``published`` (the article's date) only narrows catalogue links: a document
    issued after the article cannot be the one it cites.
    """
    if not text or not isinstance(text, str):
        return []
    windows = _windows(text)
    if not windows:
        return []
    full = _full_refs(text, windows, published)
    # one number read twice (the name before it, two patterns) keeps its first, longest span
    spans = [core.Span(r["start"], r["end"], (r["start"], -r["end"]), r, group=r["canonical"]) for r in full]
    kept = [span.value for span in core.resolve(spans, per_group=True)]
    covered = core.Cover(kept)
    partial = [p for p in _partial_refs(text, windows, published) if not covered.overlaps(p["start"], p["end"])]
    named = kept + [p for p in partial if not p["partial"]]  # "Nghị quyết Trung ương 4 khóa XII" names one in full
    partial = [p for p in partial if not _named_in_full(p, named)]
    seen = set()
    out = []
    for r in sorted(kept + partial, key=lambda r: (r["start"], r["end"])):
        key = (r["start"], r["end"], r["number"], r["plenum"], r["canonical"])
        if key not in seen:
            seen.add(key)
            out.append(r)
    share_links(out)
    return out


# --------------------------------------------------------------------------- component


# "Số: 12-KH/HU", "Số 33-HD/BTCTW", "Số:" with the number on the next line
_OWN_NUMBER_BEFORE = re.compile(r"(?i:số)[\s:|*]*$")


def header_refs(header: str | None, published: dt.date | None = None) -> list[dict]:
    """An official document's own number, read from its header (``Số: 12-KH/HU`` and its date).

    Numbers cited in the header's subject line are not counted (the dev gold counts
    them in the text only). The header is not in the main text, so the row is a
    zero-width span at the text's start; its ``sentence`` is the header line."""
    if not header:
        return []
    rows = [r for r in find_doc_refs(header, published=published) if r["canonical"]]
    own = [r for r in rows[:1] if _OWN_NUMBER_BEFORE.search(header, max(0, r["start"] - 8), r["start"])]
    for row in own:
        line_start = header.rfind("\n", 0, row["start"]) + 1
        line_end = header.find("\n", row["start"])
        row["sentence"] = header[line_start : line_end if line_end >= 0 else len(header)]
        row["text"], row["start"], row["end"] = "", 0, 0
    return own


@core.component("doc_refs", reads=("doc.sents", "meta.published_date", "meta.doc_header"), writes=("doc_refs",))
def doc_refs_component(doc: Doc) -> Doc:
    published = doc._.meta.get("published_date")
    published = published if isinstance(published, dt.date) else None
    rows = find_doc_refs(text_of(doc), published=published)
    for row in rows:
        row["sentence"] = sentence_of(doc, row["start"], row["end"])
    doc._.rows["doc_refs"] = header_refs(doc._.meta.get("doc_header"), published) + rows
    return doc
