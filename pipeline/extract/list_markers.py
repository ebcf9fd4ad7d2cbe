"""Enumerated-list markers and cues, as data.

Read by :mod:`pipeline.extract.solutions`. Everything a reader may want to
extend lives here: the marker families (``Thứ nhất``, ``Một là``, ``(1)``,
``1.``, ``a)``, ``(a)``, ``I.``, ``-``, ``+``, ``•``), the words that make a paragraph a photo caption or
a closing paragraph, the verbs that open an unmarked task paragraph and the
weighted cues that give a list its kind.

Patterns assume NFC text. Each family pattern has the named groups ``marker``
(the marker as printed, without the punctuation that follows it), ``key`` (what
orders the items) and ``sep`` (punctuation and space between marker and item).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

# ---------------------------------------------------------------- ordinal words

# "Thứ nhất, ..." family: value -> the words printed after "Thứ"
THU_WORDS: dict[int, tuple[str, ...]] = {
    1: ("nhất",),
    2: ("hai",),
    3: ("ba",),
    4: ("tư", "bốn"),
    5: ("năm",),
    6: ("sáu",),
    7: ("bảy", "bẩy"),
    8: ("tám",),
    9: ("chín",),
    10: ("mười",),
}

# "Một là, ..." family: value -> the cardinal printed before "là"
LA_WORDS: dict[int, tuple[str, ...]] = {
    1: ("một",),
    2: ("hai",),
    3: ("ba",),
    4: ("bốn", "tư"),
    5: ("năm",),
    6: ("sáu",),
    7: ("bảy", "bẩy"),
    8: ("tám",),
    9: ("chín",),
    10: ("mười",),
}

# Letters in Vietnamese order (legal texts: a, b, c, d, đ, e, g, ...) and Latin order;
# an item letter follows the previous one in either order.
LETTERS_VI = "abcdđeghiklmnopqrstuvxy"
LETTERS_LATIN = "abcdefghijklmnopqrstuvwxyz"

# Upper-case roman numerals: value -> the numeral ("I.", "II.", ... "XX.")
ROMAN_WORDS: dict[int, tuple[str, ...]] = {
    v: (r,) for v, r in enumerate(
        "I II III IV V VI VII VIII IX X XI XII XIII XIV XV XVI XVII XVIII XIX XX".split(), start=1)
}


def _alt(words: dict[int, tuple[str, ...]]) -> str:
    flat = sorted({w for ws in words.values() for w in ws}, key=len, reverse=True)
    return "|".join(flat)


def word_value(words: dict[int, tuple[str, ...]], word: str) -> int | None:
    w = word.lower()
    for value, forms in words.items():
        if w in forms:
            return value
    return None


# ---------------------------------------------------------------- marker families


@dataclass(frozen=True)
class Family:
    """One way of numbering list items."""

    name: str
    pattern: str  # matched at a paragraph start, after its leading white space
    sequenced: bool  # items carry an order (1, 2, 3 / a, b, c) and must follow it
    inline: bool = False  # may also start after ". ; :" inside a paragraph
    ignorecase: bool = False
    glue_upper: bool = False  # with no space after the marker, the item must start upper-case
    inline_before: str | None = None  # what may precede an inline marker (default INLINE_BEFORE)
    colon_lead: bool = False  # a list needs a lead ending with ":" (as dash lists do)
    headings: bool = False  # an item that reads as a section heading is no item (see ROMAN_HEADING_MAX_CHARS)
    footnotes: bool = False  # "(1) ..." lines whose numbers were cited earlier are footnotes


# After "Thứ hai," a date or a number means a weekday ("Thứ Hai, ngày 29/3/2021").
_NOT_WEEKDAY = r"(?!\s*(?:ngày|\d))"

# "(1) rà soát ...; (2) thực hiện ..., (3) ...": inside a paragraph a parenthesised
# marker follows ": ; ," (spaces optional), "và"/"hoặc", or a sentence end and at least
# one space. A footnote reference is glued to a word or a closing quote
# ("“...”(1);", "...tốt.(2)") or is followed by punctuation, not by a word, and so is
# never a marker.
PAREN_INLINE_BEFORE = r"(?:(?<=[;:,])[ \t]*|(?<=[.!?…])[ \t]+|(?<=\svà)[ \t]+|(?<=\shoặc)[ \t]+)"

FAMILIES: tuple[Family, ...] = (
    Family(
        "thu",
        rf"(?P<marker>thứ\s+(?P<key>{_alt(THU_WORDS)}))\b"
        rf"(?P<sep>\s*(?:là\s*)?[,:.–-]\s*|\s+là\s*[,:]?\s*){_NOT_WEEKDAY}",
        sequenced=True,
        inline=True,
        ignorecase=True,
    ),
    Family(
        "la",
        rf"(?P<marker>(?P<key>{_alt(LA_WORDS)})\s+là)\b(?P<sep>\s*[,:.–-]\s*|\s+)",
        sequenced=True,
        inline=True,
        ignorecase=True,
    ),
    Family(
        "paren_number",
        r"(?P<marker>\((?P<key>\d{1,2})\))(?P<sep>\s*)(?=[^\W\d_])",
        sequenced=True,
        inline=True,
        inline_before=PAREN_INLINE_BEFORE,
        footnotes=True,
    ),
    # "(i) ...; (ii) ...; (iii) ...": lower-case roman numerals in brackets (before
    # the letters, so "(i)" opens a roman chain).
    Family(
        "paren_roman",
        r"(?P<marker>\((?P<key>xx|x{0,1}(?:ix|iv|v?i{0,3}))\))(?P<sep>\s*)(?=[^\W\d_])",
        sequenced=True,
        inline=True,
        inline_before=PAREN_INLINE_BEFORE,
    ),
    Family(
        "paren_letter",
        r"(?P<marker>\((?P<key>[a-zđ])\))(?P<sep>\s*)(?=[^\W\d_])",
        sequenced=True,
        inline=True,
        inline_before=PAREN_INLINE_BEFORE,
    ),
    Family(
        "number_paren",
        r"(?P<marker>(?P<key>\d{1,2})\))(?P<sep>\s*)(?=\w)",
        sequenced=True,
        inline=True,
    ),
    Family(
        "number",
        r"(?P<marker>(?P<key>\d{1,2})[.\-–/])(?P<sep>\s*)(?=[^\W\d_])",
        sequenced=True,
        glue_upper=True,
    ),
    Family(
        "letter_paren",
        r"(?P<marker>(?P<key>[a-zđ])\))(?P<sep>\s*)(?=\w)",
        sequenced=True,
        inline=True,
    ),
    Family(
        "letter",
        r"(?P<marker>(?P<key>[a-zđ])[.\-–/])(?P<sep>\s+)(?=[^\W\d_])",
        sequenced=True,
    ),
    # "I. KẾT QUẢ ĐẠT ĐƯỢC" / "II. Phương hướng, nhiệm vụ năm 2024" are section headings,
    # not items; only sentence-like items after a lead ending with ":" make a list
    # ("... các nhiệm vụ trọng tâm sau:\nI. Tăng cường ...\nII. Nâng cao ...").
    Family(
        "roman",
        rf"(?P<marker>(?P<key>{_alt(ROMAN_WORDS)})[.)\-–/])(?P<sep>\s*)(?=[^\W\d_])",
        sequenced=True,
        glue_upper=True,
        colon_lead=True,
        headings=True,
    ),
    Family("dash", r"(?P<marker>[-–—])(?P<sep>\s*)(?=[^\W\d_]|[\"“‘'(])", sequenced=False),
    Family("plus", r"(?P<marker>\+)(?P<sep>\s*)(?=[^\W\d_]|[\"“‘'(])", sequenced=False),
    Family("bullet", r"(?P<marker>[•●▪◦∙·*✓➢►])(?P<sep>\s*)(?=\S)", sequenced=False),
)

# Inline markers start right after a sentence or clause end inside a paragraph.
INLINE_BEFORE = r"(?<=[.;:!?…])[ \t]*"

# A dash/bullet item that is only a heading ("- Về giải pháp:") opens a section,
# it is not a list item.
HEADING_ITEM = re.compile(r"^[^.;!?\n]{1,80}:\s*$")
# A roman-numbered line is a heading when it is printed in capitals, is a short
# "...:" line (HEADING_ITEM), or is a short line without a sentence end that heads body
# paragraphs (a terse item is directly followed by the next numeral).
ROMAN_HEADING_MAX_CHARS = 160

# A footnote reference: "(1)" glued to the word or quote before it, or after a closing
# quote and a space, or followed by punctuation or the paragraph end. A "(1) ..." line
# whose number was cited so earlier in the text is a footnote, not a list item.
FOOTNOTE_REF = re.compile(
    r"(?:(?<=[^\s(\[])|(?<=[”\"’»]\s))\((?P<key>\d{1,2})\)"
    r"|\s\((?P<key2>\d{1,2})\)(?=\s*(?:[.,;:!?…”\"’]|$))",
    re.MULTILINE,
)
# ... and so is a "(1) ..." block printed under a rule line ("-----", "***", "___").
FOOTNOTE_RULE = re.compile(r"^\s*[-_*=—–.~]{3,}\s*$")

# ---------------------------------------------------------------- paragraph types

# Photo captions and image lines left by the cleaner.
CAPTION_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*\S+\.(?:png|jpe?g|gif|webp|bmp)\s*$",  # "3.png"
        r"\bẢnh\s*:",  # "... Ảnh: Lê Triều"
        r"\(\s*ảnh\b",  # "(Ảnh: ...)" "(ảnh minh họa)"
        r"^\s*ảnh\s*(?:minh\s*họa|minh\s*hoạ|tư\s*liệu)\b",
        r"\bảnh\s*(?:minh\s*họa|minh\s*hoạ)\s*\)?\s*$",
        r"^\s*(?:nguồn|video|clip)\s*:",
    )
)
# A short line without a sentence end is a caption, byline or heading.
CAPTION_MAX_CHARS = 220
SENTENCE_END = re.compile(r"[.!?…;:\"”’)]\s*$")

# Paragraphs that close an article rather than continue the last item.
CLOSING_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\./\.\s*$",  # the Vietnamese end-of-article mark
        r"^\s*(?:tóm\s+lại|nhìn\s+chung|như\s+vậy|tổng\s+kết\s+lại|kết\s+luận\s*:?)\b",
        r"^\s*có\s+thể\s+(?:nói|khẳng\s+định|thấy)\b",
        r"^\s*(?:tin|bài|ảnh)\s*(?:và\s+ảnh)?\s*:",
        r"^\s*(?:tài\s+liệu\s+tham\s+khảo|tin\s+liên\s+quan|các\s+tin\s+(?:đã|khác))",
    )
)
# Paragraph openings that start a new section (results, contrast, a new purpose)
# rather than continue the last item of a list.
SECTION_START_PATTERNS = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"^\s*(?:với|bằng|nhờ)\s+(?:sự|những|các|đó|vậy)\b",
        r"^\s*(?:kết\s+quả|nhìn\s+lại|thực\s+tế\s+cho\s+thấy)\b",
        r"^\s*(?:tuy\s+nhiên|mặc\s+dù|dù\s+vậy|song|nhưng)\b",
        r"^\s*bên\s+cạnh\s+(?:những|các)\s+(?:kết\s+quả|thuận\s+lợi|ưu\s+điểm|mặt)",
        r"^\s*(?:trong\s+)?(?:thời\s+gian|năm|giai\s+đoạn)\s+(?:tới|qua)\b",
        r"^\s*để\s+",
    )
)

# A sentence after a list without a lead that names what the items were.
TRAILING_LEAD = re.compile(
    r"^(?:Đó|Đây|Trên đây|Những điều trên|Những việc trên)\s+(?:chính\s+)?là\b", re.IGNORECASE
)

# Most paragraphs a numbered item may run over before the next marker, and most a
# last item may run over after its own paragraph.
MAX_GAP_PARAGRAPHS = 15
MAX_TAIL_PARAGRAPHS = 2
MIN_TAIL_CHARS = 40

# ---------------------------------------------------------------- unmarked task sections

# A paragraph that opens a task section: "Để (tiếp tục) ..., ... phải/cần/sẽ ..."
TASK_LEAD = re.compile(r"^\s*Để\s+\S", re.IGNORECASE)
TASK_LEAD_MODAL = re.compile(
    r"\b(?:phải|cần|cần phải|sẽ|tập trung|thời gian tới|sắp tới|năm tới|giai đoạn tới|đề nghị|yêu cầu)\b",
    re.IGNORECASE,
)
# A colon lead that announces items ("... các giải pháp sau:").
COLON_LEAD = re.compile(
    r"(?:giải pháp|biện pháp|nhiệm vụ|nội dung|việc|kiến nghị|đề xuất|yêu cầu|sau đây|sau|như sau|cụ thể)"
    r"\s*(?:như\s*)?(?:sau(?:\s*đây)?\s*)?:\s*$",
    re.IGNORECASE,
)
# Verbs that open a task paragraph (imperative, no subject).
TASK_VERBS = (
    "Tiếp tục", "Tập trung", "Đổi mới", "Nâng cao", "Tăng cường", "Đẩy mạnh", "Chú trọng",
    "Chú ý", "Thực hiện", "Triển khai", "Xây dựng", "Phát huy", "Quan tâm", "Làm tốt",
    "Kiện toàn", "Củng cố", "Rà soát", "Chỉ đạo", "Lãnh đạo", "Quán triệt", "Đề cao",
    "Coi trọng", "Nắm chắc", "Nắm bắt", "Kịp thời", "Thường xuyên", "Hoàn thiện", "Quản lý",
    "Duy trì", "Phối hợp", "Đa dạng hóa", "Đa dạng hoá", "Bồi dưỡng", "Đào tạo", "Giữ vững",
    "Phát triển", "Khắc phục", "Siết chặt", "Cụ thể hóa", "Cụ thể hoá", "Bảo đảm", "Đảm bảo",
    "Phân công", "Gắn", "Phấn đấu", "Mở rộng", "Ưu tiên", "Đánh giá", "Kiểm tra", "Giám sát",
    "Phòng ngừa", "Xử lý", "Chấn chỉnh", "Huy động", "Tuyên truyền", "Quyết liệt", "Nghiêm túc",
    "Chủ động", "Sắp xếp", "Lựa chọn", "Kết hợp", "Mỗi cán bộ", "Các cấp ủy", "Các cấp uỷ",
    "Cấp ủy", "Cấp uỷ", "Cần", "Phải",
)
TASK_START = re.compile(
    r"^\s*(?:" + "|".join(re.escape(v) for v in sorted(TASK_VERBS, key=len, reverse=True)) + r")\b"
)
# ... or whose first sentence says what must be done, early on.
TASK_MODAL_EARLY = re.compile(r"^[^.;:]{0,100}\b(?:phải|cần|cần phải)\b", re.IGNORECASE)
MIN_TASK_CHARS = 60

# ---------------------------------------------------------------- kinds

# (regex, kind, weight). A cue in the lead sentence counts twice, and twice more in
# its main clause (after its last comma: "Thực hiện Nghị quyết ..., chi bộ đã triển
# khai nhiều cách làm:"); the sentences before the lead in its paragraph count once.
# The kind with the highest score wins, "solution" on no cue.
KIND_CUES: tuple[tuple[str, str, int], ...] = (
    # solution: proposed for the future
    (r"\bgiải pháp\b", "solution", 2),
    (r"\bbiện pháp\b", "solution", 1),
    (r"\b(?:thời gian tới|sắp tới|năm tới|giai đoạn tới|tới đây|thời gian tiếp theo)\b", "solution", 3),
    (r"\b(?:đề xuất|kiến nghị|khuyến nghị|đề nghị|yêu cầu)\b", "solution", 2),
    (r"\b(?:cần|cần phải|phải)\b", "solution", 1),
    (r"\bsẽ\b", "solution", 2),
    (r"\b(?:nhiệm vụ|phương hướng|định hướng)\b", "solution", 1),
    (r"^\s*Để\b", "solution", 1),
    (r"\btiếp tục\b", "solution", 1),
    # measure: already done
    (r"\b(?:thời gian qua|những năm qua|năm qua|vừa qua|nhiệm kỳ qua|thời gian vừa qua)\b", "measure", 3),
    (r"\bđã\b", "measure", 2),
    (r"\b(?:kết quả|đạt được)\b", "measure", 1),
    (r"\bluôn\b", "measure", 1),
    (r"\b(?:cách làm|nổi bật|việc làm cụ thể)\b", "measure", 2),
    # limitation: shortcomings
    (
        r"\b(?:còn|vẫn còn|có|bộc lộ)\s+(?:một số|những|nhiều|các|không ít)?\s*"
        r"(?:hạn chế|tồn tại|khuyết điểm|yếu kém|bất cập|thiếu sót)",
        "limitation",
        6,
    ),
    (r"\b(?:hạn chế|tồn tại|khuyết điểm|yếu kém|bất cập|thiếu sót)[^.;:]{0,30}(?:như|sau)\s*:?\s*$", "limitation", 6),
    (r"\b(?:hạn chế|tồn tại|khuyết điểm|yếu kém|bất cập|thiếu sót)\b", "limitation", 1),
    # what shows degradation or a violation ("biểu hiện sau đây", "các biểu hiện suy thoái")
    (r"\bbiểu hiện\b", "limitation", 3),
    # correcting the shortcomings is a remedy ("nhận khuyết điểm để sửa chữa", "khắc phục hạn chế")
    (r"\b(?:khắc phục|sửa chữa)\b", "solution", 2),
    # other: causes, lessons
    (r"\b(?:nguyên nhân|bài học)\b", "other", 3),
)

# When neither the lead nor its paragraph has a cue, the items' first words vote.
ITEM_CUES: tuple[tuple[str, str], ...] = (
    (r"^[^.;]{0,60}\b(?:cần|phải|tiếp tục|sẽ)\b", "solution"),
    (r"^[^.;]{0,60}\bđã\b", "measure"),
    (r"^[^.;]{0,60}\b(?:chưa|còn hạn chế|thiếu)\b", "limitation"),
    (TASK_START.pattern, "solution"),  # an imperative verb opens the item
)


# Items that make a block no solution list when most of its items open with them: the
# grounds of a decision ("- Căn cứ Điều lệ Đảng;", "- Xét đề nghị của ...").
NOT_ITEM_STARTS: tuple[str, ...] = (
    r"căn cứ\b",
    r"xét (?:đề nghị|tờ trình|đề xuất)\b",
)

# A list of people ("1. Đ/c Lê Văn An, Bí thư ..."): a title then a capitalised name.
PERSON_ITEM = r"(?:đ/c|đồng chí|ông|bà)\s+(\w+)\s+(\w+)"
