"""``features.transform`` of the fitted TF-IDF vectorizers, in numpy, without scikit-learn.

Re-done from the vectorizers' settings, vocabularies and idf vectors (``feature_spec``
reads them from the fitted FeatureUnion, the inference bundle ships them), following
scikit-learn 1.9 step by step:

* word analyzer (``build_analyzer`` for analyzer="word"): optional ``str.lower``,
  ``re.findall(token_pattern)``, then the word n-grams of ``_word_ngrams`` (unigrams
  first, then each n joined with one space);
* char_wb analyzer (``_char_wb_ngrams``): each whitespace-separated word padded with
  one space, its n-grams for n in the range, a word shorter than n counted once. Its
  n-grams never cross a word, so a text's counts are the sum over its distinct words
  of each word's counts: each distinct word is cut once and its vocabulary indices
  kept in a bounded cache (the reason this is faster than scikit-learn's loop);
* counts as CountVectorizer builds them (in-vocabulary only, sorted indices, the
  vectorizer's float dtype), then ``TfidfTransformer.transform``: sublinear
  ``log(tf) + 1`` in place, ``data *= idf[indices]``, and l2 row normalisation as
  ``sparsefuncs_fast._inplace_csr_row_normalize_l2`` does it.

The result is bit-identical to ``features.transform`` (tests/classify/test_tfidf.py);
``feature_spec`` refuses any vectorizer or option it would not reproduce exactly.
"""
from __future__ import annotations

import re
from typing import Any

import numpy as np

from pipeline.classify.modelfile import ModelError

# Distinct words whose n-gram indices are kept; the cache is emptied when full.
WORD_CACHE_SIZE = 100_000


class Rows:
    """CSR rows of features as numpy arrays (``data``, ``indices``, ``indptr``): no scipy."""

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, n_cols: int) -> None:
        self.data, self.indices, self.indptr = data, indices, indptr
        self.shape = (len(indptr) - 1, int(n_cols))

    @property
    def nnz(self) -> int:
        return int(self.indptr[-1] - self.indptr[0])

    def __len__(self) -> int:
        return self.shape[0]

    def __getitem__(self, key) -> Rows:
        """One row (an int) or a contiguous block of rows (a slice with step 1)."""
        if isinstance(key, slice):
            start, stop, step = key.indices(self.shape[0])
            if step != 1:
                raise IndexError("Rows only slice contiguous rows")
        else:
            start = key + self.shape[0] if key < 0 else key
            if not 0 <= start < self.shape[0]:
                raise IndexError(key)
            stop = start + 1
        stop = max(start, stop)
        lo, hi = self.indptr[start], self.indptr[stop]
        return Rows(self.data[lo:hi], self.indices[lo:hi], self.indptr[start : stop + 1] - lo, self.shape[1])

    def dot(self, W: np.ndarray) -> np.ndarray:
        """``X @ W`` for a dense ``W`` (float64 result, one small product per row)."""
        out = np.zeros((self.shape[0], W.shape[1]))
        for i in range(self.shape[0]):
            lo, hi = self.indptr[i], self.indptr[i + 1]
            if hi > lo:
                out[i] = self.data[lo:hi].astype(np.float64) @ W[self.indices[lo:hi]]
        return out

    @staticmethod
    def hstack(blocks: list[Rows]) -> Rows:
        """Blocks of the same rows side by side (``scipy.sparse.hstack(...).tocsr()``)."""
        offsets = np.cumsum([0] + [b.shape[1] for b in blocks])
        data, indices, indptr = [], [], [0]
        for i in range(blocks[0].shape[0]):
            for b, off in zip(blocks, offsets):
                lo, hi = b.indptr[i], b.indptr[i + 1]
                data.append(b.data[lo:hi])
                indices.append(b.indices[lo:hi] + off)
            indptr.append(indptr[-1] + sum(int(b.indptr[i + 1] - b.indptr[i]) for b in blocks))
        dtype = np.result_type(*[b.data.dtype for b in blocks])
        return Rows(
            np.concatenate(data).astype(dtype, copy=False) if data else np.zeros(0, dtype),
            np.concatenate(indices).astype(np.int32, copy=False) if indices else np.zeros(0, np.int32),
            np.asarray(indptr, dtype=np.int32),
            int(offsets[-1]),
        )


def _rows_from_counters(counters: list[dict[int, int]], n_cols: int, dtype) -> Rows:
    """Count rows ({column: count}) as CSR with sorted indices, like CountVectorizer."""
    data, indices, indptr = [], [], [0]
    for c in counters:
        idx = np.fromiter(c.keys(), dtype=np.int32, count=len(c))
        order = np.argsort(idx, kind="stable")
        indices.append(idx[order])
        data.append(np.fromiter(c.values(), dtype=np.float64, count=len(c))[order])
        indptr.append(indptr[-1] + len(c))
    return Rows(
        np.concatenate(data).astype(dtype) if data else np.zeros(0, dtype),
        np.concatenate(indices) if indices else np.zeros(0, np.int32),
        np.asarray(indptr, dtype=np.int32),
        n_cols,
    )


class WordCounter:
    """Counts of the word analyzer (token_pattern, word n-grams)."""

    def __init__(self, spec: dict[str, Any], vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary
        self.n_features = len(vocabulary)
        self.lowercase = bool(spec["lowercase"])
        self.min_n, self.max_n = (int(n) for n in spec["ngram_range"])
        pattern = re.compile(spec["token_pattern"])
        if pattern.groups > 1:
            raise ModelError("token_pattern has more than one capturing group")
        self.findall = pattern.findall

    def analyze(self, doc: str) -> list[str]:
        """scikit-learn's ``build_analyzer()(doc)`` for these settings."""
        if self.lowercase:
            doc = doc.lower()
        tokens = self.findall(doc)
        min_n, max_n = self.min_n, self.max_n
        if max_n == 1:
            return tokens
        original = tokens
        if min_n == 1:
            tokens = list(original)
            min_n += 1
        else:
            tokens = []
        n_orig = len(original)
        for n in range(min_n, min(max_n + 1, n_orig + 1)):
            for i in range(n_orig - n + 1):
                tokens.append(" ".join(original[i : i + n]))
        return tokens

    def counts(self, rows: list[str], dtype) -> Rows:
        voc = self.vocabulary
        counters = []
        for doc in rows:
            c: dict[int, int] = {}
            for g in self.analyze(doc):
                j = voc.get(g)
                if j is not None:
                    c[j] = c.get(j, 0) + 1
            counters.append(c)
        return _rows_from_counters(counters, self.n_features, dtype)


class CharWbCounter:
    """Counts of the ``char_wb`` analyzer, word by word (distinct words cached)."""

    def __init__(self, spec: dict[str, Any], vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary
        self.n_features = len(vocabulary)
        self.lowercase = bool(spec["lowercase"])
        self.min_n, self.max_n = (int(n) for n in spec["ngram_range"])
        self.cache: dict[str, np.ndarray] = {}

    def grams(self, word: str) -> list[str]:
        """The padded n-grams of one word (scikit-learn's ``_char_wb_ngrams`` loop)."""
        w = " " + word + " "
        w_len = len(w)
        grams = []
        for n in range(self.min_n, self.max_n + 1):
            offset = 0
            grams.append(w[offset : offset + n])
            while offset + n < w_len:
                offset += 1
                grams.append(w[offset : offset + n])
            if offset == 0:  # a short word is counted once
                break
        return grams

    def analyze(self, doc: str) -> list[str]:
        """scikit-learn's ``build_analyzer()(doc)`` for these settings."""
        if self.lowercase:
            doc = doc.lower()
        # scikit-learn first folds runs of white space into one space: no effect on split()
        return [g for w in doc.split() for g in self.grams(w)]

    def _ids(self, word: str) -> np.ndarray:
        ids = self.cache.get(word)
        if ids is not None:
            return ids
        voc = self.vocabulary
        ids = np.array([voc[g] for g in self.grams(word) if g in voc], dtype=np.int32)
        if len(self.cache) >= WORD_CACHE_SIZE:
            self.cache.clear()
        self.cache[word] = ids
        return ids

    def counts(self, rows: list[str], dtype) -> Rows:
        indptr, indices, data = [0], [], []
        for text in rows:
            if self.lowercase:
                text = text.lower()
            words: dict[str, int] = {}
            for w in text.split():
                words[w] = words.get(w, 0) + 1
            parts = [self._ids(w) for w in words]
            if parts:
                idx = np.concatenate(parts)
                weights = np.repeat(np.fromiter(words.values(), dtype=np.float64, count=len(words)),
                                    [len(p) for p in parts])
                uniq, inverse = np.unique(idx, return_inverse=True)
                indices.append(uniq)
                data.append(np.bincount(inverse, weights=weights))
                indptr.append(indptr[-1] + len(uniq))
            else:
                indptr.append(indptr[-1])
        return Rows(
            np.concatenate(data).astype(dtype) if data else np.zeros(0, dtype),
            np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
            np.asarray(indptr, dtype=np.int32),
            self.n_features,
        )


COUNTERS = {"word": WordCounter, "char_wb": CharWbCounter}


class TfidfPart:
    """One fitted TfidfVectorizer: its counter, then the TF-IDF weighting."""

    def __init__(self, spec: dict[str, Any], vocabulary: dict[str, int], idf: np.ndarray | None) -> None:
        self.name = spec["name"]
        self.counter = COUNTERS[spec["analyzer"]](spec, vocabulary)
        self.dtype = np.dtype(spec["dtype"])
        self.sublinear_tf = bool(spec["sublinear_tf"])
        self.norm = spec["norm"]
        self.idf = idf
        self.n_features = self.counter.n_features
        if idf is not None and idf.shape != (self.n_features,):
            raise ModelError(f"idf of {self.name!r} does not match its vocabulary")

    def transform(self, rows: list[str]) -> Rows:
        X = self.counter.counts(rows, self.dtype)
        if self.sublinear_tf:
            np.log(X.data, X.data)
            X.data += 1.0
        if self.idf is not None:
            X.data *= self.idf[X.indices]
        if self.norm == "l2":
            _l2_normalize_rows(X)
        return X


def _l2_normalize_rows(X: Rows) -> None:
    """``inplace_csr_row_normalize_l2`` in numpy: same operations in the same order."""
    d = X.data
    for i in range(X.shape[0]):
        lo, hi = X.indptr[i], X.indptr[i + 1]
        if hi == lo:
            continue
        seg = d[lo:hi]
        total = float(np.cumsum((seg * seg).astype(np.float64))[-1])  # sequential double sum
        if total == 0.0:
            continue
        d[lo:hi] = (seg.astype(np.float64) / np.sqrt(total)).astype(d.dtype)


class Tfidf:
    """``transform`` of the fitted FeatureUnion, from its spec (``feature_spec``) alone."""

    def __init__(self, specs: list[dict[str, Any]], vocabularies: dict[str, dict[str, int]], arrays) -> None:
        for s in specs:
            if s["analyzer"] not in COUNTERS or s["norm"] not in ("l2", None):
                raise ModelError(f"feature part {s['name']!r}: no {s['analyzer']!r} analyzer / {s['norm']!r} norm here")
        self.parts = [TfidfPart(s, vocabularies[s["name"]], arrays[s["idf"]] if s.get("idf") else None) for s in specs]
        self.n_features = sum(p.n_features for p in self.parts)

    def columns(self, name: str) -> tuple[int, int]:
        """(first column, number of columns) of the part called ``name``."""
        start = 0
        for p in self.parts:
            if p.name == name:
                return start, p.n_features
            start += p.n_features
        raise KeyError(name)

    def transform(self, rows: list[str]) -> Rows:
        return Rows.hstack([p.transform(rows) for p in self.parts])


def feature_spec(features) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]], dict[str, np.ndarray]]:
    """(settings, vocabularies, idf arrays) of a fitted FeatureUnion of TfidfVectorizers.

    Raises ModelError for anything ``Tfidf`` would not reproduce exactly."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if getattr(features, "transformer_weights", None) is not None:
        raise ModelError("cannot export a FeatureUnion with transformer_weights")
    specs, vocabularies, arrays = [], {}, {}
    for name, vec in features.transformer_list:
        if type(vec) is not TfidfVectorizer:
            raise ModelError(f"cannot export feature part {name!r}: {type(vec).__name__}")
        problems = _unsupported(vec)
        if problems:
            raise ModelError(f"cannot export feature part {name!r}: {', '.join(problems)}")
        tfidf = vec._tfidf
        spec = {
            "name": name,
            "analyzer": vec.analyzer,
            "token_pattern": vec.token_pattern,
            "ngram_range": [int(n) for n in vec.ngram_range],
            "lowercase": bool(vec.lowercase),
            "sublinear_tf": bool(tfidf.sublinear_tf),
            "norm": tfidf.norm,
            "dtype": np.dtype(vec.dtype).name,
            "idf": None,
        }
        if hasattr(tfidf, "idf_"):
            spec["idf"] = f"idf_{len(specs)}"
            arrays[spec["idf"]] = np.asarray(tfidf.idf_)
        vocabularies[name] = {str(t): int(i) for t, i in vec.vocabulary_.items()}
        specs.append(spec)
    return specs, vocabularies, arrays


def _unsupported(vec) -> list[str]:
    """The settings of a TfidfVectorizer that ``Tfidf`` does not reproduce."""
    problems = [
        f"{k}={getattr(vec, k)!r}"
        for k, ok in (
            ("analyzer", vec.analyzer in COUNTERS),
            ("input", vec.input == "content"),
            ("preprocessor", vec.preprocessor is None),
            ("tokenizer", vec.tokenizer is None),
            ("strip_accents", vec.strip_accents is None),
            ("stop_words", vec.stop_words is None),
            ("binary", not vec.binary),
        )
        if not ok
    ]
    tfidf = getattr(vec, "_tfidf", None)
    if tfidf is None or not getattr(vec, "vocabulary_", None):
        problems.append("not fitted")
    elif tfidf.norm not in ("l2", None):
        problems.append(f"norm={tfidf.norm!r}")
    return problems
