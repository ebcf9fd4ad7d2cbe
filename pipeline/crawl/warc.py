"""WARC storage: size-rotated writer, crash recovery and the index of stored URLs.

Files are named ``<prefix>-<UTC time>-<seq>-<pid>.warc.gz``. A file being written
ends in ``.warc.gz.open`` (not read by ``pipeline extract``) and is renamed when it
is rotated or the crawl ends. Each article is a ``response`` record (HTTP status
line and headers as received, minus transfer/content encodings since the body is
stored decoded) followed by its ``request`` record, flushed together. After a
SIGKILL, ``recover`` cuts a ``.open`` file after its last complete record and
renames it, so a killed crawl loses at most the page being written.

The index (``load_index``) maps every stored page's canonical URL (and the URLs
that redirected to it) to its WARC-Date, Last-Modified, ETag and payload digest,
read from every WARC file under the output folder; it is what a resumed or later
crawl checks before fetching.
"""
from __future__ import annotations

import json
import logging
import os
import zlib
from dataclasses import dataclass
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from pipeline.crawl.urls import canonical_url

log = logging.getLogger(__name__)

OPEN_SUFFIX = ".open"
REDIRECTED_FROM = "X-Pipeline-Redirected-From"
DROP_HEADERS = {"content-encoding", "transfer-encoding", "content-length"}


@dataclass
class Stored:
    url: str
    date: str | None = None  # WARC-Date
    last_modified: str | None = None
    etag: str | None = None
    digest: str | None = None
    alias: str | None = None  # a URL that redirected to ``url``: indexed under it too


# ---------------------------------------------------------------- reading


def _warc_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(
        p for p in folder.rglob("*")
        if p.is_file()
        and p.name.lower().endswith((".warc", ".warc.gz"))
        and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    )


def _scan(path: Path) -> list[Stored]:
    """Stored pages (2xx responses) of one complete WARC file."""
    entries: list[Stored] = []
    try:
        with open(path, "rb") as fh:
            for record in ArchiveIterator(fh, check_digests=False):
                if record.rec_type != "response":
                    continue
                headers = record.rec_headers
                http = record.http_headers
                status = http.get_statuscode() if http else None
                url = headers.get_header("WARC-Target-URI")
                if not (url and status and status.startswith("2")):
                    continue
                meta = dict(
                    date=headers.get_header("WARC-Date"),
                    last_modified=http.get_header("Last-Modified"),
                    etag=http.get_header("ETag"),
                    digest=headers.get_header("WARC-Payload-Digest"),
                )
                entries.append(Stored(url=url, **meta))
                for src in (headers.get_header(REDIRECTED_FROM) or "").split():
                    entries.append(Stored(url=url, alias=src, **meta))
    except Exception as exc:  # noqa: BLE001 - a broken archive: keep what was read
        log.warning("%s: unreadable WARC data after %d pages: %s", path, len(entries), exc)
    return entries


def complete_members_end(path: Path) -> int:
    """Byte offset after the last complete gzip member (one member = one WARC record)."""
    end = pos = 0
    with open(path, "rb") as fh:
        data = fh.read()
    while pos < len(data):
        d = zlib.decompressobj(wbits=31)
        try:
            i = pos
            while not d.eof and i < len(data):
                d.decompress(data[i:i + 65536], 1 << 20)
                while d.unconsumed_tail and not d.eof:
                    d.decompress(d.unconsumed_tail, 1 << 20)
                i += 65536
        except zlib.error:
            break
        if not d.eof:
            break
        pos = len(data) - len(d.unused_data) if i >= len(data) else i - len(d.unused_data)
        end = pos
    return end


def recover(folder: Path) -> list[Path]:
    """Close ``.open`` files a killed crawl left: cut after the last complete record, rename."""
    done = []
    for p in sorted(folder.glob(f"*.warc.gz{OPEN_SUFFIX}")):
        end = complete_members_end(p)
        final = p.with_name(p.name[: -len(OPEN_SUFFIX)])
        if end == 0:
            p.unlink()
            continue
        if end < p.stat().st_size:
            log.warning("%s: cutting an incomplete record (%d -> %d bytes)", p, p.stat().st_size, end)
            with open(p, "r+b") as fh:
                fh.truncate(end)
        p.rename(final)
        done.append(final)
    return done


def load_index(folder: Path, cache: Path | None = None) -> dict[str, Stored]:
    """Canonical URL -> latest Stored entry, over every WARC file under ``folder``.

    ``cache`` (a JSON file) remembers each file's entries by size and mtime, so a
    large archive is not decompressed again on every start.
    """
    cached: dict = {}
    if cache and cache.is_file():
        try:
            cached = json.loads(cache.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
    fresh: dict = {}
    index: dict[str, Stored] = {}
    for path in _warc_files(folder):
        st = path.stat()
        key = str(path.resolve())
        sig = [st.st_size, st.st_mtime_ns]
        hit = cached.get(key)
        if hit and hit.get("sig") == sig:
            entries = [Stored(**e) for e in hit["entries"]]
        else:
            entries = _scan(path)
        fresh[key] = {"sig": sig, "entries": [e.__dict__ for e in entries]}
        for e in entries:
            canon = canonical_url(e.alias or e.url)
            if canon:
                old = index.get(canon)
                if old is None or (e.date or "") >= (old.date or ""):
                    index[canon] = e
    if cache:
        try:
            cache.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache.with_suffix(".tmp")
            tmp.write_text(json.dumps(fresh), encoding="utf-8")
            tmp.replace(cache)
        except OSError:
            pass
    return index


def stored_urls(folder: Path) -> list[str]:
    """Target URIs of every stored 2xx response under ``folder``, in file order (duplicates kept)."""
    urls = []
    for path in _warc_files(folder):
        entries = _scan(path)
        urls.extend(e.alias or e.url for e in entries if e.url)  # redirect sources included
    return urls


# ---------------------------------------------------------------- writing


def _http_date_now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class WarcStore:
    """Append-only WARC writer rotating files past ``max_bytes``."""

    def __init__(self, folder: Path, prefix: str = "crawl", max_bytes: int = 100 * 1024 * 1024,
                 warcinfo: dict | None = None):
        self.folder = Path(folder)
        self.prefix = prefix
        self.max_bytes = max_bytes
        self.warcinfo = warcinfo or {}
        self.fh = None
        self.path: Path | None = None
        self.writer: WARCWriter | None = None
        self.seq = 0
        self.written: list[Path] = []

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M%S")
        while True:
            self.seq += 1
            name = f"{self.prefix}-{stamp}-{self.seq:05d}-{os.getpid()}.warc.gz"
            final = self.folder / name
            if not final.exists() and not (self.folder / (name + OPEN_SUFFIX)).exists():
                break
        self.path = self.folder / (name + OPEN_SUFFIX)
        self.fh = open(self.path, "ab")
        self.writer = WARCWriter(self.fh, gzip=True)
        info = self.writer.create_warcinfo_record(name, dict(self.warcinfo))
        self.writer.write_record(info)
        self.fh.flush()

    def close(self) -> None:
        if self.fh is None:
            return
        self.fh.flush()
        os.fsync(self.fh.fileno())
        self.fh.close()
        final = self.path.with_name(self.path.name[: -len(OPEN_SUFFIX)])
        self.path.rename(final)
        self.written.append(final)
        self.fh = self.writer = self.path = None

    def write(self, *, url: str, status: int, reason: str, resp_headers: list[tuple[str, str]], body: bytes,
              req_method: str, req_headers: list[tuple[str, str]], fetched_at: str | None = None,
              ip: str | None = None, redirected_from: list[str] | None = None) -> None:
        if self.fh is None:
            self._open()
        date = fetched_at or _http_date_now()
        headers = [(k, v) for k, v in resp_headers if k.lower() not in DROP_HEADERS]
        headers.append(("Content-Length", str(len(body))))
        http = StatusAndHeaders(f"{status} {reason}".strip(), headers, protocol="HTTP/1.1")
        warc_headers = {"WARC-Date": date}
        if ip:
            warc_headers["WARC-IP-Address"] = ip
        if redirected_from:
            warc_headers[REDIRECTED_FROM] = " ".join(redirected_from)
        resp = self.writer.create_warc_record(
            url, "response", payload=BytesIO(body), length=len(body), http_headers=http,
            warc_headers_dict=warc_headers,
        )
        from urllib.parse import urlsplit

        parts = urlsplit(url)
        target = parts.path or "/"
        if parts.query:
            target += "?" + parts.query
        req_http = StatusAndHeaders(f"{req_method} {target} HTTP/1.1", [("Host", parts.netloc), *req_headers],
                                    is_http_request=True)
        req = self.writer.create_warc_record(
            url, "request", payload=BytesIO(b""), length=0, http_headers=req_http,
            warc_headers_dict={"WARC-Date": date,
                               "WARC-Concurrent-To": resp.rec_headers.get_header("WARC-Record-ID")},
        )
        self.writer.write_record(resp)
        self.writer.write_record(req)
        self.fh.flush()
        if self.fh.tell() >= self.max_bytes:
            self.close()


# ---------------------------------------------------------------- Scrapy item pipeline


@dataclass
class FetchedPage:
    """What the spider hands to the WARC pipeline: one article response."""

    response: object  # scrapy.http.Response
    canonical: str


class WarcPipeline:
    """Writes every FetchedPage to the crawl's WarcStore; drops pages past --max-pages
    (CLOSESPIDER_ITEMCOUNT stops the crawl; pages already in flight are dropped here)."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.stored = 0

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item):
        from scrapy.exceptions import DropItem

        spider = self.crawler.spider
        if not isinstance(item, FetchedPage):
            return item
        limit = spider.max_pages
        if limit is not None and self.stored >= limit:
            raise DropItem(f"--max-pages {limit} reached")
        r = item.response
        req = r.request
        spider.store.write(
            url=r.url,
            status=r.status,
            reason=_reason(r.status),
            resp_headers=_pairs(r.headers),
            body=r.body,
            req_method=req.method,
            req_headers=[(k, v) for k, v in _pairs(req.headers) if k.lower() != "cookie"],
            fetched_at=r.meta.get("fetched_at"),
            ip=str(r.ip_address) if getattr(r, "ip_address", None) else None,
            redirected_from=[u for u in r.meta.get("redirect_urls", []) if u != r.url] or None,
        )
        self.stored += 1
        spider.mark_stored(item.canonical, r)
        self.crawler.stats.inc_value("warc/stored")
        return {"url": r.url}

    def close_spider(self):
        self.crawler.spider.store.close()


def _pairs(headers) -> list[tuple[str, str]]:
    out = []
    for key, values in headers.items():
        k = key.decode("latin-1") if isinstance(key, bytes) else str(key)
        for v in values:
            out.append((k, v.decode("latin-1") if isinstance(v, bytes) else str(v)))
    return out


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


__all__ = ["FetchedPage", "Stored", "WarcPipeline", "WarcStore", "load_index", "recover", "stored_urls"]
