"""Error tracking with sentry-sdk, only when SENTRY_DSN is set. No personal data is sent."""

import sentry_sdk
from sentry_sdk.integrations.celery import CeleryIntegration
from sentry_sdk.integrations.django import DjangoIntegration

from .context import request_id

# send_default_pii=False already leaves out users, cookies and addresses; these request parts
# can still carry an e-mail (a search, a form) or a session, so they go too.
STRIPPED_REQUEST_KEYS = ("query_string", "cookies", "data", "env")


def scrub(event, hint):
    request = event.get("request")
    if request:
        for key in STRIPPED_REQUEST_KEYS:
            request.pop(key, None)
        if "url" in request:
            request["url"] = request["url"].split("?", 1)[0]
        headers = request.get("headers") or {}
        for name in list(headers):
            if name.lower() in ("cookie", "authorization", "x-forwarded-for", "x-real-ip"):
                headers.pop(name)
    event.pop("user", None)
    rid = request_id.get()
    if rid:
        event.setdefault("tags", {})["request_id"] = rid
    return event


def init_sentry(*, dsn: str, environment: str, release: str | None, traces_rate: float) -> None:
    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        send_default_pii=False,
        # Frame locals hold requests, SQL parameters and form data: never sent.
        include_local_variables=False,
        max_request_body_size="never",
        integrations=[DjangoIntegration(), CeleryIntegration()],
        traces_sample_rate=traces_rate,
        before_send=scrub,
    )
