"""Back-in-stock alerts: asked on a product sold out everywhere; e-mailed once when any shop
with the same product (same EAN: one Product) can sell it again, whichever way the stock
came back; then closed."""

from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone
from oscar.core.loading import get_model

from inventory_sync.counts import Count, write_counts
from inventory_sync.services import set_on_hand
from inventory_sync.stock_writes import StockWrite, write_stock
from marketplace.community.alerts import close_due_alerts
from marketplace.community.tasks import send_due_alerts
from shops.models import ShopStatus
from tests.community.conftest import HOSTILE, second_offer
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer

ProductAlert = get_model("customer", "ProductAlert")
pytestmark = pytest.mark.django_db


@pytest.fixture
def sold_out(committed):
    """One product at two shops, none in stock, and a consumer who asked for an alert."""
    first, second = ShopFactory(), ShopFactory()
    at_first = make_offer(first, on_hand=0, title="Blauwe Vaas")
    at_second = second_offer(at_first, second, on_hand=0)
    consumer = UserFactory()
    browser = client_for(consumer)
    response = browser.post(f"/my-town/alerts/product/{at_first.product_id}/")
    assert response.status_code == 302
    return first, second, at_first, at_second, consumer


def alerts_of(consumer):
    return list(ProductAlert.objects.filter(user=consumer).values_list("status", flat=True))


def test_the_product_page_offers_the_alert_only_when_sold_out_everywhere():
    shop = ShopFactory()
    record = make_offer(shop, on_hand=0, title="Lamp")
    browser = client_for(UserFactory())
    assert "back-in-stock-button" in browser.get(record.product.get_absolute_url()).content.decode()
    set_on_hand(stockrecord_id=record.pk, quantity=2)
    html = browser.get(record.product.get_absolute_url()).content.decode()
    assert "back-in-stock-button" not in html
    refused = browser.post(f"/my-town/alerts/product/{record.product_id}/", follow=True)
    assert "This product is in stock" in refused.content.decode()
    assert not ProductAlert.objects.exists()


def test_asking_twice_makes_one_alert_and_the_page_says_it_is_set(sold_out):
    *_, at_first, _at_second, consumer = sold_out
    browser = client_for(consumer)
    browser.post(f"/my-town/alerts/product/{at_first.product_id}/")
    assert alerts_of(consumer) == [ProductAlert.ACTIVE]
    html = browser.get(at_first.product.get_absolute_url()).content.decode()
    assert "alert-open" in html and "back-in-stock-button" not in html


def test_stock_back_at_the_other_shop_sends_one_e_mail_and_closes_the_alert(sold_out, committed):
    first, second, at_first, at_second, consumer = sold_out
    assert send_due_alerts() == 0 and mail.outbox == []

    set_on_hand(stockrecord_id=at_second.pk, quantity=3)  # a hand edit at the second shop
    with committed():
        assert send_due_alerts() == 1
    [message] = mail.outbox
    assert message.to == [consumer.email]
    assert "Blauwe Vaas" in message.subject
    assert second.partner.name in message.body and first.partner.name not in message.body
    assert at_first.product.get_absolute_url() in message.body
    assert alerts_of(consumer) == [ProductAlert.CLOSED]

    # Sold out and back again, and the beat again: nothing more.
    set_on_hand(stockrecord_id=at_second.pk, quantity=0)
    set_on_hand(stockrecord_id=at_second.pk, quantity=4)
    with committed():
        assert send_due_alerts() == 0
    assert len(mail.outbox) == 1


def test_a_pos_count_and_a_stock_file_bring_it_back_too(sold_out, committed):
    first, second, at_first, at_second, consumer = sold_out
    other = UserFactory()
    client_for(other).post(f"/my-town/alerts/product/{at_first.product_id}/")
    write_counts([Count(at_first.pk, 2, timezone.now())])  # a till's webhook at the first shop
    with committed():
        assert sorted(close_due_alerts()) == sorted(
            ProductAlert.objects.values_list("pk", flat=True)
        )
    assert sorted(m.to[0] for m in mail.outbox) == sorted([consumer.email, other.email])

    # A later alert, brought back by the second shop's CSV feed.
    mail.outbox.clear()
    write_counts([Count(at_first.pk, 0, timezone.now() + timedelta(seconds=1))])
    client_for(consumer).post(f"/my-town/alerts/product/{at_first.product_id}/")
    with transaction.atomic():
        write_stock(partner_id=second.partner_id, writes=[StockWrite(at_second.pk, 5, price=None)])
    with committed():
        assert send_due_alerts() == 1
    assert [m.to for m in mail.outbox] == [[consumer.email]]


def test_units_held_back_by_reservations_or_the_buffer_or_a_paused_shop_do_not_count(sold_out):
    first, second, at_first, at_second, consumer = sold_out
    second.safety_buffer = 2
    second.save(update_fields=["safety_buffer"])
    set_on_hand(stockrecord_id=at_second.pk, quantity=2)  # all held back by the buffer
    at_first.num_allocated = 3
    at_first.save(update_fields=["num_allocated"])
    set_on_hand(stockrecord_id=at_first.pk, quantity=3)  # all reserved
    assert send_due_alerts() == 0
    first.status = ShopStatus.PAUSED
    first.save(update_fields=["status"])
    set_on_hand(stockrecord_id=at_first.pk, quantity=9)  # a paused shop sells nothing
    assert send_due_alerts() == 0
    assert mail.outbox == [] and alerts_of(consumer) == [ProductAlert.ACTIVE]


def test_a_cancelled_alert_sends_nothing_and_nobody_cancels_another_persons(sold_out, committed):
    *_, at_first, at_second, consumer = sold_out
    alert = ProductAlert.objects.get(user=consumer)
    stranger = client_for(UserFactory())
    stranger.post(f"/my-town/alerts/{alert.pk}/cancel/")
    assert alerts_of(consumer) == [ProductAlert.ACTIVE]
    client_for(consumer).post(f"/my-town/alerts/{alert.pk}/cancel/")
    assert alerts_of(consumer) == [ProductAlert.CANCELLED]
    set_on_hand(stockrecord_id=at_second.pk, quantity=1)
    with committed():
        assert send_due_alerts() == 0
    assert mail.outbox == []


def test_a_hostile_product_title_is_escaped_in_the_e_mail_and_its_subject_is_one_line(committed):
    shop = ShopFactory()
    record = make_offer(shop, on_hand=0, title="Vaas\n" + HOSTILE)
    consumer = UserFactory()
    client_for(consumer).post(f"/my-town/alerts/product/{record.product_id}/")
    set_on_hand(stockrecord_id=record.pk, quantity=1)
    with committed():
        send_due_alerts()
    [message] = mail.outbox
    assert "\n" not in message.subject and "Vaas </script>" in message.subject
    html = message.alternatives[0][0]
    assert "<script>" not in html and "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
