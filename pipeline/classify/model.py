"""The classifier: features, the scikit-learn estimators, saving, loading, predicting.

Input is always the *tokenized* form of a text (``pipeline.nlp.tokenized_text``:
underthesea words joined with ``_``, one sentence a line). The component reads it
from the Doc that is already tokenized; training produces the same form with
``tokenize_texts`` below. At prediction time only the title is tokenized
(``tokenize_title``, one short ``underthesea.word_tokenize`` call): its scores are
added to the main-topic decision with ``TITLE_WEIGHT``.

Estimators (all plain scikit-learn, so the model file is a skops file whose every
type is listed in ``TRUSTED_TYPES``):

* features: TF-IDF of word 1-2 grams + TF-IDF of character 2-5 grams (``char_wb``);
* topics: one-vs-rest over the eight party-building topics, each a LinearSVC
  calibrated with a sigmoid (``CalibratedClassifierCV``), so scores are
  probabilities;
* is_party_building: the same kind of calibrated binary classifier (``khac`` vs
  every other topic);
* main topic: a calibrated multi-class model of the *first* topic of each
  party-building text; its probabilities are added to the one-vs-rest scores
  and the argmax is the main topic (a long article touches several topics; this
  head learnt which one leads). For a long text the same two scores of its lead
  (first three sentences) are added too;
* genre: calibrated binary classifier ``tin`` vs ``bai_viet``.

Prediction avoids scikit-learn's per-call overhead: ``compile_heads`` turns every
head into columns of one coefficient matrix plus sigmoid calibrations at load time;
``FastFeatures`` computes the same TF-IDF rows as ``features.transform`` (char_wb
n-grams counted once per distinct word, cached); the text, lead and title of a page
are featurized in one call and scored with one sparse product. Features are
bit-identical and probabilities equal scikit-learn's (tests/classify/test_compiled.py).

``topic_evidence`` lists the word features that weighed most for the main topic
in this text: coefficient x TF-IDF value, underscores turned back into spaces.
"""
from __future__ import annotations

import re
import zipfile
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

TOPICS: tuple[str, ...] = (
    "to_chuc_co_so_dang",
    "sinh_hoat_chi_bo",
    "dang_vien",
    "can_bo",
    "chinh_tri_tu_tuong",
    "kiem_tra_giam_sat",
    "chinh_don_dang",
    "dan_van",
)
KHAC = "khac"
ALL_TOPICS: tuple[str, ...] = TOPICS + (KHAC,)
GENRES: tuple[str, ...] = ("tin", "bai_viet")

MODEL_PATH = Path(__file__).resolve().with_name("model.skops")
MODEL_FORMAT = 3

# A secondary topic is listed in ``topics`` when its calibrated score reaches this.
SECONDARY_THRESHOLD = 0.5
# Number of evidence phrases returned for the main topic.
N_EVIDENCE = 6
# The lead: an article longer than LONG_TEXT_SENTENCES sentences (the labelled
# texts have 3 to 8) also gets its first LEAD_SENTENCES sentences of more than
# three words scored, with the same weight as the whole text, for the main topic,
# and for the genre only when the lead dates an event (``event_lead``: a news
# report says so in its first sentence, while the lead of a long assessment
# article, "Thời gian qua, ... đã ...", reads like news without being news):
# the headline and lead say what a long article is about, while its body
# (solution lists, quotations) touches many topics.
LEAD_SENTENCES = 3
LONG_TEXT_SENTENCES = 8
# The title (``doc._.meta["title"]``, tokenized on its own) is scored like the lead
# and added to the main-topic scores with this weight: a headline names what the
# article is about ("... phát triển đảng viên ...") while a long body wanders.
# It is not used for is_party_building (a headline alone cannot make a sports
# story party building) nor for the secondary topics.
TITLE_WEIGHT = 1.5
# Titles longer than this are cut (a "title" that is really a paragraph).
MAX_TITLE_CHARS = 300
# Tokenized texts longer than this are cut before featurizing (a 50-page dump
# would only slow the char n-grams down; the beginning carries the topic).
MAX_FEATURE_CHARS = 60_000

# Function words never shown as evidence on their own or at the edge of a bigram.
EVIDENCE_STOPWORDS = frozenset(
    """và của các là có được cho với về trong những này đã để theo từ tại trên
    một như thì mà khi đến ra vào lên nhiều không cũng đều rất sẽ đang phải còn
    người việc năm ngày tháng nay qua đó ở do bị hơn nhất""".split()
)

# Every type the model file may hold; anything else is refused on load.
TRUSTED_TYPES: list[str] = [
    "builtins.dict",
    "builtins.list",
    "builtins.tuple",
    "builtins.str",
    "builtins.int",
    "builtins.float",
    "builtins.bool",
    "builtins.slice",
    "numpy.ndarray",
    "numpy.dtype",
    "numpy.float64",
    "numpy.float32",
    "numpy.int64",
    "numpy.int32",
    "sklearn.pipeline.FeatureUnion",
    "sklearn.feature_extraction.text.TfidfVectorizer",
    "sklearn.feature_extraction.text.TfidfTransformer",
    "sklearn.multiclass.OneVsRestClassifier",
    "sklearn.preprocessing._label.LabelBinarizer",
    "sklearn.preprocessing._label.MultiLabelBinarizer",
    "sklearn.calibration.CalibratedClassifierCV",
    "sklearn.calibration._CalibratedClassifier",
    "sklearn.calibration._SigmoidCalibration",
    "sklearn.svm._classes.LinearSVC",
    "sklearn.model_selection._split.StratifiedKFold",
]


class ModelError(RuntimeError):
    """The model file is missing, untrusted or built by another scikit-learn."""


# ---------------------------------------------------------------- text form

# Old-style tone placement on a syllable-final "oa/oe/uy" ("hoá", "thuỷ") to the
# form underthesea's text_normalize produces ("hóa", "thủy").
_TONE_FOLD = {}
for _base, _marked in (("a", "àáảãạ"), ("e", "èéẻẽẹ"), ("y", "ỳýỷỹỵ")):
    _first = "o" if _base in "ae" else "u"
    _plain = "òóỏõọ" if _first == "o" else "ùúủũụ"
    for _m, _p in zip(_marked, _plain):
        _TONE_FOLD[_first + _m] = _p + _base
_TONE_RE = re.compile("(" + "|".join(_TONE_FOLD) + r")(?![^\W\d_])", re.IGNORECASE)


def normalize_text(text: str) -> str:
    """NFC and the new-style tone placement on syllable-final oa/oe/uy."""
    text = unicodedata.normalize("NFC", text or "")

    def fold(m: re.Match) -> str:
        s = m.group()
        out = _TONE_FOLD[s.lower()]
        return out.upper() if s.isupper() else (out[0].upper() + out[1:] if s[0].isupper() else out)

    return _TONE_RE.sub(fold, text)


def feature_text(tokenized: str) -> str:
    """What the vectorizers see: the tokenized text, normalized, lower case, capped."""
    return normalize_text(tokenized)[:MAX_FEATURE_CHARS].lower()


def lead_text(tokenized: str) -> str | None:
    """The first sentences of a long tokenized text, or None for a short one."""
    lines = [ln for ln in tokenized.split("\n") if len(ln.split()) > 3]
    if len(lines) <= LONG_TEXT_SENTENCES:
        return None
    return "\n".join(lines[:LEAD_SENTENCES])


# A news report (``tin``) says in its first sentences when the event took place:
# "Sáng 15/1/2025, Huyện ủy ... tổ chức hội nghị ...", "(TTXVN) - Chiều ngày 3/10, ...
# khai mạc ...". Named patterns, matched on a lead line with "_" read as a space.
EVENT_TIME = re.compile(
    r"^(?:\(\s*\w+\s*\)\s*[-–]?\s*)?"                 # source tag "(TUBG) -", "( TUBG ) -"
    r"(?:(?:sáng|chiều|tối|trưa|đêm)\s+)?(?:(?:từ|trong)\s+)?(?:ngày\s+)?"
    r"(?:\d{1,2}\s*(?:/|-|và|đến)\s*)?\d{1,2}\s*/\s*\d{1,2}\b"
)
EVENT_VERB = re.compile(
    # whole words only: "tiếp" is not "tiếp tục", "trao" not "trao đổi", "dự" not "dự thảo"
    r"\b(?:tổ chức|diễn ra|khai mạc|khai giảng|bế giảng|bế mạc|họp|làm việc|kết nạp|công bố|"
    r"gặp mặt|phát động|ra mắt|tổng kết|sơ kết|mở lớp|kiểm tra|dự (?:hội nghị|lễ|buổi|sinh hoạt)|"
    r"trao (?:tặng|quyết định|huy hiệu|giấy)|tiếp (?:xúc|đoàn|công dân)|thăm (?:và|hỏi|tặng))\b"
)


def event_lead(lead: str | None) -> bool:
    """True when a line of the lead opens with an event date and names an event."""
    for line in (lead or "").split("\n"):
        line = line.replace("_", " ").strip().lower()
        m = EVENT_TIME.match(line)
        if m and EVENT_VERB.search(line, m.end()):
            return True
    return False


def tokenize_title(title: str | None) -> str:
    """One short ``underthesea.word_tokenize`` call: the title in the Doc's word form.

    Returns "" for a missing title or when the tokenizer fails (never raises).
    """
    if not isinstance(title, str):
        return ""
    title = " ".join(normalize_text(title).split())[:MAX_TITLE_CHARS]
    if not re.search(r"[^\W\d_]", title):
        return ""
    try:
        from underthesea import word_tokenize

        return " ".join(w.replace(" ", "_") for w in word_tokenize(title))
    except Exception:  # noqa: BLE001 - a title never breaks classification
        return ""


def tokenize_texts(texts: list[str]) -> list[str]:
    """Training-time tokenization, identical in form to the pipeline's Doc."""
    from pipeline.nlp import build_nlp, tokenized_text

    nlp = build_nlp(components=[])
    return [tokenized_text(nlp.make_doc(normalize_text(t))) for t in texts]


# ---------------------------------------------------------------- estimators


def make_features():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.pipeline import FeatureUnion

    words = TfidfVectorizer(
        token_pattern=r"(?u)[^\W\d_][\w]*",  # words (with "_" joins), no numbers or punctuation
        ngram_range=(1, 2),
        min_df=2,
        # raw counts: in a long article the topic it keeps coming back to should
        # outweigh topics touched once (sublinear tf lost the seeds' main topics)
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


def make_binary(C: float = 0.5):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.svm import LinearSVC

    svc = LinearSVC(C=C, class_weight="balanced", random_state=0)
    # ensemble=False: one SVC fitted on all rows, calibrated on cross-validated
    # decisions -> one coefficient vector per label (small file, readable evidence).
    return CalibratedClassifierCV(svc, method="sigmoid", cv=3, ensemble=False)


def make_topic_model(C: float = 0.5):
    from sklearn.multiclass import OneVsRestClassifier

    return OneVsRestClassifier(make_binary(C))


def make_main_model(C: float = 0.5):
    """Multi-class over TOPICS, trained on the first (main) topic of party-building rows."""
    return make_binary(C)


def topic_matrix(topic_lists: list[list[str]]) -> np.ndarray:
    """Rows of 0/1 over TOPICS (``khac`` is the all-zero row)."""
    y = np.zeros((len(topic_lists), len(TOPICS)), dtype=np.int64)
    for i, topics in enumerate(topic_lists):
        for t in topics:
            if t in TOPICS:
                y[i, TOPICS.index(t)] = 1
    return y


def linear_coef(calibrated) -> np.ndarray:
    """The coefficient vector of a fitted CalibratedClassifierCV (averaged if ensembled)."""
    coefs = [np.asarray(c.estimator.coef_).ravel() for c in calibrated.calibrated_classifiers_]
    return np.mean(coefs, axis=0)


# ---------------------------------------------------------------- persistence


def save_model(bundle: dict[str, Any], path: Path = MODEL_PATH) -> None:
    import sklearn
    from skops.io import dump

    import copy

    bundle = dict(bundle)
    # skops writes a dict entry by entry into its JSON schema; a vocabulary of
    # 50 000 n-grams as a dict is slow to read back. Keep it as a string array.
    features = copy.deepcopy(bundle["features"])
    vocabularies = {}
    for name, vec in features.transformer_list:
        vocabularies[name] = np.asarray(vec.get_feature_names_out(), dtype=str)
        vec.vocabulary_ = {}
    bundle["features"] = features
    bundle["vocabularies"] = vocabularies
    bundle["format"] = MODEL_FORMAT
    bundle["sklearn_version"] = sklearn.__version__
    dump(bundle, path, compression=zipfile.ZIP_DEFLATED, compresslevel=9)
    untrusted = [t for t in _untrusted(path) if t not in TRUSTED_TYPES]
    if untrusted:
        raise ModelError(f"model holds types missing from TRUSTED_TYPES: {untrusted}")


def _untrusted(path: Path) -> list[str]:
    """Every type named in the file (not only those skops itself distrusts)."""
    import json

    from skops.io import get_untrusted_types

    found: set[str] = set(get_untrusted_types(file=path))

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "__class__" in node and "__module__" in node:
                found.add(f"{node['__module__']}.{node['__class__']}")
            for v in node.values():
                walk(v)
        elif isinstance(node, list):
            for v in node:
                walk(v)

    with zipfile.ZipFile(path) as z:
        walk(json.loads(z.read("schema.json")))
    return sorted(found)


def load_model(path: Path | str = MODEL_PATH) -> Classifier:
    """Load the shipped model; refuse one built with another scikit-learn."""
    import sklearn
    from skops.io import load

    path = Path(path)
    if not path.exists():
        raise ModelError(f"no classifier model at {path}: run `make train` to build it")
    try:
        untrusted = [t for t in _untrusted(path) if t not in TRUSTED_TYPES]
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise ModelError(f"refusing {path}: not a readable skops file ({e}); run `make train`") from e
    if untrusted:
        raise ModelError(f"refusing {path}: it holds types that are not trusted: {untrusted}")
    import warnings

    with warnings.catch_warnings():
        # skops warns about a version mismatch itself; we check and refuse below.
        warnings.simplefilter("ignore")
        bundle = load(path, trusted=TRUSTED_TYPES)
    built = bundle.get("sklearn_version")
    if built != sklearn.__version__:
        raise ModelError(
            f"refusing {path}: it was built with scikit-learn {built}, this environment has "
            f"{sklearn.__version__}; rebuild it with `make train` (or install scikit-learn=={built})"
        )
    if bundle.get("format") != MODEL_FORMAT:
        raise ModelError(f"refusing {path}: model format {bundle.get('format')}, expected {MODEL_FORMAT}")
    for name, vec in bundle["features"].transformer_list:
        vec.vocabulary_ = {str(t): i for i, t in enumerate(bundle["vocabularies"][name])}
    return Classifier(bundle)


@lru_cache(maxsize=1)
def default_model() -> Classifier:
    return load_model(MODEL_PATH)


def empty_result() -> dict[str, Any]:
    """What an empty (or wordless) text gets: khac, every score zero."""
    return {
        "topic": KHAC,
        "topics": [KHAC],
        "topic_scores": {t: 0.0 for t in ALL_TOPICS},
        "genre": None,
        "is_party_building": False,
        "topic_evidence": [],
    }


# ---------------------------------------------------------------- fast features
#
# ``FeatureUnion.transform`` spends most of its time in the char_wb vectorizer:
# scikit-learn cuts every word of every text into padded character 2-5 grams in a
# Python loop and looks each one up. The n-grams of a ``char_wb`` analyzer never
# cross a word, so a text's counts are the sum over its words of each word's
# n-gram counts; a page repeats its words and pages share most of their
# vocabulary, so ``FastFeatures`` counts each distinct word once per page and
# keeps each word's vocabulary indices in a bounded cache. The count matrix is
# then the one scikit-learn builds (same integer counts, sorted indices) and goes
# through the vectorizer's own fitted ``_tfidf.transform``, so the features are
# identical to ``features.transform`` (tests/classify/test_compiled.py).
# Any other vectorizer (or option) is left to scikit-learn.

# Distinct words whose n-gram indices are kept; the cache is emptied when full.
WORD_CACHE_SIZE = 100_000


class _CharWbCounter:
    """Counts of a fitted ``TfidfVectorizer(analyzer="char_wb")``, word by word."""

    def __init__(self, vec) -> None:
        self.vec = vec
        self.vocabulary = vec.vocabulary_
        self.min_n, self.max_n = vec.ngram_range
        self.n_features = len(self.vocabulary)
        self.cache: dict[str, np.ndarray] = {}

    @staticmethod
    def usable(vec) -> bool:
        from sklearn.feature_extraction.text import TfidfVectorizer

        return (
            type(vec) is TfidfVectorizer
            and vec.analyzer == "char_wb"
            and vec.input == "content"
            and vec.preprocessor is None
            and vec.strip_accents is None
            and not vec.lowercase
            and not vec.binary
            and getattr(vec, "_tfidf", None) is not None
        )

    def _ids(self, word: str) -> np.ndarray:
        """Vocabulary indices of the padded n-grams of one word (sklearn's loop)."""
        ids = self.cache.get(word)
        if ids is not None:
            return ids
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
        voc = self.vocabulary
        ids = np.array([voc[g] for g in grams if g in voc], dtype=np.int32)
        if len(self.cache) >= WORD_CACHE_SIZE:
            self.cache.clear()
        self.cache[word] = ids
        return ids

    def transform(self, rows: list[str]):
        import scipy.sparse as sp

        indptr, indices, data = [0], [], []
        for text in rows:
            counts: dict[str, int] = {}
            for w in text.split():
                counts[w] = counts.get(w, 0) + 1
            parts = [self._ids(w) for w in counts]
            if parts:
                idx = np.concatenate(parts)
                weights = np.repeat(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)),
                                    [len(p) for p in parts])
                uniq, inverse = np.unique(idx, return_inverse=True)
                indices.append(uniq)
                data.append(np.bincount(inverse, weights=weights))
                indptr.append(indptr[-1] + len(uniq))
            else:
                indptr.append(indptr[-1])
        X = sp.csr_matrix(
            (
                np.concatenate(data).astype(self.vec.dtype) if data else np.zeros(0, self.vec.dtype),
                np.concatenate(indices).astype(np.int32) if indices else np.zeros(0, np.int32),
                np.asarray(indptr, dtype=np.int32),
            ),
            shape=(len(rows), self.n_features),
        )
        return _apply_tfidf(self.vec._tfidf, X)


def _apply_tfidf(tfidf, X):
    """``TfidfTransformer.transform(X, copy=False)`` on a float CSR count matrix, in place,
    step by step as scikit-learn 1.9 does it, without its input checks."""
    if tfidf.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    if hasattr(tfidf, "idf_"):
        X.data *= tfidf.idf_[X.indices]
    if tfidf.norm == "l2":
        from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2

        inplace_csr_row_normalize_l2(X)
    elif tfidf.norm is not None:
        from sklearn.preprocessing import normalize

        X = normalize(X, norm=tfidf.norm, copy=False)
    return X


class _Tfidf:
    """Any other fitted TfidfVectorizer: scikit-learn's counts, then ``_apply_tfidf``."""

    def __init__(self, vec) -> None:
        self.vec = vec

    def transform(self, rows: list[str]):
        import scipy.sparse as sp
        from sklearn.feature_extraction.text import CountVectorizer

        X = sp.csr_matrix(CountVectorizer.transform(self.vec, rows))
        if X.dtype not in (np.float32, np.float64):
            X = X.astype(np.float64)
        return _apply_tfidf(self.vec._tfidf, X)


class FastFeatures:
    """``features.transform`` (a fitted FeatureUnion) with char_wb counted per word."""

    def __init__(self, features) -> None:
        self.features = features
        plain = features.transformer_weights is None and all(
            not isinstance(v, str) for _, v in features.transformer_list
        )
        from sklearn.feature_extraction.text import TfidfVectorizer

        def part(v):
            if _CharWbCounter.usable(v):
                return _CharWbCounter(v)
            if type(v) is TfidfVectorizer and getattr(v, "_tfidf", None) is not None:
                return _Tfidf(v)
            return None

        self.parts = [part(v) for _, v in features.transformer_list]
        self.fast = plain and all(p is not None for p in self.parts)

    def transform(self, rows: list[str]):
        import scipy.sparse as sp

        if not self.fast:
            return self.features.transform(rows).tocsr()
        return sp.hstack([p.transform(rows) for p in self.parts]).tocsr()


# ---------------------------------------------------------------- compiled heads
#
# Every head is linear + sigmoid calibration, so prediction needs no scikit-learn
# call: ``CalibratedClassifierCV.predict_proba`` (and ``OneVsRestClassifier``'s)
# costs ~50 us of input checks and dispatch per call, far more than the
# arithmetic on one page. ``compile_heads`` reads the fitted estimators once at
# load time and lays every coefficient vector of every head side by side in ONE
# matrix, so a batch of rows (text, lead, title of a page) is scored with one
# sparse matrix product. The rules copied from scikit-learn 1.9
# (``calibration._CalibratedClassifier.predict_proba``,
# ``_SigmoidCalibration.predict``, ``OneVsRestClassifier.predict_proba``):
#
# * decision = X @ coef.T + intercept; calibrated = expit(-(a * decision + b));
# * binary: column 1 is the calibrated score, column 0 is 1 - it;
# * multi-class: one calibrated score per class, divided by the row sum (uniform
#   1/n_classes when the sum is 0); values in (1, 1 + 1e-5] are set to 1;
# * CalibratedClassifierCV averages its calibrated classifiers (one when
#   ensemble=False); multi-label one-vs-rest keeps column 1 of each estimator.
#
# tests/classify/test_compiled.py checks that the compiled probabilities equal
# scikit-learn's (atol 1e-9) on the labelled texts and the sample pages.


@dataclass
class _Part:
    """One ``_CalibratedClassifier``: its columns in the stacked matrix and sigmoids."""

    cols: np.ndarray  # column indices into the stacked decision matrix
    a: np.ndarray
    b: np.ndarray
    class_index: np.ndarray  # which class each column scores
    n_classes: int


@dataclass
class _Head:
    parts: list[_Part]  # averaged, like CalibratedClassifierCV.predict_proba
    classes: list


def _compile_calibrated(est, cols: list[np.ndarray], a_all: list[float], b_all: list[float]) -> _Head:
    """Append the columns of one CalibratedClassifierCV to ``cols`` (coef + intercept)."""
    from sklearn.calibration import _SigmoidCalibration

    if getattr(est, "method", "sigmoid") != "sigmoid":
        raise ModelError(f"cannot compile a {est.method!r} calibration; only sigmoid")
    classes = list(est.classes_)
    n_classes = len(classes)
    parts = []
    for cc in est.calibrated_classifiers_:
        svc = cc.estimator
        coef = np.atleast_2d(np.asarray(svc.coef_, dtype=np.float64))
        intercept = np.atleast_1d(np.asarray(svc.intercept_, dtype=np.float64))
        if not all(isinstance(c, _SigmoidCalibration) for c in cc.calibrators):
            raise ModelError("cannot compile a calibrator other than _SigmoidCalibration")
        if len(cc.calibrators) != coef.shape[0]:
            raise ModelError("calibrators do not match the estimator's decision columns")
        pos = [classes.index(c) for c in svc.classes_]
        if n_classes == 2:
            class_index = np.array([1])  # binary: the decision scores classes_[1]
        else:
            class_index = np.array(pos[: coef.shape[0]])
        first = len(cols)
        for k in range(coef.shape[0]):
            cols.append(np.concatenate([coef[k], intercept[k : k + 1]]))
            a_all.append(float(cc.calibrators[k].a_))
            b_all.append(float(cc.calibrators[k].b_))
        idx = np.arange(first, len(cols))
        parts.append(_Part(idx, np.array(a_all[first:]), np.array(b_all[first:]), class_index, n_classes))
    return _Head(parts, classes)


def _head_proba(head: _Head, D: np.ndarray) -> np.ndarray:
    """Calibrated probabilities of one head from the stacked decisions ``D``."""
    from scipy.special import expit

    out = np.zeros((D.shape[0], len(head.classes)))
    for part in head.parts:
        p = expit(-(part.a * D[:, part.cols] + part.b))
        proba = np.zeros((D.shape[0], part.n_classes))
        proba[:, part.class_index] = p
        if part.n_classes == 2:
            proba[:, 0] = 1.0 - proba[:, 1]
        else:
            den = proba.sum(axis=1)[:, np.newaxis]
            uniform = np.full_like(proba, 1 / part.n_classes)
            proba = np.divide(proba, den, out=uniform, where=den != 0)
        proba[(1.0 < proba) & (proba <= 1.0 + 1e-5)] = 1.0
        out += proba
    return out / len(head.parts)


@dataclass
class CompiledHeads:
    """All heads of the model as one coefficient matrix plus their calibrations."""

    W: np.ndarray  # (n_features, n_columns), float64
    intercept: np.ndarray  # (n_columns,)
    topics: list[_Head]  # one binary head per topic (one-vs-rest, multi-label)
    pb: _Head
    genre: _Head
    main: _Head

    def decisions(self, X) -> np.ndarray:
        """One sparse product: every decision column of every head for every row."""
        D = X @ self.W
        return np.asarray(D) + self.intercept

    def topic_proba(self, D: np.ndarray) -> np.ndarray:
        return np.column_stack([_head_proba(h, D)[:, 1] for h in self.topics])


def compile_heads(bundle: dict[str, Any]) -> CompiledHeads:
    """Read the fitted heads of ``bundle`` into a ``CompiledHeads`` (load time, once)."""
    ovr = bundle["topics"]
    if not getattr(ovr, "multilabel_", False) or len(ovr.estimators_) != len(TOPICS):
        raise ModelError("the topic head is not a multi-label one-vs-rest over TOPICS")
    cols: list[np.ndarray] = []
    a_all: list[float] = []
    b_all: list[float] = []
    topics = [_compile_calibrated(e, cols, a_all, b_all) for e in ovr.estimators_]
    pb = _compile_calibrated(bundle["is_party_building"], cols, a_all, b_all)
    genre = _compile_calibrated(bundle["genre"], cols, a_all, b_all)
    main = _compile_calibrated(bundle["main"], cols, a_all, b_all)
    M = np.column_stack(cols)  # (n_features + 1, n_columns): last row the intercepts
    return CompiledHeads(np.ascontiguousarray(M[:-1]), M[-1].copy(), topics, pb, genre, main)


@dataclass
class _Probas:
    """Per-row probabilities of every head."""

    topic: np.ndarray
    pb: np.ndarray  # probability of is_party_building == 1
    genre: np.ndarray  # columns in genre classes order
    main: np.ndarray  # columns aligned to TOPICS


# ---------------------------------------------------------------- prediction


@dataclass
class Classifier:
    bundle: dict[str, Any]

    def __post_init__(self) -> None:
        b = self.bundle
        self.features = b["features"]
        self.topic_model = b["topics"]
        self.pb_model = b["is_party_building"]
        self.genre_model = b["genre"]
        self.main_model = b["main"]
        # column order of the main model's probabilities, aligned to TOPICS
        classes = [str(c) for c in self.main_model.classes_]
        self._main_cols = [classes.index(t) if t in classes else -1 for t in TOPICS]
        self._pb_col = list(self.pb_model.classes_).index(1)
        self.compiled = compile_heads(b)
        self.featurizer = FastFeatures(self.features)
        word_vec = self.features.transformer_list[0][1]
        raw = word_vec.get_feature_names_out()
        self._words = np.array([w.replace("_", " ") for w in raw], dtype=object)
        # shown as evidence: at least two syllables (a lone "đảng" or "tốt" explains
        # little), neither edge word a function word
        self._showable = np.array(
            [
                ("_" in w or " " in w) and not ({w.split(" ")[0], w.split(" ")[-1]} & EVIDENCE_STOPWORDS)
                for w in raw
            ],
            dtype=bool,
        )
        self._n_words = len(self._words)
        self._topic_coefs = [linear_coef(est)[: self._n_words] for est in self.topic_model.estimators_]

    @property
    def info(self) -> dict[str, Any]:
        heads = ("features", "topics", "is_party_building", "genre", "main", "vocabularies")
        return {k: v for k, v in self.bundle.items() if k not in heads}

    def predict(self, tokenized: list[str], titles: list[str] | None = None) -> list[dict[str, Any]]:
        """Classify tokenized texts; ``titles`` (tokenized too, "" for none) steer the main topic."""
        return self._predict(tokenized, titles, compiled=True)

    def probas(self, X, compiled: bool = True) -> _Probas:
        """Every head's probabilities for the rows of ``X``: compiled, or by scikit-learn."""
        if compiled:
            c = self.compiled
            D = c.decisions(X)
            main = _head_proba(c.main, D)
            return _Probas(
                c.topic_proba(D), _head_proba(c.pb, D)[:, self._pb_col], _head_proba(c.genre, D), self._align_main(main)
            )
        return _Probas(
            self.topic_model.predict_proba(X),
            self.pb_model.predict_proba(X)[:, self._pb_col],
            self.genre_model.predict_proba(X),
            self._align_main(self.main_model.predict_proba(X)),
        )

    def _align_main(self, mp: np.ndarray) -> np.ndarray:
        return np.column_stack([mp[:, j] if j >= 0 else np.zeros(mp.shape[0]) for j in self._main_cols])

    def _predict(self, tokenized: list[str], titles: list[str] | None, compiled: bool) -> list[dict[str, Any]]:
        texts = [feature_text(t) for t in tokenized]
        out: list[dict[str, Any]] = [empty_result() for _ in texts]
        keep = [i for i, t in enumerate(texts) if re.search(r"[^\W\d_]", t)]
        if not keep:
            return out
        # the texts, the leads of long texts and the titles: ONE features.transform
        # call over all of them (TF-IDF rows are independent), one product per batch
        leads = {row: lead_text(texts[i]) for row, i in enumerate(keep)}
        leads = {row: t for row, t in leads.items() if t}
        heads: dict[int, str] = {}
        if titles is not None:
            heads = {row: feature_text(titles[i] or "") for row, i in enumerate(keep)}
            heads = {row: t for row, t in heads.items() if re.search(r"[^\W\d_]", t)}
        n, n_lead = len(keep), len(leads)
        rows = [texts[i] for i in keep] + list(leads.values()) + list(heads.values())
        X_all = (self.featurizer.transform(rows) if compiled else self.features.transform(rows)).tocsr()
        P = self.probas(X_all, compiled=compiled)
        X = X_all[:n]
        topic_p, pb_p = P.topic[:n], P.pb[:n]
        genre_classes = list(self.genre_model.classes_)
        genre_p = P.genre[:n].copy()
        main_p = topic_p + P.main[:n]
        for j, row in enumerate(leads, start=n):
            main_p[row] += P.topic[j] + P.main[j]
            if event_lead(leads[row]):
                genre_p[row] = (genre_p[row] + P.genre[j]) / 2
        for j, row in enumerate(heads, start=n + n_lead):
            if X_all[j].nnz:  # a title of unknown words says nothing
                main_p[row] += TITLE_WEIGHT * (P.topic[j] + P.main[j])
        for row, i in enumerate(keep):
            if X[row].nnz == 0:  # nothing the model knows (e.g. text in another script)
                continue
            out[i] = self._one(X[row], topic_p[row], main_p[row], float(pb_p[row]), genre_classes, genre_p[row])
        return out

    def _one(self, x, tp, mp, pb: float, genre_classes, gp) -> dict[str, Any]:
        scores = {t: round(float(p), 4) for t, p in zip(TOPICS, tp)}
        scores[KHAC] = round(1.0 - pb, 4)
        is_pb = pb >= 0.5
        # main topic: argmax of the one-vs-rest scores plus the main-topic model, which
        # learnt from the first label which of several present topics leads (plus the
        # same two for the lead of a long text, see LEAD_SENTENCES)
        best = int(np.argmax(mp))
        if is_pb:
            topic = TOPICS[best]
            others = sorted(
                (t for t in TOPICS if t != topic and scores[t] >= SECONDARY_THRESHOLD),
                key=lambda t: -scores[t],
            )
            topics = [topic, *others]
        else:
            topic, topics = KHAC, [KHAC]
        evidence = self.evidence(x, best) if is_pb else []
        genre = genre_classes[int(np.argmax(gp))]
        return {
            "topic": topic,
            "topics": topics,
            "topic_scores": scores,
            "genre": str(genre),
            "is_party_building": bool(is_pb),
            "topic_evidence": evidence,
        }

    def evidence(self, x, topic_index: int, n: int = N_EVIDENCE) -> list[str]:
        """Word features of this text with the largest coef x tf-idf for the topic."""
        x = x.tocsr()
        idx, vals = x.indices, x.data
        mask = idx < self._n_words
        idx, vals = idx[mask], vals[mask]
        if len(idx) == 0:
            return []
        contrib = vals * self._topic_coefs[topic_index][idx]
        order = np.argsort(-contrib, kind="stable")
        out: list[str] = []
        for j in order:
            if contrib[j] <= 0 or len(out) >= n:
                break
            if not self._showable[idx[j]]:
                continue
            word = self._words[idx[j]]
            # skip a unigram already inside a chosen bigram, and vice versa
            if any(word in w or w in word for w in out):
                continue
            out.append(word)
        return out


def classify_tokenized(
    tokenized: str, model: Classifier | None = None, title: str | None = None
) -> dict[str, Any]:
    """Pure function: one tokenized text (and tokenized title) -> the classification dict.

    Never raises on text."""
    if not isinstance(tokenized, str) or not tokenized.strip():
        return empty_result()
    model = model or default_model()
    try:
        return model.predict([tokenized], None if not title else [title])[0]
    except (ValueError, TypeError, IndexError):
        return empty_result()
