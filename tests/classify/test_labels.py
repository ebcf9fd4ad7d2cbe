"""Labels, the labelled rows and the held-out split."""
from __future__ import annotations

import json

import pytest

from pipeline.classify.labels import GENRES, TOPICS, is_held_out, load_labels, row_problem, split, topic_matrix


def test_held_out_split_is_stable_and_about_a_fifth():
    ids = [f"x-{i:04d}" for i in range(2000)]
    first = [is_held_out(i) for i in ids]
    assert first == [is_held_out(i) for i in ids]
    assert 0.15 < sum(first) / len(ids) < 0.25
    train, held = split([{"id": i} for i in ids])
    assert len(train) + len(held) == len(ids) and all(is_held_out(r["id"]) for r in held)


GOOD = {"id": "t1", "text": "Chi bộ họp.", "topics": ["sinh_hoat_chi_bo"], "genre": "tin",
        "is_party_building": True}


@pytest.mark.parametrize(
    "change, problem",
    [
        ({}, None),
        ({"genre": None}, None),
        ({"topics": ["khac"], "is_party_building": False}, None),
        ({"topics": []}, "bad topics"),
        ({"topics": ["xay_dung"]}, "bad topics"),
        ({"topics": ["khac", "dan_van"], "is_party_building": False}, "khac mixed"),
        ({"genre": "phong_su"}, "bad genre"),
        ({"is_party_building": False}, "contradicts"),
        ({"text": "  "}, "no text"),
        ({"id": ""}, "no id"),
    ],
)
def test_label_row_check(change, problem):
    got = row_problem({**GOOD, **change})
    assert (got is None) if problem is None else (problem in got)


def test_load_labels_skips_bad_rows_and_duplicates(tmp_path, capsys):
    rows = [GOOD, {**GOOD, "text": "trùng id"}, {**GOOD, "id": "t0", "topics": ["nope"]}]
    (tmp_path / "x.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{oops\n", encoding="utf-8"
    )
    got = load_labels(tmp_path)
    assert [r["id"] for r in got] == ["t1"] and got[0]["text"] == "Chi bộ họp."
    err = capsys.readouterr().err
    assert "duplicate id" in err and "bad topics" in err and "bad JSON" in err


def test_shipped_labels_meet_the_issue():
    rows = load_labels()
    assert len(rows) >= 400
    for t in TOPICS:
        assert sum(t in r["topics"] for r in rows) >= 30, t
    assert sum(r["topics"] == ["khac"] for r in rows) >= 100
    assert all(r["genre"] in GENRES for r in rows if r["is_party_building"])


def test_topic_matrix():
    y = topic_matrix([["dang_vien", "can_bo"], ["khac"]])
    assert y.shape == (2, len(TOPICS))
    assert y[0].sum() == 2 and y[0, TOPICS.index("dang_vien")] == 1 and y[1].sum() == 0
