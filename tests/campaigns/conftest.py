"""A small town for campaigns, on a fixed clock: Sunday 29 November 2026, noon. Every date
the tests build comes from SUNDAY, so the suite passes on any real date."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from marketplace.campaigns.models import CampaignKind, Payer
from marketplace.campaigns.services import CampaignTerms, create_campaign, opt_in
from marketplace.ordering.services import PartChoice, place_order
from tests.conftest import set_clock
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer, make_slot, make_zone

SUNDAY = timezone.make_aware(datetime(2026, 11, 29, 12, 0))
DAY_START = SUNDAY.replace(hour=0)


@pytest.fixture
def sunday(monkeypatch):
    set_clock(monkeypatch, SUNDAY)
    return SUNDAY


@pytest.fixture
def town(sunday):
    books, cheese, shoes = (ShopFactory(kind=k) for k in ("books", "cheese", "shoes"))
    return {
        "books": books,
        "cheese": cheese,
        "shoes": shoes,
        "novel": make_offer(books, price="20.00", on_hand=20, title="Roman"),
        "gouda": make_offer(cheese, price="12.50", on_hand=20, title="Oude Goudse"),
        "boots": make_offer(shoes, price="80.00", on_hand=20, title="Laarzen"),
        "slot": make_slot(make_zone(), day=(SUNDAY + timedelta(days=1)).date(), capacity=9),
    }


def campaign_of(kind=CampaignKind.PERCENTAGE, payer=Payer.CENTRE, *, shops=(), **terms):
    """A campaign over the whole of SUNDAY (opted in the day before it starts)."""
    values = {
        "name": "Koopzondag",
        "kind": kind,
        "payer": payer,
        "starts_at": DAY_START,
        "ends_at": DAY_START + timedelta(days=1),
        "percentage": Decimal("10"),
        **terms,
    }
    campaign = create_campaign(terms=CampaignTerms(**values))
    for shop in shops:
        opt_in(campaign=campaign, shop=shop, now=DAY_START - timedelta(days=1))
    return campaign


def order_of(town, *offers_and_quantities, user=None, delivered=()):
    """Places an order of the given (offer key, quantity): delivered shops by slot."""
    user = user or UserFactory()
    basket = make_basket(user, *((town[key], quantity) for key, quantity in offers_and_quantities))
    choices = {}
    for key, _quantity in offers_and_quantities:
        shop = town[key].partner.shop
        if shop.partner_id in [s.partner_id for s in delivered]:
            choices[shop.partner_id] = PartChoice(method="delivery", slot_id=town["slot"].pk)
        else:
            choices[shop.partner_id] = PartChoice(method="collect")
    from tests.ordering.test_place_order import ADDRESS

    return place_order(basket=basket, user=user, choices=choices, address=ADDRESS)
