"""The heads as one matrix product + sigmoids give scikit-learn's ``predict_proba``."""
from __future__ import annotations

import copy

import numpy as np
import pytest
import scipy.sparse as sp

from pipeline.classify.heads import Heads, heads_spec
from pipeline.classify.labels import TOPICS
from pipeline.classify.modelfile import ModelError

ATOL = 1e-9


@pytest.fixture(scope="module")
def heads(fitted) -> Heads:
    return Heads.from_spec(*heads_spec(fitted))


def _sklearn_probas(fitted, X) -> dict[str, np.ndarray]:
    main = fitted["main"].predict_proba(X)
    classes = [str(c) for c in fitted["main"].classes_]
    return {
        "topic": fitted["topics"].predict_proba(X),
        "pb": fitted["is_party_building"].predict_proba(X)[:, list(fitted["is_party_building"].classes_).index(1)],
        "genre": fitted["genre"].predict_proba(X),
        "main": np.column_stack([main[:, classes.index(t)] for t in TOPICS]),
    }


def _assert_same(fitted, heads: Heads, X) -> None:
    D = heads.decisions(X)
    ours = {
        "topic": heads.topic_proba(D),
        "pb": heads.pb.proba(D)[:, list(heads.pb.classes).index(1)],
        "genre": heads.genre.proba(D),
        "main": heads.main.proba(D)[:, [[str(c) for c in heads.main.classes].index(t) for t in TOPICS]],
    }
    for name, want in _sklearn_probas(fitted, X).items():
        assert ours[name].shape == want.shape, name
        assert np.allclose(ours[name], want, rtol=0, atol=ATOL), (name, float(np.abs(ours[name] - want).max()))


def test_heads_are_sklearns_on_labelled_texts(fitted, heads, labelled_texts):
    _assert_same(fitted, heads, fitted["features"].transform(labelled_texts).tocsr())


def test_heads_are_sklearns_on_sample_pages(fitted, heads, page_rows):
    _assert_same(fitted, heads, fitted["features"].transform(page_rows).tocsr())


def test_heads_are_sklearns_on_edge_rows(fitted, heads):
    n = heads.W.shape[0]
    rng = np.random.default_rng(0)
    X = sp.vstack(
        [
            sp.csr_matrix((1, n), dtype=np.float32),  # empty row: intercepts only
            sp.random(5, n, density=0.01, format="csr", dtype=np.float32, random_state=rng),
            sp.random(2, n, density=0.01, format="csr", dtype=np.float32, random_state=rng) * 1e4,  # saturated
        ]
    ).tocsr()
    _assert_same(fitted, heads, X)


def test_multiclass_all_zero_row_is_uniform(fitted):
    """A row whose every calibrated score underflows to 0 gets 1/n_classes, as in sklearn."""
    main = copy.deepcopy(fitted["main"])
    for cal in main.calibrated_classifiers_[0].calibrators:
        cal.a_, cal.b_ = -1.0, 1e4  # expit(-(d*-1 + 1e4)) == 0 for any modest decision
    heads = Heads.from_spec(*heads_spec(dict(fitted, main=main)))
    X = sp.csr_matrix((2, heads.W.shape[0]), dtype=np.float32)
    got = heads.main.proba(heads.decisions(X))
    assert np.allclose(got, 1 / len(main.classes_)) and np.allclose(got, main.predict_proba(X), atol=ATOL)


def test_heads_spec_refuses_isotonic(fitted):
    genre = copy.deepcopy(fitted["genre"])
    genre.method = "isotonic"
    with pytest.raises(ModelError, match="isotonic"):
        heads_spec(dict(fitted, genre=genre))


def test_inconsistent_head_arrays_are_refused(fitted):
    layout, arrays = heads_spec(fitted)
    with pytest.raises(ModelError, match="inconsistent"):
        Heads.from_spec(layout, dict(arrays, a=arrays["a"][:-1]))
