"""Who and where: party organisations, officials and the province of an article.

Extraction as data, with spaCy's ``PhraseMatcher`` over a syllable ``Doc``:

* ``org_types.csv``  organisation vocabulary: sub-bodies (Ban Thường vụ, Ủy ban Kiểm tra),
  party committees (Tỉnh ủy, Đảng ủy Khối, Chi bộ), state and mass bodies (UBND, Sở,
  Hội LHPN), place words (tỉnh, huyện, xã), bloc names and department names.
* ``titles.csv``     party and state titles (Phó Bí thư Thường trực, Chủ tịch).
* ``surnames.csv``   family names: a capitalised run after a title is a person's name.
* ``provinces.csv``  the 63 provinces and cities before the 2025 reorganisation and the 34
  after it, with the old -> new mapping and its effective date.
* ``sites.csv``      web sites -> province (``{slug}.dcs.vn``, ``bao{slug}`` ..., as data).

Every phrase is matched on a per-syllable ``NORM`` (lower case, underthesea tone placement,
one dash), so ``Đảng uỷ`` and ``Đảng ủy`` are one pattern. One small loop composes a
mention from the matches::

    [sub-body] head [name]      Ban Thường vụ | Tỉnh ủy | An Giang
    name:   province | place word + place | bloc | cơ quan + body | body | number
            | capitalised words (whole underthesea words when the Doc has them)

A mention must start with a capital letter: ``Chi bộ 01`` is a name, ``các chi bộ`` is
not; heads whose bare form is generic (``Chi bộ``, ``Đảng bộ``) need a name.
Officials are a name with titles: ``đồng chí NAME, TITLE [ORG], TITLE [ORG]`` or
``TITLE [ORG] NAME``.

The article's province comes from its site (``sites.csv``), else from the provinces its
text names in organisations and place phrases (``Tỉnh ủy Trà Vinh``, ``tỉnh Thanh Hoá``),
most frequent first. ``province`` is the province as it existed at publication,
``province_current`` the one after the 2025 reorganisation.

Two components: ``entities`` finds the mentions (``doc._.mentions``); ``entity_links``
writes the article's province, the entity rows placed in it, and the links, one writer a
column. Rows are numbered in text order (``entity_id`` 0.., the key within the article).
:func:`link_rows` points the rows of earlier components at the organisation they name:
``counts.subject`` (found in the text before the count) and ``doc_refs.issuer_text`` (found
from the reference on) get the ``entity_id`` of the organisation mention whose span
overlaps theirs, else of the nearest mention with the same normalised name, else None.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from urllib.parse import urlsplit

import numpy
from spacy.attrs import IDX, IS_SPACE, LENGTH, NORM
from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline.clean.dump import header_issuer
from pipeline.extract import core
from pipeline.nlp import text_of
from pipeline.text import fold_syllable

SYLLABLE = re.compile(r"\w+(?:['’]\w+)*|[^\w\s]")
HONORIFICS = (("đồng", "chí"), ("đ", "/", "c"), ("ông",), ("bà",))
LEVELS = ("central", "province", "district", "commune", "grassroots")
_HONORIFIC_FIRST = frozenset(h[0] for h in HONORIFICS)


# the key every phrase of the tables and every syllable of the text is matched on
norm_syllable = fold_syllable


def syllables(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in SYLLABLE.finditer(text)]


# --------------------------------------------------------------------------- tables


_read_csv = core.read_table


@dataclass(frozen=True)
class OrgWord:
    pattern: str
    role: str  # sub | party | central | state | mass | media | place | khoi | dept
    org_type: str | None
    level: str | None  # fixed level, or "auto:<default>"
    name: str | None  # none | optional | required


@dataclass(frozen=True)
class Province:
    name: str
    kind: str  # province | city
    status: str  # kept | merged | renamed | new
    current: str
    effective: dt.date | None
    before: str | None
    slugs: tuple[str, ...]
    variants: tuple[str, ...]

    def at(self, published: dt.date | None) -> str:
        """The province as it existed on ``published`` (the name itself when unknown)."""
        if published is None or self.effective is None:
            return self.name
        if self.status == "new" and published < self.effective:
            return self.before or self.name
        if self.status in ("merged", "renamed") and published >= self.effective:
            return self.current
        return self.name


@lru_cache(maxsize=1)
def org_words() -> tuple[OrgWord, ...]:
    return tuple(
        OrgWord(r["pattern"], r["role"], r["org_type"] or None, r["level"] or None, r["name"] or None)
        for r in _read_csv("org_types.csv")
    )


@lru_cache(maxsize=1)
def titles() -> tuple[str, ...]:
    return tuple(r["pattern"] for r in _read_csv("titles.csv"))


@lru_cache(maxsize=1)
def surnames() -> tuple[frozenset[str], frozenset[str]]:
    rows = _read_csv("surnames.csv")
    sur = frozenset(norm_syllable(r["name"]) for r in rows if r["kind"] == "surname")
    stop = frozenset(_norm_phrase(r["name"]) for r in rows if r["kind"] == "not_person")
    return sur, stop


@lru_cache(maxsize=1)
def provinces() -> tuple[Province, ...]:
    out = []
    for r in _read_csv("provinces.csv"):
        out.append(Province(
            name=r["name"], kind=r["kind"], status=r["status"], current=r["current"],
            effective=dt.date.fromisoformat(r["effective"]) if r["effective"] else None,
            before=r["before"] or None,
            slugs=tuple(s for s in r["slugs"].split(";") if s),
            variants=tuple(v for v in r["variants"].split(";") if v),
        ))
    return tuple(out)


@lru_cache(maxsize=1)
def province_by_name() -> dict[str, Province]:
    return {p.name: p for p in provinces()}


@lru_cache(maxsize=1)
def _province_key() -> dict[str, Province]:
    return {_norm_phrase(p.name): p for p in provinces()}


@lru_cache(maxsize=1)
def sites() -> tuple[tuple[str, str, Province], ...]:
    """(match, pattern, province) with every template expanded over the slugs."""
    by_name = province_by_name()
    out: list[tuple[str, str, Province]] = []
    for r in _read_csv("sites.csv"):
        if r["kind"] == "template":
            for p in provinces():
                for slug in p.slugs:
                    out.append((r["match"], r["pattern"].replace("{slug}", slug), p))
        else:
            out.append((r["match"], r["pattern"], by_name[r["province"]]))
    return tuple(out)


def _norm_phrase(text: str) -> str:
    return " ".join(norm_syllable(text[s:e]) for s, e in syllables(text))


# --------------------------------------------------------------------------- matcher


@dataclass(frozen=True)
class Entry:
    kind: str  # org | title | prov
    value: object  # OrgWord | str | Province


class Lexicon:
    """One ``PhraseMatcher`` on ``NORM`` over every phrase of every table."""

    def __init__(self) -> None:
        self.vocab = Vocab()
        self.matcher = PhraseMatcher(self.vocab, attr="NORM")
        self.entries: dict[int, Entry] = {}
        for w in org_words():
            self._add(Entry("org", w), w.pattern)
        for t in titles():
            self._add(Entry("title", t), t)
        for p in provinces():
            for v in p.variants:
                self._add(Entry("prov", p), v)

    def _add(self, entry: Entry, phrase: str) -> None:
        key = f"{entry.kind}:{len(self.entries)}"
        match_id = self.vocab.strings.add(key)
        self.entries[match_id] = entry
        self.matcher.add(key, [self.make_doc(phrase)])

    def make_doc(self, text: str, spans: list[tuple[int, int]] | None = None,
                 norms: list[str] | None = None) -> Doc:
        """A Doc of the syllables whose NORM is :func:`norm_syllable` (what the matcher reads)."""
        spans = syllables(text) if spans is None else spans
        words = [text[s:e] for s, e in spans]
        doc = Doc(self.vocab, words=words, spaces=[True] * len(words))
        if words:
            add = self.vocab.strings.add
            norms = [norm_syllable(w) for w in words] if norms is None else norms
            doc.from_array([NORM], numpy.array([[add(n)] for n in norms], dtype="uint64"))
        return doc


@lru_cache(maxsize=1)
def lexicon() -> Lexicon:
    return Lexicon()


# --------------------------------------------------------------------------- parsing


@dataclass
class Org:
    start: int  # syllable index
    end: int
    org_type: str | None
    level: str | None
    province: Province | None = None
    central: bool = False
    bare: bool = False  # a head that needs a name, unnamed inside a title ("Bí thư Chi bộ X")


@dataclass
class Title:
    start: int
    end: int  # end of the title words and of its organisation
    org: Org | None


@dataclass
class _Sent:
    """The syllables of a text with their matches."""

    text: str
    spans: list[tuple[int, int]]
    norms: list[str]
    word_end: list[int]
    nl: list[bool]  # syllable i starts a new line
    matches: dict[int, list[tuple[int, Entry]]] = field(default_factory=dict)
    toks: list[str] = field(default_factory=list)  # the syllables' text
    caps: list[bool] = field(default_factory=list)  # the syllable starts with a capital

    def __post_init__(self) -> None:
        if not self.toks:
            self.toks = [self.text[s:e] for s, e in self.spans]
        if not self.caps:
            self.caps = [t[:1].isupper() for t in self.toks]

    @property
    def n(self) -> int:
        return len(self.spans)

    def tok(self, i: int) -> str:
        return self.toks[i]

    def cap(self, i: int) -> bool:
        return self.caps[i]

    def alpha(self, i: int) -> bool:
        return self.tok(i).replace("'", "").replace("’", "").isalpha()

    def best(self, i: int, kind: str, roles: tuple[str, ...] | None = None) -> tuple[int, Entry] | None:
        for end, entry in self.matches.get(i, ()):
            if entry.kind != kind:
                continue
            if roles is not None and entry.value.role not in roles:  # type: ignore[union-attr]
                continue
            return end, entry
        return None


def _matched(text: str) -> tuple[list, list, list, dict]:
    """Syllable spans, texts, norms and lexicon matches (start -> [(end, entry)], longest
    first) of ``text``; remembered for the last few texts of a page's size (the mention
    pass and the weak province finders read a page's text twice). Shared: not to be changed."""
    return _matched_cached(text) if len(text) <= 100_000 else _match(text)


@lru_cache(maxsize=8)
def _matched_cached(text: str) -> tuple[list, list, list, dict]:
    return _match(text)


def _match(text: str) -> tuple[list, list, list, dict]:
    lex = lexicon()
    spans = syllables(text)
    toks = [text[a:b] for a, b in spans]
    norms = [norm_syllable(t) for t in toks]
    matches: dict[int, list[tuple[int, Entry]]] = {}
    for match_id, start, end in lex.matcher(lex.make_doc(text, spans, norms)):
        matches.setdefault(start, []).append((end, lex.entries[match_id]))
    for lst in matches.values():
        lst.sort(key=lambda m: -m[0])
    return spans, toks, norms, matches


def _prepare(text: str, words: list[tuple[int, int]] | None = None) -> _Sent:
    spans, toks, norms, matches = _matched(text)
    # word_end[i]: last syllable of the (underthesea) word holding syllable i
    word_end = list(range(len(spans)))
    wa = numpy.asarray(words if words is not None else [], dtype="int64").reshape(-1, 2)
    if len(wa) and spans:
        sa = numpy.asarray(spans, dtype="int64")
        w = numpy.searchsorted(wa[:, 1], sa[:, 0], side="right")  # first word ending after s
        inside = w < len(wa)
        inside[inside] = wa[w[inside], 0] <= sa[inside, 0]
        last = numpy.searchsorted(sa[:, 1], wa[numpy.minimum(w, len(wa) - 1), 1], side="right") - 1
        idx = numpy.arange(len(spans))
        word_end = numpy.where(inside, numpy.maximum(last, idx), idx).tolist()
    nl = [i > 0 and "\n" in text[spans[i - 1][1] : s] for i, (s, _e) in enumerate(spans)]
    return _Sent(text, spans, norms, word_end, nl, matches=matches, toks=toks)


# A bare "thành phố" (no name): the city the article is about; resolved by ``analyse``
# once the province is known (a centrally governed city: province, else district).
CITY = "city?"
# "below:X" heads sit one level under their place (Đảng ủy Quân sự tỉnh: the level the
# Party statute counts with districts; Đảng ủy Công an xã: grassroots); X without a place.
_BELOW = {"central": "province", "province": "district", "district": "grassroots",
          "commune": "grassroots", "grassroots": "grassroots", CITY: "district"}


def _level(spec: str | None, place_level: str | None) -> str | None:
    if spec is None:
        return None
    if spec.startswith("auto:"):
        return place_level or (spec[5:] or None)
    if spec.startswith("below:"):
        return _BELOW.get(place_level, spec[6:] or None) if place_level else (spec[6:] or None)
    return spec


class _Parser:
    def __init__(self, sent: _Sent):
        self.s = sent
        self.sur, self.not_person = surnames()

    # ---- pieces of a name
    def province_at(self, j: int) -> tuple[int, Province] | None:
        m = self.s.best(j, "prov") if j < self.s.n and not self.s.nl[j] else None
        if m and self.s.cap(j):
            return m[0], m[1].value  # type: ignore[return-value]
        return None

    def cap_run(self, j: int, max_words: int = 6) -> int:
        """End of a run of capitalised words starting at ``j`` (``j`` when none)."""
        s, k, words = self.s, j, 0
        heads = ("sub", "party", "state", "mass", "media", "place")
        while k < s.n and words < max_words and not s.nl[k]:
            if not (s.cap(k) and s.alpha(k)):
                if (k > j and s.norms[k] in ("và", "-") and k + 1 < s.n and s.cap(k + 1) and s.alpha(k + 1)
                        and not s.best(k + 1, "org", heads) and not s.nl[k + 1]):
                    k += 1
                    continue
                break
            if s.best(k, "org", heads if k > j else ("party",)) or s.best(k, "title"):
                break
            if len(s.tok(k)) > 1 and s.tok(k).isupper() and k == j and s.tok(k) not in ("LHPN", "UBND", "HĐND"):
                break  # an all-capitals heading is not a name
            k = max(s.word_end[k], k) + 1
            words += 1
        return k

    def looks_like_person(self, j: int, end: int) -> bool:
        return self.s.norms[j] in self.sur and 2 <= end - j <= 5

    def place_at(self, j: int, person_next: bool = False) -> tuple[int, str | None, Province | None] | None:
        """``tỉnh`` / ``tỉnh An Giang`` / ``huyện Krông Pắc``: (end, level, province).

        ``person_next``: after a title a name may follow the place word directly.
        """
        s = self.s
        m = s.best(j, "org", ("place",)) if j < s.n and not s.nl[j] else None
        if not m:
            return None
        end, entry = m
        word: OrgWord = entry.value  # type: ignore[assignment]
        if word.pattern == "xã" and end < s.n and s.norms[end] == "hội":
            return None
        k = end
        if word.pattern == "TP" and k < s.n and s.tok(k) == ".":
            k += 1
        p = self.province_at(k)
        if p:
            prov = p[1]
            if word.pattern in ("thành phố", "TP"):
                level = "province" if prov.kind == "city" else "district"
            else:
                level = word.level if word.pattern == "tỉnh" else None
            if word.pattern in ("huyện", "quận", "thị xã", "xã", "phường", "thị trấn"):
                return None  # a district named like a province is not that province
            return p[0], level, prov
        run = self.cap_run(k, max_words=3)
        if word.pattern not in ("tỉnh", "thành phố", "TP"):
            run = max(run, self.number_at(k))  # phường 5, quận 3
        if run > k and person_next:
            # after a title a person may follow the place: "UBND huyện Nguyễn Thị Hà" (no
            # district named so) or "Bí thư Chi bộ thôn Trà Sơn Lê Văn Tư" (the place ends
            # where a surname starts a 2-4 word tail)
            longer = self.cap_run(k, max_words=7)
            # most full names have three syllables, then four, then two
            for cut in sorted(range(k, longer - 1), key=lambda c: ((longer - c) != 3, (longer - c) != 4, c)):
                if self.looks_like_person(cut, longer) and longer - cut <= 4 and (cut > k or _norm_phrase(
                        s.text[s.spans[k][0]:s.spans[longer - 1][1]]) not in districts()):
                    run = cut
                    break
        if run > k:
            return run, (None if word.pattern == "tỉnh" else word.level), None
        if word.level == "grassroots":
            return None  # "Chi bộ thôn" alone refers back; "Chi bộ thôn Trà Sơn" is a name
        if word.pattern == "TP":
            return None
        if word.pattern == "thành phố":
            return end, CITY, None  # bare: the article's city (province) or a provincial city
        return end, word.level, None

    def number_at(self, j: int) -> int:
        s = self.s
        k = j
        if k < s.n and s.norms[k] == "số" and k + 1 < s.n and s.tok(k + 1).isdigit():
            k += 1
        if k < s.n and s.tok(k).isdigit() and len(s.tok(k)) <= 4 and not s.nl[k]:
            if k + 1 < s.n and not s.cap(k + 1) and not s.nl[k + 1] and s.best(k + 1, "org", ("place",)):
                return j  # "Công an 117 xã": a count of bodies, not a numbered one
            return k + 1
        return j

    # ---- a mention
    def org_at(self, i: int, after_title: bool = False, nested: bool = False) -> Org | None:
        s = self.s
        if i >= s.n or not s.cap(i) or (after_title or nested) and s.nl[i]:
            return None
        if s.spans[i][0] > 0 and s.text[s.spans[i][0] - 1] in "-/":
            return None  # the issuer inside a document number (32/KH-UBND)
        full = s.best(i, "org", ("party", "state", "mass", "media"))
        sub = s.best(i, "org", ("sub",))
        sub_word: OrgWord | None = None
        if full and (not sub or full[0] >= sub[0]):
            j, head = full[0], full[1].value
        elif sub:
            sub_word = sub[1].value  # type: ignore[assignment]
            j = sub[0]
            m = s.best(j, "org", ("party",)) or s.best(j, "org", ("central",))
            if not m:
                return None
            j, head = m[0], m[1].value
        elif after_title:
            m = s.best(i, "org", ("central",))
            if not m:
                return None
            j, head = m[0], m[1].value
        else:
            return None
        head: OrgWord  # type: ignore[no-redef]
        if nested and head.role not in ("state", "mass"):
            return None
        if j < s.n and s.nl[j] and sub_word is not None:
            return None
        if s.norms[j : j + 2] == ["các", "cấp"]:
            return None  # "HĐND các cấp", "Đảng ủy các cấp": every level, no one body
        named_ok = bool(sub_word) or (after_title and head.role == "party")
        org = self._name(i, j, head, named_ok=named_ok, after_title=after_title)
        if org is None:
            return None
        if sub_word is not None:
            org.bare = False  # "Ban Chấp hành Đảng bộ": the sub-body names it
            org.org_type = sub_word.org_type
            if sub_word.org_type == "executive_committee" and head.role == "central":
                org.org_type = "central_committee"
        return org

    def _name(self, i: int, j: int, head: OrgWord, named_ok: bool, after_title: bool = False) -> Org | None:
        s = self.s
        place_level: str | None = None
        prov: Province | None = None
        central = head.level == "central"
        named = False
        end = j
        if head.name != "none":
            p = self.province_at(j) if head.role in ("party", "media") else None
            if p and head.pattern not in ("Chi bộ", "Chi ủy"):
                end, prov, named = p[0], p[1], True
                if head.pattern == "Thành ủy":
                    place_level = "province" if prov.kind == "city" else "district"
            elif head.role == "party" and "Khối" in head.pattern:
                k = s.best(j, "org", ("khoi",))
                if k:
                    end, named = k[0], True
                    central = central or k[1].value.level == "central"  # type: ignore[union-attr]
            elif head.pattern in ("Sở", "Bộ"):
                d = s.best(j, "org", ("dept",))
                if d and s.cap(j):
                    end, named = d[0], True
                else:
                    run = self.cap_run(j, max_words=4)
                    if run > j:
                        end, named = run, True
            elif head.name == "required" or head.role == "party":
                pl = self.place_at(j, person_next=after_title)
                if pl:
                    end, place_level, prov = pl
                    named = True
                else:
                    k = s.best(j, "org", ("khoi",))
                    inner_at = k[0] if k and k[1].value.pattern == "cơ quan" else j  # type: ignore[union-attr]
                    inner = self.org_at(inner_at, nested=True)
                    if inner is not None:
                        end, prov, named = inner.end, inner.province, True
                        central = central or inner.central
                        if head.level == "auto:":  # Ban cán sự đảng UBND tỉnh: the body's level
                            place_level = inner.level
                    elif (num := self.number_at(j)) > j:
                        end, named = num, True
                        # "Chi bộ 01 - Khoa Cơ khí": the unit the numbered cell belongs to
                        if end + 1 < s.n and s.norms[end] == "-" and not s.nl[end + 1]:
                            unit = s.best(end + 1, "org", ("unit",))
                            tail = self.cap_run(unit[0] if unit else end + 1)
                            if s.cap(end + 1) and tail > end + 1:
                                end = tail
                    elif (unit := s.best(j, "org", ("unit",))) and s.cap(j) and not s.nl[j]:
                        end, named = max(unit[0], self.cap_run(unit[0])), True
                    else:
                        run = self.cap_run(j)
                        if run > j and not (named_ok and self.looks_like_person(j, run)):
                            end, named = run, True
                            if head.pattern == "Thành ủy":  # a provincial city: Thành ủy Long Xuyên
                                place_level = "district"
            if head.name == "required" and not named and not named_ok:
                return None
            # "(LHPN)" after a body, then its place ("tỉnh Thanh Hoá")
            if (end + 2 < s.n and s.tok(end) == "(" and s.tok(end + 2) == ")"
                    and s.tok(end + 1).isupper() and head.role in ("state", "mass")):
                end += 3
            if prov is None and place_level is None:
                pl = self.place_at(end, person_next=after_title)
                if pl:
                    end, place_level, prov = pl
        level = "central" if central else _level(head.level, place_level)
        if head.role == "party" and level is None:
            level = "grassroots"
        return Org(i, end, head.org_type, level, prov, central, bare=head.name == "required" and not named)

    def title_at(self, i: int) -> tuple[int, str] | None:
        s = self.s
        if not s.cap(i):
            return None
        m = s.best(i, "title")
        return (m[0], m[1].value) if m else None  # type: ignore[return-value]

    def name_run(self, j: int, need_surname: bool) -> int:
        s, k = self.s, j
        while k < s.n and k - j < 6 and s.cap(k) and s.alpha(k) and not s.tok(k).isupper():
            if k > j and (s.best(k, "title") or s.best(k, "org", ("sub", "party", "state", "mass"))):
                break
            k += 1
        if k - j < 2 or (need_surname and s.norms[j] not in self.sur):
            return j
        if " ".join(s.norms[j:k]) in self.not_person:
            return j
        return k

    def honorific_end(self, i: int) -> int:
        s = self.s
        if i >= s.n or s.norms[i] not in _HONORIFIC_FIRST:
            return i
        for h in HONORIFICS:
            if tuple(s.norms[i : i + len(h)]) == h:
                return i + len(h)
        return i


@dataclass
class Mentions:
    orgs: list[Org]
    titles: list[Title]
    persons: list[tuple[int, int, int, int, list[Title]]]  # span start, end, name start, end
    places: list[tuple[int, int, Province]]  # free "tỉnh X" phrases outside organisations


def _scan(sent: _Sent) -> Mentions:
    """Every mention, leftmost first: one starting inside an earlier mention's span is none
    (``core.resolve`` with the start as priority); officials are resolved among themselves."""
    p = _Parser(sent)
    orgs: list[Org] = []
    tls: list[Title] = []
    places: list[tuple[int, int, Province]] = []
    for span in _leftmost(lambda i: _mention_at(p, i), sent.n):
        if isinstance(span.value, Title):
            tls.append(span.value)
            orgs.extend([span.value.org] if span.value.org else [])
        elif isinstance(span.value, Org):
            orgs.append(span.value)
        else:
            places.append(span.value)
    title_at = {t.start: t for t in tls}
    persons = [span.value for span in _leftmost(lambda i: _person_at(p, title_at, i), sent.n)]
    return Mentions(orgs, tls, persons, places)


def _leftmost(span_at: Callable[[int], core.Span | None], n: int) -> list[core.Span]:
    """The spans ``span_at`` finds at syllables 0..n-1 that start outside an earlier kept one
    (``core.resolve`` with the start as priority); syllables inside a kept span are not asked.
    ``span_at(i)`` is a span starting at ``i`` and ending after it, or None."""
    kept, i = [], 0
    while i < n:
        span = span_at(i)
        if span is not None:
            kept.append(span)
        i = max(i + 1, span.end) if span is not None else i + 1
    return kept


def _mention_at(p: _Parser, i: int) -> core.Span | None:
    """The title (with its organisation), else organisation, else ``tỉnh X`` starting at syllable ``i``."""
    s = p.s
    t = p.title_at(i)
    if t:
        title = _title(p, i, t[0])
        return core.Span(i, title.end, (i,), title)
    org = p.org_at(i)
    if org:
        return core.Span(i, org.end, (i,), org)
    pl = p.place_at(i) if s.best(i, "org", ("place",)) else None
    if pl and pl[2] is not None and s.norms[i] in ("tỉnh", "thành", "tp"):
        return core.Span(i, pl[0], (i,), (i, pl[0], pl[2]))
    return None


def _title(p: _Parser, i: int, shortest_end: int) -> Title:
    """The longest title followed by its body, else the longest title ("Trưởng Ban Tổ chức
    Tỉnh ủy" is Trưởng + Ban Tổ chức Tỉnh ủy, not Trưởng ban + ...)."""
    s = p.s
    end, org = shortest_end, None
    for e in (e for e, entry in s.matches.get(i, ()) if entry.kind == "title"):
        org = p.org_at(e, after_title=True)
        if org:
            end = e
            break
    unit = s.best(end, "org", ("unit",)) if org is None and end < s.n and s.cap(end) else None
    if unit:  # Giám đốc Hợp tác xã Tân Tiến
        end = max(unit[0], p.cap_run(unit[0], max_words=4))
    return Title(i, org.end if org else end, org)


def _chain(s: _Sent, title_at: dict[int, Title], k: int) -> tuple[list[Title], int]:
    """Titles from syllable ``k`` on, separated by commas or dashes."""
    out: list[Title] = []
    while True:
        if k < s.n and s.tok(k) in (",", "-", "–", "—") and k + 1 in title_at:
            k += 1
        elif not (out == [] and k in title_at):
            break
        t = title_at[k]
        out.append(t)
        k = t.end
    return out, k


def _person_at(p: _Parser, title_at: dict[int, Title], i: int) -> core.Span | None:
    """An official from syllable ``i``: ``[honorific] TITLE [ORG] NAME`` or
    ``[honorific] NAME, TITLE [ORG], ...``; the value is (start, end, name start, name end, titles)."""
    s = p.s
    start = p.honorific_end(i)
    pre, k = _chain(s, title_at, start) if start in title_at else ([], start)
    if pre:
        name_end = p.name_run(k, need_surname=True)
        if name_end > k:
            return core.Span(i, name_end, (i,), (pre[0].start, name_end, k, name_end, pre))
    if start == i and s.norms[i] not in p.sur:
        return None
    name_end = p.name_run(start, need_surname=(start == i))
    if name_end == start:
        return None
    post, k = _chain(s, title_at, name_end) if name_end < s.n and s.tok(name_end) in (",", "-", "–") else ([], name_end)
    return core.Span(i, k, (i,), (start, k, start, name_end, post)) if post else None


# --------------------------------------------------------------------------- rows


def _province_name(prov: Province | None, published: dt.date | None) -> str | None:
    return prov.at(published) if prov else None


def _org_row(sent: _Sent, org: Org, published: dt.date | None) -> dict:
    start, end = sent.spans[org.start][0], sent.spans[org.end - 1][1]
    text = sent.text[start:end]
    return {
        "kind": "organisation",
        "text": text,
        "name": re.sub(r"\s+", " ", text),
        "org_type": org.org_type,
        "level": org.level,
        "titles": [],
        "province": _province_name(org.province, published),
        "start": start,
        "end": end,
    }


def find_entities(
    text: str,
    words: list[tuple[int, int]] | None = None,
    published: dt.date | None = None,
) -> list[dict]:
    """Organisation and person rows (the ENTITIES columns minus article_id), in text order.

    ``words`` are the (start, end) offsets of the text's words (underthesea tokens); a
    capitalised name then runs over whole words. Without them every syllable is a word.
    """
    return _analyse(text, words, published)[0]


def _analyse(text: str, words, published):
    if not text:
        return [], []
    sent = _prepare(text, words)
    m = _scan(sent)
    m.orgs = [o for o in m.orgs if not o.bare]  # still part of the title text, not a mention
    rows = [_org_row(sent, o, published) for o in m.orgs]
    found: list[tuple[int, Province, str]] = []  # (char offset, province, evidence text)
    for o, r in zip(m.orgs, rows):
        if o.province is not None:
            found.append((r["start"], o.province, r["text"]))
    for a, b, prov in m.places:
        found.append((sent.spans[a][0], prov, text[sent.spans[a][0] : sent.spans[b - 1][1]]))
    for start, end, n0, n1, tls in m.persons:
        first = next((t.org for t in tls if t.org is not None), None)
        cs, ce = sent.spans[start][0], sent.spans[end - 1][1]
        rows.append({
            "kind": "person",
            "text": text[cs:ce],
            "name": re.sub(r"\s+", " ", text[sent.spans[n0][0] : sent.spans[n1 - 1][1]]),
            "org_type": None,
            "level": first.level if first else None,
            "titles": [re.sub(r"\s+", " ", text[sent.spans[t.start][0] : sent.spans[t.end - 1][1]]) for t in tls],
            "province": _province_name(first.province, published) if first else None,
            "start": cs,
            "end": ce,
        })
    rows.sort(key=lambda r: (r["start"], -r["end"]))
    for i, r in enumerate(rows):
        r["entity_id"] = i
    found.sort(key=lambda f: f[0])
    return rows, found


# --------------------------------------------------------------------------- links

_SUBJECT_WINDOW = 600  # a count's subject is looked for this far back (its sentence)
_ISSUER_WINDOW = 300  # an issuer this far after the reference's end


def _phrase_spans(text: str, phrase: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Occurrences of ``phrase`` (any white space between its words) inside ``text[lo:hi]``."""
    words = phrase.split()
    if not words:
        return []
    rx = re.compile(r"(?<!\w)" + r"\s+".join(re.escape(w) for w in words) + r"(?!\w)")
    return [(m.start(), m.end()) for m in rx.finditer(text, max(0, lo), max(0, min(len(text), hi)))]


def _pick(orgs: list[dict], span: tuple[int, int] | None, name: str, near: int) -> int | None:
    """entity_id of the organisation overlapping ``span`` most, else the nearest of the same name."""
    if span is not None:
        a, b = span
        best, best_key = None, None
        for o in orgs:
            overlap = min(b, o["end"]) - max(a, o["start"])
            if overlap > 0:
                key = (overlap, -abs((o["end"] - o["start"]) - (b - a)))
                if best_key is None or key > best_key:
                    best, best_key = o, key
        if best is not None:
            return best["entity_id"]
    want = _norm_phrase(name)
    same = [o for o in orgs if _norm_phrase(o["name"] or "") == want]
    if not same:
        return None
    return min(same, key=lambda o: (abs(o["start"] - near), o["start"]))["entity_id"]


def link_rows(text: str, entities: list[dict], counts: list[dict] = (), doc_refs: list[dict] = ()) -> None:
    """Fill ``subject_entity_id`` of count rows and ``issuer_entity_id`` of doc_refs rows in place.

    Every row gets the key (None when nothing is linked); rows that are not dicts are skipped.
    """
    orgs = [r for r in entities or () if isinstance(r, dict) and r.get("kind") == "organisation"
            and isinstance(r.get("entity_id"), int) and isinstance(r.get("start"), int)
            and isinstance(r.get("end"), int)]
    text = text if isinstance(text, str) else ""
    for rows, name_key, id_key, backward, window in (
        (counts, "subject", "subject_entity_id", True, _SUBJECT_WINDOW),
        (doc_refs, "issuer_text", "issuer_entity_id", False, _ISSUER_WINDOW),
    ):
        for r in rows or ():
            if not isinstance(r, dict):
                continue
            r[id_key] = None
            name, start, end = r.get(name_key), r.get("start"), r.get("end")
            if not isinstance(name, str) or not name.strip() or not orgs:
                continue
            if not isinstance(start, int) or not isinstance(end, int):
                start = end = None
            span = None
            if start is not None:
                if backward:  # the subject stands before the count, in its sentence
                    # (as printed, or with the sentence's capital the counts row took off: "Toàn tỉnh")
                    hits = (_phrase_spans(text, name, start - window, start)
                            or _phrase_spans(text, name[:1].upper() + name[1:], start - window, start))
                    span = hits[-1] if hits else None
                else:  # the issuer follows the number (or sits inside a partial reference)
                    hits = _phrase_spans(text, name, start, end + window)
                    span = hits[0] if hits else None
            r[id_key] = _pick(orgs, span, name, start if start is not None else 0)


# --------------------------------------------------------------------------- province


def province_of_site(site: str | None, url: str | None = None) -> Province | None:
    host = None
    if url:
        try:
            host = urlsplit(url).hostname
        except ValueError:
            host = None
    if not host and site and re.fullmatch(r"[A-Za-z0-9.-]+\.[A-Za-z]{2,}", site.strip()):
        host = site.strip()
    if not host:
        return None
    host = host.lower().removeprefix("www.")
    labels = host.split(".")
    for match, pattern, prov in sites():
        if match == "label" and pattern in labels[:-1]:
            return prov
        if match == "suffix" and (host == pattern or host.endswith("." + pattern)):
            return prov
    return None


def _site_name_province(site: str) -> tuple[Province, str] | None:
    """A site *name* (``Báo Nghệ An``): the province it names, bare names allowed."""
    sent = _prepare(site)
    for i in range(sent.n):
        m = sent.best(i, "prov")
        if m and sent.cap(i):
            return m[1].value, site  # type: ignore[return-value]
    return None


def _winner(found: list[tuple[int, Province, str]], published: dt.date | None = None) -> tuple[Province, str] | None:
    """The most named province as it was at publication, earliest first among equals.

    Mentions are grouped by the province they belong to at publication, so a 2026
    article naming "tỉnh Bình Định (cũ)" and "tỉnh Gia Lai" counts both for Gia Lai; the
    evidence is the first mention that names that province itself, when there is one.
    """
    if not found:
        return None
    counts = Counter(f[1].at(published) for f in found)
    best = max(counts.values())
    for _, prov, evidence in found:  # earliest among the most frequent
        name = prov.at(published)
        if counts[name] == best:
            same = [(p, e) for _, p, e in found if p.at(published) == name and p.name == name]
            return same[0] if same else (prov, evidence)
    return None


# --------------------------------------------------------------------------- districts

# "huyện Krông Pắc", "Huyện ủy Krông Pắc", "Đảng bộ thị xã Sông Cầu": a district-level
# unit (districts.csv, before the 2025 reform) names its province when nothing else does.
_DISTRICT_HEAD = re.compile(
    r"(?<!\w)(?:(?:huyện|quận|thị xã|thành phố)(?:\s+ủy|\s+uỷ)?|thị ủy|thị uỷ)\s+"
    r"((?:[^\W\d_][\w'’]*(?:\s+|-)?){1,4})",
    re.IGNORECASE,
)


# "tại Hòa Vang", "ở Krông Pắc": a district named after a word of place, without its head word
_DISTRICT_AT = re.compile(
    r"(?<!\w)(?:tại|ở|trên địa bàn)\s+((?:[^\W\d_][\w'’]*(?:\s+|-)?){1,4})", re.IGNORECASE)


# "xã Hữu Lũng", "phường Mường Thanh", "thị trấn Thứa" (communes.csv: names of one province)
_COMMUNE_HEAD = re.compile(r"(?<!\w)(?:xã|phường|thị trấn)\s+((?:[^\W\d_][\w'’]*(?:\s+|-)?){1,4})", re.IGNORECASE)
# "Đăk Hà", "Đắc Hà" and "Đắk Hà" are one name
_DAK = re.compile(r"\b(?:đăk|đắc|đac|dak|đak)\b")


def _place_key(name: str) -> str:
    return _DAK.sub("đắk", _norm_phrase(name))


@lru_cache(maxsize=1)
def districts() -> dict[str, tuple[str, str, Province]]:
    """Normalised unambiguous district name -> (name, kind, province as named then)."""
    by_key = _province_key()
    out: dict[str, tuple[str, str, Province]] = {}
    for r in [*_read_csv("districts.csv"), *_read_csv("districts_added.csv")]:
        prov = by_key.get(_norm_phrase(r["province"]))
        if prov is None or r["ambiguous"]:
            continue
        out[_place_key(r["name"])] = (r["name"], r["kind"], prov)
    return out


@lru_cache(maxsize=1)
def communes() -> dict[str, tuple[str, str, Province]]:
    """Normalised commune name -> (name, kind, province as named then)."""
    by_key = _province_key()
    return {_place_key(r["name"]): (r["name"], r["kind"], by_key[_norm_phrase(r["province"])])
            for r in _read_csv("communes.csv")}


def _unit_mentions(text: str, head: re.Pattern, table: dict) -> list[tuple[int, Province, str]]:
    found = []
    for m in head.finditer(text):
        words = m.group(1).split()
        if not words or not words[0][:1].isupper() or not m.group(0)[:1].isalpha():
            continue
        n = _name_length(words)
        hit = table.get(_place_key(" ".join(words[:n]).rstrip("-"))) if n else None
        if hit:
            found.append((m.start(), hit[2], re.sub(r"\s+", " ", text[m.start() : m.start(1)]) + hit[0]))
    return found


def _name_length(words: list[str]) -> int:
    """How many of ``words`` make the place's name: the capitalised ones, up to four, ending at
    one that closes a clause ("Bắc Xa, Lạng Sơn"). The whole name, not its start: "xã Thuận
    Hòa" is not the commune "Thuận" of another province."""
    n = 0
    for w in words[:4]:
        if not (w[:1].isupper() and not w.isupper()):
            break
        n += 1
        if w[-1:] in ",.;:)!?":
            break
    return n


def district_mentions(text: str) -> list[tuple[int, Province, str]]:
    """(offset, province, evidence) for each district-level unit the text names."""
    return _unit_mentions(text, _DISTRICT_HEAD, districts())


def district_at_mentions(text: str) -> list[tuple[int, Province, str]]:
    """(offset, province, evidence) for each district named bare after ``tại``/``ở``."""
    return _unit_mentions(text, _DISTRICT_AT, districts())


def commune_mentions(text: str) -> list[tuple[int, Province, str]]:
    """(offset, province, evidence) for each commune of one province the text names."""
    return _unit_mentions(text, _COMMUNE_HEAD, communes())


# alone, these name a person: "tư tưởng Hồ Chí Minh" is not the city
_NOT_BARE = frozenset({"hồ chí minh"})


def bare_mentions(text: str) -> list[tuple[int, Province, str]]:
    """A province named alone ("xã Tam Sơn, Hà Nội", "Điện Biên: ..."), not inside a longer
    capitalised name ("Nguyễn Hải Dương")."""
    sent = _prepare(text)
    found = []
    for i in range(sent.n):
        m = sent.best(i, "prov")
        if not m or not sent.cap(i) or m[0] - i < 2:
            continue
        a, b = sent.spans[i][0], sent.spans[m[0] - 1][1]
        if _norm_phrase(text[a:b]) in _NOT_BARE:
            continue
        if i > 0 and sent.cap(i - 1) and not text[sent.spans[i - 1][1] : a].strip():
            continue
        if m[0] < sent.n and sent.cap(m[0]) and not text[b : sent.spans[m[0]][0]].strip():
            continue
        found.append((a, m[1].value, text[a:b]))  # type: ignore[arg-type]
    return found


# "(QNO) - ", "(Baonghean.vn) – ": the source tag before a paper's first sentence
_SOURCE_TAG = re.compile(r"^\s*\(\s*([^\s()]{2,40})\s*\)\s*[-–—]")


def province_of_tag(text: str) -> tuple[Province, str] | None:
    """The paper's province from the source tag opening one of the first lines."""
    for line in text.lstrip().split("\n", 4)[:4]:
        m = _SOURCE_TAG.match(line)
        if not m:
            continue
        tag = m.group(1)
        if "." in tag:
            prov = province_of_site(tag.lower())
        else:
            prov = next((p for match, pat, p in sites() if match == "tag" and pat == tag), None)
        if prov is not None:
            return prov, f"tag:{tag}"
    return None


def find_province(
    text: str,
    *,
    title: str | None = None,
    site: str | None = None,
    url: str | None = None,
    published: dt.date | None = None,
    found: list[tuple[int, Province, str]] | None = None,
    source_tag: str | None = None,
    site_lines: list[str] | None = None,
    doc_issuer: str | None = None,
) -> dict:
    """``province``, ``province_current`` and ``province_evidence`` of an article;
    ``source_tag``: the agency code opening the lead (``(QNO) –``); ``site_lines``: the
    boilerplate naming the site (banner, copyright, address), read when neither the title
    nor the text names a province with its head word, before districts and communes;
    ``doc_issuer``: the body above an official document's motto, read before them."""
    none = {"province": None, "province_current": None, "province_evidence": None}
    prov = province_of_site(site, url)
    if prov is not None:
        host = urlsplit(url).hostname if url else site
        return _result(prov, published, f"site:{(host or '').removeprefix('www.')}")
    if site and " " in site.strip():
        hit = _site_name_province(site)
        if hit:
            return _result(hit[0], published, f"site:{site.strip()}")
    hit = province_of_tag(text or "") or (province_of_tag(source_tag + " ") if source_tag else None)
    if hit:
        return _result(hit[0], published, hit[1])
    if found is None:
        found = _analyse(text, None, published)[1] if text else []
    hits = [(-1, p, f"title:{e}") for _, p, e in (_analyse(title, None, published)[1] if title else [])]
    w = _winner(hits + [(o, p, f"text:{e}") for o, p, e in found], published)
    if w is None and doc_issuer:
        w = _winner([(0, p, f"doc_issuer:{e}") for _, p, e in _analyse(doc_issuer, None, published)[1]], published)
    if w is None and site_lines:
        w = _winner([(i, p, f"site_line:{e}") for i, line in enumerate(site_lines)
                     for _, p, e in _analyse(line, None, published)[1]], published)
    if w is None:
        w = _weak_winner(text or "", title or "", published)
    if w is None:
        return none
    return _result(w[0], published, w[1])


def _weak_winner(text: str, title: str, published: dt.date | None) -> tuple[Province, str] | None:
    """No province named with its head word: districts, communes (before the 2025 reform)
    and provinces named alone, in the title and the text."""
    places = []
    finders = (("district", district_mentions), ("district", district_at_mentions),
               ("commune", commune_mentions), ("name", bare_mentions))
    for kind, finder in finders:
        places += [(-1, p, f"{kind}:{e}") for _, p, e in finder(title)]
        places += [(o, p, f"{kind}:{e}") for o, p, e in finder(text)]
    counts = Counter(p.at(published) for _, p, _ in places).most_common(2)
    if len(counts) > 1 and counts[0][1] == counts[1][1]:
        return None  # "các tỉnh từ Nghệ An đến Đà Nẵng": no one province
    return _winner(sorted(places, key=lambda f: f[0]), published)


def _result(prov: Province, published: dt.date | None, evidence: str) -> dict:
    return {
        "province": prov.at(published),
        "province_current": prov.current,
        "province_evidence": evidence,
    }


_as_date = core.as_date


def analyse(
    text: str,
    *,
    words: list[tuple[int, int]] | None = None,
    title: str | None = None,
    site: str | None = None,
    url: str | None = None,
    published=None,
) -> tuple[list[dict], dict]:
    """Entity rows and the article's province; unnamed non-central bodies get that province."""
    published = _as_date(published)
    rows, found = _analyse(text or "", words, published)
    prov = find_province(text or "", title=title, site=site, url=url, published=published, found=found)
    _place_rows(rows, prov)
    return rows, prov


def _place_rows(rows: list[dict], prov: dict) -> None:
    """A bare "thành phố" takes its level from the article's province, an unnamed body below
    the centre takes that province."""
    known = _province_key().get(_norm_phrase(prov["province"] or ""))
    for r in rows:
        if r["level"] == CITY:
            r["level"] = None if known is None else ("province" if known.kind == "city" else "district")
    if prov["province"]:
        for r in rows:
            if r["province"] is None and r["level"] in LEVELS[1:]:
                r["province"] = prov["province"]


# --------------------------------------------------------------------------- components


@dataclass(frozen=True)
class Found:
    """What the ``entities`` component finds on a Doc, before linking: mention rows (a bare
    city's level and an unnamed body's province still open) and the provinces the text names."""

    rows: tuple[dict, ...]
    places: tuple[tuple[int, Province, str], ...]


def _words(doc: Doc) -> numpy.ndarray:
    """(start, end) of each word of the Doc that is not white space."""
    arr = doc.to_array([IDX, LENGTH, IS_SPACE]).astype("int64") if len(doc) else numpy.zeros((0, 3), dtype="int64")
    arr = arr[arr[:, 2] == 0]
    return numpy.column_stack([arr[:, 0], arr[:, 0] + arr[:, 1]])


def find_mentions(text: str, words: list[tuple[int, int]] | None = None, published=None) -> Found:
    """The organisations, officials and places ``text`` names, before linking."""
    rows, places = _analyse(text or "", words, _as_date(published))
    return Found(tuple(rows), tuple(places))


@core.component("entities", reads=("token.idx", "meta.published_date"), writes=("mentions",))
def entities_component(doc: Doc) -> Doc:
    doc._.mentions = find_mentions(text_of(doc), _words(doc), doc._.meta.get("published_date"))
    return doc


@core.component(
    "entity_links",
    needs=("mentions",),
    reads=("counts.subject", "counts.start", "doc_refs.issuer_text", "doc_refs.start",
           "doc_refs.end", "meta.title", "meta.site", "meta.url", "meta.source_tag", "meta.site_lines",
           "meta.doc_header", "meta.published_date"),
    writes=("entities", "counts.subject_entity_id", "doc_refs.issuer_entity_id",
            "meta.province", "meta.province_current", "meta.province_evidence"),
)
def entity_links_component(doc: Doc) -> Doc:
    """The article's province, the entity rows placed in it, and the organisation each count's
    subject and each reference's issuer names."""
    found = doc._.mentions
    if found is None:
        # entities failed on this page and its error row says so: nothing to place or link
        # (a pipeline without entities before entity_links is refused by build_nlp)
        return doc
    meta, text = doc._.meta, text_of(doc)
    prov = find_province(text, title=meta.get("title"), site=meta.get("site"), url=meta.get("url"),
                         published=_as_date(meta.get("published_date")), found=list(found.places),
                         source_tag=meta.get("source_tag"), site_lines=meta.get("site_lines"),
                         doc_issuer=header_issuer(meta.get("doc_header")))
    rows = [dict(r) for r in found.rows]
    _place_rows(rows, prov)
    doc._.rows["entities"] = rows
    link_rows(text, rows, doc._.rows.get("counts") or [], doc._.rows.get("doc_refs") or [])
    meta.update(prov)
    return doc
