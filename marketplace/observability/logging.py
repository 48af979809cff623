"""Log records as JSON lines (python-json-logger) or readable text, with the request id.

settings.LOGGING comes from `logging_config`; LOG_FORMAT=json is the production default.
"""

import logging
from datetime import UTC, datetime

from pythonjsonlogger.json import JsonFormatter as BaseJsonFormatter

from .context import request_id

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"
# Extras some loggers attach that must never reach a log line: django.request's `request`
# prints the full path with its query string.
DROPPED_EXTRAS = ("request", "color_message")


class RequestIdFilter(logging.Filter):
    """Stamps every record with the current request id (None outside a request or task)."""

    def filter(self, record):
        record.request_id = request_id.get()
        return True


class JsonFormatter(BaseJsonFormatter):
    """One JSON object per record: time, level, logger, message, request_id, then extras."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("fmt", ["asctime", "levelname", "name", "message"])
        kwargs.setdefault(
            "rename_fields", {"asctime": "time", "levelname": "level", "name": "logger"}
        )
        super().__init__(*args, **kwargs)

    def formatTime(self, record, datefmt=None):  # noqa: N802 (logging's name)
        return datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds")

    def add_fields(self, log_data, record, message_dict):
        super().add_fields(log_data, record, message_dict)
        for key in DROPPED_EXTRAS:
            log_data.pop(key, None)
        if log_data.get("request_id") is None:
            log_data.pop("request_id", None)


def logging_config(log_format: str = "text", level: str = "INFO") -> dict:
    """settings.LOGGING: everything to stdout through one handler; gunicorn's access log off
    (the middleware writes one line per request) and its error log through the same handler."""
    formatter = {"()": JsonFormatter} if log_format == "json" else {"format": TEXT_FORMAT}
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {"request_id": {"()": RequestIdFilter}},
        "formatters": {"default": formatter},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "stream": "ext://sys.stdout",
                "formatter": "default",
                "filters": ["request_id"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": level, "propagate": False},
            "gunicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
            # Django's own per-request lines would repeat ours.
            "django.server": {"handlers": [], "level": "CRITICAL", "propagate": False},
        },
    }
