"""Pay and Cancel of one order at the same moment (two tabs), on real PostgreSQL: exactly one
wins, and the loser is told what really happened. A cancel that lost says the order is paid;
a payment that lost is refunded, and says so on the page and by e-mail.

The test holds the order's row lock from a connection of its own until both requests wait
on it, so both have passed every check made before the lock; then it lets them go in the
order it chose."""

import threading
import time

import psycopg2
import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection, connections
from oscar.core.loading import get_model

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from marketplace.payments.models import Payment, PaymentStatus, Refund
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer

from .conftest import unpaid_order

Order = get_model("order", "Order")

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql(postgresql, settings):
    """tests/conftest.py's, with the offline gateway: its test payment page has Pay and Cancel."""
    settings.PAYMENT_GATEWAY = "offline"


def waiting_on_locks(watcher) -> int:
    with watcher.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def wait_until(condition, what: str, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.02)
    pytest.fail(f"not within {seconds} s: {what}")


def press(client, order, action: str, answers: dict) -> None:
    try:
        response = client.post(
            f"/checkout/test-payment/{order.number}/", {"action": action}, HTTP_ACCEPT_LANGUAGE="en"
        )
        told = [str(message) for message in get_messages(response.wsgi_request)]
        answers[action] = (response.status_code, response["Location"], told)
    except Exception as error:  # fails the test below, with the thread's error
        answers[action] = ("error", repr(error), [])
    finally:
        connections.close_all()


def race(order, first: str, second: str) -> dict:
    """Both buttons pressed; `first` reaches the order's lock first."""
    client = client_for(order.user)
    answers: dict = {}
    params = connection.get_connection_params()
    holder, watcher = psycopg2.connect(**params), psycopg2.connect(**params)
    watcher.autocommit = True
    try:
        with holder.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {Order._meta.db_table} WHERE id = %s FOR UPDATE",  # noqa: S608
                [order.pk],
            )
        threads = []
        for waiting, action in enumerate([first, second], start=1):
            thread = threading.Thread(target=press, args=(client, order, action, answers))
            thread.start()
            threads.append(thread)
            wait_until(lambda n=waiting: waiting_on_locks(watcher) >= n, f"{action} waits")
        holder.rollback()  # both go, in the order they queued
        for thread in threads:
            thread.join(30)
    finally:
        holder.close()
        watcher.close()
    return answers


@pytest.fixture
def order(postgresql):
    shop = ShopFactory()
    novel = make_offer(shop, price="19.95", on_hand=3)
    return unpaid_order((novel, 1))


def test_a_cancel_that_loses_to_the_payment_says_the_order_is_paid(order):
    answers = race(order, first="pay", second="cancel")

    order.refresh_from_db()
    assert order.status == "Paid"
    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    assert not Refund.objects.exists()
    assert answers["pay"] == (302, f"/orders/{order.number}/", ["Thank you! Your order is placed."])
    assert answers["cancel"] == (
        302,
        f"/orders/{order.number}/",
        ["Your payment went through before you cancelled: the order is paid and not cancelled."],
    )
    # The stock stays held for the order: the cancel gave nothing back.
    assert Reservation.objects.get(order_line__order=order).state == ReservationState.ACTIVE
    assert len(mail.outbox) == 1  # the order confirmation, nothing about a refund


def test_a_payment_that_loses_to_the_cancel_is_refunded_and_says_so(order):
    answers = race(order, first="cancel", second="pay")

    order.refresh_from_db()
    assert order.status == "Cancelled"
    assert OrderPart.objects.get(order=order).status == PartStatus.CANCELLED
    assert Reservation.objects.get(order_line__order=order).state == ReservationState.RELEASED
    assert answers["cancel"] == (302, "/basket/", ["Payment cancelled; your basket is back."])
    assert answers["pay"] == (
        302,
        f"/orders/{order.number}/",
        [
            "This order was cancelled before your payment arrived, so it is not placed. "
            "Your payment is refunded in full."
        ],
    )
    refund = Refund.objects.get()
    assert (refund.amount, refund.payment.order_id) == (order.total_incl_tax, order.pk)
    assert refund.reference, "sent to the gateway after the commit"
    # Told by e-mail too (the payment may come from the gateway, with nobody on the page).
    [message] = mail.outbox
    assert message.to == [order.user.email]
    assert order.number in message.body and "refund" in message.body
    assert "19,95" in message.body or "19.95" in message.body
