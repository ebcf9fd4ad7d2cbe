"""The "classify" spaCy component over an underthesea-tokenized Doc (own example texts)."""
from __future__ import annotations

import pyarrow as pa
import pytest

from pipeline import schema
from pipeline.nlp import annotate, build_nlp

COLUMNS = ("topic", "topics", "topic_scores", "genre", "is_party_building", "topic_evidence")


@pytest.fixture(scope="module")
def nlp():
    return build_nlp(components=["classify"])


def _check_schema(cls: dict) -> None:
    assert set(cls) == set(COLUMNS)
    fields = [schema.ARTICLES.field(c) for c in COLUMNS]
    row = {c: cls[c] for c in COLUMNS}
    pa.Table.from_pylist([row], schema=pa.schema(fields))  # raises if a type is off


def test_component_sets_classification(nlp):
    text = (
        "Sáng 9/5, Ban Thường vụ Huyện ủy Tam Nông tổ chức hội nghị tổng kết công tác kiểm tra, "
        "giám sát và thi hành kỷ luật đảng năm 2023.\n"
        "Ủy ban Kiểm tra các cấp đã kiểm tra 35 tổ chức đảng và 120 đảng viên khi có dấu hiệu vi phạm, "
        "thi hành kỷ luật 9 đảng viên."
    )
    doc = annotate(nlp, text, {"article_id": "x1", "title": "Tổng kết công tác kiểm tra"})
    cls = doc._.classification
    assert cls["topic"] == "kiem_tra_giam_sat"
    assert cls["is_party_building"] is True
    assert cls["topic_evidence"]
    _check_schema(cls)


@pytest.mark.parametrize("text", ["", "   ", "Hello world, this page is in English only."])
def test_component_on_empty_and_foreign_text(nlp, text):
    doc = annotate(nlp, text, {})
    cls = doc._.classification
    assert cls["topic"] == "khac" and cls["is_party_building"] is False
    _check_schema(cls)


def test_component_reads_the_title(nlp):
    body = (
        "Đảng bộ huyện có 52 tổ chức cơ sở đảng với 4.100 đảng viên.\n"
        "Năm qua, huyện kiện toàn 6 chi bộ, nâng cao năng lực lãnh đạo và sức chiến đấu của tổ chức cơ sở đảng.\n"
        "Huyện cũng kết nạp 180 đảng viên mới, chủ yếu là đoàn viên thanh niên và quần chúng ưu tú."
    )
    doc = annotate(nlp, body, {"title": "Kết nạp 180 đảng viên mới, chú trọng tạo nguồn từ đoàn viên"})
    assert doc._.classification["topic"] == "dang_vien"
    _check_schema(doc._.classification)


def test_component_raises_when_the_model_cannot_load(nlp, monkeypatch):
    """A failure is the page's error row (the pipeline's), never an empty classification."""
    from pipeline.classify import component
    from pipeline.classify.modelfile import ModelError

    def broken():
        raise ModelError("no classifier model at x: run `make train` to build it")

    monkeypatch.setattr(component, "default_model", broken)
    with pytest.raises(ModelError, match="make train"):
        annotate(nlp, "Chi bộ họp định kỳ hằng tháng.", {})
