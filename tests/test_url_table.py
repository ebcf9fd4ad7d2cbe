"""A URL table gives page files saved without their address their url, site and province."""
import re
import subprocess
import sys

import duckdb
import pytest

from pipeline import run
from pipeline.url_table import UrlTableError, page_id, read_url_table

PAGE = (
    "Chi bộ khu phố 3 kết nạp đảng viên mới\n\n"
    "Ngày 12/3/2025, Chi bộ khu phố 3 tổ chức lễ kết nạp 2 đảng viên mới. Đến nay chi bộ có 31 đảng viên, "
    "sinh hoạt định kỳ đúng quy định của Điều lệ Đảng. Buổi lễ có đại diện Đảng ủy phường dự và trao quyết định "
    "kết nạp cho hai quần chúng ưu tú. Chi ủy giao đảng viên chính thức giúp đỡ đảng viên mới trong thời gian "
    "dự bị, nghiên cứu kỹ Điều lệ Đảng và thực hiện tốt nhiệm vụ được giao ở khu dân cư.\n"
)


@pytest.mark.parametrize("name, want", [("101.txt", "101"), ("101.txt.gz", "101"), ("bai-5.html", "bai-5"),
                                        ("a.b.htm", "a.b"), ("noext", "noext")])
def test_a_page_id_is_the_file_name_without_its_page_suffixes(name, want):
    assert page_id(name) == want


def test_rows_name_files_by_id_or_by_path_from_the_tables_folder(tmp_path):
    (tmp_path / "pages").mkdir()
    by_id = tmp_path / "urls.tsv"
    by_id.write_text("id\turl\tnote\n7\thttps://a.example.vn/tin/7.html\tx\n\n", encoding="utf-8")
    table = read_url_table(by_id)
    assert table.url_of(tmp_path / "pages" / "7.txt") == "https://a.example.vn/tin/7.html"
    assert table.url_of(tmp_path / "pages" / "8.txt") is None
    assert table.unused_line() == ""

    by_path = tmp_path / "urls.csv"
    by_path.write_text("file,url\npages/7.txt,https://b.example.vn/7\npages/9.txt,https://b.example.vn/9\n",
                       encoding="utf-8")
    table = read_url_table(by_path)
    assert table.url_of(tmp_path / "pages" / "7.txt") == "https://b.example.vn/7"
    assert table.url_of(tmp_path / "7.txt") is None  # another file of the same name
    assert table.unused_line() == f"{by_path}: 1 of 2 rows name no page file of the input"


@pytest.mark.parametrize("text, problem", [
    ("", "the URL table is empty"),
    ("name\tlink\na\thttps://x.vn\n", "needs a url column and a file or id column (has: name, link)"),
    ("id\turl\n7\tnot-a-url\n", "line 2: want id and an http(s) URL"),
])
def test_an_unusable_table_is_one_line_naming_it(tmp_path, text, problem):
    path = tmp_path / "urls.tsv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(UrlTableError, match=re.escape(problem)) as exc:
        read_url_table(path)
    assert str(path) in str(exc.value) and "\n" not in str(exc.value)


def page_and_table(tmp_path, table: str):
    """A folder with the text page 41.txt, and a URL table of ``table``'s text."""
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "41.txt").write_text(PAGE, encoding="utf-8")
    urls = tmp_path / "urls.tsv"
    urls.write_text(table, encoding="utf-8")
    return raw, urls


@pytest.mark.slow
def test_a_text_page_takes_its_url_site_and_province_from_the_table(tmp_path):
    raw, urls = page_and_table(tmp_path, "id\turl\n41\thttps://tayninh.dcs.vn/tin/41.html\n")
    out = tmp_path / "out"
    run.extract([raw], out, urls=urls, workers=1)
    got = duckdb.sql(f"select url, site, province from '{out}/articles.parquet'").fetchall()
    assert got == [("https://tayninh.dcs.vn/tin/41.html", "tayninh.dcs.vn", "Tây Ninh")]

    # a new URL for an unchanged file: the page is processed again
    urls.write_text("id\turl\n41\thttps://www.baolongan.vn/tin/41.html\n", encoding="utf-8")
    summary = run.extract([raw], out, urls=urls, workers=1)
    assert summary.processed == 1
    got = duckdb.sql(f"select site, province from '{out}/articles.parquet'").fetchall()
    assert got == [("baolongan.vn", "Long An")]

    # the same table again: nothing to do
    assert run.extract([raw], out, urls=urls, workers=1).processed == 0


def test_the_cli_refuses_an_unusable_table_before_reading_pages(tmp_path):
    raw, urls = page_and_table(tmp_path, "id\tlink\n41\thttps://x.vn\n")
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "extract", str(raw), "--out", str(tmp_path / "out"),
                           "--urls", str(urls)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [
        f"usage error: {urls}: the URL table's header needs a url column and a file or id column (has: id, link)"]
    assert not (tmp_path / "out" / "articles.parquet").exists()
