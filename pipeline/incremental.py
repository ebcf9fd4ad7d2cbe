"""What a run has to do: a ``Plan`` from the input, the committed index and the code key.

A page whose (source, content hash, code key) is committed already is not processed
again; a file whose signature (size, mtime, inode, ctime) is the one the last run
recorded, every page of it committed by this code, is not even read. The plan yields the
pages to do in input order and keeps, for every page of the input, its place in that
order and the batch that holds its rows (``live``): publishing takes exactly those, so
pages no longer in the input are dropped, as are the batches only they used.
"""
from __future__ import annotations

import hashlib
import json
import os
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path

from pipeline import settings
from pipeline.decode import printable
from pipeline.sources import Listing, Page, PageError, pages_of, source_name
from pipeline.url_table import UrlTable


def code_key() -> str:
    """What a page's rows depend on besides its bytes: pipeline version + code digest.

    The digest covers every code and data file of the package (patterns, tables,
    the classifier model), so an incremental run after any change to them
    recomputes every page; ``settings.PIPELINE_VERSION`` names the release.
    The environment variable ``PIPELINE_CODE_KEY`` replaces the digest (to pin
    it, e.g. in tests while the code is being edited).
    """
    pinned = os.environ.get("PIPELINE_CODE_KEY")
    if pinned:
        return f"{settings.PIPELINE_VERSION}+{pinned}"
    return _code_digest()


@lru_cache(maxsize=1)
def _code_digest() -> str:
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts or path.suffix in (".pyc", ".tmp"):
            continue
        digest.update(str(path.relative_to(root)).encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{settings.PIPELINE_VERSION}+{digest.hexdigest()[:16]}"


def content_hash(page: Page) -> str:
    """What decides whether a page read again is new: its bytes and its URL."""
    digest = hashlib.sha256(page.data)
    if page.url:
        digest.update(b"\0url:" + page.url.encode())
    return digest.hexdigest()


class NoPages(RuntimeError):
    """The input holds no page at all: nothing is processed, published or deleted."""

    def __init__(self, paths, listing: Listing):
        where = ", ".join(printable(os.fspath(p)) for p in paths)
        found = [f"{len(listing.errors)} unreadable" if listing.errors else "", listing.skipped_line()]
        super().__init__(f"no pages in {where}" + (f" ({'; '.join(x for x in found if x)})" if any(found) else "")
                         + "; the dataset is left as it was")
        self.errors = listing.errors


class InputShrank(RuntimeError):
    """The input has far fewer pages than the last run's: refused unless allowed."""

    def __init__(self, before: int, now: int):
        super().__init__(
            f"the input has {now} pages, the last run had {before}: publishing would delete the rows of "
            f"{before - now} pages; nothing published (give --allow-shrink if the pages were removed on purpose)"
        )


def check_shrink(out_dir: Path, pages: int) -> None:
    """Raise InputShrank when ``pages`` is below ``settings.MAX_INPUT_SHRINK`` of the last
    published run's input pages (``dataset.json``)."""
    from pipeline.store import DATASET_FILE

    try:
        previous = int(json.loads((Path(out_dir) / DATASET_FILE).read_text(encoding="utf-8"))["input_pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    if previous and pages < previous * (1 - settings.MAX_INPUT_SHRINK):
        raise InputShrank(previous, pages)


class Plan:
    """The pages of ``listing`` to process, given what ``store`` has committed under ``key``.

    ``todo()`` yields them (unreadable pages first, then files in input order); pages it
    skips as unchanged are passed to ``on_skip(source)``. ``live`` then holds every page of
    the input: source -> [input order, batch, error rows]; ``commit`` and ``done`` fill in
    the pages processed.
    """

    def __init__(self, listing: Listing, store, key: str, force: bool = False,
                 on_skip: Callable[[str], None] | None = None, urls: UrlTable | None = None):
        self.listing = listing
        self.urls = urls
        self.key = key
        self.index = {} if force else store.index()  # source -> (content_hash, key, batch, n_errors)
        self.known_files = {} if force else store.files()  # path -> (signature, sources)
        self.on_skip = on_skip
        self.pages = 0  # pages of the input so far
        self.skipped = 0  # of them, unchanged since an earlier run
        self.live: dict[str, list] = {}
        self.hashes: dict[str, str | None] = {}  # content hash of the pages in flight
        self.seen_files: dict[str, tuple[list[int], list[str]]] = {}  # what files.json will hold
        self.warnings = store.warnings  # the run's summary prints them
        self.kept_unreadable = 0  # files that could not be read, whose pages keep their rows
        self._signatures: dict[Path, list[int] | None] = {}

    # -- what there is to do ---------------------------------------------------
    def nothing_to_process(self) -> bool:
        """Is every file unchanged since the last run (by its signature alone, nothing
        read)? Then at most the input's unreadable pages are processed, which need no
        model: the run loads none and starts no worker."""
        return all(self._unchanged(path, self._signature(path)) is not None for path in self.listing.files)

    def todo(self) -> Iterator[Page | PageError]:
        yield from self._unreadable_first()
        for error in self.listing.errors:
            if error.folder:
                self._keep_under(error.source)
        for path in self.listing.files:
            sig = self._signature(path)
            sources = self._unchanged(path, sig)
            if sources is not None:  # not read: every page of it is committed as it is
                for source in sources:
                    self.pages += 1
                    self._skip(source, self.index[source])
                self.seen_files[source_name(path)] = (sig, sources)
                continue
            mine: list[str] | None = []
            for item in pages_of(path, self._url(path)):
                if isinstance(item, PageError) and item.unreadable and self._keep_unreadable(path, item):
                    mine = None  # its memory stays the last run's
                    break
                if isinstance(item, PageError):
                    mine = None  # read again next time
                elif mine is not None:
                    mine.append(item.source)
                if item.source in self.live:
                    continue  # the same page named twice in the input
                self.pages += 1
                chash = content_hash(item) if isinstance(item, Page) else None
                prev = self.index.get(item.source)
                if chash is not None and prev is not None and prev[0] == chash and prev[1] == self.key:
                    self._skip(item.source, prev)
                    continue
                self.live[item.source] = [self.pages, None, 0]
                self.hashes[item.source] = chash
                yield item
            if sig is not None and mine is not None:
                self.seen_files[source_name(path)] = (sig, mine)

    def _url(self, path: Path) -> str | None:
        return self.urls.url_of(path) if self.urls is not None else None

    def _signature(self, path: Path) -> list[int] | None:
        """``file_signature``, and the checksum of the file's URL from the URL table, if any."""
        from pipeline.store import file_signature

        if path not in self._signatures:
            try:
                sig = file_signature(path)
            except OSError:
                sig = None
            url = self._url(path)
            self._signatures[path] = sig + [zlib.crc32(url.encode())] if sig is not None and url else sig
        return self._signatures[path]

    def _unchanged(self, path: Path, sig: list[int] | None) -> list[str] | None:
        """The sources of a file the last run saw with this signature, all committed by this code."""
        known = self.known_files.get(source_name(path))
        if sig is None or known is None or known[0] != sig:
            return None
        sources = known[1]
        if any(s in self.live or s not in self.index or self.index[s][1] != self.key or self.index[s][0] is None
               for s in sources):
            return None
        return sources

    def _skip(self, source: str, prev: tuple) -> None:
        self.live[source] = [self.pages, prev[2], prev[3]]
        self.skipped += 1
        if self.on_skip:
            self.on_skip(source)

    def _keep_under(self, folder: str) -> None:
        """The pages of a folder that could not be listed keep their committed rows."""
        prefix = folder.rstrip(os.sep) + os.sep
        for source, prev in self.index.items():
            if source.startswith(prefix) and source not in self.live and prev[0] is not None:
                self.pages += 1
                self._skip(source, prev)
        self.seen_files.update((f, v) for f, v in self.known_files.items() if f.startswith(prefix))

    def _keep_unreadable(self, path: Path, error: PageError) -> bool:
        """A file the system would not read (``chmod 000``, an I/O error) whose pages the
        last run committed: they keep their rows, with one warning, and the run exits 1."""
        known = self.known_files.get(source_name(path))
        if known is None or not known[1]:
            return False
        sources = known[1]
        if any(s in self.live or s not in self.index or self.index[s][0] is None for s in sources):
            return False
        for source in sources:
            self.pages += 1
            self._skip(source, self.index[source])
        self.seen_files[source_name(path)] = known
        self.kept_unreadable += 1
        self.warnings.append(f"{error.source}: unreadable ({error.error}): its {len(sources)} page(s) "
                             "keep the rows of the last run")
        return True

    def _unreadable_first(self) -> Iterator[PageError]:
        for item in self.listing.errors:
            if item.source in self.live:
                continue
            self.pages += 1
            self.live[item.source] = [self.pages, None, 0]
            self.hashes[item.source] = None
            yield item

    # -- what was done -----------------------------------------------------------
    def done(self, source: str, n_errors: int, retry: bool) -> dict:
        """The committed record of a page processed (``store.PAGES``); a page without a
        hash is processed again by the next run (as an unreadable one is read again)."""
        self.live[source][2] = n_errors
        chash = self.hashes.pop(source, None)
        return {"source": source, "content_hash": None if retry else chash, "key": self.key, "n_errors": n_errors}

    def committed(self, sources, batch: str) -> None:
        for source in sources:
            self.live[source][1] = batch

    def published(self) -> list[tuple[str, int, str]]:
        """(source, input order, batch) of every page of the input."""
        return [(src, order, batch) for src, (order, batch, _n) in self.live.items()]

    def live_batches(self) -> set[str]:
        return {batch for _o, batch, _n in self.live.values()}

    def failed_sources(self) -> int:
        return sum(1 for _o, _b, n in self.live.values() if n) + self.kept_unreadable
