"""The cleaner of plain-text dumps of article pages.

A dump is what a browser's "select all, copy" or a text crawler gives: banners,
menus, counters, the title, a date line, bylines, the article, captions, a
signature, related news and a footer, one block per line. The cleaner reads it
in five steps:

1. **lines**: white space collapsed; a crawler's date stub (``date 2025-09-12``)
   or a time and date glued before the first paragraph taken off (the published
   date when it names a day); lines of punctuation only dropped; lines a PDF or a
   mail client wrapped at a fixed width joined again (:func:`reflow`);
2. **document header**: the block above an official document (party or state
   motto, ``Số: 12-KH/HU``, ``Hà Nội, ngày … tháng … năm …``, ``QUYẾT ĐỊNH`` and
   its subject) is found (:func:`doc_header`); the document's text opens at its
   first ``Căn cứ …`` line;
3. **header**: every line before the first body paragraph; the title is the first
   headline after the last date line (else the last one before it), the date is
   the date line nearest after the title, bylines give the author;
4. **body**: from the first paragraph to the first ``stop`` line, without
   boilerplate lines, repeats, teasers, captions (with or without ``Ảnh:``),
   related links, date lines and a document's signature block;
5. **tail**: a signature after the last paragraph (a name, initials, ``Tin, ảnh:
   …``, a unit in parentheses) and everything after it are taken off; the author
   is read from it. Lines that only look short (an excerpt cut mid-sentence) stay.
"""
from __future__ import annotations

import difflib
import re
import statistics
from dataclasses import dataclass, field
from datetime import date

from pipeline.clean import patterns as P
from pipeline.clean.metadata import (
    Cleaned,
    _surnames,
    clean_author,
    looks_like_name,
    name_in_signature,
    name_with_unit,
    parse_date,
    parse_views,
    valid_date,
)
from pipeline.clean.text import (
    BODY_MIN_CHARS,
    CaptionBlock,
    DATE_LINE_MAX_CHARS,
    RecipientsBlock,
    TITLE_MAX_CHARS,
    _SPACES,
    _norm,
    classify,
)

# The agency code that opens a lead ("(TUAG)- ", "(CTO) - ") is the article's source tag;
# it stays in the main text as printed (the development set's convention) unless this is True.
STRIP_AGENCY_LEAD = False
_AGENCY_LEAD = re.compile(r"^\s*\((?:[A-ZĐ][A-Za-zĐđ]{1,14})\)\s*[-–—]+\s*")

_END_PUNCT = re.compile(r"(?:[.!?:…]|\./\.)\s*$")
_SENTENCE_END = re.compile(r"""[.!?…:;)"”’'»]\s*(\(\d+\))?\s*$""")
_LIST_MARKER = re.compile(
    r"^(?:[-–—•*+]|\d{1,2}[.)/-]|[a-zđ][).]\s|\(?[ivx]{1,4}\)|[IVX]{1,5}[.)]|Điều\s+\d|Chương\s|Khoản\s|Mục\s)"
)
_ALNUM = re.compile(r"\w")
_RULE = re.compile(r"[-_=*.]{6,}")
_WORDS = re.compile(r"\w+")
_TIME_OPENING = re.compile(r"^(?:sáng|chiều|trưa|tối|đêm|ngày|hôm|từ|trong|năm|tháng|sau|trước)\b", re.IGNORECASE)
CAPTION_MAX_CHARS = 200
_CREDIT_LINE = re.compile(r"[(\[]?\s*(?:ảnh|nguồn ảnh|photo|nguồn)\s*:\s*[^()\[\]]{1,60}[)\]]?\.?", re.IGNORECASE)
TEASER_MIN_CHARS = 120


@dataclass
class DocHeader:
    """The header block above an official document."""

    first: int  # first line of the block
    end: int  # first line of the document's own text
    title: str | None = None
    issued: date | None = None
    words: set[str] = field(default_factory=set)  # words of its title and number


def clean_text_dump(raw: str) -> Cleaned:
    dropped: list[str] = []
    lines = [_SPACES.sub(" ", line).strip() for line in raw.split("\n")]
    stub_date = _strip_stub(lines, dropped)
    for i, line in enumerate(lines):
        if line and not _ALNUM.search(line) and not _RULE.fullmatch(line):
            dropped.append(line)  # ".", ";", "*", "|", "-----" between blocks
            lines[i] = ""
    lines = reflow(lines)
    labels = [classify(line) for line in lines]
    teasers = _teasers(lines)
    doc = doc_header(lines, labels)
    start = _body_start(lines, labels, doc, teasers)

    head = _read_header(lines, labels, start, doc, teasers, dropped)
    body, body_date, author, views, tag = _read_body(lines[start:], labels[start:], head.title, teasers, start, dropped)
    published = stub_date or head.published or body_date or (doc.issued if doc else None)
    return Cleaned(
        text="\n".join(body),
        title=head.title,
        published_date=published,
        author=clean_author(author or head.author),
        views=head.views if head.views is not None else views,
        source_tag=tag,
        dropped=dropped,
        doc_header="\n".join(line for line in lines[doc.first : doc.end] if line) if doc else None,
        site_lines=_site_lines(lines[:start], dropped),
    )


def _site_lines(above_body: list[str], dropped: list[str]) -> list[str]:
    """The page's first line when it is above the body (its banner), and the dropped lines
    naming the site (copyright, address, publisher)."""
    banner = next((line for line in above_body if line), None)
    found = [banner] if banner else []
    found += [line for line in dropped if line != banner and P.SITE_IDENTITY.match(line)]
    return found[: P.MAX_SITE_LINES]


# --------------------------------------------------------------------------- lines


def _strip_stub(lines: list[str], dropped: list[str]) -> date | None:
    """Take a crawler's date stub, or a date glued before the first paragraph, off the first line."""
    first = next((i for i, line in enumerate(lines) if line), None)
    if first is None:
        return None
    line = lines[first]
    m = P.DATE_STUB.match(line)
    if m:
        dropped.append(m.group(0).strip())
        lines[first] = line[m.end():]
        return valid_date(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m.group(3) else None
    m = P.GLUED_DATE.match(line)
    if m and len(line) - m.end() >= 60:
        dropped.append(m.group(0).strip())
        lines[first] = line[m.end():]
        return parse_date(m.group(1))
    return None


def _wrapped(lines: list[str]) -> int | None:
    """The width at which the page's lines were wrapped, or None when they were not."""
    pairs = [
        a for a, b in zip(lines, lines[1:])
        if a and b and 35 <= len(a) <= 100 and not _END_PUNCT.search(a) and b[:1].islower()
    ]
    n = sum(1 for line in lines if line)
    if len(pairs) < 3 or len(pairs) < 0.2 * n:
        return None
    return int(statistics.median(len(line) for line in lines if len(line) >= 35))


def reflow(lines: list[str]) -> list[str]:
    """Join the lines of a paragraph that was wrapped at a fixed width: a line that goes on
    in lower case, and on a wrapped page a full-width line without final punctuation."""
    width = _wrapped(lines)
    out: list[str] = []
    prev = ""  # the previous line as printed, before joining
    for line in lines:
        if out and out[-1] and line and _joins(prev, line, width):
            out[-1] = f"{out[-1]} {line}"
        else:
            out.append(line)
        prev = line
    return out


def _joins(prev: str, nxt: str, width: int | None) -> bool:
    label = classify(nxt)
    if _END_PUNCT.search(prev) or _LIST_MARKER.match(nxt) or (label and not label[0].startswith("caption")):
        return False
    if nxt[:1].islower():
        return len(nxt) >= 3 and (len(prev) >= 20 or width is not None)
    if width is None or len(prev) < 0.75 * width or classify(prev):
        return False
    return not prev.isupper() and not nxt.isupper()


def _teasers(lines: list[str]) -> set[int]:
    """Lines that a later line repeats and goes on from: a lead shown above the article."""
    out: set[int] = set()
    for i, line in enumerate(lines[:120]):
        if len(line) < TEASER_MIN_CHARS:
            continue
        stem = line.rstrip(" .…")
        for later in lines[i + 1 : i + 40]:
            if len(later) > len(stem) + 20 and later.startswith(stem):
                out.add(i)
                break
    return out


def _date_line(line: str) -> date | None:
    """The date of a short line that is only a date with a label: ``Cập nhật: 16:49, Thứ 6,
    10/03/2017``, ``Tạp chí Cộng Sản21/07/2025``, ``Hà Nội, ngày 23-10-2021``."""
    if len(line) > DATE_LINE_MAX_CHARS:
        return None
    found = parse_date(line)
    if not found:
        return None
    rest = re.sub(r"\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}:\d{2}(:\d{2})?", " ", line)
    rest = re.sub(r"\b\d{1,2}\s+tháng\s+\d{1,2}\s*(năm|,)?\s*\d{4}|\(?GMT\s*[+-]\s*\d+\)?", " ", rest, flags=re.I)
    rest = re.sub(r"\b(thứ\s+\S+|chủ\s+nhật|ngày|lúc|SA|CH|AM|PM|lượt xem|view count|views?)\b", " ", rest, flags=re.I)
    words = _WORDS.findall(rest)
    if len(words) > 7 or ". " in rest or BANNER_LIKE(line) or P.TITLE_DATE.search(line):
        return None
    return found


def BANNER_LIKE(line: str) -> bool:  # noqa: N802 - reads like the pattern it wraps
    return bool(P.BANNER_DATE_RANGE.search(line) or P.BANNER_WORDS.match(line))


# --------------------------------------------------------------------------- documents


def doc_header(lines: list[str], labels: list) -> DocHeader | None:
    """The header above an official document, when the page opens with one."""
    limit = next(
        (i for i, line in enumerate(lines) if len(line) >= BODY_MIN_CHARS or P.DOC_PREAMBLE.match(line)),
        len(lines),
    )
    limit = min(limit, 80)
    signals: dict[str, list[int]] = {"motto": [], "number": [], "place_date": []}
    for i in range(limit):
        line = lines[i]
        if not line or len(line) > 90:
            continue
        if P.DOC_MOTTO.fullmatch(line):
            signals["motto"].append(i)
        elif len(line) <= 40 and P.DOC_NUMBER.fullmatch(line):
            signals["number"].append(i)
        elif P.DOC_PLACE_DATE.fullmatch(line):
            signals["place_date"].append(i)
    kinds = [k for k, v in signals.items() if v]
    if len(kinds) < 2:
        return None
    marks = sorted(i for v in signals.values() for i in v)
    first_sig, last_sig = marks[0], marks[-1]
    type_idx = next(
        (i for i in range(first_sig + 1, limit) if i not in marks and P.DOC_TYPE_LINE.fullmatch(lines[i])
         and lines[i].split()[0].isupper()),
        None,
    )
    after = (type_idx if type_idx is not None else last_sig) + 1
    end = next(
        (i for i in range(after, len(lines)) if lines[i] and (
            P.DOC_PREAMBLE.match(lines[i]) or len(lines[i]) >= BODY_MIN_CHARS)),
        None,
    )
    if end is None:
        return None
    first = first_sig
    for i in range(first_sig - 1, -1, -1):  # agency lines above the motto: "BỘ CHÍNH TRỊ", "ỦY BAN KIỂM TRA"
        line = lines[i]
        if not line:
            continue
        agency = line.isupper() and not re.search(r"[\d,:]", line) and len(line.split()) <= 7
        if len(line) <= 60 and (agency or not _ALNUM.search(line) or _RULE.fullmatch(line)):
            first = i
            continue
        break
    title = None
    words: set[str] = set()
    if type_idx is not None:
        parts = [lines[i] for i in range(type_idx, end) if lines[i] and _ALNUM.search(lines[i])
                 and not _RULE.fullmatch(lines[i]) and i not in marks]
        title = " ".join(parts) or None
    for i in [*signals["number"], *( [type_idx] if type_idx is not None else [])]:
        words.update(w.casefold() for w in _WORDS.findall(lines[i]))
    if title:
        words.update(w.casefold() for w in _WORDS.findall(title))
    issued = None
    for i in signals["place_date"]:
        m = P.DOC_PLACE_DATE.fullmatch(lines[i])
        if m and m.group(1):
            issued = valid_date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        break
    return DocHeader(first=first, end=end, title=title, issued=issued, words=words)


def header_issuer(header: str | None) -> str | None:
    """The issuing body printed above an official document's motto, its lines joined
    ("THÀNH ỦY" / "THÀNH PHỐ HỒ CHÍ MINH" -> "THÀNH ỦY THÀNH PHỐ HỒ CHÍ MINH"); None
    when the header opens with its motto, number or date."""
    parts = []
    for line in (header or "").split("\n"):
        motto = P.DOC_MOTTO.search(line)  # two columns on one line: the issuer is on its left
        left = (line[: motto.start()] if motto else line).strip()
        if P.DOC_NUMBER.fullmatch(left) or P.DOC_PLACE_DATE.fullmatch(left):
            break
        if _ALNUM.search(left) and not _RULE.fullmatch(left):
            parts.append(left)
        if motto:
            break
    return " ".join(parts) or None


def _names_document(headline: str, doc: DocHeader) -> bool:
    """A headline above a document names it: most of its words are in the document's title or number."""
    if not doc.words:
        return True
    words = [w.casefold() for w in _WORDS.findall(headline)]
    if words and sum(w in doc.words for w in words) >= 0.7 * len(words):
        return True
    # a copy whose words lost letters ("thc hin mt s ni dung"): close as characters
    return bool(doc.title) and difflib.SequenceMatcher(None, headline.casefold(), doc.title.casefold()).ratio() >= 0.75


# --------------------------------------------------------------------------- header


def _opens_body(lines: list[str], labels: list, i: int, teasers: set[int]) -> bool:
    line = lines[i]
    if not line or labels[i] is not None or i in teasers:
        return False
    if P.BODY_OPENER.match(line):
        return True
    if line.isupper() or (BANNER_LIKE(line) and len(line) < 300 and not line.endswith(".")):
        return False  # a banner: "KỶ NIỆM 50 NĂM ... (30/4/1975 - 30/4/2025)"
    dated = P.TITLE_DATE.search(line)
    if dated and not _SENTENCE_END.search(line[: dated.start()]):
        return False  # a headline with its date: "... nơi cư trú (14/11/2025)"
    if len(line) >= BODY_MIN_CHARS:
        return True
    if not (len(line) >= 60 and line.count(" ") >= 8 and _SENTENCE_END.search(line)):
        return False
    if len(line) < 120 and line.startswith("(") and line.endswith(")"):
        return False
    # a one-sentence caption between the headline and the lead: "Sự đổi thay của ... thôn X."
    nxt = next((lines[j] for j in range(i + 1, len(lines)) if lines[j]), "")
    earlier = any(lines[j] and labels[j] is None for j in range(i))
    return not (earlier and _short_caption(line) and len(nxt) >= 150)


def _body_start(lines: list[str], labels: list, doc: DocHeader | None, teasers: set[int]) -> int:
    if doc is not None:
        return doc.end
    start = next((i for i in range(len(lines)) if _opens_body(lines, labels, i, teasers)), None)
    if start is None:  # no paragraph looks like running text: keep every plain line
        return next((i for i, line in enumerate(lines) if line and labels[i] is None), len(lines))
    # a section heading right above the first paragraph opens the body ("1. Nhận thức ...")
    prev = next((j for j in range(start - 1, -1, -1) if lines[j]), None)
    if prev is not None and labels[prev] is None and P.SECTION_HEADING.fullmatch(lines[prev]):
        return prev
    return start


@dataclass
class _Header:
    title: str | None = None
    published: date | None = None
    author: str | None = None
    views: int | None = None


def _title_candidate(line: str) -> bool:
    if not 10 <= len(line) <= TITLE_MAX_CHARS or line.endswith((".", ",", ";", ":")):
        return False
    if P.SECTION_HEADING.fullmatch(line) or P.SERIES_LINE.fullmatch(line) or P.BODY_OPENER.match(line):
        return False
    if BANNER_LIKE(line) or P.CAPTION_OPENING.match(line):
        return False
    return not _byline(line) and not _signature_name(line)


def _byline(line: str) -> str | None:
    """The name of a byline printed in the header: ``Thượng úy Phùng Danh Liệm``,
    ``ThS. Lê Văn Hòa- Giảng viên khoa Lý luận``, ``NGUYÊN ĐOAN |``, ``Tác giả: …``."""
    if len(line) > 120:
        return None
    sig = P.SIGNATURE_PREFIX.match(line)
    if sig:
        return name_in_signature(sig.group(2), vouched=True)
    if P.NAME_PREFIX.match(line) or line.rstrip().endswith("|"):
        return name_in_signature(line)
    return None


@dataclass
class _HeaderLines:
    """What the lines above the body say, by line number."""

    titles: dict[int, str] = field(default_factory=dict)  # headline candidates, in line order
    dates: list[tuple[int, date | None]] = field(default_factory=list)
    authors: list[str] = field(default_factory=list)
    views: int | None = None


def _meta_line(line: str, label) -> tuple[date | None, bool] | None:
    """A line of the page's facts, as (its date, its view count is read): a line labelled
    ``meta`` (a date if it has one), another labelled line (neither), an unlabelled date
    line; None for any other line."""
    if label is not None:
        return (parse_date(line), True) if label[1] == "meta" else (None, False)
    found = _date_line(line)
    return (found, True) if found else None


def _bare_byline(line: str, name: str) -> bool:
    """A byline that is only a name ("Thượng úy Phùng Danh Liệm"): its unit is the next line."""
    return not re.search(r"[-–—,(|:]", line.replace(name, "", 1)) and not P.SIGNATURE_PREFIX.match(line)


def _header_lines(lines, labels, start, doc, teasers, dropped) -> _HeaderLines:
    """Each line above the body, the first that fits: a byline, a line of facts, the unit
    under a bare byline, a teaser, a headline candidate (with a date it may end with)."""
    found = _HeaderLines()
    under_byline = False
    for i in range(start):
        line = lines[i]
        if not line:
            continue
        dropped.append(line)
        if doc is not None and doc.first <= i:
            continue
        byline = _byline(line)
        meta = None if byline else _meta_line(line, labels[i])
        if byline:
            found.authors.append(byline)
        elif meta is not None:
            if meta[0]:
                found.dates.append((i, meta[0]))
            if meta[1] and found.views is None:
                found.views = parse_views(line)
        elif not under_byline and i not in teasers:
            title = P.TITLE_TAIL.sub("", line)
            m = P.TITLE_DATE.search(title)
            if m:
                found.dates.append((i, parse_date(m.group(1))))
                title = title[: m.start()]
            if _title_candidate(title):
                found.titles[i] = title
        under_byline = bool(byline) and _bare_byline(line, byline)
    return found


def _title_line(found: _HeaderLines) -> int | None:
    """The headline: the first candidate after the last date, else the last before it; without
    dates the last candidate, unless it is a caption under the headline."""
    cands = list(found.titles)
    if found.dates:
        last = found.dates[-1][0]
        after = [c for c in cands if c > last]
        before = [c for c in cands if c <= last]
        return after[0] if after else (before[-1] if before else None)
    titles = found.titles
    while len(cands) > 1 and P.CAPTION_SUBJECT.match(titles[cands[-1]]) and P.CAPTION_ACTION.search(titles[cands[-1]]):
        cands.pop()
    return cands[-1] if cands else None


def _published(dates: list[tuple[int, date | None]], title_at: int | None) -> date | None:
    """The first date at or after the headline, else the last before it; the last without one."""
    if title_at is None:
        return dates[-1][1]
    later = [d for i, d in dates if i >= title_at]
    return later[0] if later else [d for i, d in dates if i < title_at][-1]


def _read_header(lines, labels, start, doc, teasers, dropped) -> _Header:
    found = _header_lines(lines, labels, start, doc, teasers, dropped)
    title_at = _title_line(found)
    head = _Header(title=found.titles.get(title_at), views=found.views)
    if doc is not None and doc.title and (head.title is None or not _names_document(head.title, doc)):
        head.title = doc.title
    if found.dates:
        head.published = _published(found.dates, title_at)
    authors = found.authors
    # a name printed right under the headline: "N.Mai", "PV", "Hoàng Long"
    if not authors and title_at is not None:
        nxt = next((j for j in range(title_at + 1, start) if lines[j]), None)
        if nxt is not None and (doc is None or nxt < doc.first) and labels[nxt] is None and _signature_name(lines[nxt]):
            authors.append(_signature_name(lines[nxt]))
    head.author = ", ".join(dict.fromkeys(authors)) or None
    return head


# --------------------------------------------------------------------------- body


def _single_sentence(line: str) -> bool:
    return not re.search(r"[.!?]\s+\S", line.rstrip(" .!?"))


def _short_caption(line: str) -> bool:
    """One short sentence without a clause: ``Thiếu nhi vui chơi trong sân nhà văn hóa thôn.``"""
    return (
        len(line) <= 140
        and line.endswith(".")
        and not line.endswith(("./.", ".."))
        and _single_sentence(line)
        and not re.search(r"[,;:“”\"]", line)
        and len(line.split()) <= 24
        and not _TIME_OPENING.match(line)
    )


def _caption(line: str, prev: str, nxt: str) -> bool:
    """A photo caption printed without ``Ảnh:`` between two paragraphs."""
    if len(line) > CAPTION_MAX_CHARS or not _single_sentence(line) or line.endswith((":", ";", ",")):
        return False
    if P.CAPTION_OPENING.match(line):
        return True
    if _TIME_OPENING.match(line):
        return False
    if P.CAPTION_SUBJECT.match(line) and P.CAPTION_ACTION.search(line) and len(prev) >= 100:
        return True
    return _short_caption(line) and len(prev) >= 150 and len(nxt) >= 150


def _related_link(line: str, first: bool) -> bool:
    """``* Toàn văn phát biểu của ...``: a link to another article between paragraphs."""
    m = P.RELATED_LINK.match(line)
    if not m or first:
        return False
    rest = line[m.end():]
    return len(rest.split()) >= 6 and not _SENTENCE_END.search(rest) and len(line) <= TITLE_MAX_CHARS


def _read_body(lines, labels, title, teasers, offset, dropped):
    body: list[str] = []
    views = None
    byline = None
    published = None
    doc_author = None
    caption = CaptionBlock()
    recipients = RecipientsBlock()
    signer_left = 0
    plain = [k for k, line in enumerate(lines) if line]

    def neighbour(k: int, step: int) -> str:
        j = k + step
        while 0 <= j < len(lines):
            if lines[j]:
                return lines[j]
            j += step
        return ""

    for k, (line, label) in enumerate(zip(lines, labels)):
        if caption.takes(line, label) or recipients.takes(line):
            dropped.append(line)
            continue
        if not line:
            continue
        if signer_left:  # the signer's role and name under "T/M BỘ CHÍNH TRỊ"
            signer_left -= 1
            if P.DOC_SIGNER_ROLE.fullmatch(line):
                dropped.append(line)
                continue
            name = name_in_signature(line)
            if name and len(line) <= 60:
                doc_author = doc_author or name
                dropped.append(line)
                signer_left = 0
                continue
            signer_left = 0
        if label is not None:
            name, action = label
            if action == "stop":
                dropped.extend(rest for rest in lines[k:] if rest)
                break
            if name == "views" and views is None:
                views = parse_views(line)
            if name == "image_file":
                caption.open()
            if action == "meta" and published is None:
                published = parse_date(line)
            sig = P.SIGNATURE_PREFIX.match(line)
            if sig and name_in_signature(sig.group(2), vouched=True):
                byline = name_in_signature(sig.group(2), vouched=True)
            dropped.append(line)
            continue
        prev, nxt = neighbour(k, -1), neighbour(k, 1)
        first = not body
        if (
            (title and _norm(line) == _norm(title))
            or (k + offset) in teasers
            or (len(line) < 400 and _norm(line) in (_norm(prev), _norm(nxt)))  # a caption printed twice
            or (len(line) >= 30 and any(n != line and n.startswith(line) and classify(n) for n in (prev, nxt)))
            or (not first and _caption(line, prev, nxt))
            or _related_link(line, first)
            or (len(line) <= CAPTION_MAX_CHARS and _CREDIT_LINE.fullmatch(nxt))  # "(Ảnh: Internet)" under it
        ):
            dropped.append(line)
            continue
        if P.DOC_SIGNATURE.fullmatch(line):
            signer_left = 3
            dropped.append(line)
            continue
        found = _date_line(line)
        if found and len(line) <= 60:  # "Tạp chí Cộng Sản21/07/2025" under the lead
            published = published or found
            dropped.append(line)
            continue
        body.append(line)

    body, author = _tail(body, dropped)
    author = author or byline or doc_author
    tag = None
    if body and (lead := _AGENCY_LEAD.match(body[0])):
        tag = lead.group().strip()
        if STRIP_AGENCY_LEAD:
            dropped.append(tag)
            body[0] = body[0][lead.end():]
    return body, published, author, views, tag


# --------------------------------------------------------------------------- tail


def _signature_name(line: str) -> str | None:
    """The name a closing signature line gives, or None when the line is not one."""
    if len(line) > 120:
        return None
    sig = P.SIGNATURE_PREFIX.match(line)
    if sig:
        return name_in_signature(sig.group(2), vouched=True)
    tagged = P.SIGNATURE_TAG.match(line)
    if tagged:
        return name_in_signature(line[tagged.end():], vouched=True)
    if P.SIGNATURE_INITIALS.fullmatch(line):
        return line
    if P.DOC_TYPE_LINE.fullmatch(line) or P.SECTION_HEADING.fullmatch(line):
        return None
    if P.SIGNATURE_DETAIL.match(line):
        return None
    pair = re.fullmatch(r"(.{3,40}?)\s+[-–—]\s+(.{3,40})", line)
    if pair and all(_person(part) for part in pair.groups()):  # "Hoàng Long - Bùi Tiến"
        return f"{pair.group(1)} - {pair.group(2)}"
    unit = name_with_unit(line)
    if unit:
        return unit
    if _SENTENCE_END.search(line) and not line.endswith(")"):
        return None
    name = name_in_signature(line)
    if not name:
        return None
    head = re.split(r"\s*[-–—]\s+|\s+[-–—]\s*|\s*\(|\s*,\s*|\s*\|", line, maxsplit=1)
    if len(head) == 2:
        rest = head[1].strip(" ()")
        if rest and (rest[:1].islower() and not P.SIGNATURE_NOTE.fullmatch(rest)):
            return None
    words = name.split()
    if words[0] not in _surnames() and len(words) != 2 and not line.isupper():
        return None
    return name


_UNIT_WORDS = frozenset("Ban Phòng Trung Văn Sở Hội Báo Đài Cục Vụ Viện Trường Khoa Huyện Tỉnh Xã Phường Đảng Chi Công".split())


def _person(value: str) -> bool:
    """``Bùi Tiến``, ``Nguyễn Thị Hà``: a name, not a unit (``Ban Tuyên giáo``)."""
    words = value.split()
    return looks_like_name(value) and len(words) <= 4 and words[0] not in _UNIT_WORDS and (
        words[0] in _surnames() or len(words) == 2)


def _paragraph_like(line: str) -> bool:
    """A line of running text: long, or a sentence of eight words or more."""
    n = len(line.split())
    return len(line) >= 100 or n >= 12 or (n >= 8 and bool(_SENTENCE_END.search(line)))


def _tail_junk(line: str) -> bool:
    """Lines that may follow a signature: a unit in parentheses, a source, a detail."""
    return bool(
        (line.startswith("(") and line.endswith(")") and len(line) < 120)
        or P.SIGNATURE_DETAIL.match(line)
        or (P.SOURCE_LINE.fullmatch(line) and not _SENTENCE_END.search(line))
    )


def _tail(body: list[str], dropped: list[str]) -> tuple[list[str], str | None]:
    """Take the closing signature, and what follows it, off the body."""
    author = None
    cut = None
    # scan the short lines after the last paragraph, from the end
    k = len(body) - 1
    lowest = max(0, len(body) - 12)
    # a byline with its unit reads like a sentence ("Lâm Thị Hoa (Đảng ủy xã Hòa Tú)"): its own check
    while k >= lowest and k > 0 and (_tail_junk(body[k]) or not _paragraph_like(body[k]) or name_with_unit(body[k])):
        name = _signature_name(body[k])
        if name:
            cut, author = k, name
        elif not _tail_junk(body[k]) and cut is None and len(body) - k > 6:
            break
        k -= 1
    if cut is None:
        while len(body) > 1 and _tail_junk(body[-1]):
            dropped.append(body.pop())
        # a signature that ends with a full stop ("Tác giả: Lê Văn An.")
        if len(body) > 1 and len(body[-1]) < 80:
            sig = P.SIGNATURE_PREFIX.match(body[-1])
            if sig and name_in_signature(sig.group(2), vouched=True):
                author = name_in_signature(sig.group(2), vouched=True)
                dropped.append(body.pop())
        return body, author
    dropped.extend(body[cut:])
    return body[:cut], author
