"""The text form the classifier reads (invented sample lines)."""
from __future__ import annotations

import pytest

from pipeline.classify.features import MAX_FEATURE_CHARS, MAX_TITLE_CHARS, feature_text, make_features, tokenize_title


@pytest.mark.parametrize(
    "raw, want",
    [
        ("văn hoá", "văn hóa"),
        ("Thuỷ lợi", "thủy lợi"),
        ("HOÁ", "hóa"),
        # the tone stays where it is inside a longer syllable
        ("hoàng", "hoàng"),
        ("khoán", "khoán"),
        ("quyết", "quyết"),
    ],
)
def test_feature_text_places_tones_one_way(raw, want):
    assert feature_text(raw) == want


def test_feature_text_nfc_lowercase_and_cap():
    assert feature_text("Đảng vie\u0302\u0301n") == "đảng viến"  # ê + acute as combining marks
    assert feature_text("Chi_bộ HỌP") == "chi_bộ họp"
    assert len(feature_text("a " * 100_000)) == MAX_FEATURE_CHARS


@pytest.mark.parametrize("title", [None, "", "   ", "2023 - 45%", 12])
def test_tokenize_title_without_words_is_empty(title):
    assert tokenize_title(title) == ""


def test_tokenize_title_joins_words():
    got = tokenize_title("Kết nạp đảng viên mới ở xã vùng cao")
    assert "_" in got and got.replace("_", " ") == "Kết nạp đảng viên mới ở xã vùng cao"
    assert len(tokenize_title("chi bộ " * 200)) <= MAX_TITLE_CHARS


def test_tokenize_title_places_tones_one_way():
    assert "hóa" in tokenize_title("Văn hoá cơ sở ở thôn Bản Mới").lower()


def test_features_are_word_and_char_tfidf():
    union = make_features()
    assert [name for name, _ in union.transformer_list] == ["word", "char"]
    assert union.transformer_list[1][1].analyzer == "char_wb"


def test_qu_keeps_its_tone_on_the_vowel_after_it():
    """"qu" is one consonant: "quý" is not an old-style "uý" to move the tone of."""
    assert feature_text("Quý IV , quỹ đảng_phí") == "quý iv , quỹ đảng_phí"


def test_training_text_is_normalised_like_a_page():
    from pipeline.classify.features import tokenize_texts

    (got,) = tokenize_texts(["Văn hoá cơ sở\r\nthuỷ lợi"])
    assert "hóa" in got and "thủy" in got and "\r" not in got
