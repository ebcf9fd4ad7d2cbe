"""Score the shipped classifier.

    python -m pipeline.classify.evaluate [--labels data/labels] [--shared ../shared]

1. The held-out split of ``data/labels`` (the stable id hash of ``labels.is_held_out``;
   the shipped model was fitted without these rows): per-label precision, recall and
   F1 for the topics (multi-label, ``khac`` included) with their macro-F1, main-topic
   accuracy, genre and ``is_party_building``.
2. ``<shared>/gold`` when present (``SHARED_DIR``, default ``<repo>/../shared``): each
   seed text with its gold boilerplate lines removed, as a stand-in for cleaning,
   and its gold title (which steers the main topic as in the pipeline), against the gold main topic, topic set, genre and relevance.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from pipeline.classify.features import tokenize_texts, tokenize_titles
from pipeline.classify.inference import Model, load_default
from pipeline.classify.labels import ALL_TOPICS, GENRES, KHAC, LABELS_DIR, REPO, load_labels, split
from pipeline.classify.modelfile import MODEL_PATH
from pipeline.classify.prediction import predict

SHARED = Path(os.environ.get("SHARED_DIR", REPO / ".." / "shared"))


def prf_table(gold: list[set[str]], pred: list[set[str]], labels: list[str]) -> list[tuple]:
    """(label, support, P, R, F1) rows over set-valued gold/pred, plus a macro row."""
    rows = []
    for lab in labels:
        tp = sum(lab in g and lab in p for g, p in zip(gold, pred))
        fp = sum(lab not in g and lab in p for g, p in zip(gold, pred))
        fn = sum(lab in g and lab not in p for g, p in zip(gold, pred))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
        rows.append((lab, tp + fn, prec, rec, f1))
    scored = [r for r in rows if r[1] > 0]
    n = len(scored) or 1
    rows.append(
        ("macro", sum(r[1] for r in rows), sum(r[2] for r in scored) / n,
         sum(r[3] for r in scored) / n, sum(r[4] for r in scored) / n)
    )
    return rows


def print_table(title: str, rows: list[tuple]) -> None:
    print(f"\n{title}")
    print(f"  {'label':22s} {'n':>4s} {'P':>6s} {'R':>6s} {'F1':>6s}")
    for lab, n, p, r, f in rows:
        print(f"  {lab:22s} {n:4d} {p:6.3f} {r:6.3f} {f:6.3f}")


def evaluate_rows(model: Model, rows: list[dict[str, Any]]) -> dict[str, Any]:
    titles = tokenize_titles([r.get("title") for r in rows])
    preds = predict(model, tokenize_texts([r["text"] for r in rows]), titles)
    topics = prf_table([set(r["topics"]) for r in rows], [set(p["topics"]) for p in preds], list(ALL_TOPICS))
    main_ok = sum(r["topics"][0] == p["topic"] for r, p in zip(rows, preds))
    g_rows = [(r, p) for r, p in zip(rows, preds) if r.get("genre")]
    genre = prf_table([{r["genre"]} for r, _ in g_rows], [{p["genre"]} for _, p in g_rows], list(GENRES))
    pb = prf_table(
        [{str(r["is_party_building"])} for r in rows], [{str(p["is_party_building"])} for p in preds],
        ["True", "False"],
    )
    errors = [
        (r["id"], r["topics"], p["topics"]) for r, p in zip(rows, preds) if set(r["topics"]) != set(p["topics"])
    ]
    return {"topics": topics, "main_accuracy": main_ok / max(len(rows), 1), "genre": genre,
            "is_party_building": pb, "n": len(rows), "errors": errors}


def strip_boilerplate(text: str, boilerplate: list[str]) -> str:
    """Drop each line holding (or held by) a gold boilerplate fragment."""
    frags = [b.strip() for b in boilerplate if b and b.strip()]
    keep = []
    for line in text.splitlines():
        s = line.strip()
        if not s or any(f in s or (len(s) > 3 and s in f) for f in frags):
            continue
        keep.append(s)
    return "\n".join(keep)


def evaluate_gold(model: Model, shared: Path) -> list[dict[str, Any]] | None:
    gold_dir, seeds = shared / "gold", shared / "seeds"
    if not gold_dir.is_dir() or not seeds.is_dir():
        return None
    items = []
    for g in sorted(gold_dir.glob("*.json")):
        gold = json.loads(g.read_text(encoding="utf-8"))
        seed = seeds / gold.get("doc", g.with_suffix(".txt").name)
        if not seed.exists() or not gold.get("topics"):
            continue
        text = strip_boilerplate(seed.read_text(encoding="utf-8"), gold.get("boilerplate") or [])
        items.append((g.stem, gold, text))
    titles = tokenize_titles([gold.get("title") for _, gold, _ in items])
    preds = predict(model, tokenize_texts([t for _, _, t in items]), titles)
    out = []
    for (name, gold, _), p in zip(items, preds):
        out.append({
            "doc": name,
            "gold_topics": gold["topics"], "pred_topics": p["topics"],
            "main_ok": gold["topics"][0] == p["topic"],
            "gold_genre": gold.get("genre"), "pred_genre": p["genre"],
            "gold_pb": gold["topics"] != [KHAC], "pred_pb": p["is_party_building"],
            "scores": p["topic_scores"], "evidence": p["topic_evidence"],
        })
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--labels", type=Path, default=LABELS_DIR)
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--model", type=Path, default=MODEL_PATH)
    ap.add_argument("--show-errors", action="store_true")
    a = ap.parse_args(argv)

    model = load_default(a.model)
    rows = load_labels(a.labels)
    _, held = split(rows)
    leaked = set(model.info.get("train_ids", [])) & {r["id"] for r in held}
    if leaked:
        print(f"error: {len(leaked)} held-out ids were used in training", file=sys.stderr)
        return 1
    unseen = {r["id"] for r in rows} - set(model.info.get("train_ids", [])) - {r["id"] for r in held}
    if unseen:
        print(f"note: {len(unseen)} training rows are newer than the model: run `make train`")

    res = evaluate_rows(model, held)
    print(f"held-out split: {res['n']} texts (model trained on {len(model.info.get('train_ids', []))})")
    print_table("topics (multi-label, per label)", res["topics"])
    print(f"\n  main topic accuracy: {res['main_accuracy']:.3f}")
    print_table("genre", res["genre"])
    print_table("is_party_building", res["is_party_building"])
    print(f"\nTOPIC MACRO-F1 (held out): {res['topics'][-1][4]:.3f}  (target >= 0.85)")
    if a.show_errors:
        for e in res["errors"]:
            print("  miss", *e)

    gold = evaluate_gold(model, a.shared)
    if gold is None:
        print(f"\n{a.shared}/gold not found: gold scoring skipped")
        return 0
    print(f"\n{a.shared}/gold ({len(gold)} seeds, boilerplate lines removed)")
    print(f"  {'doc':24s} {'main':5s} {'pb':5s} {'genre':14s} gold topics -> predicted topics")
    for g in gold:
        print(f"  {g['doc']:24s} {'ok' if g['main_ok'] else 'MISS':5s} "
              f"{'ok' if g['gold_pb'] == g['pred_pb'] else 'MISS':5s} "
              f"{g['gold_genre'] or '-':>8s}/{g['pred_genre'] or '-':<8s} {g['gold_topics']} -> {g['pred_topics']}")
        print(f"  {'':24s} evidence: {', '.join(g['evidence'])}")
    gold_sets = prf_table([set(g["gold_topics"]) for g in gold], [set(g["pred_topics"]) for g in gold],
                          list(ALL_TOPICS))
    print(f"\n  main topic right: {sum(g['main_ok'] for g in gold)}/{len(gold)}; "
          f"is_party_building right: {sum(g['gold_pb'] == g['pred_pb'] for g in gold)}/{len(gold)}; "
          f"genre right: {sum(g['gold_genre'] == g['pred_genre'] for g in gold)}/{len(gold)}")
    print_table("gold topic sets (per label; macro over labels present in gold)", gold_sets)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
