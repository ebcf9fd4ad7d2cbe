"""Stub: the dates component appends no rows yet."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("dates")
def dates_component(doc: Doc) -> Doc:
    doc._.rows["dates"] = []
    return doc
