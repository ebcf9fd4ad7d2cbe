"""Safety: which addresses may be fetched, capped gunzip, XML without entity expansion.

* ``address_refusal(host)`` says why a host must not be fetched (loopback, private,
  link-local, reserved, multicast, unspecified addresses, literal or resolved), or None.
* ``gunzip_capped`` never inflates past a byte cap (a gzip bomb stops early).
* ``parse_sitemap`` and ``parse_feed`` parse with lxml, ``resolve_entities=False``,
  ``no_network=True``, no DTD loading and ``huge_tree=False``: internal and external
  entities stay unexpanded, nothing is fetched while parsing.
"""
from __future__ import annotations

import ipaddress
import socket
import zlib
from datetime import date, datetime
from email.utils import parsedate_to_datetime
from functools import lru_cache

from lxml import etree


class TooLarge(ValueError):
    pass


def _refusal_of_ip(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    for attr in ("is_loopback", "is_private", "is_link_local", "is_multicast", "is_reserved", "is_unspecified"):
        if getattr(ip, attr):
            return f"{ip} is {attr[3:].replace('_', '-')}"
    if not ip.is_global:
        return f"{ip} is not a global address"
    return None


@lru_cache(maxsize=4096)
def _resolve(host: str) -> tuple[str, ...]:
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return ()
    return tuple(sorted({info[4][0] for info in infos}))


def address_refusal(host: str, resolve: bool = True) -> str | None:
    """Why ``host`` may not be fetched when private addresses are not allowed, or None.

    A host name is resolved; it is refused when any of its addresses is not global
    (a public name pointing into a private network is the classic SSRF trick).
    Unresolvable names are left to the downloader, which will fail on them anyway.
    """
    host = (host or "").strip("[]").lower()
    if not host:
        return "no host"
    if host == "localhost" or host.endswith(".localhost") or host.endswith(".local") or host.endswith(".internal"):
        return f"{host} is a local name"
    try:
        return _refusal_of_ip(ipaddress.ip_address(host.split("%")[0]))
    except ValueError:
        pass
    if not resolve:
        return None
    for addr in _resolve(host):
        try:
            why = _refusal_of_ip(ipaddress.ip_address(addr.split("%")[0]))
        except ValueError:
            continue
        if why:
            return f"{host} resolves to {why}"
    return None


def gunzip_capped(data: bytes, max_size: int) -> bytes:
    """Inflate gzip (or zlib) ``data``; raise TooLarge past ``max_size`` bytes."""
    d = zlib.decompressobj(wbits=47)  # 32 + 15: gzip or zlib header, auto-detected
    out = bytearray()
    chunk = data
    while chunk:
        out += d.decompress(chunk, max_size + 1 - len(out))
        if len(out) > max_size:
            raise TooLarge(f"decompressed size over {max_size} bytes")
        chunk = d.unconsumed_tail
        if d.eof:
            break
    return bytes(out)


def looks_gzipped(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, recover=True, remove_comments=True, remove_pis=True,
    )


def _root(data: bytes):
    try:
        root = etree.fromstring(data, _parser())
    except (etree.XMLSyntaxError, ValueError):
        return None
    return root


def _local(tag) -> str:
    return tag.rpartition("}")[2].lower() if isinstance(tag, str) else ""


def _text(el) -> str:
    """Text of an element without entity expansion (unexpanded entity references are dropped)."""
    parts = [el.text or ""]
    for child in el:
        if isinstance(child, etree._Entity):
            pass
        parts.append(child.tail or "")
    return "".join(parts).strip()


def parse_date(value: str | None) -> date | None:
    """W3C/ISO dates (sitemaps, Atom) and RFC 822 dates (RSS) to a date; None if unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value).date()
    except (TypeError, ValueError, IndexError):
        return None


def sniff_xml(data: bytes) -> str | None:
    """'sitemapindex', 'urlset', 'rss', 'atom' (or 'rdf'), or None for anything else."""
    head = data[:2048].lstrip().lower()
    if not head.startswith(b"<"):
        return None
    if b"<html" in head or b"<!doctype html" in head:
        return None
    root = _root(data)
    if root is None:
        return None
    name = _local(root.tag)
    if name in ("sitemapindex", "urlset", "rss"):
        return name
    if name == "feed":
        return "atom"
    if name == "rdf":
        return "rss"
    return None


def parse_sitemap(data: bytes) -> tuple[str | None, list[tuple[str, date | None]]]:
    """(kind, [(loc, lastmod)]) of a sitemap or sitemap index."""
    root = _root(data)
    if root is None:
        return None, []
    kind = _local(root.tag)
    if kind not in ("sitemapindex", "urlset"):
        return None, []
    out = []
    for el in root:
        if _local(el.tag) not in ("url", "sitemap"):
            continue
        loc = lastmod = None
        for child in el:
            name = _local(child.tag)
            if name == "loc":
                loc = _text(child)
            elif name == "lastmod":
                lastmod = parse_date(_text(child))
        if loc:
            out.append((loc, lastmod))
    return kind, out


def parse_feed(data: bytes) -> list[tuple[str, date | None]]:
    """[(link, published)] of an RSS 1/2 or Atom feed."""
    root = _root(data)
    if root is None:
        return []
    out = []
    for el in root.iter():
        name = _local(el.tag)
        if name not in ("item", "entry"):
            continue
        link = None
        published = None
        for child in el:
            cname = _local(child.tag)
            if cname == "link":
                href = child.get("href")
                rel = child.get("rel", "alternate")
                if href and rel == "alternate":
                    link = href.strip()
                elif not href and _text(child):
                    link = _text(child)
            elif cname == "guid" and link is None and child.get("isPermaLink", "true") != "false":
                text = _text(child)
                if text.startswith(("http://", "https://")):
                    link = text
            elif cname in ("pubdate", "published", "updated", "date") and published is None:
                published = parse_date(_text(child))
        if link:
            out.append((link, published))
    return out


__all__ = [
    "TooLarge", "address_refusal", "gunzip_capped", "looks_gzipped", "parse_date",
    "parse_feed", "parse_sitemap", "sniff_xml",
]
