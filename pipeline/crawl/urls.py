"""URLs as data: canonical form, a start URL's section, and what a link's shape hints.

The hints are tables of named regexes (``ARTICLE``, ``PAGINATION``, ``SKIP``) matched
by one small loop, so a new portal layout is a new row, not new code. They never
decide what is stored (the page does, ``judge.py``): they order requests (article
shapes first), recognise a listing's pagination, skip links that are never pages
(files, search, login, tags) and pick the links still worth a look past the depth
bound.
courlan does the normalisation (scheme/host case, default ports, query order,
its tracker list); we drop the fragment and a few trackers Vietnamese sites add.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from courlan import normalize_url
from courlan.filters import is_not_crawlable

# Query parameters that never change the page (besides courlan's own tracker list).
TRACKING_PARAMS = re.compile(
    r"^(?:utm_\w+|zarsrc|zacc|fbclid|gclid|dclid|msclkid|yclid|_ga|_gl|mc_cid|mc_eid|"
    r"ref|source|from|share|amp;.*|igshid|sessionid|phpsessid|jsessionid|sid)$",
    re.I,
)

# File types that are never HTML articles: not even fetched.
NON_HTML_EXT = re.compile(
    r"\.(?:pdf|docx?|xlsx?|pptx?|odt|ods|rtf|zip|rar|7z|gz|tgz|tar|jpe?g|png|gif|bmp|webp|svg|ico|"
    r"mp3|mp4|m4a|avi|mov|wmv|flv|webm|wav|exe|msi|apk|iso|css|js|json|xml|rss|atom|txt|csv)$",
    re.I,
)

# Links that are neither articles nor sections worth following.
SKIP = [
    ("nav_pages", re.compile(r"/(?:tag|tags|tu-khoa|tim-kiem|search|login|dang-nhap|dang-ky|register|lien-he|contact|"
                             r"gioi-thieu|sitemap|so-do-site|rss|feed|print|in-bai|share|video|videos|photo|anh|"
                             r"podcast|emagazine|e-magazine|author|tac-gia|wp-admin|wp-login)(?:/|\.|$|\?)", re.I)),
    ("print_query", re.compile(r"[?&](?:print|printable|format=print|act=print)\b", re.I)),
    ("mailto_js", re.compile(r"^(?:mailto|javascript|tel|ftp):", re.I)),
]

# Pagination of a section (or of a listing page): followed as sections.
PAGINATION = [
    ("page_query", re.compile(r"[?&](?:page|trang|pageindex|page_index|pagenumber|paged|pg|start|offset)=\d+", re.I)),
    ("page_path", re.compile(r"/(?:trang|page|p)[-/]?\d+(?:\.html?|\.aspx)?/?$", re.I)),
]

# Article-like URLs (checked after PAGINATION: a paginated listing is never an article).
ARTICLE = [
    # /xay-dung-dang/hoi-nghi-chi-bo-mau-1234.html, .../bai-viet-20240305123456789.htm, ...-a12345.html
    ("slug_id_ext", re.compile(r"/[a-z0-9]+(?:-[a-z0-9]+)+-[a-z]?\d{3,}(?:\.html?|\.aspx|\.php|\.vnp)?/?$", re.I)),
    # long Vietnamese slug with an extension: /tin-tuc/dang-bo-xa-to-chuc-dai-hoi.html
    ("slug_ext", re.compile(r"/[a-z0-9]+(?:-[a-z0-9]+){3,}\.(?:html?|aspx|php|vnp)$", re.I)),
    # long slug without extension: /xay-dung-dang/dang-bo-xa-to-chuc-dai-hoi-chi-bo
    ("slug", re.compile(r"/[a-z0-9]+(?:-[a-z0-9]+){4,}/?$", re.I)),
    # numeric id as a path segment with an extension: /tin-tuc/123456.html, /news/detail/12345
    ("id_path", re.compile(r"/(?:\d{4,}\.(?:html?|aspx)|(?:detail|chi-tiet|chitiet|view|news|tin)/\d{3,}/?)$", re.I)),
    # CMS id queries: ?newsid=123, ?ItemID=5, ?id=5 (Joomla view=article too)
    ("id_query", re.compile(r"[?&](?:news_?id|article_?id|item_?id|post_?id|nid|id|p)=\d+(?:[:&]|$)", re.I)),
    ("joomla_article", re.compile(r"[?&]view=article\b", re.I)),
    # date folders: /2024/03/05/slug or /2024/03/slug
    ("date_path", re.compile(r"/20\d\d/[01]?\d/(?:[0-3]?\d/)?[^/?#]{6,}$", re.I)),
]


def _first(table, url: str) -> str | None:
    for name, rx in table:
        if rx.search(url):
            return name
    return None


def canonical_url(url: str) -> str | None:
    """The URL a page is stored and de-duplicated under; None when it is no web URL.

    >>> canonical_url("HTTPS://Example.VN:443/a-b.html?utm_source=rss&id=5#top")
    'https://example.vn/a-b.html?id=5'
    """
    url = (url or "").strip()
    if not url.lower().startswith(("http://", "https://")):
        return None
    try:
        normal = normalize_url(url, strict=False)
        parts = urlsplit(normal)
    except (ValueError, TypeError, AttributeError):
        return None
    if not parts.hostname:
        return None
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not TRACKING_PARAMS.match(k)]
    path = parts.path or "/"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query), ""))


def host_of(url: str) -> str:
    try:
        return (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""


def on_domains(url: str, domains) -> bool:
    """True when the URL's host is one of ``domains`` or a subdomain of one."""
    host = host_of(url)
    return any(host == d or host.endswith("." + d) for d in domains)


def classify_url(url: str) -> str:
    """'skip', 'file' (non-HTML by extension), 'section' (pagination), 'article' or 'other'."""
    if _first(SKIP, url):
        return "skip"
    try:
        parts = urlsplit(url)
    except ValueError:
        return "skip"
    if NON_HTML_EXT.search(parts.path):
        return "file"
    if is_not_crawlable(url):
        return "skip"
    if _first(PAGINATION, url):
        return "section"
    if _first(ARTICLE, url):
        return "article"
    return "other"


def section_scope(url: str) -> str | None:
    """The section a start URL covers, as host + path without extension; None for a site root."""
    parts = urlsplit(url)
    path = parts.path.rstrip("/")
    for suffix in (".html", ".htm", ".aspx", ".php"):
        if path.endswith(suffix):
            path = path[: -len(suffix)]
    return f"{parts.netloc}{path}" if path else None


def in_scope(url: str, scope: str | None) -> bool:
    """True when ``url`` lies in the section ``scope`` (its pages, pagination, sub-sections)."""
    if scope is None:
        return True
    parts = urlsplit(url)
    here = f"{parts.netloc}{parts.path}"
    return here == scope or here.startswith(scope + "/") or here.startswith(scope + ".")


__all__ = ["canonical_url", "classify_url", "host_of", "in_scope", "on_domains", "section_scope"]
