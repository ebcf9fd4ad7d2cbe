"""Stub: the solutions component appends no rows yet."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("solutions")
def solutions_component(doc: Doc) -> Doc:
    doc._.rows["solutions"] = []
    return doc
