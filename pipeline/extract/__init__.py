"""Extraction components over the article's Doc: one module per table.

Each module keeps its patterns and tables as data beside it, exposes a pure
function over the text (``find_*``) that tests call directly, and registers a
thin spaCy factory with ``core.component`` that declares what it reads and writes
and appends rows to ``doc._.rows[<table>]``. ``core`` is the engine they share:
the table loader, the span resolver, the date builder. Row dicts carry the
columns of ``pipeline.schema.<TABLE>`` except ``article_id``, which the page code
adds; a column is written by one component only (``core.check_flow``).
"""
