"""Extraction components over the article's Doc: one module per table.

Each module keeps its patterns and tables as data beside it, exposes a pure
function over the text (``find_*``) that tests call directly, and registers a
spaCy component that appends rows to ``doc._.rows[<table>]``. Row dicts carry
the columns of ``pipeline.schema.<TABLE>`` except ``article_id``, which
``pipeline.run`` adds.
"""
