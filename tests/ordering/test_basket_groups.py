from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from marketplace.ordering.basket import basket_groups
from shops.models import OpeningHours
from tests.factories import ShopFactory, UserFactory, make_basket, make_offer

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONDAY_10 = datetime(2026, 11, 23, 10, 5, tzinfo=AMSTERDAM)


def test_groups_by_shop_with_subtotal_hours_and_pickup_today():
    books, cheese = ShopFactory(), ShopFactory(open_every_day=False)
    OpeningHours.objects.create(shop=cheese, weekday=0, opens="13:00", closes="17:00")
    novel = make_offer(books, price="19.95", on_hand=5)
    atlas = make_offer(books, price="5.05", on_hand=1)
    gouda = make_offer(cheese, price="12.50", on_hand=1)
    user = UserFactory()
    basket = make_basket(user, (novel, 2), (gouda, 1), (atlas, 1))

    groups = basket_groups(basket, now=MONDAY_10)

    assert [g.shop for g in groups] == [books, cheese]
    assert [g.subtotal for g in groups] == [Decimal("44.95"), Decimal("12.50")]
    assert [len(g.lines) for g in groups] == [2, 1]
    assert groups[0].pickup_today_from.strftime("%H:%M") == "10:45"  # 10:05 + 30 min, rounded
    assert groups[1].pickup_today_from.strftime("%H:%M") == "13:00"
    assert groups[1].periods_today[0][0].strftime("%H:%M") == "13:00"


def test_no_pickup_today_when_stock_is_short_or_reserved():
    books = ShopFactory()
    novel = make_offer(books, on_hand=3)
    novel.num_allocated = 2
    novel.save()
    basket = make_basket(UserFactory(), (novel, 2))
    [group] = basket_groups(basket, now=MONDAY_10)
    assert group.all_in_stock is False
    assert group.pickup_today_from is None


def test_safety_buffer_counts_against_stock():
    books = ShopFactory(safety_buffer=2)
    novel = make_offer(books, on_hand=3)
    [group] = basket_groups(make_basket(UserFactory(), (novel, 2)), now=timezone.now())
    assert group.all_in_stock is False


def test_a_line_is_priced_by_its_own_shop_when_shops_share_a_product():
    cheap, dear = ShopFactory(), ShopFactory()
    dear_offer = make_offer(dear, price="9.00", on_hand=1)
    cheap_offer = make_offer(cheap, price="8.55", on_hand=0)
    cheap_offer.product = dear_offer.product
    cheap_offer.save()
    basket = make_basket(UserFactory(), (cheap_offer, 1))
    [line] = basket.all_lines()
    assert line.unit_price_incl_tax == Decimal("8.55")
    assert line.get_warning() is None
    assert line.purchase_info.availability.is_available_to_buy is False, "that shop has none"
