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
