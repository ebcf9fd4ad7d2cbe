"""Generated corpora for benchmarks and tests: copies of the sample pages of ``data/raw``,
each with a small text variation, so content hashes and article ids differ."""
from __future__ import annotations

import gzip
import re
from io import BytesIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "raw"

# The variation inserted into a copy: ASCII only, so it fits every sample's encoding.
_LONGEST_SENTENCE_END = re.compile(rb"\.(?=\s|<|$)")


# --------------------------------------------------------------------------- corpus
def _vary(data: bytes, i: int) -> bytes:
    """``data`` with a short marker inserted into its longest line (the body text)."""
    lines = data.split(b"\n")
    k = max(range(len(lines)), key=lambda j: len(lines[j]))
    line = lines[k]
    m = None
    for m in _LONGEST_SENTENCE_END.finditer(line):
        pass  # the last sentence end of the line
    mark = f" (ID {i:05d})".encode()
    lines[k] = line[: m.start()] + mark + line[m.start():] if m else line + mark
    return b"\n".join(lines)


def _copy_warc(src: Path, dst: Path, i: int) -> None:
    from warcio.archiveiterator import ArchiveIterator
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(src, "rb") as fin, open(dst, "wb") as fout:
        writer = WARCWriter(fout, gzip=True)
        for n, record in enumerate(ArchiveIterator(fin)):
            if record.rec_type != "response":
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or f"http://example.vn/{n}"
            url = f"{url}{'&' if '?' in url else '?'}copy={i}"
            payload = _vary(record.content_stream().read(), i)
            headers = StatusAndHeaders("200 OK", record.http_headers.headers, protocol="HTTP/1.1")
            out = writer.create_warc_record(
                url,
                "response",
                payload=BytesIO(payload),
                http_headers=headers,
                warc_headers_dict={
                    "WARC-Date": record.rec_headers.get_header("WARC-Date") or "2024-01-01T00:00:00Z",
                    "WARC-Record-ID": f"<urn:uuid:00000000-0000-4000-8000-{i:06d}{n:06d}>",
                },
            )
            writer.write_record(out)


def pages_per_copy(samples: Path = SAMPLES) -> int:
    from pipeline.sources import iter_pages

    return sum(1 for _ in iter_pages([samples]))


def make_corpus(out: Path | str, n_pages: int, samples: Path = SAMPLES, start: int = 0) -> int:
    """Write copies ``start, start+1, ...`` of the sample pages into ``out`` until
    ``n_pages`` pages; returns the number of pages written.

    Copy ``i`` lives in ``out/c<i>/`` and every page of it carries the marker
    ``(ID i)`` in its body (WARC records also get ``?copy=i`` on their URL).
    """
    from pipeline.sources import discover, kind_of, pages_of

    out = Path(out)
    files, _ = discover([samples])
    per_file = {f: sum(1 for _ in pages_of(f)) for f in files}
    written, i = 0, start
    while written < n_pages:
        folder = out / f"c{i:05d}"
        folder.mkdir(parents=True, exist_ok=True)
        for f in files:
            if written >= n_pages:
                break
            if kind_of(f) == "warc":
                _copy_warc(f, folder / f.name, i)
                written += per_file[f]
                continue
            data = f.read_bytes()
            if f.name.endswith(".gz"):
                (folder / f.name).write_bytes(gzip.compress(_vary(gzip.decompress(data), i), mtime=0))
            else:
                (folder / f.name).write_bytes(_vary(data, i))
            written += 1
        i += 1
    return written


# --------------------------------------------------------------------------- distinct pages
# Syllables that replace those of proper names, so every generated page has pairs and
# triples of its own (the segmenter's weight cache cannot have seen them).
_NAME_SYLLABLES = ("An Bảo Cường Dũng Giang Hà Hải Hiền Hoà Hùng Khánh Lâm Linh Long Minh Nam Nga "
                   "Ngọc Phong Phúc Quang Sơn Tâm Thanh Thảo Thịnh Trung Tuấn Vân Việt Xuân Yến").split()
_WEEKDAYS = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
MIN_BODY_CHARS = 200  # pipeline.settings.MIN_TEXT_CHARS: a shorter main text is no article
_DIGITS = re.compile(r"\d+")
_NAME_RUN = re.compile(r"\b(?:[^\W\d_][^\W_]* ){1,3}[^\W\d_][^\W_]*")


def sample_sentences(samples: Path = SAMPLES) -> list[str]:
    """The sentences of the cleaned sample pages, each once, in order."""
    from underthesea import sent_tokenize

    from pipeline.clean import clean_page
    from pipeline.decode import decode, normalize
    from pipeline.sources import Page, iter_pages

    seen: dict[str, None] = {}
    for p in iter_pages([samples]):
        if isinstance(p, Page):
            raw, _cs = decode(p.data, p.charset, html=p.kind == "html")
            for line in clean_page(normalize(raw), p.kind, p.url).text.splitlines():
                for s in sent_tokenize(line):
                    if len(s.split()) >= 6:
                        seen.setdefault(s.strip(), None)
    return list(seen)


def _varied(sentence: str, rng) -> str:
    """``sentence`` with its numbers and the syllables of its names redrawn."""
    sentence = _DIGITS.sub(lambda m: str(rng.randint(1, 10 ** len(m.group()) - 1)), sentence)
    return _NAME_RUN.sub(lambda m: _varied_name(m.group(), rng), sentence)


def _varied_name(words: str, rng) -> str:
    """A run of words whose last two are capitalised (a name) gets a new last syllable."""
    parts = words.split(" ")
    if len(parts) >= 2 and parts[-1][0].isupper() and parts[-2][0].isupper():
        parts[-1] = rng.choice(_NAME_SYLLABLES)
    return " ".join(parts)


def distinct_page(sentences: list[str], i: int, chars: int) -> str:
    """Page ``i`` of a distinct corpus: a title, a date line and about ``chars`` characters of
    body, sentences drawn across all samples (a paragraph every three), names and numbers varied."""
    import random

    rng = random.Random(i)
    title = _varied(rng.choice(sentences), rng).rstrip(".")
    if chars < MIN_BODY_CHARS:  # a page of one sentence: the shortest that is still an article
        long_enough = [s for s in sentences if len(s) >= MIN_BODY_CHARS]
        sentences = [min(long_enough, key=len)] if long_enough else sentences
    date = f"{rng.choice(_WEEKDAYS)}, {rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/{rng.randint(2019, 2026)} | 08:{rng.randint(0, 59):02d}"
    body, size, paragraph = [], 0, []
    while size < max(chars, 1):
        s = _varied(rng.choice(sentences), rng)
        paragraph.append(s)
        size += len(s) + 1
        if len(paragraph) == 3:
            body.append(" ".join(paragraph))
            paragraph = []
    if paragraph:
        body.append(" ".join(paragraph))
    return "\n".join([title, date, "", *body]) + "\n"


def make_distinct_corpus(out: Path | str, n_pages: int, chars: int, sentences: list[str] | None = None,
                         start: int = 0) -> int:
    """Write ``n_pages`` distinct text pages of about ``chars`` characters into ``out``
    (pages ``start, start+1, ...``); returns the number written."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    sentences = sentences or sample_sentences()
    for i in range(start, start + n_pages):
        (out / f"p{i:06d}_{chars}.txt").write_text(distinct_page(sentences, i, chars), encoding="utf-8")
    return n_pages
