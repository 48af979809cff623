"""A Stripe webhook whose signature is right but whose body is not an event we can read
(issue 15, item 10): answered 400 and kept as invalid, never a 500, never applied."""

import uuid

import pytest

from marketplace.payments.models import EventStatus, WebhookEvent
from tests.conftest import client_for

from .conftest import post_event

pytestmark = pytest.mark.django_db(transaction=True)


def _event(**changes) -> dict:
    body = {
        "id": f"evt_{uuid.uuid4().hex[:20]}",
        "object": "event",
        "type": "checkout.session.completed",
        "data": {"object": {"id": "cs_test_1", "payment_status": "paid"}},
    }
    body.update(changes)
    return {name: value for name, value in body.items() if value is not ...}


MALFORMED = {
    "a JSON list": [{"id": "evt_in_a_list", "type": "checkout.session.completed"}],
    "a JSON string": "checkout.session.completed",
    "type is a list": _event(type=["checkout.session.completed"]),
    "id is a number": _event(id=12345),
    "id is too long": _event(id="evt_" + "x" * 200),
    "no data.object": _event(data={}),
    "data is a list": _event(data=[1, 2]),
    "data.object is a string": _event(data={"object": "cs_test_1"}),
    "no data at all": _event(data=...),
}


@pytest.mark.parametrize("payload", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_but_malformed_event_answers_400_and_is_stored_as_invalid(stripe_on, payload):
    webhook = client_for()

    response = post_event(webhook, payload)

    assert response.status_code == 400
    stored = WebhookEvent.objects.get()
    assert stored.status == EventStatus.INVALID
    assert stored.applied_at is None and stored.next_attempt_at is None
    assert stored.error  # says what was wrong with it

    # The same body again changes nothing and still answers 400.
    assert post_event(webhook, payload).status_code == 400
    assert WebhookEvent.objects.count() == 1


def test_an_unknown_but_well_formed_event_is_still_accepted(stripe_on):
    response = post_event(client_for(), _event(type="customer.created"))

    assert response.status_code == 200
    assert WebhookEvent.objects.get().status == EventStatus.IGNORED
