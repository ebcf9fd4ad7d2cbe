"""Vietnamese party-building news: scraped pages to a tidy Parquet dataset."""
__version__ = "0.1.0"
