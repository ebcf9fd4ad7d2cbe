"""Work grows linearly with the page: Python lines run, counted (no timing), at n and 4n.

``lines_run`` counts the line events of the code under some folders while a call runs;
a quadratic step (a scan of every row found so far, a pairwise overlap check) shows as a
ratio near 16 between 4n and n, a linear one near 4. The resolver's check also shows the
counter catching a pairwise version of the same resolver, so a pass is not a blind spot.
"""
from __future__ import annotations

import os
import sys

import pytest

import pipeline
from pipeline.extract import core

PIPELINE = os.path.dirname(pipeline.__file__)
HERE = os.path.abspath(__file__)
LINEAR = 4.6  # 4n against n: what linear work with some fixed cost may reach


def lines_run(fn, *args, under: tuple[str, ...] = (PIPELINE,)) -> int:
    """Lines run inside files under ``under`` while ``fn(*args)`` runs."""
    count = 0

    def local(frame, event, arg):
        nonlocal count
        count += event == "line"
        return local

    def calls(frame, event, arg):
        return local if frame.f_code.co_filename.startswith(under) else None

    old = sys.gettrace()
    sys.settrace(calls)
    try:
        fn(*args)
    finally:
        sys.settrace(old)
    return count


def growth(make, fn, n: int, under: tuple[str, ...] = (PIPELINE,)) -> float:
    """Lines run on ``make(4 * n)`` over lines run on ``make(n)``."""
    return lines_run(fn, make(4 * n), under=under) / lines_run(fn, make(n), under=under)


# ---------------------------------------------------------------- core.resolve

def _pairwise(spans):
    """The greedy resolver written with a pairwise check: what the counter must catch."""
    kept = []
    for span in sorted(spans, key=lambda s: s.priority):
        if not any(core.overlaps(span.start, span.end, k.start, k.end) for k in kept):
            kept.append(span)
    return kept


# shape -> n spans; each a way candidates pile up on a page
RESOLVE_SHAPES = {
    "disjoint": lambda n: [core.Span(3 * i, 3 * i + 2, (i,)) for i in range(n)],
    "chain": lambda n: [core.Span(i, i + 5, (i,)) for i in range(n)],  # each overlaps the next four
    "nested": lambda n: [core.Span(i, 2 * n - i, (n - i,)) for i in range(n)],  # innermost first
    "empty": lambda n: [core.Span(i, i, (i,)) for i in range(n)],
    "groups": lambda n: [core.Span(i // 3, i // 3 + 4, (i,), group=i % 7) for i in range(n)],
}


@pytest.mark.parametrize("shape", RESOLVE_SHAPES)
def test_resolve_work_is_linear(shape):
    make = RESOLVE_SHAPES[shape]
    per_group = shape == "groups"
    if not per_group:
        assert core.resolve(make(50)) == _pairwise(make(50))
    assert growth(make, lambda spans: core.resolve(spans, per_group), 2000) < LINEAR
    if shape in ("disjoint", "empty"):  # every span kept: the pairwise check reads them all
        assert growth(make, _pairwise, 200, under=(PIPELINE, HERE)) > 10


# ---------------------------------------------------------------- counts

COUNT_SENTENCES = [
    "Chi bộ có 25 đảng viên, chiếm 17,5%. ",  # a share looks back at the counts before it
    "chi bộ được xếp loại hoàn thành tốt nhiệm vụ chiếm 64%; yếu kém chiếm 1,2%; 12,5% hoàn thành nhiệm vụ, ",
    "Huyện có 143 chi bộ cơ sở (tăng 05), ",
    "Có 100% chi bộ, trong đó 71% hoàn thành tốt nhiệm vụ; ",
    "thi hành kỷ luật 12 đảng viên: khiển trách 8, cảnh cáo 4; ",
]


@pytest.mark.parametrize("sentence", COUNT_SENTENCES, ids=lambda s: s[:20])
def test_counts_work_is_linear_in_one_repeated_sentence(sentence):
    from pipeline.extract.counts import find_counts

    def make(chars):
        return sentence * (chars // len(sentence))

    assert len(find_counts(make(2000))) >= 2000 // len(sentence)
    assert growth(make, find_counts, 5000) < LINEAR


# ---------------------------------------------------------------- tokenizer

@pytest.fixture(scope="module")
def nlp():
    from pipeline.nlp import build_nlp

    return build_nlp([])


def test_tokenizing_numbered_items_is_linear(nlp):
    """``1.`` repeated (a page of empty numbered items): the tokenizer and the sentence
    splitter, underthesea's Python code included."""
    import underthesea

    under = (PIPELINE, os.path.dirname(underthesea.__file__))

    def make(n):
        return " ".join("1." for _ in range(n))

    assert len(nlp.make_doc(make(100))) == 200
    assert growth(make, nlp.make_doc, 1500, under=under) < LINEAR


# ---------------------------------------------------------------- HTML parsing

def test_a_tag_crowded_with_attributes_reaches_the_parser_bare():
    """libxml2 checks each attribute against those before it (C code, no Python lines to
    count): one element of 60,000 attributes in a page under the 1 MB cap took 30 s to
    clean. What reaches the parser is counted instead: no tag of more than
    ``MAX_TAG_ATTRIBUTES``, while an ordinary long tag (an inline image) keeps its own."""
    from pipeline.clean.html import MAX_TAG_ATTRIBUTES, defuse

    crowded = "<div " + " ".join(f"data-a{i}='x'" for i in range(5 * MAX_TAG_ATTRIBUTES)) + "></div>"
    image = "<img alt='Hội nghị' src='data:image/png;base64," + "iVBORw0KGgo" * 500 + "=='>"
    html, notes = defuse(f"<html><body>{crowded}<p>Đoạn văn.</p>{image}</body></html>")
    assert "<div></div>" in html and "data-a0" not in html
    assert image in html
    assert notes == [f"[1 tag(s) of more than {MAX_TAG_ATTRIBUTES} attributes parsed bare]"]
    assert defuse("<p class='a' id='b'>Đoạn văn.</p>") == ("<p class='a' id='b'>Đoạn văn.</p>", [])
