"""Imports each benchmark module so that it registers itself. Add new modules here."""

from benchmarks import dispatcher  # noqa: F401
