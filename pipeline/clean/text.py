"""Line classes of the boilerplate around articles, and the residue cleaner after trafilatura.

``classify`` gives each line the first pattern of ``pipeline.clean.patterns`` it matches;
``strip_residue`` takes boilerplate left inside an article body that an HTML extractor
kept (captions, signatures, related news). Plain-text dumps are read by
``pipeline.clean.dump.clean_text_dump`` (re-exported here), which uses the same classes.
"""
from __future__ import annotations

import re

from pipeline.clean.metadata import (
    Cleaned,
    clean_author,
    name_in_signature,
    name_with_unit,
    parse_date,
    parse_views,
)
from pipeline.clean.patterns import (
    COMPILED,
    MAX_CAPTION_LINE,
    MAX_PATTERN_LINE,
    SENTENCE_END,
    SIGNATURE_DETAIL,
    SIGNATURE_PREFIX,
    SOURCE_PREFIX,
)

LONG_LINE_PATTERNS = ("caption_photo", "caption_source", "welcome_banner", "keywords")
BODY_MIN_CHARS = 200  # a line this long is body text, whatever its shape
TITLE_MAX_CHARS = 300
DATE_LINE_MAX_CHARS = 100
CAPTION_BLOCK_LINES = 3  # lines of the caption block an image file name opens
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u3000]+")


def classify(line: str) -> tuple[str, str] | None:
    """``(pattern name, action)`` of the first boilerplate pattern the line matches."""
    if not line:
        return None
    for name, action, rx in COMPILED:
        limit = MAX_CAPTION_LINE if name in LONG_LINE_PATTERNS else MAX_PATTERN_LINE
        if len(line) > limit:
            continue
        if rx.fullmatch(line):
            return name, action
    if len(line) <= MAX_PATTERN_LINE and line.endswith("!") and line == line.upper() and any(c.isalpha() for c in line):
        return "uppercase_banner", "drop"
    return None


def _is_paragraph_end(line: str) -> bool:
    if len(line) < 120 and line.startswith("(") and line.endswith(")"):
        return False  # "(Phòng Công tác đảng)" under a signature
    return len(line) >= BODY_MIN_CHARS or bool(SENTENCE_END.search(line))


def _norm(s: str) -> str:
    return _SPACES.sub(" ", s).strip().casefold()


class CaptionBlock:
    """The lines under an image file name: up to ``CAPTION_BLOCK_LINES`` short unlabelled
    lines, closed by a blank line or by any other line."""

    def __init__(self):
        self.left, self.inside = 0, False

    def open(self) -> None:
        self.left = CAPTION_BLOCK_LINES

    def takes(self, line: str, label) -> bool:
        """Whether ``line`` belongs to the block (a blank line closes it and is not taken)."""
        if not line:
            if self.inside:
                self.left, self.inside = 0, False
            return False
        if self.left and len(line) < BODY_MIN_CHARS and label is None:
            self.left -= 1
            self.inside = True
            return True
        self.left, self.inside = 0, False
        return False


class RecipientsBlock:
    """An official document's distribution list: "Nơi nhận:" and the "- Ban Tổ chức Tỉnh ủy,"
    lines under it (blank lines between them allowed), closed by any other line."""

    HEADING = re.compile(r"nơi\s+nhận\s*:?.{0,80}", re.IGNORECASE)
    ITEM = re.compile(r"[-+•]\s*\S.{0,118}")

    def __init__(self):
        self.inside = False

    def takes(self, line: str) -> bool:
        if not line:
            return False
        if self.HEADING.fullmatch(line):
            self.inside = True
        elif not (self.inside and self.ITEM.fullmatch(line)):
            self.inside = False
        return self.inside


def _body_and_tail(
    lines: list[str], labels: list[tuple[str, str] | None], title: str | None, dropped: list[str]
) -> tuple[list[str], int | None, str | None]:
    """Body lines up to the first stop line, less boilerplate; then the tail taken off."""
    body: list[str] = []
    views = None
    byline = None  # a signature line that a boilerplate pattern took
    caption = CaptionBlock()
    for i, (line, label) in enumerate(zip(lines, labels)):
        if caption.takes(line, label):
            dropped.append(line)
            continue
        if not line:
            continue
        if label is not None:
            name, action = label
            if action == "stop":
                dropped.extend(rest for rest in lines[i:] if rest)
                break
            if name == "views" and views is None:
                views = parse_views(line)
            if name == "image_file":
                caption.open()
            sig = SIGNATURE_PREFIX.match(line)
            if sig and name_in_signature(sig.group(2)):  # "Tin, ảnh: Minh Huyền"
                byline = name_in_signature(sig.group(2))
            dropped.append(line)
            continue
        if title and _norm(line) == _norm(title):
            dropped.append(line)
            continue
        body.append(line)

    # the tail: signature, stray captions and menu entries after the last paragraph
    author = None
    while body and len(body[-1]) < BODY_MIN_CHARS and (
        not _is_paragraph_end(body[-1]) or (author is None and name_with_unit(body[-1]))
    ):  # a "Name (Unit)" byline ends with ")" like a sentence
        line = body.pop()
        dropped.append(line)
        if author:  # the signature nearest the end wins over names in captions above it
            continue
        sig = SIGNATURE_PREFIX.match(line)
        if sig and name_in_signature(sig.group(2)):
            author = name_in_signature(sig.group(2))
        elif not SIGNATURE_DETAIL.match(line) and name_in_signature(line):
            author = name_in_signature(line)
    # a signature that ends with a full stop ("Tác giả: Lê Văn An.")
    if body and author is None and len(body[-1]) < 80:
        sig = SIGNATURE_PREFIX.match(body[-1])
        if sig and name_in_signature(sig.group(2)):
            author = name_in_signature(sig.group(2))
            dropped.append(body.pop())
    author = author or byline
    if body:
        body[0] = SOURCE_PREFIX.sub("", body[0])
    return body, views, author


def strip_residue(text: str, title: str | None = None) -> Cleaned:
    """Boilerplate left inside an extracted article body (used after trafilatura)."""
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    labels = [classify(line) for line in lines]
    dropped: list[str] = []
    body, views, author = _body_and_tail(lines, labels, title, dropped)
    # a date line the extractor kept ("Cập nhật lúc 15:40, Thứ Tư, 06/03/2024")
    published = next((parse_date(d) for d in dropped if classify(d) and classify(d)[1] == "meta"), None)
    return Cleaned(
        text="\n".join(body), title=title, published_date=published,
        author=clean_author(author), views=views, dropped=dropped,
    )


# the text-dump cleaner reads lines with ``classify`` above
from pipeline.clean.dump import clean_text_dump  # noqa: E402
