"""A campaign applies through Oscar's offers: to the lines of opted-in shops only, in its
period only; an event's voucher code; free delivery when buying in enough shops."""

from datetime import timedelta
from decimal import Decimal

import pytest
from oscar.apps.offer.applicator import Applicator

from marketplace.campaigns.models import CampaignKind, CampaignUse
from marketplace.campaigns.services import Refused, opt_in, opt_out
from tests.campaigns.conftest import DAY_START, campaign_of, order_of
from tests.conftest import set_clock
from tests.factories import UserFactory, make_basket

pytestmark = pytest.mark.django_db


def applied(basket, user):
    Applicator().apply(basket, user)
    return basket


def test_discount_applies_to_opted_in_shop_lines_only(town):
    campaign_of(shops=[town["books"]])
    user = UserFactory()
    basket = applied(make_basket(user, (town["novel"], 2), (town["gouda"], 1)), user)
    lines = {line.stockrecord_id: line for line in basket.all_lines()}

    assert lines[town["novel"].pk].discount_value == Decimal("4.00")  # 10% of 2 × 20.00
    assert lines[town["gouda"].pk].discount_value == Decimal("0")
    assert basket.total_incl_tax == Decimal("48.50")  # 36.00 + 12.50


def test_same_product_at_two_shops_discounted_only_at_the_participating_one(town):
    record = town["novel"]
    at_cheese = record.__class__.objects.create(
        product=record.product,
        partner=town["cheese"].partner,
        partner_sku="cheese-novel",
        price=Decimal("20.00"),
        num_in_stock=5,
        vat_rate=Decimal("21.00"),
    )
    campaign_of(shops=[town["books"]])
    user = UserFactory()
    basket = applied(make_basket(user, (record, 1), (at_cheese, 1)), user)

    assert basket.total_incl_tax == Decimal("38.00")


def test_no_discount_outside_the_period(town, monkeypatch):
    campaign_of(shops=[town["books"]])
    user = UserFactory()
    for moment in (DAY_START - timedelta(seconds=1), DAY_START + timedelta(days=1)):
        set_clock(monkeypatch, moment)
        basket = applied(make_basket(user, (town["novel"], 1)), user)
        assert basket.total_incl_tax == Decimal("20.00")
        assert not basket.offer_applications


def test_order_records_the_discount_per_part(town):
    campaign = campaign_of(shops=[town["books"]])
    order = order_of(town, ("novel", 1), ("gouda", 2))

    assert order.total_incl_tax == Decimal("43.00")  # 18.00 + 25.00, both collected
    use = CampaignUse.objects.get()
    assert (use.campaign, use.shop, use.discount, use.centre_contribution) == (
        campaign,
        town["books"],
        Decimal("2.00"),
        Decimal("2.00"),
    )
    assert order.payment.amount == Decimal("43.00")


def test_voucher_code_applies_only_when_added(town):
    campaign = campaign_of(CampaignKind.VOUCHER, code="STADSFEEST", shops=[town["books"]])
    user = UserFactory()
    basket = applied(make_basket(user, (town["novel"], 1)), user)
    assert basket.total_incl_tax == Decimal("20.00")

    basket.vouchers.add(campaign.voucher)
    basket = applied(basket, user)
    assert basket.total_incl_tax == Decimal("18.00")


def test_free_delivery_when_buying_in_two_participating_shops(town):
    fee = Decimal("4.95")  # the default delivery fee
    campaign = campaign_of(
        CampaignKind.FREE_DELIVERY, minimum_shops=2, shops=[town["books"], town["cheese"]]
    )
    one_shop = order_of(town, ("gouda", 1), delivered=[town["cheese"]])
    assert one_shop.parts.get().delivery_fee_incl_vat == fee

    two_shops = order_of(
        town, ("novel", 1), ("gouda", 1), delivered=[town["books"], town["cheese"]]
    )
    assert {part.delivery_fee_incl_vat for part in two_shops.parts.all()} == {Decimal("0.00")}
    assert two_shops.total_incl_tax == Decimal("32.50")
    waived = CampaignUse.objects.filter(order=two_shops, campaign=campaign)
    assert sorted(use.delivery_waived for use in waived) == [fee, fee]
    assert {use.centre_contribution for use in waived} == {Decimal("0.00")}


def test_shop_opts_in_and_out_only_before_the_start(town):
    campaign = campaign_of()
    before = DAY_START - timedelta(hours=1)
    opt_in(campaign=campaign, shop=town["books"], now=before)
    opt_in(campaign=campaign, shop=town["books"], now=before)  # again: nothing new
    assert campaign.participations.count() == 1
    with pytest.raises(Refused):
        opt_out(campaign=campaign, shop=town["books"], now=DAY_START)
    with pytest.raises(Refused):
        opt_in(campaign=campaign, shop=town["cheese"], now=DAY_START)
    assert list(campaign.participations.values_list("shop", flat=True)) == [town["books"].pk]
    assert opt_out(campaign=campaign, shop=town["books"], now=before) is True
    assert not campaign.participations.exists()


def test_an_order_with_the_voucher_code_gets_the_discount(town):
    from marketplace.ordering.services import PartChoice, place_order

    campaign = campaign_of(CampaignKind.VOUCHER, code="STADSFEEST", shops=[town["books"]])
    user = UserFactory()
    basket = make_basket(user, (town["novel"], 1))
    basket.vouchers.add(campaign.voucher)

    order = place_order(
        basket=basket,
        user=user,
        choices={town["books"].partner_id: PartChoice(method="collect")},
        address=None,
    )

    assert order.total_incl_tax == Decimal("18.00")
    assert order.discounts.get().voucher_code == "STADSFEEST"
    assert CampaignUse.objects.get(order=order).discount == Decimal("2.00")
