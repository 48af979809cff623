"""Stock feeds from shops: parse and check CSV/XLSX files, without touching the database."""

from .parsing import check_stock_file_quickly, parse_stock_file
from .types import MAX_DATA_ROWS, MAX_FILE_BYTES, FeedError, FeedRow, ParsedFeed, RowError

__all__ = [
    "MAX_DATA_ROWS",
    "MAX_FILE_BYTES",
    "FeedError",
    "FeedRow",
    "ParsedFeed",
    "RowError",
    "check_stock_file_quickly",
    "parse_stock_file",
]
