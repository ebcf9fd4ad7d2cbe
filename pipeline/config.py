"""One frozen ``RunConfig``: what a run was asked for, and the settings it runs with.

Built once by the run's process (``RunConfig.from_env``) from ``pipeline.settings``, the
environment and the command's options, then passed down: to the page code, to the
executors, and with every task to worker processes and Dask workers, so that workers
started earlier or elsewhere (the fork server, a standing cluster) apply the run's.
"""
from __future__ import annotations

from dataclasses import dataclass, replace

from pipeline import settings

# With fewer pages to process than this per worker, a local run stays in this process
# (starting workers, which load the models again, costs more than these pages). The
# look-ahead that counts them holds at most SMALL_RUN_MAX_BYTES of pages.
SMALL_RUN_PAGES_PER_WORKER = 25
SMALL_RUN_MAX_BYTES = 64 * 1024 * 1024

ENGINES = ("local", "dask")


@dataclass(frozen=True)
class RunConfig:
    # what one page may cost and yield
    page_seconds: float = settings.PAGE_SECONDS  # 0: no time limit
    page_grace_seconds: float = settings.PAGE_GRACE_SECONDS
    min_text_chars: int = settings.MIN_TEXT_CHARS
    max_rows_per_page: int = settings.MAX_ROWS_PER_PAGE
    pipeline_version: str = settings.PIPELINE_VERSION
    # how the run spreads and commits the pages
    workers: int = 1
    engine: str = "local"
    scheduler: str | None = None  # a Dask scheduler's address; None: a LocalCluster of ``workers``
    batch_pages: int = 200
    min_pages_per_worker: int = SMALL_RUN_PAGES_PER_WORKER
    small_run_max_bytes: int = SMALL_RUN_MAX_BYTES
    # what it does with the output
    force: bool = False
    partitioned: bool | None = None  # None: only on the Dask engine
    validate: bool = True
    allow_shrink: bool = False
    # what publishing and validating the dataset may hold in memory
    duckdb_memory_limit: str = settings.DUCKDB_MEMORY_LIMIT
    publish_slice_pages: int = settings.PUBLISH_SLICE_PAGES
    validate_slice_articles: int = settings.VALIDATE_SLICE_ARTICLES

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be 'local' or 'dask', not {self.engine!r}")

    @classmethod
    def from_env(cls, **options) -> RunConfig:
        """The settings as ``pipeline.settings`` has them now (tests may change them), the
        environment's PIPELINE_PAGE_SECONDS, PIPELINE_PAGE_GRACE_SECONDS and
        PIPELINE_MIN_PAGES_PER_WORKER over them, then ``options``."""
        base = cls(
            page_seconds=settings.from_env("PIPELINE_PAGE_SECONDS", settings.PAGE_SECONDS),
            page_grace_seconds=settings.from_env("PIPELINE_PAGE_GRACE_SECONDS", settings.PAGE_GRACE_SECONDS),
            min_text_chars=settings.MIN_TEXT_CHARS,
            max_rows_per_page=settings.MAX_ROWS_PER_PAGE,
            pipeline_version=settings.PIPELINE_VERSION,
            min_pages_per_worker=int(settings.from_env("PIPELINE_MIN_PAGES_PER_WORKER", SMALL_RUN_PAGES_PER_WORKER)),
            duckdb_memory_limit=settings.DUCKDB_MEMORY_LIMIT,
            publish_slice_pages=settings.PUBLISH_SLICE_PAGES,
            validate_slice_articles=settings.VALIDATE_SLICE_ARTICLES,
        )
        if "workers" in options:
            options["workers"] = max(1, int(options["workers"] or 1))
        if "batch_pages" in options:
            options["batch_pages"] = max(1, int(options["batch_pages"]))
        return replace(base, **options)

    @property
    def writes_partitioned(self) -> bool:
        return self.engine == "dask" if self.partitioned is None else self.partitioned
