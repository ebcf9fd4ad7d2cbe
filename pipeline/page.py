"""One page to rows: ``process_page(page, nlp, config) -> PageResult``.

decode → normalise → clean → tokenize once into a Doc → components → rows. Each stage
raises ``StageError`` naming itself; a bad page is one error row, never an exception.
``pages_rows`` adds what every executor applies to a few pages at once: the time limit
of each page (``pipeline.limits``) and the schema check of their rows. ``work_batch`` is
the task an executor runs, in this process or in a worker.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from urllib.parse import urlsplit

from pipeline import settings
from pipeline.config import RunConfig
from pipeline.decode import DecodeError, decode, normalize, writable
from pipeline.limits import Overrun, run_limited
from pipeline.schema import EXTRACTION_TABLES
from pipeline.sources import Page, PageError


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
    retry: bool = False  # a failure of the machine, not of the page: process it again next run

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Progress:
    """The stage a page is in, for the error row of a page stopped by its time limit."""

    stage: str = "decode"


def article_id_for(url: str | None, text: str) -> str:
    """Stable id: a hash of the URL, else of the normalised content."""
    key = url.strip() if url else "text:" + re.sub(r"\s+", " ", text).strip()
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def site_of(url: str | None, fallback: str | None = None) -> str | None:
    if url:
        host = urlsplit(url).hostname
        if host:
            return host.removeprefix("www.")
    return fallback


def error_row(source: str, stage: str, message: str, now: datetime | None = None,
              version: str = settings.PIPELINE_VERSION) -> dict:
    return {
        # an error may quote what broke (an undecodable name, a stray code point); the row
        # is not schema-checked before the commit, which it must not fail
        "source": writable(source),
        "stage": stage,
        "error": writable(message),
        "pipeline_version": version,
        "processed_at": now or datetime.now(timezone.utc),
    }


def run_components(nlp, text: str, meta: dict, errors: list[str], progress: Progress | None = None):
    """Tokenize once, then every component but the batched ones (``run_batched``). A
    component that raises is reported in ``errors`` as ``<component>: <Type>: <message>``
    and its rows are dropped; the others run."""
    progress = progress or Progress()
    progress.stage = "tokenize"
    try:
        doc = nlp.make_doc(text)
    except Exception as exc:  # noqa: BLE001
        raise StageError("tokenize", f"{type(exc).__name__}: {exc}") from exc
    doc._.meta = meta
    progress.stage = "extract"
    for name, proc in nlp.pipeline:
        if hasattr(proc, "pipe"):
            continue
        try:
            doc = proc(doc)
        except Exception as exc:  # noqa: BLE001 - one component, one error row
            doc._.rows[name] = []
            errors.append(f"{name}: {type(exc).__name__}: {exc}")
    return doc


@dataclass
class Prepared:
    """A page through every component but the batched ones."""

    page: Page
    cleaned: object
    meta: dict
    doc: object
    errors: list[str]  # the components that raised, as ``<component>: <Type>: <message>``


def run_batched(nlp, prepared: list[Prepared]) -> None:
    """Each component with a ``pipe`` (spaCy's batch protocol; they come last, as
    ``build_nlp`` checks) over the Docs of a few pages at once. When it raises, it runs
    over each Doc alone, so only the page it fails on gets the error."""
    for name, proc in nlp.pipeline:
        if not hasattr(proc, "pipe"):
            continue
        try:
            for _doc in proc.pipe([p.doc for p in prepared]):
                pass
        except Exception:  # noqa: BLE001 - which page: each alone
            for p in prepared:
                try:
                    proc(p.doc)
                except Exception as exc:  # noqa: BLE001
                    p.errors.append(f"{name}: {type(exc).__name__}: {exc}")


def _decoded(page: Page) -> str:
    try:
        raw_text, _charset = decode(page.data, page.charset, html=page.kind == "html")
        return normalize(raw_text)
    except DecodeError as exc:
        raise StageError("decode", str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - a bug meeting an odd page: its error row, not the run's end
        raise StageError("decode", f"{type(exc).__name__}: {exc}") from exc


def _cleaned(text: str, page: Page, config: RunConfig):
    from pipeline.clean import clean_page, navigation_only  # here: a process that only feeds workers never loads trafilatura

    try:
        cleaned = clean_page(text, page.kind, page.url)
    except Exception as exc:  # noqa: BLE001
        raise StageError("clean", f"{type(exc).__name__}: {exc}") from exc
    if len(cleaned.text) < config.min_text_chars:
        raise StageError("clean", f"no main text ({len(cleaned.text)} characters left after boilerplate removal)")
    if navigation_only(cleaned.text):
        raise StageError("clean", "no main text (what is left reads as menus and links, not one sentence)")
    return cleaned


def prepare_page(page: Page, nlp, config: RunConfig, progress: Progress) -> Prepared:
    """Decode, clean, tokenize and run the per-page components; raises ``StageError``."""
    progress.stage = "decode"
    text = _decoded(page)
    progress.stage = "clean"
    cleaned = _cleaned(text, page, config)
    meta = {
        "article_id": article_id_for(page.url, cleaned.text),
        "published_date": cleaned.published_date,
        "title": cleaned.title,
        "url": page.url or cleaned.url,  # a saved page names its own address (og:url, canonical)
        "site": site_of(page.url, cleaned.site),
        "source_tag": cleaned.source_tag,
        "doc_header": cleaned.doc_header,  # a document page's own number is read there
        "site_lines": cleaned.site_lines,  # banner and footer: the province of a site that names it
    }
    errors: list[str] = []
    doc = run_components(nlp, cleaned.text, meta, errors, progress)
    return Prepared(page, cleaned, meta, doc, errors)


def page_result(prepared: Prepared, config: RunConfig, now: datetime) -> PageResult:
    """The rows of a page every component has run on: its article, its extraction rows
    and an error row for each component that raised."""
    page, doc, meta = prepared.page, prepared.doc, prepared.meta
    result = PageResult(source=page.source)
    for message in prepared.errors:
        result.errors.append(error_row(page.source, "extract", message, now, config.pipeline_version))
    n_rows = sum(len(doc._.rows.get(table, ())) for table in EXTRACTION_TABLES)
    if n_rows > config.max_rows_per_page:
        message = (f"{n_rows} extracted rows, over the limit of {config.max_rows_per_page} a page "
                   "(settings.MAX_ROWS_PER_PAGE)")
        return PageResult(source=page.source, errors=[error_row(page.source, "extract", message, now, config.pipeline_version)])
    article_id = meta["article_id"]
    result.rows["articles"] = [_article_row(page, prepared.cleaned, doc, meta, config, now)]
    for table in EXTRACTION_TABLES:
        result.rows[table] = [{"article_id": article_id, **row} for row in doc._.rows.get(table, [])]
    return result


def process_page(page: Page, nlp, config: RunConfig | None = None, now: datetime | None = None,
                 progress: Progress | None = None) -> PageResult:
    """Every row one page yields; never raises for bad input. ``progress`` follows the
    stage the page is in."""
    config = config or RunConfig.from_env()
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    try:
        prepared = prepare_page(page, nlp, config, progress or Progress())
    except StageError as exc:
        return _failed(page.source, exc.stage, exc.message, config, now)
    run_batched(nlp, [prepared])
    return page_result(prepared, config, now)


def _failed(source: str, stage: str, message: str, config: RunConfig, now: datetime | None) -> PageResult:
    return PageResult(source=source, errors=[error_row(source, stage, message, now, config.pipeline_version)])


def _article_row(page: Page, cleaned, doc, meta: dict, config: RunConfig, now: datetime) -> dict:
    from pipeline.nlp import tokenized_text, word_count

    cls = doc._.classification or {}
    return {
        "article_id": meta["article_id"],
        "source": page.source,
        "url": meta["url"],
        "site": site_of(meta["url"]),
        "publisher": cleaned.site,
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
        "pipeline_version": config.pipeline_version,
        "processed_at": now,
    }


OVERRUN = "stopped after {:g} s (settings.PAGE_SECONDS); a page normally takes well under a second"


def _limited_prepare(page: Page, nlp, config: RunConfig, now: datetime | None) -> Prepared | PageResult:
    """``prepare_page`` within the page's time limit; a page that fails is its error row."""
    progress = Progress()
    try:
        return run_limited(lambda: prepare_page(page, nlp, config, progress),
                           config.page_seconds, config.page_grace_seconds)
    except StageError as exc:
        return _failed(page.source, exc.stage, exc.message, config, now)
    except Overrun:
        return _failed(page.source, progress.stage, OVERRUN.format(config.page_seconds), config, now)


def _limited_batched(nlp, prepared: list[Prepared], config: RunConfig, now: datetime | None) -> dict[int, PageResult]:
    """``run_batched`` over the pages within one page's time limit; past it, each page
    alone within its own. Returns the error row of each page (by index) that overran alone."""
    def batched(group: list[Prepared]) -> None:
        run_limited(lambda: run_batched(nlp, group), config.page_seconds, config.page_grace_seconds)

    try:
        batched(prepared)
        return {}
    except Overrun:
        stopped = {}
        for i, p in enumerate(prepared):
            try:
                batched([p])
            except Overrun:
                stopped[i] = _failed(p.page.source, "extract", OVERRUN.format(config.page_seconds), config, now)
        return stopped


def pages_rows(items: list[Page | PageError], nlp, config: RunConfig | None = None,
               now: datetime | None = None) -> list[PageResult]:
    """The results of a few pages, each within its time limit, their batched components
    (the classifier) run over them together, their rows checked against the schemas
    together: a page whose rows do not fit keeps none of them and gets one ``write``
    error row instead; an unreadable page is its one error row.

    The classifier and the check cost mostly per call: for 8 pages at once they cost a
    fraction of 8 calls of one page. When the batch fails, each page is taken alone to
    find which, so the result is the same as processing each page alone.
    """
    config = config or RunConfig.from_env()
    now = now or datetime.now(timezone.utc).replace(microsecond=0)
    results: list[PageResult | Prepared] = [
        _failed(item.source, item.stage, item.error, config, now) if isinstance(item, PageError)
        else _limited_prepare(item, nlp, config, now)
        for item in items
    ]
    prepared = [r for r in results if isinstance(r, Prepared)]
    stopped = _limited_batched(nlp, prepared, config, now) if prepared else {}
    index = {id(p): i for i, p in enumerate(prepared)}
    results = [stopped.get(index[id(r)]) or page_result(r, config, now) if isinstance(r, Prepared) else r
               for r in results]
    checked = [r for r in results if r.rows.get("articles")]
    if len(checked) > 1 and _schema_problem(checked) is None:
        return results
    for result in checked:
        problem = _schema_problem([result])
        if problem is not None:
            result.rows = {}
            result.errors.append(error_row(result.source, "write", f"rows do not fit the schema: {problem}", now, config.pipeline_version))
    return results


def page_rows(item: Page | PageError, nlp, config: RunConfig | None = None, now: datetime | None = None) -> PageResult:
    """``pages_rows`` of one page."""
    return pages_rows([item], nlp, config, now)[0]


def _schema_problem(results: list[PageResult]) -> str | None:
    """What does not fit the table schemas in the rows of ``results``, or None."""
    from pipeline.store import SchemaError, to_table

    tables = dict.fromkeys(t for r in results for t in r.rows)  # in the order of the rows
    try:
        for table in tables:
            to_table(table, [row for r in results for row in r.rows.get(table, ())])
    except SchemaError as exc:
        return str(exc)
    return None


@lru_cache(maxsize=1)
def worker_nlp():
    """The nlp of this process, built once, at its first page."""
    from pipeline.nlp import build_nlp

    return build_nlp()


def work_batch(items: list[Page | PageError], config: RunConfig | None = None, nlp=None) -> list[PageResult]:
    """The task an executor runs: a few pages at once (one task per page spends more in
    the executor than in the page, and their rows are checked together). The models are
    loaded at the first page that needs them (``nlp``, else this process's own)."""
    if nlp is None and any(isinstance(item, Page) for item in items):
        nlp = worker_nlp()
    return pages_rows(items, nlp, config)


WORKER_DIED = (
    "the worker process died while processing this page (a crash in native code, stuck in "
    "native code past the time limit, or killed, e.g. for memory), again when it was retried "
    "alone; the next run tries it again"
)


def worker_died(item: Page | PageError) -> PageResult:
    """The result of a page its worker died on, alone: one error row, stage ``worker``,
    tried again by the next run (what killed the worker, the OOM killer say, may not be
    the page)."""
    return PageResult(source=item.source, errors=[error_row(item.source, "worker", WORKER_DIED)], retry=True)
