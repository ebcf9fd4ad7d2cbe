"""Source URLs for page files saved without theirs (text dumps, HTML saved by hand).

A URL table is a TSV or CSV file with a header: a ``url`` column and a ``file`` column
(a path relative to the table's folder, or absolute) or an ``id`` column (a file name
without its suffixes: ``101`` names ``101.txt`` and ``101.html.gz``). A page's URL gives
the article its ``url``, ``site`` and ``article_id``, and the province of a site that
names one; a page that carries its own (a WARC record, ``og:url``) keeps it.
"""
from __future__ import annotations

import csv
import os
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.decode import printable

KEY_COLUMNS = ("file", "path", "id")  # the first present names the file of each row
PAGE_SUFFIXES = (".gz", ".txt", ".html", ".htm", ".xhtml")


class UrlTableError(ValueError):
    """A URL table that cannot be used: one line naming the file and the problem."""


@dataclass
class UrlTable:
    """URL by resolved path, by file name and by id, as the table's rows name them."""

    source: str
    by_path: dict[str, str] = field(default_factory=dict)
    by_name: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)  # the rows' keys that named a page file
    rows: int = 0

    def url_of(self, path: Path | str) -> str | None:
        path = Path(path)
        for key, table in ((_resolved(path), self.by_path), (path.name, self.by_name), (page_id(path.name), self.by_name)):
            if key in table:
                self.used.add(key)
                return table[key]
        return None

    def unused_line(self) -> str:
        """``urls.tsv: 3 of 70 rows name no page file of the input``, or ""."""
        unused = self.rows - len(self.used)
        return f"{self.source}: {unused} of {self.rows} rows name no page file of the input" if unused > 0 else ""


def page_id(name: str) -> str:
    """A file name without its page suffixes: ``101.txt.gz`` -> ``101``."""
    stem = name
    while stem.lower().endswith(PAGE_SUFFIXES):
        stem = stem[: stem.lower().rfind(".")]
    return stem


def _resolved(path: Path) -> str:
    return os.path.realpath(path)


def read_url_table(path: Path | str) -> UrlTable:
    """The table at ``path``; ``UrlTableError`` when it cannot be read or lacks its columns."""
    path = Path(path)
    where = printable(os.fspath(path))
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise UrlTableError(f"{where}: cannot read the URL table: {getattr(exc, 'strerror', None) or exc}") from exc
    lines = text.splitlines()
    if not lines:
        raise UrlTableError(f"{where}: the URL table is empty (want a header with url and file or id)")
    delimiter = "\t" if "\t" in lines[0] else ","
    reader = csv.DictReader(lines, delimiter=delimiter)
    columns = [c.strip().lower() for c in reader.fieldnames or []]
    key_column = next((c for c in KEY_COLUMNS if c in columns), None)
    if "url" not in columns or key_column is None:
        raise UrlTableError(f"{where}: the URL table's header needs a url column and a file or id column "
                            f"(has: {', '.join(columns) or 'nothing'})")
    table = UrlTable(source=where)
    for n, raw in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "").strip() for k, v in raw.items() if isinstance(v, str)}
        key, url = row.get(key_column, ""), row.get("url", "")
        if not key and not url:
            continue
        if not key or not url.lower().startswith(("http://", "https://")):
            raise UrlTableError(f"{where}: line {n}: want {key_column} and an http(s) URL, got {key!r} and {url!r}")
        table.rows += 1
        if key_column == "id":
            table.by_name[key] = url
        else:
            target = Path(key) if os.path.isabs(key) else path.parent / key
            table.by_path[_resolved(target)] = url
    return table
