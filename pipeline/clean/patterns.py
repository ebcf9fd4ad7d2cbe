"""Line patterns of the boilerplate around articles on Vietnamese party sites.

Data, not code: each entry is ``(name, action, regex)``. The cleaner in
``pipeline.clean.text`` classifies every line of a page with the first pattern
that matches (``fullmatch`` unless the pattern starts with ``^`` and has no
``$``, where a prefix match is enough).

Patterns apply to lines of at most ``MAX_PATTERN_LINE`` characters (captions:
``MAX_CAPTION_LINE``): body paragraphs are longer, and a long line is never
boilerplate by its opening words alone. ``meta`` patterns only apply in the
page header, before the first body paragraph.

Actions:
- ``drop``: the line is boilerplate, wherever it stands;
- ``stop``: the article is over: related news, pagination, footers follow;
- ``meta``: a date or view-counter line of the article header (metadata is read
  from it, then it is dropped).
"""
from __future__ import annotations

import re

_F = re.IGNORECASE

LINE_PATTERNS: list[tuple[str, str, str]] = [
    # --- end of the article: what follows is never body text
    ("news_by_date", "stop", r"(các\s+)?tin\s+đã\s+đưa\s+ngày.*|xem\s+tin\s+theo\s+ngày.*"),
    ("related_news", "stop", r"(các\s+|những\s+)?(tin\s+bài|tin|bài)\s+(liên quan|khác|cùng chuyên mục|đã đưa|đã đăng|mới hơn|cũ hơn|xem nhiều|nổi bật|mới)\b.*"),
    ("references", "stop", r"tài liệu tham khảo:?"),
    ("visitor_stats", "stop", r"(thống kê|số lượt|lượt)\s+truy cập.*|số lần xem.*|truy cập hiện tại"),
    ("responsible", "stop", r"chịu trách nhiệm (chính|xuất bản|nội dung).*"),
    ("copyright", "stop", r"(©|bản quyền|copyright).*"),
    ("rule", "stop", r"[-_=*.]{6,}"),
    ("pagination", "stop", r"(\d+\s+){2,}\d*\s*(\.\.\.|…)?\s*(trang\s+(sau|cuối)|»|>>)?\s*"),
    ("listing_total", "stop", r"tổng\s+số\s*:\s*\d+.*"),
    # --- header metadata
    ("posted_at", "meta", r"^(đăng|cập nhật|ngày đăng|ngày cập nhật|thời gian đăng|thời gian|đăng ngày|ngày xuất bản)\s*(lúc)?\s*:?\s*.*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}.*"),
    ("weekday_date", "meta", r"^(thứ\s+(hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,?\s*(ngày\s*)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}.*"),
    ("bare_date", "meta", r"(\d{1,2}:\d{2}(:\d{2})?\s*)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(\s*[-,|]?\s*\d{1,2}:\d{2}(:\d{2})?)?(\s*\(?GMT[+-]\d+\)?)?"),
    ("views", "meta", r"(lượt xem|đã xem|số lượt xem|lượt đọc|views?)\s*:?\s*[\d.,]+|[\d.,]+\s*lượt\s+(xem|đọc)"),
    # --- boilerplate anywhere
    ("welcome_banner", "drop", r"^(nhiệt liệt\s+)?chào mừng\b.*"),
    ("no_title", "drop", r"(no title\.*\s*)+"),
    ("sign_in", "drop", r"sign in|sign out|đăng nhập|đăng ký|đăng xuất|login|tìm kiếm|search"),
    ("online_now", "drop", r"(đang có\s+\d+.*online.*)|(.*khách và (không|\d+) thành viên.*)|(đang\s+)?online\s*:?\s*[\d.,]*|đang truy cập\s*:?\s*[\d.,]*"),
    ("counter", "drop", r"(hôm nay|hôm qua|tuần này|tuần trước|tháng này|tháng trước|trong tuần|trong tháng|năm nay|tất cả|tổng cộng|tổng số lượt)\s*:\s*[\d.,]*"),
    ("bare_number", "drop", r"[\d.,\s]+"),
    ("image_file", "drop", r"\S+\.(png|jpe?g|gif|webp|bmp|svg)"),
    ("caption_photo", "drop", r".{0,300}[(\[]?\s*(ảnh|ảnh minh họa|nguồn ảnh|photo)\s*:\s*[^.]{0,80}[)\]]?\.?"),
    ("contact", "drop", r"^(địa chỉ|điện thoại|đt|tel|fax|email|e-mail|hotline|website|cơ quan chủ quản|cơ quan thường trực|cơ quan trường trực|giấy phép|ghi rõ nguồn)\s*[:.].*"),
    ("share", "drop", r"(chia sẻ|share|in bài|in trang|gửi email|lưu bài|bình luận|phản hồi|ý kiến bạn đọc|tweet|like|facebook|zalo)(\s*[|/]\s*\S+)*\s*:?"),
    ("breadcrumb", "drop", r"(trang chủ|home)\s*([>»/|›]\s*[^>»/|›]+)+"),
    ("menu_pipes", "drop", r"([^|]{1,40}\|){2,}[^|]{0,40}"),
    ("font_size", "drop", r"(cỡ chữ|font).*|[aA]\s*[-+]\s*[aA]\s*[-+]?"),
    # text-to-speech player under the headline: "Nghe bài viết", "00:00 / 04:12", "Tạm dừng"
    ("player_time", "drop", r"[-–]?\s*\d{1,2}:\d{2}(:\d{2})?(\s*/\s*\d{1,2}:\d{2}(:\d{2})?)?"),
    ("player_control", "drop",
     r"((nghe|đọc|phát|tạm dừng|dừng|dừng đọc|tiếp tục|nghe lại|nghe tiếp|bấm để nghe|nhấn để nghe)"
     r"(\s+(bài viết|bài báo|bài|tin bài|tin|audio|âm thanh|nội dung))?"
     r"(\s+(bằng\s+)?giọng\s+\S+(\s+miền\s+\S+)?)?"
     r"|play|pause|stop|giọng\s+(nam|nữ)(\s+miền\s+(bắc|trung|nam))?(\s*[|/]\s*giọng\s+(nam|nữ)(\s+miền\s+(bắc|trung|nam))?)*"
     r"|tốc độ(\s+đọc)?\s*:?\s*[\d.,]*\s*x?)\s*:?"),
]

MAX_PATTERN_LINE = 160
MAX_CAPTION_LINE = 400

COMPILED: list[tuple[str, str, re.Pattern[str]]] = [
    (name, action, re.compile(rx, _F)) for name, action, rx in LINE_PATTERNS
]

# CSS class of the lead paragraph on news sites ("sapo", "detail-sapo", "chapo", "lead").
LEAD_CLASS = re.compile(r"(^|[-_])(sapo|chapo|lead|tom-?tat|summary|intro)($|[-_])", _F)

# Military ranks, academic degrees and callings printed before a byline's name.
NAME_PREFIX = re.compile(
    r"^(?:(?:đại|thượng|trung|thiếu)\s+(?:tướng|tá|úy)|gs\.?\s*ts\.?|pgs\.?\s*ts\.?|gs\.|pgs\.|ts\.?|ths\.?|ncs\.?|nhà báo|luật sư|bác sĩ|bs\.|kts\.|đồng chí|đ/c)\s+",
    _F,
)
# Words before a byline's name: "Đăng bởi Thu Hương", "Tác giả: ...", "Bài: ...".
BYLINE_PREFIX = re.compile(r"^(?:đăng bởi|viết bởi|người đăng|tác giả|người viết|bài|tin|theo)\s*:?\s+", _F)

# A line of the article opening with the agency code "(TUAG)- ", "(ĐCSVN) - ".
SOURCE_PREFIX = re.compile(r"^\s*\((?:[A-ZĐ][A-Za-zĐđ.]{1,14})\)\s*[-–—]+\s*")

# Author signatures: "Học viên: Trần Thị Thủy", "Tác giả: ...", "Bài và ảnh: ...".
SIGNATURE_PREFIX = re.compile(
    r"^\s*(học viên|tác giả|người viết|bài(?:,| và)? ảnh|tin(?:,| và)? ảnh|bài|tin|theo|nguồn|phóng viên|pv|ctv)\s*:\s*(.+?)\s*$",
    _F,
)
# Lines that belong to a signature block under the author.
SIGNATURE_DETAIL = re.compile(
    r"^\s*(lớp|đơn vị( công tác)?|chức vụ|cơ quan|học viên|email|điện thoại)\s*:.*$", _F
)

# A closing byline that ends like a sentence: "Ngọc Ánh (Ban Tuyên giáo Huyện ủy)",
# "Hà Linh - Trung tâm Chính trị huyện." The name must look like a person's name
# (``pipeline.clean.metadata.name_with_unit``); the unit opens with a capital, has at most
# ``MAX_SIGNATURE_UNIT_WORDS`` words and none of ``CLAUSE_WORDS``: a clause is body text.
SIGNATURE_WITH_UNIT = re.compile(
    r"^(?P<name>[^()\-–—,;:!?]{2,60}?)\s*(?:\((?P<paren>[^()]{2,120})\)|\s[-–—]\s+(?P<dash>[^()!?;:]{2,120}?))\s*\.?$"
)
MAX_SIGNATURE_UNIT_WORDS = 8
# Lower-case notes that stand for the unit: "Thu Hà (tổng hợp)", "Minh Khôi (lược dịch)".
SIGNATURE_NOTE = re.compile(r"tổng hợp|t/h|lược dịch|biên dịch|dịch|sưu tầm|biên soạn", _F)
# Lower-case verbs and auxiliaries that make a line a clause, not a unit's name
# (units capitalise their own words: "Ban Tổ chức", "Phòng Công tác đảng").
CLAUSE_WORDS = re.compile(
    r"(?<!\w)(?:là|có|đã|đang|sẽ|được|bị|cần|phải|không|chưa|vẫn|đều|cũng|nói|cho biết|phát biểu"
    r"|thực hiện|tiếp tục|tham gia|đề nghị|yêu cầu|nhấn mạnh|khẳng định|làm|đạt|giúp|góp phần"
    r"|trở thành|mang lại|tặng|trao|gửi|đi|về|đến|từ|khi|nếu|vì|nên|thì|mà)(?!\w)"
)

# Sentence-final punctuation: a line ending so is running text, not a caption.
SENTENCE_END = re.compile(r"""[.!?…:;)"”’'»]\s*(\(\d+\))?\s*$""")
