"""Oscar's product-view analytics after the response's transaction, in the worker.

Oscar's receiver writes three rows per product page inside the request (ProductRecord and
UserRecord counters, a UserProductView), holding a row lock per product for the rest of the
request: two visitors of one product queue on it. Oscar's dashboard reports read these
counters, so they are kept: the page records one task in the outbox (marketplace/outbox.py),
the relay sends it within seconds and the worker writes them, once per view even when the
task is delivered twice. The page itself never talks to the broker; with the broker down
the view waits in the database and is counted once Redis is back.
"""

from functools import partial

from celery import shared_task

from marketplace.outbox import enqueue_for_relay, event_key, once


@shared_task(bind=True, ignore_result=True)
def record_product_view(self, product_id: int, user_id: int | None) -> None:
    """Oscar's receive_product_view, by ids (no need to load the product or user), once per
    view (keyed by its outbox row)."""
    once(event_key(self), partial(count_view, product_id, user_id))


def count_view(product_id: int, user_id: int | None) -> None:
    from oscar.apps.analytics.receivers import _update_counter
    from oscar.core.loading import get_model

    product_record = get_model("analytics", "ProductRecord")
    _update_counter(product_record, "num_views", {"product_id": product_id})
    if user_id:
        _update_counter(
            get_model("analytics", "UserRecord"), "num_product_views", {"user_id": user_id}
        )
        get_model("analytics", "UserProductView").objects.create(
            product_id=product_id, user_id=user_id
        )


def receive_product_view(sender, product, user, **kwargs):
    if kwargs.get("raw", False):
        return
    user_id = user.pk if user is not None and user.is_authenticated else None
    # The relay sends it: a product page never waits on the broker (a frozen Redis).
    enqueue_for_relay(record_product_view, product.pk, user_id)


def defer_product_views() -> None:
    """Swaps Oscar's receiver for ours (StorefrontConfig.ready)."""
    from oscar.apps.analytics.receivers import receive_product_view as oscars
    from oscar.apps.catalogue.signals import product_viewed

    product_viewed.disconnect(oscars)
    product_viewed.connect(receive_product_view, dispatch_uid="storefront-product-view")
