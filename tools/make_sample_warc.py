"""Build data/raw/tinhuy_crawl_2024.warc.gz, the sample WARC of the corpus.

The two pages are written here (realistic, invented Vietnamese party-building news;
central party and state document numbers are real, provincial figures are made up).
Each page becomes a request record and a response record (HTTP 200,
``Content-Type: text/html; charset=utf-8``) with fixed WARC-Date and WARC-Record-ID,
so that running the script again gives the same records.

    .venv/bin/python tools/make_sample_warc.py            # writes data/raw/tinhuy_crawl_2024.warc.gz
    .venv/bin/python tools/make_sample_warc.py OUT.warc.gz

The gold annotations are tests/gold/tinhuy_crawl_2024__1.json and __2.json
(1-based order of the response records in the file).
"""
from __future__ import annotations

import sys
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "data" / "raw" / "tinhuy_crawl_2024.warc.gz"

PAGE_TEMPLATE = """<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<title>{title} - {site}</title>
<meta property="og:site_name" content="{site}">
<meta property="og:type" content="article">
<meta property="og:title" content="{title}">
<meta property="og:url" content="{url}">
<meta property="article:published_time" content="{published}">
<meta name="author" content="{author}">
</head>
<body>
<header>
  <div class="banner">{site_upper}</div>
  <nav><a href="/">Trang chủ</a> | <a href="/tin-tuc">Tin tức</a> | <a href="/xay-dung-dang">Xây dựng Đảng</a> | <a href="/van-ban">Văn bản</a> | <a href="/lien-he">Liên hệ</a></nav>
</header>
<div class="breadcrumb"><a href="/">Trang chủ</a> / <a href="/xay-dung-dang">Xây dựng Đảng</a></div>
<main>
<article>
  <h1>{title}</h1>
  <p class="date">{date_line}</p>
  <div class="body">
{body}
    <p class="signature" style="text-align:right"><b>{author}</b></p>
  </div>
  <div class="other-news"><h4>Tin khác</h4><ul>
{other}
  </ul></div>
</article>
</main>
<aside><h4>Thống kê truy cập</h4><p>Đang truy cập: {online}</p><p>Tổng lượt truy cập: {total}</p></aside>
<footer>
  <p>{site_upper}</p>
  <p>{footer}</p>
</footer>
</body>
</html>
"""

PAGES = [
    {
        "url": "https://lamdong.dcs.vn/xay-dung-dang/boi-duong-nghiep-vu-cong-tac-dang-cho-bi-thu-chi-bo-nam-2024-11873.html",
        "warc_date": "2024-03-08T02:14:31Z",
        "request_id": "<urn:uuid:6a1f3c2e-5b1d-4c8e-9a51-0d2b7e6f1a01>",
        "response_id": "<urn:uuid:6a1f3c2e-5b1d-4c8e-9a51-0d2b7e6f1a02>",
        "site": "Trang thông tin điện tử Đảng bộ tỉnh Lâm Đồng",
        "title": "Bồi dưỡng nghiệp vụ công tác đảng cho bí thư chi bộ năm 2024",
        "published": "2024-03-06T15:40:00+07:00",
        "date_line": "Cập nhật lúc 15:40, Thứ Tư, 06/03/2024",
        "author": "Ngọc Minh",
        "online": "64",
        "total": "8.452.019",
        "footer": "Chịu trách nhiệm chính: Trưởng Ban Tuyên giáo Tỉnh ủy Lâm Đồng. Địa chỉ: Số 02 đường Trần Hưng Đạo, thành phố Đà Lạt. Điện thoại: 0263 3822 162",
        "body": [
            "Ngày 06/3/2024, Ban Tổ chức Tỉnh ủy Lâm Đồng phối hợp với Trường Chính trị tỉnh khai giảng lớp bồi dưỡng nghiệp vụ công tác đảng năm 2024. Lớp học thu hút trên 300 đảng viên là bí thư, phó bí thư chi bộ trực thuộc đảng ủy cơ sở ở các huyện Đức Trọng, Lâm Hà, Di Linh tham gia.",
            "Phát biểu khai giảng, lãnh đạo Ban Tổ chức Tỉnh ủy cho biết, Đảng bộ tỉnh hiện có 1.984 chi bộ trực thuộc đảng ủy cơ sở; riêng năm 2023 có 83 chi bộ phải kiện toàn bí thư do luân chuyển, nghỉ hưu. Đội ngũ bí thư chi bộ mới phần lớn còn trẻ, nhiệt tình nhưng chưa thành thạo nghiệp vụ, nhất là trong chuẩn bị nội dung sinh hoạt và lập hồ sơ kết nạp đảng viên.",
            "Trong 5 ngày, học viên được truyền đạt các chuyên đề về chức năng, nhiệm vụ của chi bộ; quy trình kết nạp đảng viên, chuyển sinh hoạt đảng; kỹ năng soạn thảo văn bản của chi bộ theo Hướng dẫn số 36-HD/VPTW ngày 03/4/2018 của Văn phòng Trung ương Đảng về thể thức và kỹ thuật trình bày văn bản của Đảng. Đối với văn bản hành chính, học viên được hướng dẫn áp dụng Nghị định số 30/2020/NĐ-CP ngày 05/3/2020 của Chính phủ về công tác văn thư, văn bản thay thế Thông tư số 01/2011/TT-BNV ngày 19/01/2011 của Bộ Nội vụ.",
            "Lớp học kéo dài đến ngày 10/3/2024. Kết thúc khóa học, mỗi học viên viết bài thu hoạch gắn với thực tiễn chi bộ mình; những học viên đạt yêu cầu được cấp giấy chứng nhận.",
        ],
        "other": [
            ("/xay-dung-dang/11861.html", "Đức Trọng trao quyết định kết nạp 18 đảng viên mới"),
            ("/xay-dung-dang/11855.html", "Hội nghị Ban Chấp hành Đảng bộ tỉnh lần thứ 21"),
        ],
    },
    {
        "url": "https://binhdinh.dcs.vn/to-chuc-dang-vien/ket-qua-danh-gia-xep-loai-chat-luong-to-chuc-dang-dang-vien-nam-2023-5320.html",
        "warc_date": "2024-01-17T08:52:05Z",
        "request_id": "<urn:uuid:b7e2d4f0-3c6a-4e19-8f2d-91a4c5e0b301>",
        "response_id": "<urn:uuid:b7e2d4f0-3c6a-4e19-8f2d-91a4c5e0b302>",
        "site": "Cổng thông tin điện tử Đảng bộ tỉnh Bình Định",
        "title": "Bình Định: 96,8% đảng viên hoàn thành tốt nhiệm vụ trở lên năm 2023",
        "published": "2024-01-15T09:05:00+07:00",
        "date_line": "Thứ Hai, 15/01/2024 09:05",
        "author": "Hoài Nam",
        "online": "23",
        "total": "5.118.640",
        "footer": "Cơ quan chủ quản: Tỉnh ủy Bình Định. Địa chỉ: Số 55 đường Trần Phú, thành phố Quy Nhơn. Điện thoại: 0256 3822 478 - Email: banbientap@binhdinh.dcs.vn",
        "body": [
            "Ban Tổ chức Tỉnh ủy Bình Định vừa tổng hợp kết quả kiểm điểm, đánh giá, xếp loại chất lượng tổ chức đảng, đảng viên năm 2023. Đây là năm đầu tiên việc đánh giá được thực hiện theo Quy định số 124-QĐ/TW ngày 04/10/2023 của Bộ Chính trị và Hướng dẫn số 25-HD/BTCTW ngày 09/10/2023 của Ban Tổ chức Trung ương, với yêu cầu lượng hóa tiêu chí, gắn với kết quả thực hiện nhiệm vụ chính trị.",
            "Theo đó, trong tổng số 1.037 tổ chức cơ sở đảng được đánh giá, có 196 tổ chức cơ sở đảng hoàn thành xuất sắc nhiệm vụ, chiếm 18,9%. Toàn tỉnh có 61.240 đảng viên được đánh giá, trong đó 96,8% đảng viên hoàn thành tốt nhiệm vụ trở lên; 412 ĐV không hoàn thành nhiệm vụ, chủ yếu do vi phạm tư cách hoặc không thực hiện đầy đủ nghĩa vụ đảng viên.",
            "Các cấp ủy đã hoàn thành việc kiểm điểm trước ngày 15/12/2023, bảo đảm đúng quy trình. Nhiều nơi đã khắc phục tình trạng “cào bằng”, nể nang; tỷ lệ hoàn thành xuất sắc nhiệm vụ được khống chế theo quy định.",
            "Thời gian tới, Ban Tổ chức Tỉnh ủy đề nghị các cấp ủy tập trung:",
            "1) Chỉ đạo khắc phục ngay những hạn chế, khuyết điểm đã được chỉ ra qua kiểm điểm, có kế hoạch cụ thể và thời hạn hoàn thành.",
            "2) Xem xét, xử lý theo quy định đối với đảng viên hai năm liền không hoàn thành nhiệm vụ.",
            "3) Tăng cường kiểm tra, giám sát việc đánh giá, xếp loại ở các chi bộ, kịp thời chấn chỉnh biểu hiện hình thức.",
        ],
        "other": [
            ("/to-chuc-dang-vien/5311.html", "Tuy Phước trao Huy hiệu 40 năm tuổi Đảng cho 26 đảng viên"),
            ("/to-chuc-dang-vien/5302.html", "Kiện toàn tổ chức cơ sở đảng trong doanh nghiệp nhà nước"),
        ],
    },
]


def render(page: dict) -> bytes:
    body = "\n".join(f"    <p>{p}</p>" for p in page["body"])
    other = "\n".join(f'    <li><a href="{href}">{text}</a></li>' for href, text in page["other"])
    html = PAGE_TEMPLATE.format(
        body=body,
        other=other,
        site_upper=page["site"].upper(),
        **{k: v for k, v in page.items() if k not in ("body", "other")},
    )
    return html.encode("utf-8")


def write_warc(out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("wb") as fh:
        writer = WARCWriter(fh, gzip=True)
        for page in PAGES:
            url = page["url"]
            host = url.split("/")[2]
            path = "/" + url.split("/", 3)[3]
            req_headers = StatusAndHeaders(
                f"GET {path} HTTP/1.1",
                [("Host", host), ("User-Agent", "pipeline-sample/0.1"), ("Accept", "text/html")],
                is_http_request=True,
            )
            request = writer.create_warc_record(
                url,
                "request",
                payload=BytesIO(b""),
                http_headers=req_headers,
                warc_headers_dict={"WARC-Date": page["warc_date"], "WARC-Record-ID": page["request_id"]},
            )
            payload = render(page)
            http_headers = StatusAndHeaders(
                "200 OK",
                [("Content-Type", "text/html; charset=utf-8"), ("Content-Length", str(len(payload)))],
                protocol="HTTP/1.1",
            )
            response = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(payload),
                http_headers=http_headers,
                warc_headers_dict={
                    "WARC-Date": page["warc_date"],
                    "WARC-Record-ID": page["response_id"],
                    "WARC-Concurrent-To": page["request_id"],
                },
            )
            writer.write_record(request)
            writer.write_record(response)
    return out


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_OUT
    print(write_warc(target))
