"""Enumerated solution lists: ``Thứ nhất, ...``, ``Một là, ...``, ``1.``, ``a)``, ``-``.

:func:`find_solution_lists` turns the cleaned main text into ``solutions`` rows
(``pipeline.schema.SOLUTIONS`` minus ``article_id``), one row per list item:

* **Marked lists.** Every paragraph start (and, for ``Thứ nhất``/``Một là``/
  ``1)``/``a)``, every clause start after ``. ; :``; for ``(1)``/``(a)`` also after
  ``,`` and ``và``) is matched against the marker families of
  :mod:`pipeline.extract.list_markers`. Footnote references (``“...”(1);``,
  ``...tốt.(2)``) are no markers, and a ``(1) ...`` block under a rule line or citing
  numbers used as references before is footnotes. Roman numerals (``I.``, ``II.``)
  make a list only after a lead ending with ``:`` and only from items that do not read
  as section headings (capitals, ``...:``, a short line heading body paragraphs). Numbered families chain
  ``1, 2, 3`` (a chain must start at the first ordinal, so a lone ``Thứ hai`` or a
  ``Thứ nhất`` in running prose is no list); dash, plus and bullet items chain
  over adjacent paragraphs and need a lead ending with ``:``. A dash line that is
  only a heading (``- Về giải pháp:``) is a section heading, not an item, unless
  ``+`` sub-items follow it.
  A list needs two items.
* **Items** run from the end of their marker (its punctuation dropped, glued
  markers such as ``Hai là,các`` included) to the next marker, over several
  paragraphs; photo captions and image lines just before the next marker are
  left out. The last item takes up to two more paragraphs while they read as
  its continuation: not a caption, byline, closing paragraph (``./.``,
  ``Tóm lại``), new section (``Tuy nhiên``, ``Với sự``, ``Để ...``), lead (``...:``) or another list.
* **Lead**: the sentence that introduces the list, the last one before the first
  marker (skipping captions and dash headings); for a list printed without one,
  the summing-up sentence after it (``Đó là những giải pháp ...``). **Kind**: weighted cues of the
  lead and its paragraph (``giải pháp``, ``thời gian tới`` -> solution;
  ``thời gian qua``, ``đã`` -> measure; ``còn hạn chế`` -> limitation), then the
  items' first words.
* **Unmarked task sections** (``Để tiếp tục ..., các cấp ủy ... phải ...`` then
  one paragraph per task, or a ``...giải pháp sau:`` lead followed by plain
  paragraphs) become lists with ``unmarked=True`` and ``marker=None`` when at least
  two paragraphs open with a task verb or a ``phải``/``cần``.

Offsets are exact: ``text[row["start"]:row["end"]] == row["text"]``.
"""
from __future__ import annotations

import bisect
import re
from collections import Counter
from dataclasses import dataclass

from spacy.tokens import Doc

from pipeline.extract import core
from pipeline.extract import list_markers as lm
from pipeline.nlp import text_of
from pipeline.text import sentence_spans


_KIND_ORDER = ("solution", "measure", "limitation", "other")


# ------------------------------------------------------------------ compiled data


def _compile(fam: lm.Family, inline: bool) -> re.Pattern:
    flags = re.IGNORECASE if fam.ignorecase else 0
    before = (fam.inline_before or lm.INLINE_BEFORE) if inline else ""
    return re.compile(before + fam.pattern, flags)


_START_RX = [(fam, _compile(fam, False)) for fam in lm.FAMILIES]
_INLINE_RX = [(fam, _compile(fam, True)) for fam in lm.FAMILIES if fam.inline]
_FAMILY = {fam.name: fam for fam in lm.FAMILIES}
_KIND_RX = [(re.compile(rx, re.IGNORECASE), kind, w) for rx, kind, w in lm.KIND_CUES]
_ITEM_RX = [(re.compile(rx, re.IGNORECASE), kind) for rx, kind in lm.ITEM_CUES]
_NOT_ITEM_RX = [re.compile(rx, re.IGNORECASE) for rx in lm.NOT_ITEM_STARTS]
_PERSON_RX = re.compile(lm.PERSON_ITEM, re.IGNORECASE)
_ROMAN_LOWER = {v: tuple(w.lower() for w in ws) for v, ws in lm.ROMAN_WORDS.items()}


# ------------------------------------------------------------------ text structure


@dataclass
class _Para:
    start: int  # first character of the line
    end: int  # end of the line without trailing white space
    first: int  # first non-space character (== end when blank)

    @property
    def blank(self) -> bool:
        return self.first >= self.end


@dataclass
class _Cand:
    pos: int  # marker start
    content: int  # item text start (after marker and separator)
    family: str
    key: object  # int for ordinals and numbers, a letter for letters, None for symbols
    marker: str
    para: int
    inline: bool
    heading: bool = False
    terse: bool = False  # a short roman line without a sentence end: a heading unless an item follows


def _paragraphs(text: str) -> list[_Para]:
    out, pos = [], 0
    for line in text.split("\n"):
        end = pos + len(line.rstrip())
        first = pos + (len(line) - len(line.lstrip()))
        out.append(_Para(pos, end, min(first, end)))
        pos += len(line) + 1
    return out


def _regex_sentences(text: str, paras: list[_Para]) -> list[tuple[int, int]]:
    """Sentence spans without underthesea: a sentence ends at . ! ? … before an
    upper-case letter, a digit or a quote, and at every paragraph end."""
    spans: list[tuple[int, int]] = []
    for p in paras:
        if p.blank:
            continue
        s = p.first
        for m in re.finditer(r"[.!?…]+[\"”’)\]]*", text[p.first:p.end]):
            j = p.first + m.end()
            if j >= p.end:
                break
            k = j
            while k < p.end and text[k].isspace():
                k += 1
            nxt = text[k]
            spaced = k > j
            prev = text[p.first + m.start() - 1] if p.first + m.start() > p.first else ""
            if (spaced and (nxt.isupper() or nxt.isdigit() or nxt in "\"“‘(")) or (
                not spaced and nxt.isupper() and prev.islower()
            ):
                spans.append((s, j))
                s = k
        if s < p.end:
            spans.append((s, p.end))
    return spans


class _Text:
    """The text, its paragraphs and sentences, with look-ups by offset."""

    def __init__(self, text: str, sentences: list[tuple[int, int]] | None):
        self.text = text
        self.body_end = len(text.rstrip())
        self.cut = not text.rstrip().rstrip("\"”’)»").endswith((".", "!", "?", "…"))  # ends mid-sentence
        self.paras = _paragraphs(text)
        self.para_starts = [p.start for p in self.paras]
        sents = sorted((int(s), int(e)) for s, e in (sentences or []) if 0 <= s < e <= len(text))
        self.sents = sents or _regex_sentences(text, self.paras)
        self.sent_starts = [s for s, _ in self.sents]

    def para_of(self, pos: int) -> int:
        return max(0, bisect.bisect_right(self.para_starts, pos) - 1)

    def extent(self, pi: int) -> tuple[int, int]:
        """The offsets ``para_of`` gives paragraph ``pi``: its line and the line break after it."""
        nxt = pi + 1
        return self.paras[pi].start, self.para_starts[nxt] if nxt < len(self.paras) else len(self.text)

    def sentence_at(self, pos: int) -> tuple[int, int]:
        """The sentence holding ``pos``, clamped to its paragraph."""
        p = self.paras[self.para_of(pos)]
        i = bisect.bisect_right(self.sent_starts, pos) - 1
        if i >= 0 and self.sents[i][0] <= pos < self.sents[i][1]:
            s, e = self.sents[i]
        else:
            s, e = p.first, p.end
        return max(s, p.first), min(max(e, pos + 1), p.end)

    def content(self, p: _Para) -> str:
        return self.text[p.first:p.end]

    def is_caption(self, p: _Para) -> bool:
        t = self.content(p)
        if not t:
            return False
        if any(rx.search(t) for rx in lm.CAPTION_PATTERNS):
            return True
        return len(t) <= lm.CAPTION_MAX_CHARS and not lm.SENTENCE_END.search(t)

    def is_closing(self, p: _Para) -> bool:
        t = self.content(p)
        return any(rx.search(t) for rx in lm.CLOSING_PATTERNS + lm.SECTION_START_PATTERNS)


# ------------------------------------------------------------------ markers


def _key(fam: lm.Family, raw: str) -> object:
    if fam.name == "thu":
        return lm.word_value(lm.THU_WORDS, raw)
    if fam.name == "la":
        return lm.word_value(lm.LA_WORDS, raw)
    if fam.name in ("roman", "paren_roman"):
        return lm.word_value(_ROMAN_LOWER, raw)
    if raw.isdigit():  # 1. 1) (1)
        return int(raw)
    if raw.isalpha():  # a. a) (a)
        return raw
    return None


def _is_first(key: object) -> bool:
    return key == 1 or key == "a"


def _follows(prev: object, key: object) -> bool:
    if isinstance(prev, int) and isinstance(key, int):
        return key == prev + 1
    if isinstance(prev, str) and isinstance(key, str):
        for order in (lm.LETTERS_VI, lm.LETTERS_LATIN):
            if prev in order and key in order and order.index(key) == order.index(prev) + 1:
                return True
    return False


def _make_cand(t: _Text, fam: lm.Family, m: re.Match, pi: int, inline: bool) -> _Cand | None:
    key = _key(fam, m.group("key")) if "key" in m.re.groupindex else None
    if fam.sequenced and key is None:
        return None
    content = m.end()
    if fam.glue_upper and not m.group("sep") and not t.text[content:content + 1].isupper():
        return None  # "1.png" is a file name, "1.Tăng cường" a glued item
    cand = _Cand(m.start("marker"), content, fam.name, key, m.group("marker"), pi, inline)
    rest = t.text[content:t.paras[pi].end]
    if not fam.sequenced:
        cand.heading = bool(lm.HEADING_ITEM.match(rest))
    elif fam.headings and not inline:
        letters = [ch for ch in rest if ch.isalpha()]
        short = len(rest.strip()) <= lm.ROMAN_HEADING_MAX_CHARS
        cand.heading = bool(letters) and all(ch.isupper() for ch in letters) or (
            short and bool(lm.HEADING_ITEM.match(rest)))
        cand.terse = short and not cand.heading and not lm.SENTENCE_END.search(rest)
    return cand


def _candidates(t: _Text) -> list[_Cand]:
    cands: dict[tuple[int, str], _Cand] = {}
    for pi, p in enumerate(t.paras):
        if p.blank:
            continue
        for fam, rx in _START_RX:
            m = rx.match(t.text, p.first, p.end)
            if m:
                c = _make_cand(t, fam, m, pi, False)
                if c:
                    cands[(c.pos, fam.name)] = c
                    break
        for fam, rx in _INLINE_RX:
            for m in rx.finditer(t.text, p.first, p.end):
                if m.start("marker") <= p.first:
                    continue
                c = _make_cand(t, fam, m, pi, True)
                if c:
                    cands.setdefault((c.pos, fam.name), c)
    out = sorted(cands.values(), key=lambda c: (c.pos, c.family))
    # "- Về công tác tư tưởng:" followed by "+ ..." sub-items is an item, not a heading
    starts = {c.para: c for c in out if not c.inline}
    for c in out:
        if c.heading and not _FAMILY[c.family].sequenced:
            sub = starts.get(_next_para(t, c.para, 1))
            if sub is not None and not _FAMILY[sub.family].sequenced and sub.family != c.family:
                c.heading = False
        elif c.terse:
            # "II. Phương hướng năm 2024" heads body paragraphs; a terse item has an item
            # of its list just before or after it
            near = (starts.get(_next_para(t, c.para, d)) for d in (-1, 1))
            c.heading = not any(n is not None and n.family == c.family for n in near)
    return out


def _next_para(t: _Text, pi: int, step: int) -> int | None:
    """The next non-blank paragraph after (step 1) or before (step -1) paragraph ``pi``."""
    pi += step
    while 0 <= pi < len(t.paras):
        if not t.paras[pi].blank:
            return pi
        pi += step
    return None


# ------------------------------------------------------------------ lists


def _sequenced_chains(cands: list[_Cand]) -> list[list[_Cand]]:
    chains: list[list[_Cand]] = []
    for fam in lm.FAMILIES:
        if not fam.sequenced:
            continue
        cur: list[_Cand] = []
        for c in (c for c in cands if c.family == fam.name and not c.heading):
            if cur and c.para - cur[-1].para > lm.MAX_GAP_PARAGRAPHS:
                chains.append(cur)
                cur = []
            if _is_first(c.key):
                chains.append(cur)
                cur = [c]
            elif cur and _follows(cur[-1].key, c.key):
                cur.append(c)
        chains.append(cur)
    last = max((ch for ch in chains if ch), key=lambda ch: ch[-1].pos, default=None)
    return [ch for ch in chains if len(ch) >= 2 or (ch is last and not ch[0].inline)]  # see _cut_list


def _symbol_runs(t: _Text, start_cands: dict[int, _Cand]) -> list[list[_Cand]]:
    runs: list[list[_Cand]] = []
    for fam in lm.FAMILIES:
        if fam.sequenced:
            continue
        cur: list[_Cand] = []
        for pi, p in enumerate(t.paras):
            c = start_cands.get(pi)
            if c is not None and c.family == fam.name and not c.heading:
                cur.append(c)
            elif p.blank or (cur and t.is_caption(p) and c is None):
                continue
            elif cur and c is not None and not _FAMILY[c.family].sequenced and not c.heading:
                continue  # "+ ..." sub-items under a "- ...:" item belong to that item
            else:
                runs.append(cur)
                cur = []
        runs.append(cur)
    return [r for r in runs if len(r) >= 2]


def _seg_end(t: _Text, start: int, limit: int, inline_limit: bool) -> int:
    """End of an item starting at ``start`` whose next marker is at ``limit``:
    trailing blank lines and captions (past the item's first paragraph) dropped."""
    first_pi = t.para_of(start)
    last_pi = t.para_of(max(start, limit - 1))
    end = start
    for pi in range(last_pi, first_pi - 1, -1):
        p = t.paras[pi]
        seg_end = min(p.end, limit)
        if seg_end <= max(p.first, start):
            continue
        if pi != first_pi and t.is_caption(p):
            continue
        end = seg_end
        break
    while end > start and t.text[end - 1].isspace():
        end -= 1
    if inline_limit:
        while end > start:
            m = _INLINE_TAIL.search(t.text, start, end)
            if not m or m.start() == m.end():
                break
            end = m.start()
    return end


# what an inline item leaves before the next marker: "...; (2)", "..., và (3)"
_INLINE_TAIL = re.compile(r"(?:[\s;,–-]|(?<=\s)(?:và|hoặc)(?=\s|$))+$")


def _footnote_block(t: _Text, chain: list[_Cand]) -> bool:
    """"(1) Câu nói của ..." lines at the foot of an article: under a rule line, or
    whose numbers the text cited before as footnote references ("...theo sau”(1).")."""
    if not _FAMILY[chain[0].family].footnotes or any(c.inline for c in chain):
        return False
    above = _next_para(t, chain[0].para, -1)
    if above is not None and lm.FOOTNOTE_RULE.match(t.content(t.paras[above])):
        return True
    cited = set()
    for m in lm.FOOTNOTE_REF.finditer(t.text, 0, chain[0].pos):
        cited.add(int(m.group("key") or m.group("key2")))
    return all(c.key in cited for c in chain)


def _tail_end(t: _Text, last: _Cand, start: int, start_cands: dict[int, _Cand]) -> int:
    """End of the last item: its paragraph, then the paragraphs that continue it."""
    p0 = t.paras[t.para_of(start)]
    end = max(p0.end, start)
    if last.inline:
        return end
    sub_list = t.text[start:end].rstrip().endswith(":")
    taken = 0
    pi = t.para_of(start) + 1
    while pi < len(t.paras) and taken < lm.MAX_TAIL_PARAGRAPHS + (20 if sub_list else 0):
        p = t.paras[pi]
        pi += 1
        if p.blank:
            continue
        c = start_cands.get(pi - 1)
        if sub_list and c is not None and c.family != last.family:
            end, taken = p.end, taken + 1
            continue
        content = t.content(p)
        if (
            c is not None
            or t.is_caption(p)
            or t.is_closing(p)
            or len(content) < lm.MIN_TAIL_CHARS
            or content.endswith(":")
            or taken >= lm.MAX_TAIL_PARAGRAPHS
        ):
            break
        end, taken = p.end, taken + 1
        sub_list = False
    return end


def _lead_para(t: _Text, first: _Cand, start_cands: dict[int, _Cand], symbol: bool) -> int | None:
    """Paragraph holding the lead of a list whose first item starts a paragraph."""
    pi = first.para - 1
    steps = 0
    while pi >= 0 and steps < 8:
        p = t.paras[pi]
        c = start_cands.get(pi)
        if p.blank or (t.is_caption(p) and not (c is not None and c.heading)):
            pi -= 1
            continue
        if not symbol and c is not None and not _FAMILY[c.family].sequenced:
            pi, steps = pi - 1, steps + 1  # dash headings and dash items between lead and list
            continue
        return pi
    return None


def _lead(t: _Text, first: _Cand, start_cands: dict[int, _Cand], symbol: bool) -> tuple[str, str, bool]:
    """(lead sentence, sentences before it in its paragraph, lead ends with ':')."""
    if first.inline:
        p = t.paras[first.para]
        j = first.pos
        while j > p.first and t.text[j - 1].isspace():
            j -= 1
        if j <= p.first:
            return "", "", False
        s, _ = t.sentence_at(j - 1)
        lead = t.text[s:j].strip()
        return lead, t.text[p.first:s].strip(), lead.endswith(":")
    pi = _lead_para(t, first, start_cands, symbol)
    if pi is None:
        return "", "", False
    p = t.paras[pi]
    c = start_cands.get(pi)
    if c is not None and c.heading:
        lead = t.text[c.content:p.end].strip()
        return lead, "", lead.endswith(":")
    s, _ = t.sentence_at(p.end - 1)
    if c is not None:
        s = max(s, c.content)  # a "- Về công tác cán bộ:" item leads its sub-items without its dash
    lead = t.text[s:p.end].strip()
    if c is not None and _FAMILY[c.family].sequenced and not lead.endswith(":"):
        return "", "", False  # the last item of a list before, not a lead
    return lead, t.text[p.first:s].strip(), lead.endswith(":")


def _trailing_lead(t: _Text, end: int) -> str:
    """A list printed without a lead is often summed up after it: "Đó là những giải pháp ..."."""
    pos = end
    while pos < len(t.text) and t.text[pos].isspace():
        pos += 1
    if pos >= len(t.text):
        return ""
    s, e = t.sentence_at(pos)
    sentence = t.text[s:e].strip()
    return sentence if lm.TRAILING_LEAD.match(sentence) else ""


def _kind(lead: str, context: str, items: list[str]) -> str:
    scores: Counter = Counter()
    main = lead.rsplit(",", 1)[-1] if "," in lead else ""
    for rx, kind, w in _KIND_RX:
        if lead and rx.search(lead):
            scores[kind] += 2 * w
        if main and rx.search(main):
            scores[kind] += 2 * w
        if context and rx.search(context):
            scores[kind] += w
    if not scores:
        for text in items:
            for rx, kind in _ITEM_RX:
                if rx.search(text):
                    scores[kind] += 1
                    break
    if not scores:  # no cue: an uncommented list (a regulation's provisions) states tasks
        return "solution"
    best = max(scores.values())
    return next(k for k in _KIND_ORDER if scores.get(k) == best)


def _summary(t: _Text, start: int, end: int) -> str:
    _, s_end = t.sentence_at(start)
    stop = min(max(s_end, start), end)
    summary = t.text[start:stop].strip()
    if len(summary) > 300:
        cut = summary.find(";", 20)
        if cut != -1:
            summary = summary[:cut]
    return summary.rstrip(" .;:,")


def _items(t: _Text, chain: list[_Cand], start_cands: dict[int, _Cand], sequenced: bool) -> list[dict]:
    items = []
    for i, c in enumerate(chain):
        start = c.content
        while start < len(t.text) and t.text[start].isspace():
            start += 1
        if i + 1 < len(chain):
            nxt = chain[i + 1]
            end = _seg_end(t, start, nxt.pos, nxt.inline and nxt.para == t.para_of(start))
        elif sequenced and c.inline:
            # the last item of a list inside a paragraph ends with its sentence:
            # "... Thứ ba, X. Đó là những kinh nghiệm ..." keeps only X.
            end = min(t.sentence_at(start)[1], t.paras[c.para].end)
        elif sequenced:
            end = _tail_end(t, c, start, start_cands)
        else:
            end = t.paras[c.para].end
        if end <= start:
            continue
        items.append({"marker": c.marker, "start": start, "end": end, "pos": c.pos})
    return items


def _marked_lists(t: _Text, cands: list[_Cand]) -> list[dict]:
    start_cands = {c.para: c for c in cands if not c.inline}
    found = []
    groups = [(ch, True) for ch in _sequenced_chains(cands)]
    groups += [(run, False) for run in _symbol_runs(t, start_cands)]
    for chain, sequenced in groups:
        if sequenced and _footnote_block(t, chain):
            continue
        lead, context, colon = _lead(t, chain[0], start_cands, symbol=not sequenced)
        if (not sequenced or _FAMILY[chain[0].family].colon_lead) and not colon:
            continue  # "TÀI LIỆU THAM KHẢO / - ... / - ..." or a page menu, not a list
        items = _items(t, chain, start_cands, sequenced)
        if (len(items) < 2 and not _cut_list(t, chain, items, sequenced)) or _not_solutions(t, items):
            continue
        if not lead:
            lead, context = _trailing_lead(t, items[-1]["end"]), ""
        kind = _kind(lead, context, [t.text[it["start"]:it["end"]] for it in items])
        found.append({"lead": lead, "kind": kind, "unmarked": False, "items": items,
                      "span": (chain[0].pos, items[-1]["end"])})
    return found


def _cut_list(t: _Text, chain: list[_Cand], items: list[dict], sequenced: bool) -> bool:
    """A first item running to the end of a text cut mid-sentence: the rest of its list is lost."""
    if not (t.cut and sequenced and len(items) == 1 and items[0]["end"] >= t.body_end):
        return False
    first = t.content(t.paras[chain[0].para])  # a short "1. Đặt vấn đề" is a section heading
    return _is_first(chain[0].key) and len(first.split()) > 6


def _not_solutions(t: _Text, items: list[dict]) -> bool:
    """Most items are grounds of a decision ("Căn cứ ...") or people ("Đ/c Lê Văn An")."""
    def other(it: dict) -> bool:
        text = t.text[it["start"]:it["end"]].lstrip()
        if any(rx.match(text) for rx in _NOT_ITEM_RX):
            return True
        m = _PERSON_RX.match(text)
        return bool(m) and m.group(1)[0].isupper() and m.group(2)[0].isupper()
    return 2 * sum(map(other, items)) > len(items)


# ------------------------------------------------------------------ unmarked task sections


def _is_task(t: _Text, p: _Para, start_cands: dict[int, _Cand], pi: int) -> bool:
    content = t.content(p)
    if pi in start_cands or len(content) < lm.MIN_TASK_CHARS or not lm.SENTENCE_END.search(content):
        return False
    if t.is_caption(p):
        return False
    s, e = t.sentence_at(p.first)
    return bool(lm.TASK_START.match(content) or lm.TASK_MODAL_EARLY.search(t.text[s:e]))


def _unmarked_lists(t: _Text, cands: list[_Cand], marked: core.Cover) -> list[dict]:
    """Task sections outside the paragraphs the ``marked`` lists' spans touch."""
    start_cands = {c.para: c for c in cands if not c.inline}

    def busy(pi: int) -> bool:
        return marked.overlaps(*t.extent(pi))

    found = []
    pi = 0
    while pi < len(t.paras):
        p = t.paras[pi]
        if p.blank or busy(pi) or pi in start_cands:
            pi += 1
            continue
        content = t.content(p)
        lead, context, items = "", "", []
        s, e = t.sentence_at(p.first)
        if lm.TASK_LEAD.match(content) and lm.TASK_LEAD_MODAL.search(t.text[s:e]):
            lead = t.text[s:e].strip()
            rest = e
            while rest < p.end and t.text[rest].isspace():
                rest += 1
            if p.end - rest >= lm.MIN_TASK_CHARS and lm.TASK_START.match(t.text[rest:p.end]):
                items.append((rest, p.end))
        elif content.endswith(":") and lm.COLON_LEAD.search(content):
            s, _ = t.sentence_at(p.end - 1)
            lead, context = t.text[s:p.end].strip(), t.text[p.first:s].strip()
        if not lead:
            pi += 1
            continue
        qi = pi + 1
        while qi < len(t.paras):
            q = t.paras[qi]
            if q.blank:
                qi += 1
                continue
            if busy(qi) or not _is_task(t, q, start_cands, qi):
                break
            items.append((q.first, q.end))
            qi += 1
        if len(items) >= 2 and (len(items) > 2 or not items[0][0] < p.end):
            # with the lead paragraph's own tail, two items need a third paragraph
            rows = [{"marker": None, "start": a, "end": b, "pos": a} for a, b in items]
            kind = _kind(lead, context, [t.text[a:b] for a, b in items])
            found.append({"lead": lead, "kind": kind, "unmarked": True, "items": rows,
                          "span": (p.first, items[-1][1])})
            pi = qi
        else:
            pi += 1
    return found


# ------------------------------------------------------------------ public API


def find_solution_lists(text: str, sentences: list[tuple[int, int]] | None = None) -> list[dict]:
    """Rows of the solutions table (without ``article_id``) for one article.

    ``sentences``: optional (start, end) sentence offsets (the Doc's sentences);
    without them a small regex splitter is used.
    """
    if not isinstance(text, str) or not text.strip():
        return []
    t = _Text(text, sentences)
    cands = _candidates(t)
    lists = _marked_lists(t, cands)
    lists += _unmarked_lists(t, cands, core.Cover(lst["span"] for lst in lists))
    lists.sort(key=lambda lst: (lst["span"][0], lst["unmarked"]))
    rows = []
    for list_id, lst in enumerate(lists):
        for idx, it in enumerate(lst["items"]):
            start, end = it["start"], it["end"]
            rows.append({
                "list_id": list_id,
                "kind": lst["kind"],
                "unmarked": lst["unmarked"],
                "lead": lst["lead"],
                "item_index": idx,
                "marker": it["marker"],
                "text": text[start:end],
                "summary": _summary(t, start, end),
                "start": start,
                "end": end,
            })
    return rows


@core.component("solutions", reads=("doc.sents",), writes=("solutions",))
def solutions_component(doc: Doc) -> Doc:
    sentences = list(sentence_spans(doc)) if doc.has_annotation("SENT_START") else None
    doc._.rows["solutions"] = find_solution_lists(text_of(doc), sentences=sentences)
    return doc
