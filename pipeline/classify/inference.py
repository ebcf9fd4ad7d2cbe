"""The model as prediction loads it: the inference bundle, read with numpy + json only.

``make train`` (or ``python -m pipeline.classify.export`` after replacing model.skops
by hand) writes beside model.skops ``model_inference.npz`` (numpy arrays: head
coefficients, intercepts, sigmoid a/b, idf vectors; read with ``allow_pickle=False``)
and ``model_inference.json`` (vocabularies, analyzer settings, head layout, model
info, sha256 of model.skops). A worker loads them without importing scikit-learn,
skops or scipy (start-up, memory and per-page figures: the commit that kept them).
``default_model`` uses them only while their sha256 matches model.skops; otherwise
it reads model.skops with scikit-learn and says why.
"""
from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.heads import Heads, heads_spec
from pipeline.classify.labels import GENRES, KHAC, TOPICS
from pipeline.classify.modelfile import MODEL_PATH, ModelError, load_model, model_info
from pipeline.classify.tfidf import Rows, Tfidf, feature_spec

INFERENCE_FORMAT = 1

log = logging.getLogger(__name__)


@dataclass
class Probas:
    """Per-row probabilities of every head."""

    topic: np.ndarray  # (rows, TOPICS)
    pb: np.ndarray  # probability of is_party_building == 1
    genre: np.ndarray  # columns in Model.genre_classes order
    main: np.ndarray  # (rows, TOPICS)


class Model:
    """The featurizer and the heads of one inference bundle."""

    def __init__(self, meta: dict[str, Any], arrays) -> None:
        self.featurizer = Tfidf(meta["features"], meta["vocabularies"], arrays)
        self.heads = Heads.from_spec(meta["heads"], arrays)
        if self.featurizer.n_features != self.heads.W.shape[0]:
            raise ModelError(f"{self.featurizer.n_features} features but heads for {self.heads.W.shape[0]}")
        self.info = meta["model_info"]
        self.genre_classes = [str(g) for g in self.heads.genre.classes]
        self._pb_col = list(self.heads.pb.classes).index(1)
        main_classes = [str(t) for t in self.heads.main.classes]
        self._main_cols = [main_classes.index(t) if t in main_classes else -1 for t in TOPICS]
        self.word_columns = self.featurizer.columns("word")  # (first column, count)
        vocab = meta["vocabularies"]["word"]
        self.words = [""] * len(vocab)  # the word feature of each word column
        for t, i in vocab.items():
            self.words[i] = t

    def features(self, rows: list[str]) -> Rows:
        return self.featurizer.transform(rows)

    def probas(self, X: Rows) -> Probas:
        h = self.heads
        D = h.decisions(X)
        main = h.main.proba(D)
        main = np.column_stack([main[:, j] if j >= 0 else np.zeros(len(main)) for j in self._main_cols])
        return Probas(h.topic_proba(D), h.pb.proba(D)[:, self._pb_col], h.genre.proba(D), main)


def inference_paths(model_path: Path | str = MODEL_PATH) -> tuple[Path, Path]:
    """(npz, json) of the inference bundle of a model file: model.skops -> model_inference.*"""
    p = Path(model_path)
    return p.with_name(p.stem + "_inference.npz"), p.with_name(p.stem + "_inference.json")


def file_sha256(path: Path | str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _plain(v: Any) -> Any:
    """numpy scalars and arrays in model info -> JSON values."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def inference_spec(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(JSON meta, numpy arrays) of a fitted model bundle: everything prediction needs."""
    specs, vocabularies, arrays = feature_spec(bundle["features"])
    layout, head_arrays = heads_spec(bundle)
    if not any(s["name"] == "word" and s["analyzer"] == "word" for s in specs):
        raise ModelError("the model has no word feature part (needed for topic evidence)")
    if head_arrays["W"].shape[0] != sum(len(v) for v in vocabularies.values()):
        raise ModelError("the heads do not match the feature count")
    arrays.update(head_arrays)
    meta = {
        "format": INFERENCE_FORMAT,
        "labels": {"topics": list(TOPICS), "khac": KHAC, "genres": list(GENRES)},
        "features": specs,
        "vocabularies": vocabularies,
        "heads": layout,
        "model_info": _plain(model_info(bundle)),
    }
    return meta, arrays


def export_inference(model_path: Path | str = MODEL_PATH) -> tuple[Path, Path]:
    """Write the inference bundle next to ``model_path`` (from its skops model)."""
    model_path = Path(model_path)
    meta, arrays = inference_spec(load_model(model_path))
    meta["model_file"] = model_path.name
    meta["model_sha256"] = file_sha256(model_path)
    npz_path, json_path = inference_paths(model_path)
    # write beside, then rename: a worker never reads half a bundle
    tmp_npz = npz_path.with_name(npz_path.name + ".tmp")
    tmp_json = json_path.with_name(json_path.name + ".tmp")
    with open(tmp_npz, "wb") as f:  # a file object: numpy adds no ".npz" to the name
        np.savez_compressed(f, **arrays)
    tmp_json.write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    tmp_npz.replace(npz_path)
    tmp_json.replace(json_path)
    return npz_path, json_path


def inference_problem(model_path: Path | str = MODEL_PATH) -> str | None:
    """Why the inference bundle of ``model_path`` cannot be used (None: it can)."""
    model_path = Path(model_path)
    npz_path, json_path = inference_paths(model_path)
    for p in (model_path, npz_path, json_path):
        if not p.exists():
            return f"{p.name} is missing"
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"{json_path.name} is unreadable ({e})"
    found = meta.get("format") if isinstance(meta, dict) else None
    if found != INFERENCE_FORMAT:
        return f"{json_path.name} has format {found}, expected {INFERENCE_FORMAT}"
    if meta.get("model_sha256") != file_sha256(model_path):
        return f"{json_path.name} was exported from another {model_path.name} (sha256 differs): run `python -m pipeline.classify.export`"
    return None


def load_inference(model_path: Path | str = MODEL_PATH, check: bool = True) -> Model:
    """The model from the inference bundle of ``model_path``: numpy + json only."""
    if check and (problem := inference_problem(model_path)):
        raise ModelError(problem)
    npz_path, json_path = inference_paths(model_path)
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise ModelError(f"unreadable inference bundle {npz_path.name}: {e}") from e
    if meta.get("format") != INFERENCE_FORMAT:
        raise ModelError(f"{json_path.name}: format {meta.get('format')}, expected {INFERENCE_FORMAT}")
    labels = meta.get("labels", {})
    if list(labels.get("topics", [])) != list(TOPICS) or list(labels.get("genres", [])) != list(GENRES):
        raise ModelError(f"{json_path.name} was exported for other labels")
    try:
        return Model(meta, arrays)
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise ModelError(f"inconsistent inference bundle {json_path.name}: {e!r}") from e


def load_default(model_path: Path | str = MODEL_PATH) -> Model:
    """The inference bundle when it matches ``model_path``, else the same read from the skops model (logged)."""
    problem = inference_problem(model_path)
    if problem is None:
        try:
            return load_inference(model_path, check=False)
        except ModelError as e:
            problem = str(e)
    log.warning("classifier: loading %s with skops/scikit-learn (slow start): %s", Path(model_path).name, problem)
    return Model(*inference_spec(load_model(model_path)))


@lru_cache(maxsize=1)
def default_model() -> Model:
    return load_default(MODEL_PATH)
