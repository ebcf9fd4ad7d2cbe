"""The README's table of tables names every table and every column of pipeline/schema.py."""
import re

from pipeline.schema import TABLES


def test_readme_lists_every_table_and_column(repo):
    rows = {}
    for line in (repo / "README.md").read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(\w+)` \| [^|]+ \| (.+) \|$", line)
        if m:
            rows[m.group(1)] = set(re.findall(r"`(\w+)`", m.group(2)))
    assert set(rows) == set(TABLES)
    for name, schema in TABLES.items():
        missing = set(schema.names) - rows[name] - {"article_id"}
        assert not missing, f"README: {name} lacks {sorted(missing)}"
