"""Enumerated solution lists: table-driven per marker family, negatives beside positives."""
from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.extract.solutions import find_solution_lists


def lists_of(rows: list[dict]) -> list[list[dict]]:
    out: dict[int, list[dict]] = {}
    for r in rows:
        out.setdefault(r["list_id"], []).append(r)
    return [out[k] for k in sorted(out)]


def marked(rows: list[dict]) -> list[list[dict]]:
    return [lst for lst in lists_of(rows) if not lst[0]["unmarked"]]


def assert_exact(text: str, rows: list[dict]) -> None:
    for r in rows:
        assert 0 <= r["start"] < r["end"] <= len(text)
        assert text[r["start"]:r["end"]] == r["text"]


# ---------------------------------------------------------------- one case per marker family

FAMILY_CASES = [
    pytest.param(
        "Để nâng cao chất lượng sinh hoạt chi bộ, thời gian tới Đảng ủy xã đề ra các giải pháp sau:\n"
        "Thứ nhất, tăng cường công tác giáo dục chính trị, tư tưởng cho đảng viên.\n"
        "Thứ hai, đổi mới nội dung và hình thức sinh hoạt định kỳ.\n"
        "Thứ ba, làm tốt công tác kiểm tra, giám sát đảng viên.\n",
        ["Thứ nhất", "Thứ hai", "Thứ ba"],
        ["tăng cường công tác", "đổi mới nội dung", "làm tốt công tác"],
        "solution",
        id="thu",
    ),
    pytest.param(
        "Thời gian qua, chi bộ thôn Đồng Tâm đã triển khai một số cách làm:\n"
        "Một là, duy trì sinh hoạt chi bộ vào ngày mùng 5 hằng tháng.\n"
        "Hai là, phân công đảng viên phụ trách từng hộ gia đình.\n"
        "Ba là, công khai kết quả thực hiện nghị quyết tại nhà văn hóa thôn.\n",
        ["Một là", "Hai là", "Ba là"],
        ["duy trì sinh hoạt", "phân công đảng viên", "công khai kết quả"],
        "measure",
        id="la",
    ),
    pytest.param(
        "Ban Thường vụ Huyện ủy yêu cầu các tổ chức đảng thực hiện tốt những nội dung sau:\n"
        "1. Rà soát, bổ sung quy hoạch cấp ủy nhiệm kỳ tới.\n"
        "2. Kiện toàn đội ngũ bí thư chi bộ ở các thôn, khu phố.\n",
        ["1.", "2."],
        ["Rà soát, bổ sung", "Kiện toàn đội ngũ"],
        "solution",
        id="number-dot",
    ),
    pytest.param(
        "Đảng ủy phường cần tập trung vào các nhiệm vụ sau:\n"
        "1) Nắm chắc tình hình tư tưởng của đảng viên và Nhân dân;\n"
        "2) Giải quyết dứt điểm các đơn thư kiến nghị;\n"
        "3) Chuẩn bị tốt đại hội chi bộ.\n",
        ["1)", "2)", "3)"],
        ["Nắm chắc tình hình", "Giải quyết dứt điểm", "Chuẩn bị tốt"],
        "solution",
        id="number-paren",
    ),
    pytest.param(
        "Ban Chỉ đạo đề nghị các chi bộ trực thuộc tập trung làm tốt các việc sau:\n"
        "(1) Rà soát danh sách đảng viên miễn sinh hoạt, đề nghị cấp trên xem xét;\n"
        "(2) Hoàn thành thu, nộp đảng phí quý IV trước ngày 15/12;\n"
        "(3) Chuẩn bị nội dung sinh hoạt chuyên đề tháng Giêng.\n",
        ["(1)", "(2)", "(3)"],
        ["Rà soát danh sách", "Hoàn thành thu", "Chuẩn bị nội dung"],
        "solution",
        id="paren-number",
    ),
    pytest.param(
        "Ủy ban Kiểm tra Huyện ủy kiến nghị Ban Thường vụ mấy vấn đề sau:\n"
        "(a) Chỉ đạo chi bộ khắc phục ngay những thiếu sót trong quản lý đảng viên.\n"
        "(b) Bổ sung quy chế phối hợp với Mặt trận Tổ quốc xã.\n",
        ["(a)", "(b)"],
        ["Chỉ đạo chi bộ", "Bổ sung quy chế"],
        "solution",
        id="paren-letter",
    ),
    pytest.param(
        "Năm 2025, Đảng ủy thị trấn xác định ba nhiệm vụ trọng tâm sau:\n"
        "I. Nâng cao chất lượng sinh hoạt chi bộ, trọng tâm là sinh hoạt chuyên đề.\n"
        "II. Đẩy mạnh công tác phát triển đảng viên ở các tổ dân phố.\n"
        "III. Tăng cường kiểm tra, giám sát việc thực hiện quy chế dân chủ ở cơ sở.\n",
        ["I.", "II.", "III."],
        ["Nâng cao chất lượng", "Đẩy mạnh công tác", "Tăng cường kiểm tra"],
        "solution",
        id="roman-tasks",
    ),
    pytest.param(
        "Kế hoạch xác định các nhiệm vụ cụ thể như sau:\n"
        "a) Tổ chức học tập chuyên đề năm cho toàn thể đảng viên;\n"
        "b) Đánh giá, xếp loại chi bộ cuối năm đúng thực chất.\n",
        ["a)", "b)"],
        ["Tổ chức học tập", "Đánh giá, xếp loại"],
        "solution",
        id="letter-paren",
    ),
    pytest.param(
        "Hướng dẫn nêu các bước chuẩn bị sau:\n"
        "a. Chi ủy họp thống nhất nội dung trước ngày sinh hoạt.\n"
        "b. Bí thư chi bộ phân công người ghi biên bản.\n"
        "c. Thông báo cho đảng viên trước ba ngày.\n",
        ["a.", "b.", "c."],
        ["Chi ủy họp", "Bí thư chi bộ", "Thông báo cho"],
        "solution",
        id="letter-dot",
    ),
    pytest.param(
        "Kế hoạch đặt ra các nội dung sau:\n"
        "(i) Rà soát hồ sơ đảng viên ở các chi bộ;\n"
        "(ii) Kiện toàn cấp ủy cơ sở;\n"
        "(iii) Tổ chức thực hiện.\n",
        ["(i)", "(ii)", "(iii)"],
        ["Rà soát hồ sơ", "Kiện toàn cấp ủy", "Tổ chức thực hiện"],
        "solution",
        id="paren-roman",
    ),
    pytest.param(
        "Tuy nhiên, công tác phát triển đảng viên ở xã vẫn còn một số hạn chế:\n"
        "- Nguồn kết nạp trong thanh niên còn ít.\n"
        "- Một số chi bộ chưa chủ động bồi dưỡng quần chúng ưu tú.\n",
        ["-", "-"],
        ["Nguồn kết nạp", "Một số chi bộ"],
        "limitation",
        id="dash",
    ),
    pytest.param(
        "Trong năm, Đảng ủy đã chỉ đạo thực hiện các nội dung:\n"
        "+ Sinh hoạt chuyên đề về học tập và làm theo gương Bác.\n"
        "+ Kiểm tra chéo sổ sách của các chi bộ.\n",
        ["+", "+"],
        ["Sinh hoạt chuyên đề", "Kiểm tra chéo"],
        "measure",
        id="plus",
    ),
    pytest.param(
        "Chi bộ thống nhất đề xuất với Đảng ủy cấp trên:\n"
        "• Bổ sung kinh phí hoạt động cho chi bộ thôn.\n"
        "• Tổ chức tập huấn nghiệp vụ cho bí thư chi bộ mới.\n",
        ["•", "•"],
        ["Bổ sung kinh phí", "Tổ chức tập huấn"],
        "solution",
        id="bullet",
    ),
]


@pytest.mark.parametrize("text,markers,starts,kind", FAMILY_CASES)
def test_marker_family(text, markers, starts, kind):
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    lists = marked(rows)
    assert len(lists) == 1
    lst = lists[0]
    assert [r["marker"] for r in lst] == markers
    assert [r["item_index"] for r in lst] == list(range(len(markers)))
    for r, start in zip(lst, starts):
        assert r["text"].startswith(start)
    assert lst[0]["kind"] == kind
    assert lst[0]["lead"] == text.split("\n")[0]
    assert all(r["unmarked"] is False for r in lst)


KIND_CASES = [
    ("Để làm tốt công tác phát triển đảng viên, trong thời gian tới Đảng ủy xã cần thực hiện các giải pháp sau:",
     "solution"),
    ("Thực hiện Nghị quyết của Trung ương về xây dựng Đảng trong giai đoạn mới, chi bộ đã triển khai nhiều cách làm:",
     "measure"),
    ("Những việc làm nổi bật của Đảng bộ phường trong năm 2022 gồm:", "measure"),
    ("Bên cạnh kết quả đạt được, công tác kiểm tra ở cơ sở vẫn còn một số hạn chế sau:", "limitation"),
    ("Nguyên nhân của tình trạng trên có nhiều, trong đó chủ yếu là:", "other"),
    ("Hội nghị thống nhất đề xuất với Tỉnh ủy mấy vấn đề:", "solution"),
    ("Sự suy thoái về tư tưởng chính trị ở một bộ phận đảng viên thể hiện qua các biểu hiện sau:", "limitation"),
    ("Bên cạnh kết quả, công tác quản lý đảng viên vẫn còn những hạn chế cần sớm khắc phục như sau:", "limitation"),
    ("Để khắc phục những tồn tại nêu trên, chi bộ tập trung làm tốt mấy việc:", "solution"),
]


@pytest.mark.parametrize("lead,kind", KIND_CASES)
def test_kind_from_lead(lead, kind):
    text = lead + "\n- Nội dung thứ nhất của danh sách này.\n- Nội dung thứ hai của danh sách này.\n"
    rows = find_solution_lists(text)
    assert len(rows) == 2
    assert rows[0]["kind"] == kind


# ---------------------------------------------------------------- glued markers and separators

LEAD = "Chi bộ đề ra các giải pháp sau:\n"
GLUED_CASES = [
    (LEAD + "Một là,thực hiện tốt việc học nghị quyết.\nHai là, đổi mới sinh hoạt.\n", "Một là", "thực hiện"),
    (LEAD + "Một là, học nghị quyết.\nHai là,các chi bộ họp đúng kỳ.\n", "Hai là", "các chi bộ"),
    (LEAD + "Thứ nhất, học tập.\nThứ hai, rèn luyện.\nThứ ba, kiểm tra.\nThứ tư,chăm lo đời sống.\n",
     "Thứ tư", "chăm lo"),
    (LEAD + "Thứ nhất là, tăng cường giáo dục.\nThứ hai là, kiện toàn tổ chức.\n", "Thứ nhất", "tăng cường"),
    (LEAD + "Thứ nhất: học tập.\nThứ hai: kiện toàn chi ủy.\n", "Thứ hai", "kiện toàn"),
    (LEAD + "Một là: rà soát.\nHai là: đánh giá.\nBa là: đổi mới cách làm.\n", "Ba là", "đổi mới"),
    (LEAD + "1.Tăng cường kiểm tra.\n2.Kiện toàn chi ủy.\n", "1.", "Tăng cường"),
    (LEAD + "1/ Tăng cường kiểm tra.\n2/ Kiện toàn chi ủy.\n", "2/", "Kiện toàn"),
    (LEAD + "a/ Học tập nghị quyết.\nb/ Kiện toàn chi ủy.\n", "b/", "Kiện toàn"),
    (LEAD + "(1)Rà soát đảng viên.\n(2)Kiện toàn chi ủy.\n", "(2)", "Kiện toàn"),
    ("Chi bộ thống nhất:(1)rà soát đảng viên;(2)kiện toàn chi ủy.\n", "(1)", "rà soát"),
    (LEAD + "-Về công tác tư tưởng: nắm tình hình.\n-Về tổ chức: kiện toàn.\n", "-", "Về công tác"),
]


@pytest.mark.parametrize("text,marker,start", GLUED_CASES)
def test_glued_marker(text, marker, start):
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert len(marked(rows)) == 1
    row = next(r for r in rows if r["text"].startswith(start))
    assert row["marker"] == marker


def test_glued_markers_in_one_list():
    text = (
        "Thời gian tới, Đảng bộ sẽ thực hiện các giải pháp sau:\n"
        "Một là,thực hiện tốt công tác giáo dục chính trị cho đảng viên trẻ.\n"
        "Hai là,các chi bộ đổi mới sinh hoạt chuyên đề theo quý.\n"
    )
    rows = find_solution_lists(text)
    assert [(r["marker"], r["text"][:9]) for r in rows] == [("Một là", "thực hiện"), ("Hai là", "các chi b")]


# ---------------------------------------------------------------- structure

def test_item_spans_several_paragraphs_and_stops_at_caption():
    text = (
        "Để làm tốt công tác cán bộ, chi bộ đề xuất một số giải pháp sau đây:\n"
        "Thứ nhất, rà soát quy hoạch cán bộ hằng năm.\n"
        "Việc rà soát phải công khai, dân chủ và đúng quy trình.\n"
        "anh-hoi-nghi.jpg\n"
        "Đồng chí Bí thư Đảng ủy phát biểu tại hội nghị\n"
        "Thứ hai, luân chuyển cán bộ trẻ về cơ sở để rèn luyện.\n"
        "Cán bộ luân chuyển được giao nhiệm vụ cụ thể, có đánh giá sau mỗi năm.\n"
        "Phó Bí thư Thường trực Đảng ủy trao quyết định luân chuyển. (Ảnh: Minh Anh)\n"
        "Tóm lại, công tác cán bộ là khâu then chốt của then chốt./.\n"
    )
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert [r["marker"] for r in rows] == ["Thứ nhất", "Thứ hai"]
    assert rows[0]["text"].endswith("đúng quy trình.")  # second paragraph kept, caption dropped
    assert "jpg" not in rows[0]["text"]
    assert rows[1]["text"].endswith("sau mỗi năm.")  # the last item stops at the caption
    assert rows[0]["summary"] == "rà soát quy hoạch cán bộ hằng năm"


TAIL_CASES = [
    ("Trong công tác kết nạp đảng viên, chi bộ phải coi trọng chất lượng, không chạy theo số lượng.", True),
    ("Với sự quyết tâm của cấp ủy, chất lượng sinh hoạt chi bộ ngày càng được nâng lên rõ rệt.", False),
    ("Tuy nhiên, một số chi bộ vẫn còn lúng túng trong việc chọn nội dung sinh hoạt chuyên đề.", False),
    ("Để thực hiện tốt các nhiệm vụ trên, Đảng ủy sẽ tăng cường kiểm tra, đôn đốc các chi bộ.", False),
    ("Tóm lại, chi bộ mạnh thì đảng bộ mới vững mạnh, Nhân dân mới tin tưởng./.", False),
    ("Bí thư chi bộ phát biểu tại buổi sinh hoạt chuyên đề", False),
    ("Ảnh: Thu Hà", False),
    ("Các nội dung trên được chi bộ triển khai đồng bộ trong cả năm:", False),
]


@pytest.mark.parametrize("after,kept", TAIL_CASES)
def test_last_item_tail(after, kept):
    last = "Thứ hai, nâng cao chất lượng đội ngũ đảng viên, gắn với đánh giá xếp loại cuối năm."
    text = ("Chi bộ đề ra các giải pháp sau:\n"
            "Thứ nhất, đổi mới nội dung sinh hoạt chi bộ.\n" + last + "\n" + after + "\n")
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert len(rows) == 2
    assert rows[-1]["text"].endswith(after) is kept
    if not kept:
        assert rows[-1]["text"] == last[len("Thứ hai, "):]


def test_caption_line_inside_list():
    text = (
        "Trong năm qua, chi bộ đã thực hiện tốt những nội dung như:\n"
        "Một là, duy trì nền nếp sinh hoạt chi bộ định kỳ.\n"
        "hinh1.png\n"
        "\n"
        "Sinh hoạt chi bộ thôn Tân Lập\n"
        "Hai là, tổ chức cho đảng viên đăng ký làm theo gương Bác.\n"
        "Ba là, giới thiệu quần chúng ưu tú cho Đảng xem xét kết nạp.\n"
        "2.png\n"
    )
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert [r["marker"] for r in rows] == ["Một là", "Hai là", "Ba là"]
    assert rows[0]["text"] == "duy trì nền nếp sinh hoạt chi bộ định kỳ."
    assert rows[2]["text"] == "giới thiệu quần chúng ưu tú cho Đảng xem xét kết nạp."
    assert rows[0]["kind"] == "measure"


def test_two_lists_in_one_article():
    text = (
        "Thời gian qua, Đảng bộ đã triển khai các biện pháp như:\n"
        "Một là, ban hành quy chế làm việc mới.\n"
        "Hai là, tổ chức hội thi bí thư chi bộ giỏi.\n"
        "Kết quả, 100% chi bộ hoàn thành tốt nhiệm vụ trong năm qua.\n"
        "Để tiếp tục nâng cao chất lượng, trong thời gian tới Đảng bộ sẽ tập trung các giải pháp sau:\n"
        "Thứ nhất, tăng cường kiểm tra việc thực hiện quy chế.\n"
        "Thứ hai, nhân rộng mô hình chi bộ bốn tốt.\n"
        "Thứ ba, chăm lo bồi dưỡng đội ngũ cấp ủy viên.\n"
    )
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    lists = marked(rows)
    assert [len(lst) for lst in lists] == [2, 3]
    assert [lst[0]["kind"] for lst in lists] == ["measure", "solution"]
    assert [lst[0]["list_id"] for lst in lists] == [0, 1]
    assert lists[1][0]["lead"].startswith("Để tiếp tục nâng cao chất lượng")
    # the first list's last item does not swallow the result paragraph's successor lead
    assert not lists[0][-1]["text"].endswith(":")


def test_dash_headings_before_ordinal_list():
    text = (
        "Từ thực tiễn đơn vị, chi bộ đề xuất một số kinh nghiệm và giải pháp sau đây:\n"
        "- Về mục tiêu: Xây dựng chi bộ trong sạch, vững mạnh, đoàn kết, thống nhất.\n"
        "   - Về giải pháp:\n"
        "Thứ nhất, làm tốt công tác chính trị, tư tưởng.\n"
        "Thứ hai, thực hiện nghiêm nguyên tắc tập trung dân chủ.\n"
    )
    lists = marked(find_solution_lists(text))
    assert len(lists) == 1
    assert [r["marker"] for r in lists[0]] == ["Thứ nhất", "Thứ hai"]
    assert lists[0][0]["lead"].startswith("Từ thực tiễn đơn vị")
    assert lists[0][0]["kind"] == "solution"


def test_inline_list_in_one_paragraph():
    text = (
        "Chi bộ thống nhất các giải pháp sau: thứ nhất, tăng cường giáo dục chính trị; "
        "thứ hai, đổi mới sinh hoạt chi bộ; thứ ba, làm tốt công tác kiểm tra.\n"
    )
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert [r["text"] for r in rows] == ["tăng cường giáo dục chính trị", "đổi mới sinh hoạt chi bộ",
                                         "làm tốt công tác kiểm tra."]
    assert rows[0]["lead"] == "Chi bộ thống nhất các giải pháp sau:"


def test_inline_list_without_lead_takes_the_summing_up_sentence():
    text = (
        "Một là, chi ủy chuẩn bị kỹ nội dung trước mỗi kỳ sinh hoạt. Hai là, mỗi đảng viên được giao "
        "một việc cụ thể. Ba là, cuối năm đánh giá đảng viên bằng sản phẩm. Đó là những kinh nghiệm "
        "mà chi bộ khu phố 3 rút ra sau hai năm thực hiện.\n"
    )
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert [r["marker"] for r in rows] == ["Một là", "Hai là", "Ba là"]
    assert rows[-1]["text"] == "cuối năm đánh giá đảng viên bằng sản phẩm."  # not the summing-up sentence
    assert rows[0]["lead"].startswith("Đó là những kinh nghiệm")


def test_nested_letters_inside_numbers():
    text = (
        "Đảng ủy yêu cầu các chi bộ thực hiện:\n"
        "1. Nâng cao chất lượng sinh hoạt chi bộ, cụ thể:\n"
        "a) Sinh hoạt định kỳ đúng ngày quy định;\n"
        "b) Sinh hoạt chuyên đề mỗi quý một lần.\n"
        "2. Làm tốt công tác phát triển đảng viên.\n"
    )
    lists = marked(find_solution_lists(text))
    assert [[r["marker"] for r in lst] for lst in lists] == [["1.", "2."], ["a)", "b)"]]
    assert "a) Sinh hoạt" in lists[0][0]["text"]


def test_plus_sub_items_under_dash_items():
    text = (
        "Năm 2024, Đảng ủy xã tập trung vào các nhiệm vụ sau:\n"
        "- Về công tác chính trị, tư tưởng:\n"
        "+ Tổ chức học tập chuyên đề năm cho cán bộ, đảng viên.\n"
        "+ Nắm chắc tình hình dư luận xã hội ở các thôn.\n"
        "- Về công tác tổ chức: rà soát, kiện toàn chi ủy các chi bộ thôn.\n"
        "- Về công tác kiểm tra: giám sát việc thực hiện quy chế dân chủ.\n"
    )
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    lists = marked(rows)
    assert [[r["marker"] for r in lst] for lst in lists] == [["-", "-", "-"], ["+", "+"]]
    dash, plus = lists
    assert plus[0]["lead"] == "Về công tác chính trị, tư tưởng:"
    assert dash[0]["lead"] == "Năm 2024, Đảng ủy xã tập trung vào các nhiệm vụ sau:"
    assert dash[0]["text"].endswith("dư luận xã hội ở các thôn.")  # the sub-items stay in their item
    assert [r["text"][:20] for r in dash[1:]] == ["Về công tác tổ chức:", "Về công tác kiểm tra"]


# ---------------------------------------------------------------- parenthesised numbers and footnotes

PAREN_LISTS = [
    pytest.param(
        "Kết luận buổi làm việc, đồng chí Phó Bí thư Tỉnh ủy yêu cầu Đảng ủy xã trong năm 2025 tập trung: "
        "(1) kiện toàn ngay chi ủy các thôn sau sáp nhập; (2) duy trì nghiêm sinh hoạt chi bộ định kỳ "
        "theo Hướng dẫn của Ban Tổ chức Tỉnh ủy; (3) phấn đấu kết nạp ít nhất 40 đảng viên mới.\n",
        ["(1)", "(2)", "(3)"],
        ["kiện toàn ngay chi ủy các thôn sau sáp nhập", "duy trì nghiêm sinh hoạt chi bộ định kỳ "
         "theo Hướng dẫn của Ban Tổ chức Tỉnh ủy", "phấn đấu kết nạp ít nhất 40 đảng viên mới."],
        "Kết luận buổi làm việc, đồng chí Phó Bí thư Tỉnh ủy yêu cầu Đảng ủy xã trong năm 2025 tập trung:",
        id="inline-semicolons",
    ),
    pytest.param(
        "Chi bộ thống nhất ba việc cần làm ngay: (1) rà soát hồ sơ đảng viên, (2) thu đảng phí đúng hạn "
        "và (3) đăng ký làm theo gương Bác.\n",
        ["(1)", "(2)", "(3)"],
        ["rà soát hồ sơ đảng viên", "thu đảng phí đúng hạn", "đăng ký làm theo gương Bác."],
        "Chi bộ thống nhất ba việc cần làm ngay:",
        id="inline-commas-va",
    ),
    pytest.param(
        "Hội nghị thống nhất hai nhiệm vụ trọng tâm của quý tới. (1) Rà soát, bổ sung quy hoạch cấp ủy; "
        "(2) Đổi mới cách đánh giá, xếp loại đảng viên.\n",
        ["(1)", "(2)"],
        ["Rà soát, bổ sung quy hoạch cấp ủy", "Đổi mới cách đánh giá, xếp loại đảng viên."],
        "Hội nghị thống nhất hai nhiệm vụ trọng tâm của quý tới.",
        id="after-sentence-end",
    ),
    pytest.param(
        "Các cấp ủy cần làm tốt những việc sau:\n"
        "(1) Quán triệt nghị quyết đến từng đảng viên.\n"
        "Việc quán triệt phải gắn với xây dựng chương trình hành động cụ thể.\n"
        "(2) Phân công cấp ủy viên theo dõi từng chi bộ.\n",
        ["(1)", "(2)"],
        ["Quán triệt nghị quyết đến từng đảng viên.\nViệc quán triệt phải gắn với xây dựng chương trình "
         "hành động cụ thể.", "Phân công cấp ủy viên theo dõi từng chi bộ."],
        "Các cấp ủy cần làm tốt những việc sau:",
        id="line-starts-over-paragraphs",
    ),
]


@pytest.mark.parametrize("text,markers,items,lead", PAREN_LISTS)
def test_parenthesised_numbers(text, markers, items, lead):
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    (lst,) = marked(rows)
    assert [r["marker"] for r in lst] == markers
    assert [r["text"] for r in lst] == items
    assert lst[0]["lead"] == lead
    assert lst[0]["kind"] == "solution"


NOT_PAREN_LISTS = [
    pytest.param("Bác Hồ căn dặn: “Đảng viên đi trước, làng nước theo sau”(1); “Chi bộ tốt thì mọi việc "
                 "sẽ tốt”(2). Lời dạy ấy đến nay vẫn còn nguyên giá trị.\n", id="glued-after-quotes"),
    pytest.param("Chi bộ là hạt nhân lãnh đạo ở cơ sở “bốn tốt” (1); đảng viên phải gương mẫu “nói đi "
                 "đôi với làm” (2). Đó là yêu cầu xuyên suốt.\n", id="spaced-after-quotes"),
    pytest.param("Năm 2023 chi bộ được công nhận trong sạch, vững mạnh.(1) Lời dạy ấy được quán triệt. "
                 "Đảng viên trẻ tiến bộ rõ.(2) Chi bộ tiếp tục phát huy.\n", id="glued-after-period"),
    pytest.param("Chi bộ đạt danh hiệu trong sạch, vững mạnh tiêu biểu (1). Đảng ủy khen thưởng 5 đảng "
                 "viên (2).\n", id="before-period"),
    pytest.param("Chi bộ hoàn thành xuất sắc nhiệm vụ ba năm liền (2021 - 2023)(1); đảng viên trẻ được "
                 "giao việc cụ thể(2).\n", id="after-parenthesis"),
    pytest.param(
        "Chủ tịch Hồ Chí Minh dạy: “Đảng viên đi trước, làng nước theo sau”(1). Chi bộ luôn quán triệt "
        "lời dạy ấy, năm 2023 được công nhận hoàn thành xuất sắc nhiệm vụ(2).\n"
        "Mỗi đảng viên trẻ rèn luyện tốt hôm nay sẽ là cán bộ kế cận vững vàng mai sau./.\n"
        "Lê Minh\n"
        "------------------\n"
        "(1) Câu nói của Chủ tịch Hồ Chí Minh được Nhân dân truyền tụng.\n"
        "(2) Theo báo cáo tổng kết năm 2023 của chi bộ.\n",
        id="footnote-block",
    ),
    pytest.param(
        "Bác dạy: “Đảng viên đi trước, làng nước theo sau”(1). Chi bộ được công nhận trong sạch, vững "
        "mạnh tiêu biểu năm 2023(2).\n"
        "Nguyễn Thu Hà\n"
        "(1) Câu nói của Chủ tịch Hồ Chí Minh được Nhân dân truyền tụng.\n"
        "(2) Theo báo cáo tổng kết năm 2023 của Đảng ủy.\n",
        id="footnote-block-cited-numbers",
    ),
    pytest.param("Kế hoạch giao nhiệm vụ theo các điểm (1), (2) và (3) của Hướng dẫn số 12.\n",
                 id="cited-points-without-first"),
    pytest.param("Thực hiện các mục: (1), (2) và (3) của Kế hoạch.\n", id="cited-points-after-colon"),
    pytest.param("Bình luận (0) | Gửi bình luận\n", id="comment-counter"),
]


@pytest.mark.parametrize("text", NOT_PAREN_LISTS)
def test_parenthesised_numbers_that_are_not_lists(text):
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert marked(rows) == []


def test_footnote_block_beside_a_real_list():
    text = (
        "Bác dạy: “Chi bộ tốt thì mọi việc sẽ tốt”(1). Thời gian tới, chi bộ tập trung: (1) đổi mới "
        "sinh hoạt; (2) chăm lo phát triển đảng viên.\n"
        "------------------\n"
        "(1) Hồ Chí Minh, Toàn tập.\n"
        "(2) Theo báo cáo của chi bộ.\n"
    )
    lists = marked(find_solution_lists(text))
    assert [[r["text"] for r in lst] for lst in lists] == [["đổi mới sinh hoạt", "chăm lo phát triển đảng viên."]]


# ---------------------------------------------------------------- roman numerals

def test_roman_headings_are_not_items():
    text = (
        "I. KẾT QUẢ ĐẠT ĐƯỢC\n"
        "Năm 2024, Đảng bộ xã kết nạp 25 đảng viên, 100% chi bộ hoàn thành nhiệm vụ.\n"
        "II. PHƯƠNG HƯỚNG, NHIỆM VỤ NĂM 2025\n"
        "Đảng bộ tiếp tục nâng cao chất lượng sinh hoạt chi bộ, chú trọng đảng viên trẻ.\n"
    )
    assert marked(find_solution_lists(text)) == []


def test_roman_headings_after_a_colon_lead_are_not_items():
    text = (
        "Báo cáo chính trị trình đại hội gồm hai phần:\n"
        "I. Kết quả thực hiện Nghị quyết Đại hội nhiệm kỳ 2020 - 2025\n"
        "Đảng bộ đã lãnh đạo hoàn thành và vượt 15/18 chỉ tiêu nghị quyết đề ra.\n"
        "II. Phương hướng, mục tiêu nhiệm kỳ 2025 - 2030\n"
        "Đảng bộ xác định xây dựng Đảng là nhiệm vụ then chốt, phát triển kinh tế là trọng tâm.\n"
    )
    assert marked(find_solution_lists(text)) == []


def test_roman_sentence_items_without_a_colon_lead_are_not_a_list():
    text = (
        "Đảng ủy họp phiên thường kỳ tháng 3.\n"
        "I. Đánh giá tình hình thực hiện nhiệm vụ quý I đạt nhiều kết quả tích cực.\n"
        "II. Thông qua kế hoạch kiểm tra, giám sát năm 2025 của Ủy ban Kiểm tra.\n"
    )
    assert marked(find_solution_lists(text)) == []


def test_terse_roman_items_after_a_colon_lead():
    text = (
        "Hội nghị thống nhất các nhiệm vụ trọng tâm sau:\n"
        "I. Nâng cao chất lượng sinh hoạt chi bộ\n"
        "II. Đẩy mạnh kết nạp đảng viên trong thanh niên\n"
        "III. Tăng cường kiểm tra, giám sát\n"
        "Hội nghị bế mạc lúc 11 giờ cùng ngày.\n"
    )
    (lst,) = marked(find_solution_lists(text))
    assert [r["marker"] for r in lst] == ["I.", "II.", "III."]
    assert lst[-1]["text"] == "Tăng cường kiểm tra, giám sát"


def test_numbered_lists_under_roman_headings():
    text = (
        "I. KẾT QUẢ NĂM 2024\n"
        "1. Công tác giáo dục chính trị, tư tưởng được quan tâm thực hiện.\n"
        "2. Công tác tổ chức, cán bộ có nhiều chuyển biến tích cực.\n"
        "II. Phương hướng, nhiệm vụ năm 2025\n"
        "1. Tiếp tục đổi mới nội dung, hình thức sinh hoạt chi bộ.\n"
        "2. Làm tốt công tác phát triển đảng viên.\n"
    )
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    lists = marked(rows)
    assert [[r["marker"] for r in lst] for lst in lists] == [["1.", "2."], ["1.", "2."]]
    assert lists[0][-1]["text"].endswith("chuyển biến tích cực.")  # the heading is not its tail
    assert lists[1][0]["lead"] == "Phương hướng, nhiệm vụ năm 2025"
    assert lists[1][0]["kind"] == "solution"


# ---------------------------------------------------------------- other Vietnamese enumerations

def test_mot_la_with_colon():
    text = (
        "Thời gian tới, chi bộ tập trung thực hiện các giải pháp:\n"
        "Một là: giữ nghiêm kỷ luật sinh hoạt chi bộ.\n"
        "Hai là: phân công đảng viên phụ trách hộ gia đình.\n"
    )
    (lst,) = marked(find_solution_lists(text))
    assert [(r["marker"], r["text"][:7]) for r in lst] == [("Một là", "giữ ngh"), ("Hai là", "phân cô")]


def test_thu_nhat_la_after_punctuation_is_a_list():
    text = ("Theo đồng chí Bí thư, chi bộ cần chú ý hai điều: thứ nhất là giữ nghiêm nền nếp sinh hoạt; "
            "thứ hai là phát huy vai trò nêu gương của đảng viên.\n")
    (lst,) = marked(find_solution_lists(text))
    assert [r["text"] for r in lst] == ["giữ nghiêm nền nếp sinh hoạt",
                                        "phát huy vai trò nêu gương của đảng viên."]


NOT_MARKED = [
    pytest.param("Nguyên nhân thứ nhất là do nhận thức của một số cấp ủy chưa đầy đủ; nguyên nhân thứ "
                 "hai là do công tác kiểm tra chưa thường xuyên.\n", id="noun-thu-nhat-la"),
    pytest.param("Đây là lần thứ nhất là chi bộ tổ chức hội thi, lần thứ hai là năm 2024.\n",
                 id="lan-thu-nhat"),
    pytest.param("Một là: chi bộ đã có nghị quyết chuyên đề về công tác này từ năm ngoái.\n"
                 "Đảng ủy đánh giá cao cách làm của chi bộ.\n", id="mot-la-colon-once"),
    pytest.param(
        "Để nâng cao chất lượng sinh hoạt chi bộ, trước hết cấp ủy phải chuẩn bị kỹ nội dung. Bên cạnh "
        "đó, cần phát huy dân chủ trong sinh hoạt. Cuối cùng, phải kiểm tra việc thực hiện nghị quyết.\n",
        id="truoc-het-inline",
    ),
    pytest.param(
        "Để nâng cao chất lượng sinh hoạt chi bộ, chi bộ thôn Bình An đã rút ra mấy kinh nghiệm.\n"
        "Trước hết, chi ủy phải chuẩn bị kỹ nội dung, gửi trước cho đảng viên nghiên cứu.\n"
        "Bên cạnh đó, cần phát huy dân chủ, để mỗi đảng viên được nói thẳng, nói thật.\n"
        "Cuối cùng, phải kiểm tra, đôn đốc việc thực hiện nghị quyết sau mỗi kỳ sinh hoạt.\n",
        id="truoc-het-paragraphs",
    ),
    pytest.param(
        "Trước tiên, chi bộ rà soát đảng viên. Thứ hai, chi bộ đánh giá chất lượng sinh hoạt.\n",
        id="truoc-tien-then-thu-hai",
    ),
]


@pytest.mark.parametrize("text", NOT_MARKED)
def test_enumerations_that_are_not_marked_lists(text):
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert marked(rows) == []


# ---------------------------------------------------------------- negatives: not a list

NOT_A_LIST = [
    pytest.param("Hội nghị diễn ra sáng nay. Thứ nhất, tôi xin cảm ơn các đồng chí đã về dự. "
                 "Hội nghị kết thúc lúc 11 giờ cùng ngày.\n", id="thu-nhat-once-inline"),
    pytest.param("Thứ nhất, đây là lần đầu tiên xã tổ chức hội thi bí thư chi bộ giỏi.\n"
                 "Cuộc thi thu hút 20 thí sinh tham gia.\n", id="thu-nhat-once-paragraph"),
    pytest.param("Một là thành viên tích cực, anh luôn đi đầu trong các phong trào của thôn.\n"
                 "Năm 2023, anh được kết nạp vào Đảng.\n", id="mot-la-once"),
    pytest.param("Thứ Hai, ngày 05/6/2023 - 08:15\nThứ Ba, ngày 06/6/2023 - 09:00\n", id="weekdays"),
    pytest.param("Thứ hai, chi bộ tổ chức sinh hoạt chuyên đề.\nThứ ba, Đảng ủy họp giao ban.\n",
                 id="no-first-ordinal"),
    pytest.param("hinh1.png\nQuang cảnh hội nghị\n2.png\nĐại biểu dự hội nghị\n", id="image-lines"),
    pytest.param("TÀI LIỆU THAM KHẢO\n- Báo cáo tổng kết năm 2022 của Đảng ủy xã\n"
                 "- Văn kiện Đại hội Đảng bộ huyện lần thứ XX\n", id="dash-without-lead"),
    pytest.param("Thống kê truy cập\n  • Đang online: 12\n  • Hôm nay: 305\n", id="bullet-menu"),
    pytest.param("Đảng bộ hiện có 1.250 đảng viên.\n2.500 hội viên tham gia phong trào.\n", id="numbers"),
    pytest.param("", id="empty"),
]


@pytest.mark.parametrize("text", NOT_A_LIST)
def test_not_a_list(text):
    assert marked(find_solution_lists(text)) == []


# ---------------------------------------------------------------- unmarked task sections

def test_unmarked_task_paragraphs():
    text = (
        "Hội nghị đánh giá công tác năm qua có nhiều chuyển biến.\n"
        "Để tiếp tục nâng cao năng lực lãnh đạo của tổ chức cơ sở đảng, các cấp ủy phải quán triệt "
        "sâu sắc nghị quyết của Trung ương.\n"
        "Tăng cường công tác kiểm tra, giám sát, kịp thời chấn chỉnh những biểu hiện vi phạm.\n"
        "Củng cố, kiện toàn các chi bộ yếu kém, phân công cấp ủy viên trực tiếp phụ trách.\n"
        "Các chi bộ cần đổi mới nội dung sinh hoạt, gắn với nhiệm vụ chính trị của địa phương.\n"
        "Nguyễn Hà\n"
    )
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    assert marked(rows) == []
    (lst,) = lists_of(rows)
    assert all(r["unmarked"] is True and r["marker"] is None for r in lst)
    assert [r["text"][:9] for r in lst] == ["Tăng cườn", "Củng cố, ", "Các chi b"]
    assert lst[0]["kind"] == "solution"
    assert lst[0]["lead"].startswith("Để tiếp tục nâng cao")


def test_single_task_paragraph_is_no_list():
    text = (
        "Để tiếp tục thực hiện tốt nghị quyết, các cấp ủy cần quan tâm hơn nữa.\n"
        "Tăng cường công tác kiểm tra, giám sát, kịp thời chấn chỉnh những biểu hiện vi phạm.\n"
        "Hội nghị bế mạc vào lúc 16 giờ cùng ngày.\n"
    )
    assert find_solution_lists(text) == []


# ---------------------------------------------------------------- properties

PIECES = st.sampled_from([
    "Thứ nhất, ", "Thứ hai,", "Thứ ba: ", "Một là,", "Hai là ", "Ba là, ", "1. ", "2)", "a) ", "b.", "- ",
    "+ ", "• ", "\n", "\n\n", ": ", ". ", "; ", "sau:", "giải pháp ", "thời gian qua ", "còn hạn chế ",
    "Để tiếp tục ", "phải ", "Tăng cường ", "anh.png", "(Ảnh: A)", "./.", "  ", "chi bộ", "Đ", "x" * 45,
    "(1) ", "(2)", "(3) ", "(a) ", "(b)", "”(1)", ", ", " và ", "I. ", "II. ", "III.", "KẾT QUẢ", "-----\n",
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join)))
def test_never_raises_and_spans_are_exact(text):
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    for lst in lists_of(rows):
        assert [r["item_index"] for r in lst] == list(range(len(lst)))
        assert len(lst) >= 2 or not text[lst[0]["end"]:].strip()  # one item: a cut text
        for a, b in zip(lst, lst[1:]):
            assert a["end"] <= b["start"]
        assert lst[0]["kind"] in {"solution", "measure", "limitation", "other"}


# ---------------------------------------------------------------- the spaCy component

def test_component_through_nlp():
    pytest.importorskip("underthesea")
    from pipeline.nlp import annotate, build_nlp

    nlp = build_nlp(components=["solutions"])
    text = (
        "Để nâng cao chất lượng đảng viên, trong thời gian tới chi bộ sẽ thực hiện các giải pháp sau:\n"
        "Thứ nhất, tăng cường quản lý đảng viên nơi cư trú. Việc này giao cho chi ủy.\n"
        "Thứ hai,đổi mới công tác đánh giá, xếp loại đảng viên cuối năm.\n"
    )
    doc = annotate(nlp, text, {"article_id": "x"})
    rows = doc._.rows["solutions"]
    assert_exact(text, rows)
    assert [r["marker"] for r in rows] == ["Thứ nhất", "Thứ hai"]
    assert rows[0]["summary"] == "tăng cường quản lý đảng viên nơi cư trú"
    assert rows[0]["kind"] == "solution"
    assert rows[0]["lead"].startswith("Để nâng cao chất lượng đảng viên")


def test_rows_fit_the_schema():
    pa = pytest.importorskip("pyarrow")
    from pipeline.schema import SOLUTIONS

    text = FAMILY_CASES[0].values[0]
    rows = [dict(r, article_id="a1") for r in find_solution_lists(text)]
    table = pa.Table.from_pylist(rows, schema=SOLUTIONS)
    assert table.num_rows == 3


# ---------------------------------------------------------------- the shared gold seeds

SHARED = Path(os.environ.get("SHARED_DIR", Path(__file__).resolve().parents[2] / ".." / "shared"))


def _gold_cases():
    gold_dir, seed_dir = SHARED / "gold", SHARED / "seeds"
    if not gold_dir.is_dir() or not seed_dir.is_dir():
        return []
    return sorted(p.stem for p in gold_dir.glob("*.json"))


@pytest.mark.parametrize("name", _gold_cases() or [pytest.param("none", marks=pytest.mark.skip("no shared gold"))])
def test_gold_seed_lists(name):
    seed = SHARED / "seeds" / f"{name}.txt"
    if not seed.exists():
        pytest.skip("seed text absent")
    text = unicodedata.normalize("NFC", seed.read_text(encoding="utf-8"))
    gold = json.loads((SHARED / "gold" / f"{name}.json").read_text(encoding="utf-8"))["solution_lists"]
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    lists = marked(rows)
    assert len(lists) == len(gold)
    for gl, lst in zip(gold, lists):
        assert lst[0]["kind"] == gl["kind"]
        assert [r["marker"] for r in lst] == [it["marker"] for it in gl["items"]]
        for r, it in zip(lst, gl["items"]):
            assert r["text"].startswith(it["starts_with"])
        if gl.get("lead"):
            assert lst[0]["lead"].startswith(gl["lead"])


@pytest.mark.parametrize("text", [
    pytest.param("Ban Thường vụ Huyện ủy quyết định:\n- Căn cứ Điều lệ Đảng;\n"
                 "- Căn cứ Quy chế làm việc của Huyện ủy;\n- Xét đề nghị của Ban Tổ chức,\n", id="grounds"),
    pytest.param("Danh sách khen thưởng gồm:\n1. Đ/c Lê Văn An, Bí thư chi bộ.\n"
                 "2. Đ/c Phạm Thị Bình, Phó Bí thư.\n3. Đồng chí Hồ Minh Châu, đảng viên.\n", id="people"),
])
def test_not_a_solution_list(text):
    assert find_solution_lists(text) == []


def test_first_item_of_a_cut_text_is_a_list():
    rows = find_solution_lists("Bài viết nêu hai yêu cầu.\nMột là, cấp ủy phải nắm chắc tình hình cơ sở")
    assert [(r["marker"], r["text"][:6]) for r in rows] == [("Một là", "cấp ủy")]


def test_lone_first_item_before_more_text_is_no_list():
    assert find_solution_lists("Một là, cấp ủy phải nắm chắc tình hình.\nĐoạn sau bàn việc khác.") == []


def test_short_first_heading_of_a_cut_text_is_no_list():
    assert find_solution_lists("Tóm tắt bài viết.\n1. Mở đầu\nTrong những năm gần đây, chi bộ đã chú trọng") == []
