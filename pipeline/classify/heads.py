"""Every head of the model as one coefficient matrix plus sigmoid calibrations (numpy only).

Each head is a LinearSVC calibrated with a sigmoid (``CalibratedClassifierCV``), so
its probabilities are a linear map and an ``expit``. ``heads_spec`` reads the fitted
estimators once (at export) and lays every coefficient vector side by side in ONE
matrix: the rows of a page (text, lead, title) are scored with one product. The
rules are scikit-learn 1.9's (``calibration._CalibratedClassifier.predict_proba``,
``_SigmoidCalibration.predict``, ``OneVsRestClassifier.predict_proba``):

* decision = X @ coef.T + intercept; calibrated = expit(-(a * decision + b));
* binary: column 1 is the calibrated score, column 0 is 1 - it;
* multi-class: one calibrated score per class, divided by the row sum (uniform
  1/n_classes when the sum is 0); values in (1, 1 + 1e-5] are set to 1;
* CalibratedClassifierCV averages its calibrated classifiers (one when
  ensemble=False); multi-label one-vs-rest keeps column 1 of each estimator.

tests/classify/test_heads.py checks these probabilities against scikit-learn's.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from pipeline.classify.labels import TOPICS
from pipeline.classify.modelfile import ModelError


@dataclass
class Part:
    """One ``_CalibratedClassifier``: its columns in the stacked matrix and sigmoids."""

    cols: np.ndarray  # column indices into the stacked decision matrix
    a: np.ndarray
    b: np.ndarray
    class_index: np.ndarray  # which class each column scores
    n_classes: int


@dataclass
class Head:
    parts: list[Part]  # averaged, like CalibratedClassifierCV.predict_proba
    classes: list

    def proba(self, D: np.ndarray) -> np.ndarray:
        """Calibrated probabilities (columns in ``classes`` order) from the decisions ``D``."""
        out = np.zeros((D.shape[0], len(self.classes)))
        for part in self.parts:
            p = _expit(-(part.a * D[:, part.cols] + part.b))
            proba = np.zeros((D.shape[0], part.n_classes))
            proba[:, part.class_index] = p
            if part.n_classes == 2:
                proba[:, 0] = 1.0 - proba[:, 1]
            else:
                den = proba.sum(axis=1)[:, np.newaxis]
                uniform = np.full_like(proba, 1 / part.n_classes)
                proba = np.divide(proba, den, out=uniform, where=den != 0)
            proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
            out += proba
        return out / len(self.parts)


def _expit(x: np.ndarray) -> np.ndarray:
    """``scipy.special.expit`` (1 / (1 + exp(-x))) in numpy."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


@dataclass
class Heads:
    """All heads: one coefficient matrix, its intercepts, and each head's columns."""

    W: np.ndarray  # (n_features, n_columns), float64
    intercept: np.ndarray  # (n_columns,)
    topics: list[Head]  # one binary head per topic (one-vs-rest, multi-label)
    pb: Head
    genre: Head
    main: Head

    @classmethod
    def from_spec(cls, layout: dict[str, Any], arrays) -> Heads:
        W, intercept = np.asarray(arrays["W"], dtype=np.float64), np.asarray(arrays["intercept"], dtype=np.float64)
        a, b = np.asarray(arrays["a"], dtype=np.float64), np.asarray(arrays["b"], dtype=np.float64)
        if W.ndim != 2 or intercept.shape != (W.shape[1],) or a.shape != intercept.shape or b.shape != a.shape:
            raise ModelError("head arrays of inconsistent shapes")

        def head(spec: dict[str, Any]) -> Head:
            parts = []
            for p in spec["parts"]:
                cols = np.asarray(p["cols"], dtype=np.intp)
                parts.append(Part(cols, a[cols], b[cols], np.asarray(p["class_index"], dtype=np.intp),
                                  int(p["n_classes"])))
            return Head(parts, list(spec["classes"]))

        if len(layout["topics"]) != len(TOPICS):
            raise ModelError("the topic head is not one-vs-rest over TOPICS")
        return cls(np.ascontiguousarray(W), intercept, [head(h) for h in layout["topics"]],
                   head(layout["is_party_building"]), head(layout["genre"]), head(layout["main"]))

    def decisions(self, X) -> np.ndarray:
        """Every decision column of every head for every row of ``X`` (``tfidf.Rows``)."""
        return X.dot(self.W) + self.intercept

    def topic_proba(self, D: np.ndarray) -> np.ndarray:
        """(rows, TOPICS): the one-vs-rest probability of each topic."""
        return np.column_stack([h.proba(D)[:, 1] for h in self.topics])


def heads_spec(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The heads of a fitted model bundle as (JSON layout, numpy arrays W/intercept/a/b)."""
    ovr = bundle["topics"]
    if not getattr(ovr, "multilabel_", False) or len(ovr.estimators_) != len(TOPICS):
        raise ModelError("the topic head is not a multi-label one-vs-rest over TOPICS")
    cols: list[np.ndarray] = []
    a_all: list[float] = []
    b_all: list[float] = []
    layout = {
        "topics": [_calibrated_spec(e, cols, a_all, b_all) for e in ovr.estimators_],
        "is_party_building": _calibrated_spec(bundle["is_party_building"], cols, a_all, b_all),
        "genre": _calibrated_spec(bundle["genre"], cols, a_all, b_all),
        "main": _calibrated_spec(bundle["main"], cols, a_all, b_all),
    }
    M = np.column_stack(cols)  # (n_features + 1, n_columns): last row the intercepts
    arrays = {
        "W": np.ascontiguousarray(M[:-1]),
        "intercept": M[-1].copy(),
        "a": np.array(a_all, dtype=np.float64),
        "b": np.array(b_all, dtype=np.float64),
    }
    return layout, arrays


def _calibrated_spec(est, cols: list[np.ndarray], a_all: list[float], b_all: list[float]) -> dict[str, Any]:
    """Append the columns of one CalibratedClassifierCV to ``cols`` (coef + intercept)."""
    from sklearn.calibration import _SigmoidCalibration

    if getattr(est, "method", "sigmoid") != "sigmoid":
        raise ModelError(f"cannot compile a {est.method!r} calibration; only sigmoid")
    classes = list(est.classes_)
    parts = []
    for cc in est.calibrated_classifiers_:
        svc = cc.estimator
        coef = np.atleast_2d(np.asarray(svc.coef_, dtype=np.float64))
        intercept = np.atleast_1d(np.asarray(svc.intercept_, dtype=np.float64))
        if not all(isinstance(c, _SigmoidCalibration) for c in cc.calibrators):
            raise ModelError("cannot compile a calibrator other than _SigmoidCalibration")
        if len(cc.calibrators) != coef.shape[0]:
            raise ModelError("calibrators do not match the estimator's decision columns")
        # binary: the one decision scores classes_[1]
        class_index = [1] if len(classes) == 2 else [classes.index(c) for c in svc.classes_][: coef.shape[0]]
        first = len(cols)
        for k in range(coef.shape[0]):
            cols.append(np.concatenate([coef[k], intercept[k : k + 1]]))
            a_all.append(float(cc.calibrators[k].a_))
            b_all.append(float(cc.calibrators[k].b_))
        parts.append({"cols": list(range(first, len(cols))), "class_index": [int(i) for i in class_index],
                      "n_classes": len(classes)})
    return {"classes": [c.item() if isinstance(c, np.generic) else c for c in classes], "parts": parts}
