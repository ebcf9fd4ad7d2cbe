"""Train the classifier from ``data/labels/*.jsonl`` and write ``model.skops``
and its inference bundle (``model_inference.npz`` + ``.json``, see ``export``).

    python -m pipeline.classify.train [--labels data/labels] [--out pipeline/classify/model.skops]

Deterministic: rows are sorted by id, the held-out split is a stable hash of the
id (``is_held_out``), the SVMs have a fixed seed and the cross-validation folds are
not shuffled. The held-out rows are never seen here: the regularisation strength
is chosen by 3-fold cross-validation on the training rows only, and the shipped
model is fitted on the training rows only, so ``evaluate`` measures it honestly.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from pipeline.classify import model as M

REPO = Path(__file__).resolve().parents[2]
LABELS_DIR = REPO / "data" / "labels"
HELD_OUT_PERCENT = 20
C_GRID = (0.1, 0.3, 1.0)


def is_held_out(row_id: str, percent: int = HELD_OUT_PERCENT) -> bool:
    """Stable split: the same id is always on the same side, whatever else changes."""
    h = int(hashlib.sha1(str(row_id).encode("utf-8")).hexdigest()[:8], 16)
    return h % 100 < percent


def load_labels(folder: Path = LABELS_DIR) -> list[dict[str, Any]]:
    """Every valid row of every ``*.jsonl`` in ``folder``, sorted by id; bad rows reported."""
    rows: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                problem = _check(r)
            except json.JSONDecodeError as e:
                problem = f"bad JSON ({e.msg})"
            if problem:
                print(f"skipped {path.name}:{n}: {problem}", file=sys.stderr)
                continue
            if r["id"] in rows:
                print(f"skipped {path.name}:{n}: duplicate id {r['id']}", file=sys.stderr)
                continue
            rows[r["id"]] = r
    return [rows[k] for k in sorted(rows)]


def _check(r: Any) -> str | None:
    if not isinstance(r, dict):
        return "not an object"
    if not isinstance(r.get("id"), str) or not r["id"]:
        return "no id"
    if not isinstance(r.get("text"), str) or not r["text"].strip():
        return "no text"
    topics = r.get("topics")
    if not isinstance(topics, list) or not topics or any(t not in M.ALL_TOPICS for t in topics):
        return f"bad topics {topics!r}"
    if M.KHAC in topics and len(topics) > 1:
        return "khac mixed with other topics"
    if r.get("genre") not in (*M.GENRES, None):
        return f"bad genre {r.get('genre')!r}"
    if not isinstance(r.get("is_party_building"), bool):
        return "is_party_building not a bool"
    if r["is_party_building"] == (topics == [M.KHAC]):
        return "is_party_building contradicts topics"
    return None


def split(rows: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    train = [r for r in rows if not is_held_out(r["id"])]
    held = [r for r in rows if is_held_out(r["id"])]
    return train, held


def _fit_all(X, rows: list[dict], C_topic: float, C_pb: float, C_genre: float) -> dict[str, Any]:
    y_topics = M.topic_matrix([r["topics"] for r in rows])
    y_pb = np.array([int(r["is_party_building"]) for r in rows])
    g_idx = [i for i, r in enumerate(rows) if r.get("genre") in M.GENRES]
    y_genre = np.array([rows[i]["genre"] for i in g_idx])
    topics = M.make_topic_model(C_topic).fit(X, y_topics)
    pb = M.make_binary(C_pb).fit(X, y_pb)
    genre = M.make_binary(C_genre).fit(X[g_idx], y_genre)
    p_idx = [i for i, r in enumerate(rows) if r["is_party_building"]]
    main = M.make_main_model(C_topic).fit(X[p_idx], np.array([rows[i]["topics"][0] for i in p_idx]))
    return {"topics": topics, "is_party_building": pb, "genre": genre, "main": main}


def _select_C(texts: list[str], rows: list[dict]) -> dict[str, float]:
    """3-fold CV on the training rows: macro-F1 of each head for each C."""
    from sklearn.metrics import f1_score
    from sklearn.model_selection import KFold

    y_topics = M.topic_matrix([r["topics"] for r in rows])
    y_pb = np.array([int(r["is_party_building"]) for r in rows])
    genre = np.array([r.get("genre") or "" for r in rows])
    scores = {h: {C: [] for C in C_GRID} for h in ("topic", "pb", "genre")}
    folds = KFold(n_splits=3, shuffle=True, random_state=0).split(texts)
    for tr, te in folds:
        feats = M.make_features().fit([texts[i] for i in tr])
        Xtr = feats.transform([texts[i] for i in tr])
        Xte = feats.transform([texts[i] for i in te])
        for C in C_GRID:
            if y_topics[tr].min(axis=0).max() == 0 and y_topics[tr].max(axis=0).min() == 1:
                t = M.make_topic_model(C).fit(Xtr, y_topics[tr])
                pred = (t.predict_proba(Xte) >= M.SECONDARY_THRESHOLD).astype(int)
                scores["topic"][C].append(f1_score(y_topics[te], pred, average="macro", zero_division=0))
            b = M.make_binary(C).fit(Xtr, y_pb[tr])
            scores["pb"][C].append(f1_score(y_pb[te], b.predict(Xte), average="macro", zero_division=0))
            gtr = [i for i, j in enumerate(tr) if genre[j]]
            gte = [i for i, j in enumerate(te) if genre[j]]
            g = M.make_binary(C).fit(Xtr[gtr], genre[tr][gtr])
            scores["genre"][C].append(
                f1_score(genre[te][gte], g.predict(Xte[gte]), average="macro", zero_division=0)
            )
    best = {}
    for head, by_c in scores.items():
        means = {C: float(np.mean(v)) if v else 0.0 for C, v in by_c.items()}
        best[head] = max(C_GRID, key=lambda C: (round(means[C], 4), -abs(np.log(C / 0.3))))
        shown = "  ".join(f"C={C}: {m:.3f}" for C, m in means.items())
        print(f"  cv macro-F1 {head:6s} {shown}  -> C={best[head]}")
    return best


def train(labels: Path = LABELS_DIR, out: Path = M.MODEL_PATH, select: bool = True) -> dict[str, Any]:
    t0 = time.time()
    rows = load_labels(labels)
    train_rows, held = split(rows)
    print(f"{len(rows)} labelled texts: {len(train_rows)} train, {len(held)} held out (never seen here)")
    texts = [M.feature_text(t) for t in M.tokenize_texts([r["text"] for r in train_rows])]
    print(f"  tokenized in {time.time() - t0:.1f}s")
    C = _select_C(texts, train_rows) if select else {"topic": 0.3, "pb": 0.3, "genre": 0.3}
    features = M.make_features().fit(texts)
    X = features.transform(texts)
    heads = _fit_all(X, train_rows, C["topic"], C["pb"], C["genre"])
    counts = {t: sum(t in r["topics"] for r in train_rows) for t in M.ALL_TOPICS}
    bundle = {
        "features": features,
        **heads,
        "params": {f"C_{k}": float(v) for k, v in C.items()},
        "held_out_percent": HELD_OUT_PERCENT,
        "train_ids": [r["id"] for r in train_rows],
        "train_label_counts": counts,
        "n_features": int(X.shape[1]),
    }
    M.save_model(bundle, Path(out))
    size = Path(out).stat().st_size / 1e6
    print(f"wrote {out} ({size:.1f} MB, {X.shape[1]} features) in {time.time() - t0:.1f}s")
    # what workers load without scikit-learn; default_model() ignores it unless it
    # was exported from this very model.skops (sha256)
    from pipeline.classify.export import export

    export(Path(out))
    return bundle


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS_DIR)
    ap.add_argument("--out", type=Path, default=M.MODEL_PATH)
    ap.add_argument("--no-select", action="store_true", help="skip the C grid search")
    a = ap.parse_args(argv)
    train(a.labels, a.out, select=not a.no_select)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
