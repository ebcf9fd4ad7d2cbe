"""Stub: the classify component sets no labels yet."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("classify")
def classify_component(doc: Doc) -> Doc:
    doc._.classification = {}
    return doc
