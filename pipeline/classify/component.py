"""spaCy component "classify": topics, genre and relevance of the article.

Sets ``doc._.classification`` to the articles columns of ``pipeline.schema``::

    {"topic": str, "topics": [str], "topic_scores": {topic: float},
     "genre": "tin" | "bai_viet" | None, "is_party_building": bool,
     "topic_evidence": [str]}

It reads the words the Doc already holds (``pipeline.nlp.tokenized_text``); only
the title (``doc._.meta["title"]``) is tokenized, and weighs on the main topic.
``pipe`` classifies a few Docs in one featurizer call and one product with the heads
(spaCy's batch protocol; each Doc gets what it would get alone), so the per-call cost
is paid once per batch of pages. Any failure raises (a missing or stale model:
``ModelError`` with the fix), and the pipeline makes it the page's error row.
"""
from __future__ import annotations

from collections.abc import Iterable, Iterator

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.classify.features import tokenize_titles
from pipeline.classify.inference import default_model
from pipeline.classify.prediction import predict


class Classify:
    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int | None = None) -> Iterator[Doc]:
        from pipeline.nlp import tokenized_text

        docs = list(docs)
        titles = tokenize_titles([(doc._.meta or {}).get("title") for doc in docs])
        results = predict(default_model(), [tokenized_text(doc) for doc in docs], titles)
        for doc, result in zip(docs, results):
            doc._.classification = result
        yield from docs


@Language.factory("classify")
def make_classify(nlp: Language, name: str) -> Classify:
    return Classify()
