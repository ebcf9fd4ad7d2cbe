"""The classifier: features, the scikit-learn estimators, saving, loading, predicting.

Input is always the *tokenized* form of a text (``pipeline.nlp.tokenized_text``:
underthesea words joined with ``_``, one sentence a line). The component reads it
from the Doc that is already tokenized; training produces the same form with
``tokenize_texts`` below. At prediction time only the title is tokenized
(``tokenize_title``, one short ``pipeline.segment`` call): its scores are
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

Prediction needs neither scikit-learn nor skops (nor scipy): every head is
linear + sigmoid calibration, laid out as columns of one coefficient matrix
(``heads_spec`` / ``CompiledHeads``), and ``FastFeatures`` re-computes the TF-IDF
rows of ``features.transform`` from the vectorizers' settings, vocabularies and
idf vectors (char_wb n-grams counted once per distinct word, cached). The text,
lead and title of a page are featurized in one call and scored with one product.
Features are bit-identical and probabilities equal scikit-learn's
(tests/classify/test_compiled.py).

Loading: ``make train`` (and ``python -m pipeline.classify.export`` for a model
file replaced by hand) writes the *inference bundle* beside model.skops:
``model_inference.npz`` (numpy arrays only, read with ``allow_pickle=False``) and
``model_inference.json`` (vocabularies, analyzer settings, head layout, model
info, sha256 of model.skops). ``default_model()`` loads it with numpy + json
(~0.06 s after numpy) when its sha256 matches model.skops, and otherwise falls
back to ``load_model`` (skops + scikit-learn, ~2 s) and logs why. ``load_model``
stays the reference: it keeps the fitted estimators (``compiled=False``).

``topic_evidence`` lists the word features that weighed most for the main topic
in this text: coefficient x TF-IDF value, underscores turned back into spaces.
"""
from __future__ import annotations

import logging
import re
import unicodedata
import zipfile
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

log = logging.getLogger(__name__)

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


# An official document or a Q&A page (``bai_viet``) prints at least two lines that
# open with these: "Căn cứ ...", "Điều 1.", "Chương II", "Hỏi:", "Trả lời:".
DOC_LINE = re.compile(r"^\s*[-–]?\s*(?:căn cứ|điều \d+|chương [ivxlc\d]+\b|hỏi\s*:|trả lời\s*:|câu hỏi\s*:)", re.M)
MIN_DOC_LINES = 2


def genre_cue(text: str) -> str | None:
    """``tin`` when one of the first lines dates an event (whatever the text's length),
    ``bai_viet`` for a document or Q&A layout, else None (the genre head decides)."""
    lines = [ln for ln in text.split("\n") if len(ln.split()) > 3]
    if event_lead("\n".join(lines[:LEAD_SENTENCES])):
        return "tin"
    if len(DOC_LINE.findall(text.replace("_", " "))) >= MIN_DOC_LINES:
        return "bai_viet"
    return None


def tokenize_title(title: str | None) -> str:
    """The title segmented like the Doc's words (``pipeline.segment``, word_tokenize's output).

    Returns "" for a missing title or when the tokenizer fails (never raises).
    """
    if not isinstance(title, str):
        return ""
    title = " ".join(normalize_text(title).split())[:MAX_TITLE_CHARS]
    if not re.search(r"[^\W\d_]", title):
        return ""
    try:
        from pipeline.segment import segment

        return " ".join(w.replace(" ", "_") for w in segment(title))
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


# ---------------------------------------------------------------- feature rows
#
# Prediction needs neither scikit-learn nor scipy: the feature rows of a page are
# a tiny CSR structure of numpy arrays (``Rows``) and the heads one dense matrix.


class Rows:
    """CSR rows of features (numpy arrays only): ``data``, ``indices``, ``indptr``."""

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, n_cols: int) -> None:
        self.data, self.indices, self.indptr = data, indices, indptr
        self.shape = (len(indptr) - 1, int(n_cols))

    @classmethod
    def from_csr(cls, X) -> Rows:
        """From a scipy CSR matrix with sorted indices (scikit-learn's output)."""
        X = X.tocsr()
        return cls(X.data, X.indices, X.indptr, X.shape[1])

    def tocsr(self):
        """A scipy CSR matrix (tests and the scikit-learn reference path only)."""
        import scipy.sparse as sp

        return sp.csr_matrix((self.data, self.indices, self.indptr), shape=self.shape)

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
        n = blocks[0].shape[0]
        offsets = np.cumsum([0] + [b.shape[1] for b in blocks])
        data, indices, indptr = [], [], [0]
        for i in range(n):
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


# ---------------------------------------------------------------- fast features
#
# ``FeatureUnion.transform`` of the fitted TF-IDF vectorizers, re-done from their
# settings, vocabularies and idf vectors (read once from the fitted objects by
# ``feature_spec``, shipped in the inference bundle), with no scikit-learn code:
#
# * word analyzer (scikit-learn 1.9 ``build_analyzer`` for analyzer="word"):
#   optional ``str.lower``, ``re.findall(token_pattern)``, then the word n-grams of
#   ``_word_ngrams`` (unigrams first, then each n joined with one space);
# * char_wb analyzer (``_char_wb_ngrams``): each whitespace-separated word padded
#   with one space, its n-grams for n in the range, a word shorter than n counted
#   once. Its n-grams never cross a word, so a text's counts are the sum over its
#   words of each word's counts: each distinct word is cut once per page and its
#   vocabulary indices kept in a bounded cache;
# * counts as CountVectorizer builds them (in-vocabulary only, sorted indices, the
#   vectorizer's float dtype), then ``TfidfTransformer.transform`` step by step:
#   sublinear ``log(tf) + 1`` in place, ``data *= idf[indices]``, and l2 row
#   normalisation as ``sparsefuncs_fast._inplace_csr_row_normalize_l2`` does it
#   (float products summed in order in a double, each value divided by the root).
#
# The result is bit-identical to ``features.transform`` (tests/classify/
# test_compiled.py, with hypothesis text); ``feature_spec`` refuses any other
# vectorizer or option instead of guessing.

# Distinct words whose n-gram indices are kept; the cache is emptied when full.
WORD_CACHE_SIZE = 100_000


class _WordCounter:
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


class _CharWbCounter:
    """Counts of the ``char_wb`` analyzer, word by word (distinct words cached)."""

    def __init__(self, spec: dict[str, Any], vocabulary: dict[str, int]) -> None:
        self.vocabulary = vocabulary
        self.n_features = len(vocabulary)
        self.lowercase = bool(spec["lowercase"])
        self.min_n, self.max_n = (int(n) for n in spec["ngram_range"])
        self.cache: dict[str, np.ndarray] = {}

    def _grams(self, word: str) -> list[str]:
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
        # scikit-learn first folds runs of \s into one space: no effect on split()
        return [g for w in doc.split() for g in self._grams(w)]

    def _ids(self, word: str) -> np.ndarray:
        ids = self.cache.get(word)
        if ids is not None:
            return ids
        voc = self.vocabulary
        ids = np.array([voc[g] for g in self._grams(word) if g in voc], dtype=np.int32)
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


_COUNTERS = {"word": _WordCounter, "char_wb": _CharWbCounter}


class _TfidfPart:
    """One fitted TfidfVectorizer: its counter, then the TF-IDF weighting."""

    def __init__(self, spec: dict[str, Any], vocabulary: dict[str, int], idf: np.ndarray | None) -> None:
        if spec["analyzer"] not in _COUNTERS:
            raise ModelError(f"no analyzer {spec['analyzer']!r} without scikit-learn")
        if spec["norm"] not in ("l2", None):
            raise ModelError(f"no norm {spec['norm']!r} without scikit-learn")
        self.name = spec["name"]
        self.counter = _COUNTERS[spec["analyzer"]](spec, vocabulary)
        self.dtype = np.dtype(spec["dtype"])
        self.sublinear_tf = bool(spec["sublinear_tf"])
        self.norm = spec["norm"]
        self.idf = idf
        self.n_features = self.counter.n_features
        if idf is not None and idf.shape != (self.n_features,):
            raise ModelError(f"idf of {self.name!r} does not match its vocabulary")

    @property
    def cache(self) -> dict[str, np.ndarray]:
        return getattr(self.counter, "cache", {})

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


class FastFeatures:
    """``features.transform`` of the fitted FeatureUnion, from the bundle's spec alone."""

    def __init__(self, parts: list[_TfidfPart]) -> None:
        self.parts = parts
        self.n_features = sum(p.n_features for p in parts)

    @classmethod
    def from_spec(cls, specs: list[dict[str, Any]], vocabularies: dict[str, dict[str, int]], arrays) -> FastFeatures:
        parts = []
        for s in specs:
            idf = arrays[s["idf"]] if s.get("idf") else None
            parts.append(_TfidfPart(s, vocabularies[s["name"]], idf))
        return cls(parts)

    @classmethod
    def from_union(cls, features) -> FastFeatures:
        """From a fitted FeatureUnion (ModelError when it holds anything else)."""
        specs, vocabularies, arrays = feature_spec(features)
        return cls.from_spec(specs, vocabularies, arrays)

    def offset(self, name: str) -> tuple[int, int]:
        """(first column, number of columns) of the part called ``name``."""
        start = 0
        for p in self.parts:
            if p.name == name:
                return start, p.n_features
            start += p.n_features
        raise KeyError(name)

    def transform(self, rows: list[str]) -> Rows:
        return Rows.hstack([p.transform(rows) for p in self.parts])


class _SklearnFeatures:
    """A featurizer that ``feature_spec`` cannot describe: scikit-learn's own transform."""

    def __init__(self, features) -> None:
        self.features = features
        self.parts: list = []

    def transform(self, rows: list[str]) -> Rows:
        return Rows.from_csr(self.features.transform(rows))


def feature_spec(features) -> tuple[list[dict[str, Any]], dict[str, dict[str, int]], dict[str, np.ndarray]]:
    """Settings, vocabularies and idf vectors of a fitted FeatureUnion of TfidfVectorizers.

    Raises ModelError for anything ``FastFeatures`` would not reproduce exactly."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    if getattr(features, "transformer_weights", None) is not None:
        raise ModelError("cannot export a FeatureUnion with transformer_weights")
    specs, vocabularies, arrays = [], {}, {}
    for name, vec in features.transformer_list:
        if type(vec) is not TfidfVectorizer:
            raise ModelError(f"cannot export feature part {name!r}: {type(vec).__name__}")
        tfidf = getattr(vec, "_tfidf", None)
        problems = [
            f"{k}={getattr(vec, k)!r}"
            for k, ok in (
                ("analyzer", vec.analyzer in _COUNTERS),
                ("input", vec.input == "content"),
                ("preprocessor", vec.preprocessor is None),
                ("tokenizer", vec.tokenizer is None),
                ("strip_accents", vec.strip_accents is None),
                ("stop_words", vec.stop_words is None),
                ("binary", not vec.binary),
            )
            if not ok
        ]
        if tfidf is None or not hasattr(vec, "vocabulary_") or not vec.vocabulary_:
            problems.append("not fitted")
        elif tfidf.norm not in ("l2", None):
            problems.append(f"norm={tfidf.norm!r}")
        if problems:
            raise ModelError(f"cannot export feature part {name!r}: {', '.join(problems)}")
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


# ---------------------------------------------------------------- compiled heads
#
# Every head is linear + sigmoid calibration, so prediction needs no scikit-learn
# call. ``heads_spec`` reads the fitted estimators once (at export, or at load of
# model.skops) and lays every coefficient vector of every head side by side in ONE
# matrix, so a batch of rows (text, lead, title of a page) is scored with one
# product. The rules copied from scikit-learn 1.9
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


def _calibrated_spec(est, cols: list[np.ndarray], a_all: list[float], b_all: list[float]) -> dict[str, Any]:
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
            class_index = [1]  # binary: the decision scores classes_[1]
        else:
            class_index = pos[: coef.shape[0]]
        first = len(cols)
        for k in range(coef.shape[0]):
            cols.append(np.concatenate([coef[k], intercept[k : k + 1]]))
            a_all.append(float(cc.calibrators[k].a_))
            b_all.append(float(cc.calibrators[k].b_))
        parts.append({"cols": list(range(first, len(cols))), "class_index": [int(i) for i in class_index],
                      "n_classes": n_classes})
    return {"classes": [c.item() if isinstance(c, np.generic) else c for c in classes], "parts": parts}


def heads_spec(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """The heads of a fitted model bundle as (JSON layout, numpy arrays W/intercept/a/b)."""
    ovr = bundle["topics"]
    if not getattr(ovr, "multilabel_", False) or len(ovr.estimators_) != len(TOPICS):
        raise ModelError("the topic head is not a multi-label one-vs-rest over TOPICS")
    cols: list[np.ndarray] = []
    a_all: list[float] = []
    b_all: list[float] = []
    layout = {
        "topics": [_calibrated_spec(e, cols, a_all, b_all) for e in ovr.estimators_],
        "is_party_building": _calibrated_spec(bundle["is_party_building"], cols, a_all, b_all),
        "genre": _calibrated_spec(bundle["genre"], cols, a_all, b_all),
        "main": _calibrated_spec(bundle["main"], cols, a_all, b_all),
    }
    M = np.column_stack(cols)  # (n_features + 1, n_columns): last row the intercepts
    arrays = {
        "W": np.ascontiguousarray(M[:-1]),
        "intercept": M[-1].copy(),
        "a": np.array(a_all, dtype=np.float64),
        "b": np.array(b_all, dtype=np.float64),
    }
    return layout, arrays


def _expit(x: np.ndarray) -> np.ndarray:
    """``scipy.special.expit`` (1 / (1 + exp(-x))) in numpy."""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-x))


def _head_proba(head: _Head, D: np.ndarray) -> np.ndarray:
    """Calibrated probabilities of one head from the stacked decisions ``D``."""
    out = np.zeros((D.shape[0], len(head.classes)))
    for part in head.parts:
        p = _expit(-(part.a * D[:, part.cols] + part.b))
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

    @classmethod
    def from_spec(cls, layout: dict[str, Any], arrays) -> CompiledHeads:
        W, intercept = np.asarray(arrays["W"], dtype=np.float64), np.asarray(arrays["intercept"], dtype=np.float64)
        a, b = np.asarray(arrays["a"], dtype=np.float64), np.asarray(arrays["b"], dtype=np.float64)
        if W.ndim != 2 or intercept.shape != (W.shape[1],) or a.shape != intercept.shape or b.shape != a.shape:
            raise ModelError("head arrays of inconsistent shapes")

        def head(spec: dict[str, Any]) -> _Head:
            parts = []
            for p in spec["parts"]:
                cols = np.asarray(p["cols"], dtype=np.intp)
                parts.append(_Part(cols, a[cols], b[cols], np.asarray(p["class_index"], dtype=np.intp),
                                   int(p["n_classes"])))
            return _Head(parts, list(spec["classes"]))

        if len(layout["topics"]) != len(TOPICS):
            raise ModelError("the topic head is not one-vs-rest over TOPICS")
        return cls(np.ascontiguousarray(W), intercept, [head(h) for h in layout["topics"]],
                   head(layout["is_party_building"]), head(layout["genre"]), head(layout["main"]))

    def decisions(self, X) -> np.ndarray:
        """Every decision column of every head for every row (``Rows`` or scipy)."""
        D = X.dot(self.W) if isinstance(X, Rows) else np.asarray(X @ self.W)
        return D + self.intercept

    def topic_proba(self, D: np.ndarray) -> np.ndarray:
        return np.column_stack([_head_proba(h, D)[:, 1] for h in self.topics])


def compile_heads(bundle: dict[str, Any]) -> CompiledHeads:
    """Read the fitted heads of ``bundle`` into a ``CompiledHeads``."""
    return CompiledHeads.from_spec(*heads_spec(bundle))


@dataclass
class _Probas:
    """Per-row probabilities of every head."""

    topic: np.ndarray
    pb: np.ndarray  # probability of is_party_building == 1
    genre: np.ndarray  # columns in genre classes order
    main: np.ndarray  # columns aligned to TOPICS


# ---------------------------------------------------------------- inference bundle
#
# model_inference.npz (numpy arrays only, read with allow_pickle=False) and
# model_inference.json (vocabularies, analyzer settings, head layout and classes,
# model info, and the sha256 of the model.skops they were exported from): all that
# prediction needs, so a worker loads the classifier with numpy + json in a few
# tens of milliseconds instead of importing skops and scikit-learn (~2 s).
# ``default_model`` uses them only while their sha256 matches model.skops.

INFERENCE_FORMAT = 1


def inference_paths(model_path: Path | str = MODEL_PATH) -> tuple[Path, Path]:
    """(npz, json) of the inference bundle of a model file: model.skops -> model_inference.*"""
    p = Path(model_path)
    return p.with_name(p.stem + "_inference.npz"), p.with_name(p.stem + "_inference.json")


def file_sha256(path: Path | str) -> str:
    import hashlib

    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _plain(v: Any) -> Any:
    """numpy scalars and arrays in model info -> JSON values."""
    if isinstance(v, np.generic):
        return v.item()
    if isinstance(v, np.ndarray):
        return v.tolist()
    if isinstance(v, dict):
        return {str(k): _plain(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_plain(x) for x in v]
    return v


def inference_spec(bundle: dict[str, Any]) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
    """(JSON meta, numpy arrays) of a fitted model bundle: everything prediction needs."""
    specs, vocabularies, arrays = feature_spec(bundle["features"])
    layout, head_arrays = heads_spec(bundle)
    if not any(s["name"] == "word" and s["analyzer"] == "word" for s in specs):
        raise ModelError("the model has no word feature part (needed for topic evidence)")
    n_features = sum(len(v) for v in vocabularies.values())
    if head_arrays["W"].shape[0] != n_features:
        raise ModelError("the heads do not match the feature count")
    arrays.update(head_arrays)
    heads = ("features", "topics", "is_party_building", "genre", "main", "vocabularies")
    meta = {
        "format": INFERENCE_FORMAT,
        "labels": {"topics": list(TOPICS), "khac": KHAC, "genres": list(GENRES)},
        "features": specs,
        "vocabularies": vocabularies,
        "heads": layout,
        "model_info": _plain({k: v for k, v in bundle.items() if k not in heads}),
    }
    return meta, arrays


def export_inference(model_path: Path | str = MODEL_PATH, classifier: Classifier | None = None) -> tuple[Path, Path]:
    """Write the inference bundle next to ``model_path`` (from its loaded skops model)."""
    import json

    model_path = Path(model_path)
    clf = classifier if classifier is not None else load_model(model_path)
    if clf.bundle is None:
        raise ModelError("export needs the scikit-learn model (load_model), not an inference bundle")
    meta, arrays = inference_spec(clf.bundle)
    meta["model_file"] = model_path.name
    meta["model_sha256"] = file_sha256(model_path)
    npz_path, json_path = inference_paths(model_path)
    # write beside, then rename: a worker never reads half a bundle
    tmp_npz = npz_path.with_name(npz_path.name + ".tmp")
    tmp_json = json_path.with_name(json_path.name + ".tmp")
    with open(tmp_npz, "wb") as f:  # a file object: numpy adds no ".npz" to the name
        np.savez_compressed(f, **arrays)
    tmp_json.write_text(json.dumps(meta, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    tmp_npz.replace(npz_path)
    tmp_json.replace(json_path)
    return npz_path, json_path


def inference_problem(model_path: Path | str = MODEL_PATH) -> str | None:
    """Why the inference bundle of ``model_path`` cannot be used (None: it can)."""
    import json

    model_path = Path(model_path)
    npz_path, json_path = inference_paths(model_path)
    for p in (model_path, npz_path, json_path):
        if not p.exists():
            return f"{p.name} is missing"
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return f"{json_path.name} is unreadable ({e})"
    if not isinstance(meta, dict) or meta.get("format") != INFERENCE_FORMAT:
        return f"{json_path.name} has format {meta.get('format') if isinstance(meta, dict) else None}, expected {INFERENCE_FORMAT}"
    if meta.get("model_sha256") != file_sha256(model_path):
        return f"{json_path.name} was exported from another {model_path.name} (sha256 differs): run `python -m pipeline.classify.export`"
    return None


def load_inference(model_path: Path | str = MODEL_PATH, check: bool = True) -> Classifier:
    """The classifier from the inference bundle of ``model_path``: numpy + json only."""
    import json
    import zipfile

    model_path = Path(model_path)
    if check:
        problem = inference_problem(model_path)
        if problem:
            raise ModelError(problem)
    npz_path, json_path = inference_paths(model_path)
    try:
        meta = json.loads(json_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as z:
            arrays = {k: z[k] for k in z.files}
    except (OSError, ValueError, KeyError, zipfile.BadZipFile) as e:
        raise ModelError(f"unreadable inference bundle {npz_path.name}: {e}") from e
    if meta.get("format") != INFERENCE_FORMAT:
        raise ModelError(f"{json_path.name}: format {meta.get('format')}, expected {INFERENCE_FORMAT}")
    labels = meta.get("labels", {})
    if list(labels.get("topics", [])) != list(TOPICS) or list(labels.get("genres", [])) != list(GENRES):
        raise ModelError(f"{json_path.name} was exported for other labels")
    try:
        return Classifier.from_spec(meta, arrays)
    except (KeyError, TypeError, ValueError, IndexError) as e:
        raise ModelError(f"inconsistent inference bundle {json_path.name}: {e!r}") from e


def load_default(model_path: Path | str = MODEL_PATH) -> Classifier:
    """The inference bundle when it matches ``model_path``, else the skops model (logged)."""
    problem = inference_problem(model_path)
    if problem is None:
        try:
            return load_inference(model_path, check=False)
        except ModelError as e:
            problem = str(e)
    log.warning("classifier: loading %s with skops/scikit-learn (slow start): %s", Path(model_path).name, problem)
    return load_model(model_path)


@lru_cache(maxsize=1)
def default_model() -> Classifier:
    return load_default(MODEL_PATH)


# ---------------------------------------------------------------- prediction


class Classifier:
    """Prediction from the inference spec (numpy only); ``bundle`` holds the fitted
    scikit-learn estimators when loaded from model.skops (the reference path,
    ``compiled=False``), None when loaded from the inference bundle."""

    def __init__(self, bundle: dict[str, Any]) -> None:
        """From a fitted scikit-learn bundle (as ``load_model`` returns it)."""
        meta, arrays = {}, {}
        layout, head_arrays = heads_spec(bundle)
        arrays.update(head_arrays)
        heads = ("features", "topics", "is_party_building", "genre", "main", "vocabularies")
        meta["heads"] = layout
        meta["model_info"] = {k: v for k, v in bundle.items() if k not in heads}
        try:
            featurizer: Any = FastFeatures.from_union(bundle["features"])
        except ModelError:
            featurizer = _SklearnFeatures(bundle["features"])
        start = 0
        for name, vec in bundle["features"].transformer_list:
            if name == "word":
                break
            start += len(vec.vocabulary_)
        words = [str(w) for w in dict(bundle["features"].transformer_list)["word"].get_feature_names_out()]
        self._setup(meta, arrays, featurizer, (start, len(words)), words)
        self.bundle = bundle

    @classmethod
    def from_spec(cls, meta: dict[str, Any], arrays) -> Classifier:
        """From the inference bundle (``inference_spec``): no scikit-learn."""
        self = cls.__new__(cls)
        featurizer = FastFeatures.from_spec(meta["features"], meta["vocabularies"], arrays)
        start, n = featurizer.offset("word")
        vocab = meta["vocabularies"]["word"]
        words = [""] * len(vocab)
        for t, i in vocab.items():
            words[i] = t
        self._setup(meta, arrays, featurizer, (start, n), words)
        self.bundle = None
        return self

    def _setup(self, meta, arrays, featurizer, word_cols: tuple[int, int], words: list[str]) -> None:
        self.compiled = CompiledHeads.from_spec(meta["heads"], arrays)
        self.featurizer = featurizer
        self.info = meta["model_info"]
        n_feat = getattr(featurizer, "n_features", None)
        if n_feat is not None and n_feat != self.compiled.W.shape[0]:
            raise ModelError(f"{n_feat} features but heads for {self.compiled.W.shape[0]}")
        c = self.compiled
        self.genre_classes = [str(g) for g in c.genre.classes]
        self._pb_col = list(c.pb.classes).index(1)
        classes = [str(t) for t in c.main.classes]
        self._main_cols = [classes.index(t) if t in classes else -1 for t in TOPICS]
        self._word_start, self._n_words = word_cols
        self._words = np.array([w.replace("_", " ") for w in words], dtype=object)
        # shown as evidence: at least two syllables (a lone "đảng" or "tốt" explains
        # little), neither edge word a function word
        self._showable = np.array(
            [
                ("_" in w or " " in w) and not ({w.split(" ")[0], w.split(" ")[-1]} & EVIDENCE_STOPWORDS)
                for w in words
            ],
            dtype=bool,
        )
        # coefficient of each word feature for each topic (mean over calibrated parts)
        lo, hi = self._word_start, self._word_start + self._n_words
        self._topic_coefs = [
            np.mean([c.W[lo:hi, p.cols[0]] for p in h.parts], axis=0) for h in c.topics
        ]

    # the fitted scikit-learn estimators (reference path only)
    def _sk(self, key: str):
        if self.bundle is None:
            raise ModelError("loaded from the inference bundle: no scikit-learn estimators")
        return self.bundle[key]

    @property
    def features(self):
        return self._sk("features")

    @property
    def topic_model(self):
        return self._sk("topics")

    @property
    def pb_model(self):
        return self._sk("is_party_building")

    @property
    def genre_model(self):
        return self._sk("genre")

    @property
    def main_model(self):
        return self._sk("main")

    def predict(self, tokenized: list[str], titles: list[str] | None = None) -> list[dict[str, Any]]:
        """Classify tokenized texts; ``titles`` (tokenized too, "" for none) steer the main topic."""
        return self._predict(tokenized, titles, compiled=True)

    def probas(self, X, compiled: bool = True) -> _Probas:
        """Every head's probabilities for the rows of ``X``: compiled, or by scikit-learn
        (``compiled=False``: the model.skops estimators on a scipy matrix)."""
        if compiled:
            c = self.compiled
            D = c.decisions(X)
            main = _head_proba(c.main, D)
            return _Probas(
                c.topic_proba(D), _head_proba(c.pb, D)[:, self._pb_col], _head_proba(c.genre, D), self._align_main(main)
            )
        if isinstance(X, Rows):
            X = X.tocsr()
        pb_col = list(self.pb_model.classes_).index(1)
        classes = [str(t) for t in self.main_model.classes_]
        mp = self.main_model.predict_proba(X)
        return _Probas(
            self.topic_model.predict_proba(X),
            self.pb_model.predict_proba(X)[:, pb_col],
            self.genre_model.predict_proba(X),
            np.column_stack([mp[:, classes.index(t)] if t in classes else np.zeros(mp.shape[0]) for t in TOPICS]),
        )

    def _align_main(self, mp: np.ndarray) -> np.ndarray:
        return np.column_stack([mp[:, j] if j >= 0 else np.zeros(mp.shape[0]) for j in self._main_cols])

    def _predict(self, tokenized: list[str], titles: list[str] | None, compiled: bool) -> list[dict[str, Any]]:
        texts = [feature_text(t) for t in tokenized]
        out: list[dict[str, Any]] = [empty_result() for _ in texts]
        keep = [i for i, t in enumerate(texts) if re.search(r"[^\W\d_]", t)]
        if not keep:
            return out
        # the texts, the leads of long texts and the titles: ONE transform call over
        # all of them (TF-IDF rows are independent), one product per batch
        leads = {row: lead_text(texts[i]) for row, i in enumerate(keep)}
        leads = {row: t for row, t in leads.items() if t}
        heads: dict[int, str] = {}
        if titles is not None:
            heads = {row: feature_text(titles[i] or "") for row, i in enumerate(keep)}
            heads = {row: t for row, t in heads.items() if re.search(r"[^\W\d_]", t)}
        n, n_lead = len(keep), len(leads)
        rows = [texts[i] for i in keep] + list(leads.values()) + list(heads.values())
        if compiled:
            X_all = self.featurizer.transform(rows)
            P = self.probas(X_all, compiled=True)
        else:
            X_sk = self.features.transform(rows).tocsr()
            P = self.probas(X_sk, compiled=False)
            X_all = Rows.from_csr(X_sk)
            genre_classes = [str(g) for g in self.genre_model.classes_]
        X = X_all[:n]
        topic_p, pb_p = P.topic[:n], P.pb[:n]
        genre_classes = self.genre_classes if compiled else genre_classes
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
            x = X[row]
            if x.nnz == 0:  # nothing the model knows (e.g. text in another script)
                continue
            cue = genre_cue(texts[i])
            if cue in genre_classes:
                genre_p[row] = [float(g == cue) for g in genre_classes]
            out[i] = self._one(x, topic_p[row], main_p[row], float(pb_p[row]), genre_classes, genre_p[row])
        return out

    def _one(self, x: Rows, tp, mp, pb: float, genre_classes, gp) -> dict[str, Any]:
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

    def evidence(self, x: Rows, topic_index: int, n: int = N_EVIDENCE) -> list[str]:
        """Word features of this text (one row) with the largest coef x tf-idf for the topic."""
        idx, vals = x.indices, x.data
        lo = self._word_start
        mask = (idx >= lo) & (idx < lo + self._n_words)
        idx, vals = idx[mask] - lo, vals[mask]
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
