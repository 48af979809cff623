"""The marketplace as deployed (DEBUG off), plus the query-count header for the benchmark."""

from marketplace.settings.base import *  # noqa: F403

DEBUG = False
MIDDLEWARE = ["benchmarks.query_count.QueryCountMiddleware", *MIDDLEWARE]  # noqa: F405
