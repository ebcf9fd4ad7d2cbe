"""pipeline.segment gives exactly underthesea.word_tokenize's words, faster."""
import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from underthesea import word_tokenize
from underthesea.pipeline.word_tokenize.regex_tokenize import tokenize

from pipeline import segment as seg
from pipeline.clean import clean_page
from pipeline.decode import decode, normalize
from pipeline.sources import Page, iter_pages

# sentences the templates' edges and functions see differently: one, two and three
# tokens (BOS and EOS in one window), digits that are and are not an i32, title case
# of digits and punctuation, words spelled like the sentinels, repeated n-grams
EDGE_CASES = [
    "",
    "Đảng",
    "chi bộ",
    "Bí thư Chi bộ",
    "BOS EOS BOS",
    "2147483647 đảng viên và 2147483648 đảng viên, -12 và +12 chi bộ",
    "Năm 2024 có 1.356 đảng viên; tỷ lệ 96,3%.",
    "Nghị quyết số 21-NQ/TW ngày 16/6/2022 của Ban Chấp hành Trung ương.",
    "chi bộ chi bộ chi bộ chi bộ chi bộ chi bộ",
    "ĐẢNG BỘ TỈNH LÃNH ĐẠO THỰC HIỆN NGHỊ QUYẾT",
    "(1) “Đảng viên đi trước, làng nước theo sau” - lời Bác.",
    "H'Mông, Ê-đê và Xơ-đăng ở xã Ia Grai; e-mail: banbientap@example.vn",
    "Thứ nhất , nâng cao chất lượng sinh hoạt chi bộ .",
    "Hoà, hóa, thuỷ, thủy: dấu cũ và dấu mới.",
    "Mã 00000000000042 và số " + "7" * 5000 + " đảng viên",  # leading zeros; a run longer than int() converts
]


def sample_paragraphs() -> list[str]:
    from pathlib import Path

    raw = Path(__file__).resolve().parents[1] / "data" / "raw"
    out = []
    for page in iter_pages([raw]):
        if isinstance(page, Page):
            text, _ = decode(page.data, page.charset, html=page.kind == "html")
            out.extend(p for p in clean_page(normalize(text), page.kind, page.url).text.split("\n") if p.strip())
    return out


@pytest.mark.parametrize("text", EDGE_CASES)
def test_edge_cases_match_word_tokenize(text):
    assert seg.segment(text) == word_tokenize(text)


def test_every_sample_paragraph_matches_word_tokenize():
    paragraphs = sample_paragraphs()
    assert len(paragraphs) > 100
    assert seg.segment_many(paragraphs) == [word_tokenize(p) for p in paragraphs]


def test_whole_pages_at_once_match_word_tokenize():
    # one long sequence: every n-gram table is used far from a sentence edge too
    text = " ".join(sample_paragraphs()[:40])
    assert seg.segment(text) == word_tokenize(text)


def test_syllables_are_underthesea_tokens():
    for text in EDGE_CASES + sample_paragraphs()[:50]:
        assert seg.syllables(text) == tokenize(text)


SYLLABLES = ["Đảng", "đảng", "viên", "chi", "bộ", "Chi", "Bộ", "Nghị", "quyết", "số", "21-NQ/TW",
             "ngày", "16/6/2022", "65.052", "470", "Thứ", "nhất", ",", ".", ":", "(", ")", "“", "”",
             "Hà", "Nội", "tỉnh", "ủy", "Ủy", "ban", "kiểm", "tra", "BOS", "EOS", "0", "-3", "x"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(SYLLABLES), max_size=12).map(" ".join), max_size=6))
def test_generated_sentences_match_word_tokenize(sentences):
    assert seg.segment_many(sentences) == [word_tokenize(s) for s in sentences]


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=60))
def test_any_text_matches_word_tokenize(text):
    assert seg.segment(text) == word_tokenize(text)


def test_cache_limit_keeps_results(monkeypatch):
    # a small limit makes the n-gram tables start again many times within one call
    model = seg.load_scorer(seg._model_dir())
    monkeypatch.setattr(seg, "_CACHE_LIMIT", 7)
    monkeypatch.setattr(seg, "scorer", lambda: model)
    paragraphs = sample_paragraphs()[:30]
    assert seg.segment_many(paragraphs) == [word_tokenize(p) for p in paragraphs]


def test_model_file_is_read(tmp_path):
    labels, attrs, features = seg.read_crfsuite(seg._model_dir() / "models.bin")
    assert labels == ["B-W", "I-W"]
    assert {"T[0,1].is_in_dict=False", "T[-1,0].lower=chi bộ"} <= set(attrs)
    assert set(features["type"].tolist()) == {0, 1}


def test_not_a_model_is_a_clear_error(tmp_path):
    bad = tmp_path / "models.bin"
    bad.write_bytes(b"<html>not a model</html>" + bytes(64))
    with pytest.raises(ValueError, match="models.bin: not a CRFsuite model"):
        seg.read_crfsuite(bad)
    bad.write_bytes(struct.pack("<4sI4sIIIIIIIII", b"lCRF", 0, b"FOMC", 100, 0, 2, 0, 48, 48, 48, 48, 48) + b"JUNK" * 8)
    with pytest.raises(ValueError, match="models.bin: string table at 48 is not a CQDB"):
        seg.read_crfsuite(bad)


def test_unreadable_model_falls_back_to_word_tokenize(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(seg, "_model_dir", lambda: tmp_path)
    seg.scorer.cache_clear()
    try:
        with caplog.at_level("WARNING"):
            assert seg.scorer() is None
            assert seg.segment(EDGE_CASES[7]) == word_tokenize(EDGE_CASES[7])
        assert "falls back to underthesea.word_tokenize" in caplog.text
    finally:
        seg.scorer.cache_clear()
