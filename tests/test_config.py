"""``RunConfig``: settings, then the environment, then the run's options."""
import pytest

from pipeline import settings
from pipeline.config import RunConfig


def test_the_environment_and_the_options_override_the_settings(monkeypatch):
    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "7")
    monkeypatch.setenv("PIPELINE_MIN_PAGES_PER_WORKER", "1")
    monkeypatch.setattr(settings, "MAX_ROWS_PER_PAGE", 10)
    config = RunConfig.from_env(workers=0, batch_pages=0, engine="dask")
    assert (config.page_seconds, config.min_pages_per_worker, config.max_rows_per_page) == (7.0, 1, 10)
    assert (config.workers, config.batch_pages, config.writes_partitioned) == (1, 1, True)
    assert not RunConfig.from_env().writes_partitioned


def test_a_number_that_is_not_one_is_the_setting(monkeypatch):
    monkeypatch.setenv("PIPELINE_PAGE_SECONDS", "soon")
    assert RunConfig.from_env().page_seconds == settings.PAGE_SECONDS


def test_an_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="engine must be"):
        RunConfig.from_env(engine="spark")
