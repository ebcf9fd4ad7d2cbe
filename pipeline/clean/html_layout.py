"""Where an article sits on an HTML page: headline, lead, date line, byline, address.

trafilatura finds the body paragraphs; what Vietnamese portals print around them
often escapes it: the lead in a ``p.sapo``, ``h2.sapo``, ``div.post-summary`` or a table
cell outside the body container, the date line under the headline, the byline in a
``div.author``. Everything here is read from the page's own tree, anchored on the
first body paragraph trafilatura returned (:func:`find_anchor`): the headline is the
nearest heading above it, and what lies between the two is the article's header.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin, urlsplit

from pipeline.clean.metadata import (
    clean_author,
    is_surname,
    looks_like_name,
    name_in_signature,
    parse_date,
    valid_date,
)
from pipeline.clean.patterns import LEAD_CLASS, SENTENCE_END, SIGNATURE_PREFIX, SOURCE_PREFIX
from pipeline.clean.text import classify

_F = re.IGNORECASE
BLOCK_TAGS = frozenset(
    "p div td th li dd dt h1 h2 h3 h4 h5 h6 section article header footer blockquote tr table ul ol "
    "form aside nav main figure figcaption center".split()
)
HEADING_TAGS = frozenset(("h1", "h2", "h3", "h4"))
# Class or id of a headline: "detail-title", "post-title", "contentheading", "tieudetin", "NewsTitle".
TITLE_MARK = re.compile(r"title|tieu-?de|headline|heading", _F)
# Class or id of a byline: "detail-author", "author vcard", "tacgia", "createdby".
BYLINE_MARK = re.compile(r"author|tac-?gia|byline|writer|createdby|but-?danh|nguoi-?viet", _F)
# Containers whose text is never the article's: reader comments, related lists, page chrome.
FOREIGN_MARK = re.compile(r"comment|binh-?luan|y-?kien|reply|respond|related|lien-?quan|tin-?khac|other", _F)
FOREIGN_TAGS = frozenset(("nav", "aside", "footer", "figure", "figcaption", "select", "option"))
# An agency tag opening a lead: "TGĐT - ", "QĐND - ", "VOV.VN - ", "(Dân Việt) - ".
AGENCY_TAG = re.compile(
    r"^(?:(?:[A-ZĐ]{2,8}|[A-ZĐ]{2,8}\.VN|[A-Z][a-z]+\.vn)\s+[-–—]+\s+|\([A-ZĐ][^()]{1,24}\)\s*[-–—]+\s*)"
)
# Separators between a headline and the site name in <title> / og:title.
TITLE_SEPARATOR = re.compile(r"\s+[|–—»:]{1,2}\s+|(?<!\d)\s+-\s+(?!\d)")
SITE_WORDS = re.compile(r"^(báo|cổng|trang|tạp chí|website|đài|portal|cổng ttđt)\b", _F)

HEADLINE_MIN_WORDS = 4
HEADLINE_MAX_CHARS = 300
HEADLINE_MAX_BLOCKS_ABOVE = 8  # header blocks (date, lead, byline) between headline and body
ANCHOR_MIN_CHARS = 60
GLUED_SLACK_CHARS = 10
LEAD_MIN_CHARS = 60
LEAD_UNPUNCTUATED_CHARS = 120  # a lead this long is one even without its full stop
DATE_LINE_MAX_CHARS = 100
DATE_LINES_ABOVE_HEADLINE = 3
BYLINE_ELEMENTS_BELOW = 400  # how far below the first body paragraph a byline element may sit


@dataclass
class Layout:
    headline: str | None = None
    lead: list[str] = field(default_factory=list)
    date: date | None = None
    byline: str | None = None
    anchor_line: int | None = None  # index of the anchor line in trafilatura's text


def parse_tree(html: str):
    """The page as an lxml tree whose text breaks a line at each ``<br>`` and at both
    ends of each block element; None when unparsable."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - an unparsable page has no layout
        return None
    for bad in tree.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and (el.tag == "br" or el.tag in BLOCK_TAGS):
            el.tail = "\n" + (el.tail or "")
            if el.tag != "br":
                el.text = "\n" + (el.text or "")
    return tree


def _text(el) -> str:
    return " ".join(el.text_content().split())


def _marks(el) -> str:
    return f"{el.get('class') or ''} {el.get('id') or ''}"


def _foreign(el) -> bool:
    """Inside reader comments, a related-news list, a sidebar, a form or a caption."""
    for node in (el, *el.iterancestors()):
        if not isinstance(node.tag, str):
            continue
        if node.tag in FOREIGN_TAGS or FOREIGN_MARK.search(_marks(node)):
            return True
    return False


def _is_leaf_block(el) -> bool:
    return (isinstance(el.tag, str) and el.tag in BLOCK_TAGS
            and not any(isinstance(c.tag, str) and c.tag in BLOCK_TAGS for c in el))


def find_anchor(tree, lines: list[str], title: str | None):
    """The first sentence-like line of trafilatura's text and the page element that
    holds it: ``(line index, element)``, or ``(None, None)``."""
    for i, line in enumerate(lines):
        line = " ".join(line.split())
        if len(line) < ANCHOR_MIN_CHARS or not SENTENCE_END.search(line) or line == title:
            continue
        el = _element_starting(tree, line[:40])
        if el is None or _foreign(el):
            continue  # glued from several elements, spelled otherwise, or a related teaser
        if len(_text(el)) + GLUED_SLACK_CHARS < len(line):
            continue  # trafilatura glued the headline, date and lead of the page into one line
        return i, el
    return None, None


def _element_starting(tree, head: str):
    """The first element (in document order) whose text starts with ``head``: found
    from the text nodes that open like it, so a large page is read once."""
    opening = head.split()[0]
    for node in tree.xpath("//text()[starts-with(normalize-space(.), $w)]", w=opening):
        el = node.getparent()
        if el is not None and node.is_tail:
            el = el.getparent()
        while el is not None and isinstance(el.tag, str) and el.tag not in ("html", "body"):
            text = _text(el)
            if text.startswith(head):
                return el
            if not head.startswith(text[: len(head)]):
                break  # the element holds other text before the line
            el = el.getparent()
    return None


def _before(tree, anchor) -> list:
    """Elements before ``anchor`` in document order that do not hold it."""
    ancestors = set(anchor.iterancestors())
    out = []
    for el in tree.iter():
        if el is anchor:
            break
        if el not in ancestors and isinstance(el.tag, str):
            out.append(el)
    return out


def _after(tree, anchor) -> list:
    """The elements that follow ``anchor``'s own subtree, up to ``BYLINE_ELEMENTS_BELOW``."""
    out, inside, seen = [], set(anchor.iter()), False
    for el in tree.iter():
        if el is anchor:
            seen = True
        elif seen and el not in inside and isinstance(el.tag, str):
            out.append(el)
            if len(out) >= BYLINE_ELEMENTS_BELOW:
                break
    return out


def _emphasised(el) -> bool:
    """A block printed as a headline without being marked as one: all of its text bold
    or in a ``<font size>``, or in capitals (``<p align=center><font size=4><b>...``)."""
    if not _is_leaf_block(el):
        return False
    text = _text(el)
    strong = " ".join(_text(b) for b in el.iter("b", "strong", "font") if b is not el)
    return text.isupper() or (bool(strong) and len(strong) >= len(text))


def _headline_candidate(el, meta: set[str]) -> bool:
    if el.tag not in HEADING_TAGS and not TITLE_MARK.search(_marks(el)) and not _emphasised(el):
        return False
    if LEAD_CLASS.search(el.get("class") or "") or BYLINE_MARK.search(_marks(el)):
        return False
    text = _text(el)
    if not text or len(text) > HEADLINE_MAX_CHARS or text.endswith((".", ":")):
        return False
    if text.casefold() in meta and not _in_logo(el):
        return True
    return len(text.split()) >= HEADLINE_MIN_WORDS and not _foreign(el) and not _in_logo(el)


# Containers of the site's name and logo: their heading is never the article's.
LOGO_MARK = re.compile(r"logo|brand|banner|masthead|site-?name|site-?title|portal-?(?:title|header|name)", _F)


def _in_logo(el) -> bool:
    return any(isinstance(n.tag, str) and LOGO_MARK.search(_marks(n)) for n in (el, *el.iterancestors()))


def find_headline(before: list, meta_titles: list[str]):
    """The headline element: a heading above the body that repeats og:title, else the
    nearest heading above the body, when few header blocks lie between them."""
    meta = {t.casefold() for t in meta_titles}
    blocks = 0
    nearest = None
    for el in reversed(before):
        if nearest is None and _headline_candidate(el, meta):
            nearest = el
        if _is_leaf_block(el) and _text(el):
            blocks += 1
        if blocks > HEADLINE_MAX_BLOCKS_ABOVE:
            break
    if meta:
        same = next((el for el in reversed(before) if _headline_candidate(el, meta) and _text(el).casefold() in meta), None)
        if same is not None:
            return same
    return nearest


def _drop_foreign_between(before: list, headline) -> None:
    """Related-news boxes, captions and forms between the headline and the body leave
    the tree: their sentences are not the lead."""
    inside = set(headline.iter())
    for el in before[before.index(headline) + 1:]:
        if el in inside or el.getparent() is None:
            continue
        if el.tag in FOREIGN_TAGS or FOREIGN_MARK.search(_marks(el)):
            el.drop_tree()


_HEADLINE_END, _BODY_START = "\ue000", "\ue001"


def _lines_around(tree, headline, anchor) -> tuple[list[str], list[str]]:
    """The page's lines above the headline and those between it and the body."""
    tail, text = headline.tail, anchor.text
    headline.tail = f"\n{_HEADLINE_END}\n" + (tail or "")
    anchor.text = f"\n{_BODY_START}\n" + (text or "")
    try:
        page = tree.text_content()
    finally:
        headline.tail, anchor.text = tail, text
    above, sep, rest = page.partition(_HEADLINE_END)
    header = rest.partition(_BODY_START)[0] if sep else ""
    clean = lambda chunk: [" ".join(line.split()) for line in chunk.split("\n") if line.strip()]  # noqa: E731
    return clean(above), clean(header)


def _lead_lines(header: list[str], kept: set[str], body_text: str, title: str) -> list[str]:
    """Lines of the article's header that are its lead: sentences (short ones only when
    trafilatura kept them too) or long lines; never a date line, a byline or a
    boilerplate line."""
    out = []
    for text in header:
        if text == title or text in body_text or classify(text) is not None:
            continue
        if len(text) <= DATE_LINE_MAX_CHARS and parse_date_loose(text):
            continue
        ends = bool(SENTENCE_END.search(text))
        if (ends and (len(text) >= LEAD_MIN_CHARS or text in kept)) or len(text) >= LEAD_UNPUNCTUATED_CHARS:
            out.append(strip_agency(text))
    return out


def strip_agency(text: str) -> str:
    """A lead without its agency tag: ``(BĐ) - ``, ``TGĐT - ``, ``QĐND - ``."""
    return AGENCY_TAG.sub("", SOURCE_PREFIX.sub("", text), count=1)


_SPACED_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+(\d{1,2})\s+(\d{4})(?!\d)")
_SHORT_DMY = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})[/.-](\d{2})(?![\d/.-])")


_MONTH_WORDS = ("một", "hai", "ba", "tư", "năm", "sáu", "bảy", "tám", "chín", "mười", "mười một", "mười hai")
_MONTH = r"tháng\s+(mười\s+một|mười\s+hai|một|hai|ba|tư|năm|sáu|bảy|tám|chín|mười)"
# "24 Tháng Mười Hai, 2021" and "Tháng Mười Hai 24, 2021" (WordPress in Vietnamese)
_WORD_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+" + _MONTH + r",?\s+(\d{4})(?!\d)", _F)
_WORD_MDY = re.compile(_MONTH + r"\s+(\d{1,2}),?\s+(\d{4})(?!\d)", _F)


def _month(word: str) -> int:
    return _MONTH_WORDS.index(" ".join(word.casefold().split())) + 1


def parse_date_loose(line: str) -> date | None:
    """:func:`parse_date`, and the forms of portal date lines it leaves:
    ``thứ năm, 08 08 2019 08:51`` (spaces) and ``24/12/12`` (two-digit year)."""
    found = parse_date(line)
    if found:
        return found
    m = _WORD_DMY.search(line)
    if m:
        return valid_date(int(m.group(3)), _month(m.group(2)), int(m.group(1)))
    m = _WORD_MDY.search(line)
    if m:
        return valid_date(int(m.group(3)), _month(m.group(1)), int(m.group(2)))
    m = _SPACED_DMY.search(line)
    if m:
        return valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
    m = _SHORT_DMY.search(line)
    if m:
        yy = int(m.group(3))
        year = 2000 + yy if yy <= date.today().year % 100 else 1900 + yy
        return valid_date(year, int(m.group(2)), int(m.group(1)))
    return None


def _date_line(lines: list[str]) -> date | None:
    for line in lines:
        if len(line) <= DATE_LINE_MAX_CHARS:
            found = parse_date_loose(line)
            if found:
                return found
    return None


def byline_name(text: str) -> str | None:
    """The person's name in a byline: ``Bài và ảnh: TRẦN HẢI``, ``TS. NGUYỄN VĂN AN``."""
    for part in re.split(r"\n|\s{2,}", text):
        part = part.strip()
        if not part:
            continue
        sig = SIGNATURE_PREFIX.match(part)
        name = clean_author(name_in_signature(sig.group(2), vouched=True) if sig else name_in_signature(part))
        if name and _personal(name):
            return name
    return None


def _personal(name: str) -> bool:
    """Two words, or a family name first: ``Ban Biên Tập`` is an office, not a person."""
    words = name.split()
    return not is_office(name) and (len(words) == 2 or is_surname(words[0]))


# How an office, a newspaper or a unit opens, never a person's name ("Văn Hùng", "Thành Long",
# "Trường Giang" and "Chi Mai" are names).
OFFICE_START = re.compile(
    r"(ban|báo|phòng|trung tâm|đài|tạp chí|cổng|văn phòng|ủy ban|sở|hội|trang (?:tin|thông)|đảng|huyện|tỉnh|xã"
    r"|thành (?:ủy|phố|đoàn)|bộ|cục|chi (?:bộ|hội|đoàn)|viện|trường (?:đại|cao|trung|tiểu|thpt|thcs|mầm))(?!\w)",
    _F,
)


def is_office(name: str | None) -> bool:
    """``Báo Quảng Ninh``, ``Ban Biên Tập``, ``Phòng Văn hóa``: a byline naming no person."""
    return bool(name) and bool(OFFICE_START.match(name))


def _byline(before: list, after: list) -> str | None:
    for el in before + after:
        if not isinstance(el.tag, str) or el.tag == "meta" or not BYLINE_MARK.search(_marks(el)):
            continue
        if _foreign(el):
            continue
        parts = "\n".join(t.strip() for t in el.itertext() if t.strip())
        name = byline_name(parts)
        if name:
            return name
    return None


def read_layout(tree, lines: list[str], title_hint: str | None, meta_titles: list[str]) -> Layout:
    """Headline, lead, date line and byline around the body trafilatura found."""
    layout = Layout()
    if tree is None:
        return layout
    index, anchor = find_anchor(tree, lines, title_hint)
    if anchor is None:
        return layout
    layout.anchor_line = index
    before = _before(tree, anchor)
    headline = find_headline(before, meta_titles)
    after = _after(tree, anchor)
    layout.byline = _byline(before[before.index(headline):] if headline is not None else [], after)
    if headline is None:
        return layout
    layout.headline = _text(headline)
    _drop_foreign_between(before, headline)
    above, header = _lines_around(tree, headline, anchor)
    body_text = " ".join(" ".join(lines[index:]).split())
    kept = {" ".join(line.split()) for line in lines[:index]}
    layout.lead = _lead_lines(header, kept, body_text, layout.headline)
    layout.date = _date_line(header) or _date_line(above[-DATE_LINES_ABOVE_HEADLINE:][::-1])
    return layout


_JSON_HEADLINE = re.compile(r'"headline"\s*:\s*("(?:[^"\\]|\\.){1,600}")')


def meta_titles(tree, html: str = "") -> list[str]:
    """og:title, twitter:title and the JSON-LD headline (read from ``html``: the tree
    has no scripts), site name taken off."""
    if tree is None:
        return []
    sites = site_names(tree)
    found = []
    for xp in ('//meta[@property="og:title"]/@content', '//meta[@name="twitter:title"]/@content',
               '//meta[@itemprop="headline"]/@content'):
        found += [strip_site(v, sites) for v in tree.xpath(xp)]
    for literal in _JSON_HEADLINE.findall(html[:200_000]):
        try:
            found.append(strip_site(json.loads(literal), sites))
        except ValueError:
            continue
    return [t for t in found if t and not _site_like(t, sites)]


# A site's own name where a headline should be: "Cổng thông tin điện tử huyện X", "Báo điện tử Y".
SITE_NAME = re.compile(
    r"^(cổng thông tin|cổng ttđt|trang thông tin|trang tin điện tử|website|báo điện tử|tạp chí điện tử)", _F
)


def _site_like(title: str, sites: set[str]) -> bool:
    return title.casefold() in sites or bool(SITE_NAME.match(title))


def site_names(tree) -> set[str]:
    names = {v.strip().casefold() for v in tree.xpath('//meta[@property="og:site_name"]/@content') if v.strip()}
    return names


def strip_site(title: str | None, sites: set[str]) -> str | None:
    """``Headline - Báo X`` -> ``Headline``: parts naming the site taken off either end."""
    if not title:
        return None
    title = " ".join(title.split())
    parts = re.split(f"({TITLE_SEPARATOR.pattern})", title)  # text, separator, text, ...
    while len(parts) > 2 and _names_site(parts[-1], sites):
        del parts[-2:]
    while len(parts) > 2 and _names_site(parts[0], sites):
        del parts[:2]
    return "".join(parts).strip() or title


def _names_site(part: str, sites: set[str]) -> bool:
    part = part.strip().casefold()
    return part in sites or bool(SITE_WORDS.match(part)) or any(part in s or s in part for s in sites)


def page_title(tree, titles: list[str]) -> str | None:
    """The headline from the head when none is printed: og:title, else a
    ``<title>`` that has a site-name part to take off."""
    if titles:
        return titles[0]
    if tree is None:
        return None
    raw = " ".join((tree.findtext(".//title") or "").split())
    stripped = strip_site(raw, site_names(tree))
    return stripped if stripped and stripped != raw else None


def page_url(tree) -> str | None:
    """The page's own address as printed: og:url, the canonical link or a ``<base>``,
    the first that names a page rather than the site root."""
    if tree is None:
        return None
    og = next((v.strip() for v in tree.xpath('//meta[@property="og:url"]/@content') if v.strip()), None)
    canonical = next((v.strip() for v in tree.xpath('//link[@rel="canonical"]/@href') if v.strip()), None)
    base = next((v.strip() for v in tree.xpath('//base/@href') if v.strip()), None)
    if canonical and urlsplit(canonical).scheme not in ("http", "https") and (og or base):
        canonical = urljoin(og or base, canonical)
    return next((value for value in (og, canonical, base) if value and names_a_page(value)), None)


def names_a_page(url: str) -> bool:
    """An absolute http(s) address below the site root: ``https://x.vn/`` names a site."""
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.path.strip("/") or parts.query)


def person_author(value: str | None, sites: set[str]) -> str | None:
    """A ``<meta name="author">`` / trafilatura author, when it is a person's name
    (not the site, an office or a user name such as ``admin``)."""
    name = clean_author(value)
    if not name or name.casefold() in sites or any(name.casefold() in s for s in sites):
        return None
    return name if looks_like_name(name) and is_surname(name.split()[0]) else None
