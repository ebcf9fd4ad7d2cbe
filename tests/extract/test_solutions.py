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
        "other",
        id="letter-dot",
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
])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(st.text(max_size=300), st.lists(PIECES, max_size=40).map("".join)))
def test_never_raises_and_spans_are_exact(text):
    rows = find_solution_lists(text)
    assert_exact(text, rows)
    for lst in lists_of(rows):
        assert [r["item_index"] for r in lst] == list(range(len(lst)))
        assert len(lst) >= 2
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
