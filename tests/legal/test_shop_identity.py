"""Who the seller is: the shop's legal name, address, KvK and VAT number and its own terms,
on the shop's page and in the order e-mail; every one of them written by the shop, so
shown escaped."""

import pytest

from legal.models import ShopTerms
from marketplace.ordering import emails
from marketplace.ordering.services import PartChoice, place_order
from tests.conftest import client_for
from tests.factories import ShopFactory, UserFactory, make_basket, make_owner

from .conftest import HOSTILE, offer

pytestmark = pytest.mark.django_db
ESCAPED = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"


@pytest.fixture
def hostile_shop():
    return ShopFactory(
        legal_name=f"Kaas {HOSTILE}",
        chamber_of_commerce_number="87654321",
        vat_number="NL<b>1</b>",
        street="Brink 3",
        postcode="7411 BR",
        city="Deventer",
    )


def test_the_owner_writes_terms_and_the_shop_page_shows_them_escaped(hostile_shop):
    owner = client_for(make_owner(hostile_shop))
    assert owner.get("/shop/terms/").status_code == 200
    response = owner.post("/shop/terms/", {"text": f"  Ruilen binnen 30 dagen.\n{HOSTILE}  "})
    assert response.status_code == 302
    assert ShopTerms.objects.get(shop=hostile_shop).text == f"Ruilen binnen 30 dagen.\n{HOSTILE}"
    html = client_for().get(hostile_shop.get_absolute_url()).content.decode()
    assert "Ruilen binnen 30 dagen.<br>" + ESCAPED in html
    assert f"Kaas {ESCAPED}" in html
    assert "Chamber of commerce (KvK): 87654321" in html
    assert "VAT number: NL&lt;b&gt;1&lt;/b&gt;" in html
    assert "Brink 3" in html and "7411 BR Deventer" in html
    assert "<script>alert" not in html and "<img src=x onerror" not in html


def test_a_shop_without_terms_or_vat_number_shows_its_identity_only():
    shop = ShopFactory(legal_name="Bakker B.V.", vat_number="")
    html = client_for().get(shop.get_absolute_url()).content.decode()
    assert "Bakker B.V." in html and "Terms of this shop" not in html
    assert "VAT number:" not in html


def test_terms_too_long_are_refused_and_change_nothing():
    shop = ShopFactory()
    ShopTerms.objects.create(shop=shop, text="Oud")
    response = client_for(make_owner(shop)).post("/shop/terms/", {"text": "x" * 20001})
    assert response.status_code == 200
    assert "at most 20000 characters" in response.content.decode()
    assert ShopTerms.objects.get(shop=shop).text == "Oud"


def test_only_shop_staff_edit_their_terms_and_each_only_their_own():
    shop, other = ShopFactory(), ShopFactory()
    assert client_for(UserFactory()).get("/shop/terms/").status_code == 403
    client_for(make_owner(other)).post("/shop/terms/", {"text": "Van de ander"})
    assert not ShopTerms.objects.filter(shop=shop).exists()
    assert ShopTerms.objects.get(shop=other).text == "Van de ander"


def test_the_order_email_names_each_seller(hostile_shop, mailoutbox):
    consumer = UserFactory()
    order = place_order(
        basket=make_basket(consumer, (offer(hostile_shop, price="4.00"), 1)),
        user=consumer,
        choices={hostile_shop.partner_id: PartChoice(method="collect")},
        address=None,
    )
    mailoutbox.clear()
    emails.send_order_placed(order.pk)
    (message,) = mailoutbox
    html = message.alternatives[0][0]
    assert f"Verkoper: Kaas {ESCAPED}, Brink 3, 7411 BR Deventer · KvK 87654321" in html
    assert "btw NL&lt;b&gt;1&lt;/b&gt;" in html
    assert "<script>alert" not in html
    assert "KvK 87654321" in message.body
    assert "/legal/withdrawal/" in html and "/legal/withdrawal/" in message.body
