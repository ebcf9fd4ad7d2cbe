"""spaCy component "classify": topics, genre and relevance of the article.

Sets ``doc._.classification`` to the articles columns of ``pipeline.schema``::

    {"topic": str, "topics": [str], "topic_scores": {topic: float},
     "genre": "tin" | "bai_viet" | None, "is_party_building": bool,
     "topic_evidence": [str]}

It reads the words the Doc already holds (``pipeline.nlp.tokenized_text``) and
never tokenizes the article again; only the title (``doc._.meta["title"]``) gets
one short ``pipeline.segment`` call, and weighs on the main topic. The model is the shipped ``model.skops``, loaded once per process
from its inference bundle (numpy + json, no scikit-learn) when that matches it; a
missing or incompatible model file raises ``ModelError`` with the fix
(``make train``); any other failure raises too, and the pipeline makes it the
page's error row.
"""
from __future__ import annotations


from spacy.language import Language
from spacy.tokens import Doc

from pipeline.classify.model import classify_tokenized, default_model, tokenize_title



@Language.component("classify")
def classify_component(doc: Doc) -> Doc:
    from pipeline.nlp import tokenized_text

    model = default_model()  # ModelError here is a deployment problem: let it be seen
    title = tokenize_title((doc._.meta or {}).get("title"))
    doc._.classification = classify_tokenized(tokenized_text(doc), model, title=title)
    return doc
