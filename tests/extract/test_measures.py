"""The measure of a count, from its qualifier: one row per shape."""
import pytest

from pipeline.extract.measures import DEFAULT_MEASURE, measure_of, measures

CASES = [
    (None, "membership"),
    ("", "membership"),
    ("nữ", "membership"),
    ("dự bị", "membership"),
    ("trực thuộc Đảng ủy xã", "membership"),
    ("dưới 30 tuổi", "membership"),
    ("kết nạp mới", "admitted"),
    ("kiểm tra", "inspected"),
    ("kiểm tra khi có dấu hiệu vi phạm", "inspected"),
    ("giám sát chuyên đề", "supervised"),
    ("thi hành kỷ luật", "disciplined"),
    ("bị kỷ luật", "disciplined"),
    ("khiển trách", "disciplined"),
    ("cảnh cáo", "disciplined"),
    ("khai trừ", "disciplined"),
    ("xóa tên", "disciplined"),
    ("hoàn thành xuất sắc nhiệm vụ", "graded"),
    ("hoàn thành tốt nhiệm vụ", "graded"),
    ("không hoàn thành nhiệm vụ", "graded"),
    ("trong sạch, vững mạnh", "graded"),
    ("bị tố cáo", "complaints"),
    ("khiếu nại", "complaints"),
    ("thành lập mới", "reorganised"),
    ("giải thể", "reorganised"),
    ("khen thưởng", "awarded"),
    ("huy hiệu Đảng", "awarded"),
    ("tham gia sinh hoạt", "other"),
    ("đăng ký bản cam kết", "other"),
    ("duy trì sinh hoạt định kỳ", "other"),
    ("có vi phạm", "other"),
    ("đình chỉ sinh hoạt", "disciplined"),
    ("được đánh giá", "graded"),
    ("khối doanh nghiệp ngoài nhà nước", "membership"),
    ("thôn, tổ dân phố", "membership"),
]


@pytest.mark.parametrize("qualifier, measure", CASES)
def test_measure_of(qualifier, measure):
    assert measure_of(qualifier) == measure


def test_the_vocabulary_is_small_and_ends_with_the_default():
    assert len(measures()) == len(set(measures())) <= 12
    assert measures()[-1] == DEFAULT_MEASURE


@pytest.mark.parametrize("qualifier, measure", [
    ("tăng", "changed"), ("giảm", "changed"), ("chỉ tiêu", "target"), ("kết nạp mới, % chỉ tiêu", "target"),
    ("tổng số", "membership"), ("đình chỉ sinh hoạt", "disciplined"), ("cho ra khỏi Đảng", "disciplined"),
    ("kỷ luật khiển trách", "disciplined"),
])
def test_measure_of_the_counts_extractors_newer_qualifiers(qualifier, measure):
    assert measure_of(qualifier) == measure


def test_every_row_of_the_table_has_a_measure_and_a_meaning():
    import csv

    from pipeline.extract.measures import MEASURES_CSV

    with open(MEASURES_CSV, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert all(None not in r and r["measure"] and r["meaning"] for r in rows)
