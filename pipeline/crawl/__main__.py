"""``python -m pipeline.crawl [URL ...] [--seeds FILE] [--out DIR] ...``: one crawl per process.

``--set NAME=VALUE`` overrides any Scrapy or CRAWL_* setting (values are JSON when
they parse as JSON: ``--set DOWNLOAD_TIMEOUT=1 --set RETRY_HTTP_CODES=[500]``).
"""
from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from pipeline.crawl import _coerce, run_crawl


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m pipeline.crawl", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("urls", nargs="*", help="start URLs: site roots, section pages, sitemaps or feeds")
    ap.add_argument("--seeds", type=Path, help="file of seed URLs, one per line, # comments")
    ap.add_argument("--out", type=Path, default=Path("data/raw"))
    ap.add_argument("--max-pages", type=int)
    ap.add_argument("--max-seconds", type=int, help="stop the crawl after this many seconds (what is stored is kept)")
    ap.add_argument("--allow-domain", action="append", default=[], dest="allow_domains")
    ap.add_argument("--since", type=date.fromisoformat, help="YYYY-MM-DD: skip articles dated earlier")
    ap.add_argument("--refresh", action="store_true", help="revalidate stored pages (If-Modified-Since / ETag)")
    ap.add_argument("--allow-private", action="store_true", help="allow loopback/private addresses (tests)")
    ap.add_argument("--contact", help="URL or mail address for site owners, put in the User-Agent "
                    "(default: $CRAWL_CONTACT_URL, else a placeholder that warns)")
    ap.add_argument("--verbose", action="store_true", help="Scrapy's log on the terminal too (it is always "
                    "in <out>/.crawl/crawl.log)")
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE", dest="sets")
    args = ap.parse_intermixed_args(argv)  # start URLs may follow options
    overrides = {}
    for item in args.sets:
        if "=" not in item:
            ap.error(f"--set wants NAME=VALUE, got {item!r}")
        k, v = item.split("=", 1)
        overrides[k.strip()] = _coerce(v)
    for flag, value in (("--max-pages", args.max_pages), ("--max-seconds", args.max_seconds)):
        if value is not None and value < 1:
            ap.error(f"{flag} wants 1 or more (0 would mean no limit to Scrapy)")
    if args.max_seconds is not None:
        overrides["CLOSESPIDER_TIMEOUT"] = args.max_seconds
    return run_crawl(args.urls, args.seeds, args.out, args.max_pages, args.allow_domains, args.since,
                     args.refresh, allow_private=args.allow_private, overrides=overrides,
                     contact=args.contact, verbose=args.verbose)


if __name__ == "__main__":
    sys.exit(main())
