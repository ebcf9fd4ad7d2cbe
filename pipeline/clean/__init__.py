"""Boilerplate removal and metadata: ``clean_page`` picks the cleaner for a page."""
from __future__ import annotations

import logging
import re

from pipeline import settings
from pipeline.clean.metadata import Cleaned
from pipeline.clean.text import clean_text_dump


log = logging.getLogger(__name__)


def clean_html(html: str, url: str | None = None) -> Cleaned:
    """``pipeline.clean.html.clean_html``, imported at the first HTML page: a run of text
    dumps never loads trafilatura and lxml."""
    from pipeline.clean.html import clean_html as clean

    return clean(html, url)


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


# A line of running text: a sentence of eight words or more, or a long line with sentence
# punctuation inside. A main text without one is a menu, a tag cloud or a list of links.
_SENTENCE_END = re.compile(r"[.!?…:;”\"')]\s*$")
_INNER_PUNCT = re.compile(r"[.,;] ")


def _running_text(line: str) -> bool:
    return (len(line) >= 120 and bool(_INNER_PUNCT.search(line))) or (
        len(line.split()) >= 8 and bool(_SENTENCE_END.search(line)))


def navigation_only(text: str) -> bool:
    """True when no line of ``text`` reads as running text (what is left of a page whose
    article the cleaner did not find: its menus and link lists)."""
    return not any(_running_text(line.strip()) for line in text.split("\n"))


__all__ = ["Cleaned", "clean_page", "clean_html", "clean_text_dump", "navigation_only"]
