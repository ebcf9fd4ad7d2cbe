"""Title, publication date, author and view count from the lines around an article."""
from __future__ import annotations

import re
from functools import lru_cache
from dataclasses import dataclass, field
from datetime import date

from pipeline.clean.patterns import (
    BYLINE_PREFIX,
    CLAUSE_WORDS,
    MAX_SIGNATURE_UNIT_WORDS,
    NAME_PREFIX,
    SIGNATURE_NOTE,
    SIGNATURE_WITH_UNIT,
)
from pipeline.extract.core import HERE as TABLES, read_table, valid_day

_DMY = re.compile(r"(?<!\d)(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})(?!\d)")
# "ngày 16 tháng 6 năm 2022", "08 Tháng 3 2023" (Joomla), "16 tháng 6, 2022"
_WORDS = re.compile(r"(?<!\d)(\d{1,2})\s+tháng\s+(\d{1,2})\s*(?:năm\s+|,\s*)?(\d{4})(?!\d)", re.IGNORECASE)
_ISO = re.compile(r"(?<!\d)(\d{4})-(\d{2})-(\d{2})(?!\d)")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
# "30 May 2022", "May 30, 2022" (English-language page templates)
_EN_DMY = re.compile(r"(?<!\d)(\d{1,2})\s+(%s)[a-z]*\.?,?\s+(\d{4})(?!\d)" % "|".join(_MONTHS), re.IGNORECASE)
_EN_MDY = re.compile(r"\b(%s)[a-z]*\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)" % "|".join(_MONTHS), re.IGNORECASE)
_VIEWS = re.compile(
    r"(?:lượt xem|đã xem|số lượt xem|lượt đọc|views?)\s*:?\s*([\d.,]+)|([\d.,]+)\s*lượt\s+(?:xem|đọc)",
    re.IGNORECASE,
)


@dataclass
class Cleaned:
    """What a cleaner recovers from one page."""

    text: str
    title: str | None = None
    published_date: date | None = None
    author: str | None = None
    views: int | None = None
    site: str | None = None
    url: str | None = None  # the page's own address (og:url, canonical link)
    source_tag: str | None = None  # the agency code a lead opened with, "(QNO)", taken off the text
    doc_header: str | None = None  # an official document's header block (its number, place and date, type and subject), kept out of ``text``
    site_lines: list[str] = field(default_factory=list)  # boilerplate naming the site: banner, copyright, address
    dropped: list[str] = field(default_factory=list)  # boilerplate lines, for debugging


def valid_date(year: int, month: int, day: int) -> date | None:
    return valid_day(year, month, day, years=(1900, 2100))


def parse_date(text: str | None) -> date | None:
    """The first day/month/year (or ISO) date in ``text``; day before month, always."""
    if not text:
        return None
    m = _ISO.search(text)
    if m:
        found = valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if found:
            return found
    for rx in (_DMY, _WORDS):
        for m in rx.finditer(text):
            found = valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
            if found:
                return found
    m = _EN_DMY.search(text)
    if m:
        return valid_date(int(m.group(3)), _MONTHS.index(m.group(2).lower()[:3]) + 1, int(m.group(1)))
    m = _EN_MDY.search(text)
    if m:
        return valid_date(int(m.group(3)), _MONTHS.index(m.group(1).lower()[:3]) + 1, int(m.group(2)))
    return None


def parse_views(text: str) -> int | None:
    m = _VIEWS.search(text)
    if not m:
        return None
    digits = re.sub(r"\D", "", m.group(1) or m.group(2) or "")
    return int(digits) if digits else None


# "Thảo", "Th.", and the Ê Đê / Gia Rai "H'Lan", "Y" of the Central Highlands
_NAME_WORD = re.compile(r"^[A-ZÀ-ỸĐ](?:'[A-ZÀ-ỸĐ])?[a-zà-ỹđ]*\.?$")


def looks_like_name(line: str) -> bool:
    """``Thanh Thảo``, ``Trần Thị Thủy``, ``Dương Thuận``: 2-5 capitalised words."""
    words = line.strip().split()
    if not 2 <= len(words) <= 5:
        return False
    if any(not _NAME_WORD.match(w) for w in words):
        return False
    return sum(len(w) for w in words) <= 40


def name_in_signature(line: str, vouched: bool = False) -> str | None:
    """The name of a byline: ``Minh Tâm - Trung tâm Dịch vụ nông nghiệp``, ``Hà An (CTV)``,
    ``Đại tá Hoàng Văn Thắng, Chính ủy ...``, ``HOÀI THƯƠNG``. ``vouched``: a signature
    prefix ("Tin, ảnh:") already says a name follows, so an upper-case name made of
    common words (``ĐĂNG KHOA``) is taken too."""
    line = NAME_PREFIX.sub("", BYLINE_PREFIX.sub("", line.strip()))
    head = re.split(r"\s*[-–—]\s+|\s+[-–—]\s*|\s*\(|\s*,\s*|\s*\|", line, maxsplit=1)[0].strip(" .")
    if head.isupper():
        return head.title() if _upper_name(head, vouched) else None
    return head if looks_like_name(head) else None


def name_with_unit(line: str) -> str | None:
    """The name of a closing byline printed like a sentence, with its unit:
    ``Ngọc Ánh (Ban Tuyên giáo Huyện ủy)``, ``Lê Minh Tú - Trung tâm Chính trị huyện.``

    Stricter than :func:`name_in_signature`, because such a line would otherwise be the
    article's last sentence: the unit opens with a capital, is short and has no verb
    (``CLAUSE_WORDS``), or is a note such as ``(tổng hợp)``; the name is two words or starts with a family name
    (``extract/surnames.csv``) and is not a province or district (``Quảng Nam (cũ)``).
    """
    m = SIGNATURE_WITH_UNIT.match(line.strip())
    if not m:
        return None
    unit = (m.group("paren") or m.group("dash") or "").strip()
    if SIGNATURE_NOTE.fullmatch(unit):
        pass
    elif not unit[:1].isupper() or len(unit.split()) > MAX_SIGNATURE_UNIT_WORDS or CLAUSE_WORDS.search(unit):
        return None
    name = name_in_signature(m.group("name"))
    if not name or name.casefold() in _place_names():
        return None
    words = name.split()
    if len(words) > 4 or (words[0] not in _surnames() and len(words) != 2):
        return None
    return name


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Province and district names (and spellings), case-folded: never a byline's name."""
    names: set[str] = set()
    for file, columns in (("provinces.csv", ("name", "variants")), ("districts.csv", ("name",))):
        if not (TABLES / file).exists():  # a gazetteer left out of a trimmed install
            continue
        for row in read_table(file):
            for col in columns:
                names.update(v.strip().casefold() for v in (row.get(col) or "").split(";") if v.strip())
    return frozenset(names)


@lru_cache(maxsize=1)
def _surnames() -> frozenset[str]:
    return frozenset(r["name"] for r in read_table("surnames.csv") if r.get("kind") == "surname")


def is_surname(word: str) -> bool:
    """``Nguyễn``, ``Trần``: a family name of ``extract/surnames.csv``."""
    return word in _surnames()


def _upper_name(value: str, vouched: bool = False) -> bool:
    """``HOÀI THƯƠNG`` is a name; ``CÁC TIN ĐÃ ĐĂNG`` is not: an upper-case byline must
    look like a name once title-cased and not be a run of common words."""
    titled = value.title()
    words = titled.split()
    if not looks_like_name(titled) or not (words[0] in _surnames() or len(words) == 2):
        return False
    return vouched or not _COMMON_UPPER.intersection(words)


_COMMON_UPPER = frozenset("Các Tin Bài Đã Đăng Trang Chủ Mới Khác Xem Nhiều Tài Liệu Tham Khảo Giới Thiệu Liên Hệ Thêm Ủy Ban Tỉnh Huyện Thành Phố Xã Phường Quận".split())


def clean_author(value: str | None) -> str | None:
    """A byline as a name: prefixes ("Đăng bởi", "Tác giả:", ranks, degrees) taken off."""
    if not value:
        return None
    value = re.sub(r"\s+", " ", value).strip(" .,-–—;:")
    value = NAME_PREFIX.sub("", BYLINE_PREFIX.sub("", value)).strip(" .,-–—;:")
    if value.isupper() and _upper_name(value):
        value = value.title()
    return value or None
