"""Numbers of party members and party organisations (component ``counts``).

Extraction as data: the tables beside this module say what a count is.

    count_units.csv       unit synonyms -> canonical unit (+ a qualifier they imply);
                          longest synonym wins ("đảng bộ cơ sở, chi bộ cơ sở" is one
                          unit, "tổ chức cơ sở đảng")
    count_qualifiers.csv  phrases that say which subset is counted: the verb ``before``
                          the number ("kết nạp 20 đảng viên", "khiển trách 5 đồng chí"),
                          modifiers right ``after`` the unit, one after another ("16 đảng
                          bộ trực thuộc Tỉnh ủy", "7 đảng viên dưới 30 tuổi", "120 chi bộ
                          thôn, tổ dân phố"), or a fixed phrase ``near`` it in the same
                          clause ("100% đảng viên đều hoàn thành tốt nhiệm vụ")
    count_predicate.csv   otherwise the predicate after the unit, to the clause's end
                          ("87% chi bộ duy trì sinh hoạt định kỳ"), cut at the words
                          that open another clause, auxiliaries dropped
    number_words.csv      "hai", "mười lăm", "hai mươi mốt", "ba trăm" ...

A count is a number (digits with Vietnamese separators: ``65.052`` = 65052,
``35,34%`` = 35.34, or number words) followed by a unit. Breakdowns
``trình độ chính trị (cao cấp: 06 đ/c; trung cấp: 09; ...)`` give one count per
item, the item's label prefixed by the group's head as qualifier; an item
without a unit takes its siblings' unit. ``100% chi bộ, đảng viên`` gives one
count per unit. Coordinated counts share what is said once: the verb before the
first ("kiểm tra 12 tổ chức đảng và 30 đảng viên") and the predicate after the last
("5 tổ chức đảng và 9 đảng viên có vi phạm"); a subset introduced by ``trong đó``
takes its whole's verb ("kết nạp 80 đảng viên, trong đó 12 đảng viên là nữ"). A
share of the previous count (``..., chiếm 18,9%``, ``(18,9%)``) is a percent count of
its unit and qualifier. Numbers inside ``taken_spans`` (document references, dates) are
never counts; neither are names (``Chi bộ 01``), durations (``10 năm``), ordinals,
footnotes (``(1)``) or vague amounts (``hàng trăm``, ``một số``).
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from functools import lru_cache
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.nlp import text_of

from pipeline.extract.dates import find_dates

Row = dict
_HERE = Path(__file__).resolve().parent


def _read(name: str) -> list[dict]:
    with open(_HERE / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(line for line in fh if not line.startswith("#")))


def _ws(s: str) -> str:
    return " ".join(s.split())


# ---------------------------------------------------------------- tables
@lru_cache(maxsize=1)
def _tables():
    units = _read("count_units.csv")
    units.sort(key=lambda r: -len(r["synonym"]))
    by_syn = {_ws(r["synonym"]).lower(): (r["unit"], r["qualifier"] or None) for r in units}

    def syn_rx(s: str) -> str:
        return r"\s*,\s*".join(r"\s+".join(re.escape(w) for w in part.split()) for part in s.split(","))

    unit_alt = "|".join(syn_rx(r["synonym"]) for r in units)
    unit_rx = re.compile(rf"(?:{unit_alt})(?![\w/])", re.IGNORECASE)

    words = {r["word"]: (int(r["value"]), r["role"]) for r in _read("number_words.csv")}
    word_alt = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    quals = []
    for r in _read("count_qualifiers.csv"):
        if r["side"] == "before":
            rx = re.compile(rf"(?:{r['pattern']})\s+$", re.IGNORECASE)
        elif r["side"] == "after":
            rx = re.compile(rf"^\s*(?:{r['pattern']})(?!\w)", re.IGNORECASE)
        else:
            rx = re.compile(rf"(?:{r['pattern']})", re.IGNORECASE)
        quals.append((r["side"], rx, r["qualifier"]))
    return by_syn, unit_rx, words, word_alt, quals


@lru_cache(maxsize=1)
def _predicate_rx() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    by_role: dict[str, list[str]] = {"stop": [], "lead": [], "trail": []}
    for r in _read("count_predicate.csv"):
        by_role[r["role"]].append(r["pattern"])
    stop = re.compile(rf"(?<!\w)(?:{'|'.join(by_role['stop'])})(?!\w)", re.IGNORECASE)
    lead = re.compile(rf"^(?:(?:{'|'.join(by_role['lead'])})\s+)+", re.IGNORECASE)
    trail = re.compile(rf"(?:\s+(?:{'|'.join(by_role['trail'])}))+$", re.IGNORECASE)
    return stop, lead, trail


# ---------------------------------------------------------------- numbers
_DIGITS = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?(?!\d)|\d+(?:[,.]\d+)?"
_NUM_DIGITS = re.compile(rf"(?<![\w.,/\-])(?P<n>{_DIGITS})(?![\w/])(?:\s*(?P<mult>nghìn|ngàn|triệu)(?!\w))?",
                         re.IGNORECASE)
_MULT = {"nghìn": 1000, "ngàn": 1000, "triệu": 1_000_000}


def parse_digits(s: str) -> float:
    """``65.052`` -> 65052, ``35,34`` -> 35.34, ``2.5`` -> 2.5, ``01`` -> 1."""
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "")
    return float(s.replace(",", "."))


def parse_words(tokens: list[str]) -> float | None:
    """Vietnamese number words to a value; None when they do not form a number."""
    _, _, words, _, _ = _tables()
    total, current, prev_role = 0, 0, None
    for i, tok in enumerate(tokens):
        value, role = words[tok.lower()]
        nxt = tokens[i + 1].lower() if i + 1 < len(tokens) else None
        if role == "digit":
            if prev_role == "digit":
                return None
            current += value * (10 if nxt == "mươi" else 1)
        elif role == "tens":
            if prev_role != "digit":
                return None
        elif role == "ten":
            if prev_role == "digit":
                return None
            current += 10
        elif role == "after_tens":
            if prev_role not in ("tens", "ten"):
                return None
            current += value
        elif role == "hundred":
            if prev_role != "digit":
                return None
            current = (current % 10) * 100 + (current // 10) * 1000 if current >= 10 else current * 100
        elif role == "thousand":
            if prev_role is None:
                return None
            total += current * value
            current = 0
        elif role == "filler":
            if prev_role != "hundred":
                return None
        prev_role = role
    return float(total + current)


@lru_cache(maxsize=1)
def _num_words_rx() -> re.Pattern:
    _, _, _, alt, _ = _tables()
    return re.compile(rf"(?<!\w)(?:{alt})(?:\s+(?:{alt}))*(?!\w)", re.IGNORECASE)


# a standalone "năm" is "year" far more often than "five"
_NAM_TRIGGER = re.compile(r"(?:có|gồm|với|tổng\s+số|kết\s+nạp|và|,)\s+$", re.IGNORECASE)
# words right before a number that make it a name, an ordinal or a code
_BLOCK_BEFORE = re.compile(
    r"(?:(?<!tổng )\bsố|\bthứ|\blần|\bkhóa|\bkhoá|\bTrung\s+ương|\btrang|\bđiều|\bkhoản|\bmục|\bphần|\blớp|\bkỳ"
    r"|\bnăm|\bhàng|\bhằng|\bvài|\bmấy|\bmỗi|\bchi\s+bộ|\bđảng\s+bộ|\bđảng\s+ủy|\bđảng\s+uỷ|\btổ)\s*$",
    re.IGNORECASE,
)
_APPROX = re.compile(r"\b(trên|hơn|gần|khoảng|xấp\s+xỉ|chừng|ước\s+tính|ước)\s+$", re.IGNORECASE)
_APPROX_CANON = {"trên": "trên", "hơn": "hơn", "gần": "gần", "khoảng": "khoảng"}
_BETWEEN = re.compile(r"\s*(?P<pct>%)?\s*(?:(?:tổng\s+)?số\s+|các\s+)?", re.IGNORECASE)
_COORD = re.compile(r"\s*(?:,|và|hoặc)\s*", re.IGNORECASE)


def _numbers(text: str) -> list[tuple[int, int, float]]:
    out = []
    for m in _NUM_DIGITS.finditer(text):
        try:
            v = parse_digits(m["n"]) * (_MULT[m["mult"].lower()] if m["mult"] else 1)
        except ValueError:
            continue
        out.append((m.start(), m.end(), v))
    for m in _num_words_rx().finditer(text):
        toks = m.group().split()
        # skip a lone article "một" and "một số" (= some)
        if toks[0].lower() == "một" and len(toks) == 1:
            continue
        if len(toks) == 1 and toks[0].lower() == "năm" and not _NAM_TRIGGER.search(text[max(0, m.start() - 12):m.start()]):
            continue
        # "năm" can end a list of words that is really "... năm 2022": drop a trailing "năm"
        v = parse_words(toks)
        if v is None or v == 0:
            continue
        out.append((m.start(), m.end(), v))
    return out


# ---------------------------------------------------------------- context
_BOUNDARY = re.compile(r"[!?\n]|\.(?!\d)")
_CLAUSE = re.compile(r"[!?\n;]|\.(?!\d)")
_ORG = (r"Đảng\s+bộ|Chi\s+bộ|Đảng\s+[uủ]ỷ|Hội(?!\s+nghị)|Tỉnh\s+[uủ]ỷ|Thành\s+[uủ]ỷ|Huyện\s+[uủ]ỷ|Quận\s+[uủ]ỷ"
        r"|Thị\s+[uủ]ỷ|Ban|Sở|Cục|Trường|Công\s+ty|Tổng\s+công\s+ty|Bộ|Ủy\s+ban|UBND|Đoàn|Mặt\s+trận"
        r"|[Tt]oàn\s+Đảng\s+bộ|[Tt]oàn\s+đảng\s+bộ|[Tt]oàn\s+tỉnh|[Tt]oàn\s+huyện|[Tt]oàn\s+thành\s+phố")
_SUBJECT = re.compile(
    rf"(?<!\w)(?P<subj>(?:{_ORG})(?:\s+(?!(?:có|gồm|hiện|đã|với|kết)\b)[^\s,.;:()]+){{0,6}}?)"
    r"\s+(?:hiện\s+(?:nay\s+)?|đã\s+|hiện\s+đang\s+)?(?:có|gồm|kết\s+nạp)\b"
)
_LABEL = re.compile(r"(?P<label>[^\s:;,.()][^:;,.()\n]{0,40}?)\s*:\s*$")
# A breakdown is "HEAD (label: N ...; label: N ...)": HEAD is 1-61 characters without
# ( ) , ; : . or a newline, not starting with a space. One regex tried at every character
# is slow on long texts and a breakdown is rare, so the bracket is found first and the
# head read back from it (tests/extract/test_counts.py checks it equals that regex).
_GROUP_BODY = re.compile(r"\((?P<body>[^()\n]*:[^()\n]*)\)")
_HEAD_STOP = set("(),;:.\n")
_HEAD_MAX = 61


def _group_matches(text: str) -> Iterator[tuple[str, str, int, int]]:
    """(head, body, body start, head start) of each breakdown, in order."""
    for b in _GROUP_BODY.finditer(text):
        j = b.start()
        while j > 0 and text[j - 1].isspace():
            j -= 1
        lo = j
        while lo > 0 and j - lo < _HEAD_MAX and text[lo - 1] not in _HEAD_STOP:
            lo -= 1
        while lo < j and text[lo].isspace():
            lo += 1
        if lo < j:
            yield text[lo:j], b["body"], b.start("body"), lo
_HEAD_PREFIX = re.compile(r"^(?:(?:trong\s+đó|gồm|gồm\s+có|về|với|còn|có)\s+)+", re.IGNORECASE)
_HEADS = [  # breakdown heads -> the qualifier prefix the gold uses
    (re.compile(r"trình\s+độ\s+(?:lý|lí)\s+luận\s+chính\s+trị|lý\s+luận\s+chính\s+trị|trình\s+độ\s+chính\s+trị",
                re.IGNORECASE), "trình độ chính trị"),
    (re.compile(r"chuyên\s+môn(?:\s+nghiệp\s+vụ)?|trình\s+độ\s+chuyên\s+môn", re.IGNORECASE), "chuyên môn"),
    (re.compile(r"trình\s+độ\s+học\s+vấn|học\s+vấn", re.IGNORECASE), "học vấn"),
    (re.compile(r"độ\s+tuổi", re.IGNORECASE), "độ tuổi"),
]


def _sentence(text: str, s: int, e: int, rx=_BOUNDARY) -> tuple[int, int]:
    a = 0
    for m in rx.finditer(text, max(0, s - 600), s):
        a = m.end()
    m = rx.search(text, e)
    return a, (m.start() if m else len(text))


def _subject(text: str, s: int) -> str | None:
    a, _ = _sentence(text, s, s)
    found = None
    for m in _SUBJECT.finditer(text, a, s):
        found = _ws(m["subj"])
    return found


def _year(text: str, s: int, e: int) -> int | None:
    a, b = _sentence(text, s, e, _CLAUSE)
    return _clause_year(text[a:b])


@lru_cache(maxsize=4096)
def _clause_year(clause: str) -> int | None:
    """The one year the clause's dates name, if they name one (counts of a clause share it)."""
    years = {r["date"].year for r in find_dates(clause)
             if r["precision"] in ("day", "month", "quarter", "year")}
    return years.pop() if len(years) == 1 else None


_FROM = re.compile(r"(?<!\w)từ\s+$", re.IGNORECASE)
# "100% chi bộ trong Đảng bộ tỉnh đưa ...": where the counted units are, before the predicate
_WHERE = re.compile(
    rf"^(?:trong|thuộc|ở|tại)\s+(?:(?:toàn|các)\s+)?(?:{_ORG})"
    r"(?:\s+(?:tỉnh|huyện|xã|phường|thị\s+trấn|thành\s+phố|quận|thị\s+xã|khối|cơ\s+sở|cơ\s+quan))?"
    r"(?:\s+[A-ZĐ]\w*)*\s+")
_NO_DECIMAL_COMMA = re.compile(r"[!?\n;]|,(?!\d)|\.(?!\d)")
_MAX_PREDICATE_WORDS = 15


@dataclass
class _Qual:
    """What one count's context says about its subset, before the parts are joined."""

    fixed: list[str] = field(default_factory=list)  # the item label, the unit's own qualifier
    before: str | None = None  # the verb before the number ("kiểm tra")
    own_before: bool = False  # ... found before this number (not shared with a sibling)
    after: list[str] = field(default_factory=list)  # table modifiers right after the unit
    after_end: int = 0  # where they end
    near: str | None = None  # a fixed phrase in the clause ("hoàn thành tốt nhiệm vụ")
    rest: str | None = None  # the predicate when no table says anything after the unit
    copula: bool = False  # the predicate started with "là"
    share_of: int | None = None  # a "chiếm 18,9%" row: index of the count it is a share of
    group: bool = False  # an item of a breakdown: its label is its qualifier

    def text(self) -> str | None:
        parts = list(self.fixed)
        for val in (self.before, *self.after, self.near):
            if val and not any(val in p for p in parts):
                parts.append(val)
        if self.rest and not self.near:
            keep_copula = self.copula and len(parts) > 0
            parts.append(("là " if keep_copula else "") + self.rest)
        return " ".join(parts) if parts else None


def _fill(q: str, m: re.Match) -> str:
    return _ws(q.format(q=m.groupdict().get("q") or "")) if "{q}" in q else q


def _qualifier(text: str, s: int, unit_end: int, built_in: str | None, label: str | None) -> _Qual:
    """The table qualifiers of the count at ``s`` whose (last) unit ends at ``unit_end``."""
    *_, quals = _tables()
    q = _Qual(fixed=[p for p in (label, built_in) if p])
    before = _FROM.sub("", _APPROX.sub("", text[max(0, s - 80):s]))  # "kết nạp từ 50 ... trở lên"
    _, b = _sentence(text, unit_end, unit_end, _NO_DECIMAL_COMMA)
    _, b_clause = _sentence(text, unit_end, unit_end, _CLAUSE)
    near = text[unit_end:min(b, unit_end + 80)]
    for side, rx, val in quals:
        if side == "before" and q.before is None:
            m = rx.search(before)
            if m:
                q.before, q.own_before = _fill(val, m), True
        elif side == "near" and q.near is None:
            m = rx.search(near)
            if m:
                q.near = _fill(val, m)
    q.after, q.after_end = _after_mods(text, unit_end, b_clause)
    return q


def _after_mods(text: str, pos: int, end: int) -> tuple[list[str], int]:
    """Table modifiers right after a unit, one after another ("đảng viên mới dưới 30 tuổi")."""
    *_, quals = _tables()
    found: list[str] = []
    for _ in range(4):
        for side, rx, val in quals:
            if side != "after":
                continue
            m = rx.match(text[pos:end])
            if m and m.end() > 0:
                found.append(_fill(val, m))
                pos += m.end()
                break
        else:
            break
    return found, pos


def _predicate(text: str, pos: int, end: int | None = None) -> tuple[str | None, bool]:
    """The predicate from ``pos`` to the clause's end (or ``end``); (text, started with "là")."""
    stop, lead, trail = _predicate_rx()
    _, b = _sentence(text, pos, pos, _NO_DECIMAL_COMMA)
    if end is not None:
        b = min(b, end)
    seg = text[pos:b]
    if not seg[:1].isspace() and seg:
        return None, False  # glued to the unit: not a new word
    m = stop.search(seg)
    if m:
        seg = seg[:m.start()]
    seg = _ws(seg)
    if re.search(r"[()\[\]\"“”:%]", seg):
        return None, False
    seg = _WHERE.sub("", seg)
    lm = lead.match(seg)
    copula = bool(lm) and lm.group().split()[-1].lower() == "là"
    seg = trail.sub("", lead.sub("", seg)).strip()
    words = seg.split()
    if not words or not words[0][:1].isalpha():
        return None, False
    if copula and words[0][:1].isupper():
        return None, False  # "hai chi bộ bạn là Chi bộ Khoa Điện ...": names, not a subset
    return " ".join(words[:_MAX_PREDICATE_WORDS]), copula


def _unit_at(text: str, pos: int, need_space: bool = True):
    by_syn, unit_rx, *_ = _tables()
    m = _BETWEEN.match(text, pos)
    pct = bool(m["pct"])
    if not pct and m.end() > pos and text[pos:m.end()].strip():
        # "tổng số" / "các" between number and unit only after a percent sign
        return None
    um = unit_rx.match(text, m.end())
    if um is None or (need_space and not pct and m.end() == pos and um.start() == pos):
        return None  # the unit must be separated from the number by white space
    unit, qual = by_syn.get(_ws(re.sub(r"\s*,\s*", ", ", um.group())).lower(), (None, None))
    if unit is None:  # case variants ("Đảng viên")
        return None
    return pct, um, unit, qual


# "tỷ lệ đảng viên ... đạt 95%", "số đảng viên bị kỷ luật chiếm 0,14%": the unit before the verb
_RATE = re.compile(r"(?:tỷ\s+lệ|(?<!\w)số(?:\s+lượng)?)\s+(?:số\s+|các\s+)?", re.IGNORECASE)
_RATE_VERB = re.compile(r"\s(?:đạt|là|chiếm|bằng)\s+(?:trên\s+|hơn\s+|gần\s+|khoảng\s+)?$", re.IGNORECASE)


def _rate(text: str, s: int, e: int, value: float) -> Row | None:
    """``tỷ lệ đảng viên được xếp loại hoàn thành tốt nhiệm vụ đạt 95%``: unit before the number."""
    if text[e:e + 1] != "%" or not _RATE_VERB.search(text, max(0, s - 80), s):
        return None
    a, _ = _sentence(text, s, e, re.compile(r"[!?\n;]|\.(?!\d)"))
    last = None
    for m in _RATE.finditer(text, a, s):
        last = m
    if last is None:
        return None
    by_syn, unit_rx, *_ = _tables()
    um = unit_rx.match(text, last.end())
    if um is None or um.end() > s or _not_one_phrase(text[um.end():s]):
        return None
    unit, built_in = by_syn.get(_ws(re.sub(r"\s*,\s*", ", ", um.group())).lower(), (None, None))
    if unit is None:
        return None
    *_, quals = _tables()
    parts = [built_in] if built_in else []
    for side, rx, q in quals:
        if side == "near" and rx.search(text, um.end(), s):
            parts.append(q)
            break
    else:  # "tỷ lệ đảng viên dự sinh hoạt bình quân đạt 92%": what lies between unit and verb
        verb = _RATE_VERB.search(text, max(0, s - 80), s)
        parts.extend(_between(text, um.end(), verb.start() if verb else s))
    am = _APPROX.search(text, max(0, s - 20), s)
    approx = _APPROX_CANON.get(_ws(am.group(1)).lower(), "khoảng") if am else None
    return _row(text, last.start(), e + 1, value, unit, " ".join(parts) or None, True, approx,
                _subject(text, last.start()), _year(text, s, e))


def _not_one_phrase(gap: str) -> bool:
    """Between a rate's unit and its verb: another clause or another count."""
    _, unit_rx, *_ = _tables()
    return bool(re.search(r",(?!\d)", gap) or unit_rx.search(gap))


def _between(text: str, pos: int, end: int) -> list[str]:
    """Modifiers and predicate between a rate's unit and its verb."""
    mods, pos = _after_mods(text, pos, end)
    rest, _ = _predicate(text, pos, end)
    return mods + ([rest] if rest else [])


def _prefix_qualifier(text: str, s: int) -> str | None:
    """``Số đảng viên bị kỷ luật chiếm 0,14% tổng số đảng viên``: the phrase of the unit
    named before the verb, for a percent whose own unit follows it."""
    verb = _RATE_VERB.search(text, max(0, s - 80), s)
    if verb is None:
        return None
    a, _ = _sentence(text, s, s, _CLAUSE)
    last = None
    for m in _RATE.finditer(text, a, verb.start()):
        last = m
    if last is None:
        return None
    _, unit_rx, *_ = _tables()
    um = unit_rx.match(text, last.end())
    if um is None or um.end() > verb.start() or _not_one_phrase(text[um.end():verb.start()]):
        return None
    return " ".join(_between(text, um.end(), verb.start())) or None


# a share of the count before it: "196 chi bộ ..., chiếm 18,9%", "196 chi bộ (18,9%)"
_SHARE_VERB = re.compile(r"(?:chiếm|bằng)(?:\s+tỷ\s+lệ)?\s+(?:(?P<approx>trên|hơn|gần|khoảng)\s+)?$", re.IGNORECASE)


def _share(text: str, s: int, e: int, rows: list[Row]) -> tuple[int, int, str | None, int] | None:
    """(start, end, approx, index of the count) when the percent at ``s`` is a share of that count."""
    if text[e:e + 1] != "%":
        return None
    vm = _SHARE_VERB.search(text, max(0, s - 30), s)
    paren = text[s - 1:s] == "(" and text[e + 1:e + 2] == ")"
    if vm is None and not paren:
        return None
    start = vm.start() if vm else s
    by_syn, unit_rx, *_ = _tables()
    for i in range(len(rows) - 1, -1, -1):
        r = rows[i]
        if r["end"] > start:
            continue
        gap = text[r["end"]:start]
        if r["percent"] or len(gap) > 80 or re.search(r"[!?\n;%]|\.(?!\d)", gap) or unit_rx.search(gap):
            return None
        return start, e + 1, _APPROX_CANON.get(vm["approx"].lower()) if vm and vm["approx"] else None, i
    return None


def _subset_of(text: str, s: int, e: int, rows: list[Row]) -> int | None:
    """Index of the count a bare ``trong đó N%`` is a part of (the last one of its sentence)."""
    if text[e:e + 1] != "%" or not rows:
        return None
    before = [i for i, r in enumerate(rows) if r["end"] <= s]
    if not before:
        return None
    i = max(before, key=lambda k: rows[k]["end"])
    return i if _SUBSET_GAP.fullmatch(text[rows[i]["end"]:s]) else None


def _overlaps(s: int, e: int, spans: list[tuple[int, int]]) -> bool:
    return any(s < b and a < e for a, b in spans)


def _row(text, s, e, value, unit, qualifier, pct, approx, subject, year) -> Row:
    return {"value": float(value), "unit": unit, "qualifier": qualifier, "percent": pct,
            "approx": approx, "subject": subject, "subject_entity_id": None, "year": year,
            "text": text[s:e], "start": s, "end": e}


def _groups(text: str, taken: list[tuple[int, int]]) -> tuple[list[Row], list[tuple[int, int]]]:
    """Breakdowns: ``trình độ chính trị (đại học: 01 đ/c; trung cấp: 09; ...)``."""
    rows, used = [], []
    for head_text, body, base, _start in _group_matches(text):
        sep = ";" if ";" in body else ","
        items, pos = [], 0
        for part in body.split(sep):
            im = re.fullmatch(rf"\s*(?P<label>[^:]{{1,40}}?)\s*:\s*(?P<n>{_DIGITS})(?P<rest>.*?)\s*", part)
            if im:
                s = base + pos + im.start("n")
                e = base + pos + im.end("n")
                unit = _unit_at(text, e) if im["rest"].strip() else None
                if im["rest"].strip() and unit is None:
                    items = []
                    break
                items.append((_ws(im["label"]), s, e, parse_digits(im["n"]), unit))
            pos += len(part) + 1
        units = {u[2] for *_, u in items if u}
        if not items or len(units) != 1 or any(_overlaps(s, e, taken) for _, s, e, _, _ in items):
            continue
        unit_name = units.pop()
        head = _HEAD_PREFIX.sub("", _ws(head_text))
        for rx, canon in _HEADS:
            if rx.fullmatch(head):
                head = canon
                break
        if len(head.split()) > 5:
            head = ""
        for label, s, e, v, u in items:
            end = u[1].end() if u else e
            qual = _ws(f"{head} {label}") if head else label
            rows.append(_row(text, s, end, v, unit_name, qual, False, None, _subject(text, s), _year(text, s, end)))
            used.append((s, end))
    return rows, used


def find_counts(text: str, taken_spans: Iterable = ()) -> list[Row]:
    """Counts of party members and organisations in ``text``, in text order.

    ``taken_spans``: (start, end) pairs or row dicts with start/end (doc_refs and
    dates rows); a number inside one is never a count.
    """
    if not isinstance(text, str) or not text:
        return []
    taken: list[tuple[int, int]] = []
    for span in taken_spans or ():
        try:
            a, b = (span["start"], span["end"]) if isinstance(span, dict) else (span[0], span[1])
            if a is not None and b is not None:
                taken.append((int(a), int(b)))
        except (KeyError, IndexError, TypeError, ValueError):
            continue

    rows, used = _groups(text, taken)
    quals: list[_Qual | None] = [None] * len(rows)  # None: the row's qualifier is final
    seen = set(used)
    for s, e, value in sorted(_numbers(text)):
        if _overlaps(s, e, taken) or _overlaps(s, e, used):
            continue
        before = text[max(0, s - 30):s]
        if _BLOCK_BEFORE.search(before):
            continue
        if s > 0 and text[s - 1] == "(" and text[e:e + 1] == ")":
            continue  # footnote marker
        found = _unit_at(text, e)
        if found is None:
            rate = _rate(text, s, e, value)
            if rate is not None and (rate["start"], rate["end"]) not in seen:
                seen.add((rate["start"], rate["end"]))
                rows.append(rate)
                quals.append(None)
                continue
            share = _share(text, s, e, rows) if rate is None else None
            if share is not None and (share[0], share[1]) not in seen:
                start, end, approx, of = share
                seen.add((start, end))
                parent = rows[of]
                rows.append(_row(text, start, end, value, parent["unit"], None, True, approx,
                                 parent["subject"], parent["year"]))
                quals.append(_Qual(share_of=of))
                continue
            of = _subset_of(text, s, e, rows) if rate is None else None
            if of is not None and (s, e + 1) not in seen:
                # "100% chi bộ ..., trong đó 83% hoàn thành xuất sắc nhiệm vụ": a part of that unit
                seen.add((s, e + 1))
                parent = rows[of]
                q = _qualifier(text, s, e + 1, None, None)
                if not q.before and not q.near:
                    q.rest, q.copula = _predicate(text, q.after_end)
                rows.append(_row(text, s, e + 1, value, parent["unit"], None, True, None,
                                 parent["subject"], parent["year"]))
                quals.append(q)
            continue
        pct, um, unit, built_in = found
        if 1900 <= value <= 2100 and not pct and um.group()[:1].isupper() and "." not in text[s:e]:
            continue  # "năm 2018 Chi bộ Văn phòng ...": a year before a name
        am = _APPROX.search(before)
        approx = _APPROX_CANON.get(_ws(am.group(1)).lower(), "khoảng") if am else None
        lm = _LABEL.search(text, max(0, s - 45), s)
        label = _ws(lm["label"]) if lm and lm.end() == s and len(lm["label"].split()) <= 4 else None
        subject, year = _subject(text, s), _year(text, s, um.end())
        # "100% chi bộ, đảng viên": one count per coordinated unit
        chain = [(um, unit, built_in)]
        while pct:
            cm = _COORD.match(text, chain[-1][0].end())
            nxt = _unit_at(text, cm.end(), need_space=False) if cm else None
            if not cm or nxt is None or nxt[0]:
                break
            chain.append((nxt[1], nxt[2], nxt[3]))
        last_end = chain[-1][0].end()
        for cu, cunit, cq in chain:
            if (s, cu.end()) in seen:
                continue
            seen.add((s, cu.end()))
            q = _qualifier(text, s, last_end, cq, label)
            if not q.near:
                q.rest, q.copula = _predicate(text, q.after_end)
                if q.before and not q.copula:
                    q.rest = None  # an object's predicate is the clause's, except "là ..." (who are)
            if pct and not (q.before or q.after or q.near or q.rest):
                q.rest = _prefix_qualifier(text, s)
            rows.append(_row(text, s, cu.end(), value, cunit, None, pct, approx, subject, year))
            quals.append(q)
        used.append((s, last_end))
    _share_context(text, rows, quals)
    for r, q in zip(rows, quals):
        if q is not None and q.share_of is None:
            r["qualifier"] = q.text()
    for r, q in zip(rows, quals):
        if q is not None and q.share_of is not None:
            r["qualifier"] = rows[q.share_of]["qualifier"]
    order = sorted(range(len(rows)), key=lambda i: (rows[i]["start"], rows[i]["end"]))
    return [rows[i] for i in order]


_COORD_GAP = re.compile(r"\s*(?:,|và|với|hoặc)\s*(?:(?:trên|hơn|gần|khoảng)\s+)?", re.IGNORECASE)
_AND_GAP = re.compile(r"\s+(?:và|hoặc)\s+(?:(?:trên|hơn|gần|khoảng)\s+)?", re.IGNORECASE)
_SUBSET_GAP = re.compile(r"[^.;!?\n]*?,\s*trong\s+(?:số\s+)?đó\s*(?:(?:có|là)\s+)?(?:(?:trên|hơn|gần|khoảng)\s+)?",
                         re.IGNORECASE)


def _share_context(text: str, rows: list[Row], quals: list[_Qual | None]) -> None:
    """Coordinated counts share the verb before the first and the predicate after the last;
    a ``trong đó`` subset takes its whole's verb."""
    idx = sorted((i for i, q in enumerate(quals) if q is not None and q.share_of is None),
                 key=lambda i: (rows[i]["start"], rows[i]["end"]))
    for k in range(1, len(idx)):
        prev, cur = idx[k - 1], idx[k]
        p, c, pq, cq = rows[prev], rows[cur], quals[prev], quals[cur]
        if p["start"] == c["start"]:  # "100% chi bộ, đảng viên": one number, already shared
            continue
        gap_from = max(p["end"], pq.after_end)
        if gap_from > c["start"]:
            continue
        gap = text[gap_from:c["start"]]
        if not cq.own_before and pq.before:
            if _COORD_GAP.fullmatch(text[p["end"]:c["start"]]):
                cq.before, cq.rest = pq.before, None  # "kiểm tra 12 tổ chức đảng và 30 đảng viên"
            elif _SUBSET_GAP.fullmatch(gap):
                cq.before = pq.before  # "kết nạp 80 đảng viên, trong đó 12 ..."
    # the predicate after the last of "A và B" is A's too ("5 tổ chức đảng và 9 đảng viên có vi phạm")
    for k in range(len(idx) - 2, -1, -1):
        prev, cur = idx[k], idx[k + 1]
        p, c, pq, cq = rows[prev], rows[cur], quals[prev], quals[cur]
        if p["start"] == c["start"] or not cq.rest or pq.before or pq.after or pq.near or pq.rest:
            continue
        if _AND_GAP.fullmatch(text[p["end"]:c["start"]]):
            pq.rest, pq.copula = cq.rest, cq.copula


@Language.component("counts")
def counts_component(doc: Doc) -> Doc:
    rows = doc._.rows if doc._.rows is not None else {}
    taken = list(rows.get("doc_refs") or ()) + [r for r in rows.get("dates") or () if r.get("start") is not None]
    rows["counts"] = find_counts(text_of(doc), taken_spans=taken)
    doc._.rows = rows
    return doc
