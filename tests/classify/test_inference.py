"""The inference bundle (model_inference.npz + .json): what workers load without
scikit-learn, skops or scipy.

* the shipped bundle was exported from the shipped model.skops (a retrain without
  ``python -m pipeline.classify.export`` fails here);
* its predictions equal the scikit-learn estimators of model.skops on every
  labelled text and every sample page of data/raw (probabilities atol 1e-9, the
  same output dicts);
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
from pipeline.classify import model as M

REPO = Path(__file__).resolve().parents[2]
ATOL = 1e-9


@pytest.fixture(scope="module")
def skops_clf() -> M.Classifier:
    return M.load_model()


@pytest.fixture(scope="module")
def bundle_clf() -> M.Classifier:
    return M.load_inference()


def test_shipped_bundle_matches_shipped_model(skops_clf):
    """Exported from this model.skops (sha256) and equal to a fresh export of it."""
    assert M.inference_problem() is None
    npz_path, json_path = M.inference_paths()
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    assert meta["model_sha256"] == M.file_sha256(M.MODEL_PATH)
    fresh_meta, fresh_arrays = M.inference_spec(skops_clf.bundle)
    assert {k: v for k, v in meta.items() if k not in ("model_file", "model_sha256")} == fresh_meta
    with np.load(npz_path, allow_pickle=False) as z:
        assert sorted(z.files) == sorted(fresh_arrays)
        for k in z.files:
            assert z[k].dtype == fresh_arrays[k].dtype and np.array_equal(z[k], fresh_arrays[k]), k


def test_default_model_is_the_bundle():
    clf = M.default_model()
    assert clf.bundle is None and isinstance(clf.featurizer, M.FastFeatures)
    with pytest.raises(M.ModelError, match="inference bundle"):
        clf.features  # noqa: B018 - no scikit-learn estimators on this path


def test_bundle_info_is_the_models(bundle_clf, skops_clf):
    assert bundle_clf.info == skops_clf.info
    assert bundle_clf.info["train_ids"] and bundle_clf.genre_classes == list(skops_clf.genre_model.classes_)


def _rows(labelled_texts, sample_pages) -> list[str]:
    rows = list(labelled_texts)
    for text, title in sample_pages:
        t = M.feature_text(text)
        rows += [t, M.lead_text(t) or t, M.feature_text(title) or "chi_bộ"]
    return rows


def test_bundle_probabilities_equal_sklearn(bundle_clf, skops_clf, labelled_texts, sample_pages):
    rows = _rows(labelled_texts, sample_pages)
    X = bundle_clf.featurizer.transform(rows)
    want_X = skops_clf.features.transform(rows).tocsr()
    assert np.array_equal(X.indptr, want_X.indptr) and np.array_equal(X.indices, want_X.indices)
    assert np.array_equal(X.data, want_X.data)
    got = bundle_clf.probas(X)
    want = skops_clf.probas(want_X, compiled=False)
    for name in ("topic", "pb", "genre", "main"):
        a, b = getattr(got, name), getattr(want, name)
        assert a.shape == b.shape, name
        assert np.allclose(a, b, rtol=0, atol=ATOL), (name, float(np.abs(a - b).max()))


def test_bundle_predictions_equal_sklearn(bundle_clf, skops_clf, labelled_texts, sample_pages):
    """Same output dicts as the scikit-learn estimators, with titles and leads."""
    texts = [t for t, _ in sample_pages] + list(labelled_texts)
    titles = [h for _, h in sample_pages] + [""] * len(labelled_texts)
    got = bundle_clf.predict(texts, titles)
    assert got == skops_clf._predict(texts, titles, compiled=False)
    assert {g["topic"] for g in got} >= set(M.TOPICS)  # every head and topic exercised


RUN_PATH = """
import sys
from pipeline.classify.model import default_model
from pipeline.nlp import annotate, build_nlp
assert default_model().bundle is None
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
    for p in (M.MODEL_PATH, *M.inference_paths()):
        shutil.copy(p, tmp_path / p.name)
    return tmp_path / M.MODEL_PATH.name


def test_copied_bundle_is_used(model_copy):
    assert M.inference_problem(model_copy) is None
    assert M.load_default(model_copy).bundle is None


def test_stale_bundle_falls_back_to_skops(model_copy, caplog):
    _, json_path = M.inference_paths(model_copy)
    meta = json.loads(json_path.read_text(encoding="utf-8"))
    meta["model_sha256"] = "0" * 64  # as after `make train` without the export
    json_path.write_text(json.dumps(meta), encoding="utf-8")
    assert "sha256 differs" in M.inference_problem(model_copy)
    with pytest.raises(M.ModelError, match="sha256 differs"):
        M.load_inference(model_copy)
    with caplog.at_level(logging.WARNING, logger="pipeline.classify.model"):
        clf = M.load_default(model_copy)
    assert clf.bundle is not None  # the scikit-learn model
    assert "sha256 differs" in caplog.text and "skops" in caplog.text


@pytest.mark.parametrize("gone", ["npz", "json"])
def test_missing_bundle_falls_back_to_skops(model_copy, caplog, gone):
    npz_path, json_path = M.inference_paths(model_copy)
    (npz_path if gone == "npz" else json_path).unlink()
    with caplog.at_level(logging.WARNING, logger="pipeline.classify.model"):
        clf = M.load_default(model_copy)
    assert clf.bundle is not None and "is missing" in caplog.text


def test_missing_model_still_says_make_train(tmp_path):
    with pytest.raises(M.ModelError, match="make train"):
        M.load_default(tmp_path / "model.skops")


def test_pickled_arrays_are_refused(model_copy, caplog):
    npz_path, _ = M.inference_paths(model_copy)
    with np.load(npz_path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["a"] = np.array([{"evil": 1}] * len(arrays["a"]), dtype=object)
    np.savez_compressed(npz_path, **arrays)
    with pytest.raises(M.ModelError, match="unreadable inference bundle"):
        M.load_inference(model_copy)
    with caplog.at_level(logging.WARNING, logger="pipeline.classify.model"):
        assert M.load_default(model_copy).bundle is not None
    assert "unreadable" in caplog.text


def test_inconsistent_bundle_is_refused(model_copy):
    npz_path, _ = M.inference_paths(model_copy)
    with np.load(npz_path, allow_pickle=False) as z:
        arrays = {k: z[k] for k in z.files}
    arrays["W"] = arrays["W"][:-5]  # a vocabulary and a matrix that do not match
    np.savez_compressed(npz_path, **arrays)
    with pytest.raises(M.ModelError):
        M.load_inference(model_copy)


def test_export_command_and_check(model_copy, capsys):
    _, json_path = M.inference_paths(model_copy)
    json_path.unlink()
    assert E.main(["--model", str(model_copy), "--check"]) == 1
    assert "is missing" in capsys.readouterr().err
    assert E.main(["--model", str(model_copy)]) == 0
    assert E.main(["--model", str(model_copy), "--check"]) == 0
    assert json.loads(json_path.read_text(encoding="utf-8"))["model_sha256"] == M.file_sha256(model_copy)
