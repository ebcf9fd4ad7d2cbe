"""HTML pages: trafilatura for the main text, the page's own layout around it, bs4 as fallback.

trafilatura finds the article body (reader comments pruned first, ``COMMENT_XPATH``).
``pipeline.clean.html_layout`` then reads, around the first body paragraph it returned,
what Vietnamese portals print outside its reach: the printed headline, a lead left out,
the date line beside the headline, the byline, the page's own address. The text goes
through the residue filter of ``pipeline.clean.text`` (photo captions, view counters,
signatures are common inside the article container). When trafilatura returns nothing,
the page's visible text, without scripts, navigation, headers, footers and asides, goes
through the full text-dump cleaner instead.
"""
from __future__ import annotations

import itertools
import logging
import re
from datetime import date

import trafilatura
from bs4 import BeautifulSoup

from pipeline import settings
from pipeline.clean import html_layout
from pipeline.clean.metadata import Cleaned, parse_date, parse_views
from pipeline.clean.patterns import LEAD_CLASS
from pipeline.clean.text import classify, clean_text_dump, strip_residue
from pipeline.text import normalize

log = logging.getLogger(__name__)

# Hostile pages: what reaches trafilatura is bounded. Real article pages are far
# below these sizes; past them, scripts and styles go first, then the tail.
MAX_HTML_CHARS = 1_000_000
_DOCTYPE_SUBSET = re.compile(r"<!DOCTYPE[^\[>]{0,200}\[(.*?)\]\s*>", re.IGNORECASE | re.DOTALL)
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")  # lxml refuses these
_ENTITY_NAME = re.compile(r"<!ENTITY\s+(?:%\s*)?([\w.:-]+)", re.IGNORECASE)

# A tag whose attributes run over this many characters (a base64 image, a data blob)
_LONG_TAG = re.compile(r"<([A-Za-z][\w:-]*)\b[^<>]{2000,}>")
# A tag with more attributes than this is parsed bare, whatever the page's size: libxml2
# checks each attribute against those before it, so one element of 60,000 took 30 s to clean
MAX_TAG_ATTRIBUTES = 1_000

_REMOVE_TAGS = ("script", "style", "noscript", "nav", "header", "footer", "aside", "form", "iframe", "svg", "template")


PHOTO_CAPTION_MAX_CHARS = 300
_CAPTION_MARK = re.compile(r"caption|chu-?thich|image|photo|img|hinh-?anh", re.IGNORECASE)


def _prepare_tree(html: str):
    """The page as an lxml tree, with two habits of Vietnamese sites undone.

    - the article's lead sits in a ``div`` of its own (``<div class="sapo">``):
      trafilatura keeps paragraphs and drops such a ``div``, so it becomes a ``p``;
    - a photo and its caption share one paragraph (``<p><img><br><i>caption</i></p>``):
      trafilatura keeps the caption as body text, so the paragraph goes; a paragraph
      that only holds an inline image beside its sentence keeps the sentence.
    Falls back to the string when the page cannot be parsed.
    """
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001
        return html
    for el in tree.iter("div", "h2", "h3", "span", "section", "td"):
        classes = (el.get("class") or "").split()
        if any(LEAD_CLASS.search(c) for c in classes) and el.find(".//p") is None:
            el.tag = "p"
    photos = [
        el for el in tree.iter("p", "div", "td")
        if el.find(".//img") is not None and el.find(".//p") is None
        and len(el.text_content().strip()) < PHOTO_CAPTION_MAX_CHARS
    ]
    for el in photos:
        if el.getparent() is None:
            continue
        if _is_photo_caption(el):
            el.drop_tree()
        else:
            for img in list(el.iter("img")):
                img.drop_tree()
    for el in list(tree.iter("p")):
        if el.find("br") is not None and len(el.text_content()) <= SHORT_BLOCK_CHARS:
            _split_at_breaks(el)
    return tree


SHORT_BLOCK_CHARS = 150


def _split_at_breaks(p) -> None:
    """``<p><b>Name</b><br>Unit</p>`` -> two paragraphs: trafilatura would glue the
    lines of a short block (a signature and its unit) into one."""
    import lxml.html

    pieces = lxml.html.tostring(p, encoding="unicode", with_tail=False)
    inner = pieces[pieces.index(">") + 1 : pieces.rindex("</")]
    parts = [part for part in re.split(r"<br\s*/?>", inner, flags=re.IGNORECASE) if part.strip()]
    if len(parts) < 2:
        return
    tail, parent, at = p.tail, p.getparent(), p.getparent().index(p)
    parent.remove(p)
    for i, part in enumerate(parts):
        new = lxml.html.fragment_fromstring(f"<p>{part}</p>")
        parent.insert(at + i, new)
    new.tail = tail


def _is_photo_caption(el) -> bool:
    """A photo block whose text is its caption: no text, or centred, in italics, in an
    element named as a caption, or signed ``Ảnh:``."""
    text = " ".join(el.text_content().split())
    if not text:
        return True
    nodes = [el, *el.iterdescendants()]
    if any(_CAPTION_MARK.search(n.get("class") or "") for n in nodes if isinstance(n.tag, str)):
        return True
    if any("center" in ((n.get("style") or "") + (n.get("align") or "")).lower() for n in nodes if isinstance(n.tag, str)):
        return True
    italic = " ".join(" ".join(i.text_content().split()) for i in el.iter("em", "i", "figcaption"))
    if italic and len(italic) >= len(text) * 0.8:
        return True
    label = classify(text)
    return label is not None and label[0].startswith("caption")


def _trafilatura_config():
    """trafilatura's defaults without the extensive date search.

    The extensive search hands free-text dates to dateparser, whose first call loads
    every locale (about 5 s, paid again in each worker process and on every
    incremental run); the publication date is ours anyway (:func:`page_date`), and
    trafilatura's date is only its last fallback.
    """
    from copy import deepcopy

    from trafilatura.settings import DEFAULT_CONFIG

    config = deepcopy(DEFAULT_CONFIG)
    config.set("DEFAULT", "EXTENSIVE_DATE_SEARCH", "off")
    return config


TRAFILATURA_CONFIG = _trafilatura_config()

# Reader comments that trafilatura's own comment filter misses ("lstcommentpopup",
# "box-binhluan", "ykien-bandoc"): pruned before extraction, unless they hold the headline.
_MARKED = "contains(translate(@class, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'), '{0}')"
COMMENT_XPATH = "//*[({0}) and not(.//h1)]".format(
    " or ".join(_MARKED.format(word) for word in ("comment", "binhluan", "binh-luan", "ykien", "y-kien"))
)


def _trafilatura(html: str, url: str | None):
    tree = _prepare_tree(html)
    return trafilatura.bare_extraction(
        tree,
        url=url,
        # trafilatura's fallback compares its text with readability's, whose cost grows
        # with the square of the page's elements: a page of very many is read without it
        fast=not isinstance(tree, str) and _more_elements_than(tree, settings.HTML_FALLBACK_MAX_ELEMENTS),
        config=TRAFILATURA_CONFIG,
        with_metadata=True,
        include_comments=False,
        prune_xpath=COMMENT_XPATH,
        # Old portals lay whole pages out in <table>s: with tables on, trafilatura
        # returns the menus and sidebars as table rows. Text inside table cells is
        # still extracted as paragraphs.
        include_tables=False,
        include_images=False,
        include_links=False,
        deduplicate=False,
    )


def _more_elements_than(tree, limit: int) -> bool:
    return next(itertools.islice(tree.iter(), limit, None), None) is not None


def _soup_text(html: str) -> tuple[str, str | None]:
    import warnings

    from bs4 import XMLParsedAsHTMLWarning

    with warnings.catch_warnings():  # XHTML pages start with <?xml ...?>: parsed as HTML on purpose
        warnings.simplefilter("ignore", XMLParsedAsHTMLWarning)
        soup = BeautifulSoup(html, "lxml")
    title = soup.title.get_text(" ", strip=True) if soup.title else None
    for tag in soup(_REMOVE_TAGS):
        tag.decompose()
    root = soup.body or soup
    return root.get_text("\n"), title


# <time class="entry-date published" datetime="..."> (WordPress), itemprop="datePublished",
# and JSON-LD "datePublished": structured dates that name themselves as publication dates.
_STRUCTURED_DATE = re.compile(
    r"""<time[^>]*?(?:class\s*=\s*["'][^"']*\bpublished\b|itemprop\s*=\s*["']datePublished)[^>]*?datetime\s*=\s*["']([^"']+)"""
    r"""|<time[^>]*?datetime\s*=\s*["']([^"']+)["'][^>]*?(?:class\s*=\s*["'][^"']*\bpublished\b|itemprop\s*=\s*["']datePublished)"""
    r'|"datePublished"\s*:\s*"([^"]+)"',
    re.IGNORECASE,
)
_META_DATE = re.compile(
    r"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|datePublished|pubdate|publishdate|dc\.date(?:\.issued)?|date)["'][^>]*>""",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"""content\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_BLOCK_TAGS = {"p", "div", "br", "li", "dd", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "td", "span", "time", "section", "article", "header", "table"}
DATE_LINE_MAX_CHARS = 100
DATE_LINES_ABOVE = 12


def _visible_lines(html: str) -> list[str]:
    """The page's text, a line per block element (scripts and styles left out)."""
    import lxml.html

    try:
        tree = lxml.html.fromstring(html)
    except Exception:  # noqa: BLE001 - an unparsable page has no date lines
        return []
    for bad in tree.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for el in tree.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCK_TAGS:
            el.tail = "\n" + (el.tail or "")
    return [re.sub(r"\s+", " ", line).strip() for line in tree.text_content().split("\n")]


def page_date(html: str, body: str, extracted: str | None, near_headline: date | None = None) -> date | None:
    """Publication date: explicit metadata, else the date line beside the headline
    (``near_headline``), else the date line nearest above the article body, else
    trafilatura's guess (which may come from a sidebar)."""
    for tag in _META_DATE.findall(html[:100_000]):
        m = _CONTENT.search(tag)
        found = _date(m.group(1)) if m else None
        if found:
            return found
    for m in _STRUCTURED_DATE.finditer(html[:200_000]):
        found = _date(next(g for g in m.groups() if g))
        if found:
            return found
    if near_headline:
        return near_headline
    head = re.sub(r"\s+", " ", body[:60]).strip()[:40]
    lines = _visible_lines(html)
    at = next((i for i, line in enumerate(lines) if head and head in line), None)
    if at is not None:
        above = [line for line in lines[max(0, at - 40) : at] if line][-DATE_LINES_ABOVE:]
        for line in reversed(above):
            label = classify(line)
            if len(line) <= DATE_LINE_MAX_CHARS and (label is None or label[1] == "meta"):
                found = parse_date(line)
                if found:
                    return found
    return _date(extracted)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return parse_date(value)


_BLOCK_OPEN = re.compile(r"<(script|style)\b", re.IGNORECASE)
_BLOCK_CLOSE = {t: re.compile(rf"</{t}\s*>", re.IGNORECASE) for t in ("script", "style")}


def _drop_blocks(html: str) -> str:
    """``html`` without its script and style elements, in one linear pass (an
    unclosed block drops the rest of the page)."""
    out, pos = [], 0
    while (m := _BLOCK_OPEN.search(html, pos)) is not None:
        out.append(html[pos : m.start()])
        close = _BLOCK_CLOSE[m.group(1).lower()].search(html, m.end())
        if close is None:
            pos = len(html)
            break
        pos = close.end()
    out.append(html[pos:])
    return "".join(out)


def defuse(html: str) -> tuple[str, list[str]]:
    """A hostile page made safe to parse, and notes on what was changed.

    A DOCTYPE internal subset (XML entity declarations, the "billion laughs"
    block) is removed and references to its entities are dropped: nothing is
    expanded and the page parses as ordinary HTML. A tag of more than
    ``MAX_TAG_ATTRIBUTES`` attributes loses them. A page longer than
    ``MAX_HTML_CHARS`` loses its scripts and styles, then the attributes of tags that
    hold thousands of characters of them, then its tail.
    """
    notes: list[str] = []
    html = _NOT_XML.sub("", html)
    html, crowded = _bare_crowded_tags(html)
    if crowded:
        notes.append(f"[{crowded} tag(s) of more than {MAX_TAG_ATTRIBUTES} attributes parsed bare]")
    m = _DOCTYPE_SUBSET.search(html, 0, 200_000)
    if m:
        names = set(_ENTITY_NAME.findall(m.group(1)))
        html = html[: m.start()] + "<!DOCTYPE html>" + html[m.end() :]
        if names:
            refs = re.compile("&(?:" + "|".join(re.escape(n) for n in sorted(names)) + ");")
            html = refs.sub("", html)
        notes.append(f"[DOCTYPE internal subset removed: {len(names)} entity declarations not expanded]")
    if len(html) > MAX_HTML_CHARS:
        size = len(html)
        html = _drop_blocks(html[: 8 * MAX_HTML_CHARS])
        if len(html) > MAX_HTML_CHARS:  # inline images (src="data:…"), attribute blobs: the tag stays bare
            html = _LONG_TAG.sub(r"<\1>", html)
        if len(html) > MAX_HTML_CHARS:
            cut = html.rfind("<", MAX_HTML_CHARS // 2, MAX_HTML_CHARS)
            html = html[: cut if cut > 0 else MAX_HTML_CHARS]
        notes.append(f"[page of {size} characters cut to {len(html)} before extraction]")
    for note in notes:
        log.warning("hostile HTML: %s", note)
    return html, notes


def _bare_crowded_tags(html: str) -> tuple[str, int]:
    """``html`` with the tags of more than ``MAX_TAG_ATTRIBUTES`` attributes made bare, and how many."""
    crowded = 0

    def bare(m: re.Match) -> str:
        nonlocal crowded
        if m.group().count("=") <= MAX_TAG_ATTRIBUTES:
            return m.group()
        crowded += 1
        return f"<{m[1]}>"

    return _LONG_TAG.sub(bare, html), crowded


def clean_html(html: str, url: str | None = None) -> Cleaned:
    html, notes = defuse(html)
    cleaned = _clean_html(html, url)
    if _CHARACTER_REF.search(html):
        _normalize_fields(cleaned)
    cleaned.dropped = notes + cleaned.dropped
    return cleaned


# A character reference (``ho&#225;``, ``Ho&agrave;``) becomes a letter only when the page
# is parsed, after it was normalised as markup: what it became is normalised as text.
_CHARACTER_REF = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);")
_TEXT_FIELDS = ("text", "title", "author", "site", "source_tag", "doc_header")


def _normalize_fields(cleaned: Cleaned) -> None:
    for name in _TEXT_FIELDS:
        if value := getattr(cleaned, name):
            setattr(cleaned, name, normalize(value))


def _clean_html(html: str, url: str | None) -> Cleaned:
    doc = None
    try:
        doc = _trafilatura(html, url)
    except Exception:  # noqa: BLE001 - trafilatura failing on a page means: use the fallback
        doc = None
    text = (getattr(doc, "text", None) or "").strip() if doc is not None else ""
    tree = html_layout.parse_tree(html)
    if text:
        return _article(html, tree, doc, text)
    visible, title = _soup_text(html)
    cleaned = clean_text_dump(visible)
    if not cleaned.title and title:
        cleaned.title = _one_line(title)
    cleaned.url = html_layout.page_url(tree)
    return cleaned


def _article(html: str, tree, doc, text: str) -> Cleaned:
    """What trafilatura found, set in the page's layout: the printed headline, the lead
    it left out, the date line under the headline, the byline, the page's address."""
    titles = html_layout.meta_titles(tree, html)
    lines = text.split("\n")
    layout = html_layout.read_layout(tree, lines, _one_line(doc.title), titles)
    title = layout.headline or html_layout.page_title(tree, titles) or _one_line(doc.title)
    if layout.anchor_line is not None and layout.headline:
        lines = layout.lead + lines[layout.anchor_line:]  # what came before: page header
    elif layout.anchor_line is not None:
        lines = lines[_after_last_stop(lines[: layout.anchor_line]):]  # a sidebar list above the body
    if lines:
        lines[0] = html_layout.strip_agency(lines[0])
    residue = strip_residue("\n".join(lines), title=title)
    sites = html_layout.site_names(tree) if tree is not None else set()
    signature = None if html_layout.is_office(residue.author) else residue.author  # "Theo Báo Quảng Ninh"
    author = signature or layout.byline or html_layout.person_author(doc.author, sites | {(doc.sitename or "").casefold()})
    views = residue.views
    if views is None:
        views = parse_views(html[:200_000]) if "xem" in html[:200_000] else None
    return Cleaned(
        text=residue.text,
        title=_one_line(title),
        published_date=residue.published_date or page_date(html, residue.text, doc.date, layout.date),
        author=author,
        views=views,
        site=doc.sitename or doc.hostname,
        url=html_layout.page_url(tree) or (doc.url if doc.url and html_layout.names_a_page(doc.url) else None),
        dropped=residue.dropped,
    )


def _after_last_stop(lines: list[str]) -> int:
    """Index after the last line that ends a text (``TIN ĐÃ ĐĂNG``, related news)."""
    stops = [i for i, line in enumerate(lines) if (label := classify(line.strip())) and label[1] == "stop"]
    return stops[-1] + 1 if stops else 0


def _one_line(value: str | None) -> str | None:
    if not value:
        return None
    return re.sub(r"\s+", " ", value).strip() or None
