"""Train the classifier from ``data/labels/*.jsonl``; write ``model.skops`` and its
inference bundle (``model_inference.npz`` + ``.json``).

    python -m pipeline.classify.training [--labels data/labels] [--out pipeline/classify/model.skops]

Estimators: each head a LinearSVC calibrated with a sigmoid (``CalibratedClassifierCV``,
so scores are probabilities): the topics one-vs-rest, is_party_building, genre, and
the main topic (multi-class over the first topic of the party-building rows).

Deterministic: rows are sorted by id, the held-out split is a stable hash of the id
(``labels.is_held_out``), the SVMs have a fixed seed and the folds a fixed shuffle.
The held-out rows are never seen here: the regularisation strength is chosen by
3-fold cross-validation on the training rows, and the shipped model is fitted on the
training rows only, so ``evaluate`` measures it honestly.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify.features import feature_text, make_features, tokenize_texts
from pipeline.classify.labels import (
    ALL_TOPICS, GENRES, HELD_OUT_PERCENT, LABELS_DIR, load_labels, split, topic_matrix,
)
from pipeline.classify.modelfile import MODEL_PATH, save_model
from pipeline.classify.prediction import SECONDARY_THRESHOLD

C_GRID = (0.1, 0.3, 1.0)


def make_binary(C: float = 0.5):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    svc = LinearSVC(C=C, class_weight="balanced", random_state=0)
    # ensemble=False: one SVC fitted on all rows, calibrated on cross-validated
    # decisions -> one coefficient vector per label (small file, readable evidence)
    return CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)


def make_topic_model(C: float = 0.5):
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(make_binary(C))


def fit_heads(X, rows: list[dict], C_topic: float, C_pb: float, C_genre: float) -> dict[str, Any]:
    """The four fitted heads over the feature rows ``X`` of ``rows``."""
    y_pb = np.array([int(r["is_party_building"]) for r in rows])
    g_idx = [i for i, r in enumerate(rows) if r.get("genre") in GENRES]
    p_idx = [i for i, r in enumerate(rows) if r["is_party_building"]]
    return {
        "topics": make_topic_model(C_topic).fit(X, topic_matrix([r["topics"] for r in rows])),
        "is_party_building": make_binary(C_pb).fit(X, y_pb),
        "genre": make_binary(C_genre).fit(X[g_idx], np.array([rows[i]["genre"] for i in g_idx])),
        "main": make_binary(C_topic).fit(X[p_idx], np.array([rows[i]["topics"][0] for i in p_idx])),
    }


def _cv_scores(texts: list[str], rows: list[dict]) -> dict[str, dict[float, list[float]]]:
    """Macro-F1 of each head for each C on each of 3 folds of the training rows."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold

    y_topics = topic_matrix([r["topics"] for r in rows])
    y_pb = np.array([int(r["is_party_building"]) for r in rows])
    genre = np.array([r.get("genre") or "" for r in rows])
    scores: dict[str, dict[float, list[float]]] = {h: {C: [] for C in C_GRID} for h in ("topic", "pb", "genre")}
    for tr, te in KFold(n_splits=3, shuffle=True, random_state=0).split(texts):
        feats = make_features().fit([texts[i] for i in tr])
        Xtr, Xte = feats.transform([texts[i] for i in tr]), feats.transform([texts[i] for i in te])
        gtr = [i for i, j in enumerate(tr) if genre[j]]
        gte = [i for i, j in enumerate(te) if genre[j]]
        for C in C_GRID:
            if y_topics[tr].min(axis=0).max() == 0 and y_topics[tr].max(axis=0).min() == 1:
                t = make_topic_model(C).fit(Xtr, y_topics[tr])
                pred = (t.predict_proba(Xte) >= SECONDARY_THRESHOLD).astype(int)
                scores["topic"][C].append(f1_score(y_topics[te], pred, average="macro", zero_division=0))
            b = make_binary(C).fit(Xtr, y_pb[tr])
            scores["pb"][C].append(f1_score(y_pb[te], b.predict(Xte), average="macro", zero_division=0))
            g = make_binary(C).fit(Xtr[gtr], genre[tr][gtr])
            scores["genre"][C].append(f1_score(genre[te][gte], g.predict(Xte[gte]), average="macro", zero_division=0))
    return scores


def select_C(texts: list[str], rows: list[dict]) -> dict[str, float]:
    """The C of each head with the best mean cross-validated macro-F1 (ties: nearest 0.3)."""
    best = {}
    for head, by_c in _cv_scores(texts, rows).items():
        means = {C: float(np.mean(v)) if v else 0.0 for C, v in by_c.items()}
        best[head] = max(C_GRID, key=lambda C: (round(means[C], 4), -abs(np.log(C / 0.3))))
        shown = "  ".join(f"C={C}: {m:.3f}" for C, m in means.items())
        print(f"  cv macro-F1 {head:6s} {shown}  -> C={best[head]}")
    return best


def train(labels: Path = LABELS_DIR, out: Path = MODEL_PATH, select: bool = True) -> dict[str, Any]:
    t0 = time.time()
    rows = load_labels(labels)
    train_rows, held = split(rows)
    print(f"{len(rows)} labelled texts: {len(train_rows)} train, {len(held)} held out (never seen here)")
    texts = [feature_text(t) for t in tokenize_texts([r["text"] for r in train_rows])]
    print(f"  tokenized in {time.time() - t0:.1f}s")
    C = select_C(texts, train_rows) if select else {"topic": 0.3, "pb": 0.3, "genre": 0.3}
    features = make_features().fit(texts)
    X = features.transform(texts)
    bundle = {
        "features": features,
        **fit_heads(X, train_rows, C["topic"], C["pb"], C["genre"]),
        "params": {f"C_{k}": float(v) for k, v in C.items()},
        "held_out_percent": HELD_OUT_PERCENT,
        "train_ids": [r["id"] for r in train_rows],
        "train_label_counts": {t: sum(t in r["topics"] for r in train_rows) for t in ALL_TOPICS},
        "n_features": int(X.shape[1]),
    }
    save_model(bundle, Path(out))
    print(f"wrote {out} ({Path(out).stat().st_size / 1e6:.1f} MB, {X.shape[1]} features) in {time.time() - t0:.1f}s")
    from pipeline.classify.export import export

    export(Path(out))  # what workers load; used only while its sha256 matches this model.skops
    return bundle


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS_DIR)
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--no-select", action="store_true", help="skip the C grid search")
    a = ap.parse_args(argv)
    train(a.labels, a.out, select=not a.no_select)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
