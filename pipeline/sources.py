"""Files and folders to pages: HTML, plain-text dumps, their gzip variants, WARC.

``iter_pages`` yields a ``Page`` for every page it can read and a ``PageError``
for every file or record it cannot, so one broken input never stops a run.
"""
from __future__ import annotations

import gzip
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline import settings
from pipeline.decode import charset_from_content_type, writable

HTML_SUFFIXES = (".html", ".htm", ".xhtml")
TEXT_SUFFIXES = (".txt",)
WARC_SUFFIXES = (".warc", ".warc.gz")


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


def source_name(path: Path | str) -> str:
    """The path as the text stored for it (``source``, ``.state/files.json``): valid
    Unicode even when the file system name is not UTF-8 (``decode.writable``)."""
    return writable(os.fspath(path))


def kind_of(path: Path) -> str | None:
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


def _supported_files(folder: str) -> Iterator[str]:
    """The supported files under ``folder``, unsorted: hidden files and folders are
    left out, symlinked files are followed, symlinked folders are not entered (as
    ``Path.rglob`` does), unreadable folders are skipped. ``os.scandir`` knows which
    entries are files from the folder listing itself: no ``stat`` per file."""
    try:
        with os.scandir(folder) as listing:
            entries = list(listing)
    except OSError:
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                yield from _supported_files(entry.path)
            elif entry.is_file() and kind_of(Path(entry.name)):
                yield entry.path
        except OSError:
            continue


def discover(paths: Iterable[Path | str]) -> tuple[list[Path], list[PageError]]:
    """The supported files under ``paths``, sorted; errors for paths that are not."""
    files: list[Path] = []
    errors: list[PageError] = []
    for p in map(Path, paths):
        if p.is_dir():
            # sorted as paths are (part by part), so "a/b" comes before "a-b"
            files.extend(Path(f) for f in sorted(_supported_files(str(p)), key=lambda f: f.split(os.sep)))
        elif p.is_file():
            if kind_of(p):
                files.append(p)
            else:
                errors.append(PageError(source_name(p), "read", "unsupported file type (want .html, .htm, .txt, .gz of those, .warc, .warc.gz)"))
        else:
            errors.append(PageError(source_name(p), "read", "no such file or folder"))
    return files, errors


def _read_capped(stream, source: str) -> bytes:
    data = stream.read(settings.MAX_PAGE_BYTES + 1)
    if len(data) > settings.MAX_PAGE_BYTES:
        raise ValueError(f"page larger than {settings.MAX_PAGE_BYTES} bytes")
    return data


def read_file(path: Path) -> bytes:
    """The file's bytes, gunzipped when it ends in ``.gz``; size capped."""
    if path.name.lower().endswith(".gz"):
        with gzip.open(path, "rb") as fh:
            return _read_capped(fh, str(path))
    with open(path, "rb") as fh:
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


def pages_of(path: Path) -> Iterator[Page | PageError]:
    kind = kind_of(path)
    if kind == "warc":
        yield from _warc_pages(path)
        return
    try:
        data = read_file(path)
    except (OSError, EOFError, zlib.error, ValueError) as exc:
        reason = str(exc) or type(exc).__name__
        if isinstance(exc, (EOFError, zlib.error, gzip.BadGzipFile)):
            reason = f"broken gzip data: {reason}"
        yield PageError(source_name(path), "read", reason)
        return
    yield Page(source=source_name(path), data=data, kind=kind or "txt")


def iter_pages(paths: Iterable[Path | str]) -> Iterator[Page | PageError]:
    files, errors = discover(paths)
    yield from errors
    for f in files:
        yield from pages_of(f)


__all__ = ["Page", "PageError", "discover", "iter_pages", "pages_of", "read_file", "kind_of"]
