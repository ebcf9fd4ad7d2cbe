"""One pure function from a page to rows, and the loop that runs it over a corpus.

``process_page`` turns one ``Page`` into rows for every table (or an error row):
decode → normalise → clean → tokenize once into a Doc → components. ``extract``
runs it over files and folders and writes the dataset.
"""
from __future__ import annotations

import hashlib
import re
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import urlsplit

from pipeline import settings
from pipeline.clean import clean_page
from pipeline.decode import DecodeError, decode, normalize
from pipeline.schema import EXTRACTION_TABLES
from pipeline.sources import Page, PageError, iter_pages


class StageError(Exception):
    def __init__(self, stage: str, message: str):
        super().__init__(message)
        self.stage = stage
        self.message = message


@dataclass
class PageResult:
    source: str
    rows: dict[str, list[dict]] = field(default_factory=dict)  # table -> rows
    errors: list[dict] = field(default_factory=list)  # rows of the errors table

    @property
    def ok(self) -> bool:
        return not self.errors


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def article_id_for(url: str | None, text: str) -> str:
    """Stable id: a hash of the URL, else of the normalised content."""
    key = url.strip() if url else "text:" + re.sub(r"\s+", " ", text).strip()
    return _hash(key)[:16]


def site_of(url: str | None, fallback: str | None = None) -> str | None:
    if url:
        host = urlsplit(url).hostname
        if host:
            return host.removeprefix("www.")
    return fallback


def error_row(source: str, stage: str, message: str, now: datetime | None = None) -> dict:
    return {
        "source": source,
        "stage": stage,
        "error": message,
        "pipeline_version": settings.PIPELINE_VERSION,
        "processed_at": now or datetime.now(timezone.utc),
    }


def _run_components(nlp, text: str, meta: dict, errors: list[str]):
    """Tokenize once, then every component; a failing component is reported, not fatal."""
    try:
        doc = nlp.make_doc(text)
    except Exception as exc:  # noqa: BLE001
        raise StageError("tokenize", f"{type(exc).__name__}: {exc}") from exc
    doc._.meta = meta
    for name, proc in nlp.pipeline:
        try:
            doc = proc(doc)
        except Exception as exc:  # noqa: BLE001 - one component, one error row
            doc._.rows[name] = []
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
    return doc


def process_page(page: Page, nlp, now: datetime | None = None) -> PageResult:
    """Every row one page yields; never raises for bad input."""
    from pipeline.nlp import tokenized_text, word_count

    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    result = PageResult(source=page.source)
    try:
        try:
            raw_text, _charset = decode(page.data, page.charset, html=page.kind == "html")
        except DecodeError as exc:
            raise StageError("decode", str(exc)) from exc
        text = normalize(raw_text)
        try:
            cleaned = clean_page(text, page.kind, page.url)
        except Exception as exc:  # noqa: BLE001
            raise StageError("clean", f"{type(exc).__name__}: {exc}") from exc
        if len(cleaned.text) < settings.MIN_TEXT_CHARS:
            raise StageError(
                "clean",
                f"no main text ({len(cleaned.text)} characters left after boilerplate removal)",
            )
        article_id = article_id_for(page.url, cleaned.text)
        meta = {
            "article_id": article_id,
            "published_date": cleaned.published_date,
            "title": cleaned.title,
            "url": page.url,
            "site": site_of(page.url, cleaned.site),
        }
        component_errors: list[str] = []
        doc = _run_components(nlp, cleaned.text, meta, component_errors)
    except StageError as exc:
        result.errors.append(error_row(page.source, exc.stage, exc.message, now))
        return result

    for message in component_errors:
        result.errors.append(error_row(page.source, "extract", message, now))
    cls = doc._.classification or {}
    result.rows["articles"] = [
        {
            "article_id": article_id,
            "source": page.source,
            "url": page.url,
            "site": meta["site"],
            "title": cleaned.title,
            "published_date": cleaned.published_date,
            "author": cleaned.author,
            "views": cleaned.views,
            "text": cleaned.text,
            "text_tokenized": tokenized_text(doc),
            "n_sentences": sum(1 for _ in doc.sents),
            "n_words": word_count(doc),
            "content_hash": hashlib.sha256(page.data).hexdigest(),
            "fetched_at": page.fetched_at,
            **{k: cls.get(k) for k in ("topic", "topics", "topic_scores", "genre", "is_party_building", "topic_evidence")},
            **{k: doc._.meta.get(k) for k in ("province", "province_current", "province_evidence")},
            "pipeline_version": settings.PIPELINE_VERSION,
            "processed_at": now,
        }
    ]
    for table in EXTRACTION_TABLES:
        result.rows[table] = [{"article_id": article_id, **row} for row in doc._.rows.get(table, [])]
    return result


@dataclass
class RunSummary:
    pages: int = 0
    articles: int = 0
    errors: int = 0
    failed_sources: int = 0
    seconds: float = 0.0
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def exit_code(self) -> int:
        return 1 if self.failed_sources else 0

    def line(self) -> str:
        return (
            f"pages read: {self.pages}, articles written: {self.articles}, "
            f"errors: {self.errors}, seconds: {self.seconds:.1f}"
        )


def iter_results(paths: Iterable[Path | str], nlp) -> Iterator[PageResult]:
    for item in iter_pages(paths):
        if isinstance(item, PageError):
            yield PageResult(source=item.source, errors=[error_row(item.source, item.stage, item.error)])
        else:
            yield process_page(item, nlp)


def extract(
    paths: Iterable[Path | str],
    out_dir: Path | str,
    nlp=None,
    on_result: Callable[[PageResult], None] | None = None,
    batch_pages: int = 200,
) -> RunSummary:
    """Process ``paths`` into the Parquet tables of ``out_dir``."""
    from pipeline.nlp import build_nlp
    from pipeline.store import DatasetWriter, SchemaError, to_table

    started = time.perf_counter()
    nlp = nlp or build_nlp()
    summary = RunSummary()
    writer = DatasetWriter(Path(out_dir))
    seen_ids: set[str] = set()
    try:
        for n, result in enumerate(iter_results(paths, nlp), 1):
            summary.pages += 1
            if result.errors:
                summary.errors += len(result.errors)
                summary.failed_sources += 1
                writer.add("errors", result.errors)
            articles = result.rows.get("articles", [])
            if articles and articles[0]["article_id"] in seen_ids:
                # the same article twice in one corpus (a page and its copy): keep the first
                articles = []
            if articles:
                try:  # validate the page's rows before any of them is buffered
                    tables = {t: to_table(t, rows) for t, rows in result.rows.items()}
                except SchemaError as exc:
                    err = error_row(result.source, "write", f"rows do not fit the schema: {exc}")
                    result.errors.append(err)
                    writer.add("errors", [err])
                    summary.errors += 1
                    summary.failed_sources += 0 if len(result.errors) > 1 else 1
                else:
                    seen_ids.add(articles[0]["article_id"])
                    summary.articles += 1
                    for table, rows in tables.items():
                        writer.add(table, rows)
            if on_result:
                on_result(result)
            if n % batch_pages == 0:
                writer.flush()
        summary.rows = writer.close()
    except BaseException:
        writer.abort()
        raise
    summary.seconds = time.perf_counter() - started
    return summary


def report_error(row: dict, stream=sys.stderr) -> None:
    print(f"error: {row['source']}: {row['stage']}: {row['error']}", file=stream)
