"""GET /metrics for Prometheus: with `Authorization: Bearer <METRICS_TOKEN>` or from an
address in METRICS_ALLOWED_IPS (loopback by default); anyone else gets a 404."""

import hmac
from ipaddress import ip_address, ip_network

from django.conf import settings
from django.db import transaction
from django.http import Http404, HttpResponse
from django.views.decorators.http import require_GET
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest

from .collectors import ScrapeTimeCollector
from .metrics import process_registry


def may_scrape(request) -> bool:
    token = settings.METRICS_TOKEN
    sent = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
        return True
    # REMOTE_ADDR only: X-Forwarded-For is whatever the client wrote.
    try:
        address = ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(address in ip_network(net, strict=False) for net in settings.METRICS_ALLOWED_IPS)


@transaction.non_atomic_requests
@require_GET
def metrics(request):
    if not may_scrape(request):
        raise Http404
    scrape_time = CollectorRegistry()
    scrape_time.register(ScrapeTimeCollector())
    body = generate_latest(process_registry()) + generate_latest(scrape_time)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
