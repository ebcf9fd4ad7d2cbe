"""underthesea words and sentences held in one spaCy ``Doc``.

The article's cleaned text is tokenized exactly once, here. The ``Doc`` keeps the
exact characters of that text (``doc.text == text``), underthesea's multi-syllable
words as single tokens (``"Ban Chấp hành Trung ương"``) and its sentence
boundaries as ``is_sent_start``. Every later stage is a spaCy component that reads
this ``Doc`` and appends rows, with character offsets into the text, to
``doc._.rows[table]``.

    nlp = build_nlp()
    doc = nlp.make_doc_with_meta(text, meta)   # or nlp(text)
"""
from __future__ import annotations

import re
from collections.abc import Iterable

import spacy
from spacy.attrs import IS_PUNCT, IS_SPACE
from spacy.language import Language
from spacy.tokens import Doc
from spacy.vocab import Vocab

from pipeline import settings
from pipeline.segment import segment_many
from pipeline.text import sentence_of  # noqa: F401 - re-exported: components import it from here

if not Doc.has_extension("rows"):
    # table name -> list of row dicts, filled by the extraction components
    Doc.set_extension("rows", default=None)
if not Doc.has_extension("meta"):
    # article facts the components may use: article_id, published_date, title, url, site
    Doc.set_extension("meta", default=None)
if not Doc.has_extension("mentions"):
    # the organisations, officials and places the entities component found, before linking
    Doc.set_extension("mentions", default=None)
if not Doc.has_extension("classification"):
    Doc.set_extension("classification", default=None)
if not Doc.has_extension("text"):
    # the text the Doc was made from (== doc.text), kept because doc.text joins every
    # token again on each access; read it with text_of(doc)
    Doc.set_extension("text", default=None)

_SPACE = re.compile(r"\s+")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Sentence (start, end) offsets: paragraphs first, underthesea within each."""
    from underthesea import sent_tokenize

    spans: list[tuple[int, int]] = []
    for para in re.finditer(r"[^\n]+", text):
        chunk, base, pos = para.group(), para.start(), 0
        for sent in sent_tokenize(chunk):
            found = _find(chunk, sent.strip(), pos) if sent.strip() else None
            if found is None:  # underthesea changed characters: the rest is one sentence
                break
            spans.append((base + found[0], base + found[1]))
            pos = found[1]
        rest = chunk[pos:]
        if rest.strip():
            lead = len(rest) - len(rest.lstrip())
            spans.append((base + pos + lead, base + len(chunk.rstrip())))
    return spans


def _find(text: str, token: str, pos: int, end: int | None = None) -> tuple[int, int] | None:
    """Find ``token`` in ``text[pos:end]`` starting within a few characters of ``pos``,
    letting its inner white space vary (bounds passed down: no copy of the text)."""
    end = len(text) if end is None else end
    i = pos
    while i < end and text[i].isspace():
        i += 1
    if text.startswith(token, i, end):
        return i, i + len(token)
    parts = [re.escape(p) for p in token.split()]
    if not parts:
        return None
    m = re.compile(r"\s*" + r"\s+".join(parts)).match(text, pos, end)
    if m:
        s = m.start() + (len(m.group()) - len(m.group().lstrip()))
        return s, m.end()
    idx = text.find(token, pos, min(end, pos + 8 + len(token)))
    if idx != -1 and idx - pos < 8:
        return idx, idx + len(token)
    return None


def align_tokens(text: str, tokens: Iterable[str], start: int, end: int) -> list[tuple[int, int]]:
    """Character offsets of underthesea tokens inside ``text[start:end]``.

    A token that does not occur verbatim (underthesea normalised a character)
    is mapped onto the same number of non-space characters, so every offset
    stays inside the text and in order.
    """
    out: list[tuple[int, int]] = []
    pos = start
    for tok in tokens:
        found = _find(text, tok, pos, end)
        if found is None:
            i = pos
            while i < end and text[i].isspace():
                i += 1
            want = len(_SPACE.sub("", tok))
            j, seen = i, 0
            while j < end and seen < want:
                if not text[j].isspace():
                    seen += 1
                j += 1
            if j == i:
                continue
            found = (i, j)
        out.append(found)
        pos = found[1]
    return out


class UndertheseaTokenizer:
    """spaCy tokenizer: underthesea sentences and words over the exact text."""

    def __init__(self, vocab: Vocab):
        self.vocab = vocab

    def __call__(self, text: str) -> Doc:
        words: list[str] = []
        spaces: list[bool] = []
        sent_starts: list[bool] = []
        cursor = 0

        def gap(upto: int) -> None:
            # white space between cursor and upto becomes trailing space or space tokens
            nonlocal cursor
            ws = text[cursor:upto]
            if not ws:
                return
            if words and not spaces[-1] and ws[0] == " ":
                spaces[-1] = True
                ws = ws[1:]
            if ws:
                words.append(ws)
                spaces.append(False)
                sent_starts.append(False)
            cursor = upto

        sentences = split_sentences(text)
        words_of = segment_many([text[s:e] for s, e in sentences])
        for (s_start, s_end), sentence_words in zip(sentences, words_of):
            first = True
            for t_start, t_end in align_tokens(text, sentence_words, s_start, s_end):
                if t_start < cursor:
                    continue
                gap(t_start)
                words.append(text[t_start:t_end])
                spaces.append(False)
                sent_starts.append(first)
                first = False
                cursor = t_end
        gap(len(text))
        if sent_starts:
            sent_starts[0] = True
        # the words are consecutive slices of text, so equal lengths mean doc.text == text
        assert sum(map(len, words)) + sum(spaces) == len(text), "tokenizer lost characters"
        doc = Doc(self.vocab, words=words, spaces=spaces, sent_starts=sent_starts)
        doc._.text = text
        doc._.rows = {}
        doc._.meta = {}
        # from the word lists: reading it back through doc.sents costs a token object per word
        doc.user_data["tokenized_text"] = _tokenized(words, sent_starts)
        return doc

    # spaCy serialisation hooks, unused: the tokenizer has no state
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, _bytes: bytes, **kwargs) -> UndertheseaTokenizer:
        return self

    def to_disk(self, path, **kwargs) -> None:
        return None

    def from_disk(self, path, **kwargs) -> UndertheseaTokenizer:
        return self


@spacy.registry.tokenizers("underthesea_tokenizer.v1")
def create_underthesea_tokenizer():
    def create(nlp: Language) -> UndertheseaTokenizer:
        return UndertheseaTokenizer(nlp.vocab)

    return create


def _register_components() -> None:
    """Import the modules whose ``@Language.component`` decorators register stages."""
    import importlib

    for module in settings.COMPONENT_MODULES:
        importlib.import_module(module)


def build_nlp(components: Iterable[str] | None = None) -> Language:
    """A blank Vietnamese pipeline: underthesea tokenizer, then our components; raises
    ValueError when one reads what no earlier component writes, or two write one column."""
    _register_components()
    nlp = spacy.blank(
        "vi",
        config={"nlp": {"tokenizer": {"@tokenizers": "underthesea_tokenizer.v1"}}},
    )
    names = list(settings.COMPONENTS if components is None else components)
    from pipeline.extract.core import check_flow

    problems = check_flow(names)
    if problems:
        raise ValueError("components out of order: " + "; ".join(problems))
    for name in names:
        nlp.add_pipe(name)
    batched = [hasattr(proc, "pipe") for _name, proc in nlp.pipeline]
    if batched != sorted(batched):  # page.run_batched runs them after every per-page one
        raise ValueError("components out of order: a component with a pipe (run over a batch of pages) must come last")
    return nlp


def annotate(nlp: Language, text: str, meta: dict | None = None) -> Doc:
    """Tokenize ``text`` once and run every component with ``meta`` available."""
    doc = nlp.make_doc(text)
    doc._.meta = dict(meta or {})
    for _name, proc in nlp.pipeline:
        doc = proc(doc)
    return doc


def text_of(doc: Doc) -> str:
    """``doc.text``, without joining the tokens again when the tokenizer kept the text."""
    text = doc._.text
    return text if isinstance(text, str) else doc.text


def _word_form(word: str) -> str:
    """A word in the tokenized form: its inner white space as ``_``."""
    return word if word.isalnum() else _SPACE.sub("_", word.replace(" ", "_"))


def _tokenized(words: list[str], sent_starts: list[bool]) -> str:
    """``tokenized_text`` from the tokenizer's words and sentence starts."""
    lines: list[str] = []
    current: list[str] = []
    for word, start in zip(words, sent_starts):
        if start and current:
            lines.append(" ".join(current))
            current = []
        if not word.isspace():
            current.append(_word_form(word))
    if current:
        lines.append(" ".join(current))
    return "\n".join(lines)


def tokenized_text(doc: Doc) -> str:
    """Words joined with ``_``, one sentence a line: the usual Vietnamese NLP form.

    Computed once per Doc (the classifier and the articles row both read it).
    """
    cached = doc.user_data.get("tokenized_text")
    if isinstance(cached, str):
        return cached
    out = _tokenized([t.text for t in doc], [bool(t.is_sent_start) for t in doc])
    doc.user_data["tokenized_text"] = out
    return out


def word_count(doc: Doc) -> int:
    """Tokens that are neither white space nor punctuation (read as one array)."""
    if len(doc) == 0:
        return 0
    flags = doc.to_array([IS_SPACE, IS_PUNCT])
    return int(((flags[:, 0] == 0) & (flags[:, 1] == 0)).sum())
