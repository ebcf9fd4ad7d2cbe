"""`make eval-shared` as a test: the real pages of ../shared meet the floors beside this file.

Skips when ../shared (or one of its sets) is absent, as on a user's clone.
"""
import io
import json
import os
from pathlib import Path

import pytest

from pipeline.evaluate import run_eval

HERE = Path(__file__).resolve().parent
SHARED = Path(os.environ.get("SHARED_DIR", HERE.parents[0].parent / "shared"))
FLOORS = HERE / "shared_floors"
# gold, pages, and the pages' URL table when the set has one
SETS = {"seeds": (SHARED / "gold", SHARED / "seeds", None),
        "dev": (SHARED / "dev" / "gold", SHARED / "dev" / "texts", SHARED / "dev" / "manifest.tsv")}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SETS))
def test_shared_set_meets_its_floors(name, tmp_path):
    gold_dir, pages_dir, urls = SETS[name]
    if not gold_dir.is_dir() or not pages_dir.is_dir():
        pytest.skip(f"{gold_dir.parent} not present")
    out = io.StringIO()
    rc = run_eval(gold_dir, pages_dir, json_path=tmp_path / "r.json", floors_path=FLOORS / f"{name}.json", out=out,
                  urls=urls if urls is not None and urls.is_file() else None)
    report = json.loads((tmp_path / "r.json").read_text("utf-8"))
    assert rc == 0, report["floors"]["failures"]


def test_every_floor_is_a_share():
    for path in FLOORS.glob("*.json"):
        floors = json.loads(path.read_text("utf-8"))
        for field, value in floors.items():
            if not field.startswith("_"):
                assert 0.0 <= float(value) <= 1.0, f"{path.name}: {field}"
