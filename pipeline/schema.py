"""Every output table, in one place.

Each table is a pyarrow schema keyed by ``article_id``. ``store.write_table``
validates rows against these schemas when it writes, and writes a table even
when it has no rows, so a query over ``data/processed`` always finds every table.
Offsets (``start``, ``end``) index ``articles.text``: ``text[start:end]`` is the
span's ``text``.
"""
from __future__ import annotations

import pyarrow as pa

ARTICLES = pa.schema(
    [
        ("article_id", pa.string()),
        ("source", pa.string()),  # file path, plus '#record-id' inside a WARC
        ("url", pa.string()),
        ("site", pa.string()),  # host of the URL
        ("publisher", pa.string()),  # the publication's name as the page prints it
        ("title", pa.string()),
        ("published_date", pa.date32()),
        ("author", pa.string()),
        ("views", pa.int64()),
        ("text", pa.string()),  # cleaned main text, paragraphs separated by "\n"
        ("text_tokenized", pa.string()),  # words joined with "_", one sentence a line
        ("n_sentences", pa.int32()),
        ("n_words", pa.int32()),
        ("content_hash", pa.string()),
        ("fetched_at", pa.timestamp("ms", tz="UTC")),
        # classification (pipeline.classify)
        ("topic", pa.string()),
        ("topics", pa.list_(pa.string())),
        ("topic_scores", pa.map_(pa.string(), pa.float64())),
        ("genre", pa.string()),
        ("is_party_building", pa.bool_()),
        ("topic_evidence", pa.list_(pa.string())),
        # who and where (pipeline.extract.entities)
        ("province", pa.string()),
        ("province_current", pa.string()),
        ("province_evidence", pa.string()),
        ("pipeline_version", pa.string()),
        ("processed_at", pa.timestamp("ms", tz="UTC")),
    ]
)

DOC_REFS = pa.schema(
    [
        ("article_id", pa.string()),
        ("canonical", pa.string()),
        ("doc_type", pa.string()),
        ("doc_type_name", pa.string()),
        ("number", pa.string()),
        ("year", pa.int32()),
        ("issuer_code", pa.string()),
        ("system", pa.string()),  # party | state
        ("issued_date", pa.date32()),
        ("issuer_text", pa.string()),
        ("issuer_entity_id", pa.int32()),  # entities.entity_id of the issuing body, when named
        ("term", pa.string()),
        ("plenum", pa.string()),
        ("partial", pa.bool_()),
        ("catalog_id", pa.string()),
        ("catalog_title", pa.string()),
        ("superseded_by", pa.string()),  # catalog_id of the document that replaced the linked one
        ("in_force_until", pa.date32()),  # the day that replacement was issued
        ("text", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
        ("sentence", pa.string()),
    ]
)

DATES = pa.schema(
    [
        ("article_id", pa.string()),
        ("value", pa.string()),  # 2022-06-16 | 2022-06 | 2021-Q1 | 2022 | 2020/2025
        ("date", pa.date32()),
        ("date_end", pa.date32()),
        ("precision", pa.string()),  # day | month | quarter | year | year_range | day_range
        ("role", pa.string()),  # published | issued | mentioned
        ("relative", pa.bool_()),
        ("text", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
    ]
)

COUNTS = pa.schema(
    [
        ("article_id", pa.string()),
        ("value", pa.float64()),
        ("unit", pa.string()),
        ("qualifier", pa.string()),
        ("measure", pa.string()),  # one of extract/count_measures.csv
        ("percent", pa.bool_()),
        ("approx", pa.string()),  # trên | hơn | gần | khoảng | None
        ("subject", pa.string()),
        ("subject_entity_id", pa.int32()),  # entities.entity_id of the subject organisation
        ("year", pa.int32()),
        ("text", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
    ]
)

SOLUTIONS = pa.schema(
    [
        ("article_id", pa.string()),
        ("list_id", pa.int32()),
        ("kind", pa.string()),  # solution | measure | limitation | other
        ("unmarked", pa.bool_()),
        ("lead", pa.string()),
        ("item_index", pa.int32()),
        ("marker", pa.string()),
        ("text", pa.string()),
        ("summary", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
    ]
)

ENTITIES = pa.schema(
    [
        ("article_id", pa.string()),
        ("entity_id", pa.int32()),  # 0.. within the article; (article_id, entity_id) is the key
        ("kind", pa.string()),  # organisation | person
        ("text", pa.string()),
        ("name", pa.string()),
        ("org_type", pa.string()),
        ("level", pa.string()),  # central | province | district | commune | grassroots
        ("titles", pa.list_(pa.string())),
        ("province", pa.string()),
        ("start", pa.int32()),
        ("end", pa.int32()),
    ]
)

ERRORS = pa.schema(
    [
        ("source", pa.string()),
        ("stage", pa.string()),  # one of ERROR_STAGES
        ("error", pa.string()),
        ("pipeline_version", pa.string()),
        ("processed_at", pa.timestamp("ms", tz="UTC")),
    ]
)

# pages of the input left out because an earlier page gave the same article
DUPLICATES = pa.schema(
    [
        ("source", pa.string()),  # the page left out
        ("article_id", pa.string()),  # the article it would have given, kept from source_kept
        ("source_kept", pa.string()),
        ("reason", pa.string()),  # same URL | same text
    ]
)

# table name -> schema; the file is data/processed/<name>.parquet
TABLES: dict[str, pa.Schema] = {
    "articles": ARTICLES,
    "doc_refs": DOC_REFS,
    "dates": DATES,
    "counts": COUNTS,
    "solutions": SOLUTIONS,
    "entities": ENTITIES,
    "errors": ERRORS,
    "duplicates": DUPLICATES,
}

# Tables written at publishing from the articles of the input, not by pages
PUBLISH_TABLES = ("duplicates",)

# Tables of pages rather than articles: one file each, left out of the partitioned dataset
PAGE_TABLES = ("errors", "duplicates")

# Tables whose rows come from a component over the article's Doc, in run order; each
# row is a span of articles.text (start, end, text).
EXTRACTION_TABLES = ("doc_refs", "dates", "counts", "solutions", "entities")

# Columns that may never be null, per table (pyarrow schemas alone allow nulls); every
# other column may be. store.to_table refuses rows that break it, validate checks it.
REQUIRED: dict[str, tuple[str, ...]] = {
    "articles": ("article_id", "source", "text", "content_hash", "pipeline_version"),
    "doc_refs": ("article_id", "text", "start", "end"),  # partial refs have no canonical
    "dates": ("article_id", "value", "precision", "role"),
    "counts": ("article_id", "value", "unit", "text", "start", "end"),
    "solutions": ("article_id", "list_id", "item_index", "text", "start", "end"),
    "entities": ("article_id", "kind", "text", "start", "end"),
    "errors": ("source", "stage", "error"),
    "duplicates": ("source", "article_id", "source_kept", "reason"),
}

# The stages an error row may name (errors.stage)
ERROR_STAGES = ("read", "decode", "clean", "tokenize", "nlp", "extract", "classify", "write", "worker")
