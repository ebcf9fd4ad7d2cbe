"""Stub: the doc_refs component appends no rows yet."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("doc_refs")
def doc_refs_component(doc: Doc) -> Doc:
    doc._.rows["doc_refs"] = []
    return doc
