"""Address refusal, capped gunzip and entity-free sitemap/feed parsing (no network, no server)."""
import gzip

import pytest

from pipeline.crawl.safety import (
    TooLarge, address_refusal, gunzip_capped, parse_date, parse_feed, parse_sitemap, sniff_xml,
)

REFUSED = ["127.0.0.1", "127.8.9.10", "::1", "10.0.0.8", "172.16.4.1", "192.168.1.20", "169.254.169.254",
           "0.0.0.0", "224.0.0.1", "::ffff:10.1.1.1", "fd00::1", "localhost", "intranet.local"]
ALLOWED = ["8.8.8.8", "203.113.130.1", "2001:4860:4860::8888"]


@pytest.mark.parametrize("host", REFUSED)
def test_private_addresses_are_refused(host):
    assert address_refusal(host, resolve=False)


@pytest.mark.parametrize("host", ALLOWED)
def test_public_addresses_pass(host):
    assert address_refusal(host, resolve=False) is None


def test_gunzip_is_capped():
    bomb = gzip.compress(b"\0" * 5_000_000)  # ~5 kB compressed
    with pytest.raises(TooLarge):
        gunzip_capped(bomb, 100_000)
    assert gunzip_capped(gzip.compress("chi bộ".encode() * 3), 1000) == "chi bộ".encode() * 3


ENTITY_FEED = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
 <!ENTITY ext SYSTEM "file:///etc/passwd">
 <!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<rss version="2.0"><channel><title>&c;</title>
<item><title>&c;</title><link>https://x.vn/tin/dang-bo-xa-hop-ban-123.html&ext;</link>
<pubDate>Tue, 05 Mar 2024 08:00:00 +0700</pubDate></item>
<item><link>https://x.vn/tin/chi-bo-sinh-hoat-124.html</link></item>
</channel></rss>"""


def test_feed_entities_are_not_expanded():
    items = parse_feed(ENTITY_FEED)
    assert [u for u, _ in items] == ["https://x.vn/tin/dang-bo-xa-hop-ban-123.html",
                                     "https://x.vn/tin/chi-bo-sinh-hoat-124.html"]
    assert items[0][1].isoformat() == "2024-03-05"
    assert sniff_xml(ENTITY_FEED) == "rss"


def test_atom_feed():
    atom = (b'<feed xmlns="http://www.w3.org/2005/Atom"><entry><link rel="alternate" href="https://x.vn/a-b-c-1.html"/>'
            b'<link rel="enclosure" href="https://x.vn/a.mp3"/><updated>2024-03-01T00:00:00Z</updated></entry></feed>')
    assert sniff_xml(atom) == "atom"
    assert parse_feed(atom)[0][0] == "https://x.vn/a-b-c-1.html"


def test_sitemap_and_index():
    idx = (b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>https://x.vn/s1.xml.gz</loc>'
           b"<lastmod>2024-01-02</lastmod></sitemap></sitemapindex>")
    kind, entries = parse_sitemap(idx)
    assert kind == "sitemapindex" and entries[0][0] == "https://x.vn/s1.xml.gz"
    urlset = b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> https://x.vn/a </loc></url></urlset>'
    assert parse_sitemap(urlset) == ("urlset", [("https://x.vn/a", None)])
    for junk in (b"", b"<html><body>x</body></html>", b"\x00\xff", b"<urlset"):
        assert sniff_xml(junk) in (None, "urlset")
        parse_sitemap(junk)
        parse_feed(junk)


@pytest.mark.parametrize("value,want", [
    ("2024-03-05", "2024-03-05"), ("2024-03-05T08:00:00+07:00", "2024-03-05"), ("2024-03-05T01:00:00Z", "2024-03-05"),
    ("Tue, 05 Mar 2024 08:00:00 +0700", "2024-03-05"), ("hôm qua", None), ("", None), (None, None),
])
def test_parse_date(value, want):
    got = parse_date(value)
    assert (got.isoformat() if got else None) == want
