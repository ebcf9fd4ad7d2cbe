"""Fixtures shared by the classifier tests: the model both ways, the labelled texts, the sample pages."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.classify.features import feature_text, tokenize_texts, tokenize_title

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def fitted() -> dict:
    """The fitted scikit-learn estimators of the shipped model.skops (the reference)."""
    from pipeline.classify.modelfile import load_model

    return load_model()


@pytest.fixture(scope="session")
def model():
    """The shipped model as the pipeline loads it (the inference bundle)."""
    from pipeline.classify.inference import load_inference

    return load_inference()


@pytest.fixture(scope="session")
def labelled_texts() -> list[str]:
    """Every labelled text of data/labels, tokenized and in feature form."""
    from pipeline.classify.labels import load_labels

    return [feature_text(t) for t in tokenize_texts([r["text"] for r in load_labels()])]


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
        out.append((tokenized_text(nlp.make_doc(cleaned.text)), tokenize_title(cleaned.title)))
    assert len(out) >= 10
    return out


@pytest.fixture(scope="session")
def page_rows(sample_pages) -> list[str]:
    """Every row the model featurizes for the sample pages: text, lead, title."""
    from pipeline.classify.prediction import lead_text

    rows = []
    for text, title in sample_pages:
        t = feature_text(text)
        rows += [t, lead_text(t) or t, feature_text(title) or "chi_bộ"]
    return rows
