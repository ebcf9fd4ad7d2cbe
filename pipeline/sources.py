"""Files and folders to pages: HTML, plain-text dumps, their gzip variants, WARC.

``iter_pages`` yields a ``Page`` for every page it can read and a ``PageError``
for every file or record it cannot, so one broken input never stops a run.
"""
from __future__ import annotations

import errno
import gzip
import io
import os
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline import settings
from pipeline.decode import charset_from_content_type, writable

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt",)
WARC_SUFFIXES = (".warc", ".warc.gz")
# names that say "no page" (documents, data, media, code): skipped by name, unread; any
# other name (.php, .aspx, .shtml, none) is read and its first bytes decide
NOT_PAGE_SUFFIXES = frozenset(
    ".pdf .doc .docx .odt .rtf .xls .xlsx .ods .csv .tsv .ppt .pptx .json .xml .rss .atom .md .rst .yml .yaml"
    " .toml .ini .cfg .log .js .mjs .css .map .py .sh .jpg .jpeg .png .gif .webp .svg .ico .bmp .tif .tiff"
    " .mp3 .mp4 .m4a .wav .webm .avi .mov .zip .rar .7z .tar .tgz .bz2 .xz .woff .woff2 .ttf .otf .eot .exe".split()
)
# first bytes of files that are no page whatever their name
NOT_PAGE_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"RIFF", b"%!PS", b"{\\rtf",
                  b"\xd0\xcf\x11\xe0", b"Rar!", b"7z\xbc\xaf")


@dataclass(frozen=True)
class Page:
    source: str  # file path; "<path>#<WARC-Record-ID>" for a WARC record
    data: bytes
    kind: str  # "html" | "txt"
    url: str | None = None
    fetched_at: datetime | None = None
    charset: str | None = None  # from the HTTP Content-Type header, when known


@dataclass(frozen=True)
class PageError:
    source: str
    stage: str
    error: str
    folder: bool = False  # a folder that could not be listed: the rows of its pages stay
    unreadable: bool = False  # a file the system would not read (permissions, I/O): the rows of its pages stay


def source_name(path: Path | str) -> str:
    """The path as the text stored for it (``source``, ``.state/files.json``): valid
    Unicode even when the file system name is not UTF-8 (``decode.writable``)."""
    return writable(os.fspath(path))


def kind_of(path: Path) -> str | None:
    """The kind a file's name says: "warc", "html", "txt", or None."""
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(".gz"):
        name = name[:-3]
    if name.endswith(HTML_SUFFIXES):
        return "html"
    if name.endswith(TEXT_SUFFIXES):
        return "txt"
    return None


def sniff_kind(head: bytes) -> str | None:
    """The kind of a file whose name says nothing (``.php``, ``.aspx``, no extension),
    from its first bytes: a WARC, HTML, or Vietnamese/plain text; None for anything else."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = gzip.GzipFile(fileobj=io.BytesIO(head)).read(SNIFF_BYTES)
        except (OSError, EOFError, zlib.error):
            pass  # the head of a larger gzip: what it holds so far is sniffed below
        else:
            return sniff_kind(head) if not head.startswith(b"\x1f\x8b") else None
    if head.startswith(b"WARC/"):
        return "warc"
    if head.startswith(NOT_PAGE_MAGIC):
        return None
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(HTML_STARTS) or any(tag in start[:SNIFF_BYTES] for tag in (b"<html", b"<body", b"<head")):
        return "html"
    if b"\x00" in head or not start or start[:1] in b"{[":  # binary, empty, JSON
        return None
    text = head.decode("utf-8", errors="replace")
    letters = sum(ch.isalpha() for ch in text)
    return "txt" if text.count("\ufffd") <= len(text) // 50 and letters >= len(text) // 3 else None


SNIFF_BYTES = 4096
HTML_STARTS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<!--", b"<?xml version")


def _sniffed_kind(path: str) -> str | None:
    with open(path, "rb") as fh:
        head = fh.read(SNIFF_BYTES)
    kind = sniff_kind(head)
    if kind == "html" and head.lstrip().lower().startswith(b"<?xml") and b"<html" not in head.lower():
        return None  # a sitemap or feed, not a page
    return kind


@dataclass
class Listing:
    """What ``discover`` found: the page files, errors for paths it could not read,
    and what it left out, by reason (``hidden``, ``not a page: .pdf``)."""

    files: list[Path]
    errors: list[PageError]
    skipped: Counter

    def __iter__(self):  # files, errors = discover(...)
        return iter((self.files, self.errors))

    def skipped_line(self) -> str:
        """``skipped: 12 (not a page: 9 .pdf, 3 .json; 2 hidden)``, or "" when nothing was."""
        not_pages = sorted(((r[len(NOT_A_PAGE):], n) for r, n in self.skipped.items() if r.startswith(NOT_A_PAGE)),
                           key=lambda kv: (-kv[1], kv[0]))
        parts = [NOT_A_PAGE + ", ".join(f"{n} {ext}" for ext, n in not_pages)] if not_pages else []
        parts += [f"{n} {r}" for r, n in sorted(self.skipped.items()) if not r.startswith(NOT_A_PAGE)]
        return f"skipped: {sum(self.skipped.values())} ({'; '.join(parts)})" if parts else ""


NOT_A_PAGE = "not a page: "


def _walk(folder: str, listing: Listing) -> Iterator[str]:
    """The page files under ``folder``, unsorted, without recursion (a mirrored crawler
    trap nests folders thousands deep): symlinked files are followed, symlinked folders
    not entered (as ``Path.rglob``), hidden names left out; what is left out is counted,
    and a folder that cannot be listed, a broken or looping link and a FIFO are errors."""
    stack = [folder]
    while stack:
        current = stack.pop()
        try:
            with os.scandir(current) as it:
                entries = list(it)
        except OSError as exc:
            listing.errors.append(PageError(source_name(current), "read", f"unreadable folder: {exc.strerror or exc}", folder=True))
            continue
        for entry in entries:
            what, reason = ("skip", "hidden") if entry.name.startswith(".") else _entry_kind(entry)
            if what == "folder":
                stack.append(entry.path)
            elif what == "file":
                yield from _page_or_skip(entry.path, listing)
            elif what == "skip":
                listing.skipped[reason] += 1
            else:
                listing.errors.append(PageError(source_name(entry.path), "read", reason))


def _entry_kind(entry: os.DirEntry) -> tuple[str, str]:
    """("folder" | "file" | "skip" | "error", why) of one folder entry."""
    try:
        if entry.is_dir(follow_symlinks=False):
            return "folder", ""
        if entry.is_file():
            return "file", ""
        if entry.is_symlink():
            if entry.is_dir():
                return "skip", "symlinked folders (not entered)"
            looping = os.path.lexists(os.path.realpath(entry.path))
            return "error", "symbolic link loop" if looping else "broken symbolic link"
        return "error", "not a regular file (a FIFO, socket or device)"
    except OSError as exc:
        return "error", "symbolic link loop" if exc.errno == errno.ELOOP else f"unreadable: {exc.strerror or exc}"


def _page_or_skip(path: str, listing: Listing) -> Iterator[str]:
    if kind_of(Path(path)):
        yield path
        return
    suffix = os.path.splitext(path)[1].lower()
    if suffix in NOT_PAGE_SUFFIXES:
        listing.skipped[NOT_A_PAGE + suffix] += 1
        return
    try:
        kind = _sniffed_kind(path)
    except OSError as exc:
        listing.errors.append(PageError(source_name(path), "read", exc.strerror or str(exc)))
        return
    if kind:
        yield path
    else:
        listing.skipped[NOT_A_PAGE + (Path(path).suffix.lower() or "(no extension)")] += 1


def discover(paths: Iterable[Path | str]) -> Listing:
    """The page files under ``paths``, sorted; errors for paths that are not, and what was left out."""
    listing = Listing([], [], Counter())
    for p in map(Path, paths):
        if p.is_dir():
            # sorted as paths are (part by part), so "a/b" comes before "a-b"
            found = sorted(_walk(str(p), listing), key=lambda f: f.split(os.sep))
            listing.files.extend(Path(f) for f in found)
        elif p.is_file():
            if kind_of(p) or (p.suffix.lower() not in NOT_PAGE_SUFFIXES and _sniffed_kind(str(p))):
                listing.files.append(p)
            else:
                listing.errors.append(PageError(source_name(p), "read", "not a page (want HTML, text, their .gz, or WARC)"))
        else:
            listing.errors.append(PageError(source_name(p), "read", "no such file or folder"))
    listing.errors.sort(key=lambda e: e.source.split(os.sep))
    return listing


def _read_capped(stream, source: str) -> bytes:
    data = stream.read(settings.MAX_PAGE_BYTES + 1)
    if len(data) > settings.MAX_PAGE_BYTES:
        raise ValueError(f"page larger than {settings.MAX_PAGE_BYTES} bytes")
    return data


def read_file(path: Path) -> bytes:
    """The file's bytes, gunzipped when it ends in ``.gz`` or is gzip under another name
    (a mirrored ``bai-12`` saved compressed); size capped."""
    with open(path, "rb") as fh:
        gzipped = path.name.lower().endswith(".gz") or fh.read(2) == b"\x1f\x8b"
        fh.seek(0)
        if gzipped:
            with gzip.GzipFile(fileobj=fh) as unzipped:
                return _read_capped(unzipped, str(path))
        return _read_capped(fh, str(path))


def _warc_pages(path: Path) -> Iterator[Page | PageError]:
    from warcio.archiveiterator import ArchiveIterator

    n_records = 0
    try:
        with open(path, "rb") as fh:
            records = ArchiveIterator(fh)
            for record in records:
                n_records += 1
                if record.rec_type != "response":
                    continue
                rid = record.rec_headers.get_header("WARC-Record-ID") or f"offset-{records.get_record_offset()}"
                source = f"{source_name(path)}#{rid.strip('<>')}"
                ctype = record.http_headers.get_header("Content-Type") if record.http_headers else None
                if ctype and "html" not in ctype.lower():
                    continue
                try:
                    data = _read_capped(record.content_stream(), source)
                except Exception as exc:  # noqa: BLE001 - one record, reported
                    yield PageError(source, "read", f"unreadable WARC record: {exc}")
                    continue
                missing = getattr(record.raw_stream, "limit", 0) or 0
                if missing > 0:  # the archive ends inside this record
                    yield PageError(source, "read", f"truncated WARC record: {missing} of its {record.length} bytes missing")
                    continue
                fetched = None
                wdate = record.rec_headers.get_header("WARC-Date")
                if wdate:
                    try:
                        fetched = datetime.fromisoformat(wdate.replace("Z", "+00:00"))
                    except ValueError:
                        fetched = None
                yield Page(
                    source=source,
                    data=data,
                    kind="html",
                    url=record.rec_headers.get_header("WARC-Target-URI"),
                    fetched_at=fetched,
                    charset=charset_from_content_type(ctype),
                )
    except Exception as exc:  # noqa: BLE001 - a corrupt archive: keep what was read
        # warcio meets malformed headers (a response record without WARC-Target-URI,
        # say) with AttributeError/TypeError from inside its parser: say where, not how
        what = "malformed record headers" if isinstance(exc, (AttributeError, TypeError, KeyError, IndexError)) else type(exc).__name__
        yield PageError(source_name(path), "read", f"corrupt WARC archive after {n_records} good record(s): {what}: {exc}")


def pages_of(path: Path, url: str | None = None) -> Iterator[Page | PageError]:
    """The pages of a file: one, or a WARC's records; ``url`` is a page file's source URL."""
    try:
        kind = kind_of(path) or _sniffed_kind(str(path))
    except OSError as exc:
        yield PageError(source_name(path), "read", exc.strerror or str(exc), unreadable=True)
        return
    if kind == "warc":
        yield from _warc_pages(path)
        return
    try:
        data = read_file(path)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        reason = str(exc) or type(exc).__name__
        damaged = isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile, ValueError))
        if damaged and not isinstance(exc, ValueError):
            reason = f"broken gzip data: {reason}"
        elif not damaged:
            reason = exc.strerror or reason
        yield PageError(source_name(path), "read", reason, unreadable=not damaged)
        return
    yield Page(source=source_name(path), data=data, kind=kind or "txt", url=url)


def iter_pages(paths: Iterable[Path | str]) -> Iterator[Page | PageError]:
    files, errors = discover(paths)
    yield from errors
    for f in files:
        yield from pages_of(f)


__all__ = ["Listing", "Page", "PageError", "discover", "iter_pages", "pages_of", "read_file", "kind_of", "sniff_kind"]
