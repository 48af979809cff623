"""The base settings with tests/ops/slow_urls.py: a gunicorn started by
tests/ops/test_graceful_shutdown.py serves requests that take the time the test asks."""

from marketplace.settings.base import *  # noqa: F403

ROOT_URLCONF = "tests.ops.slow_urls"
