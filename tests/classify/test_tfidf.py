"""``tfidf.Tfidf`` gives exactly scikit-learn's ``features.transform``, bit for bit."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify import tfidf
from pipeline.classify.modelfile import ModelError
from pipeline.classify.tfidf import COUNTERS, Rows, Tfidf, feature_spec


@pytest.fixture(scope="module")
def union(fitted):
    return fitted["features"]


@pytest.fixture(scope="module")
def fast(union) -> Tfidf:
    return Tfidf(*feature_spec(union))


def _assert_same_features(union, fast: Tfidf, rows: list[str]) -> None:
    want = union.transform(rows).tocsr()
    got = fast.transform(rows)
    assert isinstance(got, Rows)
    assert got.shape == want.shape and got.data.dtype == want.dtype
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)  # bit for bit, not only close


def test_features_are_sklearns(union, fast, labelled_texts, page_rows):
    rows = list(labelled_texts) + page_rows
    rows += ["", "   ", "a", "đảng", "xin  chào\n\n thế_giới\t", "\x1c\x1cab\u2003cd", "1 2 3", "ặ" * 400]
    _assert_same_features(union, fast, rows)
    _assert_same_features(union, fast, rows[:1])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.text(max_size=200), min_size=1, max_size=4))
def test_features_on_arbitrary_text(union, fast, rows):
    _assert_same_features(union, fast, rows)


def test_word_cache_is_bounded(union, fast, monkeypatch, labelled_texts):
    counter = fast.parts[1].counter
    monkeypatch.setattr(tfidf, "WORD_CACHE_SIZE", 50)
    counter.cache.clear()
    _assert_same_features(union, fast, labelled_texts[:20])
    assert len(counter.cache) <= 50


@pytest.mark.parametrize(
    "vec",
    ["hashing", {"binary": True}, {"strip_accents": "unicode"}, {"analyzer": "char"}, {"stop_words": ["và"]},
     {"norm": "l1"}],
)
def test_feature_spec_refuses_what_it_cannot_reproduce(union, vec):
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    if vec == "hashing":
        part = HashingVectorizer(n_features=64)
    else:
        part = TfidfVectorizer(**vec).fit(["chi_bộ họp định_kỳ", "đảng_viên mới"])
    with pytest.raises(ModelError, match="cannot export"):
        feature_spec(FeatureUnion([("h", part), ("word", copy.deepcopy(union.transformer_list[0][1]))]))


# ------------------------------------------------------------------ analyzers

ANALYZER_SETTINGS = [
    {"analyzer": "word", "token_pattern": r"(?u)[^\W\d_][\w]*", "ngram_range": [1, 2]},
    {"analyzer": "word", "ngram_range": [1, 3], "lowercase": True},
    {"analyzer": "word", "ngram_range": [2, 2]},
    {"analyzer": "word", "token_pattern": r"(\w+)_", "ngram_range": [1, 1]},
    {"analyzer": "char_wb", "ngram_range": [2, 5]},
    {"analyzer": "char_wb", "ngram_range": [3, 3], "lowercase": True},
]


def _both(settings_: dict):
    from sklearn.feature_extraction.text import TfidfVectorizer

    spec = {"name": "x", "token_pattern": r"(?u)\b\w\w+\b", "ngram_range": [1, 1], "lowercase": False, **settings_}
    ours = COUNTERS[spec["analyzer"]](spec, {})
    theirs = TfidfVectorizer(
        analyzer=spec["analyzer"], token_pattern=spec["token_pattern"],
        ngram_range=tuple(spec["ngram_range"]), lowercase=spec["lowercase"],
    ).build_analyzer()
    return ours, theirs


@pytest.mark.parametrize("settings_", ANALYZER_SETTINGS)
def test_analyzers_are_sklearns_on_examples(settings_):
    ours, theirs = _both(settings_)
    for doc in ["", " ", "Chi_bộ họp 2 lần / tháng .\nĐảng_viên   MỚI", "a", "ĐẢNG  ủy\x1c\x1cxã\u2003", "1_a b_2 _c"]:
        assert ours.analyze(doc) == theirs(doc), doc


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(range(len(ANALYZER_SETTINGS))), st.text(max_size=120))
def test_analyzers_are_sklearns_on_arbitrary_text(k, doc):
    ours, theirs = _both(ANALYZER_SETTINGS[k])
    assert ours.analyze(doc) == theirs(doc)


def test_shipped_word_analyzer_is_the_models(union, fast, labelled_texts):
    analyze = union.transformer_list[0][1].build_analyzer()
    for doc in labelled_texts[:50]:
        assert fast.parts[0].counter.analyze(doc) == analyze(doc)


# ------------------------------------------------------------------ rows


def test_rows_behave_like_scipy_csr(fast, labelled_texts):
    X = fast.transform(labelled_texts[:5] + [""])
    S = sp.csr_matrix((X.data, X.indices, X.indptr), shape=X.shape)
    for key in (0, 2, -1, slice(1, 4), slice(0, 6), slice(5, 2)):
        got, want = X[key], S[key]
        want = want.reshape(1, -1) if want.ndim == 1 else want
        assert got.shape == want.shape and got.nnz == want.nnz
        assert np.array_equal(got.indices, want.indices) and np.array_equal(got.data, want.data)
    W = np.random.default_rng(0).normal(size=(X.shape[1], 3))
    assert np.allclose(X.dot(W), S @ W, rtol=0, atol=1e-12)
    with pytest.raises(IndexError):
        X[::2]
