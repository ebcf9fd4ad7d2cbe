"""Charsets and the one normalisation."""
import unicodedata

import pytest

from pipeline.decode import DecodeError, charset_from_content_type, decode, normalize
from vietnamese_encodings import to_cp1258  # tests/fixtures

TEXT = "Đảng bộ tỉnh Thanh Hóa có 65.052 đảng viên, thủy lợi được quan tâm."


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-8-sig"])
def test_bom_and_utf(encoding):
    text, _ = decode(TEXT.encode(encoding))
    assert normalize(text) == TEXT


def test_http_header_charset_wins_over_detection():
    data = to_cp1258(TEXT)
    text, charset = decode(data, declared="windows-1258")
    assert charset == "cp1258"
    assert normalize(text) == TEXT


def test_meta_charset():
    html = b'<html><head><meta charset="windows-1258"></head><body>' + to_cp1258(TEXT) + b"</body></html>"
    text, charset = decode(html, html=True)
    assert charset == "cp1258"
    assert TEXT in normalize(text)


def test_binary_is_refused():
    with pytest.raises(DecodeError):
        decode(bytes(range(256)) * 20)


def test_content_type():
    assert charset_from_content_type("text/html; charset=UTF-8") == "UTF-8"
    assert charset_from_content_type("text/html") is None
    assert charset_from_content_type(None) is None


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("Thanh Hoá", "Thanh Hóa"),
        ("thuỷ lợi", "thủy lợi"),
        ("Uỷ ban kiểm tra", "Ủy ban kiểm tra"),
        ("khoẻ mạnh", "khỏe mạnh"),
        (unicodedata.normalize("NFD", "Đảng viên"), "Đảng viên"),
        ("dòng một\r\ndòng hai", "dòng một\ndòng hai"),
        ("a\u200bb\u00a0c", "ab c"),
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


def test_normalize_keeps_spacing_and_punctuation():
    text = "Nghị quyết số 21-NQ/TW  ngày 16/6/2022 (khóa XIII); “trích”."
    assert normalize(text) == text


def test_normalize_is_idempotent():
    once = normalize("Thanh Hoá, thuỷ điện, hoà bình")
    assert normalize(once) == once


# normalize() touches only the words token_normalize can change; it must equal
# token_normalize applied to every word
from hypothesis import given, settings
from hypothesis import strategies as st

_VI = "aăâeêioôơuưyAĂÂEÊIOÔƠUƯYđĐqQ hoáthuỷkhoẻòóỏõọùúủũụỳýỷỹỵ—“”.,\n\r\t0123456789_-"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=_VI, max_size=80) | st.sampled_from(["qui hoạch", "QUI", "Qui_định", "xoá đói", "thuỷ_lợi hoà—bình"]))
def test_normalize_equals_token_normalize_on_every_word(text):
    import re
    import unicodedata

    from underthesea.pipeline.text_normalize import token_normalize

    from pipeline.decode import normalize

    want = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    want = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b\u200c\u200d\u2060\ufeff]", "", want)
    want = re.sub(r"\w+", lambda m: token_normalize(m.group()), want)
    assert normalize(text) == want


def test_writable_escapes_lone_surrogates_and_keeps_valid_text():
    import os

    from pipeline.decode import writable

    assert writable("Chi bộ thôn Bắc") == "Chi bộ thôn Bắc"
    assert writable(os.fsdecode(b"b\xe0i.html")) == "b\\xe0i.html"  # an undecodable byte, as ls -b shows it
    assert writable("x\ud800y") == "x\\ud800y"  # a stray surrogate from elsewhere
    assert writable(os.fsdecode(b"\xff") + "\ud800").encode("utf-8")  # both at once: still writable


@pytest.mark.parametrize("shape", ["digits", "ascii word", "base64", "vietnamese word"])
def test_normalize_is_linear_in_one_long_token(shape):
    """A 1 MB token (an inline image, minified data, a digit run) is normalised in one
    pass; a quadratic pattern would run for hours, so a subprocess with a generous
    bound stands for 'finishes' without timing anything."""
    import subprocess
    import sys

    make = {"digits": "'7' * 1_000_000", "ascii word": "'a' * 1_000_000",
            "base64": "'iVBORw0KGgoAAAANSUhEUgAA' * 40_000", "vietnamese word": "'x' * 999_999 + 'á'"}[shape]
    code = f"from pipeline.decode import normalize; t = {make}; assert len(normalize(t)) == len(t)"
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
