"""The pages: the shop refuses a line in its area (another shop gets a 404), the consumer
sees the offers on the order page and moves the line (another consumer gets a 404), and
the e-mails with hostile product and shop names escaped."""

import re
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from oscar.core.loading import get_model

from logistics.models import OrderPart, PartStatus
from logistics.part_states import LINE_REFUSED, refuse_line
from marketplace.reroute.models import ChanceStatus, SecondChance, TopUp
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_offer, make_owner

from .helpers import also_sold_by, paid_order, two_line_order

pytestmark = pytest.mark.django_db
Order = get_model("order", "Order")
HOSTILE = '<script>alert("x")</script>'


def refuse_url(part):
    return reverse("shop:part-action", args=[part.pk, "refuse-line"])


def test_the_shop_refuses_a_line_on_its_part_page():
    order, part, line, _elsewhere = two_line_order()
    browser = client_for(make_owner(part.shop))
    page = browser.get(reverse("shop:part", args=[part.pk]))
    assert "Not on the shelf" in page.content.decode()
    response = browser.post(refuse_url(part), {"line": line.pk})
    assert response.status_code == 302
    line.refresh_from_db()
    assert line.status == LINE_REFUSED
    assert OrderPart.objects.get(pk=part.pk).status == PartStatus.PLACED


def test_another_shop_cannot_refuse_a_line_of_a_part_not_its_own():
    order, part, line, _elsewhere = two_line_order()
    stranger = client_for(make_owner(ShopFactory()))
    assert stranger.post(refuse_url(part), {"line": line.pk}).status_code == 404
    assert stranger.get(reverse("shop:part", args=[part.pk])).status_code == 404
    line.refresh_from_db()
    assert line.status != LINE_REFUSED


def test_a_line_of_another_part_or_no_line_is_refused_with_a_message():
    order, part, line, _elsewhere = two_line_order()
    other_order, _other_part, other_line, _ = two_line_order()
    browser = client_for(make_owner(part.shop))
    for data in ({"line": other_line.pk}, {"line": "x"}, {}):
        page = browser.post(refuse_url(part), data, follow=True)
        assert page.status_code == 200
    other_line.refresh_from_db()
    assert other_line.status != LINE_REFUSED
    assert not SecondChance.objects.exists()


def test_the_consumer_sees_the_offer_and_moves_the_line_in_one_click():
    order, part, line, elsewhere = two_line_order(other_price="8.00")
    refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="gone")
    browser = client_for(order.user)
    page = browser.get(reverse("ordering:order", args=[order.number])).content.decode()
    assert elsewhere.partner.name in page
    assert "€8.00" in page or "8,00" in page
    assert "pick up" in page
    chance = SecondChance.objects.get(line=line)
    response = browser.post(
        reverse("reroute:move", args=[order.number, chance.pk]), {"offer": elsewhere.pk}
    )
    assert response.status_code == 302
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.MOVED
    page = browser.get(reverse("ordering:order", args=[order.number])).content.decode()
    assert f"It now comes from {elsewhere.partner.name}" in page


def test_a_dearer_move_goes_to_the_payment_page_of_the_difference():
    order, part, line, elsewhere = two_line_order(other_price="11.50")
    refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="gone")
    chance = SecondChance.objects.get(line=line)
    browser = client_for(order.user)
    response = browser.post(
        reverse("reroute:move", args=[order.number, chance.pk]), {"offer": elsewhere.pk}
    )
    top_up = TopUp.objects.get()
    assert response.url == reverse("reroute:pay-top-up", args=[order.number, top_up.pk])
    assert "€1.50" in browser.get(response.url).content.decode()
    browser.post(response.url, {"action": "pay"})
    assert OrderPart.objects.get(pk=top_up.part_id).status == PartStatus.PLACED


def test_another_consumer_gets_a_404_and_changes_nothing():
    order, part, line, elsewhere = two_line_order()
    refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="gone")
    chance = SecondChance.objects.get(line=line)
    stranger = client_for(UserFactory())
    move = reverse("reroute:move", args=[order.number, chance.pk])
    assert stranger.post(move, {"offer": elsewhere.pk}).status_code == 404
    refund = reverse("reroute:decline", args=[order.number, chance.pk])
    assert stranger.post(refund).status_code == 404
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.OPEN


def test_a_bad_offer_is_refused_with_a_message():
    order, part, line, _elsewhere = two_line_order()
    refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="gone")
    chance = SecondChance.objects.get(line=line)
    browser = client_for(order.user)
    move = reverse("reroute:move", args=[order.number, chance.pk])
    unrelated = make_offer(ShopFactory(), price="1.00")
    for offer in ("abc", unrelated.pk):
        page = browser.post(move, {"offer": offer}, follow=True).content.decode()
        assert "Choose one of the shops offered" in page or "no longer has" in page
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.OPEN


def test_the_checkout_box_is_on_the_checkout_form():
    from marketplace.ordering.forms import CheckoutForm

    assert "find_elsewhere" in CheckoutForm.base_fields


def test_the_e_mails_escape_hostile_product_and_shop_names(django_capture_on_commit_callbacks):
    shop = ShopFactory(partner__name=HOSTILE)
    other = ShopFactory(partner__name=f"Other {HOSTILE}")
    book = make_offer(shop, price="10.00", title=HOSTILE)
    pen = make_offer(shop, price="2.00")
    elsewhere = also_sold_by(other, book, price="7.00")
    order, part = paid_order(shop, (book, 1), (pen, 1))
    line = order.lines.get(stockrecord=book)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refuse_line(part_id=part.pk, shop_id=shop.pk, line_id=line.pk, reason="gone")
    [refused] = mail.outbox
    html = refused.alternatives[0][0]
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "€7.00" in html or "7,00" in html
    assert f"/orders/{order.number}/#refused-{line.pk}" in html
    chance = SecondChance.objects.get(line=line)
    from marketplace.reroute.services import move_line

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    [moved] = mail.outbox
    html = moved.alternatives[0][0]
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "3.00" in html or "3,00" in html  # the difference refunded
    assert Decimal("3.00") == line.line_price_incl_tax - Decimal("7.00")


@pytest.mark.parametrize("ticked", [True, False])
def test_the_checkout_stores_find_it_elsewhere_with_the_order(ticked):
    from marketplace.reroute.models import Preference

    shop, consumer = ShopFactory(), UserFactory()
    book = make_offer(shop, price="10.00")
    browser = client_for(consumer)
    browser.post(f"/basket/add-offer/{book.pk}/", {"quantity": "1"})
    form = {f"method_{shop.partner_id}": "collect"}
    if ticked:
        form["find_elsewhere"] = "on"
    response = browser.post("/checkout/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Preference.objects.get(order__user=consumer).find_elsewhere is ticked


def test_a_line_nobody_else_has_is_refunded_and_the_e_mail_says_so(
    django_capture_on_commit_callbacks,
):
    shop = ShopFactory(partner__name=HOSTILE)
    book = make_offer(shop, price="10.00", title=HOSTILE)
    pen = make_offer(shop, price="2.00")
    order, part = paid_order(shop, (book, 1), (pen, 1))
    line = order.lines.get(stockrecord=book)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refuse_line(part_id=part.pk, shop_id=shop.pk, line_id=line.pk, reason="gone")
    [refunded] = mail.outbox
    html = refunded.alternatives[0][0]
    assert HOSTILE not in html and "&lt;script&gt;" in html
    assert "10.00" in html or "10,00" in html


def test_with_stripe_a_dearer_move_leaves_a_stripe_top_up_and_a_cheaper_one_goes_ahead(
    settings,
):
    from marketplace.reroute import services

    settings.PAYMENT_GATEWAY = "stripe"
    order, part, line, elsewhere = two_line_order(other_price="10.50")
    refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="gone")
    chance = SecondChance.objects.get(line=line)
    moved = services.move_line(chance_id=chance.pk, stockrecord_id=elsewhere.pk)
    assert (moved.top_up.amount, moved.top_up.gateway) == (Decimal("0.50"), "stripe")
    assert services.cancel_top_up(top_up_id=moved.top_up.pk)
    cheaper = also_sold_by(ShopFactory(), line.product.stockrecords.first(), price="9.00")
    services.move_line(chance_id=chance.pk, stockrecord_id=cheaper.pk)
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.MOVED


def test_a_guest_moves_the_line_from_the_link_in_the_refused_e_mail(
    django_capture_on_commit_callbacks,
):
    order, part, line, elsewhere = two_line_order(other_price="8.00")
    Order.objects.filter(pk=order.pk).update(user=None, guest_email="gast@stadsmarkt.test")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        refuse_line(part_id=part.pk, shop_id=part.shop_id, line_id=line.pk, reason="gone")
    (sent,) = [m for m in mail.outbox if m.to == ["gast@stadsmarkt.test"]]
    link = re.search(r"https?://\S+/orders/\S+", sent.body).group(0)
    chance = SecondChance.objects.get(line=line)
    move = reverse("reroute:move", args=[order.number, chance.pk])

    stranger = Client()
    assert stranger.post(move, {"offer": elsewhere.pk}).status_code == 302  # to sign in
    assert "/login/" in stranger.post(move, {"offer": elsewhere.pk}).url
    guest = Client()
    opened = guest.get(urlsplit(link).path + "?" + urlsplit(link).query, follow=True)
    assert elsewhere.partner.name in opened.content.decode()
    assert guest.post(move, {"offer": elsewhere.pk}).status_code == 302
    assert SecondChance.objects.get(pk=chance.pk).status == ChanceStatus.MOVED
