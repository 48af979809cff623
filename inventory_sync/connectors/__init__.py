"""Connections to shops' POS systems and our own push API."""
