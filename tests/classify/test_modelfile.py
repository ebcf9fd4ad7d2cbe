"""model.skops: trusted types only, the scikit-learn that built it, the rows it was trained on."""
from __future__ import annotations

import pytest
import sklearn

from pipeline.classify.labels import is_held_out
from pipeline.classify.modelfile import MODEL_PATH, TRUSTED_TYPES, ModelError, load_model, model_info, types_named


def test_model_refuses_another_sklearn(monkeypatch):
    monkeypatch.setattr(sklearn, "__version__", "0.0.1")
    with pytest.raises(ModelError, match="built with scikit-learn .* rebuild it with `make train`"):
        load_model()


def test_model_refuses_untrusted_types(tmp_path):
    from skops.io import dump
    from sklearn.linear_model import LogisticRegression

    path = tmp_path / "m.skops"
    dump({"x": LogisticRegression()}, path)
    with pytest.raises(ModelError, match="not trusted"):
        load_model(path)


def test_unreadable_file_is_refused(tmp_path):
    path = tmp_path / "m.skops"
    path.write_bytes(b"not a zip")
    with pytest.raises(ModelError, match="not a readable skops file"):
        load_model(path)


def test_missing_model_says_how_to_build_it(tmp_path):
    with pytest.raises(ModelError, match="make train"):
        load_model(tmp_path / "none.skops")


def test_shipped_model_holds_trusted_types_and_its_training_rows(fitted):
    assert set(types_named(MODEL_PATH)) <= set(TRUSTED_TYPES)
    info = model_info(fitted)
    assert info["sklearn_version"] == sklearn.__version__
    assert info["train_ids"] and not [i for i in info["train_ids"] if is_held_out(i)]
    assert "features" not in info and "topics" not in info
