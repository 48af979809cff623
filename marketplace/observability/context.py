"""The id of the request (or of the request that started a task) being handled now."""

import re
import uuid
from contextvars import ContextVar

request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# What a proxy or client may send us: long enough to be unique, nothing that could break a
# log line or a header (no spaces, quotes or newlines).
WELL_FORMED = re.compile(r"[A-Za-z0-9._-]{8,128}")  # as the proxy (deploy/nginx)


def accept_or_new(incoming: str | None) -> str:
    """The incoming id when well-formed, else a fresh one."""
    if incoming and WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex
