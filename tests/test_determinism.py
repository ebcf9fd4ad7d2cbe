"""Two runs over the same input give identical rows (timestamps aside).

Each run is its own process with its own hash seed, so an order that depends on
set or dict iteration of strings, or state kept between runs, shows up here.
"""
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from pipeline.schema import TABLES

REPO = Path(__file__).resolve().parents[1]
RAW = REPO / "data" / "raw"
TIMESTAMPS = {"processed_at", "fetched_at"}


def _run(out: Path, seed: str) -> dict[str, list[dict]]:
    code = "import sys; from pipeline.run import extract; extract([sys.argv[1]], sys.argv[2])"
    subprocess.run(
        [sys.executable, "-c", code, str(RAW), str(out)],
        cwd=REPO,
        env={**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(REPO)},
        check=False,  # exit 1 only says some page failed; the tables are compared below
        capture_output=True,
        timeout=1200,
    )
    tables = {}
    for name in TABLES:
        path = out / f"{name}.parquet"
        assert path.exists(), f"{name}.parquet missing"
        tables[name] = [{k: v for k, v in row.items() if k not in TIMESTAMPS} for row in pq.read_table(path).to_pylist()]
    return tables


@pytest.mark.slow
def test_two_runs_give_identical_rows(tmp_path):
    if not any(RAW.iterdir()):
        pytest.skip("data/raw is empty")
    first = _run(tmp_path / "a", "1")
    second = _run(tmp_path / "b", "2")
    assert first["articles"], "the run produced no article"
    for name in TABLES:
        assert len(first[name]) == len(second[name]), name
        for a, b in zip(first[name], second[name]):
            assert a == b, (name, {k: (a[k], b.get(k)) for k in a if a[k] != b.get(k)})
