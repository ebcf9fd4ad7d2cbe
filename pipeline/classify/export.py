"""Write the inference bundle of the shipped classifier (what workers load without scikit-learn).

    python -m pipeline.classify.export [--model pipeline/classify/model.skops] [--check]

Reads ``model.skops`` with skops/scikit-learn and writes beside it
``model_inference.npz`` + ``model_inference.json`` (``pipeline.classify.inference``).
``make train`` writes them too; run this after replacing model.skops by hand.
``--check`` writes nothing: exit status 1 (and the reason) when the bundle is
missing or stale.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from pipeline.classify.inference import export_inference, inference_problem, load_inference
from pipeline.classify.modelfile import MODEL_PATH


def export(model_path: Path = MODEL_PATH) -> tuple[Path, Path]:
    t0 = time.perf_counter()
    npz_path, json_path = export_inference(model_path)
    load_inference(model_path)  # readable, and matches the model it came from
    size = (npz_path.stat().st_size + json_path.stat().st_size) / 1e6
    print(f"wrote {npz_path.name} + {json_path.name} ({size:.1f} MB) from {Path(model_path).name} "
          f"in {time.perf_counter() - t0:.1f}s")
    return npz_path, json_path


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=MODEL_PATH)
    ap.add_argument("--check", action="store_true", help="only check that the bundle matches the model")
    a = ap.parse_args(argv)
    if a.check:
        problem = inference_problem(a.model)
        if problem:
            print(f"inference bundle not usable: {problem}", file=sys.stderr)
            return 1
        print(f"inference bundle matches {a.model.name}")
        return 0
    export(a.model)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
