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
    ("related_news", "stop", r"(các\s+|những\s+)?(tin\s+bài|bài\s+viết|tin\s+tức|tin|bài)\s+(liên quan|khác|cùng chuyên mục|đã đưa|đã đăng|mới hơn|cũ hơn|xem nhiều|nổi bật|mới)\b.*"),
    ("references", "stop", r"tài liệu tham khảo:?"),
    ("visitor_stats", "stop", r"(thống kê|số lượt|lượt)\s+truy cập.*|số lần xem.*|truy cập hiện tại"),
    ("responsible", "stop", r"chịu trách nhiệm (chính|xuất bản|nội dung).*"),
    ("copyright", "stop", r"(©|bản quyền|copyright).*"),
    ("rule", "stop", r"[-_=*.]{6,}"),
    ("pagination", "stop", r"(\d+\s+){2,}\d*\s*(\.\.\.|…)?\s*(trang\s+(sau|cuối)|»|>>)?\s*"),
    ("listing_total", "stop", r"tổng\s+số\s*:\s*\d+.*"),
    # comment forms, rating widgets and back links under the article
    ("comment_form", "stop",
     r"trả lời|email của bạn sẽ không được hiển thị.*|(gửi|viết|để lại)\s+(bình luận|ý kiến|phản hồi).*"
     r"|bình luận\s*\(\s*\d*\s*\).*|bình luận của bạn.*|ý kiến\s*\(\s*\d*\s*\)|ý kiến của bạn.*|bài viết hay\?.*|(hãy\s+)?đánh giá bài viết.*"
     r"|<+\s*(trở về|quay lại|quay về).*|(trở về|quay lại|quay về)\s+(trang trước|đầu trang)\s*>*"),
    # --- header metadata
    ("posted_at", "meta", r"^(đăng|cập nhật|ngày đăng|ngày cập nhật|thời gian đăng|thời gian|đăng ngày|ngày xuất bản)\s*(lúc)?\s*:?\s*.*\d{1,2}[/.-]\d{1,2}[/.-]\d{4}.*"),
    ("weekday_date", "meta", r"^(thứ\s+(hai|ba|tư|năm|sáu|bảy)|chủ\s+nhật)\s*,?\s*(ngày\s*)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}.*"),
    ("weekday_digit_date", "meta", r"^thứ\s+[2-7]\s*,?\s*(ngày\s*)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}.*"),
    ("bare_date", "meta", r"(\d{1,2}:\d{2}(:\d{2})?\s*)?\d{1,2}[/.-]\d{1,2}[/.-]\d{4}(\s*[-,|]?\s*\d{1,2}:\d{2}(:\d{2})?\s*(SA|CH|AM|PM)?)?(\s*[(\[]?\s*GMT\s*[+-]\s*\d+\s*[)\]]?)?"),
    ("english_date", "meta",
     r"((mon|tues|wednes|thurs|fri|satur|sun)day,?\s*)?(\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+\d{4}"
     r"|(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4})(\s*[-,|]?\s*\d{1,2}:\d{2}.*)?"),
    ("views", "meta", r"(lượt xem|đã xem|số lượt xem|lượt đọc|views?|view count)\s*:?\s*[\d.,]+|[\d.,]+\s*lượt\s+(xem|đọc)"),
    # --- boilerplate anywhere
    ("welcome_banner", "drop", r"^(nhiệt liệt\s+)?chào mừng\b.*"),
    ("no_title", "drop", r"(no title\.*\s*)+"),
    ("sign_in", "drop", r"sign in|sign out|đăng nhập|đăng ký|đăng xuất|login|tìm kiếm|search"),
    ("online_now", "drop", r"(đang có\s+\d+.*online.*)|(.*khách và (không|\d+) thành viên.*)|(đang\s+)?online\s*:?\s*[\d.,]*|đang truy cập\s*:?\s*[\d.,]*"),
    ("counter", "drop", r"[-•]?\s*(hôm nay|hôm qua|tuần này|tuần trước|tháng này|tháng trước|tháng hiện tại|trong tuần|trong tháng|năm nay|tất cả|tổng cộng|tổng số lượt|tổng lượt truy cập|đang truy cập)\s*:?\s*[\d.,]+"),
    ("bare_number", "drop", r"[\d.,\s]+"),
    # "Từ khóa: a; b; c", a pager, a skip link, a site name with its domain
    ("hashtags", "drop", r"#[^#\s][^#]*(#[^#\s][^#]*)+"),
    ("keywords", "drop", r"(từ khóa|từ khoá|tags?|thẻ)\s*:.*"),
    ("pager", "drop", r"you are on page.*|trang\s+\d+\s*(/|trên|of)\s*\d+"),
    ("skip_link", "drop", r"skip to (main )?content\b.*|bỏ qua (nội dung|để đến nội dung).*"),
    ("site_domain", "drop", r"[\w-]+\.(vn|com|net|org|info)(\.vn)?\s+[-–|:]\s+[^.!?]{3,60}"),
    ("source_url", "drop", r"(nguồn|theo)\b[^:]{0,40}:?\s*https?://\S+"),
    ("image_file", "drop", r"\S+\.(png|jpe?g|gif|webp|bmp|svg)"),
    ("caption_photo", "drop", r".{0,300}[(\[]?\s*(ảnh|ảnh minh họa|nguồn ảnh|photo)\s*:\s*([^.]|\.(?=\w)){0,80}[)\]]?\.?"),
    ("caption_source", "drop", r".{10,300}[._(\[]\s*nguồn\s*:\s*[^.\s][^\s]*(\s[^\s.]+){0,8}\s*[)\]]?\.?"),
    ("contact", "drop", r"^(địa chỉ|điện thoại|đt|tel|fax|email|e-mail|hotline|website|cơ quan chủ quản|cơ quan thường trực|cơ quan trường trực|giấy phép|ghi rõ nguồn)\s*[:.].*"),
    ("share_buttons", "drop", r"(chia sẻ|share)\b.{0,120}\b(facebook|twitter|zalo|zing|email|bạn bè|in bài)\b.*"),
    ("share", "drop", r"(chia sẻ|share|in bài|in trang|gửi email|lưu bài|bình luận|phản hồi|ý kiến bạn đọc|tweet|like|facebook|zalo)(\s*[|/]\s*\S+)*\s*:?"),
    ("back_print", "drop", r"(về trang trước|quay lại|trở lại|trở về|về đầu trang|lên đầu trang)(\s+(in trang|in bài( viết)?|bản in|gửi bài|đầu trang))*"),
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
# Boilerplate lines that name the site itself (its publisher, owner or address), which
# often names the province: "Bản quyền thuộc UBND huyện ..., tỉnh ...", "Báo ... - Cơ quan của ...".
SITE_IDENTITY = re.compile(
    r"(?:bản quyền|©|\(c\)|copyright|cơ quan (?:chủ quản|quản lý|chủ trì|của)|địa chỉ|chịu trách nhiệm|giấy phép"
    r"|trang thông tin|cổng thông tin|báo\s|tạp chí|thư viện văn bản)", _F)
MAX_SITE_LINES = 6

MAX_SIGNATURE_UNIT_WORDS = 12  # "Trung tâm Truyền thông và Văn hóa thành phố Hạ Long"
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

# --- text dumps: the shapes of the lines around an article (``pipeline.clean.text``)

# A date stub a crawler printed before the page: "date 2025-09-12 ", "date 2022-11 ".
DATE_STUB = re.compile(r"^date\s+(\d{4})-(\d{2})(?:-(\d{2}))?\b\s*")
# A time and date glued before the first paragraph: "08:15 03/04/2023 Sáng nay, chi bộ ...".
GLUED_DATE = re.compile(r"^(?:\d{1,2}:\d{2}(?::\d{2})?\s+)?(\d{1,2}/\d{1,2}/\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?\s+(?=\S)")
# Buttons glued to the end of a headline: "... giai đoạn mới In trang".
TITLE_TAIL = re.compile(r"\s+(?:In trang|In bài(?: viết)?|Gửi bài|Chia sẻ|Lưu bài)\s*$")
# A date in parentheses after a headline: "... nơi cư trú (14/11/2025)".
TITLE_DATE = re.compile(r"\s*\((\d{1,2}/\d{1,2}/\d{4})\)\s*$")

# Official documents: the header above a party or state document.
DOC_MOTTO = re.compile(
    r"[*\s]*(?:ĐẢNG CỘNG SẢN VIỆT NAM|CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM|CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    r"|Độc lập\s*[-–]\s*Tự do\s*[-–]\s*Hạnh phúc)[*\s]*"
)
DOC_NUMBER = re.compile(r"[*\s]*Số\s*:?(?:\s*[\w.\s]{0,12}[-/]\s*[\w/Đđ.-]{1,30})?\s*|\d{1,5}\s*[-/]\s*[A-ZĐ][\w/Đđ-]{1,30}")
DOC_PLACE_DATE = re.compile(
    r"[*\s]*(?:[^\d,]{0,40},?\s*)?ngày\s*(\d{1,2})?\s*tháng\s*(\d{1,2})\s*năm\s*(\d{4})\s*", re.IGNORECASE
)
DOC_TYPES = (
    "QUYẾT ĐỊNH|HƯỚNG DẪN|QUY ĐỊNH|KẾ HOẠCH|NGHỊ QUYẾT|CHỈ THỊ|KẾT LUẬN|THÔNG BÁO|BÁO CÁO|TỜ TRÌNH"
    "|CÔNG VĂN|CHƯƠNG TRÌNH|ĐỀ ÁN|QUY CHẾ|THÔNG TRI|LỜI KÊU GỌI|NGHỊ ĐỊNH|THÔNG TƯ|PHƯƠNG ÁN|ĐIỀU LỆ"
)
DOC_TYPE_LINE = re.compile(rf"(?:{DOC_TYPES})(?:\s.*)?")
# Lines that open a document's text: "Căn cứ ...", "- Xét đề nghị ...", "Thực hiện ...".
DOC_PREAMBLE = re.compile(r"^[-–•*]?\s*(?:Căn cứ|Thực hiện|Xét|Theo đề nghị|Nhằm|Để|Điều\s+1\b)")
# "T/M BỘ CHÍNH TRỊ", "TM. BAN THƯỜNG VỤ", "K/T BÍ THƯ", "THAY MẶT ĐẢNG ỦY": the signature of a document.
DOC_SIGNATURE = re.compile(r"(?:T/M|TM\.|K/T|KT\.|Q\.|THAY MẶT)\s*[A-ZĐÀ-Ỹ][A-ZĐÀ-Ỹ\s,.-]{2,80}")
DOC_SIGNER_ROLE = re.compile(r"(?:PHÓ\s+)?(?:TỔNG BÍ THƯ|BÍ THƯ|CHỦ NHIỆM|CHỦ TỊCH|TRƯỞNG BAN|THƯỜNG TRỰC|GIÁM ĐỐC|CHÁNH VĂN PHÒNG)[A-ZĐÀ-Ỹ\s]*|\(?(?:Đã ký|đã ký)\)?")

# A section heading that opens the body: "1. Nhận thức về ...", "I. MỞ ĐẦU", "Đặt vấn đề".
SECTION_HEADING = re.compile(r"(?:(?:\d{1,2}|[IVX]{1,5})[.)]\s+\S.{2,120}|(?:chương|mục|phần)\s+[\dIVXLC]{1,6}\b.{0,120}|đặt vấn đề|mở đầu|dẫn nhập|tóm tắt)", re.IGNORECASE)
# Lines that open the body whatever their length: a question, a document's preamble.
BODY_OPENER = re.compile(r"^(?:Hỏi|Câu hỏi|Trả lời)\s*:\s*\S")
# Series markers and rubrics under a headline: "Bài 2: ...", "Kỳ 1: ...".
SERIES_LINE = re.compile(r"(?:bài|kỳ|phần)\s+\d{1,2}\s*[:.–-].*", re.IGNORECASE)
# Banners that frame a page: a slogan with a date range, "Chào mừng ...", "Kỷ niệm ...".
BANNER_DATE_RANGE = re.compile(r"\(\s*\d{1,2}/\d{1,2}/\d{4}\s*[-–]\s*\d{1,2}/\d{1,2}/\d{4}\s*\)?")
BANNER_WORDS = re.compile(r"^(?:chủ đề|chào mừng|kỷ niệm|nhiệt liệt|mừng đảng|mừng xuân)\b", re.IGNORECASE)

# Photo captions printed without a credit: "Quang cảnh hội nghị.", "Ông ..., Phó Cục trưởng ...
# phát biểu khai mạc Diễn đàn." A caption names who does what in one short sentence.
CAPTION_OPENING = re.compile(r"^(?:toàn cảnh|quang cảnh|các đại biểu|đại biểu|ảnh minh họa|ảnh:)\b", re.IGNORECASE)
CAPTION_ACTION = re.compile(
    r"\b(?:phát biểu(?:\s+(?:chỉ đạo|kết luận|khai mạc|bế mạc|tại|tham luận|chúc mừng))?|chủ trì|trao|tặng|"
    r"chụp ảnh|thăm|tham quan|kiểm tra|trao đổi|chúc mừng|gắn huy hiệu|dự)\b"
)
CAPTION_SUBJECT = re.compile(
    r"^(?:ông|bà|đồng chí|đ/c|lãnh đạo|thủ tướng|tổng bí thư|chủ tịch|phó chủ tịch|bí thư|phó bí thư|bộ trưởng|"
    r"thứ trưởng|giám đốc|trưởng ban|phó trưởng ban|cục trưởng|phó cục trưởng)\b",
    re.IGNORECASE,
)
# Initials that sign an article: "TM", "H.H", "PV", "BBT", "N.Mai".
SIGNATURE_INITIALS = re.compile(r"[A-ZĐ]{2,4}|[A-ZĐ]\.\s?[A-ZĐ]\.?|[A-ZĐ]\.\s?[A-ZĐ][a-zà-ỹđ]+(?:\s[A-ZĐ][a-zà-ỹđ]+)?")
# A collaborator's or reporter's tag before a name: "CTV Minh Thái", "PV Hà An".
SIGNATURE_TAG = re.compile(r"^(?:CTV|PV|BTV|Phóng viên|Cộng tác viên)\s+(?=[A-ZĐÀ-Ỹ])")
# A source line at the end: "Theo dangcongsan.vn", "Nguồn: Báo Nhân Dân".
SOURCE_LINE = re.compile(r"(?:theo|nguồn)\s*:?\s+\S.{0,60}", re.IGNORECASE)
# A related article linked between paragraphs: "* Toàn văn phát biểu của ...", "» Xem thêm: ...".
RELATED_LINK = re.compile(r"^(?:[*»►+]\s*|xem thêm\s*:|đọc thêm\s*:|>>\s*)", re.IGNORECASE)
