"""Logs, metrics and error tracking: what an operator reads (README, "Logs, metrics and errors")."""
