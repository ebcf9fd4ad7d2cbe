"""The inference bundle (model_inference.npz + .json): what workers load without
scikit-learn, skops or scipy.

* the shipped bundle was exported from the shipped model.skops (a retrain without
  the export fails here), and predicts as the model read from model.skops does;
* the run path (default_model, the spaCy component) imports none of them;
* a stale, missing or pickled bundle is not used: default_model falls back to
  model.skops and logs why.
"""
from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from pipeline.classify import export as E
from pipeline.classify.inference import (
    Model, default_model, file_sha256, inference_paths, inference_problem, inference_spec, load_default,
    load_inference,
)
from pipeline.classify.labels import TOPICS
from pipeline.classify.modelfile import MODEL_PATH, ModelError
from pipeline.classify.prediction import predict

REPO = Path(__file__).resolve().parents[2]


def test_shipped_bundle_matches_shipped_model(fitted):
    """Exported from this model.skops (sha256) and equal to a fresh export of it."""
    assert inference_problem() is None
    npz_path, json_path = inference_paths()
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    assert meta["model_sha256"] == file_sha256(MODEL_PATH)
    fresh_meta, fresh_arrays = inference_spec(fitted)
    assert {k: v for k, v in meta.items() if k not in ("model_file", "model_sha256")} == fresh_meta
    with np.load(npz_path, allow_pickle=False) as z:
        assert sorted(z.files) == sorted(fresh_arrays)
        for k in z.files:
            assert z[k].dtype == fresh_arrays[k].dtype and np.array_equal(z[k], fresh_arrays[k]), k


def test_default_model_is_the_bundle(model):
    assert isinstance(default_model(), Model)
    assert model.info["train_ids"] and model.genre_classes == ["bai_viet", "tin"]


def test_bundle_predicts_as_the_skops_model(fitted, model, sample_pages, labelled_texts):
    """The model read from model.skops in memory and the shipped bundle: the same output."""
    from_skops = Model(*inference_spec(fitted))
    texts = [t for t, _ in sample_pages] + list(labelled_texts)
    titles = [h for _, h in sample_pages] + [""] * len(labelled_texts)
    got = predict(model, texts, titles)
    assert got == predict(from_skops, texts, titles)
    assert {g["topic"] for g in got} >= set(TOPICS)  # every head and topic exercised


RUN_PATH = """
import sys
from pipeline.classify.inference import default_model
from pipeline.nlp import annotate, build_nlp
default_model()
nlp = build_nlp(components=["classify"])
doc = annotate(nlp, "Chi bộ thôn Đông tổ chức sinh hoạt chuyên đề về kết nạp đảng viên mới. "
                    "Bí thư chi bộ chuẩn bị nội dung, đảng viên thảo luận dân chủ.",
               {"article_id": "x", "title": "Nâng cao chất lượng sinh hoạt chi bộ"})
assert doc._.classification["is_party_building"] is True, doc._.classification
print(sorted(m for m in sys.modules if m.split(".")[0] in ("sklearn", "skops", "scipy")))
"""


def test_run_path_imports_no_sklearn_skops_or_scipy():
    out = subprocess.run([sys.executable, "-c", RUN_PATH], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


# ------------------------------------------------------------------ stale or bad bundles


@pytest.fixture
def model_copy(tmp_path) -> Path:
    """model.skops and its bundle copied to a scratch folder."""
    for p in (MODEL_PATH, *inference_paths()):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path / MODEL_PATH.name


def _falls_back(model_copy, caplog, reason: str) -> None:
    with caplog.at_level(logging.WARNING, logger="pipeline.classify.inference"):
        assert isinstance(load_default(model_copy), Model)
    assert reason in caplog.text and "skops" in caplog.text


def test_copied_bundle_is_used(model_copy, caplog):
    assert inference_problem(model_copy) is None
    with caplog.at_level(logging.WARNING, logger="pipeline.classify.inference"):
        load_default(model_copy)
    assert caplog.text == ""


def test_stale_bundle_falls_back_to_skops(model_copy, caplog):
    _, json_path = inference_paths(model_copy)
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    meta["model_sha256"] = "0" * 64  # as after a retrain without the export
    json_path.write_text(json.dumps(meta), encoding="utf-8")
    assert "sha256 differs" in inference_problem(model_copy)
    with pytest.raises(ModelError, match="sha256 differs"):
        load_inference(model_copy)
    _falls_back(model_copy, caplog, "sha256 differs")


@pytest.mark.parametrize("gone", ["npz", "json"])
def test_missing_bundle_falls_back_to_skops(model_copy, caplog, gone):
    npz_path, json_path = inference_paths(model_copy)
    (npz_path if gone == "npz" else json_path).unlink()
    _falls_back(model_copy, caplog, "is missing")


def test_missing_model_still_says_make_train(tmp_path):
    with pytest.raises(ModelError, match="make train"):
        load_default(tmp_path / "model.skops")


def _rewrite_arrays(model_copy, **changes) -> None:
    npz_path, _ = inference_paths(model_copy)
    with np.load(npz_path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays.update({k: f(arrays[k]) for k, f in changes.items()})
    np.savez_compressed(npz_path, **arrays)


def test_pickled_arrays_are_refused(model_copy, caplog):
    _rewrite_arrays(model_copy, a=lambda a: np.array([{"evil": 1}] * len(a), dtype=object))
    with pytest.raises(ModelError, match="unreadable inference bundle"):
        load_inference(model_copy)
    _falls_back(model_copy, caplog, "unreadable")


def test_inconsistent_bundle_is_refused(model_copy):
    _rewrite_arrays(model_copy, W=lambda W: W[:-5])  # a vocabulary and a matrix that do not match
    with pytest.raises(ModelError):
        load_inference(model_copy)


def test_export_command_and_check(model_copy, capsys):
    _, json_path = inference_paths(model_copy)
    json_path.unlink()
    assert E.main(["--model", str(model_copy), "--check"]) == 1
    assert "is missing" in capsys.readouterr().err
    assert E.main(["--model", str(model_copy)]) == 0
    assert E.main(["--model", str(model_copy), "--check"]) == 0
    assert json.loads(json_path.read_text(encoding="utf-8"))["model_sha256"] == file_sha256(model_copy)
