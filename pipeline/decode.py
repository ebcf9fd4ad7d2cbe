"""Bytes to text, and the one normalisation every later stage relies on.

``decode`` picks the charset from the BOM, the HTTP header, the HTML ``<meta>``,
strict UTF-8, and only then charset-normalizer's detection. ``normalize``
(``pipeline.text``, importable from here) is applied once, right after: NFC,
underthesea's tone placement for every syllable (``hoá`` → ``hóa``, ``thuỷ`` → ``thủy``),
no control characters, Unix newlines.
"""
from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from pipeline import legacy
from pipeline.text import normalize  # noqa: F401 - the one normalisation, applied after decode


class DecodeError(ValueError):
    """The bytes are not text in any charset we can stand behind."""


_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9_.:-]+)", re.IGNORECASE)


def charset_from_content_type(value: str | None) -> str | None:
    if not value:
        return None
    m = _HEADER_CHARSET.search(value)
    return m.group(1) if m else None


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    try:
        return codecs.lookup(name.strip().lower()).name
    except LookupError:
        return None


def _looks_binary(data: bytes) -> bool:
    head = data[:4096]
    if not head:
        return False
    if b"\x00" in head:
        return True
    control = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13, 27))
    return control / len(head) > 0.05


def decode(data: bytes, declared: str | None = None, html: bool = False) -> tuple[str, str]:
    """Return ``(text, charset)``; raise DecodeError when it is not text."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data.decode(name, errors="replace"), name
    if _looks_binary(data):
        raise DecodeError("binary content, not a text or HTML page")
    candidates = [_codec(declared)]
    if html:
        m = _META_CHARSET.search(data[:8192])
        candidates.append(_codec(m.group(1).decode("ascii", "ignore")) if m else None)
    for name in candidates:
        if name:
            try:
                text = data.decode(name)
            except UnicodeDecodeError:
                continue
            return _repaired(text, name)
    try:
        return _repaired(data.decode("utf-8"), "utf-8")
    except UnicodeDecodeError:
        pass
    damaged = _mostly_utf8(data)
    if damaged is not None:
        return damaged, "utf-8"
    sniffed = legacy.sniff_bytes(data)  # undeclared TCVN3 / VNI: detectors call them Latin-1
    if sniffed:
        return sniffed
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("charset could not be determined")
    return _repaired(str(best), best.encoding)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a truncated or spliced page), the broken
    bytes as U+FFFD; None when the bytes are not UTF-8 at all. Valid multi-byte
    sequences almost never occur by chance in 8-bit text, so a page with many of
    them and few errors is UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(text) - len(text.encode("ascii", errors="ignore")) - bad
    return text if good >= MIN_UTF8_RATIO * bad else None


MIN_UTF8_RATIO = 20  # valid non-ASCII characters per broken byte, to call bytes damaged UTF-8


def _repaired(text: str, charset: str) -> tuple[str, str]:
    """Legacy-font text (TCVN3, VNI) read through ``charset`` converted to Unicode;
    the charset reported is then the legacy one."""
    found = legacy.detect(text)
    return (legacy.to_unicode(text, found), found) if found else (text, charset)


_TERMINAL_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    """``text`` safe for one line of a terminal: control characters (a newline that
    would forge a second message, an escape that retitles the terminal) as ``\\n``, ``\\x1b``."""
    return _TERMINAL_CONTROL.sub(lambda m: repr(m.group())[1:-1], writable(text))


def writable(text: str) -> str:
    """``text`` as valid UTF-8, which every Parquet and JSON writer takes. Lone surrogates
    standing for undecodable bytes (Python's ``surrogateescape``, as in a file name that is
    not UTF-8) become ``\\xNN``, as ``ls -b`` shows them; any other lone surrogate becomes
    ``\\udNNN``. Valid text is returned as it is."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
