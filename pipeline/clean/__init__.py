"""Boilerplate removal and metadata: ``clean_page`` picks the cleaner for a page."""
from __future__ import annotations

from pipeline.clean.html import clean_html
from pipeline.clean.metadata import Cleaned
from pipeline.clean.text import clean_text_dump


def clean_page(text: str, kind: str, url: str | None = None) -> Cleaned:
    """Main text, title, date, author and views of one decoded, normalised page."""
    if kind == "html":
        return clean_html(text, url)
    return clean_text_dump(text)


__all__ = ["Cleaned", "clean_page", "clean_html", "clean_text_dump"]
