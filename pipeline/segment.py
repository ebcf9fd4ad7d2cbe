"""Vietnamese word segmentation: underthesea's model, scored without feature strings.

``underthesea.word_tokenize`` splits a sentence into syllable tokens with its regex
tokenizer, writes 43 feature strings per token (``T[-1,0].lower=chi bộ``, ...)
and hands them to a CRF that maps each string back to a weight. Writing and
passing those strings is about 80 % of its time, and a page repeats the same
syllables, pairs and triples over and over.

``segment(text)`` returns what ``word_tokenize(text)`` returns, from the same
parts: underthesea's own regex tokenizer, its own model file (read directly: the
CRFsuite binary format, ``read_crfsuite``) and its own feature templates. Only
the scoring differs: the weight that a template gives to a token, a pair or a
triple of tokens is worked out once and cached, and the Viterbi pass is the
same (same tie rule: the first label wins). ``tests/test_segment.py`` checks the
output against ``word_tokenize`` on every sample page and on generated text.

When the model cannot be read (another underthesea release, another layout),
``segment`` is ``word_tokenize`` itself, so the output never depends on this
module working.
"""
from __future__ import annotations

import logging
import re
import struct
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

MODEL_NAME = "ws_crf_vlsp2013_20230727"
_TEMPLATE = re.compile(r"T\[(-?\d+)(?:,(-?\d+))?\](?:\.(\w+))?$")
_CACHE_LIMIT = 300_000  # cached n-grams per length, then the cache starts again


# ----------------------------------------------------------------------------- model file
def read_crfsuite(path: Path) -> tuple[list[str], list[str], np.ndarray]:
    """Labels, attributes (by id) and features of a CRFsuite model.

    Features are a structured array with fields ``type``, ``src``, ``dst``, ``weight``.

    The layout is CRFsuite's ``crf1d_model``: a 48-byte header, a ``FEAT`` chunk of
    20-byte features (type 0: attribute ``src`` -> label ``dst``; type 1: label ``src``
    -> label ``dst``) and two ``CQDB`` string tables (labels, attributes).
    """
    data = path.read_bytes()
    head = struct.unpack_from("<4sI4sIIIIIIIII", data, 0)
    magic, _size, kind, _version, _nf, n_labels, n_attrs, off_feat, off_labels, off_attrs = head[:10]
    if magic != b"lCRF" or kind != b"FOMC":
        raise ValueError(f"{path}: not a CRFsuite model (magic {magic!r}, type {kind!r})")

    def strings(offset: int, count: int) -> list[str]:
        chunk, _sz, _flag, _order, bwd_size, bwd_offset = struct.unpack_from("<4sIIIII", data, offset)
        if chunk != b"CQDB" or bwd_size != count:
            raise ValueError(f"{path}: string table at {offset} is not a CQDB of {count} entries")
        out = []
        for i, rec in enumerate(struct.unpack_from(f"<{bwd_size}I", data, offset + bwd_offset)):
            rid, size = struct.unpack_from("<II", data, offset + rec)
            if rid != i:
                raise ValueError(f"{path}: string {i} of the table at {offset} is numbered {rid}")
            start = offset + rec + 8
            out.append(data[start:start + size - 1].decode("utf-8"))
        return out

    labels = strings(off_labels, n_labels)
    attrs = strings(off_attrs, n_attrs)
    chunk, _sz, n = struct.unpack_from("<4sII", data, off_feat)
    if chunk != b"FEAT" or off_feat + 12 + 20 * n > len(data):
        raise ValueError(f"{path}: no FEAT chunk of {n} features at {off_feat}")
    features = np.frombuffer(data, dtype=_FEATURE, count=n, offset=off_feat + 12)
    return labels, attrs, features


_FEATURE = np.dtype([("type", "<u4"), ("src", "<u4"), ("dst", "<u4"), ("weight", "<f8")])


# ----------------------------------------------------------------------------- scorer
def _values(text: str, dictionary: frozenset[str]) -> dict[str | None, str]:
    """What each template function reads from ``text``: the text, its lower case, and
    the yes/no functions as ``"True"``/``"False"`` (``_answers``)."""
    out: dict[str | None, str] = {None: text, "lower": text.lower()}
    for fn, yes in zip(_YES_NO, _answers(text, _YES_NO, dictionary)):
        out[fn] = "True" if yes else "False"
    return out


_I32 = re.compile(r"[+-]?[0-9]+")
_YES_NO = ("isdigit", "istitle", "is_in_dict")  # the functions whose value is True or False


def _parses_as_i32(text: str) -> bool:
    """Rust's ``str::parse::<i32>``: an optional sign, digits (leading zeros allowed), in range;
    a run of thousands of digits is too long without converting it."""
    if not _I32.fullmatch(text):
        return False
    digits = text.lstrip("+-").lstrip("0") or "0"
    if len(digits) > 10:
        return False
    value = -int(digits) if text[0] == "-" else int(digits)
    return -(2**31) <= value < 2**31


def _answers(text: str, asks: tuple[str, ...], dictionary: frozenset[str]) -> tuple[bool, ...]:
    """The yes/no template functions ``asks`` of ``text``, as underthesea_core's featurizer
    computes them: ``isdigit`` is Rust's ``str::parse::<i32>`` succeeding; ``istitle``,
    every space-separated part starts with a character equal to its upper case;
    ``is_in_dict``, the lower-cased text is a dictionary word."""
    out = []
    for fn in asks:
        if fn == "isdigit":
            out.append(_parses_as_i32(text))
        elif fn == "istitle":
            out.append(all(p[:1] == p[:1].upper() for p in text.split(" ")))
        else:
            out.append(text.lower() in dictionary)
    return tuple(out)


class Scorer:
    """State and transition weights of a two-label model, with n-gram weight tables.

    Templates are grouped by the span of tokens they read, ``(a, b)`` relative to
    the token being tagged: ``T[-1,0].lower`` reads span (-1, 0). The weight the
    templates of a span give to an n-gram is the same wherever the n-gram occurs,
    so it is computed once and kept in a table row, ``table[n][row, slot, label]``,
    ``slot`` numbering the spans of length n. Where a span leaves the sentence its
    templates read ``BOS`` (checked first) or ``EOS``, as underthesea_core does.
    """

    def __init__(self, labels: list[str], transitions: list[list[float]],
                 spans: dict[tuple[int, int], list[tuple[str, str | None]]],
                 weights: dict[str, list[float]], dictionary: frozenset[str]):
        if len(labels) != 2:
            raise ValueError(f"a two-label model was expected, not {labels}")
        self.labels = labels
        self.transitions = transitions
        self.spans = spans
        self.weights = weights
        self.dictionary = dictionary
        self.bos = {span: self._sum(f"{syntax}=BOS" for syntax, _ in t) for span, t in spans.items()}
        self.eos = {span: self._sum(f"{syntax}=EOS" for syntax, _ in t) for span, t in spans.items()}
        self.starts: dict[int, list[int]] = {}  # n-gram length -> span starts, in slot order
        for a, b in spans:
            self.starts.setdefault(b - a + 1, []).append(a)
        # per length, per slot: the templates as ("T[-1,0].lower=", function)
        self._templates = {
            n: [[(f"{syntax}=", fn) for syntax, fn in spans[(a, a + n - 1)]] for a in starts]
            for n, starts in self.starts.items()
        }
        # Per length, every text (or lower case) some template of that length has a weight
        # for: an n-gram outside it scores by its yes/no answers alone (istitle, ...),
        # so all such n-grams with the same answers share one table row.
        length_of = {syntax: (b - a + 1, fn) for (a, b), t in spans.items() for syntax, fn in t}
        self._known: dict[int, set[str]] = {n: set() for n in self.starts}
        for attr in weights:
            syntax, _, value = attr.partition("=")
            n, fn = length_of.get(syntax, (0, "?"))
            if n and fn not in _YES_NO:
                self._known[n].add(value)
        self._asks = {n: tuple(sorted({fn for a in s for _, fn in spans[(a, a + n - 1)] if fn in _YES_NO}))
                      for n, s in self.starts.items()}
        self._rows: dict[int, dict[tuple, int]] = {n: {} for n in self.starts}
        self._used = {n: 0 for n in self.starts}  # table rows in use, per length
        self._table = {n: np.zeros((4096, len(s), 2)) for n, s in self.starts.items()}
        self._slot_arrays: dict | None = None

    def forget(self) -> None:
        """Empty the n-gram tables (the benchmark's first-sight figure starts from here)."""
        for n, rows in self._rows.items():
            rows.clear()
            self._used[n] = 0

    def _slots(self) -> dict[int, tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Per n-gram length: the offsets of its spans and their BOS and EOS weights, as arrays."""
        if self._slot_arrays is None:
            self._slot_arrays = {
                length: (np.array(starts),
                         np.array([self.bos[(a, a + length - 1)] for a in starts], dtype=float),
                         np.array([self.eos[(a, a + length - 1)] for a in starts], dtype=float))
                for length, starts in self.starts.items()}
        return self._slot_arrays

    def _sum(self, attributes) -> list[float]:
        total = [0.0, 0.0]
        for attr in attributes:
            w = self.weights.get(attr)
            if w is not None:
                total[0] += w[0]
                total[1] += w[1]
        return total

    def _weights_of(self, gram: tuple[str, ...]) -> list[list[float]]:
        """The weight each span of the n-gram's length gives it, per label."""
        values = _values(" ".join(gram), self.dictionary)
        get = self.weights.get
        out = []
        for templates in self._templates[len(gram)]:
            w0 = w1 = 0.0
            for prefix, fn in templates:
                w = get(prefix + values[fn])
                if w is not None:
                    w0 += w[0]
                    w1 += w[1]
            out.append([w0, w1])
        return out

    def _row_ids(self, tokens: list[str], length: int, end: np.ndarray) -> list[int]:
        """Table row of the n-gram starting at each token (0 where it would leave its sentence).

        N-grams not in the table yet get their weights now, appended in one block.
        """
        rows, known, asks = self._rows[length], self._known[length], self._asks[length]
        ids = [rows.get(g) for g in zip(*(tokens[k:] for k in range(length)))]
        new: list[list[list[float]]] = []
        for j, row in enumerate(ids):
            if row is None:
                if j + length > end[j]:
                    ids[j] = 0  # never read: the templates see EOS there
                    continue
                gram = tuple(tokens[j:j + length])
                row = rows.get(gram)  # looked up again: an n-gram may occur twice
                if row is None:
                    text = " ".join(gram)
                    shared = None
                    if text not in known and text.lower() not in known:
                        answers = _answers(text, asks, self.dictionary)
                        shared = ("",) + answers  # no n-gram starts with an empty token
                        row = rows.get(shared)
                    if row is None:
                        row = self._used[length]
                        self._used[length] += 1
                        new.append(self._weights_of(gram))
                        if shared is not None:
                            rows[shared] = row
                    rows[gram] = row
                ids[j] = row
        if new:
            table = self._table[length]
            stop = self._used[length]
            if stop > len(table):
                grown = np.zeros((max(stop, 2 * len(table)),) + table.shape[1:])
                grown[: len(table)] = table
                table = self._table[length] = grown
            table[stop - len(new):stop] = new
        return ids

    def emissions(self, tokens: list[str], first: np.ndarray, end: np.ndarray) -> np.ndarray:
        """Per token, the summed state weight of each label: shape (tokens, 2).

        ``tokens`` are the tokens of several sentences one after the other; ``first``
        and ``end`` give, per token, where its sentence starts and ends.
        """
        n = len(tokens)
        out = np.zeros((n, 2))
        at = np.arange(n)
        for length, rows in self._rows.items():
            if len(rows) >= _CACHE_LIMIT:  # start again between calls, never within one
                rows.clear()
                self._used[length] = 0
        for length, (offsets, bos, eos) in self._slots().items():
            if n < length:
                grams = np.zeros((1, len(offsets), 2))
            else:
                ids = self._row_ids(tokens, length, end)  # may grow the table: first
                grams = self._table[length][ids]
            # every slot of this length at once: token i reads the n-gram at i + a,
            # or the BOS / EOS weight where that span leaves its sentence
            j = at[:, None] + offsets
            before = j < first[:, None]
            after = ~before & (j + length > end[:, None])
            read = grams[np.clip(j, 0, len(grams) - 1), np.arange(len(offsets))]
            read = np.where(before[..., None], bos, np.where(after[..., None], eos, read))
            for slot in range(len(offsets)):  # slot by slot: the sums stay those of one slot at a time
                out += read[:, slot]
        return out

    def tag(self, sentences: list[list[str]]) -> list[list[str]]:
        """Labels of each sentence's tokens: Viterbi, the lower label winning equal scores."""
        tokens = [t for s in sentences for t in s]
        if not tokens:
            return [[] for _ in sentences]
        first = np.empty(len(tokens), dtype=np.int64)
        end = np.empty(len(tokens), dtype=np.int64)
        pos = 0
        for s in sentences:
            first[pos:pos + len(s)] = pos
            end[pos:pos + len(s)] = pos + len(s)
            pos += len(s)
        em = self.emissions(tokens, first, end).tolist()
        (t00, t01), (t10, t11) = self.transitions
        names = self.labels
        out, pos = [], 0
        for s in sentences:
            if not s:
                out.append([])
                continue
            s0, s1 = em[pos]
            back = []
            for e0, e1 in em[pos + 1:pos + len(s)]:
                a, b = s0 + t00, s1 + t10
                n0, p0 = (b, 1) if b > a else (a, 0)
                a, b = s0 + t01, s1 + t11
                n1, p1 = (b, 1) if b > a else (a, 0)
                s0, s1 = n0 + e0, n1 + e1
                back.append((p0, p1))
            y = 1 if s1 > s0 else 0
            path = [y]
            for ptr in reversed(back):
                y = ptr[y]
                path.append(y)
            out.append([names[y] for y in reversed(path)])
            pos += len(s)
        return out


def load_scorer(model_dir: Path) -> Scorer:
    """The scorer of an underthesea ``FastCRFSequenceTagger`` model directory."""
    labels, attrs, features = read_crfsuite(model_dir / "models.bin")
    n = len(labels)
    if len(features) and (features["dst"].max() >= n or features["src"].max() >= max(n, len(attrs))):
        raise ValueError(f"{model_dir / 'models.bin'}: a feature refers to no label or attribute")
    state = features[features["type"] == 0]
    table = np.zeros((len(attrs), n))
    np.add.at(table, (state["src"], state["dst"]), state["weight"])
    used = np.unique(state["src"])
    weights = dict(zip([attrs[i] for i in used.tolist()], table[used].tolist()))
    trans = features[features["type"] == 1]
    transitions = np.zeros((n, n))
    np.add.at(transitions, (trans["src"], trans["dst"]), trans["weight"])
    spans: dict[tuple[int, int], list[tuple[str, str | None]]] = {}
    for syntax in _unpickle(model_dir / "features.bin"):
        m = _TEMPLATE.match(syntax)
        if m is None or m.group(3) not in _FUNCTIONS:
            raise ValueError(f"{model_dir}: feature template {syntax!r} is not T[a], T[a,b] or T[..].function")
        a = int(m.group(1))
        b = int(m.group(2)) if m.group(2) is not None else a
        if b < a:
            raise ValueError(f"{model_dir}: feature template {syntax!r} ends before it starts")
        spans.setdefault((a, b), []).append((syntax, m.group(3)))
    dictionary = frozenset(_unpickle(model_dir / "dictionary.bin"))
    return Scorer(labels=labels, transitions=transitions.tolist(), spans=spans, weights=weights, dictionary=dictionary)


def _unpickle(path: Path):
    """A joblib file of underthesea's model folder (trusted, shipped with underthesea).

    Those holding plain Python objects are plain pickles, read four times faster by
    ``pickle`` than by joblib's pure-Python unpickler; joblib reads any other.
    """
    import pickle

    try:
        with open(path, "rb") as f:
            return pickle.load(f)
    except Exception:  # noqa: BLE001 - compressed or numpy-bearing joblib file
        import joblib

        return joblib.load(path)


_FUNCTIONS = {None, "lower", *_YES_NO}  # None: the token text itself


def _model_dir() -> Path:
    import underthesea.pipeline.word_tokenize as wt

    return Path(wt.__file__).parent / "models" / MODEL_NAME


@lru_cache(maxsize=1)
def scorer() -> Scorer | None:
    """The process's scorer, or None (then ``segment`` is ``word_tokenize``)."""
    try:
        return load_scorer(_model_dir())
    except Exception as exc:  # noqa: BLE001 - any failure means: use underthesea as is
        log.warning("word segmentation falls back to underthesea.word_tokenize: %s", exc)
        return None


# ----------------------------------------------------------------------------- tokens and words
@lru_cache(maxsize=200_000)
def _normal_token(token: str) -> str:
    from underthesea.pipeline.text_normalize import token_normalize

    return token_normalize(token)


def syllables(text: str) -> list[str]:
    """underthesea's regex tokenization of ``text`` (its ``tokenize(text)``).

    Same compiled pattern and normalisation; the token is the whole match (each
    alternative of the pattern is one named group spanning it) and each distinct
    token is normalised once per process.
    """
    from underthesea.pipeline.text_normalize.character_normalize import normalize_characters_in_text
    from underthesea.pipeline.word_tokenize import regex_tokenize

    text = normalize_characters_in_text(text)
    return [_normal_token(m.group()) for m in regex_tokenize.patterns.finditer(text)]


def segment_many(texts: list[str]) -> list[list[str]]:
    """``[word_tokenize(t) for t in texts]``, scored together."""
    model = scorer()
    if model is None:
        from underthesea import word_tokenize

        return [word_tokenize(t) for t in texts]
    sentences = [syllables(t) for t in texts]
    out = []
    for tokens, tags in zip(sentences, model.tag(sentences)):
        words: list[str] = []
        for tag, token in zip(tags, tokens):
            if tag == "I-W" and words:
                words[-1] = words[-1] + " " + token
            else:
                words.append(token)
        out.append(words)
    return out


def segment(text: str) -> list[str]:
    """Words of ``text``, multi-syllable words joined by a space: ``word_tokenize(text)``."""
    return segment_many([text])[0]
