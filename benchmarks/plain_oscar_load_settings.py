"""Plain Oscar as the load benchmark's baseline: plain_oscar_settings without the
query-count header (ours runs with the production settings, which have none)."""

from benchmarks.plain_oscar_settings import *  # noqa: F403

MIDDLEWARE = [m for m in MIDDLEWARE if not m.startswith("benchmarks.")]  # noqa: F405
