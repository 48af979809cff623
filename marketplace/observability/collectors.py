"""Gauges read at scrape time: Celery queue length, POS sync lag, parts waiting too long.

A few aggregate queries per scrape; a source that fails is reported by
stadsmarkt_metrics_source_up{source} = 0 instead of failing the scrape.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from prometheus_client.core import GaugeMetricFamily

logger = logging.getLogger(__name__)


def queue_length(queue: str) -> int | None:
    """LLEN of the Celery queue in Redis; None when the broker is not Redis."""
    import redis

    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
    try:
        return client.llen(queue)
    finally:
        client.close()


def pos_sync_lag(now) -> dict[str, float]:
    """Seconds since each active shop's POS was last heard from (since connecting if never)."""
    from inventory_sync.models import PosConnection
    from shops.models import ShopStatus

    rows = PosConnection.objects.filter(shop__status=ShopStatus.ACTIVE).values_list(
        "shop__slug", "last_event_at", "last_full_sync_at", "created_at"
    )
    lag = {}
    for slug, event, full, created in rows:
        last = max((m for m in (event, full) if m), default=created)
        lag[slug] = max(0.0, (now - last).total_seconds())
    return lag


def parts_waiting(now) -> dict[str, int]:
    """Order parts waiting longer than allowed to be accepted, or to leave the shop or hub."""
    from logistics.models import OrderPart, PartStatus

    accept_by = now - timedelta(minutes=settings.METRICS_PART_ACCEPT_MINUTES)
    collect_by = now - timedelta(hours=settings.METRICS_PART_COLLECT_HOURS)
    return OrderPart.objects.aggregate(
        accept=Count("pk", filter=Q(status=PartStatus.PLACED, placed_at__lt=accept_by)),
        collect=Count(
            "pk",
            filter=Q(status=PartStatus.READY, ready_at__lt=collect_by)
            | Q(status=PartStatus.AT_HUB, at_hub_at__lt=collect_by),
        ),
    )


class ScrapeTimeCollector:
    def describe(self):
        return []  # computed per scrape; nothing to check at registration

    def collect(self):
        up = GaugeMetricFamily(
            "stadsmarkt_metrics_source_up",
            "1 if the source of the scrape-time gauges answered.",
            labels=["source"],
        )
        yield from self._queue(up)
        yield from self._database(up)
        yield up

    def _queue(self, up):
        queue = settings.CELERY_TASK_DEFAULT_QUEUE
        try:
            length = queue_length(queue)
        except Exception:  # a scrape must not fail with Redis down
            logger.warning("queue length unavailable", exc_info=True)
            up.add_metric(["broker"], 0)
            return
        up.add_metric(["broker"], 1)
        if length is not None:
            gauge = GaugeMetricFamily(
                "stadsmarkt_celery_queue_length",
                "Tasks waiting in the Celery queue.",
                labels=["queue"],
            )
            gauge.add_metric([queue], length)
            yield gauge

    def _database(self, up):
        now = timezone.now()
        try:
            lag, waiting = pos_sync_lag(now), parts_waiting(now)
        except Exception:
            logger.warning("database gauges unavailable", exc_info=True)
            up.add_metric(["database"], 0)
            return
        up.add_metric(["database"], 1)
        gauge = GaugeMetricFamily(
            "stadsmarkt_pos_sync_lag_seconds",
            "Seconds since an active shop's POS was last heard from.",
            labels=["shop"],
        )
        for slug, seconds in sorted(lag.items()):
            gauge.add_metric([slug], seconds)
        yield gauge
        gauge = GaugeMetricFamily(
            "stadsmarkt_parts_waiting_too_long",
            "Order parts waiting beyond the limit: to be accepted (stage=accept) or to leave "
            "the shop or hub once ready (stage=collect).",
            labels=["stage"],
        )
        for stage in ("accept", "collect"):
            gauge.add_metric([stage], waiting[stage])
        yield gauge
