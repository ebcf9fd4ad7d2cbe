"""One page to rows; broken pages to exactly one error row each."""
from pipeline.run import article_id_for, process_page
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
