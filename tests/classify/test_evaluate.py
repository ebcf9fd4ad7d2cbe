"""``make eval-classify``: its scoring helpers, and a run on the held-out split."""
from __future__ import annotations

import pytest

from pipeline.classify.evaluate import main, prf_table, strip_boilerplate


def test_prf_table_multilabel():
    rows = prf_table([{"a"}, {"a", "b"}, {"b"}], [{"a"}, {"a"}, {"a", "b"}], ["a", "b", "c"])
    by = {r[0]: r for r in rows}
    assert by["a"][1:] == (2, 2 / 3, 1.0, 0.8)
    assert by["b"][1] == 2 and by["b"][2] == 1.0 and by["b"][3] == 0.5
    assert by["c"][1] == 0
    assert by["macro"][4] == pytest.approx((0.8 + 2 / 3) / 2)  # c has no support: left out


def test_strip_boilerplate_drops_lines_holding_fragments():
    text = "Trang chủ | Tin tức\nChi bộ họp bàn nhiệm vụ.\nLượt xem: 12\n\nĐảng viên phát biểu."
    got = strip_boilerplate(text, ["Trang chủ", "Lượt xem:"])
    assert got == "Chi bộ họp bàn nhiệm vụ.\nĐảng viên phát biểu."


def test_eval_classify_on_the_held_out_split(tmp_path, capsys):
    assert main(["--shared", str(tmp_path / "none")]) == 0
    out = capsys.readouterr().out
    macro = float(out.split("TOPIC MACRO-F1 (held out):")[1].split()[0])
    assert macro >= 0.85, out
    assert "gold scoring skipped" in out
