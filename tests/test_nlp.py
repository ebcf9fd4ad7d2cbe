"""underthesea inside a spaCy Doc: exact characters, words, sentences."""
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.nlp import align_tokens, build_nlp, sentence_of, tokenized_text


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(components=[])


TEXT = "Đảng bộ tỉnh có 65.052 đảng viên.  Nghị quyết số 21-NQ/TW ngày 16/6/2022 được quán triệt.\n\nMột là,thực hiện tốt công tác giáo dục chính trị."


def test_doc_keeps_exact_text(nlp):
    doc = nlp.make_doc(TEXT)
    assert doc.text == TEXT
    assert "đảng viên" in [t.text for t in doc]


def test_sentences_and_paragraphs(nlp):
    doc = nlp.make_doc(TEXT)
    sents = [s.text.strip() for s in doc.sents]
    assert sents[0] == "Đảng bộ tỉnh có 65.052 đảng viên."
    assert sents[-1].startswith("Một là")
    assert len(sents) == 3


def test_tokenized_text(nlp):
    doc = nlp.make_doc(TEXT)
    lines = tokenized_text(doc).split("\n")
    assert len(lines) == 3
    assert "đảng_viên" in lines[0].split()


def test_sentence_of(nlp):
    doc = nlp.make_doc(TEXT)
    start = TEXT.index("21-NQ/TW")
    assert sentence_of(doc, start, start + 8).startswith("Nghị quyết số 21-NQ/TW")


def test_align_tokens_tolerates_changed_characters():
    text = "Thanh Hoá  mới"
    spans = align_tokens(text, ["Thanh Hóa", "mới"], 0, len(text))
    assert [text[a:b] for a, b in spans] == ["Thanh Hoá", "mới"]


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=200))
def test_any_text_round_trips(text):
    nlp = build_nlp(components=[])
    assert nlp.make_doc(text).text == text


def test_word_count_skips_space_and_punctuation(nlp):
    from pipeline.nlp import word_count

    doc = nlp.make_doc(TEXT)
    assert word_count(doc) == sum(1 for t in doc if not t.is_space and not t.is_punct) > 0
    assert word_count(nlp.make_doc("")) == 0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["Đảng bộ", "có", "65.052", "đảng viên", ".", "  ", "\n", "\n\n", "Một là", ",", "chi  bộ", "Thứ\nnhất"]), max_size=30))
def test_tokenized_text_from_the_tokenizer_equals_the_sentences(nlp, parts):
    doc = nlp.make_doc(" ".join(parts))
    kept = doc.user_data.pop("tokenized_text")
    assert kept == tokenized_text(doc)  # recomputed from the Doc's tokens
    # and the same as reading the Doc's sentences one by one
    def form(word):  # inner spaces as "_", other white space runs as one "_"
        return re.sub(r"\s+", "_", word.replace(" ", "_"))

    lines = [" ".join(form(t.text) for t in sent if not t.is_space) for sent in doc.sents]
    assert kept == "\n".join(line for line in lines if line)
