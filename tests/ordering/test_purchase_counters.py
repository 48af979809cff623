"""Oscar's analytics counters (purchases, basket additions, views) count every event, also
when a product's first count races another: the CI once saw a checkout fail with
TransactionManagementError when ten buyers of one product were counted at once (Oscar
swallowed the IntegrityError of the losing create inside the task's transaction)."""

import threading
import time
from decimal import Decimal

import psycopg2
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from oscar.apps.basket.signals import basket_addition
from oscar.core.loading import get_model

from marketplace.ordering.services import PartChoice, place_order
from marketplace.ordering.tasks import record_order_analytics
from marketplace.storefront.analytics import count_view
from tests.conftest import run_task
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

ProductRecord = get_model("analytics", "ProductRecord")
UserRecord = get_model("analytics", "UserRecord")


def order_of(user, record, quantity):
    return place_order(
        basket=make_basket(user, (record, quantity)),
        user=user,
        choices={record.partner_id: PartChoice(method="collect")},
        address=None,
    )


def add_to_basket(product, user) -> None:
    """What Oscar's basket views send (the counters Oscar's dashboard reads)."""
    basket_addition.send(sender=None, product=product, user=user, request=None)


@pytest.mark.django_db
def test_orders_basket_additions_and_views_add_up_per_product_and_buyer(
    django_capture_on_commit_callbacks,
):
    buyer = UserFactory()
    cheese = make_offer(ShopFactory(), price="4.25", on_hand=20)
    add_to_basket(cheese.product, buyer)
    add_to_basket(cheese.product, AnonymousUser())
    with django_capture_on_commit_callbacks(execute=True):  # the task runs on commit
        first = order_of(buyer, cheese, 2)
        second = order_of(buyer, cheese, 3)
    run_task(record_order_analytics, second.pk)  # delivered twice: counted once
    count_view(cheese.product_id, buyer.pk)
    count_view(cheese.product_id, None)

    product = ProductRecord.objects.get(product_id=cheese.product_id)
    assert (product.num_purchases, product.num_basket_additions, product.num_views) == (5, 2, 2)
    record = UserRecord.objects.get(user=buyer)
    assert (record.num_orders, record.num_order_lines, record.num_order_items) == (2, 2, 5)
    assert record.total_spent == first.total_incl_tax + second.total_incl_tax == Decimal("21.25")
    assert record.date_last_order == second.date_placed
    assert (record.num_basket_additions, record.num_product_views) == (1, 1)


@pytest.mark.django_db(transaction=True)
def test_a_first_count_racing_another_counts_both(postgresql):
    """Another transaction creates the product's counter row and commits while the order's
    task waits on it: the task adds to that row instead of failing."""
    buyer = UserFactory()
    cheese = make_offer(ShopFactory(), price="4.25")
    order = order_of(buyer, cheese, 2)
    ProductRecord.objects.filter(product_id=cheese.product_id).delete()
    get_model("marketplace", "TaskEffect").objects.filter(
        key=f"order-analytics-{order.pk}"
    ).delete()

    other = psycopg2.connect(**connection.get_connection_params())
    with other.cursor() as cursor:  # a concurrent first count, not committed yet
        cursor.execute(
            f"INSERT INTO {ProductRecord._meta.db_table}"  # noqa: S608
            " (product_id, num_views, num_basket_additions, num_purchases, score)"
            " VALUES (%s, 0, 0, 1, 0)",
            [cheese.product_id],
        )
    commit_later = threading.Timer(0.5, other.commit)
    commit_later.start()
    started = time.monotonic()
    try:
        run_task(record_order_analytics, order.pk)
    finally:
        commit_later.join()
        other.close()
    assert time.monotonic() - started >= 0.4, "the task did not wait for the other count"
    assert ProductRecord.objects.get(product_id=cheese.product_id).num_purchases == 3

    # A basket addition (in a request's transaction) racing a first count likewise.
    fresh = make_offer(ShopFactory(), price="2.00")
    other = psycopg2.connect(**connection.get_connection_params())
    with other.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {ProductRecord._meta.db_table}"  # noqa: S608
            " (product_id, num_views, num_basket_additions, num_purchases, score)"
            " VALUES (%s, 0, 1, 0, 0)",
            [fresh.product_id],
        )
    commit_later = threading.Timer(0.5, other.commit)
    commit_later.start()
    try:
        with transaction.atomic():
            add_to_basket(fresh.product, UserFactory())
    finally:
        commit_later.join()
        other.close()
    assert ProductRecord.objects.get(product_id=fresh.product_id).num_basket_additions == 2
