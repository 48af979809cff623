"""Oscar's product-view analytics after the response's transaction, in the worker.

Oscar's receiver writes three rows per product page inside the request (ProductRecord and
UserRecord counters, a UserProductView), holding a row lock per product for the rest of the
request: two visitors of one product queue on it. Oscar's dashboard reports read these
counters, so they are kept: the page records one task in the outbox (marketplace/outbox.py),
the relay sends it within seconds and the worker writes them, once per view even when the
task is delivered twice. The page itself never talks to the broker; with the broker down
the view waits in the database and is counted once Redis is back. Basket additions are
counted in the request, each counter one upsert (marketplace/analytics_counters.py).
"""

from functools import partial

from celery import shared_task

from marketplace.analytics_counters import count_product, count_user
from marketplace.outbox import enqueue_for_relay, event_key, once


@shared_task(bind=True, ignore_result=True)
def record_product_view(self, product_id: int, user_id: int | None) -> None:
    """Oscar's receive_product_view, by ids (no need to load the product or user), once per
    view (keyed by its outbox row)."""
    once(event_key(self), partial(count_view, product_id, user_id))


def count_view(product_id: int, user_id: int | None) -> None:
    from oscar.core.loading import get_model

    count_product(product_id, "num_views")
    if user_id:
        count_user(user_id, "num_product_views")
        get_model("analytics", "UserProductView").objects.create(
            product_id=product_id, user_id=user_id
        )


def receive_product_view(sender, product, user, **kwargs):
    if kwargs.get("raw", False):
        return
    user_id = user.pk if user is not None and user.is_authenticated else None
    # The relay sends it: a product page never waits on the broker (a frozen Redis).
    enqueue_for_relay(record_product_view, product.pk, user_id)


def receive_basket_addition(sender, product, user, **kwargs):
    """Oscar's counts, as upserts (marketplace/analytics_counters.py): two first additions
    of a product at once no longer fail one request."""
    if kwargs.get("raw", False):
        return
    count_product(product.pk, "num_basket_additions")
    if user is not None and user.is_authenticated:
        count_user(user.pk, "num_basket_additions")


def swap_oscar_receivers() -> None:
    """Oscar's product-view and basket-addition receivers replaced by ours
    (StorefrontConfig.ready)."""
    from oscar.apps.analytics import receivers
    from oscar.apps.basket.signals import basket_addition
    from oscar.apps.catalogue.signals import product_viewed

    product_viewed.disconnect(receivers.receive_product_view)
    product_viewed.connect(receive_product_view, dispatch_uid="storefront-product-view")
    basket_addition.disconnect(receivers.receive_basket_addition)
    basket_addition.connect(receive_basket_addition, dispatch_uid="storefront-basket-addition")
