"""A centre campaign end to end (issue 21, points 2 and 3), on a fixed clock: on Friday
management creates "Koopzondag" (10% at participating shops, all of Saturday, paid by the
centre); the bookshop opts in from its shop area; on Saturday a consumer sees the discount
in the basket and at checkout, pays with the offline gateway, sees it on the order page;
management's campaign report shows the uptake."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from django.utils.translation import gettext, override
from oscar.core.loading import get_model
from playwright.sync_api import expect

from marketplace.campaigns.models import Campaign
from tests.browser.conftest import shot
from tests.conftest import set_clock
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner

pytestmark = pytest.mark.django_db(transaction=True)
Order = get_model("order", "Order")
FRIDAY = timezone.make_aware(datetime(2026, 11, 27, 10, 0))


def dutch(message: str) -> str:
    with override("nl"):
        return gettext(message)


def test_management_campaign_shop_opts_in_consumer_pays_report_shows_it(
    person, live_server, monkeypatch
):
    set_clock(monkeypatch, FRIDAY, ticking=True)
    books, cheese = ShopFactory(kind="books"), ShopFactory(kind="cheese")
    novel = make_offer(books, price="20.00", on_hand=5, title="Roman")
    make_offer(cheese, price="12.50", on_hand=5, title="Oude Goudse")
    manager, owner, consumer = UserFactory(is_staff=True), make_owner(books), UserFactory()
    saturday = (FRIDAY + timedelta(days=1)).date()

    admin = person(manager, "/management/campaigns/new/")
    admin.get_by_label(dutch("Name")).fill("Koopzondag")
    admin.get_by_label(dutch("Kind")).select_option("percentage")
    admin.get_by_label(dutch("Who pays the discount")).select_option("centre")
    admin.get_by_label(dutch("Discount percentage")).fill("10")
    admin.get_by_label(dutch("Starts")).fill(f"{saturday.isoformat()}T00:00")
    admin.get_by_label(dutch("Ends")).fill(f"{(saturday + timedelta(days=1)).isoformat()}T00:00")
    shot(admin, "management-new-campaign")
    with admin.expect_navigation():
        admin.get_by_role("button", name=dutch("Create campaign")).click()
    expect(admin.locator(".participating-shops")).to_contain_text(
        dutch("No shop has opted in yet.")
    )

    shop = person(owner, "/shop/campaigns/")
    card = shop.locator(".shop-campaign").filter(has_text="Koopzondag")
    expect(card.locator(".taking-part")).to_have_text(dutch("Your shop does not take part."))
    with shop.expect_navigation():
        card.get_by_role("button", name=dutch("Take part")).click()
    expect(card.locator(".taking-part")).to_have_text(dutch("Your shop takes part."))
    shot(shop, "shop-opted-in")

    set_clock(monkeypatch, FRIDAY + timedelta(days=1), ticking=True)  # Saturday 10:00
    shopper = person(consumer, novel.product.get_absolute_url())
    offer = shopper.locator(f"form[action$='/basket/add-offer/{novel.pk}/']")
    offer.locator("input[name=quantity]").fill("2")
    with shopper.expect_navigation():
        offer.locator("button").click()
    shopper.goto(f"{live_server.url}/basket/")
    expect(shopper.locator(".basket-campaign")).to_contain_text("Koopzondag")
    expect(shopper.locator(".basket-campaign")).to_contain_text("4,00")
    expect(shopper.locator(".basket-after-discounts")).to_contain_text("36,00")
    shot(shopper, "basket-with-campaign")

    shopper.goto(f"{live_server.url}/checkout/")
    shopper.check(f"input[name=method_{books.partner_id}][value=collect]")
    expect(shopper.locator(".checkout-campaign")).to_contain_text("Koopzondag")
    expect(shopper.locator('[data-total="total"]')).to_contain_text("36,00")
    shot(shopper, "checkout-with-campaign")
    with shopper.expect_navigation():
        shopper.get_by_role("button", name=dutch("Place order and pay")).click()
    with shopper.expect_navigation():
        shopper.locator("button[name=action][value=pay]").click()
    order = Order.objects.get(user=consumer)
    expect(shopper).to_have_url(re.compile(rf"/orders/{order.number}/$"))
    expect(shopper.locator(".order-campaigns")).to_contain_text("Koopzondag")
    shot(shopper, "order-with-campaign")
    assert order.total_incl_tax == Decimal("36.00")

    campaign = Campaign.objects.get()
    admin.goto(f"{live_server.url}/management/reports/campaigns/?campaign={campaign.pk}")
    table = admin.locator("table.report-table")
    expect(table.locator("tr", has_text=books.partner.name)).to_contain_text("36,00")
    expect(table.locator("tr", has_text=books.partner.name)).to_contain_text("4,00")
    expect(admin.locator("#chart-campaign")).to_be_visible()
    shot(admin, "campaign-report")
