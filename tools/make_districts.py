"""Write pipeline/extract/districts.csv and communes.csv: the units before the 2025 reform.

    python tools/make_districts.py [WHEEL]

The source is the data file of the ``vietnam-provinces`` package, version 0.6.0 (the
General Statistics Office's list of administrative units, 63 provinces and 696
district-level units, before districts were abolished on 2025-07-01). It is read from
the wheel (downloaded with ``pip download vietnam-provinces==0.6.0 --no-deps`` when no
WHEEL is given) so the pipeline does not depend on the package at run time. Names
shared by units of several provinces (``Châu Thành``, ``Phú Tân`` ...) are written
with ``ambiguous`` set: they never decide a province on their own. communes.csv holds
only the commune-level names (xã, phường, thị trấn) found in one province alone and
shared with no district or province name elsewhere.
"""
from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
import tempfile
import unicodedata
import zipfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from pipeline.extract.entities import _place_key  # noqa: E402 - one name form with the matcher
OUT = ROOT / "pipeline" / "extract" / "districts.csv"
COMMUNES = ROOT / "pipeline" / "extract" / "communes.csv"
PACKAGE = "vietnam-provinces==0.6.0"
MEMBER = "vietnam_provinces/data/nested-divisions.json"
PREFIX = re.compile(r"^(Huyện|Quận|Thị xã|Thành phố|Tỉnh)\s+")
KIND = {"Huyện": "huyện", "Quận": "quận", "Thị xã": "thị xã", "Thành phố": "thành phố"}
WARD = re.compile(r"^(Xã|Phường|Thị trấn)\s+")


def load(wheel: Path | None) -> list[dict]:
    if wheel is None:
        tmp = Path(tempfile.mkdtemp())
        subprocess.run([sys.executable, "-m", "pip", "download", PACKAGE, "--no-deps", "-d", str(tmp)], check=True)
        wheel = next(tmp.glob("*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        return json.loads(zf.read(MEMBER))


def main(argv: list[str]) -> int:
    data = load(Path(argv[0]) if argv else None)
    rows = []
    for prov in data:
        pname = PREFIX.sub("", unicodedata.normalize("NFC", prov["name"]))
        for d in prov["districts"]:
            full = unicodedata.normalize("NFC", d["name"])
            m = PREFIX.match(full)
            rows.append({"name": PREFIX.sub("", full), "kind": KIND[m.group(1)] if m else "", "province": pname})
    shared = Counter(r["name"] for r in rows)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        fh.write("# District-level units before the 2025 reform (districts abolished 2025-07-01), written by\n")
        fh.write(f"# tools/make_districts.py from the data of the `{PACKAGE}` package (General Statistics\n")
        fh.write("# Office list). province: as named then (pipeline/extract/provinces.csv). ambiguous: the\n")
        fh.write("# name is shared by units of several provinces and never decides a province alone.\n")
        w = csv.DictWriter(fh, fieldnames=["name", "kind", "province", "ambiguous"], lineterminator="\n")
        w.writeheader()
        for r in rows:
            w.writerow({**r, "ambiguous": "yes" if shared[r["name"]] > 1 else ""})
    print(f"{OUT}: {len(rows)} units, {sum(1 for n in shared.values() if n > 1)} shared names")
    write_communes(data, {r["name"]: r["province"] for r in rows})
    return 0


def write_communes(data: list[dict], district_province: dict[str, str]) -> None:
    """Commune names that point to one province only (digits-only names left out)."""
    where: dict[str, set[str]] = {}
    kinds: dict[str, str] = {}
    for prov in data:
        pname = PREFIX.sub("", unicodedata.normalize("NFC", prov["name"]))
        for d in prov["districts"]:
            for w in d["wards"]:
                full = unicodedata.normalize("NFC", w["name"])
                m = WARD.match(full)
                name = WARD.sub("", full)
                if not m or not re.search(r"[^\W\d_]", name):
                    continue
                where.setdefault(_place_key(name), set()).add(pname)
                kinds.setdefault(_place_key(name), (name, m.group(1).lower()))
    provinces = {_place_key(PREFIX.sub("", unicodedata.normalize("NFC", p["name"]))) for p in data}
    districts = {_place_key(n): p for n, p in district_province.items()}
    keep = sorted(
        (k for k, ps in where.items()
         if len(ps) == 1 and k not in provinces and districts.get(k, next(iter(ps))) == next(iter(ps))),
        key=lambda k: kinds[k][0],
    )
    with open(COMMUNES, "w", encoding="utf-8", newline="") as fh:
        fh.write("# Commune-level units (xã, phường, thị trấn) before the 2025 reform whose name belongs to one\n")
        fh.write(f"# province only, written by tools/make_districts.py from the `{PACKAGE}` package data.\n")
        w = csv.DictWriter(fh, fieldnames=["name", "kind", "province"], lineterminator="\n")
        w.writeheader()
        for n in keep:
            w.writerow({"name": kinds[n][0], "kind": kinds[n][1], "province": next(iter(where[n]))})
    print(f"{COMMUNES}: {len(keep)} names of one province")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
