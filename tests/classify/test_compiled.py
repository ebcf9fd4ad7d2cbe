"""The compiled heads (one matrix product + sigmoids) give scikit-learn's probabilities,
and ``FastFeatures`` gives exactly ``features.transform``.

``Classifier.probas(X, compiled=True)`` must equal ``compiled=False`` (the fitted
scikit-learn estimators of the skops file) on the labelled texts, on the sample
pages of data/raw (their texts, leads and titles) and on edge cases; and the
whole ``predict`` output must be the same either way. ``FastFeatures`` and its
analyzers (no scikit-learn code) must give scikit-learn's features bit for bit.
"""
from __future__ import annotations

import copy
import numpy as np
import pytest
import scipy.sparse as sp
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.classify import model as M
ATOL = 1e-9


@pytest.fixture(scope="module")
def clf() -> M.Classifier:
    return M.load_model()  # the scikit-learn reference path


def _assert_same(clf: M.Classifier, X) -> None:
    fast = clf.probas(X, compiled=True)
    ref = clf.probas(X, compiled=False)
    for name in ("topic", "pb", "genre", "main"):
        a, b = getattr(fast, name), getattr(ref, name)
        assert a.shape == b.shape, name
        assert np.allclose(a, b, rtol=0, atol=ATOL), (name, float(np.abs(a - b).max()))


def test_compiled_equals_sklearn_on_labelled_texts(clf, labelled_texts):
    X = clf.features.transform(labelled_texts).tocsr()
    _assert_same(clf, X)


def test_compiled_equals_sklearn_on_sample_pages(clf, sample_pages):
    rows = []
    for text, title in sample_pages:
        t = M.feature_text(text)
        rows += [t, M.lead_text(t) or t, M.feature_text(title) or "chi_bộ"]
    _assert_same(clf, clf.features.transform(rows).tocsr())


def test_compiled_equals_sklearn_on_edge_rows(clf):
    n = clf.compiled.W.shape[0]
    rng = np.random.default_rng(0)
    X = sp.vstack(
        [
            sp.csr_matrix((1, n), dtype=np.float32),  # empty row: intercepts only
            sp.random(5, n, density=0.01, format="csr", dtype=np.float32, random_state=rng),
            sp.random(2, n, density=0.01, format="csr", dtype=np.float32, random_state=rng) * 1e4,  # saturated
        ]
    ).tocsr()
    _assert_same(clf, X)


def test_multiclass_all_zero_row_is_uniform(clf):
    """A row whose every calibrated score underflows to 0 gets 1/n_classes, as in sklearn."""
    bundle = dict(clf.bundle)
    main = copy.deepcopy(bundle["main"])
    for cal in main.calibrated_classifiers_[0].calibrators:
        cal.a_, cal.b_ = -1.0, 1e4  # expit(-(d*-1 + 1e4)) == 0 for any modest decision
    bundle["main"] = main
    heads = M.compile_heads(bundle)
    X = sp.csr_matrix((2, heads.W.shape[0]), dtype=np.float32)
    got = M._head_proba(heads.main, heads.decisions(X))
    want = main.predict_proba(X)
    assert np.allclose(got, 1 / len(main.classes_)) and np.allclose(got, want, atol=ATOL)


def test_whole_prediction_is_unchanged(clf, sample_pages, labelled_texts):
    texts = [t for t, _ in sample_pages] + labelled_texts[::7]
    titles = [h for _, h in sample_pages] + [""] * len(labelled_texts[::7])
    assert clf.predict(texts, titles) == clf._predict(texts, titles, compiled=False)


def test_compile_refuses_isotonic(clf):
    bundle = dict(clf.bundle)
    genre = copy.deepcopy(bundle["genre"])
    genre.method = "isotonic"
    bundle["genre"] = genre
    with pytest.raises(M.ModelError):
        M.compile_heads(bundle)


def test_one_transform_call_per_page(clf, sample_pages, monkeypatch):
    """Text, lead and title of a page are featurized together, in one call."""
    calls = []
    real = clf.featurizer.transform
    monkeypatch.setattr(clf.featurizer, "transform", lambda rows: calls.append(len(rows)) or real(rows))
    long_text = next(t for t, _ in sample_pages if M.lead_text(M.feature_text(t)))
    M.classify_tokenized(long_text, clf, title="Nâng_cao chất_lượng sinh_hoạt chi_bộ")
    assert calls == [3]


# ------------------------------------------------------------------ fast features


def _assert_same_features(clf: M.Classifier, rows: list[str]) -> None:
    want = clf.features.transform(rows).tocsr()
    got = clf.featurizer.transform(rows)
    assert isinstance(got, M.Rows)
    assert got.shape == want.shape and got.data.dtype == want.dtype
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    assert np.array_equal(got.data, want.data)  # bit for bit, not only close


def test_fast_features_are_sklearns(clf, labelled_texts, sample_pages):
    assert isinstance(clf.featurizer, M.FastFeatures)
    rows = list(labelled_texts)
    for text, title in sample_pages:
        t = M.feature_text(text)
        rows += [t, M.lead_text(t) or "", M.feature_text(title)]
    rows += ["", "   ", "a", "đảng", "xin  chào\n\n thế_giới\t", "\x1c\x1cab\u2003cd", "1 2 3", "ặ" * 400]
    _assert_same_features(clf, rows)
    _assert_same_features(clf, rows[:1])


@settings(max_examples=60, deadline=None)
@given(rows=st.lists(st.text(max_size=200), min_size=1, max_size=4))
def test_fast_features_on_arbitrary_text(clf, rows):
    _assert_same_features(clf, rows)


def test_word_cache_is_bounded(clf, monkeypatch, labelled_texts):
    counter = clf.featurizer.parts[1]
    monkeypatch.setattr(M, "WORD_CACHE_SIZE", 50)
    counter.cache.clear()
    _assert_same_features(clf, labelled_texts[:20])
    assert len(counter.cache) <= 50
    counter.cache.clear()


@pytest.mark.parametrize(
    "vec",
    [
        "hashing",
        {"binary": True},
        {"strip_accents": "unicode"},
        {"analyzer": "char"},
        {"stop_words": ["và"]},
        {"norm": "l1"},
    ],
)
def test_feature_spec_refuses_what_it_cannot_reproduce(clf, vec):
    from sklearn.feature_extraction.text import HashingVectorizer, TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    if vec == "hashing":
        part = HashingVectorizer(n_features=64)
    else:
        part = TfidfVectorizer(**vec).fit(["chi_bộ họp định_kỳ", "đảng_viên mới"])
    union = FeatureUnion([("h", part), ("word", clf.features.transformer_list[0][1])])
    with pytest.raises(M.ModelError, match="cannot export"):
        M.FastFeatures.from_union(union)


def test_classifier_falls_back_to_sklearn_features(clf):
    """A model whose featurizer has no spec still predicts (scikit-learn's transform)."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    word, char = (v for _, v in clf.features.transformer_list)
    odd = copy.deepcopy(char)
    odd.strip_accents = "unicode"  # not reproduced without scikit-learn: refused by the spec
    bundle = dict(clf.bundle, features=FeatureUnion([("word", word), ("char", odd)]))
    other = M.Classifier(bundle)
    assert isinstance(other.featurizer, M._SklearnFeatures)
    text = "Chi_bộ thôn Đông tổ_chức sinh_hoạt chuyên_đề hằng tháng ."
    assert other.predict([text]) == other._predict([text], None, compiled=False)
    assert TfidfVectorizer  # imported for the reader: the parts are TfidfVectorizers


# ------------------------------------------------------------------ analyzers


def _spec(**kw):
    spec = {"name": "x", "token_pattern": r"(?u)\b\w\w+\b", "ngram_range": [1, 1], "lowercase": False}
    spec.update(kw)
    return spec


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

    spec = _spec(**settings_)
    ours = M._COUNTERS[spec["analyzer"]](spec, {})
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


def test_shipped_word_analyzer_is_the_models(clf, labelled_texts):
    word_vec = clf.features.transformer_list[0][1]
    ours = clf.featurizer.parts[0].counter
    analyze = word_vec.build_analyzer()
    for doc in labelled_texts[:50]:
        assert ours.analyze(doc) == analyze(doc)


# ------------------------------------------------------------------ rows


def test_rows_behave_like_scipy_csr(clf, labelled_texts):
    X = clf.featurizer.transform(labelled_texts[:5] + [""])
    S = X.tocsr()
    for key in (0, 2, -1, slice(1, 4), slice(0, 6), slice(5, 2)):
        got, want = X[key], S[key]
        want = want.reshape(1, -1) if want.ndim == 1 else want
        assert got.shape == want.shape and got.nnz == want.nnz
        assert np.array_equal(got.indices, want.indices) and np.array_equal(got.data, want.data)
    W = clf.compiled.W
    assert np.allclose(X.dot(W), S @ W, rtol=0, atol=1e-12)
