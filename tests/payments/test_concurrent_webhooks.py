"""Duplicate webhooks arriving at the same moment, on real PostgreSQL: applied once."""

import threading

import pytest
from django.core import mail
from django.db import connections

from marketplace.payments.models import EventStatus, Payment, PaymentStatus, WebhookEvent
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer

from .conftest import event, intent_succeeded, post_event, session_completed, unpaid_order

DELIVERIES = 8


def deliver(payload: dict, barrier, statuses: list) -> None:
    try:
        browser = client_for()
        barrier.wait()
        statuses.append(post_event(browser, payload).status_code)
    except Exception as error:  # a deadlock or anything else fails the test below
        statuses.append(repr(error))
    finally:
        connections.close_all()


def deliver_all(payloads: list[dict]) -> list:
    barrier, statuses = threading.Barrier(len(payloads)), []
    threads = [threading.Thread(target=deliver, args=(p, barrier, statuses)) for p in payloads]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return statuses


@pytest.mark.django_db(transaction=True)
def test_concurrent_duplicates_and_twin_events_pay_the_order_once(postgresql, stripe_on):
    shop = ShopFactory()
    order = unpaid_order((make_offer(shop, price="10.00"), 1))
    paid = event("checkout.session.completed", session_completed(order))
    twin = event("payment_intent.succeeded", intent_succeeded(order))

    statuses = deliver_all([paid] * DELIVERIES + [twin] * DELIVERIES)

    assert statuses == [200] * (2 * DELIVERIES)
    events = WebhookEvent.objects.order_by("type")
    assert [(e.type, e.status, e.attempts) for e in events] == [
        ("checkout.session.completed", EventStatus.APPLIED, 1),
        ("payment_intent.succeeded", EventStatus.APPLIED, 1),
    ]
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.reference) == (PaymentStatus.SUCCEEDED, "pi_test_1")
    assert len([m for m in mail.outbox if order.number in m.subject]) == 1
