"""Boilerplate removal and metadata: ``clean_page`` picks the cleaner for a page."""
from __future__ import annotations

import logging

from pipeline import settings
from pipeline.clean.html import clean_html
from pipeline.clean.metadata import Cleaned
from pipeline.clean.text import clean_text_dump


log = logging.getLogger(__name__)


def clean_page(text: str, kind: str, url: str | None = None) -> Cleaned:
    """Main text, title, date, author and views of one decoded, normalised page."""
    cleaned = clean_html(text, url) if kind == "html" else clean_text_dump(text)
    return cap_text(cleaned, settings.MAX_TEXT_CHARS)


def cap_text(cleaned: Cleaned, limit: int) -> Cleaned:
    """Cut a main text longer than ``limit`` at a paragraph break (hostile or huge pages)."""
    if len(cleaned.text) > limit:
        size = len(cleaned.text)
        cut = cleaned.text.rfind("\n", 0, limit)
        cleaned.text = cleaned.text[: cut if cut > 0 else limit].rstrip()
        note = f"[main text of {size} characters cut to {len(cleaned.text)}]"
        cleaned.dropped.insert(0, note)
        log.warning("%s", note)
    return cleaned


__all__ = ["Cleaned", "clean_page", "clean_html", "clean_text_dump"]
