"""Issue 24: paying with iDEAL on the offline gateway's payment page, in a real browser.

The consumer checks out a basket, picks iDEAL on the payment page, is told to choose a bank
when they forget, chooses one from the list the page shows and pays; the order page then
says it was paid with iDEAL. The shop sees per method what it keeps of its offer.
"""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from marketplace.commission.models import CommissionPlan
from marketplace.payments.models import Payment, PaymentStatus
from tests.browser.conftest import shot
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_owner

pytestmark = pytest.mark.django_db(transaction=True)


def dutch(message: str) -> str:
    with translation.override("nl"):
        return gettext(message)


def test_a_consumer_pays_with_ideal_on_the_offline_payment_page(person, live_server):
    CommissionPlan.objects.create(name="Standaard", percentage=Decimal("5.00"), is_default=True)
    shop = ShopFactory(kind="books")
    novel = make_offer(shop, price="40.00", on_hand=3, title="De stille stad")
    consumer = UserFactory()
    make_basket(consumer, (novel, 1))

    shopper = person(consumer, "/checkout/")
    shopper.check(f"input[name=method_{shop.partner_id}][value=collect]")
    with shopper.expect_navigation():
        shopper.get_by_role("button", name=dutch("Place order and pay")).click()
    shot(shopper, "payment-page")
    expect(shopper.get_by_label("iDEAL")).to_be_visible()
    expect(shopper.get_by_label("Bancontact")).to_be_visible()

    # iDEAL without a bank: the page says what is missing and nothing is paid.
    shopper.get_by_label("iDEAL").check()
    shopper.locator("button[name=action][value=pay]").click()
    expect(shopper.locator(".invalid-feedback")).to_have_text(
        dutch("Choose your bank to pay with iDEAL.")
    )
    shot(shopper, "no-bank")
    assert Payment.objects.get(order__user=consumer).status == PaymentStatus.PENDING

    # The bank as the list shows it; then pay.
    shopper.get_by_label("iDEAL").check()
    shopper.get_by_label(dutch("Your bank")).select_option(label="ING")
    shot(shopper, "bank-chosen")
    with shopper.expect_navigation():
        shopper.locator("button[name=action][value=pay]").click()
    expect(shopper).to_have_url(re.compile(r"/orders/[^/]+/$"))
    expect(shopper.locator(".payment-status")).to_have_text(
        dutch("Paid with %(method)s.") % {"method": "iDEAL"}
    )
    shot(shopper, "paid-with-ideal")
    payment = Payment.objects.get(order__user=consumer)
    assert (payment.status, payment.method) == (PaymentStatus.SUCCEEDED, "ideal")

    # The shop sees per method what it keeps of its €40 offer (5%: 2.00 + 0.42 VAT).
    counter = person(make_owner(shop), f"/shop/products/{novel.pk}/")
    keeps = counter.locator(".keeps-by-method")
    expect(keeps.locator("[data-method=ideal]")).to_contain_text("37,29")
    expect(keeps.locator("[data-method=card]")).to_contain_text("36,73")
    shot(counter, "shop-keeps")
