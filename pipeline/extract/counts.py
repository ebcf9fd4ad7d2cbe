"""Numbers of party members and party organisations (component ``counts``).

Extraction as data: the tables beside this module say what a count is.

    count_units.csv       unit synonyms -> canonical unit (+ a qualifier they imply);
                          longest synonym wins ("đảng bộ cơ sở, chi bộ cơ sở" is one
                          unit, "tổ chức cơ sở đảng"; "chi bộ cơ sở" alone is a chi bộ
                          "cơ sở"); ``only=percent`` marks a unit only after a percent
    count_qualifiers.csv  phrases that say which subset is counted: the verb ``before``
                          the number ("kết nạp 20 đảng viên", "khiển trách 5 đồng chí"),
                          modifiers right ``after`` the unit, one after another ("16 đảng
                          bộ trực thuộc Tỉnh ủy", "7 đảng viên dưới 30 tuổi", "120 chi bộ
                          thôn, tổ dân phố"), or a fixed phrase ``near`` it in the same
                          clause ("100% đảng viên đều hoàn thành tốt nhiệm vụ")
    count_predicate.csv   otherwise the predicate after the unit, to the clause's end
                          ("87% chi bộ duy trì sinh hoạt định kỳ"), cut at the words
                          that open another clause, auxiliaries dropped
    count_labels.csv      labels of statistics lists whose numbers carry no unit
                          ("khiển trách 15, cảnh cáo 3", "hoàn thành nhiệm vụ chiếm 1,4%")
    number_words.csv      "hai", "mười lăm", "hai mươi mốt", "ba trăm" ...

A count is a number (digits with Vietnamese separators: ``65.052`` = 65052,
``35,34%`` = 35.34, or number words) followed by a unit. Breakdowns
``trình độ chính trị (cao cấp: 06 đ/c; trung cấp: 09; ...)`` give one count per
item, the item's label prefixed by the group's head as qualifier; an item
without a unit takes its siblings' unit, or the unit its head ends with when every
label is a list label (``kỷ luật 7 đảng viên (khiển trách: 1; cảnh cáo: 2)``).
``100% chi bộ, đảng viên`` gives one count per unit. Coordinated counts share what
is said once: the verb before the first ("kiểm tra 12 tổ chức đảng và 30 đảng viên")
and the predicate after the last ("5 tổ chức đảng và 9 đảng viên có vi phạm"); a
subset introduced by ``trong đó`` takes its whole's verb ("kết nạp 80 đảng viên,
trong đó 12 đảng viên là nữ"). A share of the previous count (``..., chiếm 18,9%``,
``(18,9%)``, ``đạt 110%``) is a percent count of its unit and qualifier.

Statistics pages state counts without a unit after every number:
``352/353 đồng chí`` and ``662 trong tổng số 686 TCCSĐ`` are a part and a whole
("tổng số"); a bare ``tổ chức`` / ``trường hợp`` names again the unit of its sentence
("tăng 230 tổ chức", "cho ra khỏi Đảng với 4 trường hợp"); list labels with bare
numbers take the unit of the list's head ("thi hành kỷ luật 20 đảng viên: khiển
trách 15, cảnh cáo 3"); a unit opening its clause is the subject of a rating's
percent ("tổ chức cơ sở đảng đạt trong sạch, vững mạnh chiếm 87%"), and the ratings
after it share its unit ("; yếu kém chiếm 0,4%", "; 9,1% hoàn thành nhiệm vụ");
counts in a bracket right after a count are its breakdown and share its qualifier;
``(tăng 08)`` is a change of the count before it. The members of a party committee
("Chi ủy có 7 đồng chí") and cell secretaries are ``cấp ủy viên``. A fact restated in
another paragraph is counted once.

Numbers inside ``taken_spans`` (document references, dates) are never counts; neither
are names (``Chi bộ 01``), durations (``10 năm``), ordinals, footnotes (``(1)``) or
vague amounts (``hàng trăm``, ``một số``). A count's year is the one year the dates
rows of its clause name.
"""
from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass, field
from collections.abc import Iterable, Iterator
from functools import lru_cache

from spacy.tokens import Doc

from pipeline.nlp import text_of

from pipeline.extract import core
from pipeline.text import CLAUSE_END, clause_bounds
from pipeline.extract.dates import find_dates
from pipeline.extract.measures import TARGET_SHARE, measure_of

Row = dict


def _ws(s: str) -> str:
    return " ".join(s.split())


# ---------------------------------------------------------------- tables
@lru_cache(maxsize=1)
def _tables():
    units = core.read_table("count_units.csv")
    units.sort(key=lambda r: -len(r["synonym"]))
    by_syn = {_ws(r["synonym"]).lower(): (r["unit"], r["qualifier"] or None) for r in units}

    def syn_rx(s: str) -> str:
        return r"\s*,\s*".join(r"\s+".join(re.escape(w) for w in part.split()) for part in s.split(","))

    unit_alt = "|".join(syn_rx(r["synonym"]) for r in units)
    unit_rx = re.compile(rf"(?:{unit_alt})(?![\w/])", re.IGNORECASE)

    words = {r["word"]: (int(r["value"]), r["role"]) for r in core.read_table("number_words.csv")}
    word_alt = "|".join(sorted((re.escape(w) for w in words), key=len, reverse=True))
    quals = []
    for r in core.read_table("count_qualifiers.csv"):
        if r["side"] == "before":
            rx = re.compile(rf"(?:{r['pattern']})\s+$", re.IGNORECASE)
        elif r["side"] == "after":
            rx = re.compile(rf"^\s*(?:{r['pattern']})(?!\w)", re.IGNORECASE)
        else:
            rx = re.compile(rf"(?:{r['pattern']})", re.IGNORECASE)
        quals.append((r["side"], rx, r["qualifier"]))
    return by_syn, unit_rx, words, word_alt, quals


@lru_cache(maxsize=1)
def _percent_only() -> frozenset[str]:
    """Synonyms that are a unit only after a percent ("100% cán bộ, đảng viên")."""
    return frozenset(_ws(r["synonym"]).lower() for r in core.read_table("count_units.csv") if r.get("only") == "percent")


@lru_cache(maxsize=1)
def _labels() -> list[tuple[re.Pattern, str]]:
    """count_labels.csv: (regex of a list item's label, its qualifier)."""
    return [(re.compile(rf"(?:{r['pattern']})", re.IGNORECASE), r["qualifier"]) for r in core.read_table("count_labels.csv")]


@lru_cache(maxsize=1)
def _predicate_rx() -> tuple[re.Pattern, re.Pattern, re.Pattern]:
    by_role: dict[str, list[str]] = {"stop": [], "lead": [], "trail": []}
    for r in core.read_table("count_predicate.csv"):
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
    r"(?:(?<!tổng )(?<!trong )\bsố|\bthứ|\blần|\bkhóa|\bkhoá|\bTrung\s+ương|\btrang|\bđiều|\bkhoản|\bmục|\bphần|\blớp|\bkỳ"
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
_CLAUSE = CLAUSE_END
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
    """The sentence (or clause, ``rx``) around ``text[s:e]``."""
    return clause_bounds(text, s, e, ends=rx)


# A scope word capitalised only because it opened the sentence: "Toàn Đảng bộ tỉnh" is "toàn Đảng bộ tỉnh"
_SCOPE_START = re.compile(r"^(?:Toàn|Cả|Các)(?=\s)")
_SCOPE_PARTY = re.compile(r"^(toàn|cả) đảng bộ\b")  # "toàn đảng bộ" is written "toàn Đảng bộ"
# What the sentence says of the organisation, not its name: "Đảng bộ Khối phấn đấu mỗi năm
# kết nạp ..." is "Đảng bộ Khối", "Ban Chấp hành Đảng bộ nhiệm kỳ 2020 - 2025 có ..." is "Đảng bộ"
_SUBJECT_TAIL = re.compile(r"(?:\s+\d+)?\s+(?:phấn\s+đấu|nhiệm\s+kỳ|khóa|khoá|mỗi|hằng|hàng\s+năm|trong|luôn|cũng|vẫn|"
                           r"tiếp\s+tục|đều|sẽ|năm|tháng|giai\s+đoạn)(?!\w).*$")


def normal_subject(found: str) -> str:
    """One spelling of a subject: the scope word in lower case, the words after its name dropped."""
    found = _SUBJECT_TAIL.sub("", found)
    found = _SCOPE_START.sub(lambda m: m.group().lower(), found)
    return _SCOPE_PARTY.sub(lambda m: f"{m[1]} Đảng bộ", found)


def _subject(text: str, s: int) -> str | None:
    a, _ = _sentence(text, s, s)
    found = None
    for m in _SUBJECT.finditer(text, a, s):
        found = _ws(m["subj"])
    return normal_subject(found) if found else found


class _Years:
    """The years the page's dates name, by position: a count's year is the one year the
    dates of its clause name (counts of a clause share it)."""

    def __init__(self, text: str, dates: Iterable[Row]):
        self.text = text
        self.spans = sorted(
            (r["start"], r["end"], r["date"].year) for r in dates
            if r.get("start") is not None and r.get("date") is not None
            and r.get("precision") in ("day", "month", "quarter", "year"))
        self.starts = [ds for ds, _, _ in self.spans]

    def of(self, s: int, e: int) -> int | None:
        a, b = _sentence(self.text, s, e, _CLAUSE)
        lo, hi = bisect.bisect_left(self.starts, a), bisect.bisect_left(self.starts, b)
        years = {y for ds, de, y in self.spans[lo:hi] if de <= b}
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
    item: bool = False  # an item of a statistics list ("khiển trách 15"): not a list's head

    def text(self) -> str | None:
        parts = list(self.fixed)
        before = self.before
        if before and any(a.split()[:2] == before.split()[-2:] for a in self.after):
            before = None  # "thi hành kỷ luật 1 đảng viên với hình thức khiển trách": the form says it
        for val in (before, *self.after, self.near):
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
    # a fixed phrase starts before the clause's first comma, and may run past it ("trong sạch, vững mạnh")
    near = text[unit_end:min(b_clause, unit_end + 80)]
    for side, rx, val in quals:
        if side == "before" and q.before is None:
            m = rx.search(before)
            if m:
                q.before, q.own_before = _fill(val, m), True
        elif side == "near" and q.near is None:
            m = rx.search(near)
            if m and m.start() <= b - unit_end:
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
    if words[0][:1].isupper():
        return None, False  # "2 đồng chí Nguyễn Văn A", "hai chi bộ bạn là Chi bộ Khoa Điện": names, not a subset
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
    syn = _ws(re.sub(r"\s*,\s*", ", ", um.group())).lower()
    unit, qual = by_syn.get(syn, (None, None))
    if unit is None or (not pct and syn in _percent_only()):
        return None
    return pct, um, unit, qual


# "tỷ lệ đảng viên ... đạt 95%", "số đảng viên bị kỷ luật chiếm 0,14%": the unit before the verb
_RATE = re.compile(r"(?:tỷ\s+lệ|(?<!\w)số(?:\s+lượng)?)\s+(?:số\s+|các\s+)?", re.IGNORECASE)
_RATE_VERB = re.compile(r"\s(?:đạt|là|chiếm|bằng)\s+(?:trên\s+|hơn\s+|gần\s+|khoảng\s+)?$", re.IGNORECASE)


def _rate(text: str, s: int, e: int, value: float, years: _Years) -> Row | None:
    """``tỷ lệ đảng viên được xếp loại hoàn thành tốt nhiệm vụ đạt 95%``: unit before the number."""
    if text[e:e + 1] != "%" or not _RATE_VERB.search(text, max(0, s - 80), s):
        return None
    a, _ = _sentence(text, s, e, re.compile(r"[!?\n;]|\.(?!\d)"))
    last = None
    for m in _RATE.finditer(text, a, s):
        last = m
    by_syn, unit_rx, *_ = _tables()
    if last is None:
        last = _rated_subject(text, a, s)
        if last is None:
            return None
        um = unit_rx.match(text, last.start())
    else:
        um = unit_rx.match(text, last.end())
        if um is None or um.end() > s or _not_one_phrase(text[um.end():s]):
            return None
    unit, built_in = by_syn.get(_ws(re.sub(r"\s*,\s*", ", ", um.group())).lower(), (None, None))
    if unit is None:
        return None
    *_, quals = _tables()
    parts = [built_in] if built_in else []
    for side, rx, q in quals:
        nm = rx.search(text, um.end(), s) if side == "near" else None
        if nm:
            parts.append(_fill(q, nm))
            break
    else:  # "tỷ lệ đảng viên dự sinh hoạt bình quân đạt 92%": what lies between unit and verb
        verb = _RATE_VERB.search(text, max(0, s - 80), s)
        parts.extend(_between(text, um.end(), verb.start() if verb else s))
    am = _APPROX.search(text, max(0, s - 20), s)
    approx = _APPROX_CANON.get(_ws(am.group(1)).lower(), "khoảng") if am else None
    return _row(text, last.start(), e + 1, value, unit, " ".join(parts) or None, True, approx,
                _subject(text, last.start()), years.of(s, e))


# a unit opening its clause: "; đảng viên đủ tư cách, hoàn thành tốt nhiệm vụ chiếm 80%"
_OPENS = re.compile(r"(?:[,(:]|trong\s+(?:số\s+)?đó\s*,?)\s*(?:các\s+|số\s+)?$", re.IGNORECASE)
_MAX_RATED_GAP = 70


def _rated_subject(text: str, a: int, s: int) -> re.Match | None:
    """The unit that opens the clause of the rate at ``s`` when what lies between it and the
    verb is a rating ("tổ chức cơ sở đảng đạt trong sạch, vững mạnh chiếm 87%")."""
    _, unit_rx, *_ = _tables()
    verb = _RATE_VERB.search(text, max(0, s - 80), s)
    a = max(a, text.rfind("(", a, s) + 1)
    um = None
    for um in unit_rx.finditer(text, a, verb.start()):
        pass
    if um is None:
        return None
    if text[a:um.start()].strip() and not _OPENS.search(text, max(a, um.start() - 20), um.start()):
        return None
    gap = text[um.end():verb.start()]
    if len(gap) > _MAX_RATED_GAP or re.search(r"\d|tỷ\s+lệ|(?<!\w)số(?!\w)", gap, re.IGNORECASE):
        return None
    first = gap.split()[:1]
    if first and not first[0][:1].islower():
        return None  # "Chi bộ Khoa Điện đạt 95%": a name
    *_, quals = _tables()
    if not any(side == "near" and rx.search(gap) for side, rx, _ in quals):
        return None
    return um


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
_SHARE_VERB = re.compile(r"(?:chiếm|bằng|đạt)(?:\s+tỷ\s+lệ)?\s+(?:(?P<approx>trên|hơn|gần|khoảng)\s+)?$",
                         re.IGNORECASE)
_BRACKETED = re.compile(r"\([^()]*\)")
_MAX_SHARE_GAP = 300  # a share follows its count, at most after a bracketed breakdown
_NEW_SUBJECT = re.compile(r"(?<!\w)(?:tỷ\s+lệ|số(?:\s+lượng)?)(?!\w)", re.IGNORECASE)


class _RowEnds:
    """The counts found so far, by where they end: a look back from a number reads the rows
    ending near it (O(log n) plus those), not every row of the page."""

    def __init__(self, rows: list[Row]):
        self.rows = rows
        self.keys: list[tuple[int, int]] = []  # (end, index), sorted
        self.longest = 0
        for i in range(len(rows)):
            self.add(i)

    def add(self, i: int) -> None:
        r = self.rows[i]
        bisect.insort(self.keys, (r["end"], i))
        self.longest = max(self.longest, r["end"] - r["start"])

    def ending_in(self, lo: int, hi: int) -> list[int]:
        """Indices of the rows with ``lo <= end <= hi``, in the order they were found."""
        a = bisect.bisect_left(self.keys, (lo, -1))
        b = bisect.bisect_right(self.keys, (hi, math.inf))
        return sorted(i for _, i in self.keys[a:b])

    def starting_in(self, lo: int, hi: int) -> list[int]:
        """Indices of the rows with ``lo <= start < hi``, in the order they were found."""
        return [i for i in self.ending_in(lo, hi + self.longest) if lo <= self.rows[i]["start"] < hi]

    def last_ending_by(self, pos: int) -> int | None:
        """The first found of the rows ending last at or before ``pos``."""
        b = bisect.bisect_right(self.keys, (pos, math.inf))
        if b == 0:
            return None
        return self.keys[bisect.bisect_left(self.keys, (self.keys[b - 1][0], -1))][1]


def _closes_bracket(text: str, a: int, b: int) -> bool:
    """Does ``text[a:b]`` close a bracket opened before ``a`` (the count at ``a`` is inside it)?"""
    depth = 0
    for ch in text[a:b]:
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return True
            depth -= 1
    return False


def _share(text: str, s: int, e: int, ends: _RowEnds) -> tuple[int, int, str | None, int] | None:
    """(start, end, approx, index of the count) when the percent at ``s`` is a share of that count.

    Counts inside a bracket that closes before the percent are a breakdown of the count
    before the bracket: ``08 (có 01 đảng bộ và 07 chi bộ), chiếm 15%`` is a share of 08."""
    if text[e:e + 1] != "%":
        return None
    vm = _SHARE_VERB.search(text, max(0, s - 30), s)
    paren = text[s - 1:s] == "(" and text[e + 1:e + 2] == ")"
    if vm is None and not paren:
        return None
    start = vm.start() if vm else s
    by_syn, unit_rx, *_ = _tables()
    rows = ends.rows
    # nearest first; of a fraction's part and whole ("352/353 đồng chí ..., chiếm 99%"), the part
    near = ends.ending_in(start - _MAX_SHARE_GAP, start)
    for i in sorted(near, key=lambda k: (rows[k]["end"], -rows[k]["start"]), reverse=True):
        r = rows[i]
        if r["end"] > start:
            continue
        if start - r["end"] > _MAX_SHARE_GAP:
            return None
        if _closes_bracket(text, r["end"], start):
            continue
        gap = _BRACKETED.sub("", text[r["end"]:start])
        if r["percent"] or len(gap) > 80 or re.search(r"[!?\n;%]|\.(?!\d)", gap) or unit_rx.search(gap):
            return None
        if _NEW_SUBJECT.search(gap):
            return None  # "có 1.200 đảng viên, tỷ lệ hộ nghèo đạt 2%": the share of something else
        return start, e + 1, _APPROX_CANON.get(vm["approx"].lower()) if vm and vm["approx"] else None, i
    return None


def _subset_of(text: str, s: int, e: int, ends: _RowEnds) -> int | None:
    """Index of the count a bare ``trong đó N%`` is a part of (the last one of its sentence)."""
    if text[e:e + 1] != "%":
        return None
    i = ends.last_ending_by(s)
    if i is None:
        return None
    return i if _SUBSET_GAP.fullmatch(text[ends.rows[i]["end"]:s]) else None


def _row(text, s, e, value, unit, qualifier, pct, approx, subject, year) -> Row:
    return {"value": float(value), "unit": unit, "qualifier": qualifier, "percent": pct,
            "approx": approx, "subject": subject, "subject_entity_id": None, "year": year,
            "text": text[s:e], "start": s, "end": e}


def _head_unit(head: str, labels: list[str]) -> str | None:
    """``kỷ luật 7 đảng viên (khiển trách: 1; cảnh cáo: 2)``: items whose labels are all list
    labels (count_labels.csv) take the unit the head ends with."""
    by_syn, unit_rx, *_ = _tables()
    if not labels or not all(any(rx.fullmatch(lb) for rx, _ in _labels()) for lb in labels):
        return None
    m = None
    for m in unit_rx.finditer(head):
        pass
    if m is None or head[m.end():].strip():
        return None
    return by_syn.get(_ws(re.sub(r"\s*,\s*", ", ", m.group())).lower(), (None, None))[0]


def _groups(text: str, taken: core.Cover, years: _Years) -> tuple[list[Row], list[tuple[int, int]]]:
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
        if items and not units:
            head_unit = _head_unit(head_text, [lb for lb, *_ in items])
            units = {head_unit} if head_unit else units
        if not items or len(units) != 1 or any(taken.overlaps(s, e) for _, s, e, _, _ in items):
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
            rows.append(_row(text, s, end, v, unit_name, qual, False, None, _subject(text, s), years.of(s, end)))
            used.append((s, end))
    return rows, used


# ---------------------------------------------------------------- numbers whose unit is elsewhere
# "352/353 đồng chí", "662 trong tổng số 686 tổ chức cơ sở đảng": a part and its whole share the unit after the whole
WHOLE = "tổng số"  # the qualifier of a fraction's whole
_FRACTION = re.compile(rf"(?<![\w.,/\-])(?P<n>{_DIGITS})(?:/|\s+trong\s+(?:tổng\s+)?số\s+)(?P<m>{_DIGITS})(?![\w/])",
                       re.IGNORECASE)


def _candidates(text: str) -> list[tuple[int, int, float, int, str | None]]:
    """(start, end, value, where its unit is looked for, role) of every number; role is
    "part" / "total" for the two numbers of a fraction (the whole first), else None."""
    out = {s: (s, e, v, e, None) for s, e, v in _numbers(text)}
    for m in _FRACTION.finditer(text):
        n, total = parse_digits(m["n"]), parse_digits(m["m"])
        if n > total:
            continue
        out[m.start("n")] = (m.start("n"), m.end("n"), n, m.end("m"), "part")
        out[m.start("m")] = (m.start("m"), m.end("m"), total, m.end("m"), "total")
    return sorted(out.values(), key=lambda c: (c[3], c[0]) if c[4] == "part" else (c[0], -1))


# bare "tổ chức" / "trường hợp" after a number name again a unit of the same sentence
_ANAPHOR = re.compile(
    r"\s+(?P<w>tổ\s+chức|trường\s+hợp)(?![\w/])"
    r"(?!\s+(?:chính\s+trị|xã\s+hội|hội|đoàn|công\s+đoàn|kinh\s+tế|tín\s+dụng|quốc\s+tế|phi|tôn\s+giáo|nhà\s+nước"
    r"|thanh\s+niên|thành\s+viên|cơ\s+sở\s+hội|cá\s+nhân)(?!\w))"
    rf"(?!\s*(?:,|và)\s*(?:(?:{_DIGITS})\s+)?cá\s+nhân)", re.IGNORECASE)
_AND_MEMBERS = re.compile(rf"\s*(?:và|,)\s*(?:{_DIGITS})\s+(?:đảng\s+viên|đồng\s+chí)(?!\w)", re.IGNORECASE)
_ORG_UNITS = ("tổ chức đảng", "chi bộ", "đảng bộ", "tổ chức cơ sở đảng")
# members are "cases", and other party organisations "organisations", in the sentences of
# party procedures (discipline, inspection, rating, admission)
_CASES = re.compile(r"(?<!\w)(?:kỷ\s+luật|khai\s+trừ|xóa\s+tên|xoá\s+tên|ra\s+khỏi\s+Đảng|khiển\s+trách|cảnh\s+cáo"
                    r"|cách\s+chức|đình\s+chỉ|vi\s+phạm|kiểm\s+tra|giám\s+sát|đánh\s+giá|xếp\s+loại|kết\s+nạp|tố\s+cáo"
                    r"|khiếu\s+nại)(?!\w)", re.IGNORECASE)


def _anaphor(text: str, s: int, pos: int):
    """``tăng 230 tổ chức`` after "tổ chức đảng", ``với 4 trường hợp`` after "đảng viên":
    the unit named last before it in the sentence ("317 tổ chức và 513 đảng viên": party
    organisations beside members)."""
    am = _ANAPHOR.match(text, pos)
    if am is None:
        return None
    word = _ws(am["w"]).lower()
    by_syn, unit_rx, *_ = _tables()
    a, b = _sentence(text, s, s)
    procedure = _CASES.search(text, a, b) is not None
    unit = None
    for um in unit_rx.finditer(text, a, s):
        u = by_syn.get(_ws(re.sub(r"\s*,\s*", ", ", um.group())).lower(), (None, None))[0]
        if word == "tổ chức" and u in _ORG_UNITS and (u.startswith("tổ chức") or procedure) and um.group()[0].islower():
            unit = u  # "Đảng bộ tỉnh", "Chi bộ A": one organisation by its name, not a kind counted
        elif word == "trường hợp" and um.group().lower() in ("đảng viên", "đv") and procedure:
            unit = u
    if unit is None and word == "tổ chức" and _AND_MEMBERS.match(text, am.end()):
        unit = "tổ chức đảng"
    if unit is None:
        return None
    m = re.compile(re.escape(am["w"])).match(text, am.start("w"))
    return False, m, unit, None


# "Chi ủy có 7 đồng chí", "Ban Thường vụ Huyện ủy gồm 15 đồng chí": members of a committee
_COMMITTEE = re.compile(
    r"(?P<c>chi\s+(?:ủy|uỷ)|đảng\s+(?:ủy|uỷ)|cấp\s+(?:ủy|uỷ)|ban\s+chấp\s+hành|ban\s+thường\s+vụ)"
    r"(?P<rest>(?:\s+(?!có\b|gồm\b)[^\s,.;:()]+){0,6}?)\s+(?:hiện\s+(?:nay\s+)?)?(?:có|gồm)(?:\s+có)?\s+$",
    re.IGNORECASE)
_NOT_PARTY = re.compile(r"(?<!\w)(?:Đoàn|Hội|Công\s+đoàn|Mặt\s+trận|Cựu\s+chiến\s+binh|Phụ\s+nữ)(?!\w)", re.IGNORECASE)
_COMMITTEE_MEMBER = {"chi ủy": "chi ủy viên", "chi uỷ": "chi ủy viên", "đảng ủy": "đảng ủy viên",
                     "đảng uỷ": "đảng ủy viên", "cấp ủy": None, "cấp uỷ": None}


# "quy hoạch Ban Thường vụ Huyện ủy có 21 đồng chí": a pool planned for the committee, not its members
_PLANNED = re.compile(r"(?:quy\s+hoạch|dự\s+kiến|giới\s+thiệu)(?:\s+(?:vào|tham\s+gia))?\s+$", re.IGNORECASE)
# "15 đồng chí Ủy viên Ban Thường vụ": comrades named by their seat on a committee
_MEMBER_TITLE = re.compile(
    r"\s+(?:là\s+)?(?P<t>(?:ủy|uỷ)\s+viên(?:\s+(?:ban\s+thường\s+vụ|ban\s+chấp\s+hành|ủy\s+ban\s+kiểm\s+tra)"
    r")?|(?:cấp|chi|đảng)\s+(?:ủy|uỷ)\s+viên)", re.IGNORECASE)
_NAME_WORD = re.compile(r"\s+([^\s,.;:()]+)")


def _with_name(text: str, pos: int, phrase: str, most: int = 3) -> str:
    """``phrase`` and the capitalised words after ``pos`` that end its name ("... Huyện ủy Tân Phú")."""
    for _ in range(most):
        m = _NAME_WORD.match(text, pos)
        if not m or not m[1][:1].isupper():
            break
        phrase, pos = f"{phrase} {m[1]}", m.end()
    return phrase


# "đạt 109,7% chỉ tiêu nghị quyết": a share of a target, which may pass 100%
_OF_TARGET = re.compile(r"\s*(?:so\s+với\s+)?(?P<t>chỉ\s+tiêu|kế\s+hoạch)(?!\w)", re.IGNORECASE)


def _share_of_members(text: str, row: dict) -> bool:
    """Whether ``row`` stays: a percentage over 100 only as a share of a target, marked so in
    its qualifier ("kết nạp mới, % chỉ tiêu"); other percentages are shares of members or
    organisations, which cannot pass 100."""
    if not row["percent"]:
        return True
    target = _OF_TARGET.match(text, row["end"])
    if target:
        row["qualifier"] = ", ".join(q for q in (row["qualifier"], TARGET_SHARE) if q)
    return row["value"] <= 100 or target is not None


def _committee(text: str, s: int, after: int | None = None) -> tuple[str | None] | None:
    """(qualifier,) when the comrades counted at ``s`` (their unit ending at ``after``) are
    the members of a party committee."""
    title = _MEMBER_TITLE.match(text, after) if after is not None else None
    if title:
        return (_with_name(text, title.end(), _ws(title["t"])),)
    m = _COMMITTEE.search(text, max(0, s - 80), s)
    if m is None or _NOT_PARTY.search(m["rest"]) or _PLANNED.search(text, max(0, m.start() - 25), m.start()):
        return None
    c = _ws(m["c"]).lower()
    return (_COMMITTEE_MEMBER[c] if c in _COMMITTEE_MEMBER else _ws(m["c"] + m["rest"]),)


# ---------------------------------------------------------------- statistics lists
_ITEM_OPEN = re.compile(r"(?:[:;,(\n]|trong\s+(?:số\s+)?đó|(?<!\w)và)\s*$", re.IGNORECASE)
_ITEM_CLOSE = re.compile(r"\s*(?:[,;.)(\n]|$|và(?!\w)|chiếm(?!\w))", re.IGNORECASE)
_LABEL_VERB = re.compile(r"\s+(?:chiếm|đạt)(?:\s+tỷ\s+lệ)?\s+(?:(?:trên|hơn|gần|khoảng)\s+)?$", re.IGNORECASE)


@lru_cache(maxsize=1)
def _label_rx() -> tuple[list[tuple[re.Pattern, str]], list[tuple[re.Pattern, str]]]:
    """Each label as the end of the text before a number, and as the start of the text after it."""
    ends = [(re.compile(rf"(?<!\w)(?:{rx.pattern})\s*$", re.IGNORECASE), q) for rx, q in _labels()]
    starts = [(re.compile(rf"\s+(?:{rx.pattern})(?!\w)", re.IGNORECASE), q) for rx, q in _labels()]
    return ends, starts


def _label_before(text: str, end: int) -> tuple[int, str] | None:
    """(start, qualifier) of the list label that ends at ``end`` and opens a list item."""
    for rx, q in _label_rx()[0]:
        m = rx.search(text, max(0, end - 70), end)
        if m:
            opens = not text[:m.start()].strip() or _ITEM_OPEN.search(text, max(0, m.start() - 20), m.start())
            return (m.start(), _fill(q, m)) if opens else None
    return None


def _label_after(text: str, pos: int) -> str | None:
    for rx, q in _label_rx()[1]:
        m = rx.match(text, pos)
        if m:
            return _fill(q, m)
    return None


def _list_head(text: str, s: int, ends: _RowEnds, quals: list) -> str | None:
    """The unit of the list the item at ``s`` belongs to: that of the last count of the
    sentence before it (not an item, not a percent, not inside a closed bracket), else
    that of the unit named before the list's colon."""
    a, _ = _sentence(text, s, s)
    best, rows = None, ends.rows
    for i in ends.ending_in(a, s):
        r = rows[i]
        if r["start"] < a or r["end"] > s or r["percent"] or (quals[i] is not None and quals[i].item):
            continue
        if not _closes_bracket(text, r["end"], s) and (best is None or r["end"] > rows[best]["end"]):
            best = i
    if best is not None:
        return rows[best]["unit"]
    colon = text.rfind(":", a, s)
    by_syn, unit_rx, *_ = _tables()
    last = None
    for last in unit_rx.finditer(text, a, max(colon, a)):
        pass
    if colon < 0 or last is None:
        return None
    return by_syn.get(_ws(re.sub(r"\s*,\s*", ", ", last.group())).lower(), (None, None))[0]


def _list_item(text: str, s: int, e: int, ends: _RowEnds, quals: list) -> tuple[int, str, str] | None:
    """(start, qualifier, unit) of ``khiển trách 15,`` / ``Hoàn thành tốt nhiệm vụ 35 (...)``."""
    if not _ITEM_CLOSE.match(text, e):
        return None
    found = _label_before(text, s)
    if found is None:
        return None
    unit = _list_head(text, found[0], ends, quals)
    return (found[0], found[1], unit) if unit else None


def _rated_share(text: str, s: int, e: int, ends: _RowEnds) -> tuple[int, str, int] | None:
    """(start, qualifier, index of the percent it follows) of ``; hoàn thành nhiệm vụ chiếm
    1,4%`` or ``; 9,1% hoàn thành nhiệm vụ``: a rating's share, in the unit of the sentence's
    percent before it."""
    if text[e:e + 1] != "%":
        return None
    vm = _LABEL_VERB.search(text, max(0, s - 30), s)
    found = _label_before(text, vm.start()) if vm else None
    if found is None:
        q = None if vm else _label_after(text, e + 1)
        if q is None:
            return None
        found = (s, q)
    a, _ = _sentence(text, s, s)
    rows = ends.rows
    before = [i for i in ends.ending_in(a, found[0]) if rows[i]["percent"] and rows[i]["start"] >= a]
    if not before:
        return None
    return found[0], found[1], max(before, key=lambda k: rows[k]["end"])


_CHANGE_OPEN = re.compile(r"\(\s*(?P<v>tăng|giảm)(?:\s+thêm)?\s+$", re.IGNORECASE)


def _bracket_change(text: str, s: int, e: int, ends: _RowEnds) -> tuple[str, int] | None:
    """("tăng", index of the count) for ``269 đảng bộ cơ sở (tăng 08)``."""
    m = _CHANGE_OPEN.search(text, max(0, s - 15), s)
    if m is None or not re.match(r"\s*\)", text[e:e + 5]):
        return None
    j = m.start()
    while j > 0 and text[j - 1].isspace():
        j -= 1
    for i in ends.ending_in(j, m.start()):  # only blanks between the count and the bracket
        r = ends.rows[i]
        if not r["percent"]:
            return m["v"].lower(), i
    return None


# ---------------------------------------------------------------- the finder
def _taken(taken_spans: Iterable) -> list[tuple[int, int]]:
    taken: list[tuple[int, int]] = []
    for span in taken_spans or ():
        try:
            a, b = (span["start"], span["end"]) if isinstance(span, dict) else (span[0], span[1])
            if a is not None and b is not None:
                taken.append((int(a), int(b)))
        except (KeyError, IndexError, TypeError, ValueError):
            continue
    return taken


def find_counts(text: str, taken_spans: Iterable = (), dates: Iterable[Row] | None = None) -> list[Row]:
    """Counts of party members and organisations in ``text``, in text order.

    ``taken_spans``: (start, end) pairs or row dicts with start/end (doc_refs and
    dates rows); a number inside one is never a count. ``dates``: the page's dates
    rows (start, end, date, precision), read for each count's year; when None the
    page's dates are found here, once.
    """
    if not isinstance(text, str) or not text:
        return []
    taken = core.Cover(_taken(taken_spans))
    years = _Years(text, find_dates(text) if dates is None else dates)
    rows, used = _groups(text, taken, years)
    found = _Found(text, years, rows, [None] * len(rows), set(used), core.GrowingCover(used))
    for s, e, value, unit_from, role in _candidates(text):
        if taken.overlaps(s, e) or found.used.overlaps(s, e):
            continue
        if _BLOCK_BEFORE.search(text[max(0, s - 30):s]):
            continue
        if s > 0 and text[s - 1] == "(" and text[e:e + 1] == ")":
            continue  # footnote marker
        unit = _unit_at(text, unit_from) or _anaphor(text, s, unit_from)
        if unit is not None:
            found.counted(s, e, value, role, unit)
        elif role is None:
            found.unitless(s, e, value)
    rows, quals = found.rows, found.quals
    _share_context(text, rows, quals)
    for r, q in zip(rows, quals):
        if q is not None and q.share_of is None:
            r["qualifier"] = q.text()
    for r, q in zip(rows, quals):
        if q is not None and q.share_of is not None:
            r["qualifier"] = rows[q.share_of]["qualifier"]
    _inherit_in_brackets(text, rows)
    for r in rows:
        if r["qualifier"] is None and r["subject"] and _NAMED_CELL.match(r["subject"]):
            r["qualifier"] = r["subject"]  # "Chi bộ thôn Tân An có 27 đảng viên": one cell of the page's area
    rows = [r for r in rows if _share_of_members(text, r)]
    rows = _drop_restated(text, sorted(rows, key=lambda r: (r["start"], r["end"])))
    for row in rows:
        row["measure"] = measure_of(row["qualifier"])
    return rows


@dataclass
class _Found:
    """The counts found so far on one page, with the context their qualifiers are built from."""

    text: str
    years: _Years
    rows: list[Row]
    quals: list[_Qual | None]  # None: the row's qualifier is final
    seen: set
    used: core.GrowingCover
    ends: _RowEnds = field(init=False)

    def __post_init__(self) -> None:
        self.ends = _RowEnds(self.rows)

    def add(self, row: Row, q: _Qual | None) -> None:
        self.seen.add((row["start"], row["end"]))
        self.rows.append(row)
        self.quals.append(q)
        self.ends.add(len(self.rows) - 1)

    def derived(self, start: int, end: int, value: float, of: int, q: _Qual, approx: str | None = None,
                pct: bool = True) -> None:
        """A count in the unit of the count ``of`` (a share, a part, a list item)."""
        if (start, end) in self.seen:
            return
        parent = self.rows[of]
        self.add(_row(self.text, start, end, value, parent["unit"], None, pct, approx,
                      parent["subject"], parent["year"]), q)

    def unitless(self, s: int, e: int, value: float) -> None:
        """A number with no unit after it: a rate, a share, a part or a list item, if anything."""
        text, rows = self.text, self.rows
        rate = _rate(text, s, e, value, self.years)
        if rate is not None:
            if (rate["start"], rate["end"]) not in self.seen:
                self.add(rate, None)
            return
        share = _share(text, s, e, self.ends)
        if share is not None:
            start, end, approx, of = share
            return self.derived(start, end, value, of, _Qual(share_of=of), approx)
        of = _subset_of(text, s, e, self.ends)
        if of is not None:
            # "100% chi bộ ..., trong đó 83% hoàn thành xuất sắc nhiệm vụ": a part of that unit
            q = _qualifier(text, s, e + 1, None, None)
            if not q.before and not q.near:
                q.rest, q.copula = _predicate(text, q.after_end)
            return self.derived(s, e + 1, value, of, q)
        rated = _rated_share(text, s, e, self.ends)
        if rated is not None:
            start, label, of = rated
            return self.derived(start, e + 1, value, of, _Qual(fixed=[label]))
        change = _bracket_change(text, s, e, self.ends)
        if change is not None:
            return self.derived(s, e, value, change[1], _Qual(fixed=[change[0]]), pct=False)
        item = _list_item(text, s, e, self.ends, self.quals)
        if item is not None and (item[0], e) not in self.seen:
            start, label, unit = item
            a = _sentence(text, s, s)[0]
            heads = [rows[i] for i in self.ends.starting_in(a, start) if rows[i]["unit"] == unit]
            subject = heads[-1]["subject"] if heads else _subject(text, start)
            self.add(_row(text, start, e, value, unit, None, False, None, subject, self.years.of(s, e)),
                     _Qual(fixed=[label], item=True))

    def counted(self, s: int, e: int, value: float, role: str | None, found) -> None:
        """A number followed by its unit (several units after a percent: ``100% chi bộ, đảng viên``)."""
        text = self.text
        pct, um, unit, built_in = found
        if 1900 <= value <= 2100 and not pct and um.group()[:1].isupper() and "." not in text[s:e]:
            return  # "năm 2018 Chi bộ Văn phòng ...": a year before a name
        if unit == "đảng viên" and um.group().lower() in ("đồng chí", "đ/c"):
            committee = _committee(text, s, um.end())
            if committee is not None:
                unit, built_in = "cấp ủy viên", committee[0]
        before = text[max(0, s - 30):s]
        am = _APPROX.search(before)
        approx = _APPROX_CANON.get(_ws(am.group(1)).lower(), "khoảng") if am and role != "total" else None
        lm = _LABEL.search(text, max(0, s - 45), s)
        label = _ws(lm["label"]) if lm and lm.end() == s and len(lm["label"].split()) <= 4 else None
        if label is None and role is None:  # "; hoàn thành tốt nhiệm vụ 290 đồng chí (79,2%)"
            listed = _label_before(text, s)
            label = listed[1] if listed else None
        subject, year = _subject(text, s), self.years.of(s, um.end())
        chain = [(um, unit, built_in)]
        while pct:
            cm = _COORD.match(text, chain[-1][0].end())
            nxt = _unit_at(text, cm.end(), need_space=False) if cm else None
            if not cm or nxt is None or nxt[0]:
                break
            chain.append((nxt[1], nxt[2], nxt[3]))
        last_end = chain[-1][0].end()
        for cu, cunit, cq in chain:
            if (s, cu.end()) in self.seen:
                continue
            if role == "total":
                q = _Qual(fixed=[p for p in (cq, WHOLE) if p])
            else:
                q = self._context(s, last_end, cq, label, pct)
            self.add(_row(text, s, cu.end(), value, cunit, None, pct, approx, subject, year), q)
        self.used.add(s, last_end)

    def _context(self, s: int, last_end: int, built_in: str | None, label: str | None, pct: bool) -> _Qual:
        text = self.text
        q = _qualifier(text, s, last_end, built_in, label)
        if not q.near:
            q.rest, q.copula = _predicate(text, _skip_abbreviation(text, q.after_end))
            if q.before and not q.copula:
                q.rest = None  # an object's predicate is the clause's, except "là ..." (who are)
        if not (q.before or q.after or q.near or q.rest):  # "số đảng viên nữ chiếm 38%", "... là 15 đồng chí"
            q.rest = _prefix_qualifier(text, s)
        return q


_ABBREVIATION = re.compile(r"\s*\([A-ZĐ]{2,8}\)")


def _skip_abbreviation(text: str, pos: int) -> int:
    """``686 tổ chức cơ sở đảng (TCCSĐ) được đánh giá``: the predicate follows the abbreviation."""
    m = _ABBREVIATION.match(text, pos)
    return m.end() if m else pos


_BREAKDOWN_OPEN = re.compile(r"\(\s*(?:(?:có|gồm|gồm\s+có|trong\s+(?:số\s+)?đó)\s*[:,]?\s*)?$", re.IGNORECASE)


def _inherit_in_brackets(text: str, rows: list[Row]) -> None:
    """``Hoàn thành tốt nhiệm vụ 35 (có 07 đảng bộ và 28 chi bộ)``: counts in a bracket right
    after a count, with no qualifier of their own, are a breakdown of it and share its qualifier."""
    by_end = {r["end"]: r for r in rows}
    for r in rows:
        if r["qualifier"] is not None or r["percent"]:
            continue
        line_start = text.rfind("\n", 0, r["start"]) + 1
        open_ = text.rfind("(", line_start, r["start"])
        if open_ < 0 or ")" in text[open_:r["start"]] or text.find(")", open_) < r["end"]:
            continue
        first = re.search(r"\d", text[open_:r["start"] + 1])
        if first is None or not _BREAKDOWN_OPEN.search(text, open_, open_ + first.start()):
            continue
        j = open_
        while j > 0 and text[j - 1].isspace():
            j -= 1
        parent = by_end.get(j)
        if parent is not None and parent is not r and parent["qualifier"]:
            r["qualifier"] = parent["qualifier"]


_NAMED_CELL = re.compile(r"Chi\s+bộ\s+(?:thôn|xóm|ấp|bản|buôn|làng|khóm|khu\s+phố|tổ\s+dân\s+phố|khối)\s+[A-ZĐ0-9]")


def _drop_restated(text: str, rows: list[Row]) -> list[Row]:
    """A fact restated in another paragraph (lead and body) is one count, and so is the whole
    of a fraction that repeats a total stated before it ("có 526 tổ chức cơ sở đảng. ...
    518/526 tổ chức cơ sở đảng")."""
    first: dict[tuple, Row] = {}
    totals: set[tuple] = set()
    kept = []
    for r in rows:
        key = (r["value"], r["unit"], r["percent"], (r["qualifier"] or "").lower(), r["subject"])
        if key in first and "\n" in text[first[key]["end"]:r["start"]]:
            continue
        total = (r["value"], r["unit"], r["percent"])
        if r["qualifier"] == WHOLE and total in totals:
            continue
        if r["qualifier"] in (None, WHOLE):
            totals.add(total)
        first.setdefault(key, r)
        kept.append(r)
    return kept


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


@core.component("counts", reads=("doc_refs.start", "doc_refs.end", "dates.start", "dates.end", "dates.date",
                                  "dates.precision"), writes=("counts",))
def counts_component(doc: Doc) -> Doc:
    rows = doc._.rows if doc._.rows is not None else {}
    # the dates component runs first: its rows give the counts' years; without it, dates are found once here
    dates = None if rows.get("dates") is None else [r for r in rows["dates"] if r.get("start") is not None]
    taken = list(rows.get("doc_refs") or ()) + (dates or [])
    rows["counts"] = find_counts(text_of(doc), taken_spans=taken, dates=dates)
    doc._.rows = rows
    return doc
