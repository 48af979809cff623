"""Storefront tests: a fixed clock for shop hours, an empty cache, and a small town."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from oscar.core.loading import get_model

from marketplace.storefront import shop_facts
from shops.models import ShopKind
from tests.conftest import set_clock
from tests.factories import ShopFactory, make_offer

Category = get_model("catalogue", "Category")
ProductCategory = get_model("catalogue", "ProductCategory")
StockRecord = get_model("partner", "StockRecord")

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Thursday: the factory's shops are open 09:00-18:00, a pickup is ready from 13:15.
THURSDAY_LUNCH = datetime(2026, 11, 26, 12, 45, tzinfo=AMSTERDAM)


@pytest.fixture(autouse=True)
def empty_cache():
    """Shop facts and categories are cached per minute; each test starts without them."""
    cache.clear()
    shop_facts.forget_latest()
    yield
    cache.clear()
    shop_facts.forget_latest()


@pytest.fixture
def at(monkeypatch):
    """Fixes the clock: at(datetime) makes that moment "now", standing still, for the
    storefront and for every row the test makes (timezone.now, auto_now)."""

    def fix(moment: datetime):
        set_clock(monkeypatch, moment)
        cache.clear()
        shop_facts.forget_latest()

    fix(THURSDAY_LUNCH)
    return fix


@dataclass
class Town:
    books: object
    cheese: object
    bikes: object
    novel: object  # at the bookshop only
    novel_at_cheese: object  # the same product at the cheese shop, dearer
    gouda: object
    bell: object  # out of stock
    food: object  # category
    reading: object  # category


def also_sold_by(record, shop, *, price, on_hand):
    """The same product (same EAN) at another shop: a second stock record."""
    return StockRecord.objects.create(
        product=record.product,
        partner=shop.partner,
        partner_sku=f"{shop.slug}-{record.product_id}",
        price=Decimal(price),
        num_in_stock=on_hand,
        num_allocated=0,
        vat_rate=record.vat_rate,
    )


def in_category(record, category):
    ProductCategory.objects.create(product=record.product, category=category)


@pytest.fixture
def town(db, at):
    """Three shops; a novel sold by two of them; a cheese; a bicycle bell out of stock."""
    books = ShopFactory(partner__name="Boekhandel Brink", slug="boekhandel-brink")
    cheese = ShopFactory(partner__name="Kaashuis", slug="kaashuis", kind=ShopKind.CHEESE)
    bikes = ShopFactory(partner__name="Fietsenmaker", slug="fietsenmaker", kind=ShopKind.BICYCLES)
    novel = make_offer(books, price="19.95", title="De avond is ongemak")
    novel.product.description = "Roman over een boerenfamilie"
    novel.product.save()
    novel_at_cheese = also_sold_by(novel, cheese, price="21.50", on_hand=3)
    gouda = make_offer(cheese, price="12.50", title="Oude Goudse kaas")
    gouda.product.description = "Belegen, een jaar gerijpt"
    gouda.product.save()
    bell = make_offer(bikes, price="7.25", title="Fietsbel chroom", on_hand=0)
    reading = Category.add_root(name="Boeken", slug="boeken")
    food = Category.add_root(name="Eten", slug="eten")
    in_category(novel, reading)
    in_category(gouda, food)
    return Town(books, cheese, bikes, novel, novel_at_cheese, gouda, bell, food, reading)
