"""The one normalisation of text, the one tone folding, and sentences and clauses of a Doc.

``normalize`` is applied once to every page, right after decoding: NFC, underthesea's tone
placement for every syllable (``hoá`` -> ``hóa``, ``thuỷ`` -> ``thủy``), no control
characters, Unix newlines. ``fold`` and ``fold_syllable`` are the keys matching compares
(lower case, the same tone placement, one dash), so ``Đảng uỷ`` and ``Đảng ủy`` are one
phrase wherever a stage looks a phrase up: the entity tables, the evaluation's gold.
"""
from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

from pipeline import settings

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]")
# The words underthesea's token_normalize can change: those with a non-ASCII letter,
# and "qui" (-> "quy"), the one ASCII entry of its table. Every other word is left as is,
# so matching only these is the same as normalising every word, and faster.
# Matched from word starts only: without the look-behind a long ASCII run (digits, base64)
# was scanned again from each of its characters, quadratic in its length.
_SYLLABLE = re.compile(r"(?<!\w)(?:\w*[^\W\x00-\x7f]\w*|(?:qui|Qui|QUI)(?!\w))")
_WORD = re.compile(r"\w+")
DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")


@lru_cache(maxsize=65536)
def place_tones(word: str) -> str:
    """One word in underthesea's tone placement and spelling (``hoá`` -> ``hóa``)."""
    from underthesea.pipeline.text_normalize import token_normalize

    return token_normalize(word)


def normalize(text: str) -> str:
    """NFC, one tone-placement convention, no control characters, ``\\n`` newlines."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = _CONTROL.sub("", text)
    return _SYLLABLE.sub(lambda m: place_tones(m.group()), text)


@lru_cache(maxsize=65536)
def fold_syllable(text: str) -> str:
    """The key of one syllable: NFC, lower case, ``Ð`` -> ``đ``, any dash -> ``-``, tones placed."""
    s = unicodedata.normalize("NFC", text).lower().replace("ð", "đ")
    if s in DASHES:
        return "-"
    return place_tones(s)


def fold(text: str, case: bool = True) -> str:
    """The key of a phrase: NFC, every word's tones placed, white space collapsed and, unless
    ``case`` is False, case-folded; punctuation stays as printed."""
    text = _WORD.sub(lambda m: place_tones(m.group()), unicodedata.normalize("NFC", text))
    text = " ".join(text.split())
    return text.casefold() if case else text


# ---------------------------------------------------------------- sentences and clauses of a Doc

# where a clause ends inside a sentence: a decimal point ("35.5%") does not end it
CLAUSE_END = re.compile(r"[!?\n;]|\.(?!\d)")


def sentence_spans(doc) -> Iterator[tuple[int, int]]:
    """(start, end) character offsets of the Doc's sentences, in order."""
    for sent in doc.sents:
        yield sent.start_char, sent.end_char


def clause_bounds(text: str, start: int, end: int, window: int = 600,
                  ends: re.Pattern = CLAUSE_END) -> tuple[int, int]:
    """The clause (or whatever ``ends`` closes) holding ``text[start:end]``, looked for within
    ``window`` characters on each side, so a page-long run of one clause costs linear time:
    from the last end before ``start`` (else ``window`` back, else the text's start) to the
    first at or after ``end`` (else ``window`` on)."""
    a = 0 if start <= window else start - window
    for m in ends.finditer(text, max(0, start - window), start):
        a = m.end()
    m = ends.search(text, end, end + window)
    return a, (m.start() if m else min(len(text), end + window))


def sentence_bounds(doc) -> tuple[list[int], list[int]]:
    """Start and end character offsets of every sentence, read once per Doc (spaCy's
    ``token.sent`` walks the Doc from its start on every call)."""
    bounds = doc.user_data.get("sentence_bounds")
    if bounds is None:
        spans = list(sentence_spans(doc)) if len(doc) else []
        bounds = doc.user_data["sentence_bounds"] = ([a for a, _ in spans], [b for _, b in spans])
    return bounds


def sentence_of(doc, start: int, end: int, max_chars: int | None = None) -> str:
    """The text of the sentence holding the character span [start, end), or a window of
    ``max_chars`` (``settings.SENTENCE_MAX_CHARS``) around the span (cut at spaces, marked
    ``…``) when the sentence is longer, so a row's size is bounded whatever the page."""
    if max_chars is None:
        max_chars = settings.SENTENCE_MAX_CHARS
    starts, ends = sentence_bounds(doc)
    i = bisect.bisect_right(starts, start) - 1
    if i < 0:
        return ""
    text = doc._.text if isinstance(doc._.text, str) else doc.text
    s_start, s_end = starts[i], ends[i]
    if s_end - s_start <= max_chars:
        return text[s_start:s_end].strip()
    room = max(0, max_chars - (end - start)) // 2
    lo, hi = max(s_start, start - room), min(s_end, end + room)
    if lo > s_start and (cut := text.find(" ", lo, start)) >= 0:
        lo = cut + 1  # a whole first word
    if hi < s_end and (cut := text.rfind(" ", end, hi)) >= 0:
        hi = cut
    return ("…" if lo > s_start else "") + text[lo:hi].strip() + ("…" if hi < s_end else "")
