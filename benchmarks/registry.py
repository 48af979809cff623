"""Imports each benchmark module so that it registers itself. Add new modules here."""

from benchmarks import (
    catalogue,  # noqa: F401
    chaos,  # noqa: F401
    checkout_contention,  # noqa: F401
    dispatch_reference,  # noqa: F401
    dispatcher,  # noqa: F401
    dispatcher_day,  # noqa: F401
    local_economics,  # noqa: F401
    pos_feed,  # noqa: F401
    reports,  # noqa: F401
    storefront_load,  # noqa: F401
    webhook_burst,  # noqa: F401
)
