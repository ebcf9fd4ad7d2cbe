"""Settings, in one place."""
from __future__ import annotations

import os

from pipeline import __version__

PIPELINE_VERSION = __version__

# Modules whose import registers spaCy components (``@Language.component``).
COMPONENT_MODULES = (
    "pipeline.extract.doc_refs",
    "pipeline.extract.dates",
    "pipeline.extract.counts",
    "pipeline.extract.solutions",
    "pipeline.extract.entities",
    "pipeline.classify.component",
)

# Components run over every article's Doc, in this order. Later ones may read
# the rows of earlier ones (dates read doc_refs to mark issue dates; counts
# skip spans already taken by doc_refs and dates; entity_links reads the mentions
# entities found and writes the entity rows, the links and the province).
COMPONENTS = ("doc_refs", "dates", "counts", "solutions", "entities", "entity_links", "classify")

# A page whose cleaned main text is shorter than this has "no main text".
MIN_TEXT_CHARS = 200

# A run whose input has fewer pages than this share of the last run's is refused
# before publishing (a mistyped, unmounted or half-copied input would delete the
# rows of every missing page); `extract --allow-shrink` publishes it anyway.
MAX_INPUT_SHRINK = 0.5

# A page whose extractors yield more rows than this (all tables but articles) becomes
# one error row instead: a list of the same number repeated ten thousand times is no
# article, and its rows would crowd out every other page's at publishing.
MAX_ROWS_PER_PAGE = 5_000

# The quoted sentence of a row (doc_refs.sentence) is cut to a window of this many
# characters around the mention when the sentence is longer (a run-on list, a table).
SENTENCE_MAX_CHARS = 600

# Pages larger than this (bytes, after decompression) are refused.
MAX_PAGE_BYTES = 20 * 1024 * 1024

# A page still in hand after this many seconds is stopped and becomes one error row
# (a page takes well under a second; the largest allowed text, tens of seconds). Set
# by the environment variable PIPELINE_PAGE_SECONDS; 0 means no limit. In the main thread
# of a process (local runs, worker processes) it is a SIGALRM; in another thread (a Dask
# worker's) an exception raised in that thread, which code running in C (a regex
# backtracking, a native library) only meets when it returns to Python; SIGALRM's handler
# runs in C code that checks for signals, as ``re`` does.
PAGE_SECONDS = 300.0

# A page in a worker process (a local pool's or a Dask worker) still in hand this many
# seconds after its time limit is stuck in C code that no signal handler or exception
# reaches: the worker process exits, the run retries the page alone, and it ends as one
# error row, stage ``worker`` (a Dask worker's nanny starts another worker). Environment
# variable PIPELINE_PAGE_GRACE_SECONDS.
PAGE_GRACE_SECONDS = 30.0

# Main text longer than this is cut at a paragraph break (underthesea costs ~1 min/MB).
MAX_TEXT_CHARS = 200_000
# HTML with more elements than this is read without trafilatura's readability fallback
HTML_FALLBACK_MAX_ELEMENTS = 20_000

# Without a terminal (cron, CI, a log file), ``pipeline extract`` writes one progress line
# to stderr this often, so a run of hours shows it is alive. Environment variable
# PIPELINE_PROGRESS_SECONDS; 0 means a line per page.
PROGRESS_SECONDS = 60.0

DEFAULT_RAW = "data/raw"
DEFAULT_PROCESSED = "data/processed"


def from_env(variable: str, default: float) -> float:
    """A number from the environment variable ``variable``, else (unset or not a number) ``default``."""
    try:
        return float(os.environ.get(variable, default))
    except ValueError:
        return default

# DuckDB's memory within a run (publishing the tables, validating them). Beyond it DuckDB
# spills to disk; the work is cut into slices (below) so that no query needs more.
DUCKDB_MEMORY_LIMIT = "512MB"

# Publishing sorts each table into input order: slices of this many pages, one query
# each, keep the sort's memory bounded whatever the corpus size. (One query over all of
# 100,000 pages ran out of 512 MB, the article texts being most of the sort.)
PUBLISH_SLICE_PAGES = 5_000

# Validation checks the per-row rules (spans against their article's text) on slices of
# this many articles, one after the other, on a dataset of more.
VALIDATE_SLICE_ARTICLES = 20_000
