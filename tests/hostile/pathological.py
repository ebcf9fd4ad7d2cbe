"""Pathological page shapes: long tokens, huge lines, many paragraphs, patterns repeated.

Each shape is an ordinary short article with one hostile part, built at a chosen
``scale`` (1.0 = the size the bench measures; the tests use a fraction). The repeated
patterns fill the 200,000 characters of main text a page keeps (``settings.MAX_TEXT_CHARS``),
so they reach the extractors; the huge shapes test the caps before them. Every page
must end as an article or one error row, in time linear in its size.
``tools/bench_hostile.py`` reports the time and peak memory of each.
"""
from __future__ import annotations

from collections.abc import Callable

from corpus import BODY, TITLE, page  # tests/hostile/corpus.py

# name -> (what it is, file suffix, build(scale) -> the page's bytes)
SHAPES: dict[str, tuple[str, str, Callable[[float], bytes]]] = {}


def shape(name: str, what: str, suffix: str = ".html"):
    def register(build: Callable[[float], str]):
        SHAPES[name] = (what, suffix, lambda scale: build(scale).encode("utf-8"))
        return build

    return register


def _n(scale: float, full: int) -> int:
    return max(1, int(full * scale))


def _article(extra: str, where: str = "after") -> str:
    """The ordinary article with ``extra`` as one more paragraph (HTML)."""
    paras = [extra, *BODY] if where == "before" else [*BODY, extra]
    return page(TITLE, paras)


@shape("long_token", "one 1 MB word (an inline base64 image pasted as text)")
def _long_token(scale):
    return _article("A" * _n(scale, 1_000_000))


@shape("long_digits", "a 200 KB run of digits")
def _long_digits(scale):
    return _article("7" * _n(scale, 200_000))


@shape("many_attributes", "one element with 100,000 attributes")
def _many_attributes(scale):
    attrs = " ".join(f"data-a{i}='x'" for i in range(_n(scale, 100_000)))
    return page(TITLE, BODY).replace("<article>", f"<article><div {attrs}></div>", 1)


@shape("attributes_under_cap", "one element with 60,000 attributes, the page under the 1 MB cap")
def _attributes_under_cap(scale):
    attrs = " ".join(f"data-a{i}='x'" for i in range(_n(scale, 60_000)))
    return page(TITLE, BODY).replace("<article>", f"<article><div {attrs}></div>", 1)


@shape("huge_line", "a text dump whose last line is 19 MB", suffix=".txt")
def _huge_line(scale):
    unit = "Đảng bộ xã tổ chức hội nghị "
    line = unit * (_n(scale, 19 * 2**20) // len(unit.encode("utf-8")))
    return "\n".join([TITLE, "12/07/2024", *BODY, line])


@shape("many_paragraphs", "200,000 short paragraphs")
def _many_paragraphs(scale):
    return page(TITLE, [*BODY, *(f"Đoạn {i}." for i in range(_n(scale, 200_000)))])


@shape("doc_numbers", "a document number listed 20,000 times (as many as the 200,000 characters of main text hold)")
def _doc_numbers(scale):
    return _article("Căn cứ " + ", ".join("2-CT/TW" for _ in range(_n(scale, 20_000))) + ".")


@shape("dates", "a date listed 16,000 times")
def _dates(scale):
    return _article("Các ngày " + ", ".join("12/3/2024" for _ in range(_n(scale, 16_000))) + ".")


@shape("counts", "a head count listed 14,000 times")
def _counts(scale):
    return _article("Kết nạp " + ", ".join("15 đảng viên" for _ in range(_n(scale, 14_000))) + ".")


@shape("list_markers", "`Thứ nhất, …` opening 4,000 sentences")
def _list_markers(scale):
    return _article(" ".join("Thứ nhất, nâng cao chất lượng sinh hoạt chi bộ." for _ in range(_n(scale, 4_000))))


@shape("numbered_items", "`1.` repeated 25,000 times")
def _numbered_items(scale):
    return _article(" ".join("1." for _ in range(_n(scale, 25_000))))


@shape("hidden_hex", "an ordinary article with a 100 KB hex value in a hidden input")
def _hidden_hex(scale):
    hidden = "<input type='hidden' name='__VIEWSTATE' value='" + "0f" * _n(scale, 50_000) + "'>"
    return page(TITLE, BODY).replace("<article>", hidden + "<article>", 1)
