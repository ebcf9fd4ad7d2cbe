"""The classifier's labels and the labelled texts of ``data/labels/*.jsonl``.

Row format and labelling rules: ``data/labels/README.md``. The held-out split is a
stable hash of the row id, so a row stays on its side whatever rows are added.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

TOPICS: tuple[str, ...] = (
    "to_chuc_co_so_dang",
    "sinh_hoat_chi_bo",
    "dang_vien",
    "can_bo",
    "chinh_tri_tu_tuong",
    "kiem_tra_giam_sat",
    "chinh_don_dang",
    "dan_van",
)
KHAC = "khac"
ALL_TOPICS: tuple[str, ...] = TOPICS + (KHAC,)
GENRES: tuple[str, ...] = ("tin", "bai_viet")

REPO = Path(__file__).resolve().parents[2]
LABELS_DIR = REPO / "data" / "labels"
HELD_OUT_PERCENT = 20


def is_held_out(row_id: str, percent: int = HELD_OUT_PERCENT) -> bool:
    """Stable split: the same id is always on the same side, whatever else changes."""
    h = int(hashlib.sha1(str(row_id).encode("utf-8")).hexdigest()[:8], 16)
    return h % 100 < percent


def split(rows: list[dict[str, Any]]) -> tuple[list[dict], list[dict]]:
    """(training rows, held-out rows)."""
    return [r for r in rows if not is_held_out(r["id"])], [r for r in rows if is_held_out(r["id"])]


def load_labels(folder: Path = LABELS_DIR) -> list[dict[str, Any]]:
    """Every valid row of every ``*.jsonl`` in ``folder``, sorted by id; bad rows reported."""
    rows: dict[str, dict[str, Any]] = {}
    for path in sorted(Path(folder).glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
                problem = row_problem(r)
            except json.JSONDecodeError as e:
                problem = f"bad JSON ({e.msg})"
            if problem is None and r["id"] in rows:
                problem = f"duplicate id {r['id']}"
            if problem:
                print(f"skipped {path.name}:{n}: {problem}", file=sys.stderr)
                continue
            rows[r["id"]] = r
    return [rows[k] for k in sorted(rows)]


def row_problem(r: Any) -> str | None:
    """What is wrong with one labelled row (None: nothing)."""
    if not isinstance(r, dict):
        return "not an object"
    if not isinstance(r.get("id"), str) or not r["id"]:
        return "no id"
    if not isinstance(r.get("text"), str) or not r["text"].strip():
        return "no text"
    topics = r.get("topics")
    if not isinstance(topics, list) or not topics or any(t not in ALL_TOPICS for t in topics):
        return f"bad topics {topics!r}"
    if KHAC in topics and len(topics) > 1:
        return "khac mixed with other topics"
    if r.get("genre") not in (*GENRES, None):
        return f"bad genre {r.get('genre')!r}"
    if not isinstance(r.get("is_party_building"), bool):
        return "is_party_building not a bool"
    if r["is_party_building"] == (topics == [KHAC]):
        return "is_party_building contradicts topics"
    return None


def topic_matrix(topic_lists: list[list[str]]) -> np.ndarray:
    """Rows of 0/1 over TOPICS (``khac`` is the all-zero row)."""
    y = np.zeros((len(topic_lists), len(TOPICS)), dtype=np.int64)
    for i, topics in enumerate(topic_lists):
        for t in topics:
            if t in TOPICS:
                y[i, TOPICS.index(t)] = 1
    return y
