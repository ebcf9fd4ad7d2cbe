"""Hostile and broken inputs: each yields a correct article or exactly one clear
error row, the run completes, memory stays bounded.

The small cases are committed in tests/hostile/ (see corpus.py there); the deep
and the big pages are generated here in tmp_path.
"""
import importlib.util
import os
import shutil
import subprocess
import sys
import textwrap
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest

HOSTILE = Path(__file__).resolve().parent / "hostile"
REPO = Path(__file__).resolve().parents[1]


def _corpus():
    spec = importlib.util.spec_from_file_location("hostile_corpus", HOSTILE / "corpus.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


corpus = _corpus()
TITLE = corpus.TITLE
SENTENCE = corpus.SENTENCE

# case -> what the pipeline must do with it: ("article", place in the body, title,
# published date) or ("error", stage, words of the message)
EXPECTED = {
    "empty.html": ("error", "clean", "no main text"),
    "binary.html": ("error", "decode", "binary content"),
    "truncated.txt.gz": ("error", "read", "broken gzip"),
    "invalid_utf8.html": ("article", "Tân Phú", TITLE, "2024-07-12"),
    "tcvn3.html": ("article", "Bình Minh", TITLE, "2024-07-12"),
    "vni.html": ("article", "Hòa Lạc", TITLE, "2024-07-12"),
    "windows1258.html": ("article", "Phú Lộc", TITLE, "2024-07-12"),
    "nfd.txt": ("article", "Sơn Thủy", TITLE, "2024-07-12"),
    "scripts_only.html": ("error", "clean", "no main text"),
    "no_title.txt": ("article", "Quảng Điền", None, None),
    "laughs.html": ("article", "Mỹ Hưng", TITLE, "2024-07-12"),
    "corrupt.warc#urn:uuid:00000000-0000-4000-8000-000000000001": ("article", "Tam Đa", TITLE, "2024-07-12"),
    "corrupt.warc#urn:uuid:00000000-0000-4000-8000-000000000002": ("error", "read", "truncated WARC record"),
    "deep.html": ("article", "Lộc Hà", TITLE, None),
}


@pytest.fixture(scope="module")
def run(tmp_path_factory, nlp):
    """One run of ``pipeline.run.extract`` over the whole hostile corpus."""
    from pipeline.run import extract

    raw = tmp_path_factory.mktemp("hostile_raw")
    for name in corpus.small_cases():
        shutil.copy(HOSTILE / name, raw / name)
    (raw / "deep.html").write_bytes(corpus.deep_page(10_000))
    out = tmp_path_factory.mktemp("hostile_out")
    summary = extract([raw], out, nlp=nlp)
    articles = pq.read_table(out / "articles.parquet").to_pylist()
    errors = pq.read_table(out / "errors.parquet").to_pylist()

    def case(source: str) -> str:
        return Path(source).name

    return summary, {case(a["source"]): a for a in articles}, [dict(e, case=case(e["source"])) for e in errors], articles


def test_committed_corpus_is_current():
    for name, data in corpus.small_cases().items():
        assert (HOSTILE / name).read_bytes() == data, f"{name}: run python tests/hostile/corpus.py"


def test_run_completes_and_every_case_is_accounted_for(run):
    summary, articles, errors, all_articles = run
    assert summary.pages == len(EXPECTED)
    assert len(all_articles) == len(articles)  # no source gave two articles
    seen = set(articles) | {e["case"] for e in errors}
    assert seen == set(EXPECTED)
    for name in EXPECTED:  # an article xor exactly one error row
        n_errors = sum(e["case"] == name for e in errors)
        assert (name in articles, n_errors) in ((True, 0), (False, 1)), (name, n_errors)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_case(run, name):
    _, articles, errors, _ = run
    expected = EXPECTED[name]
    if expected[0] == "error":
        _, stage, words = expected
        (row,) = [e for e in errors if e["case"] == name]
        assert row["stage"] == stage and words in row["error"], row
        return
    _, place, title, published = expected
    assert name in articles, [e for e in errors if e["case"] == name]
    article = articles[name]
    text = article["text"]
    if name == "invalid_utf8.html":  # the two broken bytes stay visible as U+FFFD, nothing else is lost
        assert text.count("\ufffd") == 2
        text = text.replace("\ufffd", "")
    assert f"Đảng ủy xã {place} tổ chức hội nghị" in text
    assert SENTENCE in text
    assert article["title"] == title
    assert (str(article["published_date"]) if article["published_date"] else None) == published
    assert text == unicodedata.normalize("NFC", text)


def test_entity_block_is_not_expanded(run):
    text = run[1]["laughs.html"]["text"]
    assert "haha" not in text and "&l9;" not in text and len(text) < 1000


def test_legacy_pages_read_like_the_unicode_one(run):
    _, articles, _, _ = run
    reference = articles["invalid_utf8.html"]["text"].replace("\ufffd", "")
    for name, place in (("tcvn3.html", "Bình Minh"), ("vni.html", "Hòa Lạc"), ("windows1258.html", "Phú Lộc")):
        assert articles[name]["text"].replace(place, "Tân Phú") == reference


# ---- big pages, in a subprocess: its peak RSS is measured, not guessed
_CHILD = textwrap.dedent(
    """
    import sys, json
    import pyarrow.parquet as pq
    from pipeline.run import extract
    summary = extract([sys.argv[1]], sys.argv[2])
    out = {t: pq.read_table(f"{sys.argv[2]}/{t}.parquet").to_pylist() for t in ("articles", "errors")}
    print(json.dumps({"articles": [(a["source"], len(a["text"])) for a in out["articles"]],
                      "errors": [(e["source"], e["stage"], e["error"]) for e in out["errors"]]}))
    """
)
# A small launcher runs the child and reads its peak RSS with RUSAGE_CHILDREN: a
# child forked straight from pytest would report pytest's own RSS (Linux keeps
# the pre-exec high-water mark in ru_maxrss).
_LAUNCHER = textwrap.dedent(
    """
    import json, resource, subprocess, sys
    done = subprocess.run([sys.executable, "-c", sys.argv[1], *sys.argv[2:]], capture_output=True, text=True)
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024
    print(json.dumps({"returncode": done.returncode, "peak": peak, "stdout": done.stdout, "stderr": done.stderr[-2000:]}))
    """
)
GIB = 2**30


def _run_child(raw: Path, out: Path) -> tuple[dict, int]:
    """extract() in a child process; its result and its peak RSS in bytes."""
    import json

    launched = subprocess.run(
        [sys.executable, "-c", _LAUNCHER, _CHILD, str(raw), str(out)],
        cwd=REPO,
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(REPO)},
        check=True,
    )
    report = json.loads(launched.stdout)
    assert report["returncode"] in (0, 1), report["stderr"]  # 1: a page failed, as expected
    return json.loads(report["stdout"].strip().splitlines()[-1]), report["peak"]


@pytest.mark.slow
def test_50_mb_page_is_one_error_and_memory_stays_bounded(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "big50.html").write_bytes(corpus.big_page(50))
    result, peak = _run_child(raw, tmp_path / "out")
    print(f"\n50 MB page: peak RSS of the run {peak / 2**20:.1f} MiB")
    assert result["articles"] == []
    ((source, stage, error),) = result["errors"]
    assert source.endswith("big50.html") and stage == "read" and "larger than" in error
    assert peak < 2 * GIB


@pytest.mark.slow
def test_large_page_under_the_cap_is_cut_and_kept(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "big8.html").write_bytes(corpus.big_page(8))
    result, peak = _run_child(raw, tmp_path / "out")
    print(f"\n8 MB page: peak RSS of the run {peak / 2**20:.1f} MiB")
    assert result["errors"] == []
    ((source, length),) = result["articles"]
    assert source.endswith("big8.html") and 400 < length <= 200_000
    assert peak < 2 * GIB


def test_gzip_bomb_is_one_read_error(tmp_path):
    """60 MB of zeros in a 60 kB .gz: decompression stops at the page size cap."""
    import gzip

    from pipeline.sources import PageError, iter_pages

    (tmp_path / "bomb.html.gz").write_bytes(gzip.compress(b"<p>" + b"0" * (60 * 2**20), mtime=0))
    (item,) = list(iter_pages([tmp_path]))
    assert isinstance(item, PageError) and item.stage == "read" and "larger than" in item.error


# ----------------------------------------------------------------- pathological shapes

sys.path.insert(0, str(HOSTILE))
from pathological import SHAPES  # noqa: E402


@pytest.mark.parametrize("name", sorted(SHAPES))
def test_pathological_shape_is_an_article_or_one_error(name, nlp):
    """At a small scale here; tools/bench_hostile.py times them at full size."""
    from pipeline.run import process_page
    from pipeline.sources import Page

    what, suffix, build = SHAPES[name]
    result = process_page(Page(source=f"{name}{suffix}", data=build(0.01), kind=suffix.lstrip(".")), nlp)
    articles = result.rows.get("articles", [])
    assert len(articles) + len(result.errors) == 1, (what, result.errors)
    if result.errors:  # only the per-page row limit may turn one of them away
        assert "over the limit" in result.errors[0]["error"], (what, result.errors)
    else:
        assert "kết nạp 11 đảng viên mới" in articles[0]["text"], what


def test_an_article_after_a_megabyte_of_inline_image_is_kept(nlp):
    """A page over the size cap sheds attribute blobs before it loses its tail."""
    from pipeline.run import process_page
    from pipeline.sources import Page

    image = "<img src='data:image/png;base64," + "iVBORw0KGgo" * 150_000 + "'>"
    html = corpus.page(TITLE, corpus.BODY).replace("<article>", "<article>" + image, 1)
    result = process_page(Page(source="inline.html", data=html.encode("utf-8"), kind="html"), nlp)
    assert not result.errors, result.errors
    assert SENTENCE in result.rows["articles"][0]["text"]
