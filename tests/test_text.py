"""pipeline.text: the one normalisation, the one folding key, sentences and clauses of a Doc."""
from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline import decode, text
from pipeline.nlp import build_nlp


def test_decode_normalize_is_text_normalize():
    assert decode.normalize is text.normalize


# (printed, key): tone placement, case, the look-alike Ð, dashes and decomposed letters fold away
FOLD_SYLLABLE = [
    ("Hoá", "hóa"), ("THUỶ", "thủy"), ("uỷ", "ủy"), ("Ðảng", "đảng"), ("–", "-"), ("\u2212", "-"),
    (unicodedata.normalize("NFD", "Quảng"), "quảng"), ("qui", "quy"), ("quý", "quý"),
]


@pytest.mark.parametrize("printed,key", FOLD_SYLLABLE)
def test_fold_syllable(printed, key):
    assert text.fold_syllable(printed) == key


# (printed, key): a phrase keeps its punctuation, its white space collapses
FOLD = [
    ("Tỉnh uỷ  Thanh Hoá", "tỉnh ủy thanh hóa"),
    ("  Ban Tổ chức\nTỉnh ủy, ", "ban tổ chức tỉnh ủy,"),
    ("Đảng bộ Khối (cơ quan)", "đảng bộ khối (cơ quan)"),
]


@pytest.mark.parametrize("printed,key", FOLD)
def test_fold(printed, key):
    assert text.fold(printed) == key


def test_fold_can_keep_case():
    assert text.fold("Thanh Hoá", case=False) == "Thanh Hóa"


@given(st.text(alphabet="aăâeêioôơuưyđAĐ hoáòủyỳ-–.,\n", max_size=40))
def test_fold_is_idempotent_and_agrees_with_normalize(s):
    once = text.fold(s)
    assert text.fold(once) == once
    assert text.fold(text.normalize(s)) == once


# (text, span, clause): a clause ends at ! ? ; a newline or a full stop not inside a number
CLAUSES = [
    ("Chi bộ có 12 đảng viên; kết nạp 3 đảng viên.", "3", "kết nạp 3 đảng viên"),
    ("Tỷ lệ đạt 95.5% năm 2023. Năm sau tăng.", "95.5", "Tỷ lệ đạt 95.5% năm 2023"),
    ("Dòng một\nxã có 4 chi bộ", "4", "xã có 4 chi bộ"),
]


@pytest.mark.parametrize("sample,span,clause", CLAUSES)
def test_clause_bounds(sample, span, clause):
    start = sample.index(span)
    a, b = text.clause_bounds(sample, start, start + len(span))
    assert sample[a:b].strip() == clause


def test_sentence_spans_are_the_docs_sentences():
    nlp = build_nlp(components=[])
    sample = "Đảng bộ tỉnh có 120 chi bộ. Năm 2024 kết nạp 35 đảng viên.\nMột là, đổi mới sinh hoạt."
    doc = nlp.make_doc(sample)
    spans = list(text.sentence_spans(doc))
    assert [sample[a:b].strip() for a, b in spans] == [s.text.strip() for s in doc.sents]
    assert text.sentence_of(doc, sample.index("35"), sample.index("35") + 2).startswith("Năm 2024")


def test_clause_bounds_look_no_further_than_the_window():
    long = "15 đảng viên, " * 1000
    a, b = text.clause_bounds(long, 7000, 7012, window=600)
    assert (a, b) == (6400, 7612)  # no clause end within the window on either side
