"""spaCy component "classify": topics, genre and relevance of the article.

Sets ``doc._.classification`` to the articles columns of ``pipeline.schema``::

    {"topic": str, "topics": [str], "topic_scores": {topic: float},
     "genre": "tin" | "bai_viet" | None, "is_party_building": bool,
     "topic_evidence": [str]}

It reads the words the Doc already holds (``pipeline.nlp.tokenized_text``); only
the title (``doc._.meta["title"]``) is tokenized, and weighs on the main topic. Any
failure raises (a missing or stale model: ``ModelError`` with the fix), and the
pipeline makes it the page's error row.
"""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

from pipeline.classify.features import tokenize_title
from pipeline.classify.inference import default_model
from pipeline.classify.prediction import classify_tokenized


@Language.component("classify")
def classify_component(doc: Doc) -> Doc:
    from pipeline.nlp import tokenized_text

    model = default_model()
    title = tokenize_title((doc._.meta or {}).get("title"))
    doc._.classification = classify_tokenized(tokenized_text(doc), model, title=title)
    return doc
