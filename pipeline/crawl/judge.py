"""Decide by the page, not its URL: ``article``, ``listing``, ``too short`` or ``not html``.

    judge_page(body, url, content_type, thresholds) -> Verdict

The measures (thresholds in ``CRAWL_JUDGE`` of the crawl settings):

* main text: what trafilatura extracts as the page's main content, counted (in
  characters) over its lines long enough to be found on the page and lying in the
  main block, so a menu trafilatura keeps for want of anything else does not count;
* title: ``og:title``, the first ``<h1>``, or ``<title>``;
* the main block: the deepest element holding most of the main text; its link
  density is the share of its text that sits inside links;
* teasers: runs of main text separated by headline links (anchors of several
  words) inside the main block; a list of summaries has one run per item, none
  holding most of the text; an article has one run, or one long run beside a few
  short ones (a box of related teasers);
* headline links: anchors of several words anywhere on the page.

An article has enough main text, a title and a main block with little link
density; a listing has teasers, headline links or a link-dense main block; the rest
is too short. Every verdict carries its measures and a one-line reason.
"""
from __future__ import annotations

import copy
import re
import unicodedata
from dataclasses import dataclass

ARTICLE, LISTING, TOO_SHORT, NOT_HTML = "article", "listing", "too short", "not html"
KINDS = (ARTICLE, LISTING, TOO_SHORT, NOT_HTML)

HTML_TYPES = ("text/html", "application/xhtml+xml")
BLOCK_TAGS = frozenset("p div li td th dd dt blockquote article section main h1 h2 h3 h4 h5 h6 figure "
                       "figcaption pre table ul ol body".split())
SKIP_TAGS = frozenset("script style noscript template svg".split())
# Page furniture left out when no main block is found (tags, or class/id words).
FURNITURE_TAGS = frozenset("nav header footer aside menu form".split())
FURNITURE_WORDS = re.compile(r"(?:^|[\s_-])(?:nav|navbar|menu|header|footer|sidebar|breadcrumbs?)(?:$|[\s_-])", re.I)
SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Thresholds:
    min_chars: int = 400  # main text of an article, in characters
    max_link_density: float = 0.25  # share of the main block's text inside links
    listing_min_teasers: int = 4  # runs of main text between headline links
    teaser_max_share: float = 0.5  # ... none of which holds this share of the main text (else: an article)
    listing_min_headlines: int = 5  # headline links on a page without an article
    headline_min_words: int = 6  # words of an anchor that reads as a headline
    min_line_chars: int = 20  # main-text lines shorter than this do not locate the main block
    main_block_share: float = 0.7  # the main block holds at least this share of the located text

    @classmethod
    def from_mapping(cls, values: dict | None) -> "Thresholds":
        known = {k: v for k, v in (values or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass(frozen=True)
class Verdict:
    kind: str
    reason: str  # the measures that decided, in words
    title: str | None = None
    main_chars: int = 0
    link_density: float | None = None
    teasers: int = 0
    headlines: int = 0


def _norm(text: str | None) -> str:
    """Whitespace collapsed, NFC (a cp1258 page's decomposed accents match trafilatura's output)."""
    return unicodedata.normalize("NFC", SPACES.sub(" ", text or "")).strip()


def is_html_type(content_type: str | None) -> bool:
    ctype = (content_type or "").lower()
    return not ctype or any(t in ctype for t in HTML_TYPES)


def _parse(body: bytes):
    from trafilatura.utils import load_html

    try:
        tree = load_html(body)
    except Exception:  # noqa: BLE001 - unparseable bytes are judged "not html"
        return None
    return tree if tree is not None and tree.find(".//body") is not None else None


def page_title(tree) -> str | None:
    for xpath in ('//meta[@property="og:title"]/@content', "//h1", "//title"):
        for hit in tree.xpath(xpath):
            text = _norm(hit if isinstance(hit, str) else hit.text_content())
            if text:
                return text
    return None


def main_text(tree) -> str:
    import trafilatura

    text = trafilatura.extract(copy.deepcopy(tree), include_comments=False, include_tables=True,
                               deduplicate=False, with_metadata=False)
    return text or ""


TABLE_CELL = re.compile(r"\s*(?<!\\)\|\s*")


def main_lines(text: str) -> list[str]:
    """The main text's lines, table rows (``| cell | cell |``) split into their cells."""
    lines = []
    for line in text.splitlines():
        cells = TABLE_CELL.split(line) if line.lstrip().startswith("|") else [line]
        lines.extend(c.replace("\\|", "|").strip() for c in cells if c.strip())
    return lines


def _text_pieces(tree) -> list[tuple[str, object]]:
    """(normalised text, owning element) of every text node, in document order."""
    pieces = []
    for el in tree.iter():
        if not isinstance(el.tag, str) or el.tag in SKIP_TAGS:
            continue
        if el.text and el.text.strip():
            pieces.append((_norm(el.text), el))
        for child in el:
            if child.tail and child.tail.strip():
                pieces.append((_norm(child.tail), el))
    return pieces


def _block_of(el):
    while el is not None and el.tag not in BLOCK_TAGS:
        el = el.getparent()
    return el


PROBE = 24  # characters of a line compared with the page's text nodes
MIN_PIECE = 8  # a text node shorter than this never locates a line


def locate_lines(tree, lines: list[str], min_chars: int = PROBE) -> list[tuple[object, int]]:
    """(block element, weight) of each main-text line (at least ``min_chars`` long) found on the page.

    A line is found at the first text node, from where the previous line was found
    on, that starts with the line's first PROBE characters, or that is a shorter
    start of them; both through dicts, so the cost is linear in the page.
    """
    lengths = range(min(min_chars, PROBE), PROBE + 1)
    by_prefix: dict[str, list[int]] = {}
    by_short: dict[str, list[int]] = {}
    pieces = _text_pieces(tree)
    for i, (text, _) in enumerate(pieces):
        for n in lengths:
            if len(text) >= n:
                by_prefix.setdefault(text[:n], []).append(i)
        if MIN_PIECE <= len(text) < PROBE:
            by_short.setdefault(text, []).append(i)
    found, cursor = [], 0
    for line in lines:
        probe = _norm(line)[:PROBE]
        hits = list(by_prefix.get(probe, ()))
        for n in range(MIN_PIECE, len(probe)):
            hits.extend(by_short.get(probe[:n], ()))
        if not hits:
            continue
        i = min((h for h in hits if h >= cursor), default=min(hits))
        block = _block_of(pieces[i][1])
        if block is not None:
            found.append((block, len(line)))
        cursor = i + 1
    return found


def main_block(located: list[tuple[object, int]], share: float):
    """The deepest element holding at least ``share`` of the located main text."""
    if not located:
        return None
    total = sum(w for _, w in located)
    weight: dict = {}
    depth: dict = {}
    for block, w in located:
        chain = [block, *block.iterancestors()]
        for d, anc in enumerate(reversed(chain)):
            weight[anc] = weight.get(anc, 0) + w
            depth[anc] = d
    candidates = [el for el, w in weight.items() if w >= share * total]
    return max(candidates, key=lambda el: depth[el])


def _is_headline(anchor, min_words: int) -> bool:
    return bool(anchor.get("href")) and len(_norm(anchor.text_content()).split()) >= min_words


def link_density(el) -> float:
    text = len(_norm(el.text_content()))
    if not text:
        return 0.0
    links = sum(len(_norm(a.text_content())) for a in el.iter("a"))
    return min(1.0, links / text)


def teaser_runs(block, weights: dict, min_words: int) -> list[int]:
    """Characters of each run of main-text blocks inside ``block``, runs split by headline links."""
    runs: list[int] = []
    in_run = False
    for el in block.iter():
        if el in weights:
            if not in_run:
                runs.append(0)
                in_run = True
            runs[-1] += weights[el]
        elif el.tag == "a" and _is_headline(el, min_words) and not any(a in weights for a in el.iterancestors()):
            in_run = False
    return runs


def _chars_inside(located: list[tuple[object, int]], block) -> int:
    """Characters of the main-text lines (long enough to locate) that lie in the main block."""
    if block is None:
        return 0
    return sum(w for el, w in located if el is block or block in set(el.iterancestors()))


def _without_furniture(tree):
    body = copy.deepcopy(tree.find(".//body"))
    for el in list(body.iter()):
        if not isinstance(el.tag, str) or el is body:
            continue
        words = f"{el.get('class', '')} {el.get('id', '')}"
        if el.tag in FURNITURE_TAGS or FURNITURE_WORDS.search(words):
            if el.getparent() is not None:
                el.getparent().remove(el)
    return body


def judge_page(body: bytes, url: str = "", content_type: str | None = None,
               thresholds: Thresholds | None = None) -> Verdict:
    """The verdict on one fetched page."""
    t = thresholds or Thresholds()
    if not is_html_type(content_type):
        return Verdict(NOT_HTML, f"Content-Type {content_type}")
    tree = _parse(body)
    if tree is None:
        return Verdict(NOT_HTML, "no HTML body")
    title = page_title(tree)
    text = main_text(tree)
    lines = [ln for ln in main_lines(text) if len(ln) >= t.min_line_chars]
    located = locate_lines(tree, lines, t.min_line_chars)
    block = main_block(located, t.main_block_share)
    headlines = sum(1 for a in tree.iter("a") if _is_headline(a, t.headline_min_words))
    weights: dict = {}
    for el, w in located:
        weights[el] = weights.get(el, 0) + w
    runs = teaser_runs(block, weights, t.headline_min_words) if block is not None else []
    # an article with a box of related teasers has one run holding most of its text
    teasers = len(runs) if runs and max(runs) < t.teaser_max_share * sum(runs) else 0
    density = link_density(block) if block is not None else link_density(_without_furniture(tree))
    chars = _chars_inside(located, block)
    measures = dict(title=title, main_chars=chars, link_density=round(density, 3), teasers=teasers,
                    headlines=headlines)
    said = f"{chars} chars of main text, link density {density:.2f}, {teasers} teasers, {headlines} headline links"
    if teasers >= t.listing_min_teasers:
        return Verdict(LISTING, f"{teasers} teasers (>= {t.listing_min_teasers}); {said}", **measures)
    if chars >= t.min_chars and title and density <= t.max_link_density:
        return Verdict(ARTICLE, said, **measures)
    if headlines >= t.listing_min_headlines:
        return Verdict(LISTING, f"{headlines} headline links (>= {t.listing_min_headlines}); {said}", **measures)
    if density > t.max_link_density:
        return Verdict(LISTING, f"link density {density:.2f} (> {t.max_link_density}); {said}", **measures)
    if not title:
        return Verdict(TOO_SHORT, f"no title; {said}", **measures)
    return Verdict(TOO_SHORT, f"{chars} chars of main text (< {t.min_chars}); {said}", **measures)


__all__ = ["ARTICLE", "KINDS", "LISTING", "NOT_HTML", "TOO_SHORT", "Thresholds", "Verdict", "is_html_type",
           "judge_page"]
