"""``make train`` on a part of the labelled texts: deterministic, and the bundle it writes loads."""
from __future__ import annotations

import json

import numpy as np

from pipeline.classify.inference import inference_paths, inference_problem, load_inference
from pipeline.classify.labels import load_labels
from pipeline.classify.modelfile import load_model
from pipeline.classify.prediction import classify_tokenized
from pipeline.classify.training import main


def _arrays(model_path) -> dict[str, np.ndarray]:
    with np.load(inference_paths(model_path)[0], allow_pickle=False) as z:
        return {k: z[k] for k in z.files}


def test_training_is_deterministic_and_writes_a_loadable_bundle(tmp_path, capsys):
    labels = tmp_path / "labels"
    labels.mkdir()
    rows = load_labels()[::3]
    (labels / "part.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    first, second = tmp_path / "a" / "model.skops", tmp_path / "b" / "model.skops"
    for out in (first, second):
        assert main(["--labels", str(labels), "--out", str(out), "--no-select"]) == 0
    assert "wrote model_inference.npz" in capsys.readouterr().out
    a, b = _arrays(first), _arrays(second)
    assert sorted(a) == sorted(b) and all(np.array_equal(a[k], b[k]) for k in a)
    assert inference_problem(first) is None
    assert load_model(first)["train_ids"] == load_inference(first).info["train_ids"]
    got = classify_tokenized("Chi_bộ thôn tổ_chức sinh_hoạt chuyên_đề về kết_nạp đảng_viên .", load_inference(first))
    assert got["is_party_building"] is True
