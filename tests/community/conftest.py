"""Builders for the community tests: buyers with received parts, a product sold by two
shops (one Product, two StockRecords), and an empty cache around each test (the ratings
are cached)."""

import pytest
from django.core.cache import cache
from oscar.core.loading import get_model

from tests.factories import ShopFactory, UserFactory, make_offer
from tests.returns.conftest import received_part

StockRecord = get_model("partner", "StockRecord")
HOSTILE = '</script><script>alert("x")</script><img src=x onerror=alert(1)> & "q"'


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (tasks, e-mails, cache clearing)
    at the block's end, as a real commit would: the test's own transaction never commits."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def second_offer(record, shop, *, on_hand: int, price: str = "12.00"):
    """The same product (same EAN) sold by another shop: one more StockRecord."""
    return StockRecord.objects.create(
        product=record.product,
        partner=shop.partner,
        partner_sku=f"{shop.slug}-{record.product_id}",
        price=price,
        num_in_stock=on_hand,
        num_allocated=0,
        vat_rate="21.00",
    )


def buyer_of(shop, record=None, *, consumer=None):
    """A consumer who collected an order of `record` (a new offer if none) at `shop`."""
    consumer = consumer or UserFactory()
    record = record or make_offer(shop, price="15.00", on_hand=5, title="Zeep")
    received_part(shop, (record, 1), consumer=consumer)
    return consumer, record


__all__ = ["HOSTILE", "ShopFactory", "UserFactory", "buyer_of", "make_offer", "second_offer"]
