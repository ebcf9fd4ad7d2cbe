"""A main text without one line of running text is navigation, not an article."""
import pytest

from pipeline.clean import navigation_only
from pipeline.run import extract

MENU = "\n".join(["Trang chủ", "Giới thiệu", "Tin tức - Sự kiện", "Xây dựng Đảng", "Văn bản chỉ đạo",
                  "Thư viện ảnh", "Liên hệ", "Sơ đồ cổng thông tin", "Hỏi đáp trực tuyến"] * 4)

CASES = [
    (MENU, True),
    ("Trang chủ Giới thiệu Tin tức Sự kiện Xây dựng Đảng Văn bản Thư viện ảnh Liên hệ Sơ đồ cổng thông tin Hỏi đáp "
     "Tuyên truyền Dân vận Kiểm tra Tổ chức Tuyên giáo Văn phòng Thông báo Lịch công tác", True),
    (MENU + "\nChi bộ thôn Tân Lập tổ chức sinh hoạt chuyên đề về học tập và làm theo tư tưởng của Bác.", False),
    ("Ngày 3/5, Đảng ủy xã tổ chức hội nghị sơ kết, các đại biểu thảo luận, đóng góp ý kiến vào dự thảo báo cáo "
     "chính trị trình đại hội nhiệm kỳ tới", False),
    ("1. Nâng cao chất lượng sinh hoạt chi bộ;\n2. Làm tốt công tác phát triển đảng viên mới;", False),
]


@pytest.mark.parametrize("text, junk", CASES)
def test_navigation_only(text, junk):
    assert navigation_only(text) is junk


def test_two_menu_pages_are_two_clean_errors_not_one_article_and_a_duplicate(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    for name in ("a.txt", "b.txt"):  # two pages of a portal whose articles the dumps missed
        (raw / name).write_text("Cổng thông tin điện tử xã An Phú\n" + MENU + "\n", encoding="utf-8")
    summary = extract([raw], tmp_path / "out", workers=1)
    import pyarrow.parquet as pq

    errors = pq.read_table(tmp_path / "out" / "errors.parquet").to_pylist()
    assert sorted(e["source"].rsplit("/", 1)[-1] for e in errors) == ["a.txt", "b.txt"]
    assert {e["stage"] for e in errors} == {"clean"} and all("menus and links" in e["error"] for e in errors)
    assert pq.read_table(tmp_path / "out" / "articles.parquet").num_rows == 0
    assert pq.read_table(tmp_path / "out" / "duplicates.parquet").num_rows == 0
    assert summary.exit_code == 1
