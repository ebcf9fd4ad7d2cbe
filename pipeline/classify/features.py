"""What the classifier reads: the tokenized form of a text, and the TF-IDF features of it.

The input is always the *tokenized* text (``pipeline.nlp.tokenized_text``: underthesea
words joined with ``_``, one sentence a line). The component reads it from the Doc;
training makes the same form with ``tokenize_texts``; only a title is tokenized at
prediction time (``tokenize_titles``, one ``pipeline.segment`` call for a batch).

Features: TF-IDF of word 1-2 grams + TF-IDF of character 2-5 grams (``char_wb``),
defined here as scikit-learn estimators and computed at run time by
``pipeline.classify.tfidf`` from the fitted vectorizers' settings and tables.
"""
from __future__ import annotations

import re

import numpy as np

from pipeline.decode import normalize

# Titles longer than this are cut (a "title" that is really a paragraph).
MAX_TITLE_CHARS = 300
# Tokenized texts longer than this are cut before featurizing (a 50-page dump
# would only slow the char n-grams down; the beginning carries the topic).
MAX_FEATURE_CHARS = 60_000

_LETTER = re.compile(r"[^\W\d_]")


def has_letter(text: str) -> bool:
    return bool(_LETTER.search(text))


def feature_text(tokenized: str) -> str:
    """What the vectorizers see: the tokenized text, normalised, capped, lower case."""
    return normalize(tokenized)[:MAX_FEATURE_CHARS].lower()


def _title_text(title: str | None) -> str:
    """The title as it is segmented: normalised, one line, capped; "" for none or no letter."""
    if not isinstance(title, str):
        return ""
    title = " ".join(normalize(title).split())[:MAX_TITLE_CHARS]
    return title if has_letter(title) else ""


def tokenize_titles(titles: list[str | None]) -> list[str]:
    """Each title segmented like the Doc's words (``pipeline.segment``, one call for
    all), "" for none."""
    from pipeline.segment import segment_many

    texts = [_title_text(t) for t in titles]
    todo = [t for t in texts if t]
    words = iter(segment_many(todo) if todo else [])
    return [" ".join(w.replace(" ", "_") for w in next(words)) if t else "" for t in texts]


def tokenize_title(title: str | None) -> str:
    """One title segmented like the Doc's words, "" for none."""
    return tokenize_titles([title])[0]


def tokenize_texts(texts: list[str]) -> list[str]:
    """Training-time tokenization, identical in form to the pipeline's Doc."""
    from pipeline.nlp import build_nlp, tokenized_text

    nlp = build_nlp(components=[])
    return [tokenized_text(nlp.make_doc(normalize(t))) for t in texts]


def make_features():
    """The unfitted FeatureUnion of the two TF-IDF vectorizers."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    words = TfidfVectorizer(
        token_pattern=r"(?u)[^\W\d_][\w]*",  # words (with "_" joins), no numbers or punctuation
        ngram_range=(1, 2),
        min_df=2,
        # raw counts: in a long article the topic it keeps coming back to should
        # outweigh topics touched once
        sublinear_tf=False,
        lowercase=False,
        dtype=np.float32,
    )
    chars = TfidfVectorizer(
        analyzer="char_wb",
        ngram_range=(2, 5),
        min_df=2,
        max_features=40_000,
        sublinear_tf=True,
        lowercase=False,
        dtype=np.float32,
    )
    return FeatureUnion([("word", words), ("char", chars)])
