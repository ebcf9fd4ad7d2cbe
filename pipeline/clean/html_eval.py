"""The HTML cleaner against plain trafilatura, on saved pages with gold annotations.

``python -m pipeline.clean.html_eval GOLD_DIR PAGES_DIR [--floors FILE] [--verbose]``
scores, per field, what :func:`pipeline.clean.clean_page` recovers from each page
and what ``trafilatura.extract`` (its defaults) and ``trafilatura.extract_metadata``
recover from the same page, with the scoring of ``pipeline eval`` (the same
normalisation, the same TP / FP / FN per field), plus ``url``: the page's own
address (og:url, canonical link), trailing slash and HTML escapes ignored.

Gold files are those of ``../shared/gold/FORMAT.md`` with an optional ``"url"``;
only the fields the cleaner decides are scored: :data:`FIELDS`. The floors file
``{"field": min_f1}`` holds the cleaner's floors; every field must also score at
least trafilatura's F1 (the exit code is 1 otherwise).
"""
from __future__ import annotations

import argparse
import html as html_lib
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipeline import evaluate

FIELDS = ("title", "published_date", "author", "url", "body_first_words", "body_last_words", "boilerplate")


@dataclass
class Extracted:
    """What one extractor recovers from one page, as the articles table holds it."""

    text: str
    title: str | None
    published_date: Any
    author: str | None
    url: str | None


def read_page(path: Path) -> str:
    """The page as the pipeline reads it: decoded and normalised."""
    from pipeline.decode import decode, normalize

    return normalize(decode(path.read_bytes(), None, html=True)[0])


def pipeline_extract(html: str) -> Extracted:
    from pipeline.clean import clean_page

    c = clean_page(html, "html", None)
    return Extracted(c.text, c.title, c.published_date, c.author, c.url)


def trafilatura_extract(html: str) -> Extracted:
    """``trafilatura.extract`` with its defaults, and its metadata."""
    import trafilatura

    meta = trafilatura.extract_metadata(html)
    return Extracted(trafilatura.extract(html) or "", meta.title, meta.date, meta.author, meta.url)


def _url_key(value: Any) -> str | None:
    if not value:
        return None
    return html_lib.unescape(str(value)).strip().rstrip("/") or None


def score_page(scores: dict[str, evaluate.Score], gold: dict, got: Extracted) -> None:
    """The fields of :data:`FIELDS` for one page, scored as ``pipeline eval`` scores them."""
    article = {"title": got.title, "author": got.author, "published_date": got.published_date,
               "text": got.text, "province": gold.get("province")}
    evaluate.score_article(scores, gold, article, {}, set())
    evaluate._score_single(scores["url"], evaluate._label(gold), gold.get("url"), got.url, key=_url_key)


def score_all(gold: list[dict], pages_dir: Path) -> dict[str, dict[str, evaluate.Score]]:
    """``{"pipeline": {field: Score}, "trafilatura": {field: Score}}``."""
    extractors = {"pipeline": pipeline_extract, "trafilatura": trafilatura_extract}
    out = {}
    for name, extract in extractors.items():
        scores = {n: evaluate.Score(n) for n in evaluate.FIELDS + evaluate.ACCURACY_ONLY + ("url",)}
        for g in gold:
            score_page(scores, g, extract(read_page(Path(pages_dir) / g["doc"])))
        out[name] = {n: scores[n] for n in FIELDS}
    return out


def failures(results: dict[str, dict[str, evaluate.Score]], floors: dict[str, float]) -> list[str]:
    """Fields below their floor, or below trafilatura."""
    out = []
    ours, theirs = results["pipeline"], results["trafilatura"]
    for name in FIELDS:
        if ours[name].f1 + 1e-9 < theirs[name].f1:
            out.append(f"{name}: pipeline {ours[name].f1:.3f} < trafilatura {theirs[name].f1:.3f}")
        floor = floors.get(name)
        if floor is not None and ours[name].f1 + 1e-9 < float(floor):
            out.append(f"{name}: {ours[name].f1:.3f} < floor {float(floor):.3f}")
    return out


def render(results: dict[str, dict[str, evaluate.Score]], out, verbose: bool = False) -> None:
    print(f"{'field':<18} {'pipeline F1':>12} {'trafilatura F1':>15}", file=out)
    for name in FIELDS:
        print(f"{name:<18} {results['pipeline'][name].f1:>12.3f} {results['trafilatura'][name].f1:>15.3f}", file=out)
    for who in results if verbose else ():
        issues = [i for s in results[who].values() for i in s.issues]
        if issues:
            print(f"\n{who}: misses and false positives", file=out)
        for i in sorted(issues, key=lambda i: (i["doc"], i["field"])):
            print(f"  {i['kind']:<14} {i['doc']} {i['field']}: gold {i['gold']!r} | pred {i['pred']!r}", file=out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold_dir", type=Path)
    parser.add_argument("pages_dir", type=Path)
    parser.add_argument("--floors", type=Path)
    parser.add_argument("--verbose", "-v", action="store_true")
    args = parser.parse_args(argv)
    gold = evaluate.load_gold(args.gold_dir)
    if not gold:
        print(f"no gold files in {args.gold_dir}", file=sys.stderr)
        return 2
    results = score_all(gold, args.pages_dir)
    floors = json.loads(args.floors.read_text(encoding="utf-8")) if args.floors else {}
    render(results, sys.stdout, args.verbose)
    failed = failures(results, {k: v for k, v in floors.items() if not k.startswith("_")})
    for line in failed:
        print(f"below: {line}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
