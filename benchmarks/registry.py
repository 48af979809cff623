"""Imports each benchmark module so that it registers itself. Add new modules here."""

from benchmarks import (
    checkout_contention,  # noqa: F401
    dispatcher,  # noqa: F401
    dispatcher_day,  # noqa: F401
)
