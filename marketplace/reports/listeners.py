"""The reports' daily rollup follows a part that is rejected, or cancelled because nobody
collected it (subscribed in apps.py)."""

from marketplace import events
from marketplace.outbox import enqueue

from .tasks import refresh_order_sales


def refresh_after_rejection(event: events.PartRejected) -> None:
    enqueue(refresh_order_sales, event.part.order_id)  # the rollup of its day, on commit


def refresh_after_uncollected(event: events.PartUncollected) -> None:
    enqueue(refresh_order_sales, event.part.order_id)  # now a lost part of its day


def subscribe() -> None:
    events.subscribe(events.PartRejected, refresh_after_rejection)
    events.subscribe(events.PartUncollected, refresh_after_uncollected)
