"""Legacy Vietnamese encodings: TCVN3 (ABC), VNI, Windows-1258 to Unicode; nothing else touched."""
import unicodedata

import pytest

from pipeline import legacy
from pipeline.decode import decode, normalize
from vietnamese_encodings import encode_legacy, to_cp1258  # tests/fixtures

# Our own sentences (not from any scraped page).
TEXT = (
    "Đảng bộ xã Bình Minh tổ chức hội nghị sơ kết công tác xây dựng Đảng sáu tháng đầu năm. "
    "Trong kỳ, các chi bộ kết nạp 12 đảng viên mới; đồng chí Nguyễn Văn Hùng, Bí thư Đảng ủy, "
    "phát biểu chỉ đạo. Người dân trong thôn đồng tình ủng hộ, trường học được sửa chữa."
)

ALL_LETTERS = "aáàảãạăắằẳẵặâấầẩẫậeéèẻẽẹêếềểễệiíìỉĩịoóòỏõọôốồổỗộơớờởỡợuúùủũụưứừửữựyýỳỷỹỵđ"


# ---- the tables, checked against words written straight from the code charts
@pytest.mark.parametrize(
    "legacy_text, encoding, expected",
    [
        ("ViÖt Nam", "tcvn3", "Việt Nam"),
        ("§¶ng viªn", "tcvn3", "Đảng viên"),
        ("x· héi chñ nghÜa", "tcvn3", "xã hội chủ nghĩa"),
        ("Tr\u00adêng häc", "tcvn3", "Trường học"),  # ư is 0xAD, the soft hyphen of Latin-1
        ("Vieät Nam", "vni", "Việt Nam"),
        ("Ñaûng vieân", "vni", "Đảng viên"),
        ("xaõ hoäi chuû nghóa", "vni", "xã hội chủ nghĩa"),
        ("Tröôøng hoïc", "vni", "Trường học"),
        ("ÑAÛNG BOÄ", "vni", "ĐẢNG BỘ"),
        ("Aùo", "vni", "Áo"),
    ],
)
def test_chart_words(legacy_text, encoding, expected):
    assert legacy.to_unicode(legacy_text, encoding) == expected


@pytest.mark.parametrize("encoding", legacy.ENCODINGS)
def test_every_letter_round_trips(encoding):
    letters = ALL_LETTERS if encoding == "tcvn3" else ALL_LETTERS + ALL_LETTERS.upper()
    raw = encode_legacy(letters, encoding).decode("latin-1")
    assert legacy.to_unicode(raw, encoding) == letters


# ---- one test per encoding, through decode() as the pipeline calls it
@pytest.mark.parametrize("declared", [None, "iso-8859-1", "windows-1252"])
def test_tcvn3(declared):
    data = encode_legacy(TEXT, "tcvn3")
    text, charset = decode(data, declared=declared)
    assert charset == "tcvn3"
    assert normalize(text) == TEXT  # its capitals are ASCII or Đ, all in the ABC set


@pytest.mark.parametrize("declared", [None, "iso-8859-1", "windows-1252"])
def test_vni(declared):
    data = encode_legacy(TEXT, "vni")
    text, charset = decode(data, declared=declared)
    assert charset == "vni"
    assert normalize(text) == TEXT


def test_vni_in_html_with_meta_charset():
    body = encode_legacy(TEXT, "vni")
    html = b'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body><p>' + body + b"</p></body></html>"
    text, charset = decode(html, html=True)
    assert charset == "vni" and TEXT in normalize(text)
    assert '<meta http-equiv="Content-Type"' in text  # markup is ASCII: untouched


@pytest.mark.parametrize("declared", [None, "windows-1258"])
def test_windows_1258(declared):
    text, charset = decode(to_cp1258(TEXT), declared=declared)
    assert charset == "cp1258"
    assert normalize(text) == TEXT


# ---- negatives: nothing that is not legacy text is touched
NOT_LEGACY = [
    TEXT,
    unicodedata.normalize("NFD", TEXT),
    "The provincial Party Committee held its congress on 12 May 2020.",
    "Le café était très célèbre à côté de l'église, où la naïve élève déjeunait.",
    "Für die Grüße öffentlicher Ämter müssen wir später zurückkommen, sagte Bäcker Müller.",
    "São Paulo, Açores, Málaga, Côte d'Ivoire, Zürich, Ålesund, Øresund, Þórshöfn.",
    "© 2024 Báo điện tử Đảng bộ tỉnh · Bản quyền thuộc về «Ban Tuyên giáo» ® ¶ ×",
    "x¸c §¶ng",  # too little evidence to act on
    "",
]


@pytest.mark.parametrize("text", NOT_LEGACY)
def test_other_text_is_untouched(text):
    assert legacy.detect(text) is None
    assert legacy.repair(text) is text


@pytest.mark.parametrize("text", NOT_LEGACY[:6])
def test_other_text_decodes_unchanged(text):
    assert decode(text.encode("utf-8"))[0] == text


def test_detection_is_cheap_on_big_pages():
    import time

    big = (TEXT + "\n") * 40_000  # ~10 MB of ordinary Unicode
    t0 = time.perf_counter()
    assert legacy.repair(big) is big
    assert time.perf_counter() - t0 < 2.0


def test_tcvn3_table_matches_the_system_charmap():
    """The TCVN3 rows agree with glibc's TCVN5712-1 charmap, where iconv has it."""
    import shutil
    import subprocess

    if not shutil.which("iconv"):
        pytest.skip("no iconv")
    raw = bytes(range(0x80, 0x100))
    done = subprocess.run(["iconv", "-f", "TCVN5712-1", "-t", "UTF-8"], input=raw, capture_output=True)
    if done.returncode:
        pytest.skip("iconv has no TCVN5712-1")
    system = done.stdout.decode("utf-8")  # one code point per byte
    ours = legacy.to_unicode(raw.decode("latin-1"), "tcvn3")
    # the bare combining marks 0xB0-0xB4 are left alone by us (NFC would glue them to a neighbour)
    keep = [i for i in range(len(raw)) if not 0xB0 <= raw[i] <= 0xB4]
    assert [ours[i] for i in keep] == [system[i] for i in keep]
