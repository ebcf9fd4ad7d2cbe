"""Legacy Vietnamese encodings (TCVN3/ABC, VNI) read as if they were Latin-1.

Old provincial sites published pages in 8-bit Vietnamese fonts (.VnTime for
TCVN3, VNI-Times for VNI) and declared them as ISO-8859-1 / windows-1252, or not
at all. Decoded with any standard charset they come out as Latin-1 gibberish:
``§¶ng bé x· B×nh Minh`` (TCVN3) or ``Ñaûng boä xaõ Bình Minh`` (VNI).
``repair`` recognises such text and maps it back to Unicode; text that is
already Vietnamese Unicode, or any other language, is returned unchanged.

The byte tables are data (``legacy_tables.tsv``). Detection is two cheap steps:

1. a prefilter: the share of characters that are legacy codes but never letters
   of Unicode Vietnamese (``¸ µ ¶ · ¹ ¨ © ®`` for TCVN3, ``Ø Û Ï ø û ï ö ñ`` for
   VNI, ...) must be large and outweigh the Vietnamese-only Unicode letters;
2. the outcome: the non-ASCII words of a sample are converted with each table
   and a table wins only when most of its words become well-formed Vietnamese
   syllables, clearly more than unconverted and than the other table.
"""
from __future__ import annotations

import csv
import re
import unicodedata
from functools import lru_cache
from pathlib import Path

ENCODINGS = ("tcvn3", "vni")
_TABLES = Path(__file__).with_name("legacy_tables.tsv")

# Letters of Unicode Vietnamese outside Latin-1: a text full of them is not legacy.
_VIET_ONLY = re.compile("[ĂăĐđĨĩŨũƠơƯư\u1ea0-\u1ef9]")
# Latin-1 letters that are also Vietnamese letters: never evidence of a legacy font.
_VIET_LATIN1 = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
# A word: no whitespace, no ASCII punctuation, no typographic quotes and dashes.
# (Legacy codes include Latin-1 symbols like ¸ · ¶ ©, so \w is not a word here.)
_WORD = re.compile(r"[^\s!-/:-@\[-`{-~\u2010-\u2027\u00a0]+")
_TONE_MARKS = "\u0300\u0301\u0303\u0309\u0323"
_SYLLABLE = re.compile(
    r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|qu|th|tr|[bcdđghklmnpqrstvx])?"
    r"[aăâeêioôơuưy]{1,3}"
    r"(?:ch|ng|nh|[cmnpt])?"
)

SAMPLE_CHARS = 200_000  # detection looks at most at this much text
MIN_SUSPECT = 4  # legacy-only characters needed before any table is tried
MAX_WORDS = 3000  # non-ASCII words scored per table
MIN_SHARE = 0.6  # share of scored words that must become Vietnamese syllables
MIN_GAIN = 0.3  # ... more than without conversion
MIN_MARGIN = 0.2  # ... and more than with the other table


@lru_cache(maxsize=1)
def tables() -> dict[str, dict[str, str]]:
    """``{"tcvn3": {legacy chars: unicode}, "vni": {...}}`` from the TSV file."""
    out: dict[str, dict[str, str]] = {name: {} for name in ENCODINGS}
    with open(_TABLES, encoding="utf-8") as fh:
        rows = csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t")
        for row in rows:
            legacy = bytes.fromhex(row["bytes"]).decode("latin-1")
            uni = "".join(chr(int(cp, 16)) for cp in row["unicode"].split())
            out[row["encoding"]][legacy] = uni
    vni = out["vni"]
    # Capitalised words are sometimes typed capital letter + small mark ("Aùo").
    for legacy, uni in list(vni.items()):
        if len(legacy) == 2 and legacy[0].isupper() and legacy[1].isupper():
            vni.setdefault(legacy[0] + legacy[1].lower(), uni)
    return out


@lru_cache(maxsize=1)
def _compiled():
    t = tables()
    tcvn3 = {ord(k): v for k, v in t["tcvn3"].items()}
    vni_keys = sorted(t["vni"], key=len, reverse=True)
    vni_rx = re.compile("|".join(re.escape(k) for k in vni_keys))
    suspect = set()
    for name in ENCODINGS:
        for legacy in t[name]:
            suspect.update(c for c in legacy if not c.isascii() and c not in _VIET_LATIN1)
    suspect_rx = re.compile("[" + re.escape("".join(sorted(suspect))) + "]")
    return tcvn3, vni_rx, suspect_rx


def to_unicode(text: str, encoding: str) -> str:
    """``text`` (legacy bytes read as Latin-1) converted from ``encoding`` to Unicode NFC."""
    tcvn3, vni_rx, _ = _compiled()
    if encoding == "tcvn3":
        out = text.translate(tcvn3)
    elif encoding == "vni":
        vni = tables()["vni"]
        out = vni_rx.sub(lambda m: vni[m.group()], text)
    else:
        raise ValueError(f"unknown legacy encoding {encoding!r}")
    return unicodedata.normalize("NFC", out)


def is_syllable(word: str) -> bool:
    """A well-formed Vietnamese syllable (one tone at most), any case."""
    d = unicodedata.normalize("NFD", word.lower())
    if sum(d.count(t) for t in _TONE_MARKS) > 1:
        return False
    base = unicodedata.normalize("NFC", "".join(c for c in d if c not in _TONE_MARKS))
    return _SYLLABLE.fullmatch(base) is not None


def scores(text: str) -> dict[str, float]:
    """Share of the sample's non-ASCII words that are Vietnamese syllables: as they
    stand (``"none"``) and after each table."""
    words = [
        w for w in _WORD.findall(text[:SAMPLE_CHARS]) if not w.isascii() and not any(c.isdigit() for c in w)
    ][:MAX_WORDS]
    if not words:
        return {"none": 0.0, **{name: 0.0 for name in ENCODINGS}}
    out = {"none": sum(map(is_syllable, words)) / len(words)}
    for name in ENCODINGS:
        out[name] = sum(is_syllable(to_unicode(w, name)) for w in words) / len(words)
    return out


def detect(text: str) -> str | None:
    """``"tcvn3"``, ``"vni"`` or None (Unicode, English, anything else)."""
    if text.isascii():
        return None
    sample = text[:SAMPLE_CHARS]
    _, _, suspect_rx = _compiled()
    suspect = len(suspect_rx.findall(sample))
    if suspect < MIN_SUSPECT or suspect <= 2 * len(_VIET_ONLY.findall(sample)):
        return None
    s = scores(sample)
    best = max(ENCODINGS, key=s.__getitem__)
    other = max(s[name] for name in ENCODINGS if name != best)
    if s[best] >= MIN_SHARE and s[best] - s["none"] >= MIN_GAIN and s[best] - other >= MIN_MARGIN:
        return best
    return None


def repair(text: str) -> str:
    """Unicode for legacy-font text; any other text unchanged."""
    encoding = detect(text)
    return to_unicode(text, encoding) if encoding else text


def sniff_bytes(data: bytes) -> tuple[str, str] | None:
    """``(text, encoding)`` when undeclared bytes are TCVN3 or VNI, else None."""
    if data.isascii():
        return None
    text = data.decode("latin-1")
    encoding = detect(text)
    return (to_unicode(text, encoding), encoding) if encoding else None


__all__ = ["ENCODINGS", "detect", "is_syllable", "repair", "scores", "sniff_bytes", "tables", "to_unicode"]
