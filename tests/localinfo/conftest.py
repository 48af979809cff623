"""A small town for the local-information tests, built from a fixed clock: two shops (one a
fashion shop with brands), the demo's places, categories, events and news (localinfo/demo.py)."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.cache import cache

from localinfo.demo import seed_local_info
from marketplace.storefront.shop_facts import forget_latest
from tests.conftest import set_clock
from tests.factories import ShopFactory

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# A Thursday at lunchtime: this weekend is 28 and 29 November.
THURSDAY_LUNCH = datetime(2026, 11, 26, 12, 45, tzinfo=AMSTERDAM)


@pytest.fixture
def town(db, monkeypatch):
    set_clock(monkeypatch, THURSDAY_LUNCH)
    cache.clear()
    forget_latest()
    books = ShopFactory(kind="books", partner__name="Boekhandel Brink")
    fashion = ShopFactory(kind="fashion", partner__name="Mode aan de Brink")
    seed_local_info(
        today=THURSDAY_LUNCH.date(),
        centre=(settings.TOWN_CENTRE_LATITUDE, settings.TOWN_CENTRE_LONGITUDE),
        town=settings.TOWN_NAME,
    )
    return {"books": books, "fashion": fashion, "now": THURSDAY_LUNCH}
