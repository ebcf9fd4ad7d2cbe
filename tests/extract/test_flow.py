"""The components' declared data flow: one writer per table column, nothing read before it is
written, and each component changes only what it declares (checked on a real run)."""
from __future__ import annotations

import copy
import datetime as dt

import pytest

from pipeline import settings
from pipeline.extract import core
from pipeline.nlp import build_nlp

TEXT = ("Thực hiện Kế hoạch số 15-KH/TU ngày 3/2/2023 của Ban Thường vụ Tỉnh ủy Hậu Giang, "
        "Đảng bộ xã Tân Phú có 24 chi bộ với 610 đảng viên. Trong năm 2023 kết nạp 18 đảng viên.\n"
        "Các giải pháp:\n1. Nâng cao chất lượng sinh hoạt chi bộ.\n2. Đổi mới công tác kết nạp đảng viên.")
META = {"article_id": "x", "published_date": dt.date(2023, 12, 5), "title": "Đảng bộ xã Tân Phú",
        "url": None, "site": None}


@pytest.fixture(scope="module")
def nlp():
    return build_nlp()


def test_the_pipeline_order_has_one_writer_per_item_and_no_early_read(nlp):
    assert core.check_flow(settings.COMPONENTS) == []


def test_check_flow_finds_two_writers_a_missing_need_and_an_early_read():
    flows = {"a": core.Flow(writes=("dates",)), "b": core.Flow(needs=("mentions",), writes=("dates",)),
             "c": core.Flow(reads=("solutions.start",)), "d": core.Flow(writes=("solutions",))}
    assert core.check_flow(["a", "b", "c", "d"], flows) == [
        "b needs mentions, which no earlier component writes",
        "dates is written by a and b",
        "c reads solutions.start before the component writing it",
    ]
    # what is read but written by no component of the pipeline is simply absent
    assert core.check_flow(["c"], flows) == []
    # a component without a declared flow writes the table of its name
    assert core.check_flow(["counts", "b"], {"b": core.Flow(needs=("counts.subject",))}) == []


def test_spacy_sees_what_each_component_requires_and_assigns(nlp):
    assert nlp.get_pipe_meta("dates").requires == ["doc._.meta", "doc._.rows"]
    assert nlp.get_pipe_meta("dates").assigns == ["doc._.rows"]
    assert nlp.get_pipe_meta("entities").assigns == ["doc._.mentions"]
    assert "doc._.mentions" in nlp.get_pipe_meta("entity_links").requires


def _changes(before_rows, before_meta, doc) -> set[str]:
    """The items (``table``, ``table.column``, ``meta.key``, ``mentions``) a component changed."""
    out = set()
    for table, rows in doc._.rows.items():
        old = before_rows.get(table)
        if old is None:
            out.add(table)
            continue
        if len(old) != len(rows):
            out.add(table)
            continue
        for a, b in zip(old, rows):
            out.update(f"{table}.{col}" for col in set(a) | set(b) if a.get(col, KeyError) != b.get(col, KeyError))
    out.update(f"meta.{k}" for k in set(before_meta) | set(doc._.meta)
               if before_meta.get(k, KeyError) != doc._.meta.get(k, KeyError))
    return out


def test_each_component_changes_only_what_it_declares(nlp):
    doc = nlp.make_doc(TEXT)
    doc._.meta = dict(META)
    wrote = {}
    for name, proc in nlp.pipeline:
        rows, meta, mentions = copy.deepcopy(doc._.rows), dict(doc._.meta), doc._.mentions
        doc = proc(doc)
        changed = _changes(rows, meta, doc) | ({"mentions"} if doc._.mentions is not mentions else set())
        flow = core.FLOWS.get(name) or core.Flow(writes=(name,))
        declared = set(flow.writes)
        undeclared = {c for c in changed if c not in declared and c.split(".")[0] not in declared}
        assert not undeclared, (name, undeclared)
        wrote[name] = changed
    # the run exercised the links: the entity links and the province were written
    assert {"entities", "counts.subject_entity_id", "doc_refs.issuer_entity_id", "meta.province"} <= wrote["entity_links"]
    assert doc._.meta["province"] == "Hậu Giang"


def test_a_pipeline_reading_what_nothing_wrote_is_refused():
    with pytest.raises(ValueError, match="entity_links needs mentions, which no earlier component writes"):
        build_nlp(["entity_links"])


def test_entity_links_writes_nothing_when_entities_failed(nlp):
    # the page code has made the error row of entities; entity_links must not add a province
    doc = nlp.make_doc(TEXT)
    doc._.meta = dict(META)
    doc = nlp.get_pipe("entity_links")(doc)
    assert "entities" not in doc._.rows and "province" not in doc._.meta
