"""The shop says the part's size when marking a delivery part ready."""

import pytest

from logistics.models import OrderPart, PartStatus
from logistics.part_states import TransitionRefused, mark_ready
from tests.conftest import client_for
from tests.factories import ShopFactory, make_owner, make_slot, make_zone
from tests.logistics.test_dispatch import delivery_part

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted():
    shop = ShopFactory()
    part = delivery_part(shop, make_slot(make_zone()), ready=False)
    browser = client_for(make_owner(shop))
    return shop, part, browser


def ready(browser, part, **data):
    response = browser.post(f"/shop/orders/{part.pk}/ready/", data, follow=True)
    assert response.status_code == 200
    return OrderPart.objects.get(pk=part.pk), response.content.decode()


def test_the_form_shows_the_size_fields_and_stores_them(accepted):
    _, part, browser = accepted
    page = browser.get(f"/shop/orders/{part.pk}/").content.decode()
    assert 'name="volume_litres"' in page and 'name="bulky"' in page

    stored, _ = ready(browser, part, volume_litres="45", bulky="on")

    assert (stored.status, stored.volume_litres, stored.bulky) == ("ready", 45, True)


def test_an_empty_volume_and_no_fields_keep_the_current_size(accepted):
    _, part, browser = accepted
    stored, _ = ready(browser, part, volume_litres="")
    assert (stored.status, stored.volume_litres, stored.bulky) == ("ready", 10, False)


@pytest.mark.parametrize("litres", ["lots", "0", "-3", "99999"])
def test_a_bad_volume_is_told_and_changes_nothing(accepted, litres):
    _, part, browser = accepted
    stored, page = ready(browser, part, volume_litres=litres, bulky="on")
    assert "volume must be" in page
    assert (stored.status, stored.volume_litres, stored.bulky) == (
        PartStatus.ACCEPTED,
        10,
        False,
    )


def test_mark_ready_without_a_size_keeps_the_current_one(accepted):
    shop, part, _ = accepted
    OrderPart.objects.filter(pk=part.pk).update(volume_litres=30, bulky=True)
    with pytest.raises(TransitionRefused, match="volume"):
        mark_ready(part_id=part.pk, shop_id=shop.pk, volume_litres=0)
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.ACCEPTED
    stored = mark_ready(part_id=part.pk, shop_id=shop.pk)
    assert (stored.volume_litres, stored.bulky) == (30, True)
