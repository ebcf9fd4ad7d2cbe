"""One page to rows (``pipeline.page``); broken pages to exactly one error row each."""
import pytest

from pipeline import page
from pipeline.page import article_id_for, process_page
from pipeline.sources import Page

BODY = (
    "Đảng ủy phường Bình Minh vừa tổ chức hội nghị sơ kết công tác xây dựng Đảng 6 tháng đầu năm. "
    "Theo báo cáo, Đảng bộ phường có 18 chi bộ trực thuộc với 512 đảng viên; trong 6 tháng đã kết nạp 9 đảng viên mới. "
    "Các chi bộ duy trì nền nếp sinh hoạt định kỳ, chất lượng sinh hoạt chuyên đề từng bước được nâng lên."
)
DUMP = f"Sign In\n\nĐảng ủy phường Bình Minh sơ kết công tác xây dựng Đảng\n\n15/07/2024\n\n{BODY}\n\nThu Trang\nTIN LIÊN QUAN\n"


def test_text_dump_to_article(nlp):
    result = process_page(Page(source="x/a.txt", data=DUMP.encode(), kind="txt"), nlp)
    assert result.ok, result.errors
    (article,) = result.rows["articles"]
    assert article["title"] == "Đảng ủy phường Bình Minh sơ kết công tác xây dựng Đảng"
    assert str(article["published_date"]) == "2024-07-15"
    assert article["author"] == "Thu Trang"
    assert article["text"] == BODY
    assert article["n_sentences"] == 3
    assert "đảng_viên" in article["text_tokenized"]
    assert article["article_id"] == article_id_for(None, BODY)
    for table in ("doc_refs", "dates", "counts", "solutions", "entities"):
        assert all(r["article_id"] == article["article_id"] for r in result.rows[table])


def test_article_id_prefers_url():
    assert article_id_for("https://a.vn/1", "x") == article_id_for("https://a.vn/1", "y")
    assert article_id_for(None, "x  y") == article_id_for(None, "x y")


def test_broken_pages_give_one_error_each(nlp):
    cases = {
        "empty.html": (b"", "html", "clean"),
        "binary.html": (bytes(range(256)) * 50, "html", "decode"),
        "scripts.html": (b"<html><script>var a=1;</script></html>", "html", "clean"),
        "short.txt": ("Chỉ một dòng.".encode(), "txt", "clean"),
    }
    for name, (data, kind, stage) in cases.items():
        result = process_page(Page(source=name, data=data, kind=kind), nlp)
        assert not result.rows.get("articles")
        assert len(result.errors) == 1 and result.errors[0]["stage"] == stage, (name, result.errors)
        assert result.errors[0]["source"] == name


def test_an_error_row_is_always_writable():
    """An error quoting a lone surrogate (from a name or a stray code point) is still
    written: the errors table takes it, with the surrogate escaped."""
    from pipeline.store import to_table

    row = page.error_row("raw/b\udce0i.html", "clean", "bad character '\ud800' here")
    assert (row["source"], row["error"]) == ("raw/b\\xe0i.html", "bad character '\\ud800' here")
    assert to_table("errors", [row]).num_rows == 1


def test_rows_checked_together_keep_each_page_its_own_fate(nlp, monkeypatch):
    # three pages checked together; the second's counts do not fit the schema: it alone
    # loses its rows for one write error, as if each page had been checked alone
    from pipeline.sources import PageError

    def dump_page(i):
        return Page(source=f"x/{i}.txt", data=DUMP.replace("18 chi bộ", f"{18 + i} chi bộ").encode(), kind="txt")

    real = page.page_result

    def with_a_bad_count(prepared, *args):
        result = real(prepared, *args)
        if prepared.page.source == "x/1.txt":
            result.rows["counts"][0]["value"] = "mười tám"
        return result

    monkeypatch.setattr(page, "page_result", with_a_bad_count)
    items = [dump_page(0), dump_page(1), PageError(source="x/gone.txt", stage="read", error="No such file"), dump_page(2)]
    together = page.pages_rows(items, nlp)
    alone = [page.page_rows(item, nlp) for item in items]
    assert [r.source for r in together] == ["x/0.txt", "x/1.txt", "x/gone.txt", "x/2.txt"]
    for a, b in zip(together, alone):
        assert a.rows.keys() == b.rows.keys() and [e["error"] for e in a.errors] == [e["error"] for e in b.errors]
    good, bad, gone, last = together
    assert good.rows["counts"] and last.rows["counts"] and not good.errors and not last.errors
    assert bad.rows == {} and [e["stage"] for e in bad.errors] == ["write"]
    assert "rows do not fit the schema: counts" in bad.errors[0]["error"]
    assert [e["stage"] for e in gone.errors] == ["read"]


# -- incremental runs: the dataset of a re-run is the dataset of a full run -----------


FAULTS = {
    "doc_refs": ("pipeline.extract.doc_refs", "find_doc_refs"),
    "dates": ("pipeline.extract.dates", "find_dates"),
    "counts": ("pipeline.extract.counts", "find_counts"),
    "solutions": ("pipeline.extract.solutions", "find_solution_lists"),
    "entities": ("pipeline.extract.entities", "find_mentions"),
    "entity_links": ("pipeline.extract.entities", "find_province"),
    "classify": ("pipeline.classify.component", "predict"),
}


@pytest.mark.parametrize("component", sorted(FAULTS))
def test_a_failing_component_is_an_error_row_never_nothing_found(nlp, monkeypatch, component):
    import importlib

    module, name = FAULTS[component]

    def broken(*args, **kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(importlib.import_module(module), name, broken)
    result = process_page(Page(source="x/a.txt", data=DUMP.encode(), kind="txt"), nlp)
    (error,) = result.errors
    assert error["stage"] == "extract"
    assert error["error"].startswith(f"{component}: RuntimeError: injected fault")



# -- a fault in any stage or component: one error row, exit 1, the other pages unchanged ---

STAGE_FAULTS = {  # stage -> (module, name) of what that stage calls
    "decode": ("pipeline.page", "decode"),
    "clean": ("pipeline.clean", "clean_page"),
    "tokenize": ("pipeline.nlp.UndertheseaTokenizer", "__call__"),
    **{f"extract/{c}": target for c, target in FAULTS.items()},
}
POISON = "phường Hòa Khánh"  # only the page naming it meets the fault


def _two_pages(folder):
    folder.mkdir()
    (folder / "a.txt").write_text(DUMP, encoding="utf-8")
    (folder / "b.txt").write_text(DUMP.replace("phường Bình Minh", POISON), encoding="utf-8")
    return folder


def _tables(out):
    import pyarrow.parquet as pq

    from pipeline.schema import TABLES

    return {name: [{k: v for k, v in row.items() if k != "processed_at" and (k != "source" or name == "errors")}
                   for row in pq.read_table(out / f"{name}.parquet").to_pylist()] for name in TABLES}


@pytest.fixture(scope="module")
def clean_run(tmp_path_factory):
    from pipeline.run import extract

    root = tmp_path_factory.mktemp("clean_run")
    extract([_two_pages(root / "raw")], root / "out", workers=1)
    return _tables(root / "out")


@pytest.mark.parametrize("where", sorted(STAGE_FAULTS))
def test_a_fault_anywhere_is_one_error_row_and_exit_1_and_the_other_page_is_unchanged(where, clean_run, tmp_path, monkeypatch):
    import importlib

    from pipeline.run import extract

    path, name = STAGE_FAULTS[where]
    try:
        owner = importlib.import_module(path)
    except ModuleNotFoundError:  # a class: module path, then its name
        module, cls = path.rsplit(".", 1)
        owner = getattr(importlib.import_module(module), cls)
    real = getattr(owner, name)

    def faulty(*args, **kwargs):
        seen = [(a.decode("utf-8", "replace") if isinstance(a, bytes) else str(a)).replace("_", " ") for a in args]
        if any(POISON in text for text in seen):  # the page, its text, its Doc or its tokenized text
            raise RuntimeError("injected fault")
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, faulty)
    summary = extract([_two_pages(tmp_path / "raw")], tmp_path / "out", workers=1)
    tables = _tables(tmp_path / "out")
    (error,) = tables["errors"]
    stage = where.split("/")[0]
    assert error["source"].endswith("b.txt") and error["stage"] == stage, error
    assert "RuntimeError: injected fault" in error["error"]
    assert summary.exit_code == 1
    kept = {r["article_id"] for r in tables["articles"] if POISON not in r["text"]}
    # a failing component costs the page that component's rows only; an earlier stage, the page
    assert len(kept) == 1 and len(tables["articles"]) == (2 if stage == "extract" else 1)
    for name_, rows in clean_run.items():
        if name_ in ("errors", "duplicates"):
            continue
        mine = [r for r in rows if r.get("article_id") in kept]
        assert [r for r in tables[name_] if r.get("article_id") in kept] == mine, name_


def test_no_component_raises_on_generated_distinct_pages(nlp, tmp_path):
    """Sentences of every sample page recombined, names and numbers varied (the bench's
    distinct corpus): each page is an article and no component ends in an error row."""
    from tools.corpus import make_distinct_corpus

    from pipeline.sources import iter_pages

    make_distinct_corpus(tmp_path, 40, 8000, start=31_000)
    pages = list(iter_pages([tmp_path]))
    results = [r for i in range(0, len(pages), 8) for r in page.pages_rows(pages[i : i + 8], nlp)]
    assert len(results) == 40
    assert [(r.source, r.errors) for r in results if r.errors] == []
    assert all(r.rows.get("articles") for r in results)
