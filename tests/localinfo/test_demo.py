"""The demo's local information: from the seed's day, and seeding again adds nothing."""

import pytest
from django.conf import settings

from localinfo.demo import seed_local_info
from localinfo.models import Event, NewsItem, Place, ReviewStatus, ShopBrand

pytestmark = pytest.mark.django_db


def test_seeding_again_adds_nothing(town):
    counts = [m.objects.count() for m in (Place, Event, NewsItem, ShopBrand)]
    seed_local_info(
        today=town["now"].date(),
        centre=(settings.TOWN_CENTRE_LATITUDE, settings.TOWN_CENTRE_LONGITUDE),
        town=settings.TOWN_NAME,
    )
    assert [m.objects.count() for m in (Place, Event, NewsItem, ShopBrand)] == counts
    assert counts == [9, 7, 4, 2]


def test_the_demo_is_laid_out_from_the_seeds_day(town):
    music = Event.objects.get(slug="muziek-op-het-plein")
    assert music.starts_at.date() == town["now"].date()
    show = Event.objects.get(slug="modeshow-najaar")
    assert (show.shop, show.status) == (town["fashion"], ReviewStatus.PENDING)
    assert Event.objects.get(slug="voorleesmiddag").at_shop == town["books"]
