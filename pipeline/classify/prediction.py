"""From the heads' probabilities to the articles columns: main topic, topics, genre, relevance.

* topics: one-vs-rest over the eight party-building topics; a secondary topic is
  listed when its score reaches ``SECONDARY_THRESHOLD``;
* is_party_building: its own calibrated head (``khac`` vs every other topic);
* main topic: the one-vs-rest scores plus the main-topic head (trained on the
  *first* topic of each text: a long article touches several topics, this head
  learnt which one leads), plus the same two for the lead of a long text, plus
  ``TITLE_WEIGHT`` times the same two for the title;
* genre: its head, overruled by a cue of the layout (``genre_cue``);
* topic_evidence: the word features that weighed most for the main topic in this
  text (coefficient x TF-IDF value), underscores turned back into spaces.
"""
from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

import numpy as np

from pipeline.classify.features import feature_text, has_letter
from pipeline.classify.inference import Model, default_model
from pipeline.classify.labels import ALL_TOPICS, KHAC, TOPICS
from pipeline.classify.tfidf import Rows

SECONDARY_THRESHOLD = 0.55
N_EVIDENCE = 6
# An article longer than LONG_TEXT_SENTENCES sentences (the labelled texts have 3 to
# 8) also gets its first LEAD_SENTENCES sentences of more than three words scored for
# the main topic, and for the genre when the lead dates an event (``event_lead``):
# the lead says what a long article is about, while its body (solution lists,
# quotations) touches many topics.
LEAD_SENTENCES = 3
LONG_TEXT_SENTENCES = 8
# A headline names what the article is about while a long body wanders. It is not
# used for is_party_building (a headline alone cannot make a sports story party
# building) nor for the secondary topics.
TITLE_WEIGHT = 1.5

# Function words never shown as evidence on their own or at the edge of a bigram.
EVIDENCE_STOPWORDS = frozenset(
    """và của các là có được cho với về trong những này đã để theo từ tại trên
    một như thì mà khi đến ra vào lên nhiều không cũng đều rất sẽ đang phải còn
    người việc năm ngày tháng nay qua đó ở do bị hơn nhất""".split()
)

# A news report (``tin``) says in its first sentences when the event took place:
# "Sáng 15/1/2025, Huyện ủy ... tổ chức hội nghị ...". Matched on a lead line with "_" read as a space.
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
# An official document or a Q&A page (``bai_viet``) prints at least two lines that
# open with these: "Căn cứ ...", "Điều 1.", "Chương II", "Hỏi:", "Trả lời:".
DOC_LINE = re.compile(r"^\s*[-–]?\s*(?:căn cứ|điều \d+|chương [ivxlc\d]+\b|hỏi\s*:|trả lời\s*:|câu hỏi\s*:)", re.M)
MIN_DOC_LINES = 2


def lead_text(text: str) -> str | None:
    """The first sentences of a long tokenized text, or None for a short one."""
    lines = [ln for ln in text.split("\n") if len(ln.split()) > 3]
    if len(lines) <= LONG_TEXT_SENTENCES:
        return None
    return "\n".join(lines[:LEAD_SENTENCES])


def event_lead(lead: str | None) -> bool:
    """True when a line of the lead opens with an event date and names an event."""
    for line in (lead or "").split("\n"):
        line = line.replace("_", " ").strip().lower()
        m = EVENT_TIME.match(line)
        if m and EVENT_VERB.search(line, m.end()):
            return True
    return False


def genre_cue(text: str) -> str | None:
    """``tin`` when one of the first lines dates an event (whatever the text's length),
    ``bai_viet`` for a document or Q&A layout, else None (the genre head decides)."""
    lines = [ln for ln in text.split("\n") if len(ln.split()) > 3]
    if event_lead("\n".join(lines[:LEAD_SENTENCES])):
        return "tin"
    if len(DOC_LINE.findall(text.replace("_", " "))) >= MIN_DOC_LINES:
        return "bai_viet"
    return None


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


def classify_tokenized(tokenized: str, model: Model | None = None, title: str | None = None) -> dict[str, Any]:
    """One tokenized text (and tokenized title) -> the classification dict."""
    if not isinstance(tokenized, str) or not tokenized.strip():
        return empty_result()
    return predict(model or default_model(), [tokenized], [title] if title else None)[0]


def predict(model: Model, tokenized: list[str], titles: list[str] | None = None) -> list[dict[str, Any]]:
    """Classify tokenized texts; ``titles`` (tokenized too, "" for none) steer the main topic.

    The texts, the leads of long texts and the titles go through ONE featurizer call
    and one product with the heads (TF-IDF rows are independent)."""
    texts = [feature_text(t) for t in tokenized]
    out: list[dict[str, Any]] = [empty_result() for _ in texts]
    keep = [i for i, t in enumerate(texts) if has_letter(t)]
    if not keep:
        return out
    leads = {row: lead for row, i in enumerate(keep) if (lead := lead_text(texts[i]))}
    heads: dict[int, str] = {}
    if titles is not None:
        heads = {row: h for row, i in enumerate(keep) if has_letter(h := feature_text(titles[i] or ""))}
    n = len(keep)
    X_all = model.features([texts[i] for i in keep] + list(leads.values()) + list(heads.values()))
    P = model.probas(X_all)
    genre_p = P.genre[:n].copy()
    main_p = P.topic[:n] + P.main[:n]
    for j, row in enumerate(leads, start=n):
        main_p[row] += P.topic[j] + P.main[j]
        if event_lead(leads[row]):
            genre_p[row] = (genre_p[row] + P.genre[j]) / 2
    for j, row in enumerate(heads, start=n + len(leads)):
        if X_all[j].nnz:  # a title of unknown words says nothing
            main_p[row] += TITLE_WEIGHT * (P.topic[j] + P.main[j])
    for row, i in enumerate(keep):
        x = X_all[row]
        if x.nnz == 0:  # nothing the model knows (e.g. text in another script)
            continue
        cue = genre_cue(texts[i])
        if cue in model.genre_classes:
            genre_p[row] = [float(g == cue) for g in model.genre_classes]
        out[i] = _result(model, x, P.topic[row], main_p[row], float(P.pb[row]), genre_p[row])
    return out


def _result(model: Model, x: Rows, topic_p, main_p, pb: float, genre_p) -> dict[str, Any]:
    """The classification dict of one text from its combined scores."""
    scores = {t: round(float(p), 4) for t, p in zip(TOPICS, topic_p)}
    scores[KHAC] = round(1.0 - pb, 4)
    is_pb = pb >= 0.5
    best = int(np.argmax(main_p))
    if is_pb:
        topic = TOPICS[best]
        others = sorted((t for t in TOPICS if t != topic and scores[t] >= SECONDARY_THRESHOLD), key=lambda t: -scores[t])
        topics = [topic, *others]
    else:
        topic, topics = KHAC, [KHAC]
    return {
        "topic": topic,
        "topics": topics,
        "topic_scores": scores,
        "genre": str(model.genre_classes[int(np.argmax(genre_p))]),
        "is_party_building": bool(is_pb),
        "topic_evidence": evidence(model, x, best) if is_pb else [],
    }


@lru_cache(maxsize=4)
def _evidence_tables(model: Model) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(readable word of each word column, whether it may be shown, each topic's coefficients)."""
    words = model.words
    readable = np.array([w.replace("_", " ") for w in words], dtype=object)
    # shown: at least two syllables (a lone "đảng" or "tốt" explains little), neither
    # edge word a function word
    showable = np.array(
        [("_" in w or " " in w) and not ({w.split(" ")[0], w.split(" ")[-1]} & EVIDENCE_STOPWORDS) for w in words],
        dtype=bool,
    )
    lo, n = model.word_columns
    W = model.heads.W
    coefs = [np.mean([W[lo : lo + n, p.cols[0]] for p in h.parts], axis=0) for h in model.heads.topics]
    return readable, showable, coefs


def evidence(model: Model, x: Rows, topic_index: int, n: int = N_EVIDENCE) -> list[str]:
    """Word features of this text (one row) with the largest coef x tf-idf for the topic."""
    readable, showable, coefs = _evidence_tables(model)
    lo, n_words = model.word_columns
    idx, vals = x.indices, x.data
    mask = (idx >= lo) & (idx < lo + n_words)
    idx, vals = idx[mask] - lo, vals[mask]
    contrib = vals * coefs[topic_index][idx]
    out: list[str] = []
    for j in np.argsort(-contrib, kind="stable"):
        if contrib[j] <= 0 or len(out) >= n:
            break
        word = readable[idx[j]]
        # skip a unigram already inside a chosen bigram, and vice versa
        if showable[idx[j]] and not any(word in w or w in word for w in out):
            out.append(word)
    return out
