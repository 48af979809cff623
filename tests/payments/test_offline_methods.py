"""The offline gateway's payment page offers the town's methods like Stripe's page: iDEAL
with a bank, Bancontact, card; and a bank payment that waits for the bank, then is
confirmed or refused. The shop's "you keep" per method, before it joins and on its offer."""

from decimal import Decimal

import pytest

from inventory_sync.models import Reservation, ReservationState
from logistics.models import OrderPart, PartStatus
from marketplace.payments.models import Payment, PaymentStatus
from tests.conftest import client_for
from tests.factories import ShopFactory, make_offer

from .conftest import default_plan, unpaid_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def order():
    default_plan()
    shop = ShopFactory(kind="books")
    return unpaid_order((make_offer(shop, price="40.00", on_hand=2), 1))


def pay_page(order):
    return f"/checkout/test-payment/{order.number}/"


def statuses(order) -> set:
    return set(OrderPart.objects.filter(order=order).values_list("status", flat=True))


def test_the_page_offers_ideal_with_its_banks_bancontact_and_card(order):
    page = client_for(order.user).get(pay_page(order))
    content = page.content.decode()
    for value in ('value="ideal"', 'value="bancontact"', 'value="card"', ">Rabobank<", ">ING<"):
        assert value in content


@pytest.mark.parametrize(
    ("data", "method"),
    [({"method": "ideal", "bank": "rabobank"}, "ideal"), ({"method": "bancontact"}, "bancontact")],
)
def test_paying_with_a_method_places_the_order_and_says_how_it_was_paid(order, data, method):
    browser = client_for(order.user)
    response = browser.post(pay_page(order), {"action": "pay", **data})

    assert response.status_code == 302
    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.method) == (PaymentStatus.SUCCEEDED, method)
    assert statuses(order) == {PartStatus.PLACED}
    label = {"ideal": "iDEAL", "bancontact": "Bancontact"}[method]
    assert f"Paid with {label}." in browser.get(f"/orders/{order.number}/").content.decode()


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({"method": "ideal", "bank": ""}, "Choose your bank to pay with iDEAL."),
        ({"method": "ideal", "bank": "<script>x</script>"}, "Select a valid choice."),
        ({"method": "<b>bitcoin</b>"}, "Select a valid choice."),
    ],
)
def test_a_wrong_choice_is_refused_on_the_page_and_nothing_is_paid(order, data, error):
    response = client_for(order.user).post(pay_page(order), {"action": "pay", **data})

    assert response.status_code == 400
    content = response.content.decode()
    assert error in content
    assert "<script>x</script>" not in content and "<b>bitcoin</b>" not in content
    assert Payment.objects.get(order=order).status == PaymentStatus.PENDING
    assert statuses(order) == {PartStatus.PENDING_PAYMENT}


def test_a_bank_payment_waits_then_the_bank_confirms(order):
    browser = client_for(order.user)
    browser.post(pay_page(order), {"action": "pending", "method": "ideal", "bank": "ing"})

    payment = Payment.objects.get(order=order)
    assert (payment.status, payment.method) == (PaymentStatus.PROCESSING, "ideal")
    assert (
        "your bank has not confirmed it yet"
        in browser.get(f"/orders/{order.number}/").content.decode()
    )
    assert "The bank confirms" in browser.get(pay_page(order)).content.decode()

    browser.post(pay_page(order), {"action": "bank_confirms"})

    assert Payment.objects.get(order=order).status == PaymentStatus.SUCCEEDED
    assert statuses(order) == {PartStatus.PLACED}


def test_a_bank_payment_waits_then_the_bank_refuses_and_the_stock_is_released(order):
    browser = client_for(order.user)
    browser.post(pay_page(order), {"action": "pending", "method": "bancontact"})

    browser.post(pay_page(order), {"action": "bank_refuses"})

    assert Payment.objects.get(order=order).status == PaymentStatus.FAILED
    assert statuses(order) == {PartStatus.CANCELLED}
    states = set(
        Reservation.objects.filter(order_line__order=order).values_list("state", flat=True)
    )
    assert states == {ReservationState.EXPIRED}
    assert "did not confirm the payment" in browser.get(f"/orders/{order.number}/").content.decode()


def test_a_shop_sees_before_it_joins_what_it_keeps_per_method(client):
    default_plan()
    page = client.get("/shops/apply/", HTTP_ACCEPT_LANGUAGE="en")

    rows = dict(page.context["method_examples"])
    keeps = {row.method: row.keeps for row in rows[Decimal("25.00")]}
    # 25.00 − 1.25 commission − 0.26 VAT − the method's fee
    assert keeps == {
        "ideal": Decimal("23.20"),
        "bancontact": Decimal("22.89"),
        "card": Decimal("22.86"),
    }
    content = page.content.decode()
    assert "With iDEAL you keep €37.29 (93.2%)" in content  # the €40 basket
