"""Stub: the counts component appends no rows yet."""
from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc


@Language.component("counts")
def counts_component(doc: Doc) -> Doc:
    doc._.rows["counts"] = []
    return doc
