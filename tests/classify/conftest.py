"""Fixtures shared by the classifier tests: the labelled texts and the sample pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.classify import model as M

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def labelled_texts() -> list[str]:
    """Every labelled text of data/labels, tokenized and in feature form."""
    from pipeline.classify.train import load_labels

    rows = load_labels()
    return [M.feature_text(t) for t in M.tokenize_texts([r["text"] for r in rows])]


@pytest.fixture(scope="session")
def sample_pages() -> list[tuple[str, str]]:
    """(tokenized text, tokenized title) of every sample page in data/raw."""
    from pipeline import settings
    from pipeline.clean import clean_page
    from pipeline.decode import decode, normalize
    from pipeline.nlp import build_nlp, tokenized_text
    from pipeline.sources import Page, iter_pages

    nlp = build_nlp(components=[])
    out = []
    for page in iter_pages([REPO / "data" / "raw"]):
        if not isinstance(page, Page):
            continue
        try:
            raw, _ = decode(page.data, page.charset, html=page.kind == "html")
            cleaned = clean_page(normalize(raw), page.kind, page.url)
        except Exception:  # noqa: BLE001 - the hostile pages are not what this test is about
            continue
        if len(cleaned.text) < settings.MIN_TEXT_CHARS:
            continue
        out.append((tokenized_text(nlp.make_doc(cleaned.text)), M.tokenize_title(cleaned.title)))
    assert len(out) >= 10
    return out
